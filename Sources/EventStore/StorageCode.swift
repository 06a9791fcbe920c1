import CoachLogProtocol

/// The byte each stored enum case is written as, in envelopes and records.
///
/// Stored history outlives the Swift declarations: reordering, renaming or
/// inserting a `case` must never change what a stored byte means. So every
/// code is written out here, one switch per enum, and never derived from a
/// case's position. Rules:
/// - A code, once released, keeps its meaning forever; a new case takes a new
///   code (and old binaries refuse the store through the format version).
/// - 0 is never a code, so a zeroed byte reads as corrupt instead of as the
///   first case.
/// - An unknown code is a corrupt record (`ByteReader.Corrupt`), never a trap.
///
/// The golden-bytes test (`StorageCodeTests`) fails if any code changes.
enum StorageCode {
    // MARK: Event types

    @inline(__always)
    /// The codes are the wire's too (`EventType.storedCode`, Protocol.md §4.6).
    static func code(_ type: EventType) -> UInt8 { type.storedCode }

    static func eventType(_ code: UInt8) throws(ByteReader.Corrupt) -> EventType {
        guard let type = EventType(storedCode: code) else { throw ByteReader.Corrupt() }
        return type
    }

    // MARK: Commitment kinds

    @inline(__always)
    static func code(_ kind: CommitmentKind) -> UInt8 {
        switch kind {
        case .more: 1
        case .better: 2
        case .different: 3
        }
    }

    static func commitmentKind(_ code: UInt8) throws(ByteReader.Corrupt) -> CommitmentKind {
        switch code {
        case 1: .more
        case 2: .better
        case 3: .different
        default: throw ByteReader.Corrupt()
        }
    }

    // MARK: Outcomes

    @inline(__always)
    static func code(_ outcome: Outcome) -> UInt8 {
        switch outcome {
        case .kept: 1
        case .partial: 2
        case .missed: 3
        }
    }

    static func outcome(_ code: UInt8) throws(ByteReader.Corrupt) -> Outcome {
        switch code {
        case 1: .kept
        case 2: .partial
        case 3: .missed
        default: throw ByteReader.Corrupt()
        }
    }

    // MARK: Goal status

    @inline(__always)
    static func code(_ status: GoalStatus) -> UInt8 {
        switch status {
        case .active: 1
        case .achieved: 2
        case .dropped: 3
        }
    }

    static func goalStatus(_ code: UInt8) throws(ByteReader.Corrupt) -> GoalStatus {
        switch code {
        case 1: .active
        case 2: .achieved
        case 3: .dropped
        default: throw ByteReader.Corrupt()
        }
    }

    // MARK: Topics

    @inline(__always)
    static func code(_ topic: Topic) -> UInt8 {
        switch topic {
        case .selfConcept: 1
        case .identityRole: 2
        case .personalGoals: 3
        case .behavioralReflection: 4
        }
    }

    static func topic(_ code: UInt8) throws(ByteReader.Corrupt) -> Topic {
        switch code {
        case 1: .selfConcept
        case 2: .identityRole
        case 3: .personalGoals
        case 4: .behavioralReflection
        default: throw ByteReader.Corrupt()
        }
    }

    /// A set of topics as one byte: topic code c is bit c − 1. 0 is the empty
    /// set (a session may cover no topic); a bit of no known code is corrupt.
    static func topicMask(_ topics: [Topic]) -> UInt8 {
        var mask: UInt8 = 0
        for topic in topics { mask |= 1 << (code(topic) &- 1) }
        return mask
    }

    /// The topics of a mask, in ascending code order.
    static func topics(mask: UInt8) throws(ByteReader.Corrupt) -> [Topic] {
        var topics: [Topic] = []
        var rest = mask
        while rest != 0 {
            let bit = UInt8(rest.trailingZeroBitCount)
            topics.append(try topic(bit + 1))
            rest &= rest &- 1
        }
        return topics
    }
}

/// The four coaching topics, by their wire names.
public enum Topic: String, Sendable, Hashable, CaseIterable, Comparable {
    case selfConcept
    case identityRole
    case personalGoals
    case behavioralReflection

    public static func < (a: Topic, b: Topic) -> Bool { a.ordinal < b.ordinal }

    var ordinal: Int { Topic.allCases.firstIndex(of: self) ?? 0 }

    public static let wireNames = allCases.map(\.rawValue).joined(separator: ", ")
}

/// What a salesperson commits to do next week: more of, better, or differently.
public enum CommitmentKind: String, Sendable, Hashable, CaseIterable {
    case more
    case better
    case different
}

/// How a commitment turned out when the coach reviewed it.
public enum Outcome: String, Sendable, Hashable, CaseIterable {
    case kept
    case partial
    case missed
}

/// The event types of the coaching record.
public enum EventType: String, Sendable, Hashable, CaseIterable {
    case sessionOpened = "SessionOpened"
    case goalStated = "GoalStated"
    case commitmentMade = "CommitmentMade"
    case commitmentReviewed = "CommitmentReviewed"
    case insightNoted = "InsightNoted"
    case sessionClosed = "SessionClosed"
    case reviewCorrected = "ReviewCorrected"
    case commitmentAmended = "CommitmentAmended"
    case commitmentWithdrawn = "CommitmentWithdrawn"
    case sessionVoided = "SessionVoided"
    case salespersonMerged = "SalespersonMerged"
    case goalAmended = "GoalAmended"
    case goalAchieved = "GoalAchieved"
    case goalDropped = "GoalDropped"
    /// Written by the daemon's `forget` operation, never by a client: the
    /// salesperson's data key was destroyed here. Holds no personal data.
    case salespersonForgotten = "SalespersonForgotten"

    /// Corrections say what the latest word is on an earlier record; they never rewrite it.
    public var isCorrection: Bool {
        switch self {
        case .sessionOpened, .goalStated, .commitmentMade, .commitmentReviewed, .insightNoted, .sessionClosed: return false
        case .reviewCorrected, .commitmentAmended, .commitmentWithdrawn, .sessionVoided, .salespersonMerged, .goalAmended,
            .goalAchieved, .goalDropped:
            return true
        case .salespersonForgotten: return false
        }
    }

    /// Members of `data` that hold free text. They are encrypted at rest with
    /// the salesperson's data key, left out for roles that may not read free
    /// text, and `null` once the salesperson is forgotten.
    public static let freeTextFields = ["text", "note", "reason", "area"]

    /// Members of `data` that name a person other than the event's own
    /// salesperson (stored by number, never by name).
    public var otherPersonFields: [String] {
        switch self {
        case .sessionOpened: return ["coach"]
        case .salespersonMerged: return ["into"]
        default: return []
        }
    }

    public static let wireNames = allCases.map(\.rawValue).joined(separator: ", ")
}

/// A rule of the coaching record was broken; nothing was written.
///
/// `rule` is a stable identifier (for example `session.closed`) that clients
/// and tests can match on; `message` says what was wrong and what to do.
public struct DomainError: Error, Sendable, Equatable, CustomStringConvertible {
    public var rule: String
    public var message: String

    public init(rule: String, _ message: String) {
        self.rule = rule
        self.message = message
    }

    public var description: String { "\(message) [\(rule)]" }
}

/// Limits on what an event may contain.
public enum Limits {
    public static let maximumTextLength = 4_000
    public static let maximumNameLength = 200
    public static let maximumIdLength = 128
    public static let maximumAreaLength = 64
    /// Names and ids become storage keys, which must stay well under LMDB's
    /// 511-byte key limit: 200 characters of a non-Latin script can exceed it.
    public static let maximumKeyBytes = 400
}

/// Byte-for-byte equality. Names and ids are storage keys, compared by their
/// UTF-8 bytes; Swift's `==` would also equate canonically equivalent
/// spellings (é as one scalar or as e + accent), which the store keeps apart.
@inline(__always)
public func sameKey(_ a: String, _ b: String) -> Bool {
    // The byte counts of native strings are known: most different keys stop here.
    guard a.utf8.count == b.utf8.count else { return false }
    var a = a
    var b = b
    return a.withUTF8 { x in b.withUTF8 { y in x.elementsEqual(y) } }
}

/// A name or id as a dictionary key or sort key, compared by its UTF-8 bytes
/// like `sameKey` and like the store's B-trees. `String` itself hashes and
/// orders by canonical equivalence, which would merge two people the store
/// keeps apart.
public struct ExactName: Sendable, Hashable, Comparable {
    public let string: String

    public init(_ string: String) { self.string = string }

    public static func == (a: ExactName, b: ExactName) -> Bool { sameKey(a.string, b.string) }

    public func hash(into hasher: inout Hasher) {
        var contiguous = string
        contiguous.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }

    public static func < (a: ExactName, b: ExactName) -> Bool { a.string.utf8.lexicographicallyPrecedes(b.string.utf8) }
}

import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import Sealing

/// Binary forms of the read-model records and the event envelope. Every enum
/// is stored as its `StorageCode`, never as its position in the declaration.
enum RecordCodec {
    /// First byte of every envelope of store formats 6 and 7: the person by number,
    /// their free text sealed. Format 3 to 5 wrote 2 (everything in clear,
    /// see `ClearEnvelope`); format 2 and older 1 (see `LegacyEnvelope`).
    static let envelopeVersion: UInt8 = 3

    // MARK: Envelope
    //
    // version, type code, eventId, person id (8 bytes), stream version,
    // recordedAt, then the data in two parts: the clear part (JSON: no
    // salesperson, no free text, other people as "#" and their id in
    // hexadecimal), a byte marking which free-text members exist, and the
    // free-text members as one JSON object sealed with the person's data key
    // (bound to the position and the person).

    static func encode(
        _ header: Header, position: UInt64, clear: [UInt8], textMask: UInt8, texts: [UInt8]?, key: DataKey
    ) -> [UInt8] {
        var w = ByteWriter(capacity: 64 + clear.count + (texts?.count ?? 0) + DataKey.overhead)
        w.u8(envelopeVersion)
        w.u8(StorageCode.code(header.type))
        w.string(header.eventId)
        w.person(header.person)
        w.varint(header.streamVersion)
        w.i64(header.recordedAt.milliseconds)
        w.blob(clear)
        w.u8(textMask)
        if let texts { w.raw(key.seal(texts, context: textContext(position: position, person: header.person))) }
        return w.bytes
    }

    static func textContext(position: UInt64, person: PersonID) -> [UInt8] {
        Array("coachlog text".utf8) + bigEndianKey(position) + person.bigEndianBytes
    }

    /// `forFold`: for a fold, which needs to know which texts exist but not
    /// what they say (records point at them by position): texts stay sealed
    /// and read as null, except a goal's, whose area the records keep.
    static func decodeEnvelope(
        position: UInt64, _ raw: UnsafeRawBufferPointer, ring: KeyRing, forFold: Bool = false
    ) throws -> EventEnvelope {
        var r = ByteReader(raw)
        let header = try decodeHeader(&r)
        guard case .object(var fields) = try JSONParser.parse(try r.blob()) else { throw ByteReader.Corrupt() }
        let textMask = try r.u8()
        let sealed = r.rest()
        let shown = try ring.shown(header.person)
        for member in header.type.otherPersonFields {
            guard case .string(let token)? = fields[member] else { continue }
            fields[member] = .string(try ring.shown(try personToken(token)).name)
        }
        fields["salesperson"] = .string(shown.name)
        let opening = forFold && header.type != .goalStated ? nil : shown.key
        let texts = try self.texts(textMask, sealed, key: opening, position: position, person: header.person)
        fields.merge(texts) { _, text in text }
        return EventEnvelope(
            position: position, eventId: header.eventId, type: header.type, salesperson: shown.name,
            streamVersion: header.streamVersion, recordedAt: header.recordedAt, data: .object(fields), erased: shown.erased)
    }

    /// Only the free-text members of the event at `position` (what queries
    /// read from the log), without parsing its clear part or resolving names:
    /// null where the salesperson was forgotten.
    static func decodeTexts(position: UInt64, _ raw: UnsafeRawBufferPointer, ring: KeyRing) throws -> JSONValue {
        var r = ByteReader(raw)
        let header = try decodeHeader(&r)
        _ = try r.blob()
        let textMask = try r.u8()
        return .object(
            try texts(textMask, r.rest(), key: ring.key(of: header.person), position: position, person: header.person))
    }

    /// The free-text members `textMask` says an event has: opened with `key`,
    /// or each null without one (forgotten, or left sealed for a fold).
    private static func texts(
        _ textMask: UInt8, _ sealed: UnsafeRawBufferPointer, key: DataKey?, position: UInt64, person: PersonID
    ) throws -> [String: JSONValue] {
        guard textMask != 0 else { return [:] }
        guard let key else {
            var absent: [String: JSONValue] = [:]
            for (bit, member) in EventType.freeTextFields.enumerated() where textMask & (1 << bit) != 0 {
                absent[member] = .null
            }
            return absent
        }
        guard let opened = key.open(sealed, context: textContext(position: position, person: person)),
            case .object(let texts) = try JSONParser.parse(opened)
        else { throw ByteReader.Corrupt() }
        return texts
    }

    /// An envelope without its data, which `reader` is left at.
    struct Header {
        var type: EventType
        var eventId: String
        var person: PersonID
        var streamVersion: UInt64
        var recordedAt: Timestamp
    }

    static func decodeHeader(_ r: inout ByteReader) throws -> Header {
        guard try r.u8() == envelopeVersion else { throw ByteReader.Corrupt() }
        return Header(
            type: try StorageCode.eventType(try r.u8()), eventId: try r.string(), person: try r.person(),
            streamVersion: try r.varint(), recordedAt: Timestamp(milliseconds: try r.i64()))
    }

    /// How the clear part names a person other than the event's own.
    static func token(_ id: PersonID) -> String { "#" + Hex.string(id.bigEndianBytes) }

    static func personToken(_ token: String) throws -> PersonID {
        guard token.hasPrefix("#"), let bytes = Hex.bytes(String(token.dropFirst())), bytes.count == 8 else {
            throw ByteReader.Corrupt()
        }
        return PersonID(bytes.reduce(0) { $0 << 8 | UInt64($1) })
    }

    // MARK: Records

    static func encode(_ s: SessionRecord, ring: KeyRing) throws -> [UInt8] {
        var w = ByteWriter()
        w.string(s.sessionId)
        w.person(try ring.idForStoring(s.salesperson))
        w.person(try ring.idForStoring(s.coach))
        w.i64(s.openedAt.milliseconds)
        if let closed = s.closedAt {
            w.u8(1)
            w.i64(closed.milliseconds)
        } else {
            w.u8(0)
        }
        w.u8(StorageCode.topicMask(s.topics))
        w.varint(s.position)
        w.u8(s.voided ? 1 : 0)
        return w.bytes
    }

    static func decodeSession(_ raw: UnsafeRawBufferPointer, ring: KeyRing) throws -> SessionRecord {
        var r = ByteReader(raw)
        return SessionRecord(
            sessionId: try r.string(), salesperson: try ring.shown(try r.person()).name,
            coach: try ring.shown(try r.person()).name,
            openedAt: Timestamp(milliseconds: try r.i64()),
            closedAt: try r.flag() ? Timestamp(milliseconds: try r.i64()) : nil,
            topics: try StorageCode.topics(mask: try r.u8()), position: try r.varint(), voided: try r.flag())
    }

    static func encode(_ g: GoalRecord, ring: KeyRing) throws -> [UInt8] {
        var w = ByteWriter()
        w.string(g.goalId)
        let person = try ring.idForStoring(g.salesperson)
        w.person(person)
        w.string(g.sessionId)
        // The area is free text: sealed like the log's.
        if let area = g.area, let key = ring.key(of: person) {
            w.u8(1)
            w.blob(key.sealDeterministic(Array(area.utf8), context: areaContext(g.goalId, person)))
        } else {
            w.u8(0)
        }
        w.i64(g.at.milliseconds)
        w.varint(g.position)
        w.varint(g.textPosition)
        w.u8(StorageCode.code(g.status))
        w.optionalTime(g.statusAt)
        w.u8(g.voided ? 1 : 0)
        return w.bytes
    }

    static func areaContext(_ goalId: String, _ person: PersonID) -> [UInt8] {
        Array("coachlog area".utf8) + person.bigEndianBytes + bigEndianKey(UInt64(goalId.utf8.count)) + Array(goalId.utf8)
    }

    static func decodeGoal(_ raw: UnsafeRawBufferPointer, ring: KeyRing) throws -> GoalRecord {
        var r = ByteReader(raw)
        let goalId = try r.string()
        let person = try r.person()
        let shown = try ring.shown(person)
        let sessionId = try r.string()
        var area: String?
        if try r.flag() {
            let sealed = try r.blob()
            if let key = shown.key {
                guard let opened = key.open(sealed, context: areaContext(goalId, person)) else { throw ByteReader.Corrupt() }
                area = String(decoding: opened, as: UTF8.self)
            }
        }
        return GoalRecord(
            goalId: goalId, salesperson: shown.name, sessionId: sessionId, area: area,
            at: Timestamp(milliseconds: try r.i64()), position: try r.varint(), textPosition: try r.varint(),
            status: try StorageCode.goalStatus(try r.u8()), statusAt: try r.optionalTime(), voided: try r.flag())
    }

    static func encode(_ c: CommitmentRecord, ring: KeyRing) throws -> [UInt8] {
        var w = ByteWriter()
        w.string(c.commitmentId)
        w.person(try ring.idForStoring(c.salesperson))
        w.string(c.sessionId)
        w.u8(StorageCode.code(c.kind))
        w.i64(Int64(c.due.number))
        w.optionalString(c.goalId)
        w.i64(c.madeAt.milliseconds)
        w.varint(c.position)
        // Whether it counts comes before the review, so that follow-through can stop early.
        w.u8(c.voided ? 1 : 0)
        w.optionalTime(c.withdrawnAt)
        w.varint(c.textPosition)
        if let review = c.review {
            w.u8(1)
            w.string(review.sessionId)
            w.u8(StorageCode.code(review.outcome))
            w.i64(review.at.milliseconds)
            w.varint(review.position)
            w.varint(review.notePosition)
        } else {
            w.u8(0)
        }
        return w.bytes
    }

    static func decodeCommitment(_ raw: UnsafeRawBufferPointer, ring: KeyRing) throws -> CommitmentRecord {
        var r = ByteReader(raw)
        var c = CommitmentRecord(
            commitmentId: try r.string(), salesperson: try ring.shown(try r.person()).name, sessionId: try r.string(),
            kind: try StorageCode.commitmentKind(try r.u8()), due: Day(number: Int32(truncatingIfNeeded: try r.i64())),
            goalId: try r.optionalString(), madeAt: Timestamp(milliseconds: try r.i64()), position: try r.varint(),
            review: nil)
        c.voided = try r.flag()
        c.withdrawnAt = try r.optionalTime()
        c.textPosition = try r.varint()
        if try r.flag() {
            c.review = ReviewRecord(
                sessionId: try r.string(), outcome: try StorageCode.outcome(try r.u8()),
                at: Timestamp(milliseconds: try r.i64()), position: try r.varint(), notePosition: try r.varint())
        }
        return c
    }

    /// Reads only what follow-through counts from an encoded commitment
    /// (same layout as `encode(_: CommitmentRecord)`); nil when not reviewed,
    /// withdrawn, or made in a voided session.
    static func decodeReviewFact(_ raw: UnsafeRawBufferPointer) throws -> ReviewFact? {
        var r = ByteReader(raw)
        try r.skipString()  // commitmentId
        try r.skip(8)  // salesperson
        try r.skipString()  // sessionId
        let kind = try StorageCode.commitmentKind(try r.u8())
        try r.skip(8)  // due
        if try r.flag() { try r.skipString() }  // goalId
        try r.skip(8)  // madeAt
        _ = try r.varint()  // position
        guard !(try r.flag()), try r.optionalTime() == nil else { return nil }  // voided, withdrawn
        _ = try r.varint()  // textPosition
        guard try r.flag() else { return nil }
        try r.skipString()  // review sessionId
        let outcome = try StorageCode.outcome(try r.u8())
        return ReviewFact(kind: kind, outcome: outcome, at: Timestamp(milliseconds: try r.i64()))
    }

    static func encode(_ i: InsightRecord, ring: KeyRing) throws -> [UInt8] {
        var w = ByteWriter()
        w.person(try ring.idForStoring(i.salesperson))
        w.string(i.sessionId)
        w.u8(StorageCode.code(i.topic))
        w.i64(i.at.milliseconds)
        w.varint(i.position)
        w.u8(i.voided ? 1 : 0)
        return w.bytes
    }

    static func decodeInsight(_ raw: UnsafeRawBufferPointer, ring: KeyRing) throws -> InsightRecord {
        var r = ByteReader(raw)
        return InsightRecord(
            salesperson: try ring.shown(try r.person()).name, sessionId: try r.string(), topic: try StorageCode.topic(try r.u8()),
            at: Timestamp(milliseconds: try r.i64()), position: try r.varint(), voided: try r.flag())
    }

    static func encode(_ p: PersonRecord, ring: KeyRing) throws -> [UInt8] {
        var w = ByteWriter()
        w.person(try ring.idForStoring(p.salesperson))
        w.person(try ring.idForStoring(p.coach))
        w.string(p.latestSessionId)
        w.i64(p.latestSessionAt.milliseconds)
        w.varint(p.latestSessionPosition)
        if let merged = p.mergedInto {
            w.u8(1)
            w.person(try ring.idForStoring(merged))
        } else {
            w.u8(0)
        }
        w.varint(UInt64(p.aliases.count))
        for alias in p.aliases { w.person(try ring.idForStoring(alias)) }
        w.u8(p.hasSessions ? 1 : 0)
        return w.bytes
    }

    static func decodePerson(_ raw: UnsafeRawBufferPointer, ring: KeyRing) throws -> PersonRecord {
        var r = ByteReader(raw)
        return PersonRecord(
            salesperson: try ring.shown(try r.person()).name, coach: try ring.shown(try r.person()).name,
            latestSessionId: try r.string(), latestSessionAt: Timestamp(milliseconds: try r.i64()),
            latestSessionPosition: try r.varint(), mergedInto: try r.flag() ? try ring.shown(try r.person()).name : nil,
            aliases: try (0..<r.varint()).map { _ in try ring.shown(try r.person()).name },
            hasSessions: try r.flag())
    }
}

import CoachLogJSON
import CoachLogProtocol
import CoachingDomain

/// Binary forms of the read-model records and the event envelope. Every enum
/// is stored as its `StorageCode`, never as its position in the declaration.
enum RecordCodec {
    /// First byte of every envelope of store format 3. Format 2 and older wrote
    /// 1, with event types by declaration position (see `LegacyEnvelope`).
    static let envelopeVersion: UInt8 = 2

    // MARK: Envelope

    static func encode(_ e: EventEnvelope, dataBytes: [UInt8]? = nil) -> [UInt8] {
        var w = ByteWriter(capacity: 64 + (dataBytes?.count ?? 256))
        w.u8(envelopeVersion)
        w.u8(StorageCode.code(e.type))
        w.string(e.eventId)
        w.string(e.salesperson)
        w.varint(e.streamVersion)
        w.i64(e.recordedAt.milliseconds)
        if let dataBytes { w.raw(dataBytes) } else { JSONWriter.write(e.data, into: &w.bytes) }
        return w.bytes
    }

    static func decodeEnvelope(position: UInt64, _ raw: UnsafeRawBufferPointer) throws -> EventEnvelope {
        var r = ByteReader(raw)
        let header = try decodeHeader(&r)
        let data = try JSONParser.parse(r.rest())
        return EventEnvelope(
            position: position, eventId: header.eventId, type: header.type, salesperson: header.salesperson,
            streamVersion: header.streamVersion, recordedAt: header.recordedAt, data: data)
    }

    /// An envelope without its data, which `reader` is left at.
    struct Header {
        var type: EventType
        var eventId: String
        var salesperson: String
        var streamVersion: UInt64
        var recordedAt: Timestamp
    }

    static func decodeHeader(_ r: inout ByteReader) throws -> Header {
        guard try r.u8() == envelopeVersion else { throw ByteReader.Corrupt() }
        return Header(
            type: try StorageCode.eventType(try r.u8()), eventId: try r.string(), salesperson: try r.string(),
            streamVersion: try r.varint(), recordedAt: Timestamp(milliseconds: try r.i64()))
    }

    // MARK: Records

    static func encode(_ s: SessionRecord) -> [UInt8] {
        var w = ByteWriter()
        w.string(s.sessionId)
        w.string(s.salesperson)
        w.string(s.coach)
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

    static func decodeSession(_ raw: UnsafeRawBufferPointer) throws -> SessionRecord {
        var r = ByteReader(raw)
        return SessionRecord(
            sessionId: try r.string(), salesperson: try r.string(), coach: try r.string(),
            openedAt: Timestamp(milliseconds: try r.i64()),
            closedAt: try r.flag() ? Timestamp(milliseconds: try r.i64()) : nil,
            topics: try StorageCode.topics(mask: try r.u8()), position: try r.varint(), voided: try r.flag())
    }

    static func encode(_ g: GoalRecord) -> [UInt8] {
        var w = ByteWriter()
        w.string(g.goalId)
        w.string(g.salesperson)
        w.string(g.sessionId)
        w.optionalString(g.area)
        w.i64(g.at.milliseconds)
        w.varint(g.position)
        w.varint(g.textPosition)
        w.u8(StorageCode.code(g.status))
        w.optionalTime(g.statusAt)
        w.u8(g.voided ? 1 : 0)
        return w.bytes
    }

    static func decodeGoal(_ raw: UnsafeRawBufferPointer) throws -> GoalRecord {
        var r = ByteReader(raw)
        return GoalRecord(
            goalId: try r.string(), salesperson: try r.string(), sessionId: try r.string(), area: try r.optionalString(),
            at: Timestamp(milliseconds: try r.i64()), position: try r.varint(), textPosition: try r.varint(),
            status: try StorageCode.goalStatus(try r.u8()), statusAt: try r.optionalTime(), voided: try r.flag())
    }

    static func encode(_ c: CommitmentRecord) -> [UInt8] {
        var w = ByteWriter()
        w.string(c.commitmentId)
        w.string(c.salesperson)
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

    static func decodeCommitment(_ raw: UnsafeRawBufferPointer) throws -> CommitmentRecord {
        var r = ByteReader(raw)
        var c = CommitmentRecord(
            commitmentId: try r.string(), salesperson: try r.string(), sessionId: try r.string(),
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
        try r.skipString()  // salesperson
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

    static func encode(_ i: InsightRecord) -> [UInt8] {
        var w = ByteWriter()
        w.string(i.salesperson)
        w.string(i.sessionId)
        w.u8(StorageCode.code(i.topic))
        w.i64(i.at.milliseconds)
        w.varint(i.position)
        w.u8(i.voided ? 1 : 0)
        return w.bytes
    }

    static func decodeInsight(_ raw: UnsafeRawBufferPointer) throws -> InsightRecord {
        var r = ByteReader(raw)
        return InsightRecord(
            salesperson: try r.string(), sessionId: try r.string(), topic: try StorageCode.topic(try r.u8()),
            at: Timestamp(milliseconds: try r.i64()), position: try r.varint(), voided: try r.flag())
    }

    static func encode(_ p: PersonRecord) -> [UInt8] {
        var w = ByteWriter()
        w.string(p.salesperson)
        w.string(p.coach)
        w.string(p.latestSessionId)
        w.i64(p.latestSessionAt.milliseconds)
        w.varint(p.latestSessionPosition)
        w.optionalString(p.mergedInto)
        w.varint(UInt64(p.aliases.count))
        for alias in p.aliases { w.string(alias) }
        w.u8(p.hasSessions ? 1 : 0)
        return w.bytes
    }

    static func decodePerson(_ raw: UnsafeRawBufferPointer) throws -> PersonRecord {
        var r = ByteReader(raw)
        return PersonRecord(
            salesperson: try r.string(), coach: try r.string(), latestSessionId: try r.string(),
            latestSessionAt: Timestamp(milliseconds: try r.i64()), latestSessionPosition: try r.varint(),
            mergedInto: try r.optionalString(), aliases: try (0..<r.varint()).map { _ in try r.string() },
            hasSessions: try r.flag())
    }
}

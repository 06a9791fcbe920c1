import CoachLogJSON
import CoachLogProtocol
import CoachingDomain

/// Binary forms of the read-model records and the event envelope.
enum RecordCodec {
    static func topicsByte(_ topics: [Topic]) -> UInt8 {
        topics.reduce(0) { $0 | (1 << UInt8(Topic.allCases.firstIndex(of: $1) ?? 0)) }
    }

    static func topics(from byte: UInt8) -> [Topic] {
        Topic.allCases.enumerated().filter { byte & (1 << UInt8($0.offset)) != 0 }.map(\.element)
    }

    static func index<T: CaseIterable & Equatable>(_ value: T) -> UInt8 {
        UInt8(Array(T.allCases).firstIndex(of: value) ?? 0)
    }

    static func value<T: CaseIterable>(_ index: UInt8, _: T.Type) throws -> T {
        let all = Array(T.allCases)
        guard Int(index) < all.count else { throw ByteReader.Corrupt() }
        return all[Int(index)]
    }

    // MARK: Envelope

    static func encode(_ e: EventEnvelope, dataBytes: [UInt8]? = nil) -> [UInt8] {
        var w = ByteWriter(capacity: 64 + (dataBytes?.count ?? 256))
        w.u8(1)  // envelope encoding version
        w.u8(index(e.type))
        w.string(e.eventId)
        w.string(e.salesperson)
        w.varint(e.streamVersion)
        w.i64(e.recordedAt.milliseconds)
        if let dataBytes { w.raw(dataBytes) } else { JSONWriter.write(e.data, into: &w.bytes) }
        return w.bytes
    }

    static func decodeEnvelope(position: UInt64, _ raw: UnsafeRawBufferPointer) throws -> EventEnvelope {
        var r = ByteReader(raw)
        guard try r.u8() == 1 else { throw ByteReader.Corrupt() }
        let type = try value(try r.u8(), EventType.self)
        let eventId = try r.string()
        let salesperson = try r.string()
        let version = try r.varint()
        let recordedAt = Timestamp(milliseconds: try r.i64())
        let data = try JSONParser.parse(r.rest())
        return EventEnvelope(
            position: position, eventId: eventId, type: type, salesperson: salesperson, streamVersion: version,
            recordedAt: recordedAt, data: data)
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
        w.u8(topicsByte(s.topics))
        w.varint(s.position)
        return w.bytes
    }

    static func decodeSession(_ raw: UnsafeRawBufferPointer) throws -> SessionRecord {
        var r = ByteReader(raw)
        return SessionRecord(
            sessionId: try r.string(), salesperson: try r.string(), coach: try r.string(),
            openedAt: Timestamp(milliseconds: try r.i64()),
            closedAt: try r.u8() == 1 ? Timestamp(milliseconds: try r.i64()) : nil,
            topics: topics(from: try r.u8()), position: try r.varint())
    }

    static func encode(_ g: GoalRecord) -> [UInt8] {
        var w = ByteWriter()
        w.string(g.goalId)
        w.string(g.salesperson)
        w.string(g.sessionId)
        w.optionalString(g.area)
        w.i64(g.at.milliseconds)
        w.varint(g.position)
        return w.bytes
    }

    static func decodeGoal(_ raw: UnsafeRawBufferPointer) throws -> GoalRecord {
        var r = ByteReader(raw)
        return GoalRecord(
            goalId: try r.string(), salesperson: try r.string(), sessionId: try r.string(), area: try r.optionalString(),
            at: Timestamp(milliseconds: try r.i64()), position: try r.varint())
    }

    static func encode(_ c: CommitmentRecord) -> [UInt8] {
        var w = ByteWriter()
        w.string(c.commitmentId)
        w.string(c.salesperson)
        w.string(c.sessionId)
        w.u8(index(c.kind))
        w.i64(Int64(c.due.number))
        w.optionalString(c.goalId)
        w.i64(c.madeAt.milliseconds)
        w.varint(c.position)
        if let review = c.review {
            w.u8(1)
            w.string(review.sessionId)
            w.u8(index(review.outcome))
            w.i64(review.at.milliseconds)
            w.varint(review.position)
        } else {
            w.u8(0)
        }
        return w.bytes
    }

    static func decodeCommitment(_ raw: UnsafeRawBufferPointer) throws -> CommitmentRecord {
        var r = ByteReader(raw)
        var c = CommitmentRecord(
            commitmentId: try r.string(), salesperson: try r.string(), sessionId: try r.string(),
            kind: try value(try r.u8(), CommitmentKind.self), due: Day(number: Int32(truncatingIfNeeded: try r.i64())),
            goalId: try r.optionalString(), madeAt: Timestamp(milliseconds: try r.i64()), position: try r.varint(),
            review: nil)
        if try r.u8() == 1 {
            c.review = ReviewRecord(
                sessionId: try r.string(), outcome: try value(try r.u8(), Outcome.self),
                at: Timestamp(milliseconds: try r.i64()), position: try r.varint())
        }
        return c
    }

    /// Reads only what follow-through counts from an encoded commitment
    /// (same layout as `encode(_: CommitmentRecord)`); nil when not reviewed.
    static func decodeReviewFact(_ raw: UnsafeRawBufferPointer) throws -> ReviewFact? {
        var r = ByteReader(raw)
        try r.skipString()  // commitmentId
        try r.skipString()  // salesperson
        try r.skipString()  // sessionId
        let kind = try value(try r.u8(), CommitmentKind.self)
        try r.skip(8)  // due
        if try r.u8() == 1 { try r.skipString() }  // goalId
        try r.skip(8)  // madeAt
        _ = try r.varint()  // position
        guard try r.u8() == 1 else { return nil }
        try r.skipString()  // review sessionId
        let outcome = try value(try r.u8(), Outcome.self)
        return ReviewFact(kind: kind, outcome: outcome, at: Timestamp(milliseconds: try r.i64()))
    }

    static func encode(_ i: InsightRecord) -> [UInt8] {
        var w = ByteWriter()
        w.string(i.salesperson)
        w.string(i.sessionId)
        w.u8(index(i.topic))
        w.i64(i.at.milliseconds)
        w.varint(i.position)
        return w.bytes
    }

    static func decodeInsight(_ raw: UnsafeRawBufferPointer) throws -> InsightRecord {
        var r = ByteReader(raw)
        return InsightRecord(
            salesperson: try r.string(), sessionId: try r.string(), topic: try value(try r.u8(), Topic.self),
            at: Timestamp(milliseconds: try r.i64()), position: try r.varint())
    }

    static func encode(_ p: PersonRecord) -> [UInt8] {
        var w = ByteWriter()
        w.string(p.salesperson)
        w.string(p.coach)
        w.string(p.latestSessionId)
        w.i64(p.latestSessionAt.milliseconds)
        w.varint(p.latestSessionPosition)
        return w.bytes
    }

    static func decodePerson(_ raw: UnsafeRawBufferPointer) throws -> PersonRecord {
        var r = ByteReader(raw)
        return PersonRecord(
            salesperson: try r.string(), coach: try r.string(), latestSessionId: try r.string(),
            latestSessionAt: Timestamp(milliseconds: try r.i64()), latestSessionPosition: try r.varint())
    }
}

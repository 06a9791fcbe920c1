import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import LMDB
import Sealing

/// The coaching read model stored in LMDB tables, inside one transaction.
/// In a write transaction it is also the fold's write model, so projections
/// change in the same transaction as the events they reflect.
struct LMDBReadModel: CoachingWriteModel {
    let txn: Transaction
    let tables: Tables
    let ring: KeyRing

    static let sessionTag: UInt8 = UInt8(ascii: "S")
    static let goalTag: UInt8 = UInt8(ascii: "G")
    static let commitmentTag: UInt8 = UInt8(ascii: "C")

    // Records live in `byPerson` under (salesperson, kind, position), so one
    // salesperson's records are one range scan; the id tables map an id to
    // that key.

    private func record<T>(_ idTable: Database, _ id: String, _ decode: (UnsafeRawBufferPointer) throws -> T) throws -> T? {
        guard let key = try txn.get(idTable, key: Array(id.utf8)) else { return nil }
        return try txn.withValue(tables.byPerson, key: key, decode)
    }

    private func records<T>(of salesperson: String, tag: UInt8, _ decode: (UnsafeRawBufferPointer) throws -> T) throws -> [T] {
        var result: [T] = []
        guard let person = ring.id(of: salesperson) else { return [] }
        try txn.scan(tables.byPerson, prefix: personKey(person, tag)) { _, value in
            result.append(try decode(value))
            return true
        }
        return result
    }

    private func store(_ idTable: Database, id: String, key: [UInt8], value: [UInt8]) throws {
        try txn.put(tables.byPerson, key: key, value: value)
        // An update (a review, a close) keeps its key: writing the same id entry
        // again would still copy and rewrite its B-tree page.
        let idKey = Array(id.utf8)
        if try txn.withValue(idTable, key: idKey, { $0.elementsEqual(key) }) != true {
            try txn.put(idTable, key: idKey, value: key)
        }
    }

    func session(_ id: String) throws -> SessionRecord? {
        try record(tables.sessions, id, { try RecordCodec.decodeSession($0, ring: ring) })
    }

    func goal(_ id: String) throws -> GoalRecord? {
        try record(tables.goals, id, { try RecordCodec.decodeGoal($0, ring: ring) })
    }

    func commitment(_ id: String) throws -> CommitmentRecord? {
        try record(tables.commitments, id, { try RecordCodec.decodeCommitment($0, ring: ring) })
    }

    func person(_ salesperson: String) throws -> PersonRecord? {
        guard let id = ring.id(of: salesperson) else { return nil }
        return try txn.withValue(tables.people, key: id.bigEndianBytes) { try RecordCodec.decodePerson($0, ring: ring) }
    }

    func sessions(of salesperson: String) throws -> [SessionRecord] {
        try records(of: salesperson, tag: Self.sessionTag, { try RecordCodec.decodeSession($0, ring: ring) })
    }

    func goals(of salesperson: String) throws -> [GoalRecord] {
        try records(of: salesperson, tag: Self.goalTag, { try RecordCodec.decodeGoal($0, ring: ring) })
    }

    func commitments(of salesperson: String) throws -> [CommitmentRecord] {
        try records(of: salesperson, tag: Self.commitmentTag, { try RecordCodec.decodeCommitment($0, ring: ring) })
    }

    func reviews(of salesperson: String) throws -> [ReviewFact] {
        try records(of: salesperson, tag: Self.commitmentTag, RecordCodec.decodeReviewFact).compactMap { $0 }
    }

    func insights(of salesperson: String) throws -> [InsightRecord] {
        var result: [InsightRecord] = []
        guard let person = ring.id(of: salesperson) else { return [] }
        try txn.scan(tables.insights, prefix: personKey(person)) { _, value in
            result.append(try RecordCodec.decodeInsight(value, ring: ring))
            return true
        }
        return result
    }

    func people() throws -> [PersonRecord] {
        var result: [PersonRecord] = []
        try txn.scan(tables.people) { _, value in
            result.append(try RecordCodec.decodePerson(value, ring: ring))
            return true
        }
        return result
    }

    /// A scan: no table may hold folded names, which are names in clear. Only
    /// `verify`'s scratch fold uses this model, and it never asks.
    func people(foldedAs key: String) throws -> [PersonRecord] {
        try people().filter { NameSimilarity.folded($0.salesperson) == key }
    }

    func eventData(at position: UInt64) throws -> JSONValue? {
        try txn.withValue(tables.log, key: bigEndianKey(position)) {
            // Queries read the log for free text only.
            try RecordCodec.decodeTexts(position: position, $0, ring: ring)
        }
    }

    func put(_ session: SessionRecord) throws {
        try store(
            tables.sessions, id: session.sessionId,
            key: personKey(try ring.idForStoring(session.salesperson), Self.sessionTag, session.position),
            value: try RecordCodec.encode(session, ring: ring))
    }

    func put(_ goal: GoalRecord) throws {
        try store(
            tables.goals, id: goal.goalId, key: personKey(try ring.idForStoring(goal.salesperson), Self.goalTag, goal.position),
            value: try RecordCodec.encode(goal, ring: ring))
    }

    func put(_ commitment: CommitmentRecord) throws {
        try store(
            tables.commitments, id: commitment.commitmentId,
            key: personKey(try ring.idForStoring(commitment.salesperson), Self.commitmentTag, commitment.position),
            value: try RecordCodec.encode(commitment, ring: ring))
    }

    func put(_ insight: InsightRecord) throws {
        try txn.put(
            tables.insights, key: personKey(try ring.idForStoring(insight.salesperson), nil, insight.position),
            value: try RecordCodec.encode(insight, ring: ring))
    }

    func put(_ person: PersonRecord) throws {
        try txn.put(
            tables.people, key: try ring.idForStoring(person.salesperson).bigEndianBytes,
            value: try RecordCodec.encode(person, ring: ring))
    }
}

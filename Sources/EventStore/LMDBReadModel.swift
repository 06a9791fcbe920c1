import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import LMDB

/// The coaching read model stored in LMDB tables, inside one transaction.
/// In a write transaction it is also the fold's write model, so projections
/// change in the same transaction as the events they reflect.
struct LMDBReadModel: CoachingWriteModel {
    let txn: Transaction
    let tables: Tables

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
        try txn.scan(tables.byPerson, prefix: personKey(salesperson, tag)) { _, value in
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
        try record(tables.sessions, id, RecordCodec.decodeSession)
    }

    func goal(_ id: String) throws -> GoalRecord? {
        try record(tables.goals, id, RecordCodec.decodeGoal)
    }

    func commitment(_ id: String) throws -> CommitmentRecord? {
        try record(tables.commitments, id, RecordCodec.decodeCommitment)
    }

    func person(_ salesperson: String) throws -> PersonRecord? {
        try txn.withValue(tables.people, key: Array(salesperson.utf8)) { try RecordCodec.decodePerson($0) }
    }

    func sessions(of salesperson: String) throws -> [SessionRecord] {
        try records(of: salesperson, tag: Self.sessionTag, RecordCodec.decodeSession)
    }

    func goals(of salesperson: String) throws -> [GoalRecord] {
        try records(of: salesperson, tag: Self.goalTag, RecordCodec.decodeGoal)
    }

    func commitments(of salesperson: String) throws -> [CommitmentRecord] {
        try records(of: salesperson, tag: Self.commitmentTag, RecordCodec.decodeCommitment)
    }

    func reviews(of salesperson: String) throws -> [ReviewFact] {
        try records(of: salesperson, tag: Self.commitmentTag, RecordCodec.decodeReviewFact).compactMap { $0 }
    }

    func insights(of salesperson: String) throws -> [InsightRecord] {
        var result: [InsightRecord] = []
        try txn.scan(tables.insights, prefix: personKey(salesperson)) { _, value in
            result.append(try RecordCodec.decodeInsight(value))
            return true
        }
        return result
    }

    func people() throws -> [PersonRecord] {
        var result: [PersonRecord] = []
        try txn.scan(tables.people) { _, value in
            result.append(try RecordCodec.decodePerson(value))
            return true
        }
        return result
    }

    func people(foldedAs key: String) throws -> [PersonRecord] {
        var names: [[UInt8]] = []
        try txn.scan(tables.peopleByFold, prefix: Array(key.utf8) + [0]) { k, _ in
            names.append(Array(k.dropFirst(key.utf8.count + 1)))
            return true
        }
        return try names.compactMap { name in
            try txn.withValue(tables.people, key: name) { try RecordCodec.decodePerson($0) }
        }
    }

    func eventData(at position: UInt64) throws -> JSONValue? {
        try txn.withValue(tables.log, key: bigEndianKey(position)) {
            try RecordCodec.decodeEnvelope(position: position, $0).data
        }
    }

    func put(_ session: SessionRecord) throws {
        try store(
            tables.sessions, id: session.sessionId, key: personKey(session.salesperson, Self.sessionTag, session.position),
            value: RecordCodec.encode(session))
    }

    func put(_ goal: GoalRecord) throws {
        try store(
            tables.goals, id: goal.goalId, key: personKey(goal.salesperson, Self.goalTag, goal.position),
            value: RecordCodec.encode(goal))
    }

    func put(_ commitment: CommitmentRecord) throws {
        try store(
            tables.commitments, id: commitment.commitmentId,
            key: personKey(commitment.salesperson, Self.commitmentTag, commitment.position),
            value: RecordCodec.encode(commitment))
    }

    func put(_ insight: InsightRecord) throws {
        try txn.put(
            tables.insights, key: personKey(insight.salesperson, nil, insight.position), value: RecordCodec.encode(insight))
    }

    func put(_ person: PersonRecord) throws {
        try txn.put(tables.people, key: Array(person.salesperson.utf8), value: RecordCodec.encode(person))
        // Indexed once per name; most puts (a new latest session) find it there and write nothing.
        let foldKey = Array(NameSimilarity.folded(person.salesperson).utf8) + [0] + Array(person.salesperson.utf8)
        if try !txn.contains(tables.peopleByFold, key: foldKey) { try txn.put(tables.peopleByFold, key: foldKey, value: []) }
    }
}

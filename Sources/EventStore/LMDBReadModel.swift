import CoachLogJSON
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

    func session(_ id: String) throws -> SessionRecord? {
        try txn.withValue(tables.sessions, key: Array(id.utf8)) { try RecordCodec.decodeSession($0) }
    }

    func goal(_ id: String) throws -> GoalRecord? {
        try txn.withValue(tables.goals, key: Array(id.utf8)) { try RecordCodec.decodeGoal($0) }
    }

    func commitment(_ id: String) throws -> CommitmentRecord? {
        try txn.withValue(tables.commitments, key: Array(id.utf8)) { try RecordCodec.decodeCommitment($0) }
    }

    func person(_ salesperson: String) throws -> PersonRecord? {
        try txn.withValue(tables.people, key: Array(salesperson.utf8)) { try RecordCodec.decodePerson($0) }
    }

    private func ids(of salesperson: String, tag: UInt8) throws -> [[UInt8]] {
        var ids: [[UInt8]] = []
        try txn.scan(tables.byPerson, prefix: personKey(salesperson, tag)) { _, value in
            ids.append(Array(value))
            return true
        }
        return ids
    }

    func sessions(of salesperson: String) throws -> [SessionRecord] {
        try ids(of: salesperson, tag: Self.sessionTag).compactMap { id in
            try txn.withValue(tables.sessions, key: id) { try RecordCodec.decodeSession($0) }
        }
    }

    func goals(of salesperson: String) throws -> [GoalRecord] {
        try ids(of: salesperson, tag: Self.goalTag).compactMap { id in
            try txn.withValue(tables.goals, key: id) { try RecordCodec.decodeGoal($0) }
        }
    }

    func commitments(of salesperson: String) throws -> [CommitmentRecord] {
        try ids(of: salesperson, tag: Self.commitmentTag).compactMap { id in
            try txn.withValue(tables.commitments, key: id) { try RecordCodec.decodeCommitment($0) }
        }
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

    func eventData(at position: UInt64) throws -> JSONValue? {
        try txn.withValue(tables.log, key: bigEndianKey(position)) {
            try RecordCodec.decodeEnvelope(position: position, $0).data
        }
    }

    func put(_ session: SessionRecord) throws {
        let id = Array(session.sessionId.utf8)
        try txn.put(tables.sessions, key: id, value: RecordCodec.encode(session))
        try txn.put(tables.byPerson, key: personKey(session.salesperson, Self.sessionTag, session.position), value: id)
    }

    func put(_ goal: GoalRecord) throws {
        let id = Array(goal.goalId.utf8)
        try txn.put(tables.goals, key: id, value: RecordCodec.encode(goal))
        try txn.put(tables.byPerson, key: personKey(goal.salesperson, Self.goalTag, goal.position), value: id)
    }

    func put(_ commitment: CommitmentRecord) throws {
        let id = Array(commitment.commitmentId.utf8)
        try txn.put(tables.commitments, key: id, value: RecordCodec.encode(commitment))
        try txn.put(
            tables.byPerson, key: personKey(commitment.salesperson, Self.commitmentTag, commitment.position), value: id)
    }

    func put(_ insight: InsightRecord) throws {
        try txn.put(
            tables.insights, key: personKey(insight.salesperson, nil, insight.position), value: RecordCodec.encode(insight))
    }

    func put(_ person: PersonRecord) throws {
        try txn.put(tables.people, key: Array(person.salesperson.utf8), value: RecordCodec.encode(person))
    }
}

import CoachLogJSON
import CoachLogProtocol
import CoachingDomain

// TEMPORARY: stands in for CoachingDomain's IndexedReadModel/OverlayModel until they merge.
typealias IndexedReadModel = InMemoryReadModel

struct ModelChanges: Sendable {
    struct InsightKey: Hashable, Sendable { var salesperson: ExactName; var position: UInt64 }
    var sessions: Set<ExactName> = []
    var goals: Set<ExactName> = []
    var commitments: Set<ExactName> = []
    var insights: Set<InsightKey> = []
    var people: Set<ExactName> = []
    mutating func formUnion(_ o: ModelChanges) {
        sessions.formUnion(o.sessions); goals.formUnion(o.goals); commitments.formUnion(o.commitments)
        insights.formUnion(o.insights); people.formUnion(o.people)
    }
}

extension InMemoryReadModel {
    mutating func takeChanges() -> ModelChanges {
        var c = ModelChanges()
        c.sessions = Set(sessionsById.keys); c.goals = Set(goalsById.keys); c.commitments = Set(commitmentsById.keys)
        c.insights = Set(insightsByPosition.values.map { .init(salesperson: ExactName($0.salesperson), position: $0.position) })
        c.people = Set(peopleByName.keys)
        return c
    }
    func insight(of salesperson: String, at position: UInt64) -> InsightRecord? { insightsByPosition[position] }
    var peopleCount: Int { peopleByName.count }
}

struct OverlayModel<Base: CoachingReadModel>: CoachingWriteModel {
    var base: Base
    var layer = InMemoryReadModel()
    var order: [(Int, String, UInt64)] = []
    init(base: Base) { self.base = base }
    func session(_ id: String) throws -> SessionRecord? { try layer.session(id) ?? base.session(id) }
    func goal(_ id: String) throws -> GoalRecord? { try layer.goal(id) ?? base.goal(id) }
    func commitment(_ id: String) throws -> CommitmentRecord? { try layer.commitment(id) ?? base.commitment(id) }
    func person(_ s: String) throws -> PersonRecord? { try layer.person(s) ?? base.person(s) }
    private func merge<T>(_ a: [T], _ b: [T], _ pos: (T) -> UInt64) -> [T] {
        var d: [UInt64: T] = [:]
        for x in a { d[pos(x)] = x }
        for x in b { d[pos(x)] = x }
        return d.values.sorted { pos($0) < pos($1) }
    }
    func sessions(of s: String) throws -> [SessionRecord] { merge(try base.sessions(of: s), layer.sessions(of: s), \.position) }
    func goals(of s: String) throws -> [GoalRecord] { merge(try base.goals(of: s), layer.goals(of: s), \.position) }
    func commitments(of s: String) throws -> [CommitmentRecord] { merge(try base.commitments(of: s), layer.commitments(of: s), \.position) }
    func insights(of s: String) throws -> [InsightRecord] { merge(try base.insights(of: s), layer.insights(of: s), \.position) }
    func people() throws -> [PersonRecord] {
        var d: [ExactName: PersonRecord] = [:]
        for p in try base.people() { d[ExactName(p.salesperson)] = p }
        for p in layer.people() { d[ExactName(p.salesperson)] = p }
        return d.values.sorted { ExactName($0.salesperson) < ExactName($1.salesperson) }
    }
    func eventData(at position: UInt64) throws -> JSONValue? { try base.eventData(at: position) }
    mutating func put(_ x: SessionRecord) { layer.put(x) }
    mutating func put(_ x: GoalRecord) { layer.put(x) }
    mutating func put(_ x: CommitmentRecord) { layer.put(x) }
    mutating func put(_ x: InsightRecord) { layer.put(x) }
    mutating func put(_ x: PersonRecord) { layer.put(x) }
    func apply(to target: inout some CoachingWriteModel) throws {
        for x in layer.sessionsById.values { try target.put(x) }
        for x in layer.goalsById.values { try target.put(x) }
        for x in layer.commitmentsById.values { try target.put(x) }
        for x in layer.insightsByPosition.values { try target.put(x) }
        for x in layer.peopleByName.values { try target.put(x) }
    }
}

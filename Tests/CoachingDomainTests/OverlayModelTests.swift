import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import Testing

/// A model that remembers the order of the puts it receives.
struct PutLog: CoachingWriteModel {
    var model = InMemoryReadModel()
    var puts: [String] = []

    func session(_ id: String) -> SessionRecord? { model.session(id) }
    func goal(_ id: String) -> GoalRecord? { model.goal(id) }
    func commitment(_ id: String) -> CommitmentRecord? { model.commitment(id) }
    func person(_ salesperson: String) -> PersonRecord? { model.person(salesperson) }
    func sessions(of salesperson: String) -> [SessionRecord] { model.sessions(of: salesperson) }
    func goals(of salesperson: String) -> [GoalRecord] { model.goals(of: salesperson) }
    func commitments(of salesperson: String) -> [CommitmentRecord] { model.commitments(of: salesperson) }
    func insights(of salesperson: String) -> [InsightRecord] { model.insights(of: salesperson) }
    func people() -> [PersonRecord] { model.people() }
    func eventData(at position: UInt64) -> JSONValue? { nil }
    mutating func put(_ session: SessionRecord) { model.put(session); puts.append("session \(session.sessionId)") }
    mutating func put(_ goal: GoalRecord) { model.put(goal); puts.append("goal \(goal.goalId)") }
    mutating func put(_ commitment: CommitmentRecord) { model.put(commitment); puts.append("commitment \(commitment.commitmentId)") }
    mutating func put(_ insight: InsightRecord) { model.put(insight); puts.append("insight \(insight.position)") }
    mutating func put(_ person: PersonRecord) { model.put(person); puts.append("person \(person.salesperson)") }
}

@Suite struct OverlayModelTests {
    static func event(_ type: String, _ data: JSONValue) throws -> CoachingEvent { try CoachingEvent(type: type, data: data) }

    static func record(_ event: CoachingEvent, position: UInt64, in model: inout some CoachingWriteModel) throws {
        let now = try timestamp(History.defaultRecordedAt)
        try CoachingRules.validate(event, in: model, now: now)
        try CoachingRules.apply(event, position: position, recordedAt: now, to: &model)
    }

    @Test func readsSeeTheLayerOverTheBaseWhichStaysUnchanged() throws {
        var pair = ModelPair()
        try pair.add("SessionOpened", ["sessionId": "s1", "salesperson": "ana", "coach": "kim", "at": "2026-03-02T09:00:00Z"])
        try pair.add("CommitmentMade", ["commitmentId": "c1", "sessionId": "s1", "salesperson": "ana", "kind": "more",
                                        "text": "Call", "at": "2026-03-02T09:10:00Z"])
        _ = pair.indexed.takeChanges()
        let base = pair.indexed
        var layer = OverlayModel(base: pair.indexed)
        #expect(layer.isEmpty)
        try Self.record(try Self.event("CommitmentMade", ["commitmentId": "c2", "sessionId": "s1", "salesperson": "ana",
                                                          "kind": "better", "text": "Ask", "at": "2026-03-02T09:20:00Z"]),
                        position: 3, in: &layer)
        try Self.record(try Self.event("SessionClosed", ["sessionId": "s1", "salesperson": "ana", "at": "2026-03-02T10:00:00Z"]),
                        position: 4, in: &layer)
        try Self.record(try Self.event("SessionOpened", ["sessionId": "s2", "salesperson": "ben", "coach": "lee",
                                                         "at": "2026-03-02T11:00:00Z", "newSalesperson": true]),
                        position: 5, in: &layer)
        #expect(!layer.isEmpty)
        #expect(try layer.commitments(of: "ana").map(\.commitmentId) == ["c1", "c2"])
        #expect(try layer.session("s1")?.closedAt != nil)
        #expect(try layer.people().map(\.salesperson) == ["ana", "ben"])
        #expect(try layer.people(foldedAs: "ben").map(\.salesperson) == ["ben"])
        #expect(try layer.organisationSalespeople(asOf: try asOf("2026-03-03")) == nil)
        #expect(pair.indexed.session("s1")?.closedAt == nil)
        #expect(pair.indexed.commitments(of: "ana").count == 1)
        #expect(pair.indexed.takeChanges().isEmpty)

        try layer.apply(to: &pair.indexed)
        #expect(pair.indexed.commitments(of: "ana").map(\.commitmentId) == ["c1", "c2"])
        #expect(pair.indexed.session("s1")?.closedAt != nil)
        #expect(pair.indexed.people().map(\.salesperson) == ["ana", "ben"])
        #expect(base.commitments(of: "ana").count == 1, "a copy of the model taken before is unchanged")
        let changes = pair.indexed.takeChanges()
        #expect(changes.commitments == [ExactName("c2")] && changes.sessions == [ExactName("s1"), ExactName("s2")])
    }

    @Test func aDroppedAppendLayerLeavesTheBatchAsItWas() throws {
        var batch = OverlayModel(base: IndexedReadModel())
        var first = OverlayModel(base: batch)
        try Self.record(try Self.event("SessionOpened", ["sessionId": "s1", "salesperson": "ana", "coach": "kim",
                                                         "at": "2026-03-02T09:00:00Z"]), position: 1, in: &first)
        try first.apply(to: &batch)
        var second = OverlayModel(base: batch)
        try Self.record(try Self.event("SessionVoided", ["sessionId": "s1", "salesperson": "ana", "at": "2026-03-02T09:30:00Z"]),
                        position: 2, in: &second)
        #expect(try second.session("s1")?.voided == true)
        #expect(try second.person("ana")?.hasSessions == false)
        // The append failed later: its layer is dropped, and the batch still has the live session.
        _ = second
        #expect(try batch.session("s1")?.voided == false)
        #expect(try batch.person("ana")?.hasSessions == true)
        var model = IndexedReadModel()
        try batch.apply(to: &model)
        #expect(model.session("s1")?.voided == false)
        #expect(model.organisationSalespeople(asOf: try asOf("2026-03-03")) == 1)
    }

    @Test func applyPutsRecordsInFirstChangeOrderThenPeople() throws {
        var layer = OverlayModel(base: InMemoryReadModel())
        for (i, e) in [
            try Self.event("SessionOpened", ["sessionId": "s1", "salesperson": "ana", "coach": "kim", "at": "2026-03-02T09:00:00Z"]),
            try Self.event("InsightNoted", ["sessionId": "s1", "salesperson": "ana", "topic": "selfConcept", "text": "Sees",
                                            "at": "2026-03-02T09:05:00Z"]),
            try Self.event("GoalStated", ["goalId": "g1", "sessionId": "s1", "salesperson": "ana", "text": "Grow",
                                          "at": "2026-03-02T09:06:00Z"]),
            try Self.event("SessionClosed", ["sessionId": "s1", "salesperson": "ana", "at": "2026-03-02T10:00:00Z"]),
        ].enumerated() {
            try Self.record(e, position: UInt64(i + 1), in: &layer)
        }
        var target = PutLog()
        try layer.apply(to: &target)
        #expect(target.puts == ["session s1", "insight 2", "goal g1", "person ana"])
        #expect(target.session("s1")?.closedAt != nil)
    }
}

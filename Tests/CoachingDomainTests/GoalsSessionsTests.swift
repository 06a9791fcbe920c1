import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import Testing

/// Goals and sessions over `Scenario`.
@Suite struct GoalsSessionsTests {
    let model: InMemoryReadModel

    init() throws { model = try Scenario.model() }

    @Test func danasGoals() throws {
        let r = try Projections.goals(salesperson: "dana", model: model)
        let goals = try #require(r["goals"]?.arrayValue)
        try #require(goals.count == 3)
        // g-d-income: c-d1a kept, c-d2a missed → 2 commitments, 1/2
        #expect(goals[0]["goalId"] == "g-d-income")
        #expect(goals[0]["text"] == "Earn 120k this year")  // stored trimmed
        #expect(goals[0]["area"] == "income")
        #expect(goals[0]["sessionId"] == "d1")
        #expect(goals[0]["statedAt"] == "2026-09-07T09:20:00Z")
        #expect(goals[0]["commitments"]?.integerValue == 2)
        expectTally(goals[0], reviewed: 2, kept: 1, partial: 0, missed: 1, rate: 0.5, weightedRate: 0.5)
        // g-d-lead: c-d3b kept, c-d6a still open → 2 commitments, 1 reviewed, 1/1
        #expect(goals[1]["goalId"] == "g-d-lead")
        #expect(goals[1]["area"] == "leadership")
        #expect(goals[1]["commitments"]?.integerValue == 2)
        expectTally(goals[1], reviewed: 1, kept: 1, partial: 0, missed: 0, rate: 1.0, weightedRate: 1.0)
        // g-d-balance: no area, no commitments → null rates
        #expect(goals[2]["goalId"] == "g-d-balance")
        #expect(goals[2]["area"]?.isNull == true)
        #expect(goals[2]["commitments"]?.integerValue == 0)
        expectTally(goals[2], reviewed: 0, kept: 0, partial: 0, missed: 0, rate: nil, weightedRate: nil)
    }

    @Test func omarsGoals() throws {
        let r = try Projections.goals(salesperson: "omar", model: model)
        #expect(r["projection"] == "goals")
        let goals = try #require(r["goals"]?.arrayValue)
        try #require(goals.count == 1)
        // g-o-income: c-o1a missed, c-o3b missed → 0/2
        #expect(goals[0]["text"] == "Pay off the loan")
        #expect(goals[0]["commitments"]?.integerValue == 2)
        expectTally(goals[0], reviewed: 2, kept: 0, partial: 0, missed: 2, rate: 0.0, weightedRate: 0.0)
        #expect(throws: NotFound.self) { try Projections.goals(salesperson: "zoe", model: model) }
    }

    @Test func danasSessions() throws {
        let r = try Projections.sessions(salesperson: "dana", model: model)
        #expect(r["coach"] == "lee")
        #expect(r["openSession"] == "d6")
        let sessions = try #require(r["sessions"]?.arrayValue)
        #expect(sessions.compactMap { $0["sessionId"]?.stringValue } == ["d1", "d2", "d3", "d4", "d5", "d6"])
        #expect(sessions.map { $0["open"] } == [false, false, false, false, false, true])
        #expect(sessions[0] == [
            "sessionId": "d1", "coach": "lee", "openedAt": "2026-09-07T09:00:00Z", "closedAt": "2026-09-07T10:00:00Z",
            "topics": ["selfConcept", "personalGoals"], "open": false,
        ])
        // d5 was closed without `at`: the server's recordedAt stands in.
        #expect(sessions[4]["closedAt"] == "2026-10-05T10:05:00Z")
        #expect(sessions[5]["closedAt"]?.isNull == true)
        #expect(sessions[2]["topics"] == [])
    }

    @Test func omarsSessionsShowTheCoachSwitch() throws {
        let r = try Projections.sessions(salesperson: "omar", model: model)
        #expect(r["coach"] == "lee")
        #expect(r["openSession"] == "o6")
        let sessions = try #require(r["sessions"]?.arrayValue)
        #expect(sessions.compactMap { $0["coach"]?.stringValue } == ["kim", "kim", "kim", "kim", "kim", "lee"])
        #expect(sessions.last?["topics"] == ["behavioralReflection"])
        #expect(sessions.filter { $0["open"] == true }.count == 1)
    }

    @Test func noOpenSessionIsNull() throws {
        var h = try Scenario.build()
        try h.close("d6", "dana", at: "2026-10-12T10:00:00Z")
        let r = try Projections.sessions(salesperson: "dana", model: h.model)
        #expect(r["openSession"]?.isNull == true)
        #expect(r["sessions"]?.arrayValue?.last?["open"] == false)
    }

    @Test func thePersonRecordFollowsTheLatestSession() throws {
        #expect(model.person("omar")?.coach == "lee")
        #expect(model.person("omar")?.latestSessionId == "o6")
        #expect(model.people().map(\.salesperson) == ["dana", "omar"])
        // A session opened later but dated earlier does not change the coach.
        var h = try Scenario.build()
        try h.open("o-late", "omar", coach: "kim", at: "2026-10-01T14:00:00Z")
        #expect(h.model.person("omar")?.coach == "lee")
        // One at the same instant as the latest does: ties go to the later event.
        try h.open("o-tie", "omar", coach: "pat", at: "2026-10-16T14:00:00Z")
        #expect(h.model.person("omar")?.coach == "pat")
    }
}

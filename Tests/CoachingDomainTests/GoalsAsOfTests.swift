import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import Testing

/// `goals` with `asOf` and `weeks` over `Scenario`.
@Suite struct GoalsAsOfTests {
    let model: InMemoryReadModel

    init() throws { model = try Scenario.model() }

    @Test func onlyGoalsStatedBeforeAsOf() throws {
        // On 09-20 only g-d-income was stated; c-d1a (kept 09-14) and c-d2a (made 09-14, reviewed 09-21) serve it.
        let r = try Projections.goals(salesperson: "dana", weeks: nil, asOf: try asOf("2026-09-20"), model: model)
        #expect(r.goals.map(\.goalId) == ["g-d-income"])
        #expect(r.goals[0].commitments == 2 && r.goals[0].tally == Tally(kept: 1))
        #expect(r.asOf == "2026-09-20" && r.weeks == nil)
        #expect(r.window == Window(from: nil, to: try timestamp("2026-09-21T00:00:00Z")))
    }

    @Test func weeksCountOnlyTheWindowsReviews() throws {
        // 2 weeks to 09-28: [09-15, 09-29). g-d-income: c-d2a missed (09-21) in, c-d1a (09-14) out.
        // g-d-lead: c-d3b kept (09-28); c-d6a is made only on 10-12. g-d-balance is stated on 10-05.
        let r = try Projections.goals(salesperson: "dana", weeks: 2, asOf: try asOf("2026-09-28"), model: model)
        #expect(r.goals.map(\.goalId) == ["g-d-income", "g-d-lead"])
        #expect(r.goals.map(\.tally) == [Tally(missed: 1), Tally(kept: 1)])
        #expect(r.goals.map(\.commitments) == [2, 1])
        #expect(r.weeks == 2)
        #expect(r.window == Window(from: try timestamp("2026-09-15T00:00:00Z"), to: try timestamp("2026-09-29T00:00:00Z")))
        let wire = try r.wire
        #expect(wire["window"]?["from"] == "2026-09-15T00:00:00Z" && wire["asOf"] == "2026-09-28")
    }

    @Test func withoutAsOfEverythingOnRecord() throws {
        let r = try Projections.goals(salesperson: "dana", model: model)
        #expect(r.goals.count == 3 && r.asOf == nil && r.window == nil)
        let wire = try r.wire
        #expect(wire["asOf"] == nil && wire["weeks"] == nil && wire["window"] == nil)
        #expect(throws: DomainError.self) { try Projections.goals(salesperson: "dana", weeks: 2, asOf: nil, model: model) }
        #expect(throws: DomainError.self) {
            try Projections.goals(salesperson: "dana", weeks: 0, asOf: try asOf("2026-10-01"), model: model)
        }
    }

    @Test func statusAsOf() throws {
        var h = try Scenario.build()
        try h.add("GoalAchieved", ["goalId": "g-d-income", "salesperson": "dana", "at": "2026-10-10T10:00:00Z"])
        try h.add("GoalDropped", ["goalId": "g-d-balance", "salesperson": "dana", "at": "2026-10-14T10:00:00Z"])
        let before = try Projections.goals(salesperson: "dana", weeks: nil, asOf: try asOf("2026-10-09"), model: h.model)
        #expect(before.goals.map(\.status) == [.active, .active, .active])
        #expect(before.goals.map(\.statusAt) == [nil, nil, nil])
        let between = try Projections.goals(salesperson: "dana", weeks: nil, asOf: try asOf("2026-10-12"), model: h.model)
        #expect(between.goals.map(\.status) == [.achieved, .active, .active])
        #expect(between.goals[0].statusAt == (try timestamp("2026-10-10T10:00:00Z")))
        let now = try Projections.goals(salesperson: "dana", model: h.model)
        #expect(now.goals.map(\.status) == [.achieved, .active, .dropped])
    }
}

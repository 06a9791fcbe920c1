import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import Testing

/// The judgements that used to live in the CLI (thresholds, trend, default due
/// date) are the daemon's: every client shows the same thing.
@Suite struct DerivedStatusTests {
    let model: InMemoryReadModel

    init() throws { model = try Scenario.model() }

    @Test(arguments: [
        (0, 0, 0, nil), (7, 0, 3, Health.good), (7, 3, 0, Health.good), (6, 0, 4, Health.fair), (4, 0, 6, Health.fair),
        (3, 2, 5, Health.poor), (0, 5, 5, Health.poor),
    ] as [(Int, Int, Int, Health?)])
    func healthFollowsTheSayDoRate(kept: Int, partial: Int, missed: Int, health: Health?) {
        #expect(Tally(kept: kept, partial: partial, missed: missed).health == health)
    }

    @Test func changeIsCurrentMinusPrevious() throws {
        // dana, two weeks to 10-11: c-d3a kept, c-d3b kept, c-d4a partial (2/3); before: c-d1a kept, c-d1b partial, c-d2a missed (1/3).
        let r = try Projections.followThrough(scope: .salesperson("dana"), weeks: 2, asOf: try asOf("2026-10-11"), model: model)
        let change = try #require(r.change)
        #expect(abs((change.rate ?? .nan) - (r.total.rate! - r.previous!.tally.rate!)) < 1e-12)
        #expect(r.previous?.byKind != nil)
        // Every week carries its tally by kind, which adds up to the week's tally.
        #expect(r.weekly?.allSatisfy { week in
            guard let k = week.byKind else { return false }
            let kinds = [k.more, k.better, k.different]
            return Tally(
                kept: kinds.map(\.kept).reduce(0, +), partial: kinds.map(\.partial).reduce(0, +),
                missed: kinds.map(\.missed).reduce(0, +)) == week.tally
        } == true)
        let empty = try Projections.followThrough(scope: .salesperson("dana"), weeks: 1, asOf: try asOf("2026-09-08"), model: model)
        #expect(empty.change == RateChange(current: Tally(), previous: Tally()))
        #expect(empty.change?.rate == nil)
        // Without weeks there is no trend: the fields are absent, not null.
        let all = try Projections.followThrough(scope: .everyone, weeks: nil, asOf: try asOf("2026-10-18"), model: model)
        let wire = try all.wire
        #expect(wire["change"] == nil && wire["previous"] == nil && wire["weekly"] == nil && wire["weeks"] == nil)
    }

    @Test func cadenceLapsesAfterFourteenDays() throws {
        // dana's last session is 10-12.
        for (day, status) in [("2026-10-26", CadenceStatus.current), ("2026-10-27", .lapsed)] {
            let r = try Projections.cadence(scope: .salesperson("dana"), asOf: try asOf(day), model: model)
            #expect(r.salespeople.first?.status == status, "\(day)")
            #expect(r.lapsedAfterDays == 14)
        }
    }

    @Test func topicsGoStaleAfterTwentyEightDays() throws {
        // dana: identityRole last covered 09-28 (session d4); never for nobody else in that list.
        let fresh = try Projections.topics(salesperson: "dana", asOf: try asOf("2026-10-26"), model: model)
        #expect(fresh.status.identityRole == .current)
        let stale = try Projections.topics(salesperson: "dana", asOf: try asOf("2026-10-27"), model: model)
        #expect(stale.status.identityRole == .stale)
        let early = try Projections.topics(salesperson: "dana", asOf: try asOf("2026-09-07"), model: model)
        #expect(early.status.identityRole == .never)
        #expect(early.lastCovered.identityRole == nil)
    }

    @Test func dueDefaultsToAWeekAfterItsSession() throws {
        var h = History()
        try h.open("s1", "dana", coach: "lee", at: "2026-09-07T23:30:00Z")
        try h.add("CommitmentMade", ["commitmentId": "c1", "sessionId": "s1", "salesperson": "dana", "kind": "more", "text": "Call", "at": "2026-09-08T00:10:00Z"])
        // Recorded later, without `at`: still the week after the session.
        try h.add("CommitmentMade", ["commitmentId": "c2", "sessionId": "s1", "salesperson": "dana", "kind": "more", "text": "Call"], recordedAt: "2026-09-10T08:00:00Z")
        #expect(h.model.commitment("c1")?.due == (try day("2026-09-14")))
        #expect(h.model.commitment("c2")?.due == (try day("2026-09-14")))
        // The log keeps what the client sent.
        #expect(h.model.eventData(at: 2)?["due"] == nil)
    }

    @Test func canonicallyEquivalentNamesAreDifferentPeople() throws {
        let composed = "Ren\u{E9}e"  // é as one scalar
        let decomposed = "Rene\u{301}e"  // e + combining acute
        #expect(composed == decomposed)  // Swift's String equality: canonical equivalence
        var h = History()
        try h.open("s1", composed, coach: "lee", at: "2026-09-07T09:00:00Z")
        // Canonically equal is also a lookalike (accents): the coach confirms a new person.
        try h.open("s2", decomposed, coach: "kim", at: "2026-09-08T09:00:00Z", newSalesperson: true)
        #expect(h.model.people().count == 2)
        #expect(h.model.person(composed)?.coach == "lee")
        #expect(h.model.person(decomposed)?.coach == "kim")
        #expect(h.model.sessions(of: composed).map(\.sessionId) == ["s1"])
        let lee = try Projections.cadence(scope: .coach("lee"), asOf: try asOf("2026-09-10"), model: h.model)
        #expect(lee.salespeople.map { Array($0.salesperson.utf8) } == [Array(composed.utf8)])
        // Ids too: a session id spelled the other way is not the same session.
        try h.open("Ren\u{E9}e-1", "dana", coach: "lee", at: "2026-09-09T09:00:00Z")
        expectViolation("session.exists", "SessionClosed", ["sessionId": "Rene\u{301}e-1", "salesperson": "dana"], after: h)
    }
}

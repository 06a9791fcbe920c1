import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import Testing

/// Open commitments over `Scenario`: made as of `asOf`, not reviewed as of `asOf`;
/// overdue when `due` < the asOf day.
@Suite struct OpenCommitmentsTests {
    let model: InMemoryReadModel

    init() throws { model = try Scenario.model() }

    func run(_ scope: Scope = .everyone, overdueOnly: Bool = false, asOf text: String) throws -> JSONValue {
        try Projections.openCommitments(scope: scope, overdueOnly: overdueOnly, asOf: try asOf(text), model: model).wire
    }

    func ids(_ r: JSONValue) -> [String] {
        (r["commitments"]?.arrayValue ?? []).compactMap { $0["commitmentId"]?.stringValue }
    }

    @Test func beforeAnyDueDate() throws {
        // 10-10: c-d5a (review 10-12), c-d5b, c-o4a (review 10-13) are open; nothing is due before 10-10.
        let r = try run(asOf: "2026-10-10")
        #expect(r["count"]?.integerValue == 3)
        #expect(r["overdue"]?.integerValue == 0)
        // Sorted by due, then salesperson, then position.
        #expect(ids(r) == ["c-d5a", "c-d5b", "c-o4a"])
        let rows = r["commitments"]?.arrayValue ?? []
        #expect(rows.allSatisfy { $0["overdue"] == false && $0["daysOverdue"]?.integerValue == 0 })
        #expect(rows.last?["coach"] == "kim")
    }

    @Test func onTheDayAReviewHappensAndADueDatePasses() throws {
        // 10-12: c-d5a was reviewed that morning; c-d5b (due 10-11) is 1 day overdue;
        // c-o4a is due today (not overdue); c-d6a was made that morning.
        let r = try run(asOf: "2026-10-12")
        #expect(ids(r) == ["c-d5b", "c-o4a", "c-d6a"])
        #expect(r["count"]?.integerValue == 3)
        #expect(r["overdue"]?.integerValue == 1)
        let rows = try #require(r["commitments"]?.arrayValue)
        #expect(rows[0]["overdue"] == true)
        #expect(rows[0]["daysOverdue"]?.integerValue == 1)
        #expect(rows[1]["overdue"] == false)
        #expect(rows[1]["daysOverdue"]?.integerValue == 0)
        #expect(rows[0] == [
            "commitmentId": "c-d5b", "salesperson": "dana", "coach": "lee", "sessionId": "d5", "kind": "better",
            "text": "Call ten prospects", "due": "2026-10-11", "goalId": nil, "madeAt": "2026-10-05T09:40:00Z",
            "overdue": true, "daysOverdue": 1,
        ])
        #expect(rows[2]["goalId"] == "g-d-lead")
    }

    @Test func asOfAnInstantIgnoresWhatCameLater() throws {
        // 10-12T09:35Z: c-d5a reviewed at 09:30 (closed), c-d6a made at 09:40 (not yet made).
        let r = try run(asOf: "2026-10-12T09:35:00Z")
        #expect(ids(r) == ["c-d5b", "c-o4a"])
        #expect(r["asOf"] == "2026-10-12T09:35:00Z")
        // 09:29:59: c-d5a is still open.
        let earlier = try run(asOf: "2026-10-12T09:29:59Z")
        #expect(ids(earlier) == ["c-d5a", "c-d5b", "c-o4a"])
        // c-d5a due 10-11 is open on 10-12: overdue by 1, like c-d5b.
        #expect(earlier["overdue"]?.integerValue == 2)
    }

    @Test func afterTheLastSession() throws {
        // 10-18: c-d5b 7 days overdue (18 − 11); c-d6a due today; omar's c-o6b (10-20) and c-o6a (10-22).
        let r = try run(asOf: "2026-10-18")
        #expect(ids(r) == ["c-d5b", "c-d6a", "c-o6b", "c-o6a"])
        #expect(r["count"]?.integerValue == 4)
        #expect(r["overdue"]?.integerValue == 1)
        let rows = try #require(r["commitments"]?.arrayValue)
        #expect(rows[0]["daysOverdue"]?.integerValue == 7)
        #expect(rows[1]["overdue"] == false)
        // omar's coach is now lee, the coach of his latest session.
        #expect(rows[2]["coach"] == "lee")
    }

    @Test func overdueOnly() throws {
        // 10-19: c-d5b 8 days, c-d6a 1 day; c-o6b/c-o6a not yet due.
        let r = try run(overdueOnly: true, asOf: "2026-10-19")
        #expect(ids(r) == ["c-d5b", "c-d6a"])
        #expect(r["count"]?.integerValue == 2)
        #expect(r["overdue"]?.integerValue == 2)
        let days = (r["commitments"]?.arrayValue ?? []).map { $0["daysOverdue"]?.integerValue }
        #expect(days == [8, 1])

        let none = try run(.salesperson("omar"), overdueOnly: true, asOf: "2026-10-19")
        #expect(none["count"]?.integerValue == 0)
        #expect(none["commitments"] == [])
        let all = try run(.salesperson("omar"), asOf: "2026-10-19")
        #expect(all["count"]?.integerValue == 2)
    }

    @Test func byScope() throws {
        // omar on 10-21: c-o6b due 10-20 is 1 day overdue, c-o6a due 10-22 is not.
        let omar = try run(.salesperson("omar"), asOf: "2026-10-21")
        #expect(ids(omar) == ["c-o6b", "c-o6a"])
        #expect(omar["overdue"]?.integerValue == 1)
        #expect(omar["scope"] == ["salesperson": "omar"])
        // kim on 10-14 still coaches omar: c-o5a (made 10-13, due 10-19) is open.
        let kim = try run(.coach("kim"), asOf: "2026-10-14")
        #expect(ids(kim) == ["c-o5a"])
        #expect(kim["commitments"]?.arrayValue?.first?["coach"] == "kim")
        #expect(throws: NotFound.self) { try run(.coach("kim"), asOf: "2026-10-18") }
        // lee on 10-18 covers dana and omar.
        #expect(ids(try run(.coach("lee"), asOf: "2026-10-18")) == ["c-d5b", "c-d6a", "c-o6b", "c-o6a"])
    }
}

import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import Testing

/// Every projection over `History`, with the numbers worked out by hand.
@Suite("coachlogd projections")
struct ProjectionTests {
    /// Checks reviewed/kept/partial/missed/rate/weightedRate of a tally object.
    func expectTally(
        _ t: JSONValue?, reviewed: Int64, kept: Int64, partial: Int64, missed: Int64, rate: Double?, weighted: Double?,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(t?["reviewed"]?.int == reviewed, sourceLocation: sourceLocation)
        #expect(t?["kept"]?.int == kept, sourceLocation: sourceLocation)
        #expect(t?["partial"]?.int == partial, sourceLocation: sourceLocation)
        #expect(t?["missed"]?.int == missed, sourceLocation: sourceLocation)
        if let rate {
            #expect(abs((t?["rate"]?.double ?? -1) - rate) < 1e-12, sourceLocation: sourceLocation)
        } else {
            #expect(t?["rate"] == .null, sourceLocation: sourceLocation)
        }
        if let weighted {
            #expect(abs((t?["weightedRate"]?.double ?? -1) - weighted) < 1e-12, sourceLocation: sourceLocation)
        } else {
            #expect(t?["weightedRate"] == .null, sourceLocation: sourceLocation)
        }
    }

    @Test("all projections return the hand-computed values")
    func projections() throws {
        try withSandbox { sandbox in
            try sandbox.start()
            let c = try Connection(path: sandbox.socket)
            try History.load(into: c)
            let p = try History.allProjections(c)

            // followThrough, everyone: 5 reviewed: kept c1 c4, partial c2, missed c3 b-c1.
            expectTally(p["ft-all"], reviewed: 5, kept: 2, partial: 1, missed: 2, rate: 0.4, weighted: 0.5)
            #expect(p["ft-all"]?["salespeople"] == 2)
            #expect(p["ft-all"]?["projection"] == "followThrough")
            // followThrough, ana: 4 reviewed.
            let ana = p["ft-ana"]
            expectTally(ana, reviewed: 4, kept: 2, partial: 1, missed: 1, rate: 0.5, weighted: 0.625)
            expectTally(ana?["byKind"]?["more"], reviewed: 2, kept: 2, partial: 0, missed: 0, rate: 1, weighted: 1)
            expectTally(ana?["byKind"]?["better"], reviewed: 1, kept: 0, partial: 1, missed: 0, rate: 0, weighted: 0.5)
            expectTally(ana?["byKind"]?["different"], reviewed: 1, kept: 0, partial: 0, missed: 1, rate: 0, weighted: 0)
            #expect(ana?["previous"] == nil)
            // Two weeks to 03-31: c4 kept 03-23; the previous two weeks: c1 c2 c3 reviewed 03-09.
            let recent = p["ft-ana-2w"]
            #expect(recent?["weeks"] == 2)
            expectTally(recent, reviewed: 1, kept: 1, partial: 0, missed: 0, rate: 1, weighted: 1)
            expectTally(recent?["previous"], reviewed: 3, kept: 1, partial: 1, missed: 1, rate: 1.0 / 3, weighted: 0.5)
            expectTally(recent?["byKind"]?["better"], reviewed: 0, kept: 0, partial: 0, missed: 0, rate: nil, weighted: nil)
            #expect(recent?["previous"]?["byKind"]?["different"]?["missed"] == 1)
            #expect(recent?["weekly"]?.array.count == 2)
            // By coach: lee coaches ben only.
            expectTally(p["ft-lee"], reviewed: 1, kept: 0, partial: 0, missed: 1, rate: 0, weighted: 0)
            #expect(p["ft-lee"]?["salespeople"] == 1)

            // openCommitments on 03-31: c6 (due 03-20, 11 days overdue), c5 (due 04-30).
            let open = p["open-ana"]
            #expect(open?["count"] == 2)
            #expect(open?["overdue"] == 1)
            let rows = open?["commitments"]?.array ?? []
            #expect(rows.map { $0["commitmentId"] } == ["ana-c6", "ana-c5"])
            #expect(rows.map { $0["overdue"] } == [true, false])
            #expect(rows.first?["daysOverdue"] == 11)
            #expect(rows.first?["text"] == "Block focus time")
            #expect(rows.first?["coach"] == "kim")
            #expect(rows.last?["due"] == "2026-04-30")
            // On 03-15, c4 is open too and nothing is overdue yet.
            let earlier = p["open-ana-0315"]
            #expect(earlier?["commitments"]?.array.map { $0["commitmentId"] } == ["ana-c4", "ana-c6", "ana-c5"])
            #expect(earlier?["overdue"] == 0)
            #expect(p["open-kim"]?["count"] == 2)
            #expect(p["open-kim"]?["commitments"]?.array.allSatisfy { $0["salesperson"] == "ana" } == true)

            // cadence on 03-31.
            let cadence = p["cadence"]?["salespeople"]?.array ?? []
            let anaRow = cadence.first { $0["salesperson"] == "ana" }
            let benRow = cadence.first { $0["salesperson"] == "ben" }
            #expect(cadence.count == 2)
            #expect(anaRow?["sessions"] == 3)
            #expect(anaRow?["lastSession"] == "2026-03-23")
            #expect(anaRow?["daysSince"] == 8)
            #expect(anaRow?["meanGapDays"]?.double == 10.5)
            #expect(anaRow?["coach"] == "kim")
            #expect(benRow?["sessions"] == 2)
            #expect(benRow?["lastSession"] == "2026-03-12")
            #expect(benRow?["daysSince"] == 19)
            #expect(benRow?["meanGapDays"]?.double == 7)
            #expect(p["cadence-lee"]?["salespeople"]?.array.map { $0["salesperson"] } == ["ben"])

            // goals: ana-g1 drives c1 and c4, both kept.
            let goals = p["goals-ana"]?["goals"]?.array ?? []
            #expect(goals.count == 1)
            #expect(goals.first?["goalId"] == "ana-g1")
            #expect(goals.first?["text"] == "Reach 120% of quota")
            #expect(goals.first?["area"] == "income")
            #expect(goals.first?["commitments"] == 2)
            expectTally(goals.first, reviewed: 2, kept: 2, partial: 0, missed: 0, rate: 1, weighted: 1)

            // topics.
            let topics = p["topics-ana"]
            #expect(topics?["lastCovered"]?["selfConcept"] == "2026-03-23")
            #expect(topics?["lastCovered"]?["identityRole"] == "2026-03-02")
            #expect(topics?["lastCovered"]?["personalGoals"] == "2026-03-02")
            #expect(topics?["lastCovered"]?["behavioralReflection"] == "2026-03-09")
            #expect(topics?["daysSince"]?["selfConcept"] == 8)
            #expect(topics?["daysSince"]?["personalGoals"] == 29)
            let early = p["topics-ana-0305"]
            #expect(early?["lastCovered"]?["behavioralReflection"] == .null)
            #expect(early?["lastCovered"]?["selfConcept"] == "2026-03-02")

            // sessions.
            let sessions = p["sessions-ana"]
            #expect(sessions?["coach"] == "kim")
            #expect(sessions?["openSession"] == "ana-s3")
            let list = sessions?["sessions"]?.array ?? []
            #expect(list.map { $0["sessionId"] } == ["ana-s1", "ana-s2", "ana-s3"])
            #expect(list.map { $0["open"] } == [false, false, true])
            #expect(list.first?["closedAt"] == "2026-03-02T10:00:00Z")
            #expect(list.first?["openedAt"] == "2026-03-02T09:00:00Z")
            #expect(list.first?["topics"] == ["selfConcept", "personalGoals"])
            #expect(list.last?["closedAt"] == .null)
            #expect(p["sessions-ben"]?["openSession"] == .null)
            #expect(p["sessions-ben"]?["coach"] == "lee")
        }
    }
}

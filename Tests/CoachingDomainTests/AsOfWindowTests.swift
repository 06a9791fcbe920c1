import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import Testing

/// `asOf` semantics and window boundaries.
@Suite struct AsOfWindowTests {
    /// ana (coach kim): four commitments made 10-01, reviewed around midnights:
    /// a missed 10-04T23:59:59.999Z, b kept 10-05T00:00:00Z, c partial 10-11T23:59:59.999Z, d kept 10-12T00:00:00Z.
    static func midnightHistory() throws -> History {
        var h = History()
        try h.open("s1", "ana", coach: "kim", at: "2026-10-01T09:00:00Z")
        for id in ["a", "b", "c", "d"] {
            try h.commit(id, "s1", "ana", kind: "more", due: "2026-10-04", at: "2026-10-01T09:10:00Z")
        }
        try h.open("s2", "ana", coach: "kim", at: "2026-10-04T23:00:00Z")
        try h.review("a", "s2", "ana", outcome: "missed", at: "2026-10-04T23:59:59.999Z")
        try h.review("b", "s2", "ana", outcome: "kept", at: "2026-10-05T00:00:00Z")
        try h.review("c", "s2", "ana", outcome: "partial", at: "2026-10-11T23:59:59.999Z")
        try h.review("d", "s2", "ana", outcome: "kept", at: "2026-10-12T00:00:00Z")
        return h
    }

    @Test func aDateIncludesTheWholeDayAndTheWindowStartsAtMidnight() throws {
        let model = try Self.midnightHistory().model
        let r = try Projections.followThrough(scope: .everyone, weeks: 1, asOf: try asOf("2026-10-11"), model: model)
        // [10-05T00:00Z, 10-12T00:00Z): b (exactly at the start) kept, c (last millisecond of 10-11) partial → 1/2; 1.5/2
        expectTally(r, reviewed: 2, kept: 1, partial: 1, missed: 0, rate: 0.5, weightedRate: 0.75)
        // [09-28, 10-05): a (last millisecond before the boundary) missed
        expectTally(r["previous"], reviewed: 1, kept: 0, partial: 0, missed: 1, rate: 0.0, weightedRate: 0.0)
        // d (10-12T00:00Z) is after asOf: ignored everywhere, and d is still open on 10-11.
        let all = try Projections.followThrough(scope: .everyone, weeks: nil, asOf: try asOf("2026-10-11"), model: model)
        expectTally(all, reviewed: 3, kept: 1, partial: 1, missed: 1, rate: 1.0 / 3.0, weightedRate: 1.5 / 3.0)
        let open = try Projections.openCommitments(scope: .everyone, overdueOnly: false, asOf: try asOf("2026-10-11"),
                                                   model: model)
        #expect(open["commitments"]?.arrayValue?.first?["commitmentId"] == "d")
        #expect(open["count"]?.integerValue == 1)
        // Due 10-04, open on 10-11: 7 days overdue.
        #expect(open["commitments"]?.arrayValue?.first?["daysOverdue"]?.integerValue == 7)
        let next = try Projections.followThrough(scope: .everyone, weeks: nil, asOf: try asOf("2026-10-12"), model: model)
        expectTally(next, reviewed: 4, kept: 2, partial: 1, missed: 1, rate: 0.5, weightedRate: 2.5 / 4.0)
    }

    @Test func aReviewExactlyAtTheStartOfATimestampWindow() throws {
        let model = try Scenario.model()
        // asOf 10-19T09:30:00Z covers (10-12T09:30:00Z, 10-19T09:30:00Z]: c-d5a, reviewed at exactly
        // 10-12T09:30:00Z, is 7 days before asOf and falls in the previous window (10-05T09:30, 10-12T09:30].
        let r = try Projections.followThrough(
            scope: .salesperson("dana"), weeks: 1, asOf: try asOf("2026-10-19T09:30:00Z"), model: model)
        #expect(r["window"] == ["from": "2026-10-12T09:30:00.001Z", "to": "2026-10-19T09:30:00.001Z"])
        expectTally(r, reviewed: 0, kept: 0, partial: 0, missed: 0, rate: nil, weightedRate: nil)
        // c-d4a at exactly 10-05T09:30:00Z is outside the previous window too.
        expectTally(r["previous"], reviewed: 1, kept: 1, partial: 0, missed: 0, rate: 1.0, weightedRate: 1.0)

        // One millisecond earlier, both windows slide: c-d5a is in, c-d4a is in previous.
        let earlier = try Projections.followThrough(
            scope: .salesperson("dana"), weeks: 1, asOf: try asOf("2026-10-19T09:29:59.999Z"), model: model)
        #expect(earlier["window"]?["from"] == "2026-10-12T09:30:00Z")
        expectTally(earlier, reviewed: 1, kept: 1, partial: 0, missed: 0, rate: 1.0, weightedRate: 1.0)
        expectTally(earlier["previous"], reviewed: 1, kept: 0, partial: 1, missed: 0, rate: 0.0, weightedRate: 0.5)
    }

    @Test func aReviewAtExactlyTheAsOfInstantCounts() throws {
        let model = try Scenario.model()
        // c-o5a was reviewed at 10-16T14:30:00Z.
        let at = try Projections.followThrough(
            scope: .salesperson("omar"), weeks: nil, asOf: try asOf("2026-10-16T14:30:00Z"), model: model)
        #expect(at["reviewed"]?.integerValue == 7)
        #expect(at["asOf"] == "2026-10-16T14:30:00Z")
        let before = try Projections.followThrough(
            scope: .salesperson("omar"), weeks: nil, asOf: try asOf("2026-10-16T16:29:59+02:00"), model: model)
        // 6 reviewed, kept 2 → 1/3; and the asOf is echoed in UTC
        expectTally(before, reviewed: 6, kept: 2, partial: 1, missed: 3, rate: 2.0 / 6.0, weightedRate: 2.5 / 6.0)
        #expect(before["asOf"] == "2026-10-16T14:29:59Z")
        // With that instant, the open commitments still include c-o5a, and the coach is already lee (o6 at 14:00).
        let open = try Projections.openCommitments(
            scope: .salesperson("omar"), overdueOnly: false, asOf: try asOf("2026-10-16T14:29:59Z"), model: model)
        #expect(open["commitments"]?.arrayValue?.first?["commitmentId"] == "c-o5a")
        #expect(open["commitments"]?.arrayValue?.first?["coach"] == "lee")
        #expect(open["count"]?.integerValue == 1)
    }

    @Test func eventsAfterAsOfAreIgnoredByCadence() throws {
        let model = try Scenario.model()
        // dana on 09-30: 09-07, 09-14, 09-21, 09-28 → 4 sessions, (28 − 7)/3 = 7, last 2 days ago
        let r = try Projections.cadence(scope: .salesperson("dana"), asOf: try asOf("2026-09-30"), model: model)
        let row = try #require(r["salespeople"]?.arrayValue?.first)
        #expect(row["sessions"]?.integerValue == 4)
        #expect(row["lastSession"] == "2026-09-28")
        #expect(row["daysSince"]?.integerValue == 2)
        #expect(row["meanGapDays"]?.doubleValue == 7.0)
    }
}

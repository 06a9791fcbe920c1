import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import Testing

/// Follow-through over `Scenario` (see its tables). Reviews, by time:
///
/// dana: 09-14 c-d1a kept more, c-d1b partial better; 09-21 c-d2a missed different;
///       09-28 c-d3a kept more, c-d3b kept better; 10-05 c-d4a partial different; 10-12 c-d5a kept more
/// omar: 09-15 c-o1a missed more, c-o1b kept different; 09-22 c-o2a partial better;
///       10-06 c-o3a kept more, c-o3b missed different; 10-13 c-o4a missed better; 10-16 c-o5a kept more
@Suite struct FollowThroughTests {
    let model: InMemoryReadModel

    init() throws { model = try Scenario.model() }

    func run(_ scope: Scope, weeks: Int? = nil, asOf text: String) throws -> JSONValue {
        try Projections.followThrough(scope: scope, weeks: weeks, asOf: try asOf(text), model: model).wire
    }

    @Test func salespersonDana() throws {
        let r = try run(.salesperson("dana"), asOf: "2026-10-18")
        // 7 reviewed: kept 4 (d1a, d3a, d3b, d5a), partial 2 (d1b, d4a), missed 1 (d2a)
        // rate 4/7; weighted (4 + 0.5×2)/7 = 5/7
        expectTally(r, reviewed: 7, kept: 4, partial: 2, missed: 1, rate: 4.0 / 7.0, weightedRate: 5.0 / 7.0)
        // more: d1a, d3a, d5a all kept → 3/3
        expectTally(r["byKind"]?["more"], reviewed: 3, kept: 3, partial: 0, missed: 0, rate: 1.0, weightedRate: 1.0)
        // better: d1b partial, d3b kept → 1/2; (1 + 0.5)/2 = 0.75
        expectTally(r["byKind"]?["better"], reviewed: 2, kept: 1, partial: 1, missed: 0, rate: 0.5, weightedRate: 0.75)
        // different: d2a missed, d4a partial → 0/2; 0.5/2 = 0.25
        expectTally(r["byKind"]?["different"], reviewed: 2, kept: 0, partial: 1, missed: 1, rate: 0.0, weightedRate: 0.25)
        #expect(r["projection"] == "followThrough")
        #expect(r["scope"] == ["salesperson": "dana"])
        #expect(r["asOf"] == "2026-10-18")
        #expect(r["salespeople"]?.integerValue == 1)
        #expect(r["window"] == ["from": nil, "to": "2026-10-19T00:00:00Z"])
        #expect(r["previous"] == nil)
        #expect(r["weekly"] == nil)
    }

    @Test func salespersonOmar() throws {
        let r = try run(.salesperson("omar"), asOf: "2026-10-18")
        // 7 reviewed: kept 3 (o1b, o3a, o5a), partial 1 (o2a), missed 3 (o1a, o3b, o4a)
        // rate 3/7; weighted (3 + 0.5)/7 = 0.5
        expectTally(r, reviewed: 7, kept: 3, partial: 1, missed: 3, rate: 3.0 / 7.0, weightedRate: 0.5)
        // more: o1a missed, o3a kept, o5a kept → 2/3
        expectTally(r["byKind"]?["more"], reviewed: 3, kept: 2, partial: 0, missed: 1, rate: 2.0 / 3.0, weightedRate: 2.0 / 3.0)
        // better: o2a partial, o4a missed → 0/2; 0.5/2
        expectTally(r["byKind"]?["better"], reviewed: 2, kept: 0, partial: 1, missed: 1, rate: 0.0, weightedRate: 0.25)
        // different: o1b kept, o3b missed → 1/2
        expectTally(r["byKind"]?["different"], reviewed: 2, kept: 1, partial: 0, missed: 1, rate: 0.5, weightedRate: 0.5)
    }

    @Test func everyone() throws {
        let r = try run(.everyone, asOf: "2026-10-18")
        // dana + omar: 14 reviewed, kept 4+3 = 7, partial 2+1 = 3, missed 1+3 = 4
        // rate 7/14 = 0.5; weighted (7 + 1.5)/14 = 8.5/14
        expectTally(r, reviewed: 14, kept: 7, partial: 3, missed: 4, rate: 0.5, weightedRate: 8.5 / 14.0)
        // more: 3+3 reviewed, 3+2 kept, 0+1 missed → 5/6
        expectTally(r["byKind"]?["more"], reviewed: 6, kept: 5, partial: 0, missed: 1, rate: 5.0 / 6.0, weightedRate: 5.0 / 6.0)
        // better: kept 1, partial 1+1, missed 1 → 1/4; (1 + 1)/4
        expectTally(r["byKind"]?["better"], reviewed: 4, kept: 1, partial: 2, missed: 1, rate: 0.25, weightedRate: 0.5)
        // different: kept 0+1, partial 1, missed 1+1 → 1/4; 1.5/4
        expectTally(r["byKind"]?["different"], reviewed: 4, kept: 1, partial: 1, missed: 2, rate: 0.25, weightedRate: 0.375)
        #expect(r["salespeople"]?.integerValue == 2)
        #expect(r["scope"] == [:])
    }

    @Test func coachIsTheCoachOfTheLatestSession() throws {
        // After 10-16 omar's latest session (o6) is with lee: lee has both, kim has nobody.
        let lee = try run(.coach("lee"), asOf: "2026-10-18")
        #expect(lee["salespeople"]?.integerValue == 2)
        expectTally(lee, reviewed: 14, kept: 7, partial: 3, missed: 4, rate: 0.5, weightedRate: 8.5 / 14.0)
        #expect(lee["scope"] == ["coach": "lee"])
        #expect(throws: NotFound.self) { try run(.coach("kim"), asOf: "2026-10-18") }

        // As of 10-14 (before o6) omar is still kim's; c-o5a's review (10-16) is in the future.
        let kim = try run(.coach("kim"), asOf: "2026-10-14")
        #expect(kim["salespeople"]?.integerValue == 1)
        // omar without o5a: 6 reviewed, kept 2 (o1b, o3a), partial 1, missed 3 → 2/6; 2.5/6
        expectTally(kim, reviewed: 6, kept: 2, partial: 1, missed: 3, rate: 2.0 / 6.0, weightedRate: 2.5 / 6.0)
        let leeBefore = try run(.coach("lee"), asOf: "2026-10-14")
        #expect(leeBefore["salespeople"]?.integerValue == 1)
        expectTally(leeBefore, reviewed: 7, kept: 4, partial: 2, missed: 1, rate: 4.0 / 7.0, weightedRate: 5.0 / 7.0)
    }

    @Test func twoWeekWindowWithPreviousAndWeekly() throws {
        let r = try run(.everyone, weeks: 2, asOf: "2026-10-18")
        // Window [10-05T00:00Z, 10-19T00:00Z): d4a partial, o3a kept, o3b missed, d5a kept, o4a missed, o5a kept
        // → 6 reviewed, kept 3, partial 1, missed 2; 3/6; 3.5/6
        expectTally(r, reviewed: 6, kept: 3, partial: 1, missed: 2, rate: 0.5, weightedRate: 3.5 / 6.0)
        #expect(r["window"] == ["from": "2026-10-05T00:00:00Z", "to": "2026-10-19T00:00:00Z"])
        #expect(r["weeks"]?.integerValue == 2)
        // more: d5a, o3a, o5a kept; better: o4a missed; different: d4a partial, o3b missed
        expectTally(r["byKind"]?["more"], reviewed: 3, kept: 3, partial: 0, missed: 0, rate: 1.0, weightedRate: 1.0)
        expectTally(r["byKind"]?["better"], reviewed: 1, kept: 0, partial: 0, missed: 1, rate: 0.0, weightedRate: 0.0)
        expectTally(r["byKind"]?["different"], reviewed: 2, kept: 0, partial: 1, missed: 1, rate: 0.0, weightedRate: 0.25)

        // Previous [09-21, 10-05): d2a missed, o2a partial, d3a kept, d3b kept → 2/4; 2.5/4
        let previous = r["previous"]
        expectTally(previous, reviewed: 4, kept: 2, partial: 1, missed: 1, rate: 0.5, weightedRate: 0.625)
        #expect(previous?["window"] == ["from": "2026-09-21T00:00:00Z", "to": "2026-10-05T00:00:00Z"])
        expectTally(previous?["byKind"]?["better"], reviewed: 2, kept: 1, partial: 1, missed: 0, rate: 0.5, weightedRate: 0.75)

        let weekly = try #require(r["weekly"]?.arrayValue)
        try #require(weekly.count == 2)
        // Oldest first. [10-05, 10-12): d4a partial, o3a kept, o3b missed → 1/3; 1.5/3
        #expect(weekly[0]["window"] == ["from": "2026-10-05T00:00:00Z", "to": "2026-10-12T00:00:00Z"])
        expectTally(weekly[0], reviewed: 3, kept: 1, partial: 1, missed: 1, rate: 1.0 / 3.0, weightedRate: 0.5)
        // [10-12, 10-19): d5a kept, o4a missed, o5a kept → 2/3
        #expect(weekly[1]["window"] == ["from": "2026-10-12T00:00:00Z", "to": "2026-10-19T00:00:00Z"])
        expectTally(weekly[1], reviewed: 3, kept: 2, partial: 0, missed: 1, rate: 2.0 / 3.0, weightedRate: 2.0 / 3.0)
        // Each week by kind, all three kinds present. [10-05, 10-12): o3a kept more; d4a partial, o3b missed different.
        expectTally(weekly[0]["byKind"]?["more"], reviewed: 1, kept: 1, partial: 0, missed: 0, rate: 1.0, weightedRate: 1.0)
        expectTally(weekly[0]["byKind"]?["better"], reviewed: 0, kept: 0, partial: 0, missed: 0, rate: nil, weightedRate: nil)
        expectTally(
            weekly[0]["byKind"]?["different"], reviewed: 2, kept: 0, partial: 1, missed: 1, rate: 0.0, weightedRate: 0.25)
        // [10-12, 10-19): d5a, o5a kept more; o4a missed better; nothing different.
        expectTally(weekly[1]["byKind"]?["more"], reviewed: 2, kept: 2, partial: 0, missed: 0, rate: 1.0, weightedRate: 1.0)
        expectTally(weekly[1]["byKind"]?["better"], reviewed: 1, kept: 0, partial: 0, missed: 1, rate: 0.0, weightedRate: 0.0)
        expectTally(
            weekly[1]["byKind"]?["different"], reviewed: 0, kept: 0, partial: 0, missed: 0, rate: nil, weightedRate: nil)
    }

    @Test func eachWeekByKindIsThatWeeksOwnFollowThrough() throws {
        // Week k of `weeks: N` is the one-week window of an asOf 7(N−1−k) days earlier: its tally and byKind
        // must be that query's. (Not by coach: who a coach's people are changes with asOf.)
        let scopes: [Scope] = [.everyone, .salesperson("dana"), .salesperson("omar")]
        for scope in scopes {
            for date in ["2026-09-20", "2026-10-04", "2026-10-18", "2026-11-01"] {
                let r = try Projections.followThrough(scope: scope, weeks: 4, asOf: try asOf(date), model: model)
                let weekly = try #require(r.weekly)
                try #require(weekly.count == 4)
                for (k, week) in weekly.enumerated() {
                    let earlier = try asOf(try day(date).adding(days: -7 * (3 - k)).iso8601)
                    // Before the salesperson's first session there is nobody to ask, and nothing reviewed.
                    guard let one = try? Projections.followThrough(scope: scope, weeks: 1, asOf: earlier, model: model) else {
                        #expect(week.tally == Tally() && week.byKind == ByKind(), "\(scope) \(date) week \(k)")
                        continue
                    }
                    #expect(week.window == one.window, "\(scope) \(date) week \(k)")
                    #expect(week.tally == one.total && week.byKind == one.byKind, "\(scope) \(date) week \(k)")
                }
            }
        }
    }

    @Test func threeWeekWindowWithAnEmptyPreviousWindow() throws {
        let r = try run(.everyone, weeks: 3, asOf: "2026-10-04")
        // [09-14, 10-05): d1a kept, d1b partial, o1a missed, o1b kept, d2a missed, o2a partial, d3a kept, d3b kept
        // → 8 reviewed, kept 4, partial 2, missed 2; 4/8; 5/8
        expectTally(r, reviewed: 8, kept: 4, partial: 2, missed: 2, rate: 0.5, weightedRate: 5.0 / 8.0)
        // [08-24, 09-14): nothing was reviewed yet → null rates
        expectTally(r["previous"], reviewed: 0, kept: 0, partial: 0, missed: 0, rate: nil, weightedRate: nil)
        expectTally(r["previous"]?["byKind"]?["more"], reviewed: 0, kept: 0, partial: 0, missed: 0, rate: nil, weightedRate: nil)
        let weekly = try #require(r["weekly"]?.arrayValue)
        try #require(weekly.count == 3)
        // [09-14, 09-21): d1a kept, d1b partial, o1a missed, o1b kept → 2/4; 2.5/4
        expectTally(weekly[0], reviewed: 4, kept: 2, partial: 1, missed: 1, rate: 0.5, weightedRate: 0.625)
        // [09-21, 09-28): d2a missed, o2a partial → 0/2; 0.5/2
        expectTally(weekly[1], reviewed: 2, kept: 0, partial: 1, missed: 1, rate: 0.0, weightedRate: 0.25)
        // [09-28, 10-05): d3a, d3b kept
        expectTally(weekly[2], reviewed: 2, kept: 2, partial: 0, missed: 0, rate: 1.0, weightedRate: 1.0)
    }

    @Test func salespersonWindowsAndAnEmptyWeek() throws {
        // omar, [09-21, 10-05): o2a partial only; previous [09-07, 09-21): o1a missed, o1b kept
        let omar = try run(.salesperson("omar"), weeks: 2, asOf: "2026-10-04")
        expectTally(omar, reviewed: 1, kept: 0, partial: 1, missed: 0, rate: 0.0, weightedRate: 0.5)
        expectTally(omar["previous"], reviewed: 2, kept: 1, partial: 0, missed: 1, rate: 0.5, weightedRate: 0.5)
        let weekly = try #require(omar["weekly"]?.arrayValue)
        try #require(weekly.count == 2)
        expectTally(weekly[0], reviewed: 1, kept: 0, partial: 1, missed: 0, rate: 0.0, weightedRate: 0.5)
        // omar skipped the week of 09-28: nothing reviewed, so null rates
        expectTally(weekly[1], reviewed: 0, kept: 0, partial: 0, missed: 0, rate: nil, weightedRate: nil)

        // dana, one week to 10-12: [10-06, 10-13) d5a kept; previous [09-29, 10-06) d4a partial
        let dana = try run(.salesperson("dana"), weeks: 1, asOf: "2026-10-12")
        expectTally(dana, reviewed: 1, kept: 1, partial: 0, missed: 0, rate: 1.0, weightedRate: 1.0)
        expectTally(dana["previous"], reviewed: 1, kept: 0, partial: 1, missed: 0, rate: 0.0, weightedRate: 0.5)
        expectTally(dana["previous"]?["byKind"]?["different"], reviewed: 1, kept: 0, partial: 1, missed: 0, rate: 0.0,
                    weightedRate: 0.5)
    }

    @Test func unknownSalespersonOrNoSessionYetIsNotFound() throws {
        #expect(throws: NotFound.self) { try run(.salesperson("zoe"), asOf: "2026-10-18") }
        // omar's first session is 09-08: on 09-07 he is not on record yet.
        #expect(throws: NotFound.self) { try run(.salesperson("omar"), asOf: "2026-09-07") }
        let r = try run(.everyone, asOf: "2026-09-07")
        #expect(r["salespeople"]?.integerValue == 1)
        expectTally(r, reviewed: 0, kept: 0, partial: 0, missed: 0, rate: nil, weightedRate: nil)
    }
}

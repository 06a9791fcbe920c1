import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import Testing

/// The team view over `Scenario`, every figure worked out by hand.
///
/// As of 2026-10-18 (end 10-19T00:00Z) with 4 weeks: window [09-21, 10-19), previous [08-24, 09-21);
/// weeks (oldest first) [09-21, 09-28), [09-28, 10-05), [10-05, 10-12), [10-12, 10-19).
@Suite struct TeamTests {
    let model: InMemoryReadModel

    init() throws { model = try Scenario.model() }

    func row(_ r: TeamReport, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> TeamRow {
        try #require(r.salespeople.first { $0.salesperson == name }, "no row for \(name)", sourceLocation: sourceLocation)
    }

    @Test func everyoneAsOfOctober18() throws {
        let r = try Projections.team(scope: .everyone, weeks: nil, asOf: try asOf("2026-10-18"), model: model)
        #expect(r.projection == .team && r.weeks == 4 && r.asOf == "2026-10-18")
        #expect(r.window == Window(from: try timestamp("2026-09-21T00:00:00Z"), to: try timestamp("2026-10-19T00:00:00Z")))
        #expect(r.previousWindow == Window(from: try timestamp("2026-08-24T00:00:00Z"), to: try timestamp("2026-09-21T00:00:00Z")))
        // omar (attention 5) before dana (3).
        #expect(r.salespeople.map(\.salesperson) == ["omar", "dana"])

        // dana: window c-d2a missed (09-21), c-d3a, c-d3b kept (09-28), c-d4a partial (10-05), c-d5a kept (10-12);
        // previous c-d1a kept, c-d1b partial (09-14).
        let dana = try row(r, "dana")
        #expect(dana.coach == "lee")
        #expect(dana.current == Tally(kept: 3, partial: 1, missed: 1))
        #expect(dana.previous == Tally(kept: 1, partial: 1))
        #expect(dana.change.rate.map { abs($0 - 0.1) < 1e-12 } == true)  // 60 % − 50 %
        #expect(dana.trend == [0.0, 1.0, 0.0, 1.0])
        // Open: c-d5b (due 10-11, overdue), c-d6a (due 10-18, not yet).
        #expect(dana.open == 2 && dana.overdue == 1)
        // Sessions 09-07 … 10-12: 6, last 6 days ago, (35 days)/5 = 7.0; d6 open since 10-12.
        let lastDay = try day("2026-10-12")
        #expect(dana.sessions == 6 && dana.lastSession == lastDay && dana.daysSince == 6)
        #expect(dana.meanGapDays == 7.0 && !dana.pastUsualGap && dana.status == .current)
        #expect(dana.openSession == OpenSessionNote(sessionId: "d6", openedAt: try timestamp("2026-10-12T09:00:00Z"), daysOpen: 6))
        // selfConcept 27 days, the oldest: still within 28.
        #expect(dana.neglectedTopics.isEmpty)
        #expect(dana.reasons == [.overdue, .sessionLeftOpen])
        #expect(dana.attention == 3)

        // omar: window c-o2a partial (09-22), c-o3a kept, c-o3b missed (10-06), c-o4a missed (10-13), c-o5a kept (10-16);
        // previous c-o1a missed, c-o1b kept (09-15). 40 % from 50 %: −10 points, slipping.
        let omar = try row(r, "omar")
        #expect(omar.coach == "lee")
        #expect(omar.current == Tally(kept: 2, partial: 1, missed: 2))
        #expect(omar.previous == Tally(kept: 1, missed: 1))
        #expect(omar.trend == [0.0, nil, 0.5, 0.5])
        #expect(omar.open == 2 && omar.overdue == 0)  // c-o6a, c-o6b
        #expect(omar.sessions == 6 && omar.daysSince == 2 && omar.meanGapDays == 38.0 / 5.0 && !omar.pastUsualGap)
        #expect(omar.openSession?.sessionId == "o6" && omar.openSession?.daysOpen == 2)
        #expect(omar.neglectedTopics == [
            NeglectedTopic(topic: .selfConcept, status: .never, daysSince: nil),
            NeglectedTopic(topic: .identityRole, status: .stale, daysSince: 33),
            NeglectedTopic(topic: .personalGoals, status: .never, daysSince: nil),
        ])
        #expect(omar.reasons == [.slipping, .sessionLeftOpen, .neglectedTopics])
        #expect(omar.attention == 5)

        // Team: 5 kept, 2 partial, 3 missed now; 2 kept, 1 partial, 1 missed before.
        #expect(r.totals.salespeople == 2)
        #expect(r.totals.current == Tally(kept: 5, partial: 2, missed: 3))
        #expect(r.totals.previous == Tally(kept: 2, partial: 1, missed: 1))
        #expect(r.totals.change.rate == 0)
        #expect(r.totals.trend == [0.0, 1.0, 1.0 / 3.0, 2.0 / 3.0])
        #expect(r.totals.open == 4 && r.totals.overdue == 1 && r.totals.lapsed == 0)
        #expect(r.totals.openSessions == 2 && r.totals.needAttention == 2)
    }

    @Test func theTeamViewAgreesWithTheSingleProjections() throws {
        for date in ["2026-09-10", "2026-09-25", "2026-10-14", "2026-10-18", "2026-11-20"] {
            let at = try asOf(date)
            let r = try Projections.team(scope: .everyone, weeks: 3, asOf: at, model: model)
            let cadence = try Projections.cadence(scope: .everyone, asOf: at, model: model)
            let open = try Projections.openCommitments(scope: .everyone, overdueOnly: false, asOf: at, model: model)
            #expect(r.salespeople.count == cadence.salespeople.count, "\(date)")
            for c in cadence.salespeople {
                let row = try row(r, c.salesperson)
                #expect(row.coach == c.coach && row.sessions == c.sessions && row.lastSession == c.lastSession, "\(date)")
                #expect(row.daysSince == c.daysSince && row.meanGapDays == c.meanGapDays && row.status == c.status, "\(date)")
                let ft = try Projections.followThrough(scope: .salesperson(c.salesperson), weeks: 3, asOf: at, model: model)
                #expect(row.current == ft.total && row.previous == ft.previous?.tally, "\(date) \(c.salesperson)")
                #expect(row.trend == ft.weekly?.map(\.tally.rate), "\(date) \(c.salesperson)")
                let mine = open.commitments.filter { $0.salesperson == c.salesperson }
                #expect(row.open == mine.count && row.overdue == mine.filter(\.overdue).count, "\(date) \(c.salesperson)")
                let topics = try Projections.topics(salesperson: c.salesperson, asOf: at, model: model)
                #expect(row.neglectedTopics.map(\.topic) == Topic.allCases.filter { topics.status[$0] != .current }, "\(date)")
            }
            let all = try Projections.followThrough(scope: .everyone, weeks: 3, asOf: at, model: model)
            #expect(r.totals.current == all.total && r.totals.previous == all.previous?.tally, "\(date)")
            #expect(r.totals.open == open.open && r.totals.overdue == open.overdue, "\(date)")
        }
    }

    @Test func lapsedAndPastTheUsualGap() throws {
        // As of 11-01, 2 weeks: window [10-19, 11-02), previous [10-05, 10-19).
        let r = try Projections.team(scope: .everyone, weeks: 2, asOf: try asOf("2026-11-01"), model: model)
        let dana = try row(r, "dana")
        // Last session 10-12: 20 days > 14 and > 7.0.
        #expect(dana.daysSince == 20 && dana.status == .lapsed && dana.pastUsualGap)
        // Nothing reviewed in the window; previous: c-d4a partial, c-d5a kept.
        #expect(dana.current == Tally() && dana.previous == Tally(kept: 1, partial: 1) && dana.change.rate == nil)
        #expect(dana.trend == [nil, nil])
        // selfConcept 09-21: 41 days, stale; identityRole 09-28: 34 days, stale.
        #expect(dana.neglectedTopics.map(\.topic) == [.selfConcept, .identityRole])
        // Overdue: c-d5b (10-11), c-d6a (10-18).
        #expect(dana.overdue == 2)
        #expect(dana.reasons == [.lapsed, .overdue, .pastUsualGap, .sessionLeftOpen, .neglectedTopics])
        #expect(dana.attention == 3 + 2 + 1 + 1 + 1)
        let omar = try row(r, "omar")
        // Last session 10-16: 16 days; c-o6b (10-20) and c-o6a (10-22) overdue; previous 2 kept, 2 missed, 0 now.
        #expect(omar.daysSince == 16 && omar.status == .lapsed && omar.pastUsualGap && omar.overdue == 2)
        #expect(omar.reasons == [.lapsed, .overdue, .pastUsualGap, .sessionLeftOpen, .neglectedTopics])
        // Equal attention (8) and overdue (2): dana has gone 20 days, omar 16.
        #expect(r.salespeople.map(\.salesperson) == ["dana", "omar"])
        #expect(r.totals.lapsed == 2 && r.totals.needAttention == 2)
    }

    @Test func aCoachsTeamAsOfAnEarlierDay() throws {
        // On 10-14 omar's latest session (o5, 10-13) was with kim; dana is lee's.
        let kim = try Projections.team(scope: .coach("kim"), weeks: 1, asOf: try asOf("2026-10-14"), model: model)
        #expect(kim.scope == .coach("kim"))
        #expect(kim.salespeople.map(\.salesperson) == ["omar"])
        let omar = try row(kim, "omar")
        // Window [10-08, 10-15): c-o4a missed (10-13); previous [10-01, 10-08): c-o3a kept, c-o3b missed.
        #expect(omar.current == Tally(missed: 1) && omar.previous == Tally(kept: 1, missed: 1))
        #expect(omar.current.health == .poor)
        // o5 was closed the day it opened: no session open. Open c-o5a (due 10-19).
        #expect(omar.openSession == nil && omar.open == 1 && omar.overdue == 0)
        #expect(omar.reasons == [.slipping, .poorFollowThrough, .neglectedTopics])
        #expect(omar.attention == 6)
        #expect(throws: NotFound.self) {
            try Projections.team(scope: .coach("pat"), weeks: nil, asOf: try asOf("2026-10-14"), model: model)
        }
        #expect(throws: DomainError.self) {
            try Projections.team(scope: .everyone, weeks: 521, asOf: try asOf("2026-10-14"), model: model)
        }
    }

    @Test func aSessionOpenedTodayIsNotLeftOpen() throws {
        // On 10-12 dana's d6 opened that morning: open, 0 days, no reason.
        let r = try Projections.team(scope: .coach("lee"), weeks: nil, asOf: try asOf("2026-10-12"), model: model)
        let dana = try row(r, "dana")
        #expect(dana.openSession?.daysOpen == 0)
        #expect(!dana.reasons.contains(.sessionLeftOpen))
        // Before d5 closed (10-05 10:05Z), d5 was open as of that moment.
        let morning = try Projections.team(scope: .everyone, weeks: nil, asOf: try asOf("2026-10-05T10:00:00Z"), model: model)
        #expect(try row(morning, "dana").openSession?.sessionId == "d5")
    }
}

/// `trendWeeks`: the length of the trends, apart from the windows that `weeks` sets; and the reviews behind each point.
@Suite struct TeamTrendTests {
    let model: InMemoryReadModel

    init() throws { model = try Scenario.model() }

    @Test func aTrendLongerThanTheWindows() throws {
        // As of 10-18 with weeks 2: window [10-05, 10-19), previous [09-21, 10-05); the trend's 6 weeks, oldest
        // first: [09-07, 09-14), [09-14, 09-21), [09-21, 09-28), [09-28, 10-05), [10-05, 10-12), [10-12, 10-19).
        let r = try Projections.team(scope: .everyone, weeks: 2, trendWeeks: 6, asOf: try asOf("2026-10-18"), model: model)
        #expect(r.weeks == 2 && r.trendWeeks == 6)
        #expect(r.window == Window(from: try timestamp("2026-10-05T00:00:00Z"), to: try timestamp("2026-10-19T00:00:00Z")))
        let dana = try #require(r.salespeople.first { $0.salesperson == "dana" })
        // The windows are weeks 2's: c-d4a partial, c-d5a kept; before: c-d2a missed, c-d3a, c-d3b kept.
        #expect(dana.current == Tally(kept: 1, partial: 1) && dana.previous == Tally(kept: 2, missed: 1))
        // 09-14 c-d1a kept, c-d1b partial; 09-21 c-d2a missed; 09-28 c-d3a, c-d3b kept; 10-05 c-d4a partial;
        // 10-12 c-d5a kept.
        #expect(dana.trend == [nil, 0.5, 0.0, 1.0, 0.0, 1.0])
        #expect(dana.trendReviewed == [0, 2, 1, 2, 1, 1])
        // omar: 09-15 c-o1a missed, c-o1b kept; 09-22 c-o2a partial; 10-06 c-o3a kept, c-o3b missed;
        // 10-13 c-o4a missed, 10-16 c-o5a kept.
        let omar = try #require(r.salespeople.first { $0.salesperson == "omar" })
        #expect(omar.trend == [nil, 0.5, 0.0, nil, 0.5, 0.5])
        #expect(omar.trendReviewed == [0, 2, 1, 0, 2, 2])
        // Totals count each review once: week by week, dana's and omar's together.
        #expect(r.totals.trend == [nil, 0.5, 0.0, 1.0, 1.0 / 3.0, 2.0 / 3.0])
        #expect(r.totals.trendReviewed == [0, 4, 2, 2, 3, 3])
    }

    @Test func aTrendShorterThanTheWindows() throws {
        // weeks 4 as in TeamTests.everyoneAsOfOctober18, but only the last week of the trend.
        let r = try Projections.team(scope: .everyone, weeks: 4, trendWeeks: 1, asOf: try asOf("2026-10-18"), model: model)
        #expect(r.weeks == 4 && r.trendWeeks == 1)
        let dana = try #require(r.salespeople.first { $0.salesperson == "dana" })
        #expect(dana.current == Tally(kept: 3, partial: 1, missed: 1))
        #expect(dana.trend == [1.0] && dana.trendReviewed == [1])
        #expect(r.totals.trend == [2.0 / 3.0] && r.totals.trendReviewed == [3])
    }

    @Test func withoutTrendWeeksTheTrendIsAsLongAsTheWindows() throws {
        let at = try asOf("2026-10-18")
        for weeks in [nil, 1, 3, 60] as [Int?] {
            let r = try Projections.team(scope: .everyone, weeks: weeks, asOf: at, model: model)
            let n = weeks ?? 4
            #expect(r.trendWeeks == n)
            for row in r.salespeople { #expect(row.trend.count == n && row.trendReviewed.count == n) }
            #expect(r.totals.trend.count == n && r.totals.trendReviewed.count == n)
        }
    }

    @Test func theTrendIsFollowThroughsWeekly() throws {
        // Whatever the windows, trend and trendReviewed are followThrough's weekly with weeks = trendWeeks.
        for date in ["2026-09-25", "2026-10-14", "2026-11-20"] {
            let at = try asOf(date)
            for (weeks, trendWeeks) in [(1, 12), (4, 12), (12, 3), (2, 52)] {
                let r = try Projections.team(scope: .everyone, weeks: weeks, trendWeeks: trendWeeks, asOf: at, model: model)
                for row in r.salespeople {
                    let ft = try Projections.followThrough(
                        scope: .salesperson(row.salesperson), weeks: trendWeeks, asOf: at, model: model)
                    #expect(row.trend == ft.weekly?.map(\.tally.rate), "\(date) \(row.salesperson)")
                    #expect(row.trendReviewed == ft.weekly?.map(\.tally.reviewed), "\(date) \(row.salesperson)")
                    let windows = try Projections.followThrough(
                        scope: .salesperson(row.salesperson), weeks: weeks, asOf: at, model: model)
                    #expect(row.current == windows.total && row.previous == windows.previous?.tally)
                }
                let all = try Projections.followThrough(scope: .everyone, weeks: trendWeeks, asOf: at, model: model)
                #expect(r.totals.trend == all.weekly?.map(\.tally.rate), "\(date)")
                #expect(r.totals.trendReviewed == all.weekly?.map(\.tally.reviewed), "\(date)")
            }
        }
    }

    @Test func trendWeeksOutOfRangeIsRefused() throws {
        let at = try asOf("2026-10-18")
        for trendWeeks in [0, -1, 53] {
            #expect(throws: DomainError.self) {
                try Projections.team(scope: .everyone, weeks: 4, trendWeeks: trendWeeks, asOf: at, model: model)
            }
        }
        #expect(try Projections.team(scope: .everyone, weeks: 4, trendWeeks: 52, asOf: at, model: model).totals.trend.count == 52)
    }
}

import CoachLogJSON
import Testing

/// `coachlog team`, `prep` and `goals --weeks/--as-of` against the recorded `Scenario`, plus pat (coach lee), whose
/// only session, opened 2026-10-01 on all four topics, is left open with c-p1 (more, due 10-08).
@Suite struct TeamPrepTests {
    static let teamHeader = [
        "salesperson", "coach", "rate", "prev", "change", "trend", "open", "overdue", "days since", "usual gap", "open session",
        "topics not covered", "attention",
    ]
    static let numeric: Set<Int> = [2, 3, 6, 7, 8, 9, 12]

    static func recordPat(_ cli: CLI) throws {
        let pat = ["--salesperson", "pat"]
        try cli.ok(
            ["session", "open", "--coach", "lee", "--id", "s-p1", "--at", "2026-10-01T10:00:00Z", "--topics",
             "self-concept,identity,goals,reflection"] + pat)
        try cli.ok(["commit", "more", "Shadow dana on two calls", "--id", "c-p1", "--at", "2026-10-01T10:10:00Z"] + pat)
    }

    @Test func theMondayTable() throws {
        try withDaemon { cli, _ in
            try Scenario.record(cli)
            try Self.recordPat(cli)

            // 4 weeks to 10-05: [09-08, 10-06). dana: 09-14 kept, partial, missed; 09-21 kept, kept; 09-28 missed:
            // 3 of 6, weeks 1/3, 2/2, 0/1, none. Open c-d7 (overdue), c-d8. Last 09-28 (7 days, usual 7.0).
            // personal-goals never covered: attention 2 (overdue) + 1 (topics). pat: s-p1 open 4 days: 1.
            let lee = try cli.ok(["team", "--coach", "lee", "--as-of", "2026-10-05"])
            #expect(lee.lines.first == "Team · lee's salespeople · last 4 weeks · as of 2026-10-05", "\(lee)")
            #expect(
                lee.lines.dropFirst().first
                    == "  say-do 50% (3 kept of 6), previous – · 3 open, 1 overdue · 0 lapsed · 1 session open · 2 of 2 need attention",
                "\(lee)")
            #expect(lee.lines.contains("  weekly trend  ▃█▁·  (oldest → newest; · = nothing reviewed)"), "\(lee)")
            expectTable(lee.lines, header: Self.teamHeader, rows: [
                ["dana", "lee", "50%", "–", "–", "▃█▁·", "2", "1", "7", "7.0", "–", "goals", "3"],
                ["pat", "lee", "–", "–", "–", "····", "1", "0", "4", "–", "s-p1 4d", "–", "1"],
            ], numeric: Self.numeric)
            #expect(Array(lee.lines.suffix(3)) == [
                "Needs attention",
                "  dana  1 overdue; topics not covered: personal-goals never",
                "  pat   session s-p1 open for 4 days",
            ], "\(lee)")

            // kim, 2 weeks to 10-12: [09-29, 10-13) c-o3 partial (0 %) against [09-15, 09-29) c-o1, c-o2 kept (100 %):
            // slipping 3, c-o4 and c-o5 overdue 2, poor 2, 13 days against a usual 10.5 1, three topics 1.
            let kim = try cli.ok(["team", "--coach", "kim", "--weeks", "2", "--as-of", "2026-10-12"])
            expectTable(kim.lines, header: Self.teamHeader, rows: [
                ["omar", "kim", "0%", "100%", "-100", "▁·", "2", "2", "13", "10.5", "–", "self-concept,identity,reflection", "9"],
            ], numeric: Self.numeric)
            #expect(
                kim.lines.last
                    == "  omar  slipping: 0% from 100% (-100 pts); 2 overdue; poor follow-through: 0% (0 kept of 1); "
                    + "past the usual gap: 13 days, usually 10.5; topics not covered: self-concept never, identity-role 34d, "
                    + "behavioral-reflection never", "\(kim)")

            // --trend-weeks lengthens the trend only: the same 4-week windows to 10-05, a trend of the 6 weeks
            // [08-25, 10-06), two of them before dana's first review.
            let long = try cli.ok(["team", "--coach", "lee", "--trend-weeks", "6", "--as-of", "2026-10-05"])
            expectTable(long.lines, header: Self.teamHeader, rows: [
                ["dana", "lee", "50%", "–", "–", "··▃█▁·", "2", "1", "7", "7.0", "–", "goals", "3"],
                ["pat", "lee", "–", "–", "–", "······", "1", "0", "4", "–", "s-p1 4d", "–", "1"],
            ], numeric: Self.numeric)
            let json = try #require(
                parseJSON(try cli.ok(["team", "--coach", "lee", "--trend-weeks", "6", "--as-of", "2026-10-05", "--json"])))
            #expect(json["weeks"] == 4 && json["trendWeeks"] == 6)
            #expect(json["salespeople"]?.arrayValue?.first?["trendReviewed"] == [0, 0, 3, 2, 1, 0])
            // The daemon checks the range, and says what it is.
            let refused = try cli.run(["team", "--trend-weeks", "53"])
            #expect(refused.status != 0 && refused.stderr.contains("between 1 and 52"), "\(refused)")
        }
    }

    @Test func everyoneSortedAsTheDaemonSortsAndJSON() throws {
        try withDaemon { cli, _ in
            try Scenario.record(cli)
            try Self.recordPat(cli)
            // 2 weeks to 10-20. dana: 22 days (lapsed, past 7.0), c-d7 and c-d8 overdue, three topics: 3+2+1+1 = 7.
            // omar: 21 days (past 10.5), c-o4, c-o5 overdue, three topics: 7. pat: 19 days, c-p1 overdue,
            // s-p1 open 19 days: 3+2+1 = 6. dana and omar tie: dana has gone longer.
            let text = try cli.ok(["team", "--weeks", "2", "--as-of", "2026-10-20"])
            let rows = text.lines.drop { !$0.hasPrefix("salesperson ") }.dropFirst().prefix(3)
            #expect(rows.map { String($0.prefix { $0 != " " }) } == ["dana", "omar", "pat"], "\(text)")

            let json = try #require(parseJSON(try cli.ok(["team", "--weeks", "2", "--as-of", "2026-10-20", "--json"])))
            #expect(json["projection"] == "team" && json["scope"] == .object([:]) && json["weeks"] == 2)
            #expect(json["window"] == ["from": "2026-10-07T00:00:00Z", "to": "2026-10-21T00:00:00Z"])
            let people = json["salespeople"]?.arrayValue ?? []
            #expect(people.compactMap { $0["salesperson"]?.stringValue } == ["dana", "omar", "pat"])
            #expect(people.map { $0["attention"] } == [7, 7, 6])
            #expect(people.first?["reasons"] == ["lapsed", "overdue", "pastUsualGap", "neglectedTopics"])
            #expect(people.last?["reasons"] == ["lapsed", "overdue", "sessionLeftOpen"])
            #expect(people.last?["openSession"] == ["sessionId": "s-p1", "openedAt": "2026-10-01T10:00:00Z", "daysOpen": 19])
            // previous [09-23, 10-07): dana c-d6 missed, omar c-o3 partial.
            expectTally(people.first?["previous"], Tally(kept: 0, partial: 0, missed: 1), "dana.previous")
            expectTally(json["totals"]?["previous"], Tally(kept: 0, partial: 1, missed: 1), "totals.previous")
            #expect(json["totals"]?["overdue"] == 5 && json["totals"]?["lapsed"] == 3 && json["totals"]?["needAttention"] == 3)
        }
    }

    @Test func prepForDana() throws {
        try withDaemon { cli, _ in
            try Scenario.record(cli)
            let r = try cli.ok(["prep", "dana", "--as-of", "2026-10-05"])
            // Reviews of [09-08, 10-06); topics: personal-goals never, self-concept 28 days (09-07), identity-role
            // 21 (09-14), behavioral-reflection 7 (s-d4, 09-28; the insight of 09-21). 2026-10-05 is day 20731,
            // 1 mod 5: personal-goals' second and third questions.
            #expect(r.lines == [
                "Prep · dana · coach lee · as of 2026-10-05",
                "",
                "Last session  s-d4 · 2026-09-28 09:00 UTC · lee · 7 days ago · closed 2026-09-28 10:00 UTC",
                "  topics: behavioral-reflection",
                "",
                "Due for review  2 open, 1 overdue",
                "  c-d7 · more · OVERDUE 10d · goal g-d1",
                "    Two referral asks a day",
                "  c-d8 · different · due 2026-10-05",
                "    Delegate the quote paperwork",
                "",
                "Reviews, last 28 days  50% (3 kept, 1 partial, 2 missed)",
                "  2026-09-28 · c-d6 · better · missed",
                "    Update the CRM the same day",
                "    note: Fell behind after the offsite",
                "  2026-09-21 · c-d5 · different · kept",
                "    Open with the customer's goals",
                "  2026-09-21 · c-d4 · more · kept",
                "    Block two hours for prospecting",
                "  2026-09-14 · c-d3 · different · missed",
                "    Ask for referrals at close",
                "  2026-09-14 · c-d2 · better · partial",
                "    Prepare every discovery call",
                "  2026-09-14 · c-d1 · more · kept",
                "    Call five lapsed customers",
                "    note: Called all five",
                "",
                "Goals",
                "  g-d1 · leadership · 2 commitments, 1 of 1 reviewed kept (100%)",
                "    Lead a team within two years",
                "",
                "Topics  most neglected first",
                "  personal-goals         never",
                "  self-concept           28 days",
                "    2026-09-07: Sees herself as a closer, not a prospector",
                "  identity-role          21 days",
                "  behavioral-reflection  7 days",
                "    2026-09-21: Does better when she plans the week on Monday",
                "",
                "Questions to ask",
                "  personal-goals: Which of your goals has gone quiet lately, and what would bring it back?",
                "  personal-goals: How does this quarter's work move you toward something you want for yourself?",
            ], "\(r)")
        }
    }

    @Test func prepJSONAndErrors() throws {
        try withDaemon { cli, _ in
            try Scenario.record(cli)
            let json = try #require(parseJSON(try cli.ok(["prep", "--salesperson", "omar", "--as-of", "2026-10-05", "--json"])))
            #expect(json["projection"] == "prep" && json["salesperson"] == "omar" && json["coach"] == "kim")
            #expect(json["lastSession"]?["sessionId"] == "s-o3" && json["lastSession"]?["open"] == false)
            #expect(json["dueForReview"]?.arrayValue?.compactMap { $0["commitmentId"]?.stringValue } == ["c-o4", "c-o5"])
            #expect(json["reviews"]?.arrayValue?.last?["note"] == "Sent all eight")
            // Never: self-concept, behavioral-reflection; then identity-role 27 days, personal-goals 13.
            #expect(json["topics"]?.arrayValue?.map { $0["topic"] } == ["selfConcept", "behavioralReflection", "identityRole", "personalGoals"])
            #expect(json["questions"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["selfConcept-2", "behavioralReflection-2", "selfConcept-3"])

            let unknown = try cli.run(["prep", "zoe"])
            #expect(unknown.status == 1 && unknown.stderr.contains("zoe"), "\(unknown)")
            let none = try cli.run(["prep"])
            #expect(none.status == 2, "\(none)")
            let weeks = try cli.run(["team", "--weeks", "0"])
            #expect(weeks.status == 2 && weeks.stderr.contains("--weeks"), "\(weeks)")
        }
    }

    @Test func goalsAsOfAndWeeksShowStatus() throws {
        try withDaemon { cli, _ in
            try Scenario.record(cli)
            let header = ["id", "area", "stated", "status", "commitments", "reviewed", "rate", "goal"]
            let all = try cli.ok(["goals", "dana"])
            #expect(all.lines.first == "Goals · dana", "\(all)")
            expectTable(all.lines, header: header, rows: [
                ["g-d1", "leadership", "2026-09-07", "active", "2", "1", "100%", "Lead a team within two years"],
            ], numeric: [4, 5, 6])
            // One week to 09-28: [09-22, 09-29). c-d1's review (09-14) is outside; c-d7 is open.
            let week = try cli.ok(["goals", "dana", "--weeks", "1", "--as-of", "2026-09-28"])
            #expect(week.lines.first == "Goals · dana · reviews of the last 1 week · as of 2026-09-28", "\(week)")
            expectTable(week.lines, header: header, rows: [
                ["g-d1", "leadership", "2026-09-07", "active", "2", "0", "–", "Lead a team within two years"],
            ], numeric: [4, 5, 6])
            // Before c-d7 (09-21) was made: one commitment.
            let early = try #require(parseJSON(try cli.ok(["goals", "--salesperson", "dana", "--as-of", "2026-09-20", "--json"])))
            #expect(early["asOf"] == "2026-09-20" && early["weeks"] == .null)
            #expect(early["goals"]?.arrayValue?.first?["commitments"] == 1 && early["goals"]?.arrayValue?.first?["status"] == "active")
            // omar's goal was stated at 14:05 on 09-08.
            let before = try cli.ok(["goals", "omar", "--as-of", "2026-09-08T14:04:00Z"])
            #expect(before.lines.last == "  no goals yet", "\(before)")
        }
    }
}

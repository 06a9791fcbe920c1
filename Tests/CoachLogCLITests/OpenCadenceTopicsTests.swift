import CoachLogJSON
import Testing

/// `coachlog open`, `cadence` and `topics` against the recorded scenario: numbers, layout, `--json`.
@Suite struct OpenCadenceTopicsTests {
    static let openHeader = ["id", "salesperson", "kind", "due", "status", "commitment"]
    static let cadenceHeader = ["salesperson", "coach", "sessions", "last session", "days since", "mean gap (days)"]
    static let topicsHeader = ["topic", "last covered", "days since"]

    @Test func openCommitmentsAndOverdue() throws {
        try withDaemon { cli, _ in
            try Scenario.record(cli)

            let all = try cli.ok(["open", "--as-of", "2026-10-05"])
            #expect(all.lines.first == "Open commitments · everyone · as of 2026-10-05 · 4 open, 2 overdue", "\(all)")
            expectTable(all.lines, header: Self.openHeader, rows: [
                ["c-d7", "dana", "more", "2026-09-25", "OVERDUE 10d", "Two referral asks a day"],
                ["c-o4", "omar", "more", "2026-10-02", "OVERDUE 3d", "Ask every customer for a referral"],
                ["c-d8", "dana", "different", "2026-10-05", "open", "Delegate the quote paperwork"],
                ["c-o5", "omar", "better", "2026-10-06", "open", "Shorter proposals"],
            ])

            let overdue = try cli.ok(["open", "--overdue", "--as-of", "2026-10-05"])
            #expect(overdue.lines.first?.hasPrefix("Open commitments · everyone · as of 2026-10-05 · ") == true, "\(overdue)")
            #expect(overdue.lines.first?.hasSuffix(", 2 overdue") == true, "\(overdue)")
            expectTable(overdue.lines, header: Self.openHeader, rows: [
                ["c-d7", "dana", "more", "2026-09-25", "OVERDUE 10d", "Two referral asks a day"],
                ["c-o4", "omar", "more", "2026-10-02", "OVERDUE 3d", "Ask every customer for a referral"],
            ])
            #expect(overdue.lines.count == 4, "\(overdue)")

            // dana as of 2026-09-12: the week-1 commitments, still unreviewed; c-d2 was due 09-11.
            let early = try cli.ok(["open", "--salesperson", "dana", "--as-of", "2026-09-12"])
            #expect(early.lines.first == "Open commitments · dana · as of 2026-09-12 · 3 open, 1 overdue", "\(early)")
            expectTable(early.lines, header: Self.openHeader, rows: [
                ["c-d2", "dana", "better", "2026-09-11", "OVERDUE 1d", "Prepare every discovery call"],
                ["c-d1", "dana", "more", "2026-09-14", "open", "Call five lapsed customers"],
                ["c-d3", "dana", "different", "2026-09-14", "open", "Ask for referrals at close"],
            ])

            let lee = try cli.ok(["open", "--coach", "lee", "--overdue", "--as-of", "2026-09-26"])
            expectTable(lee.lines, header: Self.openHeader, rows: [
                ["c-d7", "dana", "more", "2026-09-25", "OVERDUE 1d", "Two referral asks a day"],
            ])
            let none = try cli.ok(["open", "--salesperson", "omar", "--overdue", "--as-of", "2026-09-29"])
            #expect(none.lines.last == "  nothing overdue", "\(none)")

            let json = try #require(parseJSON(try cli.ok(["open", "--as-of", "2026-10-05", "--json"])))
            #expect(json["projection"] == "openCommitments")
            #expect(json["scope"] == .object([:]))
            #expect(json["asOf"] == "2026-10-05")
            #expect(json["count"]?.integerValue == 4)
            #expect(json["overdue"]?.integerValue == 2)
            let rows = json["commitments"]?.arrayValue ?? []
            #expect(rows.compactMap { $0["commitmentId"]?.stringValue } == ["c-d7", "c-o4", "c-d8", "c-o5"])
            let d7 = try #require(rows.first)
            #expect(d7["salesperson"] == "dana" && d7["coach"] == "lee" && d7["sessionId"] == "s-d3")
            #expect(d7["kind"] == "more" && d7["text"] == "Two referral asks a day" && d7["goalId"] == "g-d1")
            #expect(d7["due"] == "2026-09-25" && d7["madeAt"] == "2026-09-21T09:12:00Z")
            #expect(d7["overdue"] == true && d7["daysOverdue"]?.integerValue == 10)
            let o5 = try #require(rows.last)
            #expect(o5["coach"] == "kim" && o5["goalId"] == .null && o5["madeAt"] == "2026-09-29T12:20:00Z")
            #expect(o5["overdue"] == false && o5["daysOverdue"]?.integerValue == 0 && o5["due"] == "2026-10-06")
            #expect(rows.map { $0["overdue"] } == [true, true, false, false])
        }
    }

    @Test func cadence() throws {
        try withDaemon { cli, _ in
            try Scenario.record(cli)

            // dana: 09-07, 14, 21, 28 (gap 7.0); omar: 09-08, 22, 29 (gaps 14 and 7: 10.5).
            let all = try cli.ok(["cadence", "--as-of", "2026-10-05"])
            #expect(all.lines.first == "Coaching cadence · everyone · as of 2026-10-05", "\(all)")
            expectTable(all.lines, header: Self.cadenceHeader, rows: [
                ["dana", "lee", "4", "2026-09-28", "7", "7.0"],
                ["omar", "kim", "3", "2026-09-29", "6", "10.5"],
            ], numeric: [2, 4, 5])
            #expect(all.lines.count == 4, "\(all)")

            let early = try cli.ok(["cadence", "--as-of", "2026-09-10"])
            expectTable(early.lines, header: Self.cadenceHeader, rows: [
                ["dana", "lee", "1", "2026-09-07", "3", "–"],
                ["omar", "kim", "1", "2026-09-08", "2", "–"],
            ], numeric: [2, 4, 5])

            let kim = try cli.ok(["cadence", "--coach", "kim", "--as-of", "2026-10-20"])
            #expect(kim.lines.first == "Coaching cadence · kim's salespeople · as of 2026-10-20", "\(kim)")
            expectTable(kim.lines, header: Self.cadenceHeader, rows: [["omar", "kim", "3", "2026-09-29", "21", "10.5"]], numeric: [2, 4, 5])

            let json = try #require(parseJSON(try cli.ok(["cadence", "--as-of", "2026-10-05", "--json"])))
            #expect(json["projection"] == "cadence")
            #expect(json["asOf"] == "2026-10-05")
            let people = json["salespeople"]?.arrayValue ?? []
            try #require(people.count == 2)
            #expect(people[0]["salesperson"] == "dana" && people[0]["coach"] == "lee")
            #expect(people[0]["sessions"]?.integerValue == 4 && people[0]["lastSession"] == "2026-09-28")
            #expect(people[0]["daysSince"]?.integerValue == 7)
            expectNumber(people[0]["meanGapDays"], 7, "dana.meanGapDays")
            #expect(people[1]["salesperson"] == "omar" && people[1]["coach"] == "kim")
            #expect(people[1]["sessions"]?.integerValue == 3 && people[1]["lastSession"] == "2026-09-29")
            #expect(people[1]["daysSince"]?.integerValue == 6)
            expectNumber(people[1]["meanGapDays"], 10.5, "omar.meanGapDays")
            let single = try #require(parseJSON(try cli.ok(["cadence", "--salesperson", "omar", "--as-of", "2026-09-10", "--json"])))
            expectNumber(single["salespeople"]?.arrayValue?.first?["meanGapDays"], nil, "one session: no mean gap")
        }
    }

    @Test func topicCoverage() throws {
        try withDaemon { cli, _ in
            try Scenario.record(cli)

            // self-concept: s-d1 and an insight (09-07); identity-role: s-d2 (09-14);
            // reflection: an insight 09-21 and s-d4 (09-28); personal goals: never.
            let dana = try cli.ok(["topics", "dana", "--as-of", "2026-10-05"])
            #expect(dana.lines.first == "Topic coverage · dana · as of 2026-10-05", "\(dana)")
            expectTable(dana.lines, header: Self.topicsHeader, rows: [
                ["self-concept", "2026-09-07", "28"],
                ["identity-role", "2026-09-14", "21"],
                ["personal-goals", "–", "never"],
                ["behavioral-reflection", "2026-09-28", "7"],
            ], numeric: [2])
            #expect(dana.lines.count == 6, "\(dana)")

            let before = try cli.ok(["topics", "dana", "--as-of", "2026-09-20"])
            expectTable(before.lines, header: Self.topicsHeader, rows: [
                ["self-concept", "2026-09-07", "13"],
                ["identity-role", "2026-09-14", "6"],
                ["personal-goals", "–", "never"],
                ["behavioral-reflection", "–", "never"],
            ], numeric: [2])

            // omar: identity and goals in s-o1 (09-08), a goals insight on 09-22.
            let omar = try #require(parseJSON(try cli.ok(["topics", "omar", "--as-of", "2026-10-05", "--json"])))
            #expect(omar["projection"] == "topics" && omar["salesperson"] == "omar" && omar["asOf"] == "2026-10-05")
            #expect(omar["lastCovered"] == [
                "selfConcept": nil, "identityRole": "2026-09-08", "personalGoals": "2026-09-22", "behavioralReflection": nil,
            ])
            #expect(omar["daysSince"] == ["selfConcept": nil, "identityRole": 27, "personalGoals": 13, "behavioralReflection": nil])

            let danaJSON = try #require(parseJSON(try cli.ok(["topics", "dana", "--as-of", "2026-10-05", "--json"])))
            #expect(danaJSON["lastCovered"] == [
                "selfConcept": "2026-09-07", "identityRole": "2026-09-14", "personalGoals": nil,
                "behavioralReflection": "2026-09-28",
            ])
            #expect(danaJSON["daysSince"] == ["selfConcept": 28, "identityRole": 21, "personalGoals": nil, "behavioralReflection": 7])
        }
    }
}

import CoachLogJSON
import Testing

/// `coachlog followthrough` against the recorded scenario: hand-computed numbers, layout and `--json`.
@Suite struct FollowThroughTests {
    static let kindHeader = ["kind", "reviewed", "kept", "partial", "missed", "rate"]
    static let kindNumeric: Set<Int> = [1, 2, 3, 4, 5]

    @Test func perSalespersonAllTimeAndEveryone() throws {
        try withDaemon { cli, _ in
            try Scenario.record(cli)

            // dana: c-d1 kept, c-d2 partial, c-d3 missed, c-d4 kept, c-d5 kept, c-d6 missed.
            let dana = try cli.ok(["followthrough", "--salesperson", "dana", "--as-of", "2026-10-05"])
            #expect(dana.lines.prefix(4) == [
                "Follow-through · dana · all time · as of 2026-10-05",
                "  say-do rate   50%  (3 kept of 6 reviewed)",
                "  weighted      58%  (3 kept, 1 partial, 2 missed)",
                "",
            ], "\(dana)")
            expectTable(dana.lines, header: Self.kindHeader, rows: [
                ["more", "2", "2", "0", "0", "100%"],
                ["better", "2", "0", "1", "1", "0%"],
                ["different", "2", "1", "0", "1", "50%"],
            ], numeric: Self.kindNumeric)
            #expect(!dana.stdout.contains("previous") && !dana.stdout.contains("weekly trend"), "no trend without --weeks")

            // Everyone: 9 reviewed, 5 kept, 2 partial, 2 missed.
            let all = try cli.ok(["followthrough", "--as-of", "2026-10-05"])
            #expect(all.lines.first == "Follow-through · everyone · all time · as of 2026-10-05")
            #expect(all.lines.contains("  say-do rate   56%  (5 kept of 9 reviewed)"), "\(all)")
            #expect(all.lines.contains("  weighted      67%  (5 kept, 2 partial, 2 missed)"), "\(all)")
            expectTable(all.lines, header: Self.kindHeader, rows: [
                ["more", "3", "3", "0", "0", "100%"],
                ["better", "3", "1", "1", "1", "33%"],
                ["different", "3", "1", "1", "1", "33%"],
            ], numeric: Self.kindNumeric)

            // Nothing reviewed yet as of the first session: dashes, not 0%.
            let early = try cli.ok(["followthrough", "--salesperson", "dana", "--as-of", "2026-09-10"])
            #expect(early.lines.contains("  say-do rate   –  (0 kept of 0 reviewed)"), "\(early)")
        }
    }

    @Test func weeksWindowWithTrendAndWeeklyLine() throws {
        try withDaemon { cli, _ in
            try Scenario.record(cli)

            // Last 2 weeks as of 2026-09-28: reviews of 09-21 (2 kept) and 09-28 (1 missed);
            // the 2 weeks before: 09-14 (kept, partial, missed).
            let two = try cli.ok(["followthrough", "--salesperson", "dana", "--weeks", "2", "--as-of", "2026-09-28"])
            #expect(two.lines.prefix(5) == [
                "Follow-through · dana · last 2 weeks · as of 2026-09-28",
                "  say-do rate   67%  (2 kept of 3 reviewed)",
                "  weighted      67%  (2 kept, 0 partial, 1 missed)",
                "  previous      33%  (1 kept of 3)  ▲ +33 pts",
                "",
            ], "\(two)")
            expectTable(two.lines, header: Self.kindHeader, rows: [
                ["more", "1", "1", "0", "0", "100%"],
                ["better", "1", "0", "0", "1", "0%"],
                ["different", "1", "1", "0", "0", "100%"],
            ], numeric: Self.kindNumeric)
            #expect(two.lines.suffix(2) == ["", "  weekly trend  █▁  (oldest → newest; · = nothing reviewed)"], "\(two)")

            // 4 weeks as of 2026-10-05: every review of dana; weeks 1/3, 1, 0, nothing; nothing before.
            let four = try cli.ok(["followthrough", "--salesperson", "dana", "--weeks", "4", "--as-of", "2026-10-05"])
            #expect(four.lines.first == "Follow-through · dana · last 4 weeks · as of 2026-10-05")
            #expect(four.lines.contains("  say-do rate   50%  (3 kept of 6 reviewed)"), "\(four)")
            #expect(four.lines.contains("  previous      –  (nothing reviewed)"), "\(four)")
            #expect(four.lines.last == "  weekly trend  ▃█▁·  (oldest → newest; · = nothing reviewed)", "\(four)")

            // Per coach: kim coaches omar (2 kept on 09-22, 1 partial on 09-29).
            let kim = try cli.ok(["followthrough", "--coach", "kim", "--weeks", "4", "--as-of", "2026-10-05"])
            #expect(kim.lines.prefix(3) == [
                "Follow-through · kim's salespeople · last 4 weeks · as of 2026-10-05",
                "  say-do rate   67%  (2 kept of 3 reviewed)",
                "  weighted      83%  (2 kept, 1 partial, 0 missed)",
            ], "\(kim)")
            expectTable(kim.lines, header: Self.kindHeader, rows: [
                ["more", "1", "1", "0", "0", "100%"],
                ["better", "1", "1", "0", "0", "100%"],
                ["different", "1", "0", "1", "0", "0%"],
            ], numeric: Self.kindNumeric)
            #expect(kim.lines.last == "  weekly trend  ··█▁  (oldest → newest; · = nothing reviewed)", "\(kim)")

            // A decline: omar's last week (1 partial) against the week before (2 kept).
            let down = try cli.ok(["followthrough", "--salesperson", "omar", "--weeks", "1", "--as-of", "2026-09-29"])
            #expect(down.lines.contains("  previous      100%  (2 kept of 2)  ▼ -100 pts"), "\(down)")
            #expect(down.lines.last == "  weekly trend  ▁  (oldest → newest; · = nothing reviewed)", "\(down)")
        }
    }

    @Test func jsonFieldByField() throws {
        try withDaemon { cli, _ in
            try Scenario.record(cli)

            let result = try cli.ok(["followthrough", "--salesperson", "dana", "--weeks", "4", "--as-of", "2026-10-05", "--json"])
            let r = try #require(parseJSON(result))
            #expect(r["projection"] == "followThrough")
            #expect(r["scope"] == ["salesperson": "dana"])
            #expect(r["asOf"] == "2026-10-05")
            #expect(r["weeks"]?.integerValue == 4)
            #expect(r["salespeople"]?.integerValue == 1)
            #expect(r["window"] == ["from": "2026-09-08T00:00:00Z", "to": "2026-10-06T00:00:00Z"])
            expectTally(r, Tally(kept: 3, partial: 1, missed: 2), "dana")
            expectTally(r["byKind"]?["more"], Tally(kept: 2, partial: 0, missed: 0), "byKind.more")
            expectTally(r["byKind"]?["better"], Tally(kept: 0, partial: 1, missed: 1), "byKind.better")
            expectTally(r["byKind"]?["different"], Tally(kept: 1, partial: 0, missed: 1), "byKind.different")
            let previous = r["previous"]
            expectTally(previous, Tally(kept: 0, partial: 0, missed: 0), "previous")
            #expect(previous?["window"] == ["from": "2026-08-11T00:00:00Z", "to": "2026-09-08T00:00:00Z"])
            let weekly = r["weekly"]?.arrayValue ?? []
            try #require(weekly.count == 4)
            let weeks = [
                Tally(kept: 1, partial: 1, missed: 1), Tally(kept: 2, partial: 0, missed: 0),
                Tally(kept: 0, partial: 0, missed: 1), Tally(kept: 0, partial: 0, missed: 0),
            ]
            let starts = ["2026-09-08", "2026-09-15", "2026-09-22", "2026-09-29", "2026-10-06"]
            for (i, week) in weekly.enumerated() {
                expectTally(week, weeks[i], "weekly[\(i)]")
                #expect(week["window"] == ["from": .string(starts[i] + "T00:00:00Z"), "to": .string(starts[i + 1] + "T00:00:00Z")])
            }

            // All time, per coach: no weeks, previous or weekly; an open window.
            let lee = try #require(parseJSON(try cli.ok(["followthrough", "--coach", "lee", "--as-of", "2026-10-05", "--json"])))
            #expect(lee["scope"] == ["coach": "lee"])
            #expect(lee["window"] == ["from": nil, "to": "2026-10-06T00:00:00Z"])
            #expect(lee["weeks"] == nil && lee["previous"] == nil && lee["weekly"] == nil)
            expectTally(lee, Tally(kept: 3, partial: 1, missed: 2), "lee")

            // An instant as asOf is echoed in UTC; nothing reviewed gives null rates.
            let none = try #require(
                parseJSON(try cli.ok(["followthrough", "--salesperson", "omar", "--as-of", "2026-09-22T10:00:00-04:00", "--json"])))
            #expect(none["asOf"] == "2026-09-22T14:00:00Z")
            expectTally(none, Tally(kept: 0, partial: 0, missed: 0), "omar before his reviews")
            let after = try #require(
                parseJSON(try cli.ok(["followthrough", "--salesperson", "omar", "--as-of", "2026-09-22T14:05:00Z", "--json"])))
            expectTally(after, Tally(kept: 1, partial: 0, missed: 0), "omar at the instant of his first review")
        }
    }
}

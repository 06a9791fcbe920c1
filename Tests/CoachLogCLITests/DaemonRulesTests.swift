import CoachLogJSON
import Foundation
import Testing

/// The CLI holds no rule: the default due date, the trend, and every colour (health, lapsed cadence, stale
/// topics, overdue) come from the daemon's results. Colours are checked on a pseudo-terminal against the
/// fields of the same query's `--json` result.
@Suite struct DaemonRulesTests {
    @Test func commitWithoutDueLeavesItToTheDaemonAndPrintsItsDate() throws {
        try withDaemon { cli, _ in
            let dana = ["--salesperson", "dana"]
            try cli.ok(["session", "open", "--coach", "lee", "--id", "s1", "--at", "2026-09-07T09:00:00Z"] + dana)
            // Made two days into the week: still due a week after the session, not a week after the commitment.
            let late = try cli.ok(["commit", "more", "Call five lapsed customers", "--id", "c1", "--at", "2026-09-09T16:00:00Z"] + dana)
            #expect(late.stdout == "commitment c1 (more) due 2026-09-14 recorded for dana\n", "\(late)")
            // Made now (months after the session): the daemon still resolves it from the session.
            let now = try cli.ok(["commit", "better", "Prepare every call", "--id", "c2"] + dana)
            #expect(now.stdout == "commitment c2 (better) due 2026-09-14 recorded for dana\n", "\(now)")
            let given = try cli.ok(["commit", "different", "Ask for referrals", "--id", "c3", "--due", "2026-09-30"] + dana)
            #expect(given.stdout == "commitment c3 (different) due 2026-09-30 recorded for dana\n", "\(given)")

            // What was sent: no due unless --due was given.
            // One page per line; the first holds them all.
            let pages = try cli.ok(["log", "--salesperson", "dana", "--json"])
            let page = try #require(try? JSONParser.parse(pages.lines.first ?? ""), "\(pages)")
            let made = (page["events"]?.arrayValue ?? []).filter { $0["type"] == "CommitmentMade" }
            #expect(made.map { $0["data"]?["commitmentId"] } == ["c1", "c2", "c3"])
            #expect(made.map { $0["data"]?["due"] } == [nil, nil, "2026-09-30"], "\(made)")
            // The human log shows a due date only where one was recorded.
            let log = try cli.ok(["log", "--salesperson", "dana"])
            #expect(log.lines.contains { $0.hasSuffix("c1 more: Call five lapsed customers") }, "\(log)")
            #expect(log.lines.contains { $0.hasSuffix("c3 different: Ask for referrals (due 2026-09-30)") }, "\(log)")

            // A session opened now: due a week after today's session, as the daemon says.
            try cli.ok(["session", "open", "--salesperson", "lin", "--coach", "kim", "--id", "s-lin"])
            let lin = try cli.ok(["commit", "more", "Book two demos a day", "--salesperson", "lin", "--id", "c-lin"])
            let open = try #require(parseJSON(try cli.ok(["open", "--salesperson", "lin", "--json"])))
            let due = try #require(open["commitments"]?.arrayValue?.first?["due"]?.stringValue)
            let sessions = try #require(parseJSON(try cli.ok(["sessions", "lin", "--json"])))
            let openedAt = try #require(sessions["sessions"]?.arrayValue?.first?["openedAt"]?.stringValue)
            #expect(due == Self.weekAfter(String(openedAt.prefix(10))), "session opened \(openedAt), due \(due)")
            #expect(lin.stdout == "commitment c-lin (more) due \(due) recorded for lin\n", "\(lin)")
        }
    }

    @Test func followThroughColoursFollowHealthAndChange() throws {
        try withDaemon { cli, _ in
            try Scenario.record(cli)
            let args = ["followthrough", "--salesperson", "dana", "--as-of", "2026-10-05"]
            let json = try #require(parseJSON(try cli.ok(args + ["--json"])))
            let text = try cli.runOnTerminal(args)
            #expect(text.status == 0, "\(text)")
            #expect(text.stdout.contains("\u{1B}[1mFollow-through · dana · all time · as of 2026-10-05\u{1B}[0m"), "\(text)")
            #expect(json["health"] == "fair")
            #expect(text.lines.contains("  say-do rate   \(Colour.yellow.paint("50%"))  (3 kept of 6 reviewed)"), "\(text)")
            // The weighted rate has no health: never coloured.
            #expect(text.lines.contains("  weighted      58%  (3 kept, 1 partial, 2 missed)"), "\(text)")
            let expected: [(kind: String, health: JSONValue, cell: String)] = [
                ("more", "good", Colour.green.paint("100%")), ("better", "poor", Colour.red.paint("0%")),
                ("different", "fair", Colour.yellow.paint("50%")),
            ]
            for (kind, health, cell) in expected {
                #expect(json["byKind"]?[kind]?["health"] == health, "byKind.\(kind).health")
                let row = text.lines.first { $0.hasPrefix(kind + " ") }
                #expect(row?.hasSuffix("  " + cell) == true, "\(kind): \(row ?? "no row")")
            }

            // The trend is the daemon's change in points, green up and red down.
            let upArgs = ["followthrough", "--salesperson", "dana", "--weeks", "2", "--as-of", "2026-09-28"]
            let up = try #require(parseJSON(try cli.ok(upArgs + ["--json"])))
            expectNumber(up["change"]?["rate"], 2.0 / 3.0 - 1.0 / 3.0, "change.rate")
            #expect(try cli.runOnTerminal(upArgs).lines.contains("  previous      33%  (1 kept of 3)  \(Colour.green.paint("▲ +33 pts"))"))
            let downArgs = ["followthrough", "--salesperson", "omar", "--weeks", "1", "--as-of", "2026-09-29"]
            let down = try #require(parseJSON(try cli.ok(downArgs + ["--json"])))
            expectNumber(down["change"]?["rate"], -1, "change.rate")
            #expect(try cli.runOnTerminal(downArgs).lines.contains("  previous      100%  (2 kept of 2)  \(Colour.red.paint("▼ -100 pts"))"))

            // A goal's rate, by the goal row's health.
            let goals = try #require(parseJSON(try cli.ok(["goals", "dana", "--json"])))
            #expect(goals["goals"]?.arrayValue?.first?["health"] == "good")
            let goalRow = try cli.runOnTerminal(["goals", "dana"]).lines.first { $0.hasPrefix("g-d1 ") }
            #expect(goalRow?.contains("  \(Colour.green.paint("100%"))  Lead a team within two years") == true, "\(goalRow ?? "no row")")

            // NO_COLOR wins, even on a terminal.
            let plain = try cli.runOnTerminal(args, env: ["NO_COLOR": "1"])
            #expect(plain.status == 0 && !plain.stdout.contains("\u{1B}") && plain.lines.contains("  say-do rate   50%  (3 kept of 6 reviewed)"), "\(plain)")
        }
    }

    @Test func cadenceIsRedWhenTheDaemonSaysLapsed() throws {
        try withDaemon { cli, _ in
            try Scenario.record(cli)
            // dana's last session 09-28, omar's 09-29: 14 and 13 days on 10-12, 15 and 14 on 10-13.
            for (asOf, statuses, cells) in [
                ("2026-10-12", ["current", "current"], ["14", "13"]),
                ("2026-10-13", ["lapsed", "current"], [Colour.red.paint("15"), "14"]),
            ] {
                let json = try #require(parseJSON(try cli.ok(["cadence", "--as-of", asOf, "--json"])))
                #expect(json["lapsedAfterDays"]?.integerValue == 14)
                #expect(json["salespeople"]?.arrayValue?.map { $0["status"] } == statuses.map { JSONValue.string($0) }, "\(asOf)")
                let text = try cli.runOnTerminal(["cadence", "--as-of", asOf])
                for (name, cell) in zip(["dana", "omar"], cells) {
                    let row = text.lines.first { $0.hasPrefix(name + " ") } ?? ""
                    #expect(row.contains("  \(cell)  "), "\(asOf) \(name): \(row)")
                    #expect(row.contains("\u{1B}") == cell.contains("\u{1B}"), "\(asOf) \(name): \(row)")
                }
            }
        }
    }

    @Test func topicsAreRedWhenTheDaemonSaysStaleOrNever() throws {
        try withDaemon { cli, _ in
            try Scenario.record(cli)
            // dana: self-concept on 09-07 (28 days on 10-05, 29 on 10-06), personal goals never.
            for (asOf, selfConcept, cell) in [("2026-10-05", "current", "28"), ("2026-10-06", "stale", Colour.red.paint("29"))] {
                let json = try #require(parseJSON(try cli.ok(["topics", "dana", "--as-of", asOf, "--json"])))
                #expect(json["staleAfterDays"]?.integerValue == 28)
                #expect(json["status"]?["selfConcept"] == .string(selfConcept), "\(asOf)")
                #expect(json["status"]?["personalGoals"] == "never")
                let text = try cli.runOnTerminal(["topics", "dana", "--as-of", asOf])
                let row = text.lines.first { $0.hasPrefix("self-concept ") } ?? ""
                #expect(row.hasSuffix("  " + cell) && row.contains("\u{1B}") == cell.contains("\u{1B}"), "\(asOf): \(row)")
                #expect(text.lines.first { $0.hasPrefix("personal-goals ") }?.hasSuffix(Colour.red.paint("never")) == true, "\(text)")
            }
            // Overdue commitments are red by the daemon's `overdue` flag.
            let open = try cli.runOnTerminal(["open", "--as-of", "2026-10-05"])
            #expect(open.lines.first { $0.hasPrefix("c-d7 ") }?.contains(Colour.red.paint("OVERDUE 10d")) == true, "\(open)")
            #expect(open.lines.first { $0.hasPrefix("c-d8 ") }?.contains("\u{1B}") == false, "\(open)")
        }
    }

    @Test func datesOutsideTheProtocolAreUsageErrors() throws {
        try withDaemon { cli, _ in
            let dana = ["--salesperson", "dana"]
            try cli.ok(["session", "open", "--coach", "lee", "--id", "s1", "--at", "2026-09-07T09:00:00Z"] + dana)
            let cases: [([String], String)] = [
                (["followthrough", "--as-of", "1969-12-31"], "between 1970-01-01 and 9999-12-01"),
                (["topics", "dana", "--as-of", "9999-12-02T00:00:00Z"], "between 1970-01-01 and 9999-12-01"),
                (["open", "--as-of", "2026-02-30"], "not a date"),
                (["commit", "more", "Call back", "--at", "1969-12-31T23:59:59Z"] + dana, "between 1970-01-01 and 9999-12-01"),
                (["commit", "more", "Call back", "--due", "2026-02-30"] + dana, "not a date in the form YYYY-MM-DD"),
                (["goal", "Lead a team", "--at", "yesterday"] + dana, "not a date (2026-11-30) or an ISO 8601 time"),
                (["session", "open", "--coach", "lee", "--at", "2026-09-07T25:00:00Z", "--salesperson", "omar"], "--at"),
            ]
            for (args, message) in cases {
                let result = try cli.run(args)
                #expect(result.status == 2, "coachlog \(args.joined(separator: " ")): \(result)")
                #expect(result.stderr.contains(message), "coachlog \(args.joined(separator: " ")): \(result)")
                #expect(result.stdout.isEmpty, "\(result)")
            }
            let stats = try #require(parseJSON(try cli.ok(["stats", "--json"])))
            #expect(stats["events"]?.integerValue == 1, "nothing was recorded by the refused command lines")
        }
    }

    /// `YYYY-MM-DD` seven days after `day`, by the calendar.
    static func weekAfter(_ day: String) -> String? {
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = TimeZone(identifier: "UTC")
        format.dateFormat = "yyyy-MM-dd"
        return format.date(from: day).map { format.string(from: $0.addingTimeInterval(7 * 86_400)) }
    }
}

import CoachLogJSON
import Foundation
import Testing

/// What `log` shows in plain text and as JSON Lines, and the CSV tables of `export --format csv`.
@Suite struct LogExportTests {
    @Test func logShowsTextsAndNotes() throws {
        try withDaemon { cli, _ in
            try Scenario.record(cli)
            let log = try cli.ok(["log", "--salesperson", "dana"])
            for suffix in [
                "GoalStated          g-d1: Lead a team within two years · leadership",
                "CommitmentMade      c-d1 more: Call five lapsed customers · goal g-d1",
                "CommitmentMade      c-d2 better: Prepare every discovery call (due 2026-09-11)",
                "CommitmentReviewed  c-d1 kept · note: Called all five",
                "CommitmentReviewed  c-d2 partial",
                "InsightNoted        self-concept: Sees herself as a closer, not a prospector",
            ] {
                #expect(log.lines.contains { $0.hasSuffix(suffix) }, "no line ends with \"\(suffix)\":\n\(log.stdout)")
            }
        }
    }

    @Test func logJsonPrintsOneEventEnvelopePerLine() throws {
        try withDaemon { cli, _ in
            try Scenario.record(cli)
            let all = try cli.ok(["log", "--json"])
            #expect(all.lines.count == Scenario.eventCount, "\(all)")
            for (index, line) in all.lines.enumerated() {
                let event = try #require(try? JSONParser.parse(line), "line \(index + 1) is not one JSON document: \(line)")
                #expect(event["position"]?.integerValue == Int64(index + 1), "\(line)")
                #expect(event["eventId"]?.stringValue != nil && event["type"]?.stringValue != nil && event["data"] != nil, "\(line)")
            }
            let tail = try cli.ok(["log", "--json", "--after", "40"])
            #expect(tail.lines.count == Scenario.eventCount - 40, "\(tail)")
            let limited = try cli.ok(["--json", "log", "--salesperson", "omar", "--limit", "2"])
            #expect(limited.lines.count == 2 && limited.lines.allSatisfy { $0.contains("\"salesperson\":\"omar\"") }, "\(limited)")

            let help = try cli.ok(["help", "log"])
            let words = help.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
            #expect(words.contains("With --json: JSON Lines, one event envelope per line"), "\(help)")
        }
    }

    /// The correction scenario, then: the review of c1 corrected, c3's text amended, c2 withdrawn; a session
    /// s3 back-filled (recorded without times, so the daemon puts its records at the session's time); a session
    /// s4 for the wrong person, voided.
    static func correctedHistory(_ cli: CLI) throws {
        let dana = CorrectionScenario.dana
        try CorrectionScenario.record(cli)
        try cli.ok(["review", "correct", "c1", "kept", "--note", "Called all five, at last", "--at", "2026-09-14T09:30:00Z"] + dana)
        try cli.ok(["commitment", "amend", "c3", "--text", "Ask for \"warm\" referrals", "--at", "2026-09-14T09:31:00Z"] + dana)
        try cli.ok(["commitment", "withdraw", "c2", "--at", "2026-09-14T09:32:00Z"] + dana)
        try cli.ok(["session", "open", "--coach", "lee", "--id", "s3", "--at", "2026-09-21T09:00:00Z", "--topics", "identity,goals"] + dana)
        try cli.ok(["review", "c4", "kept"] + dana)
        try cli.ok(["commit", "different", "Lead with questions", "--id", "c5"] + dana)
        try cli.ok(["session", "close"] + dana)
        try cli.ok(["session", "open", "--coach", "lee", "--id", "s4", "--at", "2026-09-22T09:00:00Z"] + dana)
        try cli.ok(["commit", "better", "Someone else's commitment", "--id", "c6", "--at", "2026-09-22T09:10:00Z"] + dana)
        try cli.ok(["session", "close", "--at", "2026-09-22T10:00:00Z"] + dana)
        try cli.ok(["session", "void", "s4", "--reason", "that was omar"] + dana)
    }

    @Test func csvCommitmentsCarryTheLatestWordAndTheDaemonsDates() throws {
        try withDaemon { cli, sandbox in
            try Self.correctedHistory(cli)
            let expected = [
                "commitment,salesperson,session,kind,text,goal,due,made_at,outcome,reviewed_at,note,status",
                "c1,dana,s1,more,Call five lapsed customers,g1,2026-09-14,2026-09-07T09:10:00Z,kept,2026-09-14T09:05:00Z,\"Called all five, at last\",reviewed",
                "c2,dana,s1,better,Prepare every call,,2026-09-11,2026-09-07T09:12:00Z,,,,withdrawn",
                "c3,dana,s1,different,\"Ask for \"\"warm\"\" referrals\",,2026-09-14,2026-09-07T09:14:00Z,,,,open",
                // Reviewed and made without a time in a session begun days before: at the session's time, as the daemon says.
                "c4,dana,s2,more,Book two demos a day,,2026-09-21,2026-09-14T09:10:00Z,kept,2026-09-21T09:00:00Z,,reviewed",
                "c5,dana,s3,different,Lead with questions,,2026-09-28,2026-09-21T09:00:00Z,,,,open",
                // In no view: as recorded, without the due date it was never given.
                "c6,dana,s4,better,Someone else's commitment,,,2026-09-22T09:10:00Z,,,,voided",
            ].map { $0 + "\r\n" }.joined()
            let printed = try cli.ok(["export", "--format", "csv"])
            #expect(printed.stdout == expected, "\(printed)")
            let file = sandbox.path("commitments.csv")
            let written = try cli.ok(["export", "--format", "csv", "--table", "commitments", file])
            #expect(written.stderr == "exported 6 commitments to \(file)\n", "\(written)")
            #expect(written.stdout.isEmpty)
            #expect((try? String(contentsOfFile: file, encoding: .utf8)) == expected)
            let again = try cli.run(["export", "--format", "csv", file])
            #expect(again.status == 2 && again.stderr.contains("already exists"), "\(again)")
        }
    }

    @Test func csvSessionsMarkTheVoidedOne() throws {
        try withDaemon { cli, _ in
            try Self.correctedHistory(cli)
            let expected = [
                "session,salesperson,coach,opened,closed,topics,voided",
                "s1,dana,lee,2026-09-07T09:00:00Z,2026-09-07T10:00:00Z,self-concept,",
                "s2,dana,lee,2026-09-14T09:00:00Z,2026-09-14T10:00:00Z,behavioral-reflection,",
                "s3,dana,lee,2026-09-21T09:00:00Z,2026-09-21T09:00:00Z,\"identity-role,personal-goals\",",
                "s4,dana,lee,2026-09-22T09:00:00Z,2026-09-22T10:00:00Z,,yes",
            ].map { $0 + "\r\n" }.joined()
            let printed = try cli.ok(["export", "--format", "csv", "--table", "sessions"])
            #expect(printed.stdout == expected, "\(printed)")
        }
    }

    @Test func csvNamesTheMergedPersonAndOptionsAreChecked() throws {
        try withDaemon { cli, _ in
            try cli.ok(["session", "open", "--salesperson", "maria", "--coach", "lee", "--id", "s-m", "--at", "2026-09-07T09:00:00Z"])
            try cli.ok(["session", "close", "--salesperson", "maria", "--at", "2026-09-07T10:00:00Z"])
            try cli.ok(
                ["session", "open", "--salesperson", "Maria", "--coach", "lee", "--id", "s-M", "--at", "2026-09-08T09:00:00Z", "--new-salesperson"])
            try cli.ok(["commit", "more", "Call back", "--salesperson", "Maria", "--id", "c-M", "--at", "2026-09-08T09:10:00Z"])
            try cli.ok(["session", "close", "--salesperson", "Maria", "--at", "2026-09-08T10:00:00Z"])
            try cli.ok(["merge", "Maria", "--into", "maria", "--at", "2026-09-08T11:00:00Z"])
            let commitments = try cli.ok(["export", "--format", "csv"]).stdout.components(separatedBy: "\r\n")
            #expect(commitments.dropFirst().first == "c-M,maria,s-M,more,Call back,,2026-09-15,2026-09-08T09:10:00Z,,,,open", "\(commitments)")
            let sessions = try cli.ok(["export", "--format", "csv", "--table", "sessions"]).stdout.components(separatedBy: "\r\n")
            #expect(sessions.dropFirst().map { $0.split(separator: ",").prefix(2).joined(separator: ",") } == ["s-m,maria", "s-M,maria", ""], "\(sessions)")

            for (args, message) in [
                (["export", "--table", "sessions"], "--table goes with --format csv"), (["export", "--format", "xml"], "--format"),
                (["export", "--format", "csv", "--table", "goals"], "--table"),
            ] {
                let result = try cli.run(args)
                #expect(result.status == 2 && result.stderr.contains(message), "\(args): \(result)")
            }
        }
    }
}

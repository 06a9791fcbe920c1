import CoachLogJSON
import Foundation
import Testing

/// The guardrails as a person meets them at the command line: a name that looks like an existing one is
/// confirmed (a flag, or a question on a terminal) before a new person is recorded; kinds and outcomes are read
/// whatever their case and when shortened, and the full word recorded is echoed.
@Suite struct GuardrailTests {
    static let openMaria = ["session", "open", "--salesperson", "Maria", "--coach", "lee", "--id", "s-M", "--at", "2026-09-08T09:00:00Z"]

    static func maria(_ cli: CLI) throws {
        try cli.ok(["session", "open", "--salesperson", "maria", "--coach", "lee", "--id", "s-m", "--at", "2026-09-07T09:00:00Z"])
        try cli.ok(["session", "close", "--salesperson", "maria", "--at", "2026-09-07T10:00:00Z"])
    }

    static func events(_ cli: CLI) throws -> Int64? {
        parseJSON(try cli.ok(["stats", "--json"]))?["events"]?.integerValue
    }

    @Test func aLookAlikeNameIsRefusedWithTheFlagToConfirmIt() throws {
        try withDaemon { cli, _ in
            try Self.maria(cli)
            let refused = try cli.run(Self.openMaria)
            #expect(refused.status == 1, "\(refused)")
            #expect(refused.stderr.contains("did you mean \"maria\"?") && refused.stderr.contains("[salesperson.similar]"), "\(refused)")
            #expect(refused.stderr.contains("if Maria is a new salesperson, run it again with --new-salesperson"), "\(refused)")
            #expect(!refused.stderr.contains("[y/N]"), "no question without a terminal: \(refused)")
            #expect(refused.stdout.isEmpty)
            #expect(try Self.events(cli) == 2, "nothing recorded")

            let confirmed = try cli.ok(Self.openMaria + ["--new-salesperson"])
            #expect(confirmed.stdout == "opened session s-M for Maria with lee\n", "\(confirmed)")
            let json = try cli.ok(["log", "--salesperson", "Maria", "--json"])
            let event = try #require(try? JSONParser.parse(json.lines.first ?? ""), "\(json)")
            #expect(event["data"]?["newSalesperson"] == .bool(true), "\(event)")
            // Only a look-alike needs it: a new, different name does not, and the flag on a known name is harmless.
            try cli.ok(["session", "open", "--salesperson", "omar", "--coach", "kim", "--id", "s-o", "--at", "2026-09-08T09:00:00Z"])
            let plain = try cli.ok(["log", "--salesperson", "omar", "--json"])
            #expect((try? JSONParser.parse(plain.lines.first ?? ""))?["data"]?["newSalesperson"] == nil, "\(plain)")
        }
    }

    @Test func onATerminalTheCLIAsksAndRecordsOnYes() throws {
        try withDaemon { cli, _ in
            try Self.maria(cli)
            let yes = try cli.runWithTerminalInput(Self.openMaria, input: "y\n")
            #expect(yes.status == 0, "\(yes)")
            #expect(yes.stderr.contains("did you mean \"maria\"?"), "\(yes)")
            #expect(yes.stderr.contains("Maria is a new salesperson? [y/N] "), "\(yes)")
            #expect(yes.stdout == "opened session s-M for Maria with lee\n", "\(yes)")
            #expect(try Self.events(cli) == 3)
            let sessions = try #require(parseJSON(try cli.ok(["sessions", "Maria", "--json"])))
            #expect(sessions["sessions"]?.arrayValue?.count == 1)
        }
    }

    @Test(arguments: ["n\n", "\n", "maybe\n"])
    func onATerminalAnythingButYesRecordsNothing(_ answer: String) throws {
        try withDaemon { cli, _ in
            try Self.maria(cli)
            let no = try cli.runWithTerminalInput(Self.openMaria, input: answer)
            #expect(no.status == 1, "\(no)")
            #expect(no.stderr.contains("Maria is a new salesperson? [y/N] "), "\(no)")
            #expect(no.stderr.contains("nothing recorded"), "\(no)")
            #expect(no.stdout.isEmpty, "\(no)")
            #expect(try Self.events(cli) == 2)
        }
    }

    @Test func kindsAndOutcomesInAnyCaseAndShortened() throws {
        try withDaemon { cli, _ in
            let dana = ["--salesperson", "dana"]
            try cli.ok(["session", "open", "--coach", "lee", "--id", "s1", "--at", "2026-09-07T09:00:00Z"] + dana)
            let kinds: [(typed: String, id: String, recorded: String)] = [
                ("More", "c1", "more"), ("B", "c2", "better"), ("diff", "c3", "different"), ("BETTER", "c4", "better"), (" m ", "c5", "more"),
            ]
            for (typed, id, recorded) in kinds {
                let made = try cli.ok(["commit", typed, "Call back", "--id", id, "--due", "2026-09-14", "--at", "2026-09-07T09:10:00Z"] + dana)
                #expect(made.stdout == "commitment \(id) (\(recorded)) due 2026-09-14 recorded for dana\n", "\(typed): \(made)")
            }
            try cli.ok(["session", "close", "--at", "2026-09-07T10:00:00Z"] + dana)
            try cli.ok(["session", "open", "--coach", "lee", "--id", "s2", "--at", "2026-09-14T09:00:00Z"] + dana)
            let outcomes: [(typed: String, id: String, recorded: String)] = [
                ("Kept", "c1", "kept"), ("K", "c2", "kept"), ("part", "c3", "partial"), ("MISSED", "c4", "missed"),
            ]
            for (typed, id, recorded) in outcomes {
                let reviewed = try cli.ok(["review", id, typed, "--at", "2026-09-14T09:05:00Z"] + dana)
                #expect(reviewed.stdout == "commitment \(id) reviewed: \(recorded)\n", "\(typed): \(reviewed)")
            }
            // What was sent is the full word.
            let log = try cli.ok(["log", "--json"])
            let sent = log.lines.compactMap { try? JSONParser.parse($0) }
            #expect(sent.filter { $0["type"] == "CommitmentMade" }.map { $0["data"]?["kind"] } == ["more", "better", "different", "better", "more"])
            #expect(sent.filter { $0["type"] == "CommitmentReviewed" }.map { $0["data"]?["outcome"] } == ["kept", "kept", "partial", "missed"])

            // Unknown or empty: a usage error listing the choices, and nothing sent.
            let wrong: [[String]] = [
                ["commit", "x", "Call back"], ["commit", "", "Call back"], ["commit", "mor e", "Call back"], ["review", "c5", "kep t"],
                ["review", "c5", ""], ["review", "c5", "keptt"], ["commitment", "amend", "c5", "--kind", "z"],
            ]
            for args in wrong {
                let result = try cli.run(args + dana)
                #expect(result.status == 2, "\(args): \(result)")
                let choices = args[0] == "review" ? "kept, partial or missed" : "more, better or different"
                #expect(result.stderr.contains(choices), "\(args): \(result)")
            }
            #expect(try Self.events(cli) == 12)
        }
    }
}

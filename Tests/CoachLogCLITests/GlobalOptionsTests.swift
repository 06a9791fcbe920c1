import CoachLogJSON
import Testing

/// `--socket PATH` and `--json` before or after the command. $COACHLOG_SOCKET points where nothing listens, so a
/// command reaches the daemon only if its `--socket` was honoured.
@Suite struct GlobalOptionsTests {
    @Test func socketAndJSONBeforeOrAfterTheCommand() throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        let daemon = try sandbox.startDaemon()
        let s = daemon.socket
        let cli = sandbox.client(socket: sandbox.path("nobody.sock"))

        let opened = try cli.run(
            ["--socket", s, "session", "open", "--salesperson", "dana", "--coach", "lee", "--id", "s1", "--at", "2026-09-07T09:00:00Z"])
        #expect(opened.status == 0 && opened.stdout == "opened session s1 for dana with lee\n", "\(opened)")
        // Only options before the command move: after `--`, `--json` and `--socket` are the insight's words.
        let words = "--json and --socket are words here"
        let noted = try cli.run(
            ["--socket=\(s)", "insight", "self-concept", "--salesperson", "dana", "--at", "2026-09-07T09:10:00Z", "--", words])
        #expect(noted.status == 0, "\(noted)")
        try daemon.ok(["commit", "more", "Call five", "--id", "c1", "--at", "2026-09-07T09:20:00Z", "--salesperson", "dana"])

        let forms: [(reference: [String], variants: [[String]])] = [
            (
                ["followthrough", "--as-of", "2026-09-30", "--json"],
                [
                    ["--socket", s, "followthrough", "--as-of", "2026-09-30", "--json"],
                    ["followthrough", "--socket", s, "--as-of", "2026-09-30", "--json"],
                    ["--json", "--socket", s, "followthrough", "--as-of", "2026-09-30"],
                    ["--socket=\(s)", "--json", "followthrough", "--as-of=2026-09-30"],
                ]
            ),
            (
                ["open", "--as-of", "2026-09-30", "--json"],
                [
                    ["--json", "--socket", s, "open", "--as-of", "2026-09-30"],
                    ["--json", "open", "--socket", s, "--as-of", "2026-09-30"],
                    ["open", "--as-of", "2026-09-30", "--json", "--socket", s],
                ]
            ),
            (["open", "--as-of", "2026-09-30"], [["--socket", s, "open", "--as-of", "2026-09-30"]]),
            (["topics", "dana", "--as-of", "2026-09-30", "--json"], [["--json", "--socket", s, "topics", "dana", "--as-of", "2026-09-30"]]),
            (["log", "--json"], [["--socket", s, "--json", "log"], ["log", "--socket", s, "--json"]]),
        ]
        for (reference, variants) in forms {
            let expected = try daemon.ok(reference)
            #expect(!expected.stdout.isEmpty)
            for args in variants {
                let result = try cli.run(args)
                #expect(result.status == 0 && result.stdout == expected.stdout, "coachlog \(args.joined(separator: " ")): \(result)")
            }
        }
        let commitments = try #require(parseJSON(try daemon.ok(["open", "--as-of", "2026-09-30", "--json"])))
        #expect(commitments["commitments"]?.arrayValue?.first?["commitmentId"] == "c1")
        let log = try daemon.ok(["log", "--json"])
        #expect(log.stdout.contains("\"text\":\"\(words)\""), "\(log)")

        // A repeated --socket: the last one written wins, as anywhere else on the command line.
        let missing = sandbox.path("nobody.sock")
        let lastGood = try cli.run(["--socket", missing, "ping", "--socket", s])
        #expect(lastGood.status == 0, "\(lastGood)")
        let lastMissing = try cli.run(["--socket", s, "ping", "--socket", missing])
        #expect(lastMissing.status == 3 && lastMissing.stderr.contains("cannot reach coachlogd at \(missing)"), "\(lastMissing)")
        let before = try cli.run(["--socket", missing, "ping"])
        #expect(before.status == 3 && before.stderr.contains("cannot reach coachlogd at \(missing)"), "\(before)")
    }

    @Test func helpIsTheSameWhereverTheOptionsAre() throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        let s = sandbox.path("none.sock")
        let cli = sandbox.client(socket: s)

        let root = try cli.run(["--help"])
        #expect(root.status == 0, "\(root)")
        #expect(root.stdout.contains("USAGE: coachlog [--socket <PATH>] [--json] <subcommand>"), "\(root)")
        #expect(root.stdout.contains("may come before or after the command"), "\(root)")
        #expect(try cli.run(["--socket", s, "--help"]).stdout == root.stdout)

        let followthrough = try cli.run(["help", "followthrough"])
        #expect(followthrough.status == 0 && followthrough.stdout.contains("USAGE: coachlog followthrough "), "\(followthrough)")
        for args in [
            ["followthrough", "--help"], ["--socket", s, "followthrough", "--help"], ["--json", "followthrough", "-h"],
            ["--socket", s, "--json", "help", "followthrough"],
        ] {
            let result = try cli.run(args)
            #expect(result.status == 0 && result.stdout == followthrough.stdout, "coachlog \(args.joined(separator: " ")): \(result)")
        }
        let sessionOpen = try cli.run(["help", "session", "open"])
        let before = try cli.run(["--socket", s, "session", "open", "--help"])
        #expect(before.status == 0 && before.stdout == sessionOpen.stdout && before.stdout.contains("USAGE: coachlog session open"), "\(before)")
    }

    @Test func usageErrorsStillExitTwo() throws {
        try withDaemon { cli, _ in
            let s = cli.socket
            let cases: [([String], String)] = [
                (["--json", "ping"], "Unknown option '--json'"),
                (["--json", "session", "open", "--salesperson", "dana", "--coach", "lee"], "Unknown option '--json'"),
                (["--socket", s, "followthrough", "--bogus"], "Unknown option '--bogus'"),
                (["followthrough", "--socket", s, "--bogus"], "Unknown option '--bogus'"),
                (["--bogus", "followthrough"], "Unknown option '--bogus'"),
                (["--socket", s, "frobnicate"], "Unexpected argument 'frobnicate'"),
                (["--socket", s, "followthrough", "--weeks"], "Missing value for '--weeks <weeks>'"),
                (["--socket", s], "Unknown option '--socket'"),
                (["--json"], "Unknown option '--json'"),
                (["--socket"], "Unknown option '--socket'"),
            ]
            for (args, message) in cases {
                let result = try cli.run(args)
                #expect(result.status == 2, "coachlog \(args.joined(separator: " ")): \(result)")
                #expect(result.stderr.contains(message), "coachlog \(args.joined(separator: " ")): \(result)")
                #expect(result.stdout.isEmpty, "coachlog \(args.joined(separator: " ")): \(result)")
            }
            // The refused `session open` recorded nothing.
            #expect(try cli.ok(["log"]).stdout == "no events\n")
        }
    }
}

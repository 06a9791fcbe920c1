import CoachLogJSON
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Each exit code from a real situation: 0 ok, 1 refused by the daemon, 2 usage, 3 cannot connect.
@Suite struct ExitCodeTests {
    /// A week with one commitment, and the next session open.
    static func twoSessions(_ cli: CLI) throws {
        let dana = ["--salesperson", "dana"]
        try cli.ok(["session", "open", "--coach", "lee", "--id", "s1", "--at", "2026-09-07T09:00:00Z"] + dana)
        try cli.ok(["commit", "more", "Call five lapsed customers", "--id", "c1", "--at", "2026-09-07T09:10:00Z"] + dana)
        try cli.ok(["session", "close", "--at", "2026-09-07T10:00:00Z"] + dana)
        try cli.ok(["session", "open", "--coach", "lee", "--id", "s2", "--at", "2026-09-14T09:00:00Z"] + dana)
    }

    @Test func refusedByTheDaemonExitsOneWithTheRule() throws {
        try withDaemon { cli, _ in
            try Self.twoSessions(cli)
            let dana = ["--salesperson", "dana"]
            let first = try cli.run(["review", "c1", "kept", "--at", "2026-09-14T09:05:00Z"] + dana)
            #expect(first.status == 0, "\(first)")

            let twice = try cli.run(["review", "c1", "missed", "--at", "2026-09-14T09:06:00Z"] + dana)
            #expect(twice.status == 1, "\(twice)")
            #expect(twice.stdout.isEmpty, "\(twice)")
            #expect(twice.stderr.hasPrefix("coachlog: commitment \"c1\" has already been reviewed"), "\(twice)")
            let lines = twice.stderr.split(separator: "\n")
            #expect(lines.count == 2 && lines[0].hasSuffix(" [commitment.reviewedOnce]"), "\(twice)")
            // The daemon names the step in protocol terms; the CLI adds its own command for it.
            #expect(lines.last == "coachlog: to change a review: coachlog review correct COMMITMENT OUTCOME --salesperson NAME [--note TEXT]")

            // Reviewing in the session the commitment was made in.
            try cli.ok(["commit", "better", "Prepare every call", "--id", "c2", "--at", "2026-09-14T09:10:00Z"] + dana)
            let same = try cli.run(["review", "c2", "kept"] + dana)
            #expect(same.status == 1 && same.stderr.contains("review it in a later session [review.laterSession]"), "\(same)")

            // Recording into a closed session.
            let closed = try cli.run(["goal", "Lead a team", "--session", "s1"] + dana)
            #expect(closed.status == 1, "\(closed)")
            #expect(closed.stderr == "coachlog: session \"s1\" is closed; a closed session stays closed [session.closed]\n", "\(closed)")

            // A duplicate id, and a goal that does not exist.
            let duplicate = try cli.run(["commit", "more", "Again", "--id", "c1", "--due", "2026-09-21"] + dana)
            #expect(duplicate.status == 1 && duplicate.stderr.contains("[id.unique]"), "\(duplicate)")
            let noGoal = try cli.run(["commit", "more", "For a goal", "--goal", "g-none"] + dana)
            #expect(noGoal.status == 1 && noGoal.stderr.contains("goal \"g-none\" does not exist"), "\(noGoal)")

            // Nothing refused was written: one review only, kept.
            let r = try #require(parseJSON(try cli.ok(["followthrough", "--salesperson", "dana", "--as-of", "2026-09-30", "--json"])))
            expectTally(r, Tally(kept: 1, partial: 0, missed: 0), "after refusals")
            let open = try #require(parseJSON(try cli.ok(["open", "--salesperson", "dana", "--as-of", "2026-09-30", "--json"])))
            #expect(open["commitments"]?.arrayValue?.compactMap { $0["commitmentId"]?.stringValue } == ["c2"])
        }
    }

    @Test func closingWithoutAnOpenSessionExitsOne() throws {
        try withDaemon { cli, _ in
            try Self.twoSessions(cli)
            try cli.ok(["session", "close", "--salesperson", "dana", "--at", "2026-09-14T10:00:00Z"])
            let again = try cli.run(["session", "close", "--salesperson", "dana"])
            #expect(again.status == 1, "\(again)")
            #expect(again.stderr.contains("dana has no open session"), "\(again)")
            #expect(again.stderr.contains("coachlog session open --salesperson dana --coach NAME"), "\(again)")

            let stranger = try cli.run(["session", "close", "--salesperson", "zoe"])
            #expect(stranger.status == 1, "\(stranger)")
            #expect(stranger.stderr.contains("zoe"), "\(stranger)")

            let commit = try cli.run(["commit", "more", "Anything", "--salesperson", "dana"])
            #expect(commit.status == 1 && commit.stderr.contains("dana has no open session"), "\(commit)")
        }
    }

    @Test func usageErrorsExitTwo() throws {
        try withDaemon { cli, _ in
            try Self.twoSessions(cli)
            let cases: [([String], String)] = [
                (["followthrough", "--bogus"], "--bogus"),
                (["commit", "sometimes", "Call back", "--salesperson", "dana"], "the kind must be more, better or different, not \"sometimes\""),
                (["review", "c1", "maybe", "--salesperson", "dana"], "the outcome must be kept, partial or missed"),
                (["session", "open", "--salesperson", "dana"], "--coach"),
                (["session", "open", "--salesperson", "dana", "--coach", "lee", "--topics", "weather"], "unknown topic \"weather\""),
                (["insight", "mood", "Tired", "--salesperson", "dana"], "unknown topic \"mood\""),
                (["followthrough", "--salesperson", "dana", "--coach", "lee"], "not both"),
                (["followthrough", "--weeks", "four"], "--weeks"),
                (["frobnicate"], "frobnicate"),
            ]
            for (args, message) in cases {
                let result = try cli.run(args)
                #expect(result.status == 2, "coachlog \(args.joined(separator: " ")): \(result)")
                #expect(result.stderr.contains(message), "coachlog \(args.joined(separator: " ")): \(result)")
                #expect(result.stdout.isEmpty, "coachlog \(args.joined(separator: " ")): \(result)")
            }
            // Nothing was recorded by the refused command lines.
            let sessions = try #require(parseJSON(try cli.ok(["sessions", "dana", "--json"])))
            #expect(sessions["sessions"]?.arrayValue?.count == 2)
        }
    }

    @Test func cannotConnectExitsThreeAndSaysHowToStart() throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        let missing = sandbox.path("nobody.sock")
        let stalePath = sandbox.path("stale.sock")
        let fd = try staleSocket(stalePath)
        defer { close(fd) }
        let data = sandbox.path("data")
        for path in [missing, stalePath] {
            let cli = sandbox.client(socket: path)
            for args in [["ping"], ["followthrough", "--salesperson", "dana"], ["session", "open", "--salesperson", "dana", "--coach", "lee"]] {
                let result = try cli.run(args, env: ["COACHLOG_DATA": data])
                #expect(result.status == 3, "coachlog \(args.joined(separator: " ")) at \(path): \(result)")
                #expect(result.stderr.contains("cannot reach coachlogd at \(path)"), "\(result)")
                // The hint names the data folder the daemon would use, and says there is no store in it yet.
                #expect(result.stderr.contains("coachlogd --socket \(path) --data \(data)\n"), "\(result)")
                #expect(result.stderr.contains("scripts/serve --socket \(path) --data \(data)\n"), "\(result)")
                #expect(result.stderr.contains("default data folder, \(data) (it holds no store yet"), "\(result)")
                #expect(result.stdout.isEmpty, "\(result)")
            }
        }
        // A folder holding a store is said to hold one.
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: data + "/coachlog.mdb", contents: Data())
        let withStore = try sandbox.client(socket: missing).run(["ping"], env: ["COACHLOG_DATA": data])
        #expect(withStore.status == 3 && withStore.stderr.contains("default data folder, \(data) (it holds a store):"), "\(withStore)")
        // --socket wins over $COACHLOG_SOCKET, in both directions.
        let good = try sandbox.startDaemon()
        let viaFlag = try sandbox.client(socket: missing).run(["ping", "--socket", good.socket])
        #expect(viaFlag.status == 0 && viaFlag.stdout.contains("coachlogd"), "\(viaFlag)")
        let badFlag = try good.run(["ping", "--socket", missing])
        #expect(badFlag.status == 3 && badFlag.stderr.contains(missing), "\(badFlag)")
    }
}

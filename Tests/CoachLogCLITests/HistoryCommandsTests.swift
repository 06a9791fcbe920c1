import CoachLogJSON
import CoachLogTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `log`, `tail`, `backup`, `stats` and `ping` through the real binary.
@Suite struct HistoryCommandsTests {
    @Test func logListsTheHistoryOldestFirst() throws {
        try withDaemon { cli, _ in
            try Scenario.record(cli)
            let all = try cli.ok(["log"])
            #expect(all.lines.first?.hasPrefix(" #  at") == true || all.lines.first?.contains("salesperson") == true, "\(all)")
            #expect(all.lines.count == Scenario.eventCount + 1, "\(all)")
            #expect(all.lines[1].contains("SessionOpened"))
            let dana = try cli.ok(["log", "--salesperson", "dana", "--limit", "3"])
            #expect(dana.lines.count == 4, "\(dana)")
            #expect(dana.lines.dropFirst().allSatisfy { $0.contains("dana") })
            // --json: the events after 40, one envelope per line.
            let json = try cli.ok(["log", "--json", "--after", "40"])
            #expect(json.lines.count == Scenario.eventCount - 40, "\(json)")
            let event = try #require(try? JSONParser.parse(Array((json.lines.first ?? "").utf8)), "\(json)")
            #expect(event["position"]?.integerValue == Int64(Scenario.eventCount))
        }
    }

    @Test func tailPrintsNewEventsAsTheyHappen() throws {
        try withDaemon { cli, sandbox in
            try Scenario.record(cli)
            let outPath = sandbox.path("tail.out")
            _ = FileManager.default.createFile(atPath: outPath, contents: nil)
            let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Binaries.coachlog)
            process.arguments = ["tail", "--json"]
            process.environment = childEnvironment(["COACHLOG_SOCKET": cli.socket, "NO_COLOR": "1"])
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            defer {
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                _ = waitForExit(process, timeout: 5)
                try? out.close()
            }
            // Give tail time to subscribe, then record something new.
            let deadline = Date().addingTimeInterval(10)
            var seen = ""
            var appended = false
            while Date() < deadline {
                if !appended {
                    usleep(300_000)
                    try cli.ok(["session", "open", "--salesperson", "lin", "--coach", "kim", "--id", "s-lin-1"])
                    appended = true
                }
                seen = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
                if seen.contains("s-lin-1") { break }
                usleep(50_000)
            }
            let lines = seen.split(separator: "\n")
            #expect(lines.count == 1, "tail printed history or nothing: \(seen)")
            let event = try #require(try? JSONParser.parse(Array((lines.first ?? "").utf8)))
            #expect(event["type"]?.stringValue == "SessionOpened")
            #expect(event["position"]?.integerValue == Int64(Scenario.eventCount + 1))
        }
    }

    @Test func backupStatsAndPing() throws {
        try withDaemon { cli, sandbox in
            try Scenario.record(cli)
            let target = sandbox.path("copy.mdb")
            let backup = try cli.ok(["backup", target])
            #expect(backup.stdout.contains("backup written to \(target)"), "\(backup)")
            #expect(backup.stdout.contains("through position \(Scenario.eventCount)"), "\(backup)")
            #expect(FileManager.default.fileExists(atPath: target))
            let again = try cli.run(["backup", target])
            #expect(again.status == 1, "\(again)")
            #expect(again.stderr.contains("choose a new path"), "\(again)")
            let stats = try #require(try? JSONParser.parse(Array(try cli.ok(["stats", "--json"]).stdout.utf8)))
            #expect(stats["position"]?.integerValue == Int64(Scenario.eventCount))
            #expect(stats["salespeople"]?.integerValue == 2)
            let ping = try cli.ok(["ping"])
            #expect(ping.stdout.hasPrefix("coachlogd 0.1.0 (protocol 1) at \(cli.socket): "), "\(ping)")
        }
    }
}

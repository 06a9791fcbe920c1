import CoachLogJSON
import Foundation
import Testing

/// `coachlog export` from one daemon, `coachlog import` into a second, fresh one.
@Suite struct ExportImportTests {
    /// Every projection command, with fixed `--as-of` where time matters.
    static let projections: [[String]] = [
        ["followthrough", "--as-of", "2026-10-05"],
        ["followthrough", "--salesperson", "dana", "--weeks", "4", "--as-of", "2026-10-05"],
        ["followthrough", "--coach", "kim", "--weeks", "2", "--as-of", "2026-10-05"],
        ["followthrough", "--coach", "lee", "--as-of", "2026-09-21"],
        ["open", "--as-of", "2026-10-05"],
        ["open", "--overdue", "--as-of", "2026-10-05"],
        ["open", "--salesperson", "dana", "--as-of", "2026-09-12"],
        ["cadence", "--as-of", "2026-10-05"],
        ["cadence", "--coach", "lee", "--as-of", "2026-09-15"],
        ["topics", "dana", "--as-of", "2026-10-05"],
        ["topics", "omar", "--as-of", "2026-10-05"],
        ["goals", "dana"],
        ["goals", "omar"],
        ["sessions", "dana"],
        ["sessions", "omar"],
    ]

    @Test func exportThenImportGivesIdenticalProjections() throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        let first = try sandbox.startDaemon("a")
        try Scenario.record(first)
        // One event without an explicit time: the import must keep its original time.
        try first.ok(["session", "open", "--salesperson", "pat", "--coach", "lee", "--id", "s-p1"])

        let file = sandbox.path("coaching.jsonl")
        let exported = try first.ok(["export", file])
        let total = Scenario.eventCount + 1
        #expect(exported.stderr == "exported \(total) events to \(file)\n", "\(exported)")
        #expect(exported.stdout.isEmpty)
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == total)
        let firstEvent = try #require(lines.first.flatMap { try? JSONParser.parse(String($0)) })
        #expect(firstEvent["type"] == "SessionOpened" && firstEvent["position"]?.integerValue == 1)
        #expect(firstEvent["eventId"]?.stringValue?.isEmpty == false)

        // Exporting onto an existing file is refused, and the file is left alone.
        let again = try first.run(["export", file])
        #expect(again.status == 2 && again.stderr.contains("already exists"), "\(again)")
        #expect(try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").count == total)

        let second = try sandbox.startDaemon("b")
        let imported = try second.ok(["import", file])
        #expect(imported.stdout == "imported \(total) events from \(file); 0 were already present\n", "\(imported)")

        for args in Self.projections + [["sessions", "pat"], ["cadence", "--salesperson", "pat", "--as-of", "2030-01-01"]] {
            let a = try first.ok(args + ["--json"])
            let b = try second.ok(args + ["--json"])
            #expect(parseJSON(a) != nil)
            #expect(a.stdout == b.stdout, "coachlog \(args.joined(separator: " ")) --json differs after import:\n\(a.stdout)\n\(b.stdout)")
            // The human-readable output is the same too.
            let textA = try first.ok(args)
            let textB = try second.ok(args)
            #expect(textA.stdout == textB.stdout, "coachlog \(args.joined(separator: " ")) differs after import")
        }

        let twice = try second.ok(["import", file])
        #expect(twice.stdout == "imported 0 events from \(file); \(total) were already present\n", "\(twice)")
        let stats = try #require(parseJSON(try second.ok(["stats", "--json"])))
        #expect(stats["events"]?.integerValue == Int64(total), "the second import wrote nothing")
        // Importing into the daemon the export came from is also a no-op.
        let back = try first.ok(["import", file])
        #expect(back.stdout == "imported 0 events from \(file); \(total) were already present\n", "\(back)")
    }

    @Test func importRejectsAFileThatIsNotAnExport() throws {
        try withDaemon { cli, sandbox in
            let file = sandbox.path("notes.txt")
            try "{\"type\":\"SessionOpened\"}\n".write(toFile: file, atomically: true, encoding: .utf8)
            let result = try cli.run(["import", file])
            #expect(result.status == 2, "\(result)")
            #expect(result.stderr.contains("\(file):1 is not an exported event"), "\(result)")
            let missing = try cli.run(["import", sandbox.path("nothing.jsonl")])
            #expect(missing.status == 2 && missing.stderr.contains("cannot read"), "\(missing)")
        }
    }
}

import CoachLogJSON
import CoachLogTestSupport
import Foundation
import Testing

/// The benchmark is never a timed test; this only proves that every workload
/// still runs end to end (a few thousand events), so it cannot rot.
@Suite struct BenchmarkSmokeTests {
    static let folder = URL(fileURLWithPath: Binaries.folder)

    @Test func everyWorkloadRunsAndReportsFigures() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("bench-smoke-\(getpid()).json")
        defer { try? FileManager.default.removeItem(at: output) }
        let process = Process()
        process.executableURL = Self.folder.appendingPathComponent("coachlog-bench")
        process.arguments = ["--smoke", "--connections", "1,4", "--output", output.path]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)

        let report = try JSONParser.parse(Array(try Data(contentsOf: output)))
        let results = try #require(report["results"]?.arrayValue)
        let workloads = Set(results.compactMap { $0["workload"]?.stringValue })
        #expect(workloads.isSuperset(of: ["A", "B", "C", "D", "E", "F", "G", "H", "P"]))
        for row in results {
            let figures = try #require(row["figures"])
            #expect(figures["errors"]?.integerValue ?? 0 == 0, "\(row["name"]?.stringValue ?? "") reported errors")
            if let rate = figures["perSecond"] { #expect((rate.doubleValue ?? 0) > 0) }
        }
        let rebuild = results.first { $0["workload"]?.stringValue == "D" }?["figures"]
        #expect((rebuild?["events"]?.integerValue ?? 0) >= 4000)
        let backup = results.first { $0["workload"]?.stringValue == "G" }?["figures"]
        #expect((backup?["bytes"]?.integerValue ?? 0) > 0)
        #expect((backup?["position"]?.integerValue ?? 0) >= 4000)
        // The probe runs with A, and A(1) is reported as a ratio to it.
        let probe = results.first { $0["workload"]?.stringValue == "P" && $0["name"]?.stringValue == "bare LMDB: one put per synced commit" }
        #expect((probe?["figures"]?["perSecond"]?.doubleValue ?? 0) > 0)
        let a1 = results.first { $0["name"]?.stringValue == "durable appends, 1 connection" }?["figures"]
        #expect((a1?["ofProbe"]?.doubleValue ?? 0) > 0)
        // --smoke leaves the Redis peer out unless asked for.
        #expect(!results.contains { $0["name"]?.stringValue?.hasPrefix("Redis") == true })
        // Cold start, plain and after kill -9 mid-load: both reach a first hello and a first answered query.
        let starts = results.filter { $0["workload"]?.stringValue == "E" }.compactMap { $0["figures"] }
        #expect(starts.count == 2)
        for start in starts {
            let hello = start["seconds"]?.doubleValue ?? 0
            #expect(hello > 0 && (start["firstQuerySeconds"]?.doubleValue ?? 0) >= hello)
        }
        let queries = Set(results.filter { $0["workload"]?.stringValue == "C" }.compactMap { $0["name"]?.stringValue })
        for name in [
            "cadence, whole organisation", "openCommitments, one coach", "team, one coach", "team, whole organisation",
            "team, whole organisation, trendWeeks 12",
        ] {
            #expect(queries.contains("query \(name), 16 connections"))
        }
        // H: the ceiling (the overview's queries straight to coachlogd), then each page through a real
        // coachlog-dashboard, answered 200 with a body; the overview's two pages as ratios to the ceiling.
        let dashboard = results.filter { $0["workload"]?.stringValue == "H" }
        #expect(dashboard.count == 6)
        for row in dashboard {
            let figures = row["figures"]
            #expect((figures?["operations"]?.integerValue ?? 0) > 0 && (figures?["bytes"]?.integerValue ?? 0) > 0)
            for key in ["p50us", "p90us", "p99us", "maxUs"] { #expect(figures?[key]?.doubleValue != nil, "H lacks \(key)") }
        }
        let ratios = dashboard.compactMap { $0["figures"]?["p99OverDaemonP99"]?.doubleValue }
        #expect(ratios.count == 2 && ratios.allSatisfy { $0 > 0 })
        // The summary follows issue 11's table, then the dashboard's target; each figure this run measured has a
        // value and a verdict.
        let summary = try #require(report["summary"]?.arrayValue)
        #expect(summary.first?["figure"]?.stringValue?.contains("Redis") == true)
        #expect(summary.dropLast().last?["figure"]?.stringValue?.contains("RssAnon") == true)
        #expect(summary.last?["figure"]?.stringValue?.contains("GET /") == true)
        for line in summary {
            let figure = line["figure"]?.stringValue ?? ""
            if line["met"]?.boolValue == nil {
                // Left out here: the peer (not asked for) and 256 ÷ 64 (no 256 connections in this run).
                #expect(figure.contains("Redis") || figure.contains("256"), "\(figure) was not measured")
            } else {
                #expect(line["value"]?.doubleValue != nil, "\(figure) has a verdict but no value")
            }
        }
        // G's appends continue the organisation after the loaded weeks: each one must keep the rules
        // (reviews of commitments that exist, one open session per salesperson, no time ahead of the clock).
        #expect(backup?["appendErrors"]?.integerValue == 0, "G's appends were refused: \(String(describing: backup))")
    }
}

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
        #expect(workloads.isSuperset(of: ["A", "B", "C", "D", "E", "F", "G"]))
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
        // G's appends continue the organisation after the loaded weeks: each one must keep the rules
        // (reviews of commitments that exist, one open session per salesperson, no time ahead of the clock).
        #expect(backup?["appendErrors"]?.integerValue == 0, "G's appends were refused: \(String(describing: backup))")
    }
}

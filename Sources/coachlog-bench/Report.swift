import CoachLogJSON
import Foundation

/// The figures of one run, printed as a table and written as JSON.
struct Report {
    struct Row {
        var workload: String
        var name: String
        var figures: JSONValue
    }

    var rows: [Row] = []
    let machine = Report.describeMachine()

    mutating func add(_ workload: String, _ name: String, _ figures: JSONValue) {
        rows.append(Row(workload: workload, name: name, figures: figures))
    }

    func print() {
        Swift.print("coachlog-bench on \(machine)")
        for row in rows {
            let f = row.figures
            var parts: [String] = []
            if let v = f["perSecond"]?.doubleValue { parts.append(String(format: "%.0f/s", v)) }
            if let v = f["p50us"]?.doubleValue, let p99 = f["p99us"]?.doubleValue, let p999 = f["p999us"]?.doubleValue {
                var latencies = String(format: "p50 %.0f µs", v)
                if let p90 = f["p90us"]?.doubleValue { latencies += String(format: "  p90 %.0f µs", p90) }
                latencies += String(format: "  p99 %.0f µs  p99.9 %.0f µs", p99, p999)
                if let max = f["maxUs"]?.doubleValue { latencies += String(format: "  max %.0f µs", max) }
                parts.append(latencies)
            }
            if let v = f["p99OverDaemonP99"]?.doubleValue { parts.append(String(format: "p99 ÷ coachlogd's p99 = %.2f", v)) }
            if let v = f["ofFsyncRate"]?.doubleValue { parts.append(String(format: "%.2f × fsync rate", v)) }
            if let v = f["appends64OverCeiling"]?.doubleValue { parts.append(String(format: "A(64) ÷ B = %.2f", v)) }
            if let v = f["ofProbe"]?.doubleValue { parts.append(String(format: "A(1) ÷ probe = %.2f", v)) }
            if let v = f["of64Connections"]?.doubleValue { parts.append(String(format: "÷ A(64) = %.2f", v)) }
            if let v = f["appends64OverRedis"]?.doubleValue { parts.append(String(format: "A(64) ÷ Redis = %.2f", v)) }
            if let v = f["notRun"]?.stringValue { parts.append("not run: \(v)") }
            if let v = f["firstQuerySeconds"]?.doubleValue { parts.append(String(format: "first query answered at %.3f s", v)) }
            if let v = f["eventsPerSecond"]?.doubleValue { parts.append(String(format: "%.0f events/s", v)) }
            if let v = f["ofCeiling"]?.doubleValue { parts.append(String(format: "÷ ceiling = %.2f", v)) }
            if let v = f["firstRowSeconds"]?.doubleValue { parts.append(String(format: "first row at %.2f s", v)) }
            if let p50 = f["lagP50ms"]?.doubleValue, let p99 = f["lagP99ms"]?.doubleValue, let max = f["lagMaxMs"]?.doubleValue {
                parts.append(String(format: "lag p50 %.0f ms  p99 %.0f ms  max %.0f ms", p50, p99, max))
            }
            if let v = f["catchUpSeconds"]?.doubleValue { parts.append(String(format: "caught up %.3f s after the appends", v)) }
            if let v = f["ofWithoutExporter"]?.doubleValue { parts.append(String(format: "÷ appends without pgsync = %.2f", v)) }
            if let v = f["seconds"]?.doubleValue, f["perSecond"] == nil { parts.append(String(format: "%.3f s", v)) }
            if let v = f["maxMiB"]?.doubleValue { parts.append(String(format: "peak RSS %.1f MiB", v)) }
            if let v = f["anonymousMaxMiB"]?.doubleValue { parts.append(String(format: "of which heap (RssAnon) %.1f MiB", v)) }
            if let v = f["bytes"]?.integerValue { parts.append("\(v) bytes") }
            if let v = f["appendsPerSecondMeanwhile"]?.doubleValue { parts.append(String(format: "%.0f appends/s meanwhile", v)) }
            if let v = f["errors"]?.integerValue, v > 0 { parts.append("\(v) ERRORS") }
            let label = "\(row.workload) \(row.name)"
            Swift.print(label.padding(toLength: 62, withPad: " ", startingAt: 0) + parts.joined(separator: "  "))
        }
    }

    func json(summary: JSONValue, parameters: [String: JSONValue]) -> JSONValue {
        [
            "machine": .string(machine), "parameters": .object(parameters), "summary": summary,
            "results": .array(rows.map { ["workload": .string($0.workload), "name": .string($0.name), "figures": $0.figures] }),
        ]
    }

    static func describeMachine() -> String {
        let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?.split(separator: "\n")
            .first { $0.hasPrefix("model name") }?.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
        return "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(cpu)"
    }
}

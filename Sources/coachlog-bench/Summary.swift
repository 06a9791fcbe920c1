import CoachLogJSON
import Foundation

/// Issue 11's table of targets, filled from one run's rows, in the issue's
/// order, then the dashboard's (its overview's p99). A figure whose workload
/// did not run (or whose peer is missing) is shown as not measured, never as met.
struct Summary {
    struct Line {
        var figure: String
        var measured: String
        var target: String
        /// nil: not measured in this run.
        var met: Bool?
        /// What the target compares: a ratio to the peer or probe, a rate, seconds, MiB or (a p99) milliseconds.
        var value: Double?

        var json: JSONValue {
            [
                "figure": .string(figure), "measured": .string(measured), "target": .string(target),
                "met": met.map(JSONValue.bool) ?? .null, "value": value.map(JSONValue.double) ?? .null,
            ]
        }
    }

    var lines: [Line] = []

    init(_ report: Report) {
        func row(_ workload: String, _ name: String) -> JSONValue? {
            report.rows.first { $0.workload == workload && $0.name == name }?.figures
        }
        let a1 = row("A", "durable appends, 1 connection")
        let a64 = row("A", "durable appends, 64 connections")
        let a256 = row("A", "durable appends, 256 connections")
        let redis = row("P", "Redis Streams XADD, 64 connections, appendfsync always")
        let probe = row("P", "bare LMDB: one put per synced commit")

        // Appends as ratios to the peer and the probe.
        ratioLine(
            "durable one-event appends, 64 connections ÷ Redis Streams XADD (appendfsync always, 64 clients)",
            a64, "A(64)", redis, "Redis", at: 1.0, missing: redis?["notRun"]?.stringValue)
        ratioLine("durable one-event appends, 1 connection ÷ bare LMDB one put per synced commit", a1, "A(1)", probe, "probe", at: 0.9)
        ratioLine("appends at 256 connections ÷ 64 connections (no collapse)", a256, "A(256)", a64, "A(64)", at: 1.0)

        // Queries, 16 connections.
        func query(_ name: String, _ figure: String, atLeast target: Double, p99Below: Double? = nil) {
            let f = row("C", "query \(name), 16 connections")
            guard let rate = f?["perSecond"]?.doubleValue else {
                lines.append(Line(figure: figure, measured: "not run", target: Self.rate(target), met: nil, value: nil))
                return
            }
            let p99 = f?["p99us"]?.doubleValue ?? 0
            var met = rate >= target
            var targetText = "≥ " + Self.rate(target)
            if let p99Below {
                met = met && p99 < p99Below
                targetText += String(format: ", p99 < %.0f ms", p99Below / 1000)
            }
            lines.append(Line(
                figure: figure,
                measured: "\(Self.rate(rate)) (p50 \(Self.micros(f?["p50us"])), p99 \(Self.micros(f?["p99us"])), p99.9 \(Self.micros(f?["p999us"])))",
                target: targetText, met: met, value: rate))
        }
        query("followThrough, whole organisation", "followThrough, whole organisation, 16 connections", atLeast: 10_000, p99Below: 2000)
        query("followThrough, one coach", "followThrough, one coach, with weeks and asOf", atLeast: 15_000)
        query("followThrough, one salesperson", "followThrough, one salesperson", atLeast: 30_000)
        query("openCommitments, one salesperson", "openCommitments, one salesperson", atLeast: 30_000)
        query("cadence, whole organisation", "cadence, whole organisation", atLeast: 5000)
        query("openCommitments, one coach", "openCommitments, one coach", atLeast: 5000)
        query("team, one coach", "team (per-salesperson breakdown), one coach", atLeast: 5000)
        query("team, whole organisation", "team (per-salesperson breakdown), whole organisation", atLeast: 200)
        // The dashboard's page: the whole organisation with a 12-week trend, on every load.
        query(
            "team, whole organisation, trendWeeks 12", "team, whole organisation, 12-week trend (dashboard page)",
            atLeast: 200, p99Below: 100_000)

        let rebuild = row("D", "projection rebuild")?["eventsPerSecond"]?.doubleValue
        lines.append(Line(
            figure: "projection rebuild", measured: rebuild.map { Self.rate($0, unit: " events/s") } ?? "not run",
            target: "≥ 500,000 events/s", met: rebuild.map { $0 >= 500_000 }, value: rebuild))

        for (name, label) in [("cold start", "cold start"), ("cold start after kill -9 during appends", "cold start after kill -9 mid-load")] {
            let f = row("E", name)
            let hello = f?["seconds"]?.doubleValue
            let caughtUp = f?["firstQuerySeconds"]?.doubleValue
            lines.append(Line(
                figure: "\(label), to first hello", measured: hello.map { String(format: "%.3f s", $0) } ?? "not run",
                target: "< 1 s", met: hello.map { $0 < 1 }, value: hello))
            lines.append(Line(
                figure: "\(label), to projections caught up (first query answered)",
                measured: caughtUp.map { String(format: "%.3f s", $0) } ?? "not run", target: "< 2 s", met: caughtUp.map { $0 < 2 },
                value: caughtUp))
        }

        let heap = row("F", "peak resident memory of the daemon")?["anonymousMaxMiB"]?.doubleValue
        lines.append(Line(
            figure: "daemon heap (RssAnon) under load", measured: heap.map { String(format: "%.1f MiB", $0) } ?? "not run",
            target: "< 100 MiB", met: heap.map { $0 < 100 }, value: heap))

        // The dashboard's target (after issue 11's): its overview page for the whole organisation.
        let overview = row("H", "GET / (overview, whole organisation, HTML)")
        let target = BenchCommand.overviewP99TargetMs
        let p99 = overview?["p99us"]?.doubleValue.map { $0 / 1000 }
        var measured = "not run"
        if let overview, let p99 {
            measured = String(format: "p99 %.2f ms", p99) + " (p50 \(Self.micros(overview["p50us"])), p90 \(Self.micros(overview["p90us"])), "
                + "\(Self.rate(overview["perSecond"]?.doubleValue ?? 0)), \(overview["bytes"]?.integerValue ?? 0) bytes; "
                + "÷ coachlogd's own p99 \(Self.micros(overview["daemonP99us"])) for the same queries pipelined = "
                + String(format: "%.2f×)", overview["p99OverDaemonP99"]?.doubleValue ?? 0)
        }
        lines.append(Line(
            figure: "dashboard team overview, whole organisation (GET /), p99", measured: measured,
            target: String(format: "p99 < %.0f ms", target), met: p99.map { $0 < target }, value: p99))

        // coachlog-pgsync's targets (issue 14), only when workload I ran.
        if let backlog = row("I", BenchCommand.pgsyncBacklogRow), let rate = backlog["eventsPerSecond"]?.doubleValue {
            let events = backlog["events"]?.integerValue ?? 0
            lines.append(Line(
                figure: "coachlog-pgsync backlog load (\(Self.rate(Double(events), unit: "")) events, from its start to caught up)",
                measured: "\(Self.rate(rate, unit: " events/s")) in " + String(format: "%.1f s", backlog["seconds"]?.doubleValue ?? 0)
                    + "; ÷ PostgreSQL's own INSERT … SELECT \(Self.rate(backlog["ceilingEventsPerSecond"]?.doubleValue ?? 0, unit: " events/s")) = "
                    + String(format: "%.2f×", backlog["ofCeiling"]?.doubleValue ?? 0),
                target: "≥ \(Self.rate(BenchCommand.pgsyncBacklogTarget, unit: " events/s"))", met: rate >= BenchCommand.pgsyncBacklogTarget,
                value: rate))
        }
        if let live = row("I", BenchCommand.pgsyncLiveRow), let p99 = live["lagP99ms"]?.doubleValue {
            let target = BenchCommand.pgsyncLagP99TargetMs
            lines.append(Line(
                figure: "coachlog-pgsync lag behind 64 appending connections, p99",
                measured: String(format: "p99 %.0f ms (p50 %.0f ms, max %.0f ms; ", p99, live["lagP50ms"]?.doubleValue ?? 0, live["lagMaxMs"]?.doubleValue ?? 0)
                    + "\(Self.rate(live["perSecond"]?.doubleValue ?? 0, unit: " appends/s")), "
                    + String(format: "%.2f× the rate without pgsync; caught up %.3f s after)", live["ofWithoutExporter"]?.doubleValue ?? 0, live["catchUpSeconds"]?.doubleValue ?? 0),
                target: String(format: "p99 < %.0f ms", target), met: p99 < target, value: p99))
        }
    }

    private mutating func ratioLine(
        _ figure: String, _ numerator: JSONValue?, _ numeratorName: String, _ denominator: JSONValue?, _ denominatorName: String,
        at target: Double, missing: String? = nil
    ) {
        let n = numerator?["perSecond"]?.doubleValue
        let d = denominator?["perSecond"]?.doubleValue
        let targetText = String(format: "≥ %.1f×", target)
        guard let n, let d, d > 0 else {
            var parts: [String] = []
            parts.append(n.map { "\(numeratorName) \(Self.rate($0))" } ?? "\(numeratorName) not measured")
            parts.append(d.map { "\(denominatorName) \(Self.rate($0))" } ?? "\(denominatorName) not measured" + (missing.map { " (\($0))" } ?? ""))
            lines.append(Line(figure: figure, measured: parts.joined(separator: "; "), target: targetText, met: nil, value: nil))
            return
        }
        let ratio = n / d
        lines.append(Line(
            figure: figure,
            measured: "\(numeratorName) \(Self.rate(n)) ÷ \(denominatorName) \(Self.rate(d)) = " + String(format: "%.2f×", ratio),
            target: targetText, met: ratio >= target, value: ratio))
    }

    static func rate(_ v: Double, unit: String = "/s") -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.maximumFractionDigits = 0
        return (formatter.string(from: NSNumber(value: v.rounded())) ?? String(format: "%.0f", v)) + unit
    }

    static func micros(_ v: JSONValue?) -> String {
        guard let us = v?.doubleValue else { return "?" }
        return us >= 1000 ? String(format: "%.2f ms", us / 1000) : String(format: "%.0f µs", us)
    }

    func print() {
        // A Markdown table, ready for BENCHMARKS.md.
        let pgsync = lines.contains { $0.figure.hasPrefix("coachlog-pgsync") }
        Swift.print("\nIssue 11's targets and the dashboard's\(pgsync ? ", then coachlog-pgsync's (issue 14)" : ""), this run:\n")
        let width = min(100, lines.map(\.figure.count).max() ?? 0)
        Swift.print("| " + "figure".padding(toLength: width, withPad: " ", startingAt: 0) + " | measured | target | |")
        Swift.print("| --- | --- | --- | --- |")
        for line in lines {
            let verdict = line.met.map { $0 ? "met" : "**missed**" } ?? "not measured"
            Swift.print("| " + line.figure.padding(toLength: width, withPad: " ", startingAt: 0) + " | \(line.measured) | \(line.target) | \(verdict) |")
        }
    }

    var json: JSONValue { .array(lines.map(\.json)) }
}

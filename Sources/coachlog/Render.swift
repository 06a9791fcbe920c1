import CoachLogProtocol

#if canImport(Glibc)
import Glibc
#endif

/// Terminal output: aligned tables, percentages, a small trend chart, and
/// colour only on a terminal when NO_COLOR is not set. Every colour follows a
/// field the daemon sends (`health`, `status`, `overdue`, `open`); nothing
/// here decides what is good or late.
enum Render {
    static let colour: Bool = isatty(STDOUT_FILENO) == 1 && getenv("NO_COLOR") == nil

    static func paint(_ text: String, _ code: String) -> String {
        colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
    static func red(_ t: String) -> String { paint(t, "31") }
    static func green(_ t: String) -> String { paint(t, "32") }
    static func yellow(_ t: String) -> String { paint(t, "33") }
    static func bold(_ t: String) -> String { paint(t, "1") }
    static func dim(_ t: String) -> String { paint(t, "2") }

    /// "67%" for 0.6666…, "–" for null.
    static func percent(_ value: Double?) -> String {
        guard let value else { return "–" }
        return "\(Int((value * 100).rounded()))%"
    }

    /// A tally's say-do rate, coloured by the health the daemon gave it.
    static func rate(_ tally: Tally) -> String {
        let text = percent(tally.rate)
        switch tally.health {
        case .good?: return green(text)
        case .fair?: return yellow(text)
        case .poor?: return red(text)
        case nil: return text
        }
    }

    /// A change of rate (current − previous, from the daemon) in whole points: "▲ +33 pts", "▼ -5 pts", "= same".
    static func trend(_ change: Double?) -> String {
        guard let change else { return "" }
        let points = Int((change * 100).rounded())
        return points > 0 ? green("▲ +\(points) pts") : points < 0 ? red("▼ \(points) pts") : "= same"
    }

    /// A result's `asOf` as echoed by the daemon: a date as given; a time as "2026-11-26 22:52 UTC".
    static func asOf(_ text: String) -> String {
        guard Day(iso8601: text) == nil, let instant = Timestamp(iso8601: text) else { return text }
        return time(instant)
    }

    /// An instant as "2026-11-26 22:52 UTC".
    static func time(_ t: Timestamp) -> String {
        let chars = Array(t.iso8601)
        guard chars.count >= 16 else { return t.iso8601 }
        return String(chars[0..<10]) + " " + String(chars[11..<16]) + " UTC"
    }

    /// A value that may be absent, as "–" when it is.
    static func text(_ value: (some CustomStringConvertible)?) -> String {
        value.map(\.description) ?? "–"
    }

    /// The visible width of a string, ignoring colour codes.
    static func width(_ s: String) -> Int {
        var count = 0
        var inEscape = false
        for scalar in s.unicodeScalars {
            if scalar == "\u{1B}" { inEscape = true; continue }
            if inEscape { if scalar == "m" { inEscape = false }; continue }
            count += 1
        }
        return count
    }

    /// Left-aligned text columns, right-aligned number columns.
    static func table(_ header: [String], _ rows: [[String]], numeric: Set<Int> = []) -> String {
        let all = [header] + rows
        var widths = Array(repeating: 0, count: header.count)
        for row in all { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], width(cell)) } }
        func line(_ row: [String], heading: Bool) -> String {
            var parts: [String] = []
            for (i, cell) in row.enumerated() {
                let padding = String(repeating: " ", count: max(0, widths[i] - width(cell)))
                let styled = heading ? bold(cell) : cell
                parts.append(numeric.contains(i) ? padding + styled : styled + padding)
            }
            var text = parts.joined(separator: "  ")
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }
        return ([line(header, heading: true)] + rows.map { line($0, heading: false) }).joined(separator: "\n")
    }

    /// One bar per week, ▁ to █ by rate; · for a week with nothing reviewed.
    static func sparkline(_ rates: [Double?]) -> String {
        let bars = Array("▁▂▃▄▅▆▇█")
        return String(rates.map { rate in
            guard let rate else { return "·" }
            return bars[min(bars.count - 1, Int((rate * Double(bars.count - 1)).rounded()))]
        })
    }
}

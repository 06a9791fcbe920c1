import CoachLogJSON

#if canImport(Glibc)
import Glibc
#endif

/// Terminal output: aligned tables, percentages, a small trend chart, and
/// colour only on a terminal when NO_COLOR is not set.
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
    static func percent(_ value: JSONValue?) -> String {
        guard let v = value?.doubleValue else { return "–" }
        return "\(Int((v * 100).rounded()))%"
    }

    /// A rate coloured by how healthy it is.
    static func rate(_ value: JSONValue?) -> String {
        let text = percent(value)
        guard let v = value?.doubleValue else { return text }
        return v >= 0.7 ? green(text) : v < 0.4 ? red(text) : yellow(text)
    }

    /// "2026-11-26" for a date; "2026-11-26 22:52 UTC" for a timestamp.
    static func asOf(_ value: JSONValue?) -> String {
        guard let text = value?.stringValue, text.count > 10 else { return text(value) }
        return time(value)
    }

    /// An ISO 8601 UTC timestamp as "2026-11-26 22:52 UTC".
    static func time(_ value: JSONValue?) -> String {
        guard let t = value?.stringValue, t.count >= 16, t.hasSuffix("Z") else { return text(value) }
        let chars = Array(t)
        return String(chars[0..<10]) + " " + String(chars[11..<16]) + " UTC"
    }

    static func int(_ value: JSONValue?) -> String {
        value?.integerValue.map(String.init) ?? "–"
    }

    static func text(_ value: JSONValue?) -> String {
        switch value {
        case .string(let s)?: return s
        case .integer(let i)?: return String(i)
        case .double(let d)?: return String(d)
        case .bool(let b)?: return b ? "yes" : "no"
        default: return "–"
        }
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

import CoachLogJSON
import Foundation
import Testing

/// Parses a `--json` output with CoachLogJSON's parser; records an issue and returns nil if it is not JSON.
func parseJSON(_ result: CLIResult, sourceLocation: SourceLocation = #_sourceLocation) -> JSONValue? {
    do {
        return try JSONParser.parse(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    } catch {
        Issue.record("not JSON (\(error)): \(result)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Expects a JSON number close to `expected` (exact integers, fractions to 1e-12), or null for nil.
func expectNumber(
    _ value: JSONValue?, _ expected: Double?, _ what: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    guard let expected else {
        #expect(value == .null, "\(what) should be null, is \(String(describing: value))", sourceLocation: sourceLocation)
        return
    }
    guard let actual = value?.doubleValue else {
        Issue.record("\(what) should be \(expected), is \(String(describing: value))", sourceLocation: sourceLocation)
        return
    }
    #expect(abs(actual - expected) < 1e-12, "\(what): \(actual) ≠ \(expected)", sourceLocation: sourceLocation)
}

/// The counts and rates of a follow-through tally.
struct Tally {
    var kept: Int64
    var partial: Int64
    var missed: Int64
    var reviewed: Int64 { kept + partial + missed }
    var rate: Double? { reviewed == 0 ? nil : Double(kept) / Double(reviewed) }
    var weighted: Double? { reviewed == 0 ? nil : (Double(kept) + 0.5 * Double(partial)) / Double(reviewed) }
}

/// Expects `value` (a follow-through result, a `previous`, a `byKind` entry or a week) to carry `tally`.
func expectTally(_ value: JSONValue?, _ tally: Tally, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(value?["reviewed"]?.integerValue == tally.reviewed, "\(what).reviewed", sourceLocation: sourceLocation)
    #expect(value?["kept"]?.integerValue == tally.kept, "\(what).kept", sourceLocation: sourceLocation)
    #expect(value?["partial"]?.integerValue == tally.partial, "\(what).partial", sourceLocation: sourceLocation)
    #expect(value?["missed"]?.integerValue == tally.missed, "\(what).missed", sourceLocation: sourceLocation)
    expectNumber(value?["rate"], tally.rate, "\(what).rate", sourceLocation: sourceLocation)
    expectNumber(value?["weightedRate"], tally.weighted, "\(what).weightedRate", sourceLocation: sourceLocation)
}

/// Checks a table printed by the CLI: a header line holding `header` in order, immediately followed by
/// exactly `rows`. Text columns must start where their header starts; numeric columns (right-aligned)
/// must end where their header ends. That checks every value and that every row is aligned.
func expectTable(
    _ lines: [String], header: [String], rows: [[String]], numeric: Set<Int> = [],
    sourceLocation: SourceLocation = #_sourceLocation
) {
    guard let headerIndex = lines.firstIndex(where: { line in
        var rest = Substring(line)
        for name in header {
            guard let r = rest.range(of: name) else { return false }
            rest = rest[r.upperBound...]
        }
        return true
    }) else {
        Issue.record("no header line \(header) in:\n\(lines.joined(separator: "\n"))", sourceLocation: sourceLocation)
        return
    }
    let head = Array(lines[headerIndex])
    // Column spans taken from the header.
    var spans: [(start: Int, end: Int)] = []
    var from = 0
    for name in header {
        let chars = Array(name)
        var start = from
        while start + chars.count <= head.count, Array(head[start..<(start + chars.count)]) != chars { start += 1 }
        spans.append((start, start + chars.count))
        from = start + chars.count
    }
    #expect(spans.first?.start == 0, "the table is not at the left margin: \(lines[headerIndex])", sourceLocation: sourceLocation)
    let body = Array(lines[(headerIndex + 1)...].prefix(rows.count))
    #expect(body.count == rows.count, "expected \(rows.count) rows after the header, found \(body.count)", sourceLocation: sourceLocation)
    for (line, expected) in zip(body, rows) {
        let chars = Array(line)
        #expect(!line.hasSuffix(" "), "trailing spaces in row: \"\(line)\"", sourceLocation: sourceLocation)
        for (column, cell) in expected.enumerated() where column < spans.count {
            let cellChars = Array(cell)
            let start = numeric.contains(column) ? spans[column].end - cellChars.count : spans[column].start
            let end = start + cellChars.count
            let found = start >= 0 && end <= chars.count && Array(chars[start..<end]) == cellChars
            let separated = (start == 0 || (start > 0 && start <= chars.count && chars[start - 1] == " "))
                && (end >= chars.count || chars[end] == " ")
            #expect(
                found && separated,
                "column \"\(header[column])\" should show \"\(cell)\" at \(start)..<\(end):\n\(lines[headerIndex])\n\(line)",
                sourceLocation: sourceLocation)
        }
    }
    if headerIndex + 1 + rows.count < lines.count {
        let next = lines[headerIndex + 1 + rows.count]
        #expect(next.isEmpty || next.hasPrefix("  "), "unexpected extra row: \"\(next)\"", sourceLocation: sourceLocation)
    }
}

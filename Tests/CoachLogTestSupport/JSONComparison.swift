import CoachLogJSON

/// JSON values compared with numbers by value: the writer prints the double 2.0 as `2`,
/// which reads back as the integer 2 (see JSONWriterTests), so a round trip (or the
/// daemon echoing a request id) keeps the number but not necessarily its case.
public func sameJSON(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case (.integer(let x), .integer(let y)): return x == y
    case (.double(let x), .double(let y)): return x == y
    case (.integer(let i), .double(let d)), (.double(let d), .integer(let i)):
        return d.rounded() == d && abs(d) < 9.2e18 && Int64(d) == i
    case (.array(let x), .array(let y)):
        return x.count == y.count && zip(x, y).allSatisfy { sameJSON($0, $1) }
    case (.object(let x), .object(let y)):
        return x.count == y.count && x.allSatisfy { key, value in y[key].map { sameJSON(value, $0) } ?? false }
    default: return a == b
    }
}

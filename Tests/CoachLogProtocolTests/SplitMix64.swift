import CoachLogJSON

/// SplitMix64: a tiny, seeded, portable PRNG (no Foundation randomness), so a
/// failing input can be replayed from its seed and index.
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }
    mutating func percent(_ p: Int) -> Bool { below(100) < p }
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }
}

/// JSON numbers compared by value: the writer prints the double 2.0 as `2`,
/// which reads back as the integer 2 (see JSONWriterTests), so a round trip
/// keeps the number but not necessarily its case.
func sameJSON(_ a: JSONValue, _ b: JSONValue) -> Bool {
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

/// Hex of the first bytes of an input, for failure messages.
func preview(_ bytes: [UInt8], limit: Int = 160) -> String {
    let shown = bytes.prefix(limit).map { b -> String in
        (0x20..<0x7F).contains(b) && b != UInt8(ascii: "\\") ? String(UnicodeScalar(b)) : "\\x" + String(b, radix: 16)
    }.joined()
    return bytes.count > limit ? shown + "…(\(bytes.count) bytes)" : shown
}

import CoachLogJSON
import CoachLogProtocol
import CoachLogTestSupport

/// Seeded generators of request lines: valid ones written with random but
/// legal spelling, structurally wrong ones, mutations, and pathological ones.
struct RequestInputs {
    var rng: SplitMix64

    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    static let scalars: [Unicode.Scalar] = [
        "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{0}", "\u{1F}", "\u{7F}", "é", "€", "\u{2028}",
        "😀", "𝄞", "\u{FFFF}", "\u{10FFFF}", "{", "}", ":", ",",
    ]
    static let ops = Operation.allCases.map(\.rawValue) + ["", "HELLO", "fly", "hello ", "appendx", "stat\u{0}s"]
    static let keys = [
        "id", "op", "events", "after", "limit", "salesperson", "coach", "projection", "types", "path", "client",
        "expectedVersion", "weeks", "asOf", "", "\u{0}", "é",
    ]
    /// Number spellings that stress range and precision.
    static let hugeNumbers = [
        "1e999", "-1e999", "1E400", "99999999999999999999999", "-99999999999999999999999", "9223372036854775808",
        "-9223372036854775809", "9223372036854775807", "1e-999", "4.9e-325", "1.7976931348623157e308",
        "1.7976931348623159e308", String(repeating: "9", count: 64), String(repeating: "9", count: 65),
        "0." + String(repeating: "0", count: 70) + "1", "-0", "-0.0", "0e0", "1.5e+308",
    ]
    /// Bytes that break UTF-8 or JSON framing.
    static let poison: [[UInt8]] = [
        [0x00], [0x01], [0x1F], [0x7F], [0x0D], [0x09], [0x80], [0xBF], [0xC0, 0xAF], [0xC3], [0xE2, 0x82],
        [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF5], [0xFE], [0xFF], [0xEF, 0xBB, 0xBF],
        Array(#"\u"#.utf8), Array(#"\uD800"#.utf8), Array(#"\uDC00"#.utf8), Array(#"\x"#.utf8), Array("\"".utf8),
    ]

    mutating func string(maxLength: Int = 10) -> String {
        var s = String.UnicodeScalarView()
        for _ in 0..<rng.below(maxLength + 1) { s.append(rng.pick(Self.scalars)) }
        return String(s)
    }

    mutating func value(depth: Int = 0) -> JSONValue {
        switch rng.below(depth >= 3 ? 5 : 7) {
        case 0: return .null
        case 1: return .bool(rng.percent(50))
        case 2: return .integer(Int64(bitPattern: rng.next()) >> rng.below(64))
        case 3:
            var d = Double(bitPattern: rng.next())
            while !d.isFinite { d = Double(bitPattern: rng.next()) }
            return rng.percent(30) ? .double(Double(rng.below(2000)) / 8) : .double(d)
        case 4: return .string(string())
        case 5: return .array((0..<rng.below(4)).map { _ in value(depth: depth + 1) })
        default:
            var o: [String: JSONValue] = [:]
            for _ in 0..<rng.below(4) { o[rng.percent(50) ? rng.pick(Self.keys) : string()] = value(depth: depth + 1) }
            return .object(o)
        }
    }

    /// A request object that decodes: valid id (or none), a known op, any other fields.
    mutating func validRequest() -> [String: JSONValue] {
        var o: [String: JSONValue] = [:]
        for _ in 0..<rng.below(4) { o[rng.pick(Self.keys)] = value(depth: 1) }
        switch rng.below(5) {
        case 0: o["id"] = .integer(Int64(rng.below(1_000_000)))
        case 1: o["id"] = .string(string())
        case 2: o["id"] = .double(Double(rng.below(1000)) / 4)
        case 3: o["id"] = .null
        default: o.removeValue(forKey: "id")
        }
        o["op"] = .string(rng.pick(Operation.allCases).rawValue)
        return o
    }

    /// A request object with wrong types for id/op, a missing op, or an unknown op.
    mutating func wrongRequest() -> [String: JSONValue] {
        var o = validRequest()
        let wrong: [JSONValue] = [.bool(true), .array([1]), .object(["op": "hello"]), .null, .integer(7), .double(1.5)]
        switch rng.below(4) {
        case 0: o["id"] = rng.pick(Array(wrong.prefix(3)))
        case 1: o["op"] = rng.pick(wrong)
        case 2: o.removeValue(forKey: "op")
        default: o["op"] = .string(rng.pick(Self.ops))
        }
        return o
    }

    /// What `Request.decode` must give for an object built here: the request, or the error code.
    static func expected(_ object: [String: JSONValue]) -> Result<Request, ErrorCodeBox> {
        var fields = object
        let id = fields.removeValue(forKey: "id") ?? .null
        switch id {
        case .string, .integer, .double, .null: break
        default: return .failure(ErrorCodeBox(code: .badRequest))
        }
        guard case .string(let name)? = fields.removeValue(forKey: "op") else { return .failure(ErrorCodeBox(code: .badRequest)) }
        guard let op = Operation(rawValue: name) else { return .failure(ErrorCodeBox(code: .unknownOp)) }
        return .success(Request(id: id, op: op, fields: fields))
    }

    struct ErrorCodeBox: Error, Equatable { var code: ErrorCode }

    // MARK: Writing with random legal spelling

    mutating func space(_ out: inout [UInt8]) {
        guard rng.percent(15) else { return }
        for _ in 0..<rng.below(3) + 1 { out.append(rng.pick([0x20, 0x09, 0x0D, 0x20])) }
    }

    /// Legal JSON for `value` with random whitespace, escapes and number spellings (no raw `\n`).
    mutating func write(_ value: JSONValue, into out: inout [UInt8]) {
        space(&out)
        switch value {
        case .integer(let i) where abs(i) < 1_000_000_000_000 && rng.percent(20):
            // (Not "00e-1": a leading zero is not JSON.)
            out += Array(rng.pick(["\(i).0", "\(i)e0", "\(i)E+0", i == 0 ? "0.0e5" : "\(i)0e-1"]).utf8)
        case .string(let s): writeString(s, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (n, item) in items.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                write(item, into: &out)
            }
            space(&out)
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            var keys = Array(members.keys)
            for n in keys.indices.reversed() { keys.swapAt(n, rng.below(n + 1)) }
            for (n, key) in keys.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                space(&out)
                writeString(key, into: &out)
                space(&out)
                out.append(UInt8(ascii: ":"))
                write(members[key]!, into: &out)
            }
            space(&out)
            out.append(UInt8(ascii: "}"))
        default: out += JSONWriter.bytes(value)
        }
        space(&out)
    }

    mutating func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for scalar in s.unicodeScalars {
            let v = scalar.value
            if v < 0x20 || v == 0x22 || v == 0x5C || rng.percent(10) {
                if v == 0x22 || v == 0x5C, rng.percent(50) {
                    out += [0x5C, UInt8(v)]
                } else if v >= 0x10000 {
                    let u = v - 0x10000
                    out += Array((hex4(0xD800 + (u >> 10)) + hex4(0xDC00 + (u & 0x3FF))).utf8)
                } else {
                    out += Array(hex4(v).utf8)
                }
            } else if v == 0x2F, rng.percent(50) {
                out += Array(#"\/"#.utf8)
            } else {
                out += Array(String(scalar).utf8)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    func hex4(_ v: UInt32) -> String {
        let h = String(v, radix: 16, uppercase: v & 1 == 0)
        return "\\u" + String(repeating: "0", count: 4 - h.count) + h
    }
}

import CoachLogJSON
import CoachLogTestSupport
import Testing

@Suite struct JSONWriterTests {
    @Test("integers are written digit by digit, every sign and size")
    func integers() {
        let values: [Int64] = [0, 7, 9, 10, -1, -9, -10, 42, 1_000_000, -1_234_567_890_123, .max, .min, .max - 1, .min + 1]
        for value in values {
            #expect(JSONWriter.string(.integer(value)) == String(value))
        }
        #expect(JSONWriter.string(.double(-3)) == "-3")
        #expect(JSONWriter.string(["b": 10, "a": [-20, 0.5]]) == "{\"a\":[-20,0.5],\"b\":10}")
    }

    @Test func keysAreSortedByByteOrderAtEveryLevel() {
        let value: JSONValue = ["b": 1, "a": [true, nil, ["z": 1, "y": 2]], "C": "x", "aa": [:], "é": 0]
        #expect(JSONWriter.string(value) == #"{"C":"x","a":[true,null,{"y":2,"z":1}],"aa":{},"b":1,"é":0}"#)
    }

    @Test func controlCharactersQuotesAndNewlinesAreEscaped() {
        let value: JSONValue = .string("a\"b\\c\nd\re\tf\u{0}\u{1}\u{1F}\u{7F}é😀/ \u{2028}")
        let bytes = JSONWriter.bytes(value)
        #expect(JSONWriter.string(value) == "\"a\\\"b\\\\c\\nd\\re\\tf\\u0000\\u0001\\u001f\\u007fé😀/ \u{2028}\"")
        #expect(!bytes.contains(0x0A))
        #expect(!bytes.contains(0x0D))
        #expect(!bytes.contains { $0 < 0x20 })
        // Keys are escaped the same way.
        #expect(JSONWriter.string(["line\nbreak": "q\""]) == #"{"line\nbreak":"q\""}"#)
    }

    @Test func numbers() {
        #expect(JSONWriter.string(.integer(Int64.min)) == "-9223372036854775808")
        #expect(JSONWriter.string(.integer(42)) == "42")
        #expect(JSONWriter.string(.double(1.5)) == "1.5")
        #expect(JSONWriter.string(.double(0.1)) == "0.1")
        #expect(JSONWriter.string(.double(-0.0025)) == "-0.0025")
        // An integral double is written as an integer, so rates of 1.0 read as 1.
        #expect(JSONWriter.string(.double(2.0)) == "2")
        #expect(JSONWriter.string(.double(1e20)) == "1e+20")
        // Not a JSON number: written as null rather than as invalid JSON.
        #expect(JSONWriter.string(.double(.infinity)) == "null")
        #expect(JSONWriter.string(.double(.nan)) == "null")
    }

    @Test func writeAppendsAndStringMatchesBytes() {
        var out = Array("x".utf8)
        JSONWriter.write([1, "a"], into: &out)
        #expect(String(decoding: out, as: UTF8.self) == #"x[1,"a"]"#)
        let value: JSONValue = ["k": "v😀"]
        #expect(JSONWriter.string(value) == String(decoding: JSONWriter.bytes(value), as: UTF8.self))
    }

    static let samples: [JSONValue] = [
        .null, true, false, 0, .integer(Int64.max), .integer(Int64.min), 1.5, -0.0025, 0.1,
        .double(Double.greatestFiniteMagnitude), .double(Double.leastNonzeroMagnitude), 1e300, 123_456.789, -1e-7,
        .double(1e15), .double(-3.2e18), "", "plain", .string((0..<0x20).map { String(UnicodeScalar($0)!) }.joined()),
        "quote \" backslash \\ slash /", "é ☕ 😀 𝄞 \u{10FFFF}", .string("nul\u{0}inside"), [], [:],
        ["a": [1, 2.5, ["b": [nil, true]]], "c": "d\ne", "": [:]],
        [[[[[[[[[["deep"]]]]]]]]]],
    ]

    @Test(arguments: samples)
    func roundTrip(_ value: JSONValue) throws {
        let bytes = JSONWriter.bytes(value)
        #expect(!bytes.contains(0x0A))
        #expect(try JSONParser.parse(bytes) == value)
        // Writing is deterministic: the parsed copy writes the same bytes.
        #expect(JSONWriter.bytes(try JSONParser.parse(bytes)) == bytes)
    }

    @Test func integralDoublesComeBackAsIntegers() throws {
        // The writer cannot tell 2.0 from 2 on the wire; both read back as the integer, with the same value.
        let back = try JSONParser.parse(JSONWriter.bytes(.double(2.0)))
        #expect(back == .integer(2))
        #expect(back.doubleValue == 2.0)
    }

    @Test func randomValuesRoundTrip() throws {
        var rng = SplitMix64(seed: 0x5EED)
        for _ in 0..<500 {
            let value = rng.value(depth: 0)
            let bytes = JSONWriter.bytes(value)
            #expect(!bytes.contains(0x0A))
            #expect(try JSONParser.parse(bytes) == value, "\(JSONWriter.string(value))")
        }
    }
}

/// Random JSON values; every `below` bound here is at least 2, so each call draws.
extension SplitMix64 {
    static let scalars: [Unicode.Scalar] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{0}", "\u{1F}",
                                            "\u{7F}", "é", "€", "\u{2028}", "😀", "𝄞", "\u{FFFF}", "\u{10FFFF}"]

    mutating func string() -> String {
        var s = String.UnicodeScalarView()
        for _ in 0..<below(12) { s.append(Self.scalars[below(Self.scalars.count)]) }
        return String(s)
    }

    /// Any value the wire can carry; integral doubles below 1e15 are written as integers, so they are made integers.
    mutating func value(depth: Int) -> JSONValue {
        switch below(depth >= 4 ? 5 : 7) {
        case 0: return .null
        case 1: return .bool(below(2) == 0)
        case 2: return .integer(Int64(bitPattern: next()) >> below(64))
        case 3:
            var d = Double(bitPattern: next())
            while !d.isFinite { d = Double(bitPattern: next()) }
            if d.rounded() == d, abs(d) < 1e15 { return .integer(Int64(d)) }
            return .double(d)
        case 4: return .string(string())
        case 5: return .array((0..<below(5)).map { _ in value(depth: depth + 1) })
        default:
            var o: [String: JSONValue] = [:]
            for _ in 0..<below(5) { o[string()] = value(depth: depth + 1) }
            return .object(o)
        }
    }
}

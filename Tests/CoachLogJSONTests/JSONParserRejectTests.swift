import CoachLogJSON
import Testing

@Suite struct JSONParserRejectTests {
    static func rejects(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> JSONParseError? {
        #expect(throws: JSONParseError.self, "accepted \(bytes)", sourceLocation: sourceLocation) {
            try JSONParser.parse(bytes)
        }
    }

    static func rejects(_ text: String, maximumDepth: Int = JSONParser.defaultMaximumDepth,
                        sourceLocation: SourceLocation = #_sourceLocation) -> JSONParseError? {
        #expect(throws: JSONParseError.self, "accepted \(text.prefix(80))", sourceLocation: sourceLocation) {
            try JSONParser.parse(text, maximumDepth: maximumDepth)
        }
    }

    @Test(arguments: [
        [0x22, 0xFF, 0x22],  // never valid in UTF-8
        [0x22, 0xC0, 0xAF, 0x22],  // overlong "/"
        [0x22, 0xED, 0xA0, 0x80, 0x22],  // a UTF-16 surrogate encoded in UTF-8
        [0x22, 0xE2, 0x82, 0x22],  // truncated "€"
        [0x22, 0x80, 0x22],  // lone continuation byte
        [0x22, 0x5C, 0x6E, 0xFF, 0x22],  // after an escape ("\n" then 0xFF): the slow path
        [0x7B, 0x22, 0xF8, 0x22, 0x3A, 0x31, 0x7D],  // in a key
        [0xFF],  // outside any string
        [0xEF, 0xBB, 0xBF, 0x31],  // a byte-order mark is not JSON
    ] as [[UInt8]])
    func invalidUTF8(_ bytes: [UInt8]) {
        _ = Self.rejects(bytes)
    }

    @Test(arguments: [0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1F] as [UInt8])
    func unescapedControlCharacters(_ byte: UInt8) {
        let error = Self.rejects([0x22, 0x61, byte, 0x62, 0x22])
        #expect(error?.offset == 2)
        // And in the slow path, after an escape.
        _ = Self.rejects([0x22, 0x5C, 0x74, byte, 0x22])
    }

    @Test(arguments: ["{} x", "1 2", "[1]]", "nullx", "\"a\"\"b\"", "{}{}", "truee", "0x10", "01", "[1] ,"])
    func trailingGarbage(_ text: String) {
        _ = Self.rejects(text)
    }

    @Test func duplicateKeys() {
        let error = Self.rejects(#"{"a":1,"a":1}"#)
        #expect(error?.offset == 7)
        #expect(error?.reason.contains("duplicate") == true)
        _ = Self.rejects(#"{"a":1,"b":{"c":1,"c":2}}"#)
        // The same key spelled with an escape is the same key.
        _ = Self.rejects(#"{"a":1,"\u0061":2}"#)
    }

    @Test func nestingDeeperThanTheLimit() {
        let depth = JSONParser.defaultMaximumDepth + 1
        let error = Self.rejects(String(repeating: "[", count: depth) + String(repeating: "]", count: depth))
        #expect(error?.reason.contains("nesting") == true)
        _ = Self.rejects(String(repeating: "{\"a\":", count: depth - 1) + "{}" + String(repeating: "}", count: depth - 1))
        _ = Self.rejects("[[[[1]]]]", maximumDepth: 3)
        // Far deeper than any stack could take: refused, never a crash.
        _ = Self.rejects(String(repeating: "[", count: 200_000))
        _ = Self.rejects(String(repeating: "{\"a\":[", count: 100_000))
    }

    @Test(arguments: ["1e400", "-1e400", "[1e309]", "{\"n\":2e308}", "-1.8e308"])
    func numbersOutOfRange(_ text: String) {
        #expect(Self.rejects(text)?.reason == "number out of range")
    }

    /// A limit of the parser, not of JSON: a number over 64 characters is refused, whatever its value.
    @Test(arguments: [String(repeating: "9", count: 400), "0." + String(repeating: "1", count: 70)])
    func overlongNumbers(_ text: String) {
        #expect(Self.rejects(text)?.reason == "number has too many digits")
        #expect(throws: Never.self) { try JSONParser.parse("0." + String(repeating: "1", count: 62)) }
    }

    @Test(arguments: ["+1", ".5", "1.", "1e", "1e+", "-", "-a", "NaN", "Infinity", "-Infinity", "1.5e3.2"])
    func malformedNumbers(_ text: String) {
        _ = Self.rejects(text)
    }

    @Test(arguments: [#""\ud83d""#, #""\ude00""#, #""\ud83dx""#, #""\ud83d\u0041""#, #""\ud83d\ud83d""#,
                      #""\ud83d\n""#, #""\ude00\ud83d""#])
    func loneSurrogates(_ text: String) {
        _ = Self.rejects(text)
    }

    @Test(arguments: ["", "  ", "{", "[", "{\"a\"", "{\"a\":", "{\"a\":1", "{\"a\":1,", "[1,", "[1", "\"abc", "tru",
                      "fals", "nul", #""\u12"#, #""\"#, "\"\\u", "-"])
    func truncatedInput(_ text: String) {
        _ = Self.rejects(text)
    }

    @Test(arguments: ["'a'", "[1,]", "{\"a\":1,}", "{a:1}", "// c\n1", "[1 2]", "{\"a\" 1}", #""\x41""#, #""\U0041""#,
                      "{1:2}", "[,1]", "\u{FEFF}1"])
    func otherSyntaxErrors(_ text: String) {
        _ = Self.rejects(text)
    }

    @Test func errorsSayWhereAndWhy() {
        let error = Self.rejects("[1, 2, x]")
        #expect(error?.offset == 7)
        #expect(error?.description == "invalid JSON at byte 7: unexpected character")
        #expect(Self.rejects("1e400")?.reason == "number out of range")
    }
}

import CoachLogJSON
import Testing

@Suite struct JSONParserAcceptTests {
    @Test func nestedDocument() throws {
        let text = " \t\r\n{\"a\": [1, {\"b\": null, \"c\": [true, false]}], \"d\": {}, \"e\": [], \"f\": \"x\"}\n"
        let expected: JSONValue = ["a": [1, ["b": nil, "c": [true, false]]], "d": [:], "e": [], "f": "x"]
        #expect(try JSONParser.parse(text) == expected)
        #expect(try JSONParser.parse(Array(text.utf8)) == expected)
        #expect(try JSONParser.parse("{ }") == [:])
        #expect(try JSONParser.parse("[ ]") == [])
    }

    @Test func topLevelScalars() throws {
        #expect(try JSONParser.parse("true") == true)
        #expect(try JSONParser.parse("false") == false)
        #expect(try JSONParser.parse(" null ") == .null)
        #expect(try JSONParser.parse("\"hi\"") == "hi")
    }

    @Test func escapes() throws {
        #expect(try JSONParser.parse(#""\"\\\/\b\f\n\r\t""#) == .string("\"\\/\u{8}\u{C}\n\r\t"))
        #expect(try JSONParser.parse(#""caf\u00e9 \u20AC \u20ac""#) == "café € €")
        #expect(try JSONParser.parse(#""a\u0000b""#) == .string("a\u{0}b"))
        // Escapes and raw multi-byte UTF-8 in the same string.
        #expect(try JSONParser.parse("\"☕ \\n é\"") == "☕ \n é")
        #expect(try JSONParser.parse(#"{"k\u0065y": 1}"#) == ["key": 1])
    }

    @Test func surrogatePairs() throws {
        #expect(try JSONParser.parse(#""\ud83d\ude00""#) == "😀")
        #expect(try JSONParser.parse(#""\uD834\uDD1E clef""#) == "𝄞 clef")
        #expect(try JSONParser.parse("\"😀\"") == "😀")
        #expect(try JSONParser.parse(#""\udbff\udfff""#) == .string("\u{10FFFF}"))
    }

    @Test func integersStayExact() throws {
        #expect(try JSONParser.parse("0") == .integer(0))
        #expect(try JSONParser.parse("-0") == .integer(0))
        #expect(try JSONParser.parse("42") == .integer(42))
        #expect(try JSONParser.parse("-17") == .integer(-17))
        #expect(try JSONParser.parse("9223372036854775807") == .integer(Int64.max))
        #expect(try JSONParser.parse("-9223372036854775808") == .integer(Int64.min))
        #expect(try JSONParser.parse("9007199254740993") == .integer(9_007_199_254_740_993))  // not a Double
        // One past Int64.max is still a number, as a Double.
        #expect(try JSONParser.parse("9223372036854775808") == .double(9_223_372_036_854_775_808.0))
    }

    @Test func doublesAndExponents() throws {
        #expect(try JSONParser.parse("1.5") == .double(1.5))
        #expect(try JSONParser.parse("-0.0025") == .double(-0.0025))
        #expect(try JSONParser.parse("1.0") == .double(1.0))
        #expect(try JSONParser.parse("1.0").integerValue == 1)
        #expect(try JSONParser.parse("1e2") == .double(100))
        #expect(try JSONParser.parse("1E+2") == .double(100))
        #expect(try JSONParser.parse("-2.5e-3") == .double(-0.0025))
        #expect(try JSONParser.parse("0e0") == .double(0))
        #expect(try JSONParser.parse("1.7976931348623157e308") == .double(Double.greatestFiniteMagnitude))
        #expect(try JSONParser.parse("5e-324") == .double(Double.leastNonzeroMagnitude))
        // Underflow to zero is finite: accepted.
        #expect(try JSONParser.parse("1e-400") == .double(0))
        #expect(try JSONParser.parse("[1,2.5,-3]") == [.integer(1), .double(2.5), .integer(-3)])
    }

    @Test func nestingUpToTheLimit() throws {
        let depth = JSONParser.defaultMaximumDepth
        let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        var expected: JSONValue = []
        for _ in 1..<depth { expected = [expected] }
        #expect(try JSONParser.parse(arrays) == expected)
        let objects = String(repeating: "{\"a\":", count: depth - 1) + "{}" + String(repeating: "}", count: depth - 1)
        #expect(throws: Never.self) { try JSONParser.parse(objects) }
        #expect(try JSONParser.parse("[[[1]]]", maximumDepth: 3) == [[[1]]])
    }
}

import CoachLogJSON
import Testing

@Suite struct JSONValueCoderTests {
    struct Inner: Codable, Equatable {
        var n: Int
        var maybe: Double?
    }

    struct Outer: Codable, Equatable {
        var name: String
        var count: UInt64
        var flag: Bool
        var inner: Inner
        var list: [Inner]
        var optional: String?
        var any: JSONValue
    }

    static let value = Outer(
        name: "dana", count: 42, flag: true, inner: Inner(n: -3, maybe: 0.5), list: [Inner(n: 1, maybe: nil)], optional: nil,
        any: ["k": [1, "two", nil]])

    @Test func encodesNilAsNullAndKeepsIntegersExact() throws {
        let json = try JSONValueEncoder().encode(Self.value)
        #expect(
            json == [
                "name": "dana", "count": 42, "flag": true, "inner": ["n": -3, "maybe": 0.5], "list": [["n": 1, "maybe": nil]],
                "optional": nil, "any": ["k": [1, "two", nil]],
            ])
        #expect(JSONWriter.string(json).contains("\"optional\":null"))
    }

    @Test func roundTrips() throws {
        let json = try JSONValueEncoder().encode(Self.value)
        #expect(try JSONValueDecoder().decode(Outer.self, from: json) == Self.value)
    }

    @Test func missingOptionalReadsAsNil() throws {
        #expect(try JSONValueDecoder().decode(Inner.self, from: ["n": 1]) == Inner(n: 1, maybe: nil))
    }

    @Test func errorsNameTheField() throws {
        let error = #expect(throws: DecodingError.self) {
            try JSONValueDecoder().decode(Outer.self, from: ["name": "x", "count": 1, "flag": true, "inner": ["n": "3"]])
        }
        guard case .typeMismatch(_, let context)? = error else {
            Issue.record("expected a type mismatch")
            return
        }
        #expect(context.codingPath.map(\.stringValue) == ["inner", "n"])
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(Inner.self, from: ["maybe": 1]) }
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(Outer.self, from: ["count": -1]) }
    }

    struct Narrow: Codable, Equatable {
        var small: Int32
        var byte: UInt8
        var single: Float
    }

    @Test func otherNumberWidthsDecodeOrAreRefused() throws {
        #expect(try JSONValueDecoder().decode(Narrow.self, from: ["small": -5, "byte": 200, "single": 0.5]) == Narrow(small: -5, byte: 200, single: 0.5))
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(Narrow.self, from: ["small": 1, "byte": 300, "single": 1]) }
    }

    @Test func refusesNumbersJSONCannotHold() {
        #expect(throws: EncodingError.self) { try JSONValueEncoder().encode(Inner(n: 1, maybe: .infinity)) }
        #expect(throws: EncodingError.self) { try JSONValueEncoder().encode([UInt64.max]) }
    }
}

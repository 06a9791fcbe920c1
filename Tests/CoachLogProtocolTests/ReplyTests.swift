import CoachLogJSON
import CoachLogProtocol
import CoachLogTestSupport
import Testing

@Suite("Reply lines")
struct ReplyTests {
    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test("ok, error and event lines: compact, keys sorted, one \\n at the end")
    func encoding() {
        #expect(Self.text(Reply.ok(id: 1, result: ["b": 2, "a": "x"])) == #"{"id":1,"ok":true,"result":{"a":"x","b":2}}"# + "\n")
        #expect(Self.text(Reply.error(id: "r1", ProtocolError(.notFound, "no such salesperson")))
            == #"{"error":{"code":"not_found","message":"no such salesperson"},"id":"r1","ok":false}"# + "\n")
        #expect(Self.text(Reply.error(id: nil, ProtocolError(.validation, "closed", rule: "session.closed")))
            == #"{"error":{"code":"validation","message":"closed","rule":"session.closed"},"id":null,"ok":false}"# + "\n")
        #expect(Self.text(Reply.event(id: "s", envelope: ["position": 3])) == #"{"event":{"position":3},"id":"s"}"# + "\n")
    }

    @Test("a message with newlines, quotes, NUL and non-ASCII stays one line and comes back unchanged")
    func awkwardMessages() throws {
        let message = "line one\nline \"two\"\r\t\u{0}\u{7F} é 😀 \u{2028}"
        for code in ErrorCode.allCases {
            let bytes = Reply.error(id: .string(message), ProtocolError(code, message, rule: code == .validation ? "r.x" : nil))
            #expect(bytes.filter { $0 == 0x0A }.count == 1)
            #expect(bytes.last == 0x0A)
            let decoded = try Reply.Decoded(line: bytes.dropLast())
            #expect(decoded == .error(id: .string(message), ProtocolError(code, message, rule: code == .validation ? "r.x" : nil)))
        }
    }

    @Test("every reply kind decodes to what was encoded", arguments: [JSONValue.integer(7), "id-7", .null, .double(2.5)])
    func roundTrip(id: JSONValue) throws {
        let result: JSONValue = ["positions": [1, 2], "streamVersion": 2, "nested": ["a": [true, nil, "x"]]]
        #expect(try Reply.Decoded(line: Reply.ok(id: id, result: result)) == .ok(id: id, result: result))
        let envelope: JSONValue = ["position": 9, "type": "SessionOpened", "data": ["sessionId": "s"]]
        #expect(try Reply.Decoded(line: Reply.event(id: id, envelope: envelope)) == .event(id: id, envelope: envelope))
        let error = ProtocolError(.conflict, "expectedVersion 3 does not match 4")
        #expect(try Reply.Decoded(line: Reply.error(id: id, error)) == .error(id: id, error))
    }

    @Test("decoding what a client may meet: no result, no id, unknown code, no message")
    func lenientDecoding() throws {
        #expect(try Reply.Decoded(line: Array(#"{"id":1,"ok":true}"#.utf8)) == .ok(id: 1, result: .null))
        #expect(try Reply.Decoded(line: Array(#"{"ok":true,"result":{}}"#.utf8)) == .ok(id: .null, result: [:]))
        let unknown = try Reply.Decoded(line: Array(#"{"id":1,"ok":false,"error":{"code":"teapot","message":"short"}}"#.utf8))
        #expect(unknown == .error(id: 1, ProtocolError(.internal, "short")))
        guard case .error(_, let bare) = try Reply.Decoded(line: Array(#"{"id":2,"ok":false}"#.utf8)) else {
            Issue.record("expected an error")
            return
        }
        #expect(bare.code == .internal)
        #expect(!bare.message.isEmpty)
        // An event line wins over ok, whatever else it carries.
        #expect(try Reply.Decoded(line: Array(#"{"id":3,"ok":true,"event":{}}"#.utf8)) == .event(id: 3, envelope: [:]))
    }

    @Test("lines that are not replies are refused, never trapped on")
    func refusals() {
        #expect(throws: ProtocolError.self) { try Reply.Decoded(line: Array("[1]".utf8)) }
        #expect(throws: ProtocolError.self) { try Reply.Decoded(line: Array(#""ok""#.utf8)) }
        for bad in ["", "{", #"{"id":1,"ok":tru}"#, "{\"id\":\"\u{1}\"}"] {
            #expect(throws: (any Error).self, "\(bad)") { try Reply.Decoded(line: Array(bad.utf8)) }
        }
        #expect(throws: (any Error).self) { try Reply.Decoded(line: [0x7B, 0xFF, 0x7D]) }
        #expect(throws: (any Error).self) { try Reply.Decoded(line: Array(repeating: 0x5B, count: 10_000)) }
    }

    @Test("every error code has its documented wire name")
    func codeNames() {
        #expect(ErrorCode.allCases.map(\.rawValue) == [
            "bad_request", "unknown_op", "validation", "conflict", "not_found", "too_large", "forbidden", "unavailable",
            "internal",
        ])
        #expect(ProtocolError(.tooLarge, "too long").description == "too_large: too long")
    }

    @Test("seeded replies with random ids and results round-trip")
    func randomReplies() throws {
        var inputs = RequestInputs(seed: 0x5EED_4E91)
        for n in 0..<2_000 {
            let id: JSONValue = n % 3 == 0 ? .string(inputs.string()) : .integer(Int64(n))
            let result = inputs.value()
            let bytes = Reply.ok(id: id, result: result)
            #expect(bytes.firstIndex(of: 0x0A) == bytes.count - 1)
            guard case .ok(let backId, let back) = try Reply.Decoded(line: bytes) else {
                Issue.record("not an ok reply: \(preview(bytes))")
                continue
            }
            #expect(sameJSON(backId, id) && sameJSON(back, result), "\(preview(bytes))")
        }
    }
}

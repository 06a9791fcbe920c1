import CoachLogJSON
import CoachLogProtocol
import CoachLogTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `Request.decode` on 120,000 seeded inputs (2,000,000 with COACHLOG_LONG_TESTS=1): it never traps;
/// it fails only with `bad_request` or `unknown_op` and a message; what it accepts re-encodes to a line
/// that decodes to the same request.
@Suite("Request.decode on generated input")
struct RequestDecodePropertyTests {
    static let seed: UInt64 = 0xC0AC_4106_DEC0_DE01
    static var longRun: Bool { getenv("COACHLOG_LONG_TESTS").map { String(cString: $0) == "1" } ?? false }
    static var inputCount: Int { longRun ? 2_000_000 : 120_000 }

    static func same(_ a: Request, _ b: Request) -> Bool {
        a.op == b.op && sameJSON(a.id, b.id) && sameJSON(.object(a.fields), .object(b.fields))
    }

    /// Every property of one input; a description of each violation.
    static func problems(_ input: GeneratedInput) -> [String] {
        var found: [String] = []
        switch Request.decode(input.bytes) {
        case .success(let request):
            if case .failure(let box)? = input.expected { found.append("decoded, expected \(box.code.rawValue)") }
            if case .success(let expected)? = input.expected, !same(request, expected) {
                found.append("decoded to \(request), expected \(expected)")
            }
            let line = request.encoded()
            if line.last != 0x0A || line.dropLast().contains(0x0A) { found.append("encoded() is not one line") }
            switch Request.decode(line.dropLast()) {
            case .success(let again):
                if !same(again, request) { found.append("re-decoded to \(again), not \(request)") }
                if again.encoded() != line { found.append("encoding is not stable") }
            case .failure(let failure):
                found.append("encoded() does not decode: \(failure.error)")
            }
        case .failure(let failure):
            let error = failure.error
            if error.code != .badRequest && error.code != .unknownOp { found.append("code \(error.code.rawValue)") }
            if error.message.allSatisfy(\.isWhitespace) { found.append("empty message") }
            if error.rule != nil { found.append("a rule on a decode error") }
            switch failure.id {
            case .string, .integer, .double, .null: break
            default: found.append("echoes an id that is not a string or number: \(failure.id)")
            }
            if case .success? = input.expected { found.append("failed (\(error)), expected a request") }
            if case .failure(let box)? = input.expected, box.code != error.code {
                found.append("\(error.code.rawValue), expected \(box.code.rawValue)")
            }
        }
        return found
    }

    @Test("never traps; failures are bad_request/unknown_op with a message; accepted requests round-trip")
    func generatedInputs() {
        var inputs = RequestInputs(seed: Self.seed)
        var decoded: [GeneratedInput.Kind: Int] = [:]
        var refused: [GeneratedInput.Kind: Int] = [:]
        var codes: [ErrorCode: Int] = [:]
        var failures = 0
        for index in 0..<Self.inputCount {
            let input = inputs.next()
            switch Request.decode(input.bytes) {
            case .success: decoded[input.kind, default: 0] += 1
            case .failure(let f):
                refused[input.kind, default: 0] += 1
                codes[f.error.code, default: 0] += 1
            }
            let found = Self.problems(input)
            if !found.isEmpty {
                failures += 1
                if failures <= 10 {
                    Issue.record("input \(index) (\(input.kind.rawValue), seed \(Self.seed)): \(found) — \(preview(input.bytes))")
                }
            }
        }
        let summary = GeneratedInput.Kind.allCases.map { "\($0.rawValue) \(decoded[$0] ?? 0)/\(refused[$0] ?? 0)" }
        print("Request.decode fuzz: \(Self.inputCount) inputs tried (decoded/refused: \(summary.joined(separator: ", "))); "
            + "codes \(codes.map { "\($0.key.rawValue) \($0.value)" }.sorted())")
        #expect(failures == 0, "\(failures) inputs broke a property")
        // The generator reaches every path: accepted requests, both refusal codes, every kind of input.
        #expect(decoded.values.reduce(0, +) > Self.inputCount / 5)
        #expect((codes[.badRequest] ?? 0) > Self.inputCount / 5)
        #expect((codes[.unknownOp] ?? 0) > 100)
        #expect(GeneratedInput.Kind.allCases.allSatisfy { (decoded[$0] ?? 0) + (refused[$0] ?? 0) > 0 })
        #expect((decoded[.mutated] ?? 0) > 100, "some mutations must still decode, so their round trip is checked")
    }

    static let cases: [(String, [UInt8], ErrorCode?)] = [
        ("empty line", [], .badRequest),
        ("only spaces", Array("   \t ".utf8), .badRequest),
        ("NUL", [0], .badRequest),
        ("BOM before the object", [0xEF, 0xBB, 0xBF] + Array(#"{"id":1,"op":"hello"}"#.utf8), .badRequest),
        ("1e999 in a field", Array(#"{"id":1,"op":"read","after":1e999}"#.utf8), .badRequest),
        ("-1e999 as id", Array(#"{"id":-1e999,"op":"hello"}"#.utf8), .badRequest),
        ("99999999999999999999999 as id", Array(#"{"id":99999999999999999999999,"op":"hello"}"#.utf8), nil),
        ("65 digits", Array(#"{"id":1,"op":"read","after":"#.utf8) + Array(repeating: 0x39, count: 65) + [0x7D], .badRequest),
        ("10,000 nested arrays", Array(repeating: 0x5B, count: 10_000) + Array(repeating: 0x5D, count: 10_000), .badRequest),
        ("10,000 nested objects as a field",
         Array(#"{"id":1,"op":"hello","client":"#.utf8) + Array(String(repeating: #"{"a":"#, count: 10_000).utf8)
            + Array("1".utf8) + Array(repeating: 0x7D, count: 10_001), .badRequest),
        ("64 nested arrays as a field", Array(#"{"id":1,"op":"hello","x":"#.utf8) + Array(repeating: 0x5B, count: 63)
            + Array(repeating: 0x5D, count: 63) + [0x7D], nil),
        ("invalid UTF-8 in a string", Array(#"{"id":1,"op":"hello","client":""#.utf8) + [0xC0, 0xAF, 0x22, 0x7D], .badRequest),
        ("UTF-16 surrogate in UTF-8", Array(#"{"id":1,"op":""#.utf8) + [0xED, 0xA0, 0x80, 0x22, 0x7D], .badRequest),
        ("lone surrogate escape", Array(#"{"id":"\uD800","op":"hello"}"#.utf8), .badRequest),
        ("raw control byte in a string", Array(#"{"id":"a"#.utf8) + [0x01] + Array(#"","op":"hello"}"#.utf8), .badRequest),
        ("duplicate key", Array(#"{"id":1,"op":"hello","op":"stats"}"#.utf8), .badRequest),
        ("trailing data", Array(#"{"id":1,"op":"hello"} {}"#.utf8), .badRequest),
        ("array", Array("[1,2]".utf8), .badRequest),
        ("id is an array", Array(#"{"id":[1],"op":"hello"}"#.utf8), .badRequest),
        ("id is true", Array(#"{"id":true,"op":"hello"}"#.utf8), .badRequest),
        ("op is a number", Array(#"{"id":1,"op":1}"#.utf8), .badRequest),
        ("op is null", Array(#"{"id":1,"op":null}"#.utf8), .badRequest),
        ("no op", Array(#"{"id":1}"#.utf8), .badRequest),
        ("unknown op", Array(#"{"id":1,"op":"fly"}"#.utf8), .unknownOp),
        ("op with a NUL", Array(#"{"id":1,"op":"hello\u0000"}"#.utf8), .unknownOp),
        ("op in capitals", Array(#"{"id":1,"op":"HELLO"}"#.utf8), .unknownOp),
        ("no id", Array(#"{"op":"stats"}"#.utf8), nil),
        ("extra fields kept for the op to judge", Array(#"{"id":"x","op":"stats","verbose":true}"#.utf8), nil),
    ]

    @Test("pathological lines", arguments: cases.indices)
    func pathological(index: Int) {
        let (name, bytes, code) = Self.cases[index]
        switch Request.decode(bytes) {
        case .success(let request):
            #expect(code == nil, "\(name): decoded to \(request)")
            #expect(Self.problems(GeneratedInput(kind: .valid, bytes: bytes)).isEmpty, "\(name)")
        case .failure(let failure):
            #expect(failure.error.code == code, "\(name): \(failure.error)")
            #expect(!failure.error.message.isEmpty)
        }
    }

    @Test("the id is echoed on failures once the object is read, and only then")
    func idOnFailures() {
        guard case .failure(let noOp) = Request.decode(Array(#"{"id":"r-7"}"#.utf8)) else { Issue.record("decoded"); return }
        #expect(noOp.id == "r-7")
        guard case .failure(let unknown) = Request.decode(Array(#"{"id":12,"op":"fly"}"#.utf8)) else { return }
        #expect(unknown.id == 12)
        #expect(unknown.error.message.contains("hello"), "the message lists the known ops")
        guard case .failure(let broken) = Request.decode(Array(#"{"id":12,"op":"hello""#.utf8)) else { return }
        #expect(broken.id == .null)
        guard case .failure(let badId) = Request.decode(Array(#"{"id":{"a":1},"op":"hello"}"#.utf8)) else { return }
        #expect(badId.id == .null)
        guard case .success(let huge) = Request.decode(Array(#"{"id":99999999999999999999999,"op":"hello"}"#.utf8)) else {
            Issue.record("a 23-digit id is a finite double and must decode")
            return
        }
        #expect(huge.id == .double(1e23))
    }
}

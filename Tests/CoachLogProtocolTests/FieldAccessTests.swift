import CoachLogJSON
import CoachLogProtocol
import Testing

@Suite("FieldAccess")
struct FieldAccessTests {
    /// The error `body` throws; it must be a bad_request naming something.
    static func refusal(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> ProtocolError? {
        do {
            try body()
            Issue.record("expected a bad_request", sourceLocation: sourceLocation)
            return nil
        } catch let error as ProtocolError {
            #expect(error.code == .badRequest, sourceLocation: sourceLocation)
            #expect(!error.message.isEmpty, sourceLocation: sourceLocation)
            #expect(error.rule == nil, sourceLocation: sourceLocation)
            return error
        } catch {
            Issue.record("not a ProtocolError: \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    @Test("an unknown field is named, with the fields the op takes")
    func unknownField() throws {
        let e = Self.refusal { _ = try FieldAccess(["zeta": 1, "beta": 2, "limit": 3], op: .read, allowed: ["after", "limit"]) }
        #expect(e?.message == #"read has no field "beta"; it takes after, limit"#)
        let none = Self.refusal { _ = try FieldAccess(["x": nil], op: .stats, allowed: []) }
        #expect(none?.message == #"stats has no field "x""#, "no empty list of allowed fields")
        _ = try FieldAccess([:], op: .stats, allowed: [])
        _ = try FieldAccess(["after": 1], op: .read, allowed: ["after", "limit"])
    }

    @Test("strings: absent and null are nil; other types are refused with the key and type")
    func strings() throws {
        let f = try FieldAccess(["s": "ana", "n": 3, "z": nil, "e": "", "a": ["x"]], op: .read, allowed: ["s", "n", "z", "e", "a"])
        #expect(try f.string("s") == "ana")
        #expect(try f.string("z") == nil)
        #expect(try f.string("missing") == nil)
        #expect(try f.string("e") == "")
        #expect(Self.refusal { _ = try f.string("n") }?.message == #""n" must be a string, not number"#)
        #expect(Self.refusal { _ = try f.string("a") }?.message.contains("array") == true)
        #expect(try f.requiredString("s") == "ana")
        for key in ["z", "missing", "e"] {
            #expect(Self.refusal { _ = try f.requiredString(key) }?.message == "\"\(key)\" is required")
        }
        #expect(Self.refusal { _ = try f.requiredString("n") }?.message.contains("must be a string") == true)
    }

    @Test("integers: whole numbers in range, 3.0 counts as 3; fractions, strings, huge and out of range are refused")
    func integers() throws {
        let f = try FieldAccess(
            ["i": 5, "d": 3.0, "frac": 2.5, "s": "4", "b": true, "huge": .double(1e23), "neg": -1, "max": .integer(Int64.max),
             "null": nil],
            op: .read, allowed: ["i", "d", "frac", "s", "b", "huge", "neg", "max", "null"])
        #expect(try f.integer("i", range: 0...10) == 5)
        #expect(try f.integer("d", range: 0...10) == 3)
        #expect(try f.integer("null", range: 0...10) == nil)
        #expect(try f.integer("missing", range: 0...10) == nil)
        #expect(try f.integer("max", range: 0...Int64.max) == Int64.max)
        #expect(try f.integer("i", range: 5...5) == 5, "bounds are inclusive")
        for key in ["frac", "s", "b", "huge"] {
            #expect(Self.refusal { _ = try f.integer(key, range: 0...Int64.max) }?.message.contains("whole number") == true, "\(key)")
        }
        #expect(Self.refusal { _ = try f.integer("neg", range: 0...10) }?.message == #""neg" must be between 0 and 10"#)
        #expect(Self.refusal { _ = try f.integer("i", range: 6...10) } != nil)
    }

    @Test("booleans and arrays of strings")
    func boolsAndStringArrays() throws {
        let f = try FieldAccess(
            ["t": true, "one": 1, "types": ["a", "b"], "empty": [], "mixed": ["a", 1], "str": "a"], op: .subscribe,
            allowed: ["t", "one", "types", "empty", "mixed", "str"])
        #expect(try f.bool("t") == true)
        #expect(try f.bool("missing") == nil)
        #expect(Self.refusal { _ = try f.bool("one") }?.message == #""one" must be true or false"#)
        #expect(Self.refusal { _ = try f.bool("str") } != nil)
        #expect(try f.strings("types") == ["a", "b"])
        #expect(try f.strings("empty") == [])
        #expect(try f.strings("missing") == nil)
        #expect(Self.refusal { _ = try f.strings("mixed") }?.message == #""mixed" must be an array of strings"#)
        #expect(Self.refusal { _ = try f.strings("str") } != nil)
    }

    @Test("seeded random field values: every accessor either returns or refuses with bad_request")
    func randomValues() throws {
        var inputs = RequestInputs(seed: 0xF1E1_D5)
        var refused = 0
        for _ in 0..<5_000 {
            let v = inputs.value()
            let f = try FieldAccess(["k": v], op: .query, allowed: ["k"])
            let calls: [() throws -> Void] = [
                { _ = try f.string("k") }, { _ = try f.requiredString("k") }, { _ = try f.bool("k") },
                { _ = try f.strings("k") }, { _ = try f.integer("k", range: 0...1000) },
                { _ = try f.integer("k", range: Int64.min...Int64.max) },
            ]
            for call in calls {
                do { try call() } catch {
                    refused += 1
                    let e = error as? ProtocolError
                    #expect(e?.code == .badRequest && e?.message.isEmpty == false)
                }
            }
        }
        #expect(refused > 10_000)
    }
}

import CoachLogJSON
import CoachLogProtocol

/// One generated input and what is known in advance about how it must decode.
struct GeneratedInput {
    enum Kind: String, CaseIterable {
        case randomBytes, jsonishBytes, valid, wrongShape, mutated, deepNesting, hugeNumber
    }

    var kind: Kind
    var bytes: [UInt8]
    /// Set when the outcome is known exactly (built from a JSONValue written legally).
    var expected: Result<Request, RequestInputs.ErrorCodeBox>?
}

extension RequestInputs {
    static let jsonish = Array(#"{}[]":,0123456789-+.eEtruefalsnl\ u"#.utf8) + [0x20, 0x09, 0x0D]

    mutating func next() -> GeneratedInput {
        let roll = rng.below(1000)
        switch roll {
        case 0..<100:
            return GeneratedInput(kind: .randomBytes, bytes: (0..<rng.below(80)).map { _ in rng.byte() })
        case 100..<200:
            return GeneratedInput(kind: .jsonishBytes, bytes: (0..<rng.below(120)).map { _ in rng.pick(Self.jsonish) })
        case 200..<400:
            let o = validRequest()
            var out: [UInt8] = []
            write(.object(o), into: &out)
            return GeneratedInput(kind: .valid, bytes: out, expected: Self.expected(o))
        case 400..<550:
            let o = wrongRequest()
            var out: [UInt8] = []
            write(.object(o), into: &out)
            return GeneratedInput(kind: .wrongShape, bytes: out, expected: Self.expected(o))
        case 550..<555:
            return GeneratedInput(kind: .deepNesting, bytes: deeplyNested())
        case 555..<620:
            return GeneratedInput(kind: .hugeNumber, bytes: withHugeNumber())
        default:
            var out: [UInt8] = []
            write(.object(rng.percent(70) ? validRequest() : wrongRequest()), into: &out)
            for _ in 0..<rng.below(4) + 1 { mutate(&out) }
            return GeneratedInput(kind: .mutated, bytes: out)
        }
    }

    /// One random edit: bit flip, byte replacement, poison insertion, deletion, truncation, duplication, splice.
    mutating func mutate(_ bytes: inout [UInt8]) {
        let at = rng.below(bytes.count + 1)
        switch rng.below(9) {
        case 0 where !bytes.isEmpty: bytes[min(at, bytes.count - 1)] ^= 1 << UInt8(rng.below(8))
        case 1 where !bytes.isEmpty: bytes[min(at, bytes.count - 1)] = rng.byte()
        case 2: bytes.insert(contentsOf: rng.pick(Self.poison), at: at)
        case 3: bytes.removeSubrange(at..<min(bytes.count, at + rng.below(8) + 1))
        case 4: bytes.removeSubrange(at...)
        case 5:
            let end = min(bytes.count, at + rng.below(16) + 1)
            bytes.insert(contentsOf: bytes[at..<end], at: at)
        case 6: bytes.insert(contentsOf: Array(rng.pick(Self.hugeNumbers).utf8), at: at)
        case 7: bytes.insert(contentsOf: Array(rng.pick([",", ":", "{", "}", "[", "]", "\"", ",\"id\":1", ",\"op\":\"hello\""]).utf8), at: at)
        default:
            var other: [UInt8] = []
            write(.object(validRequest()), into: &other)
            let from = rng.below(other.count)
            bytes.insert(contentsOf: other[from...], at: at)
        }
    }

    /// 10,000 levels of arrays, objects or both, alone or as a field, closed or not.
    mutating func deeplyNested(levels: Int = 10_000) -> [UInt8] {
        var open: [UInt8] = []
        var close: [UInt8] = []
        open.reserveCapacity(levels * 6)
        let style = rng.below(3)
        for n in 0..<levels {
            if style == 0 || (style == 2 && n % 2 == 0) {
                open.append(UInt8(ascii: "["))
                close.append(UInt8(ascii: "]"))
            } else {
                open += Array(#"{"a":"#.utf8)
                close.append(UInt8(ascii: "}"))
            }
        }
        let inner = open + Array("1".utf8) + (rng.percent(80) ? close.reversed() : [])
        switch rng.below(3) {
        case 0: return inner
        case 1: return Array(#"{"id":1,"op":"read","after":"#.utf8) + inner + Array("}".utf8)
        default: return Array(#"{"id":"#.utf8) + inner + Array(#","op":"hello"}"#.utf8)
        }
    }

    /// A huge or extreme number as the id, the op, a field, or inside an event.
    mutating func withHugeNumber() -> [UInt8] {
        let n = rng.pick(Self.hugeNumbers)
        let templates = [
            #"{"id":N,"op":"hello"}"#, #"{"id":1,"op":N}"#, #"{"id":1,"op":"read","after":N}"#,
            #"{"id":1,"op":"read","limit":N}"#, #"{"op":"append","id":2,"events":[{"type":"SessionOpened","data":{"at":N}}]}"#,
            #"{"id":1,"op":"query","projection":"followThrough","weeks":N}"#, #"[N]"#, "N",
        ]
        return Array(rng.pick(templates).substituting("N", with: n).utf8)
    }
}

extension String {
    /// Every `target` replaced (without Foundation).
    func substituting(_ target: String, with replacement: String) -> String {
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}

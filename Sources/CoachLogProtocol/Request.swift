import CoachLogJSON

/// The operations of protocol version 1.
public enum Operation: String, Sendable, CaseIterable {
    case hello, append, read, query, subscribe, backup, stats, forget, checkpoint

    /// Operations a read-only socket serves.
    public var isReadOnly: Bool {
        switch self {
        case .hello, .read, .query, .subscribe, .stats: return true
        // A checkpoint keeps the signed head in the store.
        case .append, .backup, .forget, .checkpoint: return false
        }
    }
}

/// One request line: its `id` (echoed back), operation and raw fields.
public struct Request: Sendable, Equatable {
    public static let protocolVersion = 1

    public var id: JSONValue
    public var op: Operation
    public var fields: [String: JSONValue]

    public init(id: JSONValue, op: Operation, fields: [String: JSONValue] = [:]) {
        self.id = id
        self.op = op
        self.fields = fields
    }

    /// Decodes one line (without its `\n`). On failure the error carries the
    /// request's `id` when it could be read, so the reply can echo it.
    public static func decode(_ line: some Collection<UInt8>) -> Result<Request, DecodeFailure> {
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            return .failure(DecodeFailure(id: .null, error: ProtocolError(.badRequest, "the line is not valid JSON: \(error)")))
        }
        guard case .object(var fields) = value else {
            return .failure(
                DecodeFailure(id: .null, error: ProtocolError(.badRequest, "a request must be a JSON object, not \(value.typeName)")))
        }
        let id = fields.removeValue(forKey: "id") ?? .null
        switch id {
        case .string, .integer, .double, .null: break
        default:
            return .failure(DecodeFailure(id: .null, error: ProtocolError(.badRequest, "\"id\" must be a string or a number")))
        }
        guard let opValue = fields.removeValue(forKey: "op") else {
            return .failure(DecodeFailure(id: id, error: ProtocolError(.badRequest, "the request has no \"op\"; send e.g. {\"id\":1,\"op\":\"hello\"}")))
        }
        guard case .string(let opName) = opValue else {
            return .failure(DecodeFailure(id: id, error: ProtocolError(.badRequest, "\"op\" must be a string")))
        }
        guard let op = Operation(rawValue: opName) else {
            let known = Operation.allCases.map(\.rawValue).joined(separator: ", ")
            return .failure(DecodeFailure(id: id, error: ProtocolError(.unknownOp, "unknown op \"\(opName)\"; this server knows \(known)")))
        }
        return .success(Request(id: id, op: op, fields: fields))
    }

    /// The request as one line, `\n` included.
    public func encoded() -> [UInt8] {
        var object = fields
        object["id"] = id
        object["op"] = .string(op.rawValue)
        var bytes = JSONWriter.bytes(.object(object))
        bytes.append(0x0A)
        return bytes
    }

    public struct DecodeFailure: Error, Sendable {
        public var id: JSONValue
        public var error: ProtocolError
    }
}

/// Typed access to request fields, with `bad_request` errors that name the field.
public struct FieldAccess: Sendable {
    public let fields: [String: JSONValue]
    public let allowed: Set<String>

    public init(_ fields: [String: JSONValue], op: Operation, allowed: Set<String>) throws(ProtocolError) {
        self.fields = fields
        self.allowed = allowed
        if let unknown = fields.keys.sorted().first(where: { !allowed.contains($0) }) {
            let list = allowed.sorted().joined(separator: ", ")
            throw ProtocolError(
                .badRequest, "\(op.rawValue) has no field \"\(unknown)\"" + (list.isEmpty ? "" : "; it takes \(list)"))
        }
    }

    public func value(_ key: String) -> JSONValue? {
        guard let v = fields[key], !v.isNull else { return nil }
        return v
    }

    public func string(_ key: String) throws(ProtocolError) -> String? {
        guard let v = value(key) else { return nil }
        guard case .string(let s) = v else { throw ProtocolError(.badRequest, "\"\(key)\" must be a string, not \(v.typeName)") }
        return s
    }

    public func requiredString(_ key: String) throws(ProtocolError) -> String {
        guard let s = try string(key), !s.isEmpty else { throw ProtocolError(.badRequest, "\"\(key)\" is required") }
        return s
    }

    public func integer(_ key: String, range: ClosedRange<Int64>) throws(ProtocolError) -> Int64? {
        guard let v = value(key) else { return nil }
        guard let i = v.integerValue else {
            throw ProtocolError(.badRequest, "\"\(key)\" must be a whole number, not \(JSONWriter.string(v))")
        }
        guard range.contains(i) else {
            throw ProtocolError(.badRequest, "\"\(key)\" must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return i
    }

    public func bool(_ key: String) throws(ProtocolError) -> Bool? {
        guard let v = value(key) else { return nil }
        guard case .bool(let b) = v else { throw ProtocolError(.badRequest, "\"\(key)\" must be true or false") }
        return b
    }

    public func strings(_ key: String) throws(ProtocolError) -> [String]? {
        guard let v = value(key) else { return nil }
        guard case .array(let items) = v else { throw ProtocolError(.badRequest, "\"\(key)\" must be an array of strings") }
        var result: [String] = []
        for item in items {
            guard case .string(let s) = item else { throw ProtocolError(.badRequest, "\"\(key)\" must be an array of strings") }
            result.append(s)
        }
        return result
    }
}

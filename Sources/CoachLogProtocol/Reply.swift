import CoachLogJSON

/// Builds reply lines. Every line is one compact JSON object and a `\n`.
public enum Reply {
    public static func ok(id: JSONValue, result: JSONValue) -> [UInt8] {
        line(["id": id, "ok": true, "result": result])
    }

    public static func error(id: JSONValue, _ error: ProtocolError) -> [UInt8] {
        var body: [String: JSONValue] = ["code": .string(error.code.rawValue), "message": .string(error.message)]
        if let rule = error.rule { body["rule"] = .string(rule) }
        return line(["id": id, "ok": false, "error": .object(body)])
    }

    /// A subscription's event line.
    public static func event(id: JSONValue, envelope: JSONValue) -> [UInt8] {
        line(["id": id, "event": envelope])
    }

    static func line(_ value: JSONValue) -> [UInt8] {
        var bytes = JSONWriter.bytes(value)
        bytes.append(0x0A)
        return bytes
    }

    /// A reply line, decoded (for clients).
    public enum Decoded: Sendable, Equatable {
        case ok(id: JSONValue, result: JSONValue)
        case error(id: JSONValue, ProtocolError)
        case event(id: JSONValue, envelope: JSONValue)

        public init(line: some Collection<UInt8>) throws {
            guard case .object(let o) = try JSONParser.parse(line) else {
                throw ProtocolError(.internal, "the server sent a reply that is not a JSON object")
            }
            let id = o["id"] ?? .null
            if let event = o["event"] {
                self = .event(id: id, envelope: event)
            } else if o["ok"] == .bool(true) {
                self = .ok(id: id, result: o["result"] ?? .null)
            } else {
                let code = o["error"]?["code"]?.stringValue.flatMap(ErrorCode.init(rawValue:)) ?? .internal
                let message = o["error"]?["message"]?.stringValue ?? "the server sent an error without a message"
                self = .error(id: id, ProtocolError(code, message, rule: o["error"]?["rule"]?.stringValue))
            }
        }
    }
}

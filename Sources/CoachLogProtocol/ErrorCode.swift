/// The stable error codes of the wire protocol. Clients branch on these;
/// messages are for people and may change.
public enum ErrorCode: String, Sendable, CaseIterable {
    /// The line is not a JSON object, or a field has the wrong type or value.
    case badRequest = "bad_request"
    /// `op` names no operation.
    case unknownOp = "unknown_op"
    /// A rule of the coaching record was broken; nothing was written.
    case validation
    /// `expectedVersion` did not match, or an `eventId` was reused for other content.
    case conflict
    /// The salesperson or coach asked about is not on record.
    case notFound = "not_found"
    /// The line is longer than the server's limit.
    case tooLarge = "too_large"
    /// The operation is not allowed on this socket.
    case forbidden
    /// The server cannot do it now (disk full, shutting down, too far behind); retry later.
    case unavailable
    /// A bug or an unexpected storage failure.
    case `internal`
}

/// A request the server refuses, with the code and a message a person can act on.
public struct ProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: ErrorCode
    public var message: String
    /// For `validation`: the rule that was broken, e.g. `session.closed`.
    public var rule: String?

    public init(_ code: ErrorCode, _ message: String, rule: String? = nil) {
        self.code = code
        self.message = message
        self.rule = rule
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

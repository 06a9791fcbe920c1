import CoachLogJSON

// Wire forms of the vocabulary and of times: names and ISO 8601 strings.

extension Topic: Codable {}
extension CommitmentKind: Codable {}
extension Outcome: Codable {}
extension EventType: Codable {}
extension Operation: Codable {}

/// A value whose wire form is its ISO 8601 text: `Timestamp` (`2026-11-26T09:30:00Z`,
/// with `.SSS` only when the milliseconds are not zero) and `Day` (`2026-11-26`).
protocol ISO8601Text: Codable {
    init?(iso8601: String)
    var iso8601: String { get }
    /// How an error message names the expected form.
    static var expectedForm: String { get }
}

extension ISO8601Text {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(iso8601: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "\"\(text)\" is not \(Self.expectedForm)"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(iso8601)
    }
}

extension Timestamp: ISO8601Text, JSONValueConvertible {
    static var expectedForm: String { "an ISO 8601 time" }
    public var jsonValue: JSONValue { .string(iso8601) }
}

extension Day: ISO8601Text, JSONValueConvertible {
    static var expectedForm: String { "a date YYYY-MM-DD" }
    public var jsonValue: JSONValue { .string(iso8601) }
}

/// The one encoder and decoder of every typed result: replies are built with
/// `wire` and read back with `init(wire:)`.
public protocol WireResult: Codable, Sendable, Equatable {
    /// Reads a reply's `result`; a reply that does not fit is an error naming the field. Codable by
    /// default; a result with thousands of rows (`TeamReport`) reads its members by hand.
    init(wire: JSONValue) throws(ProtocolError)
}

extension WireResult {
    /// The result as the JSON value of a reply's `result`.
    public var wire: JSONValue {
        get throws { try JSONValueEncoder().encode(self) }
    }

    /// Reads a reply's `result`; a reply that does not fit is an error naming the field.
    public init(wire: JSONValue) throws(ProtocolError) {
        do {
            self = try JSONValueDecoder().decode(Self.self, from: wire)
        } catch let error as DecodingError {
            throw ProtocolError(.internal, "the daemon's reply does not match \(Self.self): \(error.wireDescription)")
        } catch {
            throw ProtocolError(.internal, "the daemon's reply does not match \(Self.self): \(error)")
        }
    }
}

extension DecodingError {
    /// "result.byKind.more.kept: expected Int, found string", for people.
    var wireDescription: String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch self {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
            return "\(path(c.codingPath)): \(c.debugDescription)"
        case .keyNotFound(let key, let c):
            return "\(path(c.codingPath + [key])) is missing"
        @unknown default:
            return "\(self)"
        }
    }
}

import CoachLogJSON
import HashChain

/// An event as stored: the client's event plus what the store assigned.
public struct EventEnvelope: Sendable, Equatable, Codable, JSONValueConvertible {
    /// 1, 2, 3, ... in commit order, with no gaps.
    public var position: UInt64
    public var eventId: String
    public var type: EventType
    public var salesperson: String
    /// The number of events in the salesperson's stream up to and including this one.
    public var streamVersion: UInt64
    /// When the daemon recorded it.
    public var recordedAt: Timestamp
    /// The canonical data object (see `CoachingEvent.canonicalData`).
    public var data: JSONValue
    /// The salesperson was forgotten: `salesperson` is their pseudonym and
    /// every free-text member of `data` is `null`. On the wire only when true.
    public var erased: Bool
    /// The event's link in the log's hash chain (Protocol.md §4.6): SHA-256
    /// of the previous event's `hash` and `stored`. Every envelope the
    /// daemon sends carries it.
    public var hash: ChainHash?
    /// The bytes the daemon stored for the event, which `hash` covers: only
    /// when a `read` asked for them (`"stored": true`).
    public var stored: [UInt8]?

    public init(
        position: UInt64, eventId: String, type: EventType, salesperson: String, streamVersion: UInt64,
        recordedAt: Timestamp, data: JSONValue, erased: Bool = false, hash: ChainHash? = nil, stored: [UInt8]? = nil
    ) {
        self.erased = erased
        self.hash = hash
        self.stored = stored
        self.position = position
        self.eventId = eventId
        self.type = type
        self.salesperson = salesperson
        self.streamVersion = streamVersion
        self.recordedAt = recordedAt
        self.data = data
    }

    /// The wire form, as documented in Protocol.md.
    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "position": .integer(Int64(position)), "eventId": .string(eventId), "type": .string(type.rawValue),
            "salesperson": .string(salesperson), "streamVersion": .integer(Int64(streamVersion)),
            "recordedAt": .string(recordedAt.iso8601), "data": data,
        ]
        if erased { o["erased"] = .bool(true) }
        if let hash { o["hash"] = .string(hash.hex) }
        if let stored { o["stored"] = .string(Base64.encode(stored)) }
        return .object(o)
    }

    /// The one encoder: `json`, also when encoded as part of a result.
    public var jsonValue: JSONValue { json }

    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }

    private enum CodingKeys: String, CodingKey {
        case position, eventId, type, salesperson, streamVersion, recordedAt, data, erased, hash, stored
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            position: try c.decode(UInt64.self, forKey: .position), eventId: try c.decode(String.self, forKey: .eventId),
            type: try c.decode(EventType.self, forKey: .type), salesperson: try c.decode(String.self, forKey: .salesperson),
            streamVersion: try c.decode(UInt64.self, forKey: .streamVersion),
            recordedAt: try c.decode(Timestamp.self, forKey: .recordedAt), data: try c.decode(JSONValue.self, forKey: .data),
            erased: try c.decodeIfPresent(Bool.self, forKey: .erased) ?? false,
            hash: try c.decodeIfPresent(String.self, forKey: .hash).map { text in
                guard let hash = ChainHash(hex: text) else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .hash, in: c, debugDescription: "hash must be 64 hexadecimal digits")
                }
                return hash
            },
            stored: try c.decodeIfPresent(String.self, forKey: .stored).map { text in
                guard let bytes = Base64.decode(text) else {
                    throw DecodingError.dataCorruptedError(forKey: .stored, in: c, debugDescription: "stored must be base64")
                }
                return bytes
            })
    }

    /// The typed event, re-read from the canonical data.
    public func decoded() throws -> CoachingEvent {
        // Stored history replays as it was accepted: its checks are rules for new records.
        try CoachingEvent(type: type.rawValue, data: data, history: true)
    }
}

import CoachLogJSON

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

    public init(
        position: UInt64, eventId: String, type: EventType, salesperson: String, streamVersion: UInt64,
        recordedAt: Timestamp, data: JSONValue, erased: Bool = false
    ) {
        self.erased = erased
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
        return .object(o)
    }

    /// The one encoder: `json`, also when encoded as part of a result.
    public var jsonValue: JSONValue { json }

    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }

    private enum CodingKeys: String, CodingKey { case position, eventId, type, salesperson, streamVersion, recordedAt, data, erased }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            position: try c.decode(UInt64.self, forKey: .position), eventId: try c.decode(String.self, forKey: .eventId),
            type: try c.decode(EventType.self, forKey: .type), salesperson: try c.decode(String.self, forKey: .salesperson),
            streamVersion: try c.decode(UInt64.self, forKey: .streamVersion),
            recordedAt: try c.decode(Timestamp.self, forKey: .recordedAt), data: try c.decode(JSONValue.self, forKey: .data),
            erased: try c.decodeIfPresent(Bool.self, forKey: .erased) ?? false)
    }

    /// The typed event, re-read from the canonical data.
    public func decoded() throws -> CoachingEvent {
        // Stored history replays as it was accepted: its checks are rules for new records.
        try CoachingEvent(type: type.rawValue, data: data, history: true)
    }
}

import CoachLogJSON

/// An event as stored: the client's event plus what the store assigned.
public struct EventEnvelope: Sendable, Equatable, Codable {
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

    public init(
        position: UInt64, eventId: String, type: EventType, salesperson: String, streamVersion: UInt64,
        recordedAt: Timestamp, data: JSONValue
    ) {
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
        [
            "position": .integer(Int64(position)), "eventId": .string(eventId), "type": .string(type.rawValue),
            "salesperson": .string(salesperson), "streamVersion": .integer(Int64(streamVersion)),
            "recordedAt": .string(recordedAt.iso8601), "data": data,
        ]
    }

    /// The typed event, re-read from the canonical data.
    public func decoded() throws -> CoachingEvent {
        try CoachingEvent(type: type.rawValue, data: data)
    }
}

import CoachLogJSON
import CoachLogProtocol
import CoachingDomain

/// One caller's append: one or more events for one salesperson, written
/// atomically (all or none).
public struct AppendRequest: Sendable, Equatable {
    public var events: [ProposedEvent]
    /// When set, the append succeeds only if the stream's version is exactly this.
    public var expectedVersion: UInt64?

    public init(events: [ProposedEvent], expectedVersion: UInt64? = nil) {
        self.events = events
        self.expectedVersion = expectedVersion
    }

    public static let maximumEvents = 1000

    /// Shape-checks every event without touching the store, so this work can
    /// happen on the caller's thread instead of the single writer's.
    public func prepare() throws -> PreparedAppend {
        guard !events.isEmpty else { throw StoreError(.validation, "append needs at least one event", rule: "append.events") }
        guard events.count <= Self.maximumEvents else {
            throw StoreError(
                .validation, "an append may hold at most \(Self.maximumEvents) events; split it", rule: "append.events")
        }
        var prepared: [PreparedAppend.Event] = []
        var seenIds: Set<ExactName> = []
        for (index, proposed) in events.enumerated() {
            let event: CoachingEvent
            do {
                event = try CoachingEvent(type: proposed.type, data: proposed.data)
            } catch {
                let prefix = events.count > 1 ? "event \(index + 1): " : ""
                throw StoreError(.validation, prefix + error.message, rule: error.rule)
            }
            if let id = proposed.eventId {
                guard !id.isEmpty, id.utf8.count <= 128 else {
                    throw StoreError(.validation, "eventId must be 1 to 128 bytes long", rule: "eventId.format")
                }
                guard !id.unicodeScalars.contains(where: { $0 == " " || $0.properties.generalCategory == .control }) else {
                    throw StoreError(
                        .validation, "eventId must not contain spaces or control characters", rule: "eventId.format")
                }
                guard seenIds.insert(ExactName(id)).inserted else {
                    throw StoreError(.validation, "eventId \"\(id)\" appears twice in one append", rule: "eventId.unique")
                }
            }
            let data = event.canonicalData
            prepared.append(
                .init(
                    eventId: proposed.eventId, event: event, data: data, parts: DataParts(event.type, data: data)))
        }
        let salesperson = prepared[0].event.salesperson
        if let other = prepared.first(where: { !sameKey($0.event.salesperson, salesperson) }) {
            throw StoreError(
                .validation,
                "one append writes to one salesperson's stream, but it names both \"\(salesperson)\" and \"\(other.event.salesperson)\"",
                rule: "append.oneStream")
        }
        return PreparedAppend(salesperson: salesperson, events: prepared, expectedVersion: expectedVersion)
    }
}

/// An append whose events passed the shape checks; the store checks the rules
/// that depend on what is already recorded.
public struct PreparedAppend: Sendable, Equatable {
    public struct Event: Sendable, Equatable {
        public var eventId: String?
        public var event: CoachingEvent
        public var data: JSONValue
        /// `data` serialized: what a retry's data is compared with, byte for byte.
        public var dataBytes: [UInt8] { JSONWriter.bytes(data) }
        /// `data` split into what is stored in clear and what is sealed.
        var parts: DataParts
    }

    public var salesperson: String
    public var events: [Event]
    public var expectedVersion: UInt64?
}

/// What an acknowledged append produced.
public struct AppendResult: Sendable, Equatable {
    /// The positions of the request's events, in order.
    public var positions: [UInt64]
    /// The stream's version after the append.
    public var streamVersion: UInt64
    /// The newly stored events; empty when this was a retry of an append already stored.
    public var stored: [EventEnvelope]
    /// True when every event was already stored (an idempotent retry).
    public var replayed: Bool { stored.isEmpty }
}

import CoachLogJSON

/// A request's operation with its parameters, checked and typed. Decoded from
/// a `Request` with `Request.body()`, encoded back with `Request(id:body:)`;
/// every field rule of Protocol.md §4 lives here, so the server, the client
/// and the tests agree on one reading of the wire.
public enum RequestBody: Sendable, Equatable {
    case hello(HelloParameters)
    case append(AppendParameters)
    case read(ReadParameters)
    case query(ProjectionQuery)
    case subscribe(SubscribeParameters)
    case backup(BackupParameters)
    case stats
    case forget(ForgetParameters)
    case checkpoint

    public var op: Operation {
        switch self {
        case .hello: return .hello
        case .append: return .append
        case .read: return .read
        case .query: return .query
        case .subscribe: return .subscribe
        case .backup: return .backup
        case .stats: return .stats
        case .forget: return .forget
        case .checkpoint: return .checkpoint
        }
    }

    /// The request's fields, as sent on the wire (without `id` and `op`).
    var fields: [String: JSONValue] {
        switch self {
        case .hello(let p): return p.client.map { ["client": .string($0)] } ?? [:]
        case .append(let p): return p.fields
        case .read(let p): return p.fields
        case .query(let q): return q.fields
        case .subscribe(let p): return p.fields
        case .backup(let p): return ["path": .string(p.path)]
        case .stats: return [:]
        case .forget(let p): return ["salesperson": .string(p.salesperson)]
        case .checkpoint: return [:]
        }
    }
}

extension Request {
    /// A request with typed parameters.
    public init(id: JSONValue, body: RequestBody) {
        self.init(id: id, op: body.op, fields: body.fields)
    }

    /// The parameters, checked: an unknown field, a missing required one or a
    /// wrong type is `bad_request` naming the field.
    public func body() throws(ProtocolError) -> RequestBody {
        switch op {
        case .hello:
            let f = try FieldAccess(fields, op: op, allowed: ["client"])
            return .hello(HelloParameters(client: try f.string("client")))
        case .append: return .append(try AppendParameters(fields))
        case .read: return .read(try ReadParameters(fields))
        case .query: return .query(try ProjectionQuery(fields))
        case .subscribe: return .subscribe(try SubscribeParameters(fields))
        case .backup:
            let f = try FieldAccess(fields, op: op, allowed: ["path"])
            return .backup(BackupParameters(path: try f.requiredString("path")))
        case .stats:
            _ = try FieldAccess(fields, op: op, allowed: [])
            return .stats
        case .forget:
            let f = try FieldAccess(fields, op: op, allowed: ["salesperson"])
            return .forget(ForgetParameters(salesperson: try f.requiredString("salesperson")))
        case .checkpoint:
            _ = try FieldAccess(fields, op: op, allowed: [])
            return .checkpoint
        }
    }
}

/// `hello`: an optional client name, for the daemon's log.
public struct HelloParameters: Sendable, Equatable {
    public var client: String?
    public init(client: String? = nil) { self.client = client }
}

/// One event as a client proposes it: its type and data as sent, and an
/// optional id for idempotent retries. The data's shape is checked against
/// the event type by `CoachingEvent(type:data:)`, which names the broken rule.
public struct ProposedEvent: Sendable, Equatable {
    public var type: String
    public var data: JSONValue
    /// Client-chosen id for idempotent retries; generated when nil.
    public var eventId: String?

    public init(type: String, data: JSONValue, eventId: String? = nil) {
        self.type = type
        self.data = data
        self.eventId = eventId
    }

    /// A typed event, in its canonical form.
    public init(_ event: CoachingEvent, eventId: String? = nil) {
        self.init(type: event.type.rawValue, data: event.canonicalData, eventId: eventId)
    }
}

/// `append`: events for one salesperson's stream, written atomically.
public struct AppendParameters: Sendable, Equatable {
    public var events: [ProposedEvent]
    /// When set, the append succeeds only if the stream's version is exactly this.
    public var expectedVersion: UInt64?

    public init(events: [ProposedEvent], expectedVersion: UInt64? = nil) {
        self.events = events
        self.expectedVersion = expectedVersion
    }

    static let allowed: Set<String> = ["events", "expectedVersion"]
    static let eventFields: Set<String> = ["type", "data", "eventId"]

    init(_ fields: [String: JSONValue]) throws(ProtocolError) {
        let f = try FieldAccess(fields, op: .append, allowed: Self.allowed)
        guard case .array(let items)? = f.value("events") else {
            throw ProtocolError(.badRequest, "append needs \"events\": an array of {type, data, eventId?}")
        }
        var events: [ProposedEvent] = []
        events.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            guard case .object(let o) = item else {
                throw ProtocolError(.badRequest, "events[\(index)] must be an object {type, data, eventId?}")
            }
            let event = try FieldAccess(o, op: .append, allowed: Self.eventFields)
            let type = try event.requiredString("type")
            // The data's shape is the request's shape: a missing or non-object data is bad_request;
            // what is inside it is checked against the event type's rules (validation).
            guard let data = o["data"] else {
                throw ProtocolError(.badRequest, "events[\(index)] has no \"data\"; send the \(type) fields as an object")
            }
            guard case .object = data else {
                throw ProtocolError(.badRequest, "events[\(index)].data must be a JSON object, not \(data.typeName)")
            }
            events.append(ProposedEvent(type: type, data: data, eventId: try event.string("eventId")))
        }
        self.events = events
        expectedVersion = try f.integer("expectedVersion", range: 0...Int64.max).map { UInt64($0) }
    }

    var fields: [String: JSONValue] {
        var o: [String: JSONValue] = [
            "events": .array(
                events.map { e in
                    var event: [String: JSONValue] = ["type": .string(e.type), "data": e.data]
                    if let id = e.eventId { event["eventId"] = .string(id) }
                    return .object(event)
                })
        ]
        if let expectedVersion { o["expectedVersion"] = .integer(Int64(expectedVersion)) }
        return o
    }
}

/// `read`: a page of the log after a position, optionally one salesperson's.
public struct ReadParameters: Sendable, Equatable {
    public static let defaultLimit = 1000
    public static let maximumLimit = 10_000

    public var after: UInt64
    public var limit: Int
    public var salesperson: String?
    /// Adds each event's `stored` bytes, which its `hash` covers (Protocol.md §4.6).
    public var stored: Bool

    public init(
        after: UInt64 = 0, limit: Int = ReadParameters.defaultLimit, salesperson: String? = nil, stored: Bool = false
    ) {
        self.after = after
        self.limit = limit
        self.salesperson = salesperson
        self.stored = stored
    }

    init(_ fields: [String: JSONValue]) throws(ProtocolError) {
        let f = try FieldAccess(fields, op: .read, allowed: ["after", "limit", "salesperson", "stored"])
        after = UInt64(try f.integer("after", range: 0...Int64.max) ?? 0)
        limit = Int(try f.integer("limit", range: 1...Int64(Self.maximumLimit)) ?? Int64(Self.defaultLimit))
        salesperson = try f.string("salesperson")
        stored = try f.bool("stored") ?? false
    }

    var fields: [String: JSONValue] {
        var o: [String: JSONValue] = ["after": .integer(Int64(after)), "limit": .integer(Int64(limit))]
        if let salesperson { o["salesperson"] = .string(salesperson) }
        if stored { o["stored"] = .bool(true) }
        return o
    }
}

/// `subscribe`: history after a position, then live events, optionally
/// filtered by salesperson (byte-exact) and event types.
public struct SubscribeParameters: Sendable, Equatable {
    public var after: UInt64
    public var salesperson: String?
    /// Nil for every type; never empty.
    public var types: Set<EventType>?

    public init(after: UInt64 = 0, salesperson: String? = nil, types: Set<EventType>? = nil) {
        self.after = after
        self.salesperson = salesperson
        self.types = types
    }

    init(_ fields: [String: JSONValue]) throws(ProtocolError) {
        let f = try FieldAccess(fields, op: .subscribe, allowed: ["after", "salesperson", "types"])
        after = UInt64(try f.integer("after", range: 0...Int64.max) ?? 0)
        salesperson = try f.string("salesperson")
        if let names = try f.strings("types") {
            guard !names.isEmpty else {
                throw ProtocolError(.badRequest, "\"types\" must name at least one event type, or be left out for all")
            }
            var types: Set<EventType> = []
            for name in names {
                guard let type = EventType(rawValue: name) else {
                    throw ProtocolError(.badRequest, "unknown event type \"\(name)\" in \"types\"; use \(EventType.wireNames)")
                }
                types.insert(type)
            }
            self.types = types
        } else {
            types = nil
        }
    }

    var fields: [String: JSONValue] {
        var o: [String: JSONValue] = ["after": .integer(Int64(after))]
        if let salesperson { o["salesperson"] = .string(salesperson) }
        if let types { o["types"] = .array(types.map(\.rawValue).sorted().map { .string($0) }) }
        return o
    }
}

/// `backup`: an absolute path, new, where the daemon may write.
public struct BackupParameters: Sendable, Equatable {
    public var path: String
    public init(path: String) { self.path = path }
}

/// `forget`: the salesperson whose data key the daemon destroys (operator only).
public struct ForgetParameters: Sendable, Equatable {
    public var salesperson: String
    public init(salesperson: String) { self.salesperson = salesperson }
}

import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import EventStore
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// What answering a request produced: the reply line, and for `subscribe`
/// the subscription to start once that line is written.
struct Outcome: Sendable {
    var bytes: [UInt8]
    var subscription: Subscription?
}

/// Turns requests into store calls and results into reply lines. Shared by
/// all connections; holds no per-connection state.
final class RequestRouter: RequestResponding {
    static let serverName = "coachlogd"
    static let version = "0.1.0"

    let store: EventStore
    let writer: AppendWriter
    let hub: SubscriptionHub
    let pool: NIOThreadPool
    let configuration: ServerConfiguration
    let logger: Logger
    let startedAt = Date()
    let connections = NIOLockedValueBox(0)

    init(
        store: EventStore, writer: AppendWriter, hub: SubscriptionHub, pool: NIOThreadPool,
        configuration: ServerConfiguration, logger: Logger
    ) {
        self.store = store
        self.writer = writer
        self.hub = hub
        self.pool = pool
        self.configuration = configuration
        self.logger = logger
    }

    func connectionOpened() { connections.withLockedValue { $0 += 1 } }
    func connectionClosed() { connections.withLockedValue { $0 -= 1 } }

    func handle(_ request: Request, readOnly: Bool, channel: any Channel) -> EventLoopFuture<Outcome> {
        let eventLoop = channel.eventLoop
        if readOnly && !request.op.isReadOnly {
            return eventLoop.makeSucceededFuture(
                failure(request.id, ProtocolError(.forbidden, "\(request.op.rawValue) is not allowed on the read-only socket; use the main socket")))
        }
        let result: EventLoopFuture<JSONValue>
        var subscription: Subscription?
        do {
            switch request.op {
            case .hello: result = eventLoop.makeSucceededFuture(try hello(request, readOnly: readOnly))
            case .append: result = try append(request, eventLoop: eventLoop)
            case .read: result = try read(request, eventLoop: eventLoop)
            case .query: result = try query(request, eventLoop: eventLoop)
            case .stats: result = try stats(request, eventLoop: eventLoop)
            case .backup: result = try backup(request, eventLoop: eventLoop)
            case .subscribe:
                let s = try subscribe(request, channel: channel)
                subscription = s
                result = eventLoop.makeSucceededFuture(["subscribed": true])
            }
        } catch {
            return eventLoop.makeSucceededFuture(failure(request.id, Self.protocolError(error)))
        }
        let id = request.id
        let started = subscription
        return result.map { value in
            Outcome(bytes: Reply.ok(id: id, result: value), subscription: started)
        }.recover { error in
            self.failure(id, Self.protocolError(error))
        }
    }

    func failure(_ id: JSONValue, _ error: ProtocolError) -> Outcome {
        if error.code == .internal { logger.error("internal error: \(error.message)") }
        return Outcome(bytes: Reply.error(id: id, error), subscription: nil)
    }

    /// The one place where errors become wire codes.
    static func protocolError(_ error: any Error) -> ProtocolError {
        switch error {
        case let e as ProtocolError: return e
        case let e as StoreError:
            switch e.kind {
            case .validation: return ProtocolError(.validation, e.message, rule: e.rule)
            case .conflict: return ProtocolError(.conflict, e.message)
            case .notFound: return ProtocolError(.notFound, e.message)
            case .badRequest: return ProtocolError(.badRequest, e.message)
            case .unavailable: return ProtocolError(.unavailable, e.message)
            case .format, .locked, .storage: return ProtocolError(.internal, e.message)
            }
        case let e as DomainError: return ProtocolError(.validation, e.message, rule: e.rule)
        case let e as NotFound: return ProtocolError(.notFound, e.message)
        case is NIOThreadPoolError.ThreadPoolInactive:
            return ProtocolError(.unavailable, "coachlogd is shutting down; retry once it is back")
        default: return ProtocolError(.internal, "unexpected failure: \(error)")
        }
    }

    // MARK: Operations

    func hello(_ request: Request, readOnly: Bool) throws -> JSONValue {
        _ = try FieldAccess(request.fields, op: .hello, allowed: ["client"])
        return [
            "server": .string(Self.serverName), "version": .string(Self.version),
            "protocol": .integer(Int64(Request.protocolVersion)),
            "ops": .array(Operation.allCases.filter { !readOnly || $0.isReadOnly }.map { .string($0.rawValue) }),
            "maxLineBytes": .integer(Int64(configuration.maximumLineBytes)), "readOnly": .bool(readOnly),
        ]
    }

    // Built once: append is the hot path.
    static let appendFields: Set<String> = ["events", "expectedVersion"]
    static let eventFields: Set<String> = ["type", "data", "eventId"]

    func append(_ request: Request, eventLoop: any EventLoop) throws -> EventLoopFuture<JSONValue> {
        let fields = try FieldAccess(request.fields, op: .append, allowed: Self.appendFields)
        guard case .array(let items)? = fields.fields["events"] else {
            throw ProtocolError(.badRequest, "append needs \"events\": an array of {type, data, eventId?}")
        }
        var events: [ProposedEvent] = []
        for (index, item) in items.enumerated() {
            guard case .object(let o) = item else {
                throw ProtocolError(.badRequest, "events[\(index)] must be an object {type, data, eventId?}")
            }
            let event = try FieldAccess(o, op: .append, allowed: Self.eventFields)
            let type = try event.requiredString("type")
            guard let data = o["data"] else { throw ProtocolError(.badRequest, "events[\(index)] has no \"data\"") }
            events.append(ProposedEvent(type: type, data: data, eventId: try event.string("eventId")))
        }
        let expected = try fields.integer("expectedVersion", range: 0...Int64.max).map { UInt64($0) }
        let prepared = try AppendRequest(events: events, expectedVersion: expected).prepare()
        let promise = eventLoop.makePromise(of: AppendResult.self)
        writer.submit(prepared, promise: promise)
        return promise.futureResult.map { r in
            [
                "positions": .array(r.positions.map { .integer(Int64($0)) }),
                "streamVersion": .integer(Int64(r.streamVersion)), "replayed": .bool(r.replayed),
            ]
        }
    }

    func read(_ request: Request, eventLoop: any EventLoop) throws -> EventLoopFuture<JSONValue> {
        let fields = try FieldAccess(request.fields, op: .read, allowed: ["after", "limit", "salesperson"])
        let after = UInt64(try fields.integer("after", range: 0...Int64.max) ?? 0)
        let limit = Int(
            try fields.integer("limit", range: 1...Int64(EventStore.maximumReadLimit)) ?? Int64(EventStore.defaultReadLimit))
        let salesperson = try fields.string("salesperson")
        let store = self.store
        return pool.runIfActive(eventLoop: eventLoop) {
            let (events, next) = try store.read(after: after, limit: limit, salesperson: salesperson)
            return ["events": .array(events.map(\.json)), "next": .integer(Int64(next))]
        }
    }

    func query(_ request: Request, eventLoop: any EventLoop) throws -> EventLoopFuture<JSONValue> {
        let query = try ProjectionQuery(request.fields, now: .now)
        let store = self.store
        // One salesperson's record is small: answering on the event loop costs
        // less than two thread hops. Coach- and organisation-wide queries can
        // take milliseconds, so they go to the thread pool.
        if case .salesperson = query.scope {
            return eventLoop.makeCompletedFuture { try store.query { model in try query.run(model) } }
        }
        return pool.runIfActive(eventLoop: eventLoop) {
            try store.query { model in try query.run(model) }
        }
    }

    func stats(_ request: Request, eventLoop: any EventLoop) throws -> EventLoopFuture<JSONValue> {
        _ = try FieldAccess(request.fields, op: .stats, allowed: [])
        let store = self.store
        let connections = self.connections.withLockedValue { $0 }
        let subscribers = hub.count
        let uptime = Date().timeIntervalSince(startedAt)
        let startedAt = Timestamp(milliseconds: Int64(self.startedAt.timeIntervalSince1970 * 1000)).iso8601
        return pool.runIfActive(eventLoop: eventLoop) {
            let s = try store.statistics()
            return [
                "server": .string(Self.serverName), "version": .string(Self.version),
                "position": .integer(Int64(s.position)), "events": .integer(Int64(s.events)),
                "salespeople": .integer(Int64(s.salespeople)), "connections": .integer(Int64(connections)),
                "subscribers": .integer(Int64(subscribers)), "uptimeSeconds": .double(uptime),
                "startedAt": .string(startedAt), "storeBytes": .integer(Int64(s.fileBytes)),
                "usedBytes": .integer(Int64(s.usedBytes)), "mapBytes": .integer(Int64(s.mapBytes)),
                "dataFolder": .string(store.directory),
            ]
        }
    }

    func backup(_ request: Request, eventLoop: any EventLoop) throws -> EventLoopFuture<JSONValue> {
        let fields = try FieldAccess(request.fields, op: .backup, allowed: ["path"])
        let path = try fields.requiredString("path")
        guard path.hasPrefix("/") else {
            throw ProtocolError(.badRequest, "backup \"path\" must be absolute (the daemon's working folder is not yours)")
        }
        let store = self.store
        let logger = self.logger
        return pool.runIfActive(eventLoop: eventLoop) {
            let started = Date()
            let (bytes, position) = try store.backup(to: path)
            logger.info("backup written to \(path): \(bytes) bytes through position \(position)")
            return [
                "path": .string(path), "bytes": .integer(Int64(bytes)), "position": .integer(Int64(position)),
                "seconds": .double(Date().timeIntervalSince(started)),
            ]
        }
    }

    func subscribe(_ request: Request, channel: any Channel) throws -> Subscription {
        let fields = try FieldAccess(request.fields, op: .subscribe, allowed: ["after", "salesperson", "types"])
        let after = UInt64(try fields.integer("after", range: 0...Int64.max) ?? 0)
        var types: Set<EventType>?
        if let names = try fields.strings("types") {
            guard !names.isEmpty else {
                throw ProtocolError(.badRequest, "\"types\" must name at least one event type, or be left out for all")
            }
            types = []
            for name in names {
                guard let type = EventType(rawValue: name) else {
                    throw ProtocolError(.badRequest, "unknown event type \"\(name)\" in \"types\"; use \(EventType.wireNames)")
                }
                types?.insert(type)
            }
        }
        let subscription = Subscription(
            id: request.id, after: after, filter: SubscriptionFilter(salesperson: try fields.string("salesperson"), types: types),
            channel: channel, store: store, pool: pool, hub: hub, logger: logger,
            maximumPendingBytes: configuration.maximumSubscriberPendingBytes)
        subscription.register()
        return subscription
    }
}

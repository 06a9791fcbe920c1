import CoachLogAccess
import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import EventStore
import HashChain
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
    /// Who may do what (single-user mode: everyone is an operator).
    let access: AccessControl
    let startedAt = Date()
    let connections = NIOLockedValueBox(0)
    /// Completes once the store's read model is loaded; nil when it already is.
    /// Until then every request but `hello` waits for it.
    let loaded: EventLoopFuture<Void>?
    private let isLoaded = NIOLockedValueBox(false)

    init(
        store: EventStore, writer: AppendWriter, hub: SubscriptionHub, pool: NIOThreadPool,
        configuration: ServerConfiguration, logger: Logger, loaded: EventLoopFuture<Void>? = nil, access: AccessControl? = nil
    ) {
        self.access = access ?? AccessControl(singleUserWith: logger)
        self.loaded = loaded
        loaded?.whenSuccess { [isLoaded] in isLoaded.withLockedValue { $0 = true } }
        self.store = store
        self.writer = writer
        self.hub = hub
        self.pool = pool
        self.configuration = configuration
        self.logger = logger
    }

    func connectionOpened() { connections.withLockedValue { $0 += 1 } }
    func connectionClosed() { connections.withLockedValue { $0 -= 1 } }

    func handle(_ request: Request, peer: PeerCredentials?, readOnly: Bool, channel: any Channel) -> EventLoopFuture<Outcome> {
        let eventLoop = channel.eventLoop
        if readOnly && !request.op.isReadOnly {
            let message = "\(request.op.rawValue) is not allowed on the read-only socket; use the main socket"
            access.refusedOnReadOnlySocket(request.op, message: message, peer: peer)
            return eventLoop.makeSucceededFuture(failure(request.id, ProtocolError(.forbidden, message)))
        }
        if request.op != .hello, let loaded, !isLoaded.withLockedValue({ $0 }) {
            // Answered in order like any other: the connection's state machine keeps replies in sequence.
            return loaded.hop(to: eventLoop).flatMap {
                self.handle(request, peer: peer, readOnly: readOnly, channel: channel)
            }.flatMapError { error in
                eventLoop.makeSucceededFuture(self.failure(request.id, Self.protocolError(error)))
            }
        }
        let result: EventLoopFuture<JSONValue>
        var subscription: Subscription?
        var role = Role.operator
        do {
            let body = try request.body()
            // The one gate: the peer's role decides, before anything is read or written.
            var withoutFreeText = false
            if !access.isSingleUser {
                role = access.role(of: peer)
                let decision = access.decide(body, role: role, peer: peer, store: store)
                if case .forbidden(let message) = decision.verdict { throw ProtocolError(.forbidden, message) }
                withoutFreeText = decision.withoutFreeText
            }
            switch body {
            case .hello: result = eventLoop.makeSucceededFuture(try hello(readOnly: readOnly, role: role).wire)
            case .append(let p): result = try append(p, eventLoop: eventLoop)
            case .read(let p): result = read(p, withoutFreeText: withoutFreeText, eventLoop: eventLoop)
            case .query(let q): result = query(q, withoutFreeText: withoutFreeText, eventLoop: eventLoop)
            case .stats: result = stats(eventLoop: eventLoop)
            case .backup(let p): result = try backup(p, eventLoop: eventLoop)
            case .forget(let p): result = forget(p, eventLoop: eventLoop)
            case .checkpoint: result = try checkpoint(eventLoop: eventLoop)
            case .subscribe(let p):
                // Decided again before each batch: the access file may be reloaded, and a coach's
                // salesperson may change coach.
                let recheck = access.isSingleUser ? nil : access.recheck(body, role: role, peer: peer, store: store)
                let s = subscribe(p, withoutFreeText: withoutFreeText, recheck: recheck, id: request.id, channel: channel)
                subscription = s
                result = eventLoop.makeSucceededFuture(try SubscribeReply().wire)
            }
        } catch {
            return eventLoop.makeSucceededFuture(failure(request.id, Self.protocolError(error)))
        }
        let id = request.id
        let started = subscription
        let guarded = !access.isSingleUser && role != .operator
        return result.map { value in
            Outcome(bytes: Reply.ok(id: id, result: value), subscription: started)
        }.recover { error in
            let refusal = Self.protocolError(error)
            return self.failure(id, guarded ? Self.withoutOthersNames(refusal) : refusal)
        }
    }

    /// The look-alike guardrail names the salesperson on record whom a new
    /// name resembles: a role that may not read everyone learns only that
    /// there is one.
    static func withoutOthersNames(_ error: ProtocolError) -> ProtocolError {
        guard error.rule == "salesperson.similar" else { return error }
        var generic = error
        generic.message =
            "the name looks like that of a salesperson already on record; check the spelling, or confirm a new person (data.newSalesperson: true)"
        return generic
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

    func hello(readOnly: Bool, role: Role = .operator) -> HelloReply {
        HelloReply(
            server: Self.serverName, version: Self.version, protocol: Request.protocolVersion,
            ops: role.operations.filter { !readOnly || $0.isReadOnly }, maxLineBytes: configuration.maximumLineBytes,
            readOnly: readOnly, role: role.description, head: try? store.chainHead())
    }

    func append(_ parameters: AppendParameters, eventLoop: any EventLoop) throws -> EventLoopFuture<JSONValue> {
        let prepared = try AppendRequest(events: parameters.events, expectedVersion: parameters.expectedVersion).prepare()
        let promise = eventLoop.makePromise(of: AppendResult.self)
        writer.submit(prepared, promise: promise)
        return promise.futureResult.flatMapThrowing { r in
            try AppendReply(positions: r.positions, streamVersion: r.streamVersion, replayed: r.replayed).wire
        }
    }

    func read(_ p: ReadParameters, withoutFreeText: Bool = false, eventLoop: any EventLoop) -> EventLoopFuture<JSONValue> {
        let store = self.store
        return pool.runIfActive(eventLoop: eventLoop) {
            let (events, next) = try store.read(
                after: p.after, limit: p.limit, salesperson: p.salesperson, withStored: p.stored)
            let reply = ReadReply(events: events, next: next)
            return try (withoutFreeText ? reply.withoutFreeText() : reply).wire
        }
    }

    func query(_ query: ProjectionQuery, withoutFreeText: Bool = false, eventLoop: any EventLoop) -> EventLoopFuture<JSONValue> {
        guard let minPosition = query.minPosition, minPosition > 0 else {
            return answer(query, withoutFreeText: withoutFreeText, eventLoop: eventLoop)
        }
        return reached(minPosition, eventLoop: eventLoop).flatMap {
            self.answer(query, withoutFreeText: withoutFreeText, eventLoop: eventLoop)
        }
    }

    /// How often a query waiting for `minPosition` looks at the head again.
    static let minPositionRecheck = TimeAmount.milliseconds(1)

    /// Succeeds once the store's head reaches `position`, or fails with
    /// `unavailable` after `ProjectionQuery.minPositionWait`. Queries answer
    /// from projections that include every acknowledged event: the store's
    /// projected position is the head once a group commit is folded. The wait is a task re-scheduled on the
    /// channel's event loop: no thread blocks, and reading the head is one
    /// short read transaction.
    func reached(_ position: UInt64, eventLoop: any EventLoop) -> EventLoopFuture<Void> {
        let store = self.store
        let promise = eventLoop.makePromise(of: Void.self)
        let wait = ProjectionQuery.minPositionWait.components
        let deadline = NIODeadline.now() + .nanoseconds(wait.seconds * 1_000_000_000 + wait.attoseconds / 1_000_000_000)
        @Sendable func check() {
            do {
                let head = try store.projectedPosition()
                if head >= position {
                    promise.succeed(())
                } else if NIODeadline.now() >= deadline {
                    promise.fail(ProtocolError(
                        .unavailable,
                        "the daemon is at head \(head), behind minPosition \(position), after waiting \(wait.seconds) s; retry later"))
                } else {
                    // A task cancelled by the event loop's shutdown still answers the query.
                    eventLoop.scheduleTask(in: Self.minPositionRecheck) { check() }.futureResult.whenFailure { _ in
                        promise.fail(ProtocolError(.unavailable, "coachlogd is shutting down; retry once it is back"))
                    }
                }
            } catch {
                promise.fail(error)
            }
        }
        check()
        return promise.futureResult
    }

    func answer(_ query: ProjectionQuery, withoutFreeText: Bool = false, eventLoop: any EventLoop) -> EventLoopFuture<JSONValue> {
        let store = self.store
        let asOf = query.asOf ?? .instant(.now)
        // One salesperson's record is small, and the organisation's follow-through
        // reads day totals (when the model keeps them): answering on the event loop
        // costs less than two thread hops. Coach- and other organisation-wide
        // views can take milliseconds, so they go to the thread pool.
        if case .salesperson = query.scope {
            return eventLoop.makeCompletedFuture { try store.query { model in try Self.run(query, asOf: asOf, model, withoutFreeText: withoutFreeText) } }
        }
        if query.projection == .followThrough, query.scope == .everyone, store.keepsOrganisationTotals {
            return eventLoop.makeCompletedFuture { try store.query { model in try Self.run(query, asOf: asOf, model, withoutFreeText: withoutFreeText) } }
        }
        return pool.runIfActive(eventLoop: eventLoop) {
            try store.query { model in try Self.run(query, asOf: asOf, model, withoutFreeText: withoutFreeText) }
        }
    }

    /// The domain computes the projection; the shell only encodes it.
    static func run(_ q: ProjectionQuery, asOf: AsOf, _ model: some CoachingReadModel, withoutFreeText: Bool = false) throws -> JSONValue {
        /// A report that holds free text, without it when the role may not see it.
        func redacted<R: WireResult & FreeTextRedactable>(_ report: R) throws -> JSONValue {
            try (withoutFreeText ? report.withoutFreeText() : report).wire
        }
        switch q.projection {
        case .followThrough: return try Projections.followThrough(scope: q.scope, weeks: q.weeks, asOf: asOf, model: model).wire
        case .openCommitments:
            return try redacted(Projections.openCommitments(scope: q.scope, overdueOnly: q.overdueOnly, asOf: asOf, model: model))
        case .cadence: return try Projections.cadence(scope: q.scope, asOf: asOf, model: model).wire
        case .goals:
            // Without asOf, every goal on record; `weeks` alone counts back from now.
            let end = q.asOf ?? (q.weeks == nil ? nil : asOf)
            return try redacted(Projections.goals(salesperson: q.salesperson ?? "", weeks: q.weeks, asOf: end, model: model))
        case .topics: return try Projections.topics(salesperson: q.salesperson ?? "", asOf: asOf, model: model).wire
        case .sessions: return try Projections.sessions(salesperson: q.salesperson ?? "", model: model).wire
        case .team:
            return try Projections.team(scope: q.scope, weeks: q.weeks, trendWeeks: q.trendWeeks, asOf: asOf, model: model).wire
        case .prep: return try redacted(Projections.prep(salesperson: q.salesperson ?? "", asOf: asOf, model: model))
        }
    }

    func stats(eventLoop: any EventLoop) -> EventLoopFuture<JSONValue> {
        let store = self.store
        let connections = self.connections.withLockedValue { $0 }
        let subscribers = hub.count
        let uptime = Date().timeIntervalSince(startedAt)
        let startedAt = Timestamp(milliseconds: Int64(self.startedAt.timeIntervalSince1970 * 1000))
        let refusals = access.refusals
        return pool.runIfActive(eventLoop: eventLoop) {
            let s = try store.statistics()
            let head = try store.chainHead()
            return try StatsReply(
                server: Self.serverName, version: Self.version, position: s.position, projectedPosition: s.projectedPosition,
                events: s.events,
                salespeople: s.salespeople, connections: connections, subscribers: subscribers, uptimeSeconds: uptime,
                startedAt: startedAt, storeBytes: s.fileBytes, usedBytes: s.usedBytes, mapBytes: s.mapBytes,
                dataFolder: store.directory, refusals: refusals, head: head
            ).wire
        }
    }

    func backup(_ p: BackupParameters, eventLoop: any EventLoop) throws -> EventLoopFuture<JSONValue> {
        guard p.path.hasPrefix("/") else {
            throw ProtocolError(.badRequest, "backup \"path\" must be absolute (the daemon's working folder is not yours)")
        }
        let store = self.store
        let logger = self.logger
        let key = configuration.signingKey
        return pool.runIfActive(eventLoop: eventLoop) {
            let started = Date()
            // Kept in the store before the copy starts, so the copy holds it: restore checks the copy against it.
            // Best effort: a daemon without a signing key, or one refusing to sign a log changed behind its
            // back, still writes the copy (which is then evidence too).
            let signed = store.tampering == nil ? try key.map { key in try store.signHead(with: key, now: .now) } : nil
            let (bytes, position) = try store.backup(to: p.path)
            logger.info("backup written to \(p.path): \(bytes) bytes through position \(position)")
            return try BackupReply(
                path: p.path, bytes: bytes, position: position, seconds: Date().timeIntervalSince(started),
                signedHead: signed.map(CheckpointReply.init)
            ).wire
        }
    }

    func checkpoint(eventLoop: any EventLoop) throws -> EventLoopFuture<JSONValue> {
        let store = self.store
        let logger = self.logger
        let key = try signingKey()
        return pool.runIfActive(eventLoop: eventLoop) {
            let signed = try store.signHead(with: key, now: .now)
            logger.info("signed the head at position \(signed.position): \(signed.hash.hex)")
            return try CheckpointReply(signed).wire
        }
    }

    private func signingKey() throws -> SigningKey {
        guard let key = configuration.signingKey else {
            throw ProtocolError(
                .unavailable, "this coachlogd has no signing key; start it with --signing-key FILE (docs/operations.md, \"Tamper evidence\")")
        }
        return key
    }

    func forget(_ p: ForgetParameters, eventLoop: any EventLoop) -> EventLoopFuture<JSONValue> {
        let store = self.store
        let hub = self.hub
        let logger = self.logger
        return pool.runIfActive(eventLoop: eventLoop) {
            // Published under the store's writer lock: no later append reaches subscribers first.
            let outcome = try store.forget(salesperson: p.salesperson, now: .now) { events in hub.publish(events) }
            guard let first = outcome.events.first else {
                return try ForgetReply(pseudonym: outcome.pseudonym, aliases: [], position: nil, forgotten: false).wire
            }
            // Logged by pseudonym: the name is what was just erased.
            logger.notice("forgot a salesperson: now \(first.salesperson), at position \(first.position)")
            return try ForgetReply(
                pseudonym: outcome.pseudonym, aliases: outcome.aliases, position: first.position, forgotten: true
            ).wire
        }
    }

    func subscribe(
        _ p: SubscribeParameters, withoutFreeText: Bool = false, recheck: (@Sendable () -> String?)? = nil, id: JSONValue,
        channel: any Channel
    ) -> Subscription {
        let subscription = Subscription(
            id: id, after: p.after,
            filter: SubscriptionFilter(
                salesperson: p.salesperson, types: p.types, withoutFreeText: withoutFreeText, recheck: recheck),
            channel: channel, store: store, pool: pool, hub: hub, logger: logger,
            maximumPendingBytes: configuration.maximumSubscriberPendingBytes)
        subscription.register()
        return subscription
    }
}

import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import Foundation
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// What changed in the record since the last batch.
public struct ChangeBatch: Sendable, Equatable {
    /// The highest log position among the batch's events.
    public var position: UInt64
    /// The salespeople whose events arrived, in byte order.
    public var salespeople: [String]
}

/// What the live feed tells an open page.
public enum LiveSignal: Sendable, Equatable {
    /// Something was recorded; pages showing these salespeople should reload their content.
    case change(ChangeBatch)
    /// The feed follows everything it should (true), or lost a connection to coachlogd (false).
    case connected(Bool)
    /// Nothing happened for a while: keeps proxies from closing the stream.
    case heartbeat
}

/// Follows coachlogd's `subscribe` and tells every open page what changed,
/// in batches of at most one every 200 ms, so a burst of appends costs each
/// page one refresh. The daemon is never polled.
///
/// The feed follows what the daemon lets this dashboard follow: the operator
/// and the `dashboard` role subscribe to everything from the current
/// position; a coach (who may subscribe only to their own people, one
/// subscription each, 16 per connection) subscribes per salesperson. The
/// plan is made again when the overview shows a coach a different team, and
/// when the daemon refuses the feed (the access file changed the role).
///
/// A broken connection is retried every second from the last event the feed
/// received, so nothing is missed. As a `Service` it ends on graceful
/// shutdown (or cancellation), and ends every page's event stream with it.
public final class LiveFeed: Service, Sendable {
    static let batchInterval = Duration.milliseconds(200)
    static let heartbeatInterval = Duration.seconds(15)
    static let subscriptionsPerConnection = 16

    private struct Pending {
        var position: UInt64 = 0
        var names: Set<String> = []
        var dirty = false
    }

    private struct State {
        var listeners: [UInt64: AsyncStream<LiveSignal>.Continuation] = [:]
        var nextListener: UInt64 = 0
        var reportedConnected: Bool? = nil
        var stopped = false
        /// The people followed one by one (a coach's team), or nil for everything.
        var people: [String]? = nil
        /// Bumped whenever the plan changes: followers of an older plan stop.
        var generation = 0
        /// The current plan's connections, and which of them follow now.
        var groups = 0
        var upGroups: Set<Int> = []
        var planned = false
        /// After this position the feed resumes: the last event it received.
        var resumeAfter: UInt64 = 0
        var connections: [ObjectIdentifier: FollowerSocket] = [:]

        /// Following everything it should: every connection of the plan is up (a plan with
        /// nothing to follow is trivially so).
        var connected: Bool { planned && upGroups.count == groups }
    }

    private let gateway: DaemonGateway
    private let logger: Logger
    private let pending = NIOLockedValueBox(Pending())
    private let state = NIOLockedValueBox(State())

    /// A feed for the daemon behind `gateway`; it starts following when run.
    public init(gateway: DaemonGateway, logger: Logger) {
        self.gateway = gateway
        self.logger = logger
    }

    /// The number of pages listening now.
    public var listenerCount: Int { state.withLockedValue { $0.listeners.count } }

    /// Whether the feed follows everything it should now.
    public var isConnected: Bool { state.withLockedValue { $0.connected } }

    /// A page's stream of signals; it finishes when the feed stops. Call `stopListening` when the page goes.
    public func listen() -> (id: UInt64, signals: AsyncStream<LiveSignal>) {
        let (stream, continuation) = AsyncStream.makeStream(of: LiveSignal.self, bufferingPolicy: .bufferingNewest(32))
        let (id, stopped, connected) = state.withLockedValue { state in
            state.nextListener += 1
            if !state.stopped { state.listeners[state.nextListener] = continuation }
            return (state.nextListener, state.stopped, state.connected)
        }
        if stopped {
            continuation.finish()
        } else {
            continuation.yield(.connected(connected))
        }
        return (id, stream)
    }

    /// Ends a page's stream (the page went away).
    public func stopListening(_ id: UInt64) {
        let continuation = state.withLockedValue { $0.listeners.removeValue(forKey: id) }
        continuation?.finish()
    }

    /// Follows exactly these salespeople (a coach's team as the overview showed it), if that differs from now.
    public func follow(people: [String]) {
        let sorted = people.sorted()
        let changed = state.withLockedValue { state -> Bool in
            state.planned && state.people != nil && state.people != sorted && !state.stopped
        }
        if changed {
            logger.info("live feed: following \(sorted.count) salespeople one by one")
            adopt(sorted)
        }
    }

    /// Follows until graceful shutdown or cancellation.
    public func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                // Asking what to follow waits for the daemon, so a shutdown must be able to end it too.
                guard let plan = await plan() else { return }
                adopt(plan)
                var sinceHeartbeat = Duration.zero
                while !Task.isCancelled {
                    try? await Task.sleep(for: Self.batchInterval)
                    if state.withLockedValue({ $0.stopped }) { break }
                    sinceHeartbeat += Self.batchInterval
                    var signals: [LiveSignal] = []
                    if let batch = takeBatch() {
                        gateway.observe(position: batch.position)
                        signals.append(.change(batch))
                    }
                    if let connected = connectionChange() { signals.append(.connected(connected)) }
                    if signals.isEmpty, sinceHeartbeat >= Self.heartbeatInterval { signals.append(.heartbeat) }
                    if !signals.isEmpty {
                        sinceHeartbeat = .zero
                        broadcast(signals)
                    }
                }
            } onCancel: {
                self.stop()
            }
        } onGracefulShutdown: {
            self.stop()
        }
        stop()
    }

    /// Stops following and ends every page's stream (idempotent).
    public func stop() {
        let (listeners, connections) = state.withLockedValue { state in
            state.stopped = true
            state.generation += 1
            defer {
                state.listeners.removeAll()
                state.connections.removeAll()
            }
            return (Array(state.listeners.values), Array(state.connections.values))
        }
        for socket in connections { socket.connection.cancel() }
        for listener in listeners { listener.finish() }
    }

    // MARK: Planning

    /// What this dashboard may follow: `.some(nil)` everything, `.some(names)` those salespeople;
    /// nil when the feed stopped before the daemon answered.
    private func plan() async -> [String]?? {
        var attempts = 0
        while !state.withLockedValue({ $0.stopped }), !Task.isCancelled {
            attempts += 1
            do {
                let hello = try HelloReply(wire: try await gateway.request(.hello(HelloParameters(client: "coachlog-dashboard"))))
                switch Viewer(role: hello.role) {
                case .everyone, .numbersOnly: return .some(nil)
                case .salesperson(let name): return [name]
                case .coach(let name):
                    let team = try TeamReport(wire: try await gateway.request(.query(ProjectionQuery(.team, scope: .coach(name)))))
                    return team.salespeople.map(\.salesperson).sorted()
                case .nobody: return []
                }
            } catch GatewayError.refused(let error) where error.code == .notFound {
                return []  // a coach with nobody yet: the overview plans again once there is someone
            } catch {
                // Once as a warning, then quietly: a daemon that is down for an hour should not fill the log.
                logger.log(
                    level: attempts == 1 ? .warning : .debug,
                    "live feed: cannot ask coachlogd what to follow (\(error)); retrying every second")
                do {
                    try await Task.sleep(for: .seconds(1))
                } catch {
                    return nil
                }
            }
        }
        return nil
    }

    /// Makes `people` the plan (nil: everything) and starts its followers; those of the old plan stop.
    private func adopt(_ people: [String]?) {
        let groups: [[String]?]
        if let people {
            groups = stride(from: 0, to: people.count, by: Self.subscriptionsPerConnection).map {
                Array(people[$0..<min($0 + Self.subscriptionsPerConnection, people.count)])
            }
        } else {
            groups = [nil]
        }
        let adopted = state.withLockedValue { state -> (generation: Int, old: [FollowerSocket])? in
            guard !state.stopped else { return nil }
            state.people = people
            state.generation += 1
            state.groups = groups.count
            state.upGroups = []
            state.planned = true
            defer { state.connections.removeAll() }
            return (state.generation, Array(state.connections.values))
        }
        guard let adopted else { return }
        for socket in adopted.old { socket.connection.cancel() }
        for (index, group) in groups.enumerated() {
            let thread = Thread { [self] in self.follow(group, index: index, generation: adopted.generation) }
            thread.name = "coachlog-dashboard live feed"
            thread.start()
        }
    }

    /// Asks the daemon again what to follow: it refused what the feed followed.
    private func replan(after generation: Int) {
        guard isCurrent(generation) else { return }
        Task {
            guard let plan = await plan(), isCurrent(generation) else { return }
            adopt(plan)
        }
    }

    private func isCurrent(_ generation: Int) -> Bool {
        state.withLockedValue { !$0.stopped && $0.generation == generation }
    }

    // MARK: Following (a blocking thread per connection)

    private func follow(_ group: [String]?, index: Int, generation: Int) {
        var failures = 0
        while isCurrent(generation) {
            do {
                let connection = try Connection(path: gateway.socketPath)
                let key = ObjectIdentifier(connection)
                let registered = state.withLockedValue { state -> Bool in
                    guard !state.stopped, state.generation == generation else { return false }
                    state.connections[key] = FollowerSocket(connection)
                    return true
                }
                guard registered else { return }
                defer { _ = state.withLockedValue { $0.connections.removeValue(forKey: key) } }
                var live = try subscribe(connection, group)
                setUp(index, generation: generation, true)
                if failures > 0 { logger.notice("live feed: following coachlogd again") }
                failures = 0
                while true {
                    switch try connection.receive() {
                    case .event(_, let envelope): record(envelope)
                    case .ok: continue
                    case .error(let id, let error):
                        // One salesperson's subscription ended (they moved to another coach): the others go on.
                        live.remove(id)
                        logger.notice("live feed: a subscription ended: \(error.message)")
                        if error.code == .forbidden, live.isEmpty || group == nil {
                            replan(after: generation)
                            return
                        }
                        if live.isEmpty { throw ClientError.refused(error) }
                    }
                }
            } catch {
                guard isCurrent(generation) else { return }
                setUp(index, generation: generation, false)
                failures += 1
                logger.log(level: failures == 1 ? .warning : .debug, "live feed: \(error); reconnecting every second")
                if case ClientError.refused(let refusal) = error, refusal.code == .forbidden {
                    replan(after: generation)
                    return
                }
                Thread.sleep(forTimeInterval: 1)
            }
        }
    }

    /// Sends the subscriptions and waits for their replies; returns the ids still live. One refused for
    /// a single salesperson (moved to another coach) is logged and skipped.
    private func subscribe(_ connection: Connection, _ group: [String]?) throws -> Set<JSONValue> {
        var after = state.withLockedValue { $0.resumeAfter }
        if group == nil, after == 0 {
            after = try connection.request(.stats, as: StatsReply.self).position
            state.withLockedValue { $0.resumeAfter = max($0.resumeAfter, after) }
        }
        let names = group ?? [""]
        var live: Set<JSONValue> = []
        for (index, name) in names.enumerated() {
            var fields: [String: JSONValue] = ["after": .integer(Int64(after))]
            if group != nil { fields["salesperson"] = .string(name) }
            let id = JSONValue.string("live-\(index)")
            live.insert(id)
            try connection.send(Request(id: id, op: .subscribe, fields: fields))
        }
        var answered = 0
        while answered < names.count {
            switch try connection.receive() {
            case .ok: answered += 1
            case .error(let id, let error):
                guard group != nil, live.contains(id) else { throw ClientError.refused(error) }
                answered += 1
                live.remove(id)
                logger.notice("live feed: not following one salesperson: \(error.message)")
            case .event(_, let envelope): record(envelope)
            }
        }
        if live.isEmpty, group?.isEmpty == false { throw ClientError.refused(ProtocolError(.forbidden, "no salesperson may be followed")) }
        return live
    }

    private func record(_ envelope: JSONValue) {
        guard case .object(let members) = envelope, case .integer(let raw)? = members["position"], raw >= 0 else { return }
        let position = UInt64(raw)
        let name: String?
        if case .string(let salesperson)? = members["salesperson"] { name = salesperson } else { name = nil }
        state.withLockedValue { $0.resumeAfter = max($0.resumeAfter, position) }
        pending.withLockedValue { pending in
            pending.position = max(pending.position, position)
            if let name { pending.names.insert(name) }
            pending.dirty = true
        }
    }

    private func setUp(_ index: Int, generation: Int, _ up: Bool) {
        state.withLockedValue { state in
            guard state.generation == generation else { return }
            if up { state.upGroups.insert(index) } else { state.upGroups.remove(index) }
        }
    }

    private func takeBatch() -> ChangeBatch? {
        pending.withLockedValue { pending in
            guard pending.dirty else { return nil }
            defer {
                pending.names.removeAll()
                pending.dirty = false
            }
            return ChangeBatch(position: pending.position, salespeople: pending.names.sorted())
        }
    }

    private func connectionChange() -> Bool? {
        state.withLockedValue { state in
            let now = state.connected
            guard now != state.reportedConnected else { return nil }
            state.reportedConnected = now
            return now
        }
    }

    private func broadcast(_ signals: [LiveSignal]) {
        let listeners = state.withLockedValue { Array($0.listeners.values) }
        for listener in listeners {
            for signal in signals { listener.yield(signal) }
        }
    }
}

extension LiveSignal {
    /// The signal as one server-sent event.
    var serverSentEvent: String {
        switch self {
        case .change(let batch):
            let names = JSONWriter.string(.array(batch.salespeople.map { .string($0) }))
            return "event: change\ndata: {\"position\":\(batch.position),\"salespeople\":\(names)}\n\n"
        case .connected(let up): return "event: feed\ndata: {\"connected\":\(up)}\n\n"
        case .heartbeat: return ": still here\n\n"
        }
    }
}

/// A follower's connection, kept so that another thread can cancel it (`Connection.cancel` is a
/// `shutdown(2)`, safe from any thread); only its own follower thread reads from it.
final class FollowerSocket: @unchecked Sendable {
    let connection: Connection
    init(_ connection: Connection) { self.connection = connection }
}

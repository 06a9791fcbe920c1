import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import Foundation
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// What changed in the record since the last batch: the highest position
/// seen and the salespeople whose events arrived.
public struct ChangeBatch: Sendable, Equatable {
    public var position: UInt64
    public var salespeople: [String]
}

/// What the live feed tells an open page.
public enum LiveSignal: Sendable, Equatable {
    /// Something was recorded; pages showing these salespeople should reload their content.
    case change(ChangeBatch)
    /// The feed's connection to coachlogd came up (true) or went down (false).
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
/// subscription each, 16 per connection) subscribes per salesperson, and the
/// overview re-plans the feed when it shows a different team.
///
/// A broken connection is retried every second from the last position seen,
/// so nothing is missed. As a `Service` it ends on graceful shutdown, and
/// ends every page's event stream with it.
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
        var connected = false
        var reportedConnected = false
        var stopped = false
        /// The people followed one by one (a coach's team), or nil for everything.
        var people: [String]? = nil
        /// Bumped whenever the plan changes: followers of an older plan stop.
        var generation = 0
        var connections: [ObjectIdentifier: FollowerSocket] = [:]
    }

    private let gateway: DaemonGateway
    private let logger: Logger
    private let pending = NIOLockedValueBox(Pending())
    private let state = NIOLockedValueBox(State())

    public init(gateway: DaemonGateway, logger: Logger) {
        self.gateway = gateway
        self.logger = logger
    }

    /// The number of pages listening now.
    public var listenerCount: Int { state.withLockedValue { $0.listeners.count } }

    /// Whether the feed is connected to the daemon now.
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

    public func stopListening(_ id: UInt64) {
        let continuation = state.withLockedValue { $0.listeners.removeValue(forKey: id) }
        continuation?.finish()
    }

    /// Follows exactly these salespeople (a coach's team as the overview showed it), if that differs from now.
    public func follow(people: [String]) {
        let sorted = people.sorted()
        let replaced = state.withLockedValue { state -> [FollowerSocket]? in
            guard state.people != nil, state.people != sorted, !state.stopped else { return nil }
            state.people = sorted
            state.generation += 1
            defer { state.connections.removeAll() }
            return Array(state.connections.values)
        }
        if let replaced {
            for socket in replaced { socket.connection.cancel() }
            logger.info("live feed: following \(sorted.count) salespeople one by one")
            startFollowers()
        }
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            // Asking what to follow waits for the daemon, so a shutdown must be able to end it too.
            let plan = await plan()
            let started = state.withLockedValue { state -> Bool in
                guard !state.stopped else { return false }
                state.people = plan
                state.generation += 1
                return true
            }
            guard started else { return }
            startFollowers()
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

    /// What this dashboard may follow: everything, or a list of salespeople (nil = everything).
    private func plan() async -> [String]? {
        var attempts = 0
        while !state.withLockedValue({ $0.stopped }) {
            attempts += 1
            do {
                let hello = try HelloReply(wire: try await gateway.request(.hello(HelloParameters(client: "coachlog-dashboard"))))
                switch Viewer(role: hello.role) {
                case .everyone, .numbersOnly: return nil
                case .salesperson(let name): return [name]
                case .coach(let name):
                    let team = try TeamReport(wire: try await gateway.request(.query(ProjectionQuery(.team, scope: .coach(name)))))
                    return team.salespeople.map(\.salesperson).sorted()
                case .nobody: return []
                }
            } catch GatewayError.refused(let error) where error.code == .notFound {
                return []  // a coach with nobody yet: the overview re-plans once there is someone
            } catch {
                // Once as a warning, then quietly: a daemon that is down for an hour should not fill the log.
                logger.log(
                    level: attempts == 1 ? .warning : .debug,
                    "live feed: cannot ask coachlogd what to follow (\(error)); retrying every second")
                try? await Task.sleep(for: .seconds(1))
            }
        }
        return []
    }

    private func startFollowers() {
        let (generation, people) = state.withLockedValue { ($0.generation, $0.people) }
        let groups: [[String]?]
        if let people {
            groups = stride(from: 0, to: people.count, by: Self.subscriptionsPerConnection).map {
                Array(people[$0..<min($0 + Self.subscriptionsPerConnection, people.count)])
            }
        } else {
            groups = [nil]
        }
        for group in groups {
            let thread = Thread { [self] in self.follow(group, generation: generation) }
            thread.name = "coachlog-dashboard live feed"
            thread.start()
        }
    }

    private func isCurrent(_ generation: Int) -> Bool {
        state.withLockedValue { !$0.stopped && $0.generation == generation }
    }

    // MARK: Following (a blocking thread per connection)

    private func follow(_ group: [String]?, generation: Int) {
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
                try subscribe(connection, group)
                setConnected(true)
                if failures > 0 { logger.notice("live feed: following coachlogd again") }
                failures = 0
                while true {
                    switch try connection.receive() {
                    case .event(_, let envelope): record(envelope)
                    case .error(_, let error):
                        throw ClientError.refused(error)
                    case .ok: continue
                    }
                }
            } catch {
                guard isCurrent(generation) else { return }
                setConnected(false)
                failures += 1
                logger.log(level: failures == 1 ? .warning : .debug, "live feed: \(error); reconnecting every second")
                Thread.sleep(forTimeInterval: 1)
            }
        }
    }

    /// Sends the subscriptions and waits for their replies; one refused for a single salesperson
    /// (moved to another coach) is logged and skipped.
    private func subscribe(_ connection: Connection, _ group: [String]?) throws {
        var after = gateway.latestPosition
        if group == nil, after == 0 {
            after = try connection.request(.stats, as: StatsReply.self).position
            gateway.observe(position: after)
        }
        let names = group ?? [""]
        for (index, name) in names.enumerated() {
            var fields: [String: JSONValue] = ["after": .integer(Int64(after))]
            if group != nil { fields["salesperson"] = .string(name) }
            try connection.send(Request(id: .string("live-\(index)"), op: .subscribe, fields: fields))
        }
        var answered = 0
        while answered < names.count {
            switch try connection.receive() {
            case .ok: answered += 1
            case .error(let id, let error):
                guard group != nil, case .string = id else { throw ClientError.refused(error) }
                answered += 1
                logger.notice("live feed: not following one salesperson: \(error.message)")
            case .event(_, let envelope): record(envelope)
            }
        }
    }

    private func record(_ envelope: JSONValue) {
        guard case .object(let members) = envelope, case .integer(let raw)? = members["position"], raw >= 0 else { return }
        let name: String?
        if case .string(let salesperson)? = members["salesperson"] { name = salesperson } else { name = nil }
        pending.withLockedValue { pending in
            pending.position = max(pending.position, UInt64(raw))
            if let name { pending.names.insert(name) }
            pending.dirty = true
        }
    }

    private func setConnected(_ connected: Bool) {
        state.withLockedValue { $0.connected = connected }
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
            guard state.connected != state.reportedConnected else { return nil }
            state.reportedConnected = state.connected
            return state.connected
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

import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import NIOConcurrencyHelpers
import NIOPosix

/// Why the dashboard could not get an answer from coachlogd.
public enum GatewayError: Error, Sendable, CustomStringConvertible {
    /// The daemon cannot be reached or the connection broke: the page says so and asks to retry.
    case unavailable(String)
    /// The daemon refused the request (not found, forbidden, a bad asOf ...).
    case refused(ProtocolError)

    public var description: String {
        switch self {
        case .unavailable(let reason): return reason
        case .refused(let error): return error.message
        }
    }
}

/// The dashboard's way to coachlogd: a small pool of blocking `Connection`s,
/// each used by one thread at a time, run on NIO's blocking thread pool so no
/// event loop ever waits on the socket.
///
/// A page's queries go out **pipelined** on one connection (one round trip),
/// each with `minPosition` set to the latest position this dashboard has seen
/// (an append it was told about by the live feed), so a page loaded after a
/// change always shows it. A connection that failed is dropped, never reused.
public final class DaemonGateway: Sendable {
    /// The daemon's socket.
    public let socketPath: String
    private let idle = NIOLockedValueBox<[PooledConnection]>([])
    private let seen = NIOLockedValueBox<UInt64>(0)
    private let maximumIdle: Int
    /// Its own threads, as many as pooled connections: NIO's shared blocking pool has one thread
    /// per core, and a query that waits for `minPosition` (up to 2 s) must not hold up the rest.
    private let threads: NIOThreadPool
    /// Longer than the daemon's `minPosition` wait: a daemon that accepts and never answers
    /// fails the page instead of hanging it.
    static let receiveTimeoutSeconds = 10

    /// A gateway to the daemon at `socketPath`, keeping at most `maximumIdle` connections open between pages.
    public init(socketPath: String, maximumIdle: Int = 8) {
        self.socketPath = socketPath
        self.maximumIdle = maximumIdle
        threads = NIOThreadPool(numberOfThreads: maximumIdle)
        threads.start()
    }

    deinit { threads.shutdownGracefully { _ in } }

    /// The highest log position the dashboard knows of; queries wait for the daemon to reach it.
    public var latestPosition: UInt64 { seen.withLockedValue { $0 } }

    /// Records a position seen in the live feed or a stats reply (positions only grow).
    public func observe(position: UInt64) {
        seen.withLockedValue { $0 = max($0, position) }
    }

    /// Sends the requests pipelined on one connection and returns each one's result or refusal, in order.
    /// Throws `unavailable` when the daemon cannot be reached or the connection breaks.
    public func exchange(_ bodies: [RequestBody]) async throws(GatewayError) -> [Result<JSONValue, ProtocolError>] {
        do {
            return try await threads.runIfActive { [self] in try self.exchangeNow(bodies) }
        } catch let error as GatewayError {
            throw error
        } catch {
            throw .unavailable("the dashboard could not run its query: \(error)")
        }
    }

    /// Like `exchange`, for queries: each gets `minPosition` = the latest position seen.
    public func query(_ queries: [ProjectionQuery]) async throws(GatewayError) -> [Result<JSONValue, ProtocolError>] {
        let position = latestPosition
        let results = try await exchange(
            queries.map { query in
                var query = query
                if position > 0 { query.minPosition = position }
                return .query(query)
            })
        // A daemon behind a position this dashboard saw has been restored from a backup (or
        // replaced): forget the position, and ask again without it.
        let behind = results.contains { result in
            if case .failure(let error) = result { return error.code == .unavailable && error.message.contains("minPosition") }
            return false
        }
        guard behind, position > 0 else { return results }
        seen.withLockedValue { if $0 == position { $0 = 0 } }
        return try await exchange(queries.map { .query($0) })
    }

    /// One request; a refusal is thrown as `refused`.
    public func request(_ body: RequestBody) async throws(GatewayError) -> JSONValue {
        switch try await exchange([body])[0] {
        case .success(let value): return value
        case .failure(let error): throw .refused(error)
        }
    }

    private func exchangeNow(_ bodies: [RequestBody]) throws(GatewayError) -> [Result<JSONValue, ProtocolError>] {
        // A connection kept from an earlier page may have been closed by a daemon that restarted
        // since: that one failure is retried once on a new connection.
        for attempt in 0..<2 {
            let (pooled, reused) = try checkOut(fresh: attempt > 0)
            do {
                let results = try pooled.exchange(bodies)
                checkIn(pooled)
                return results
            } catch {
                // The connection's state is unknown after a failure: close it (deinit) rather than reuse it.
                if reused { continue }
                throw .unavailable("lost the connection to coachlogd at \(socketPath): \(error); is the daemon running?")
            }
        }
        throw .unavailable("lost the connection to coachlogd at \(socketPath); is the daemon running?")
    }

    private func checkOut(fresh: Bool) throws(GatewayError) -> (PooledConnection, reused: Bool) {
        if !fresh, let pooled = idle.withLockedValue({ $0.popLast() }) { return (pooled, true) }
        do {
            let connection = try Connection(path: socketPath)
            connection.setReceiveTimeout(seconds: Self.receiveTimeoutSeconds)
            return (PooledConnection(connection), false)
        } catch {
            throw .unavailable("\(error)")
        }
    }

    private func checkIn(_ pooled: PooledConnection) {
        idle.withLockedValue { idle in
            if idle.count < maximumIdle { idle.append(pooled) }
        }
    }

}

/// A connection in the pool. `@unchecked Sendable`: the pool hands it to one thread at a time.
final class PooledConnection: @unchecked Sendable {
    let connection: Connection
    private var nextId: Int64 = 1

    init(_ connection: Connection) { self.connection = connection }

    /// Writes every request, then reads their replies in order (the daemon answers a connection's
    /// requests in the order sent: Protocol.md §3.3).
    func exchange(_ bodies: [RequestBody]) throws -> [Result<JSONValue, ProtocolError>] {
        let first = nextId
        nextId += Int64(bodies.count)
        var lines: [UInt8] = []
        for (offset, body) in bodies.enumerated() {
            lines += Request(id: .integer(first + Int64(offset)), body: body).encoded()
        }
        try connection.sendRaw(lines)
        var results: [Result<JSONValue, ProtocolError>] = []
        results.reserveCapacity(bodies.count)
        while results.count < bodies.count {
            let expected = JSONValue.integer(first + Int64(results.count))
            switch try connection.receive() {
            case .ok(let id, let result) where id == expected: results.append(.success(result))
            case .error(let id, let error) where id == expected: results.append(.failure(error))
            case .error(.null, let error): throw ClientError.refused(error)
            default: throw ClientError.connectionLost("a reply out of order")
            }
        }
        return results
    }
}

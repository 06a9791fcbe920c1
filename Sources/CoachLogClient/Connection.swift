import CoachLogJSON
import CoachLogPOSIX
import CoachLogProtocol

#if canImport(Glibc)
import Glibc
#endif

/// Why talking to the daemon failed.
public enum ClientError: Error, Sendable, CustomStringConvertible {
    /// Nothing listens at the socket path (or it cannot be opened).
    case cannotConnect(path: String, reason: String)
    /// The daemon answered with an error.
    case refused(ProtocolError)
    /// The connection broke or the daemon sent something unreadable.
    case connectionLost(String)

    public var description: String {
        switch self {
        case .cannotConnect(let path, let reason):
            return "cannot reach coachlogd at \(path) (\(reason)); start it with `coachlogd --socket \(path)` or pass --socket"
        case .refused(let error): return error.message
        case .connectionLost(let reason): return "lost the connection to coachlogd: \(reason)"
        }
    }
}

/// A blocking connection to coachlogd over its Unix socket.
///
/// Requests may be pipelined with `send` and their replies collected with
/// `receive` in the same order; `request` does both for one request.
/// Not thread-safe: use one connection per thread.
public final class Connection {
    public let path: String
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    /// Where the search for the next newline resumes: a long reply arrives in many chunks, and
    /// searching it again from `start` after each one would make reading it quadratic.
    private var scanned = 0
    private var nextId: Int64 = 1

    /// Sees every line any `Connection` reads, before it is decoded: the socket path and the line
    /// without its `\n`. Nil by default. The test harness sets it, once, before any connection
    /// exists, to check every line the daemon writes against Protocol.schema.json; it is read
    /// without a lock, so set it only then.
    nonisolated(unsafe) public static var lineObserver: (@Sendable (_ socket: String, _ line: [UInt8]) -> Void)?

    public init(path: String) throws {
        self.path = path
        let folder = String(path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/"))
        if folder == DefaultPaths.privateFallbackFolder, !DefaultPaths.isPrivateFolder(folder) {
            // Do not hand coaching notes to a socket another user could have put there.
            throw ClientError.cannotConnect(path: path, reason: "\(folder) is not a private folder of this user")
        }
        do {
            fd = try POSIX.connectUnixSocket(path)
        } catch {
            throw ClientError.cannotConnect(path: path, reason: error.message)
        }
    }

    deinit { close(fd) }

    /// Sends one request and returns its result, or throws `.refused` with the daemon's error.
    public func request(_ op: Operation, _ fields: [String: JSONValue] = [:]) throws -> JSONValue {
        try exchange(Request(id: nextRequestId(), op: op, fields: fields))
    }

    /// A fresh request id for this connection.
    func nextRequestId() -> JSONValue {
        defer { nextId += 1 }
        return .integer(nextId)
    }

    /// Sends one request and waits for its reply, skipping subscription lines.
    func exchange(_ request: Request) throws -> JSONValue {
        let id = request.id
        try send(request)
        while true {
            switch try receive() {
            case .ok(let replyId, let result) where replyId == id: return result
            case .error(let replyId, let error) where replyId == id || replyId == .null: throw ClientError.refused(error)
            default: continue  // a subscription's event line
            }
        }
    }

    /// Writes one request line.
    public func send(_ request: Request) throws {
        try sendRaw(request.encoded())
    }

    /// Writes raw bytes (tests use it to send malformed lines).
    public func sendRaw(_ bytes: [UInt8]) throws {
        do {
            try POSIX.sendAll(fd, bytes)
        } catch {
            throw ClientError.connectionLost(error.message)
        }
    }

    /// Closes the sending side; the daemon answers what it has, then closes.
    public func finishSending() { shutdown(fd, Int32(SHUT_WR)) }

    /// Gives up a read that waits longer than `seconds` (`SO_RCVTIMEO`): the call throws
    /// `connectionLost`, and the connection should be dropped. For request/reply use only: a
    /// subscription may rightly wait for events much longer.
    public func setReceiveTimeout(seconds: Int) {
        var value = timeval(tv_sec: seconds, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Shuts the socket down both ways, from any thread: a read blocked on it (a subscription
    /// waiting for events) returns at once with end of stream. The connection is unusable after.
    public func cancel() { shutdown(fd, Int32(SHUT_RDWR)) }

    /// Reads the next reply line.
    public func receive() throws -> Reply.Decoded {
        guard let line = try readLine() else { throw ClientError.connectionLost("coachlogd closed the connection") }
        do {
            return try Reply.Decoded(line: line)
        } catch {
            throw ClientError.connectionLost("unreadable reply: \(error)")
        }
    }

    /// Whether the next `readLine` would return within `milliseconds`: a whole line is already
    /// buffered, or the socket has bytes (or its end) to read. Lets a follower batch what has
    /// arrived without waiting for more.
    public func hasInput(waitingMilliseconds milliseconds: Int32 = 0) -> Bool {
        if buffer[max(start, scanned)...].contains(0x0A) { return true }
        var request = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&request, 1, milliseconds) > 0
    }

    /// The next raw line without its `\n`, or nil at end of stream.
    public func readLine() throws -> [UInt8]? {
        while true {
            if let newline = buffer[max(start, scanned)...].firstIndex(of: 0x0A) {
                let line = Array(buffer[start..<newline])
                start = newline + 1
                scanned = start
                Connection.lineObserver?(path, line)
                if start > 65_536 {
                    buffer.removeFirst(start)
                    start = 0
                    scanned = 0
                }
                return line
            }
            scanned = buffer.count
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ClientError.connectionLost(String(cString: strerror(errno)))
            }
            if n == 0 { return nil }
            buffer.append(contentsOf: chunk[0..<n])
        }
    }

    /// Subscribes and returns the stream of events (history, then live).
    public func subscribe(after: UInt64 = 0, salesperson: String? = nil, types: [String]? = nil) throws -> EventStream {
        var fields: [String: JSONValue] = ["after": .integer(Int64(after))]
        if let salesperson { fields["salesperson"] = .string(salesperson) }
        if let types { fields["types"] = .array(types.map { .string($0) }) }
        let id = JSONValue.string("subscription-\(nextId)")
        nextId += 1
        try send(Request(id: id, op: .subscribe, fields: fields))
        switch try receive() {
        case .ok(let replyId, _) where replyId == id: return EventStream(connection: self, id: id)
        case .error(_, let error): throw ClientError.refused(error)
        default: throw ClientError.connectionLost("unexpected reply to subscribe")
        }
    }
}

/// The events of a subscription, as a blocking sequence. Iteration ends when
/// the connection closes; a daemon-side cut-off is thrown by `next()`.
public struct EventStream: Sequence, IteratorProtocol {
    let connection: Connection
    let id: JSONValue

    public mutating func next() -> JSONValue? {
        try? nextEvent()
    }

    /// The next event envelope; nil at end of stream; throws if the daemon ended the subscription.
    public func nextEvent() throws -> JSONValue? {
        while true {
            let reply: Reply.Decoded
            do {
                reply = try connection.receive()
            } catch ClientError.connectionLost {
                return nil
            }
            switch reply {
            case .event(let replyId, let envelope) where replyId == id: return envelope
            case .error(let replyId, let error) where replyId == id: throw ClientError.refused(error)
            default: continue
            }
        }
    }
}

import CoachLogJSON
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A message the browser sent on its own (a DevTools event), with the session it belongs to.
public struct DevToolsEvent: Sendable {
    /// Such as `Runtime.consoleAPICalled` or `Page.loadEventFired`.
    public var method: String
    /// The event's parameters (an empty object when it has none).
    public var params: JSONValue
    /// The attached target's session, or nil for browser-level events.
    public var sessionId: String?
}

/// The Chrome DevTools Protocol over `--remote-debugging-pipe`: JSON messages ended by a NUL byte, written to the
/// browser's fd 3 and read from its fd 4.
///
/// Guarantees: every command gets a fresh id, and `call` returns the reply with that id or throws — a
/// `protocolError` with the browser's message, a `timeout` naming the method, or `pipeClosed` once the browser's end
/// is gone; it never waits past its timeout. Events are kept in arrival order. Usable from several threads at once.
public final class DevToolsPipe: @unchecked Sendable {
    // @unchecked: `writeFD` is only touched under `writeLock`; everything the reader shares lives in `inbox`.
    private let writeLock = NSLock()
    private var writeFD: Int32
    private let inbox = Inbox()

    /// Takes `writeFD` (commands to the browser) and `readFD` (its replies and events); a reader thread owns `readFD`
    /// and closes it at end of file.
    public init(writeFD: Int32, readFD: Int32) {
        // A browser that died must make a write fail with EPIPE, not kill the test process with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        self.writeFD = writeFD
        let inbox = self.inbox
        let reader = Thread { Self.readLoop(fd: readFD, into: inbox) }
        reader.name = "DevToolsPipe reader"
        reader.start()
    }

    deinit { closeWriteEnd() }

    /// Sends `method` with `params` (to `sessionId`'s target when given) and returns the reply's `result`.
    public func call(
        _ method: String, _ params: [String: JSONValue] = [:], sessionId: String? = nil, timeout: Double = 10
    ) throws -> JSONValue {
        let id = inbox.nextId()
        var message: [String: JSONValue] = ["id": .integer(id), "method": .string(method), "params": .object(params)]
        if let sessionId { message["sessionId"] = .string(sessionId) }
        var bytes = JSONWriter.bytes(.object(message))
        bytes.append(0)
        try write(bytes, method: method)
        guard let reply = try inbox.reply(to: id, method: method, deadline: Date().addingTimeInterval(timeout)) else {
            throw BrowserError.timeout(method: method, seconds: timeout)
        }
        if let error = reply["error"] {
            throw BrowserError.protocolError(method: method, message: error["message"]?.stringValue ?? JSONWriter.string(error))
        }
        return reply["result"] ?? .object([:])
    }

    /// How many events have arrived so far: a mark for `waitForEvent(_:sessionId:after:timeout:)`.
    public var eventCount: Int { inbox.withLock { $0.events.count } }

    /// The events that arrived after the first `mark` ones.
    public func events(after mark: Int = 0) -> [DevToolsEvent] {
        inbox.withLock { Array($0.events.dropFirst(mark)) }
    }

    /// The first event named `method` (for `sessionId` when given) among those after the first `mark`, waiting for
    /// it until `timeout`; nil on timeout. Throws `pipeClosed` when the browser is gone.
    public func waitForEvent(_ method: String, sessionId: String? = nil, after mark: Int, timeout: Double) throws -> DevToolsEvent? {
        try inbox.wait(until: Date().addingTimeInterval(timeout), method: method) { state in
            state.events.dropFirst(mark).first { $0.method == method && (sessionId == nil || $0.sessionId == sessionId) }
        }
    }

    /// True once the browser's end of the pipe is closed (it exited).
    public var isClosed: Bool { inbox.withLock { $0.isClosed } }

    /// Waits up to `timeout` for the browser's end to close; true if it did.
    @discardableResult
    public func waitUntilClosed(timeout: Double) -> Bool {
        (try? inbox.wait(until: Date().addingTimeInterval(timeout), method: "", orClosed: false) { $0.isClosed ? true : nil })
            ?? false
    }

    /// Closes our command end; a browser reading it sees end of file and exits. Idempotent.
    public func closeWriteEnd() {
        writeLock.lock()
        defer { writeLock.unlock() }
        if writeFD >= 0 { Glibc.close(writeFD) }
        writeFD = -1
    }

    private func write(_ bytes: [UInt8], method: String) throws {
        writeLock.lock()
        defer { writeLock.unlock() }
        guard writeFD >= 0 else { throw BrowserError.pipeClosed(method: method) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(writeFD, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw BrowserError.pipeClosed(method: method)
            }
            offset += written
        }
    }

    /// Reads NUL-terminated messages until end of file, files each one in `inbox`, then closes `fd`.
    private static func readLoop(fd: Int32, into inbox: Inbox) {
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 { break }
            pending.append(contentsOf: chunk[0..<count])
            var start = 0
            // Only the new bytes can hold a terminator the previous pass did not see.
            var scan = pending.count - count
            while let end = pending[scan...].firstIndex(of: 0) {
                inbox.file(pending[start..<end])
                start = end + 1
                scan = start
            }
            pending.removeFirst(start)
        }
        Glibc.close(fd)
        inbox.withLock { $0.isClosed = true }
    }
}

/// What the reader thread shares with callers: replies by id, events in order, whether the pipe closed.
private final class Inbox: @unchecked Sendable {
    // @unchecked: `state` is only touched with `condition` locked.
    struct State {
        var lastId: Int64 = 0
        var replies: [Int64: JSONValue] = [:]
        var events: [DevToolsEvent] = []
        var isClosed = false
    }
    private let condition = NSCondition()
    private var state = State()

    func withLock<T>(_ body: (inout State) throws -> T) rethrows -> T {
        condition.lock()
        defer {
            condition.broadcast()
            condition.unlock()
        }
        return try body(&state)
    }

    func nextId() -> Int64 {
        withLock { state in
            state.lastId += 1
            return state.lastId
        }
    }

    /// Files one message: a reply (it has an `id`) or an event (it has a `method`). Anything else is dropped.
    func file(_ bytes: ArraySlice<UInt8>) {
        // Event parameters (object previews, stack traces) nest deeper than the protocol's default limit.
        guard let message = try? JSONParser.parse(bytes, maximumDepth: 1000) else { return }
        withLock { state in
            if let id = message["id"]?.integerValue {
                state.replies[id] = message
            } else if let method = message["method"]?.stringValue {
                state.events.append(
                    DevToolsEvent(method: method, params: message["params"] ?? .object([:]), sessionId: message["sessionId"]?.stringValue))
            }
        }
    }

    /// The reply with `id` (removed from the inbox), or nil at `deadline`.
    func reply(to id: Int64, method: String, deadline: Date) throws -> JSONValue? {
        try wait(until: deadline, method: method) { $0.replies.removeValue(forKey: id) }
    }

    /// Waits until `found` gives a value, `deadline` passes (nil), or — when `orClosed` — the pipe closes (throws).
    func wait<T>(until deadline: Date, method: String, orClosed: Bool = true, _ found: (inout State) -> T?) throws -> T? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let value = found(&state) { return value }
            if orClosed, state.isClosed { throw BrowserError.pipeClosed(method: method) }
            if !condition.wait(until: deadline) { return found(&state) }
        }
    }
}

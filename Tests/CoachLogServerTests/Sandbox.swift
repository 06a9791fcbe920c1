import CoachLogClient
import CoachLogJSON
import CoachLogPOSIX
import CoachLogProtocol
import CoachLogTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// One test's private temporary folder (short path under /tmp), with the
/// daemons started in it. `cleanup()` SIGTERMs every daemon still running
/// (SIGKILL if it does not stop) and removes the folder.
final class Sandbox: @unchecked Sendable {
    // @unchecked: `daemons` is only touched under `lock`.
    let root: String
    private let lock = NSLock()
    private var daemons: [DaemonProcess] = []

    init() throws {
        root = try makeTemporaryFolder(prefix: "clsrv")
    }

    /// A path inside the folder.
    func path(_ name: String) -> String { root + "/" + name }

    var data: String { path("data") }
    var socket: String { path("s.sock") }

    /// Starts a daemon (default data folder and socket) and waits until it serves.
    @discardableResult
    func start(
        data: String? = nil, socket: String? = nil, extra: [String] = [], environment: [String: String] = [:],
        log: String = "daemon", watchdogSeconds: Double = 55
    ) throws -> DaemonProcess {
        let daemon = try DaemonProcess.start(
            data: data ?? self.data, socket: socket ?? self.socket, extra: extra, stderrPath: uniqueLog(log),
            environment: environment, watchdogSeconds: watchdogSeconds)
        track(daemon)
        return daemon
    }

    /// Launches a process without waiting for it to serve.
    func launch(
        _ arguments: [String], socket: String?, environment: [String: String] = [:],
        executable: String = DaemonProcess.binaryPath, log: String = "daemon"
    ) throws -> DaemonProcess {
        let daemon = try DaemonProcess(
            arguments: arguments, socketPath: socket, stderrPath: uniqueLog(log), environment: environment,
            executable: executable)
        track(daemon)
        return daemon
    }

    private func track(_ daemon: DaemonProcess) {
        lock.lock()
        daemons.append(daemon)
        lock.unlock()
    }

    private func uniqueLog(_ name: String) -> String {
        lock.lock()
        defer { lock.unlock() }
        return path("\(name)-\(daemons.count).stderr")
    }

    func cleanup() {
        lock.lock()
        let all = daemons
        daemons = []
        lock.unlock()
        for daemon in all where daemon.isRunning { daemon.stop(timeout: 10) }
        try? FileManager.default.removeItem(atPath: root)
    }
}

/// Runs `body` with a fresh sandbox, cleaned up whatever happens.
func withSandbox(_ body: (Sandbox) throws -> Void) throws {
    let sandbox = try Sandbox()
    defer { sandbox.cleanup() }
    try body(sandbox)
}

/// A value passed to another thread on purpose (each is used by one thread at a time).
struct Unchecked<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}

/// A thread-safe box.
final class Locked<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    init(_ value: T) { stored = value }
    var value: T {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; lock.unlock() }
    }
    func mutate(_ body: (inout T) -> Void) {
        lock.lock()
        body(&stored)
        lock.unlock()
    }
}

/// Runs `body` on a new thread; `join()` waits for it.
final class Worker: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    init(_ body: @escaping @Sendable () -> Void) {
        let done = self.done
        Thread.detachNewThread {
            body()
            done.signal()
        }
    }

    /// True if the thread finished within `timeout` seconds.
    @discardableResult
    func join(timeout: Double = 30) -> Bool { done.wait(timeout: .now() + timeout) == .success }
}

/// Raises this process's open-file limit to its hard limit.
func raiseOpenFileLimit() {
    var limit = rlimit()
    if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max {
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}

/// A raw socket with read timeouts, for tests where the daemon is expected to
/// close the connection (a blocking read must never hang the run).
final class RawClient {
    let fd: Int32
    let path: String
    private var buffer: [UInt8] = []

    init(path: String) throws {
        self.path = path
        fd = try connectUnix(path)
    }
    deinit { close(fd) }

    func send(_ bytes: [UInt8]) throws {
        do {
            try POSIX.sendAll(fd, bytes)
        } catch {
            throw HarnessError("send: \(error.message)")
        }
    }

    /// Reads until end of stream; nil if it does not come within `timeout` seconds.
    func readToEnd(timeout: Double) -> [UInt8]? {
        defer { WireCapture.record(stream: buffer, socket: path) }  // checked against Protocol.schema.json
        let deadline = Date().addingTimeInterval(timeout)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return nil }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, Int32(min(left, 1) * 1000) + 1)
            if ready < 0 && errno != EINTR { return buffer }
            if ready <= 0 { continue }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return buffer  // ECONNRESET: the daemon is gone, which counts as closed
            }
            if n == 0 { return buffer }
            buffer.append(contentsOf: chunk[0..<n])
        }
    }
}

// MARK: Request helpers

extension Connection {
    /// The daemon's refusal of a request, or nil if it succeeded.
    func refusal(_ op: CoachLogProtocol.Operation, _ fields: [String: JSONValue] = [:]) -> ProtocolError? {
        do {
            _ = try request(op, fields)
            return nil
        } catch ClientError.refused(let error) {
            return error
        } catch {
            Issue.record("expected a refusal, got \(error)")
            return nil
        }
    }

    /// Appends events (one stream) and returns the result.
    @discardableResult
    func append(_ events: [JSONValue], expectedVersion: Int64? = nil) throws -> JSONValue {
        var fields: [String: JSONValue] = ["events": .array(events)]
        if let expectedVersion { fields["expectedVersion"] = .integer(expectedVersion) }
        return try request(.append, fields)
    }

    func query(_ projection: String, _ parameters: [String: JSONValue] = [:]) throws -> JSONValue {
        var fields = parameters
        fields["projection"] = .string(projection)
        return try request(.query, fields)
    }

    /// Every event after `after`, through all pages.
    func readAll(after: Int64 = 0, salesperson: String? = nil) throws -> [JSONValue] {
        var events: [JSONValue] = []
        var cursor = after
        while true {
            var fields: [String: JSONValue] = ["after": .integer(cursor), "limit": 1000]
            if let salesperson { fields["salesperson"] = .string(salesperson) }
            let page = try request(.read, fields)
            let got = page["events"]?.arrayValue ?? []
            events += got
            guard let next = page["next"]?.integerValue, !got.isEmpty, next > cursor else { return events }
            cursor = next
        }
    }

    func head() throws -> Int64 { try request(.stats)["position"]?.integerValue ?? -1 }

    /// Receives the next reply line that is not an event line.
    func nextReply() throws -> Reply.Decoded {
        while true {
            let reply = try receive()
            if case .event = reply { continue }
            return reply
        }
    }
}

extension JSONValue {
    subscript(index: Int) -> JSONValue? {
        guard let a = arrayValue, a.indices.contains(index) else { return nil }
        return a[index]
    }

    var int: Int64? { integerValue }
    var double: Double? { doubleValue }
    var string: String? { stringValue }
    var array: [JSONValue] { arrayValue ?? [] }
}

/// A request line with a given id, as bytes.
func line(_ id: JSONValue, _ op: String, _ fields: [String: JSONValue] = [:]) -> [UInt8] {
    var object = fields
    object["id"] = id
    object["op"] = .string(op)
    return JSONWriter.bytes(.object(object)) + [0x0A]
}

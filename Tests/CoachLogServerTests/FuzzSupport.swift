import CoachLogJSON
import CoachLogProtocol
import CoachLogTestSupport
import Foundation

#if canImport(Glibc)
import Glibc
#endif

enum FuzzSettings {
    /// Longer variants run only with COACHLOG_LONG_TESTS=1.
    static var long: Bool { ProcessInfo.processInfo.environment["COACHLOG_LONG_TESTS"] == "1" }
    /// How long to wait for a worker thread: generous, and longer for the long variants.
    static var joinSeconds: Double { long ? 900 : 30 }
    /// The daemon's default line limit (ServerConfiguration.maximumLineBytes).
    static let maximumLineBytes = 1 << 20
    /// Bound on the daemon's resident memory. A debug coachlogd idles near 20 MiB; what it may add is
    /// bounded by design: lines are capped at 1 MiB, a connection holds at most 256 requests in flight,
    /// a subscriber at most 16 MiB of unsent output, and the LMDB pages these tests touch (a few MiB of
    /// events) are mapped in. 200 MiB leaves room for allocator slack and still catches a leak or a
    /// buffer that grows with the input (a 10 MiB line, thousands of pipelined replies, 1,000 connections).
    static let rssBoundKiB = 200 * 1024
    static let documentedCodes = Set(ErrorCode.allCases)
}

/// VmRSS of a process, in KiB, from /proc/PID/status.
func residentKiB(pid: Int32) -> Int? { procStatusKiB(pid: pid, field: "VmRSS") }

/// A `kB` field of /proc/PID/status (VmRSS, RssAnon, RssFile, ...).
func procStatusKiB(pid: Int32, field: String) -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
    for row in status.split(separator: "\n") where row.hasPrefix(field + ":") {
        return Int(row.dropFirst(field.count + 1).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "")
    }
    return nil
}

/// Samples a process's VmRSS every 50 ms on its own thread and keeps the largest value seen.
/// Past `killAboveKiB` it SIGKILLs the process, so that a runaway daemon fails the test
/// instead of exhausting the machine's memory.
final class RSSMonitor: @unchecked Sendable {
    // @unchecked: the fields are only touched under `lock`.
    private let lock = NSLock()
    private var maxKiB = 0
    private var running = true
    private var wasKilled = false

    init(pid: Int32, killAboveKiB: Int = 4 * FuzzSettings.rssBoundKiB) {
        Thread.detachNewThread { [self] in
            while self.sample(pid, killAboveKiB) { usleep(50_000) }
        }
    }

    private func sample(_ pid: Int32, _ killAbove: Int) -> Bool {
        let now = residentKiB(pid: pid)
        lock.lock()
        defer { lock.unlock() }
        if let now { maxKiB = max(maxKiB, now) }
        if let now, now > killAbove, running {
            wasKilled = true
            kill(pid, SIGKILL)
        }
        return running && now != nil
    }

    /// True if the process went past the kill threshold.
    var killed: Bool {
        lock.lock()
        defer { lock.unlock() }
        return wasKilled
    }

    var maximumKiB: Int {
        lock.lock()
        defer { lock.unlock() }
        return maxKiB
    }

    /// Stops sampling; the largest RSS seen, in KiB.
    @discardableResult
    func stop() -> Int {
        lock.lock()
        running = false
        lock.unlock()
        return maximumKiB
    }
}

/// One reply line, checked against the wire contract.
struct WireReply {
    var id: JSONValue
    var result: JSONValue?
    var error: ProtocolError?

    /// Parses strictly: one JSON object with `id` and `ok`, and `result`, or `error` with a documented
    /// `code` and a non-empty `message`. Nil and a reason otherwise.
    static func parse(_ line: [UInt8]) -> (WireReply?, String?) {
        guard case .object(let o)? = try? JSONParser.parse(line) else { return (nil, "not a JSON object") }
        guard let id = o["id"] else { return (nil, "no id") }
        switch o["ok"] {
        case .bool(true)?:
            guard let result = o["result"], o.count == 3 else { return (nil, "ok without result, or extra keys") }
            return (WireReply(id: id, result: result), nil)
        case .bool(false)?:
            guard case .object(let e)? = o["error"], o.count == 3 else { return (nil, "ok:false without error") }
            guard let name = e["code"]?.stringValue, let code = ErrorCode(rawValue: name) else {
                return (nil, "undocumented code \(e["code"].map { JSONWriter.string($0) } ?? "none")")
            }
            guard let message = e["message"]?.stringValue, !message.allSatisfy(\.isWhitespace) else {
                return (nil, "error without a message")
            }
            return (WireReply(id: id, error: ProtocolError(code, message, rule: e["rule"]?.stringValue)), nil)
        default:
            return (nil, "no ok field")
        }
    }
}

/// What the daemon must answer to one line, worked out locally with the same decoder.
enum LineExpectation {
    /// Refused before any operation runs: too long, not JSON, not a request.
    case refused(ErrorCode, id: JSONValue)
    /// A request that reaches its operation; it may succeed or be refused by it.
    case request(Request)

    init(line: ArraySlice<UInt8>) {
        var line = line
        if line.count > FuzzSettings.maximumLineBytes {
            self = .refused(.tooLarge, id: .null)
            return
        }
        if line.last == 0x0D { line = line.dropLast() }
        switch Request.decode(line) {
        case .success(let request): self = .request(request)
        case .failure(let failure): self = .refused(failure.error.code, id: failure.id)
        }
    }

    /// Codes an operation may refuse a well-formed request with in these tests (never `internal`).
    static let operationCodes: Set<ErrorCode> = [.badRequest, .validation, .conflict, .notFound]

    /// A description of what is wrong with `reply`, or nil. Ids are compared with numbers by value
    /// (`sameJSON`): the daemon writes the id 2.0 back as `2`.
    func problem(with reply: WireReply) -> String? {
        switch self {
        case .refused(let code, let id):
            guard let error = reply.error else { return "accepted a line that must be refused with \(code.rawValue)" }
            if error.code != code { return "\(error.code.rawValue) (\(error.message)), expected \(code.rawValue)" }
            if !sameJSON(reply.id, id) { return "id \(reply.id), expected \(id)" }
        case .request(let request):
            if !sameJSON(reply.id, request.id) { return "id \(reply.id), expected \(request.id) (out of order?)" }
            if let error = reply.error, !Self.operationCodes.contains(error.code) {
                return "\(request.op.rawValue) refused with \(error.code.rawValue): \(error.message)"
            }
        }
        return nil
    }
}

/// Lines split at `\n` as the daemon frames them; the input always ends with one.
func framedLines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
    var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
    if lines.last?.isEmpty == true { lines.removeLast() }
    return lines
}

extension Sandbox {
    /// Starts coachlogd like `start()`, with a watchdog long enough for COACHLOG_LONG_TESTS runs.
    /// Not tracked by the sandbox: the caller stops it (`defer { daemon.stop() }`).
    func startForFuzz(name: String) throws -> DaemonProcess {
        try DaemonProcess.start(
            data: data, socket: socket, stderrPath: path("\(name).stderr"), watchdogSeconds: FuzzSettings.long ? 1_800 : 55)
    }
}

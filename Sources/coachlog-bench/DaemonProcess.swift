import CoachLogPOSIX
import Sealing
import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A coachlogd started from the folder this benchmark runs from.
final class DaemonProcess: @unchecked Sendable {
    // @unchecked: `process` is set once; reading /proc needs no shared state.
    let process = Process()
    let socket: String
    let dataFolder: String
    let started = ContinuousClock.now
    /// Time from spawn to the first `hello` reply.
    private(set) var startupSeconds = 0.0

    /// The bench keeps each store's master key beside its data folder.
    static func masterKeyPath(data: String) -> String { POSIX.parentFolder(of: data) + "/master.key" }

    /// The key of the store in `data`, made on first use, as the daemon would.
    static func masterKey(data: String) throws -> MasterKey {
        try MasterKey.create(path: masterKeyPath(data: data))
    }

    init(data: String, socket: String) throws {
        self.socket = socket
        self.dataFolder = data
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        process.executableURL = folder.appendingPathComponent("coachlogd")
        process.arguments = [
            "--data", data, "--socket", socket, "--log-level", "warning", "--master-key", Self.masterKeyPath(data: data),
        ]
        try process.run()
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let c = try? Connection(path: socket), (try? c.request(.hello)) != nil {
                startupSeconds = (ContinuousClock.now - started).inSeconds
                return
            }
            guard process.isRunning else { throw BenchError("coachlogd exited during start-up (status \(process.terminationStatus))") }
            usleep(500)
        }
        throw BenchError("coachlogd did not answer on \(socket) within 60 s")
    }

    /// Peak resident memory so far (VmHWM), in bytes: the heap and every
    /// page of the memory-mapped store the daemon touched.
    var peakResidentBytes: Int { statusField("VmHWM:") }

    /// Resident anonymous memory now (RssAnon): the heap, stacks and buffers,
    /// without the store's file pages, which the kernel can always drop.
    var anonymousBytes: Int { statusField("RssAnon:") }

    private func statusField(_ name: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix(name) {
            let kb = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
            return kb * 1024
        }
        return 0
    }

    /// Samples `anonymousBytes` every 50 ms while `body` runs; returns the peak.
    func peakAnonymousBytes<T>(during body: () throws -> T) rethrows -> (T, Int) {
        let peak = PeakSampler()
        let thread = Thread { [self] in
            while !peak.stopped {
                peak.observe(self.anonymousBytes)
                usleep(50_000)
            }
        }
        thread.start()
        let result = try body()
        peak.observe(anonymousBytes)
        peak.stop()
        return (result, peak.value)
    }

    /// Seconds from spawn until a `query` with these fields is answered with a
    /// result: until the projections are caught up enough to answer it (with
    /// `minPosition`, up to that position). `unavailable` replies are retried.
    func secondsToFirstAnswer(query fields: [String: JSONValue]) throws -> Double {
        let deadline = ContinuousClock.now + .seconds(120)
        let connection = try Connection(path: socket)
        while true {
            do {
                _ = try connection.request(.query, fields)
                return (ContinuousClock.now - started).inSeconds
            } catch ClientError.refused(let error) where error.code == .unavailable && ContinuousClock.now < deadline {
                usleep(500)
            }
        }
    }

    /// SIGKILL: the daemon gets no chance to finish anything (a crash).
    func kill9() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// @unchecked Sendable: every access holds `lock`.
final class PeakSampler: @unchecked Sendable {
    private let lock = NSLock()
    private var peak = 0
    private var done = false
    func observe(_ v: Int) { lock.lock(); peak = max(peak, v); lock.unlock() }
    func stop() { lock.lock(); done = true; lock.unlock() }
    var stopped: Bool { lock.lock(); defer { lock.unlock() }; return done }
    var value: Int { lock.lock(); defer { lock.unlock() }; return peak }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

extension Duration {
    /// The duration as a number of seconds.
    var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

func temporaryFolder(_ tag: String) -> String {
    var template = Array("/tmp/coachlog-bench-\(tag)-XXXXXX".utf8CString)
    return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
}

func removeFolder(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}

import CoachLogTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What one `coachlog` run produced.
struct CLIResult: CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String

    /// stdout split into lines, without the final empty one.
    var lines: [String] {
        var all = stdout.components(separatedBy: "\n")
        if all.last == "" { all.removeLast() }
        return all
    }

    var description: String { "exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
}

/// The environment of every child: ours, without any COACHLOG_* or systemd variable.
func childEnvironment(_ extra: [String: String]) -> [String: String] {
    var env = ProcessInfo.processInfo.environment
    for key in env.keys
    where key.hasPrefix("COACHLOG_") || key.hasPrefix("LISTEN_") || key == "NOTIFY_SOCKET" || key == "NO_COLOR" {
        env.removeValue(forKey: key)
    }
    for (key, value) in extra { env[key] = value }
    return env
}

/// Waits for `process` to end (SIGKILL after `timeout` seconds); its status, 128 + signal if killed.
@discardableResult
func waitForExit(_ process: Process, timeout: Double) -> Int32 {
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning {
        if Date() >= deadline {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            break
        }
        usleep(1_000)
    }
    return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
}

/// One test's private folder under /tmp with its daemons; `cleanup()` stops them and removes it.
final class Sandbox: @unchecked Sendable {
    // @unchecked: the mutable state is only touched under `lock`.
    let root: String
    private let lock = NSLock()
    private var daemons: [DaemonProcess] = []
    private var runs = 0

    init() throws {
        root = try makeTemporaryFolder(prefix: "clcli")
    }

    func path(_ name: String) -> String { root + "/" + name }

    /// Starts a fresh daemon named `name` (its own data folder and socket, log level warning, stderr in
    /// `NAME.log`), waits until it serves, and returns a client for it.
    func startDaemon(_ name: String = "a") throws -> CLI {
        let socket = path("\(name).sock")
        guard socket.utf8.count < 100 else { throw HarnessError("socket path too long: \(socket)") }
        let daemon = try DaemonProcess.start(
            data: path("\(name).data"), socket: socket, stderrPath: path("\(name).log"),
            environment: ["COACHLOG_LOG_LEVEL": "warning"])
        lock.lock()
        daemons.append(daemon)
        lock.unlock()
        return CLI(sandbox: self, socket: socket)
    }

    /// A client for a socket path (for paths where nothing listens).
    func client(socket: String) -> CLI { CLI(sandbox: self, socket: socket) }

    fileprivate func nextRun() -> Int {
        lock.lock()
        defer { lock.unlock() }
        runs += 1
        return runs
    }

    func cleanup() {
        lock.lock()
        let all = daemons
        daemons = []
        lock.unlock()
        for daemon in all { daemon.stop(timeout: 10) }
        try? FileManager.default.removeItem(atPath: root)
    }
}

/// Runs `body` with a sandbox holding one started daemon; everything is stopped and removed afterwards.
func withDaemon(_ body: (CLI, Sandbox) throws -> Void) throws {
    let sandbox = try Sandbox()
    defer { sandbox.cleanup() }
    try body(try sandbox.startDaemon(), sandbox)
}

/// The real `coachlog` binary, talking to one socket.
struct CLI {
    let sandbox: Sandbox
    let socket: String

    /// Runs `coachlog ARGS` with COACHLOG_SOCKET and NO_COLOR=1 (plus `env`); output goes through files,
    /// so that a large output never blocks the child.
    func run(_ args: [String], env: [String: String] = [:]) throws -> CLIResult {
        try Binaries.require(Binaries.coachlog)
        let n = sandbox.nextRun()
        let outPath = sandbox.path("run-\(n).out")
        let errPath = sandbox.path("run-\(n).err")
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        defer {
            try? out.close()
            try? err.close()
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binaries.coachlog)
        process.arguments = args
        process.environment = childEnvironment(["COACHLOG_SOCKET": socket, "NO_COLOR": "1"].merging(env) { $1 })
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let status = waitForExit(process, timeout: 20)
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return CLIResult(status: status, stdout: stdout, stderr: stderr)
    }

    /// Runs a command that must succeed; records an issue (with its output) if it does not.
    @discardableResult
    func ok(_ args: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> CLIResult {
        let result = try run(args)
        #expect(result.status == 0, "coachlog \(args.joined(separator: " ")): \(result)", sourceLocation: sourceLocation)
        return result
    }
}

/// A socket file at `path` that is bound but never listens, as a crashed daemon can leave behind.
/// Returns its descriptor (close it when done).
func staleSocket(_ path: String) throws -> Int32 {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { throw HarnessError("socket(): \(String(cString: strerror(errno)))") }
    var address = unixAddress(path)
    let rc = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    guard rc == 0 else {
        close(fd)
        throw HarnessError("bind(\(path)): \(String(cString: strerror(errno)))")
    }
    return fd
}

private func unixAddress(_ path: String) -> sockaddr_un {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8.prefix(MemoryLayout.size(ofValue: address.sun_path) - 1))
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        raw.copyBytes(from: bytes)
        raw[bytes.count] = 0
    }
    return address
}

import CoachLogPOSIX
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The real `coachlogd` binary, run as a child process.
///
/// The binary sits next to the test bundle executable (`swift test` builds
/// both). stderr goes to a file (a pipe nobody reads could fill and block
/// the daemon), readable with `stderr`. A watchdog SIGKILLs the daemon if a
/// test leaves it running too long, so a blocked client read ends in a
/// failure instead of a hung test run.
public final class DaemonProcess: @unchecked Sendable {
    // @unchecked: `process` is set once in init; `watchdog` is only cancelled; `linesAreChecked`
    // is only touched under `linesChecked`.
    /// The built `coachlogd`.
    public static let binaryPath: String = Binaries.coachlogd

    /// Used, when present, to make the child die with the test process (`--pdeathsig KILL`).
    public static let setpriv = "/usr/bin/setpriv"

    /// The child: `setpriv` exec'ing the daemon when available, else the daemon itself (same pid either way).
    public let process = Process()
    /// The socket `waitUntilReady()` waits for, if any.
    public let socketPath: String?
    /// The file receiving the child's stderr.
    public let stderrPath: String
    private let watchdog: DispatchWorkItem
    /// The sockets whose lines `WireCapture` checks when the daemon ends (once: `linesChecked`).
    private let servedSockets: [String]
    private let linesChecked = NSLock()
    private var linesAreChecked = false

    /// Launches `executable` (default: coachlogd) with `arguments`, without waiting for it to be ready.
    public init(
        arguments: [String], socketPath: String?, stderrPath: String, environment: [String: String] = [:],
        executable: String = DaemonProcess.binaryPath, watchdogSeconds: Double = 55
    ) throws {
        try Binaries.require(executable)
        WireCapture.install()
        self.socketPath = socketPath
        let readOnly = zip(arguments, arguments.dropFirst()).filter { $0.0 == "--read-only-socket" }.map(\.1)
        servedSockets = (socketPath.map { [$0] } ?? []) + readOnly
        self.stderrPath = stderrPath
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("COACHLOG_") || key.hasPrefix("LISTEN_") || key == "NOTIFY_SOCKET" {
            env.removeValue(forKey: key)
        }
        env["COACHLOG_LOG_LEVEL"] = "info"
        env["COACHLOG_MASTER_KEY"] = TestMasterKey.path
        env["COACHLOG_SIGNING_KEY"] = TestSigningKey.path
        for (key, value) in environment { env[key] = value }
        if FileManager.default.isExecutableFile(atPath: Self.setpriv) {
            // If the test process dies (a crash, a killed run), its daemons die with it.
            process.executableURL = URL(fileURLWithPath: Self.setpriv)
            process.arguments = ["--pdeathsig", "KILL", "--", executable] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        }
        process.environment = env
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        let process = self.process
        watchdog = DispatchWorkItem {
            if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        }
        try ProcessLauncher.run(process)
        DispatchQueue.global().asyncAfter(deadline: .now() + watchdogSeconds, execute: watchdog)
    }

    /// Starts `coachlogd --data DATA --socket SOCKET EXTRA...` and waits until the socket accepts connections.
    public static func start(
        data: String, socket: String, extra: [String] = [], stderrPath: String, environment: [String: String] = [:],
        watchdogSeconds: Double = 55
    ) throws -> DaemonProcess {
        let daemon = try DaemonProcess(
            arguments: ["--data", data, "--socket", socket] + extra, socketPath: socket, stderrPath: stderrPath,
            environment: environment, watchdogSeconds: watchdogSeconds)
        do {
            try daemon.waitUntilReady()
        } catch {
            daemon.kill()
            throw error
        }
        return daemon
    }

    /// The child's process id.
    public var pid: Int32 { process.processIdentifier }
    /// True while the child has not exited.
    public var isRunning: Bool { process.isRunning }

    /// What the daemon wrote on stderr so far.
    public var stderr: String {
        (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
    }

    /// Waits until `socketPath` accepts a connection (default timeout 15 s).
    public func waitUntilReady(timeout: Double = 15) throws {
        guard let socketPath else { throw HarnessError("no socket path to wait for") }
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if socketAccepts(socketPath) { return }
            if !process.isRunning {
                throw HarnessError("coachlogd exited with status \(process.terminationStatus) before serving: \(stderr)")
            }
            usleep(20_000)
        }
        throw HarnessError("coachlogd did not accept connections on \(socketPath) within \(timeout) s: \(stderr)")
    }

    /// Waits for the process to end; its exit status, or nil on timeout.
    /// A process ended by a signal reports 128 + the signal number.
    @discardableResult
    public func waitForExit(timeout: Double = 15) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() >= deadline { return nil }
            usleep(10_000)
        }
        watchdog.cancel()
        checkLines()
        if process.terminationReason == .uncaughtSignal { return 128 + process.terminationStatus }
        return process.terminationStatus
    }

    /// Sends SIGTERM and returns the exit status (SIGKILLs and returns nil if it does not exit in time).
    @discardableResult
    public func stop(timeout: Double = 15) -> Int32? {
        if process.isRunning { Glibc.kill(pid, SIGTERM) }
        if let status = waitForExit(timeout: timeout) { return status }
        kill()
        return nil
    }

    /// Sends SIGKILL and waits for the process to be gone.
    public func kill() {
        if process.isRunning { Glibc.kill(pid, SIGKILL) }
        _ = waitForExit(timeout: 10)
    }

    /// Checks every line test clients read from this daemon against Protocol.schema.json (once).
    private func checkLines() {
        linesChecked.lock()
        let first = !linesAreChecked
        linesAreChecked = true
        linesChecked.unlock()
        if first { WireCapture.checkAndReport(sockets: servedSockets) }
    }

    deinit {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        watchdog.cancel()
        checkLines()
    }
}

/// True when something accepts connections on the Unix socket at `path`.
public func socketAccepts(_ path: String) -> Bool {
    guard let fd = try? connectUnix(path) else { return false }
    close(fd)
    return true
}

/// A connected Unix stream socket, or a thrown reason.
public func connectUnix(_ path: String) throws -> Int32 {
    do {
        return try POSIX.connectUnixSocket(path)
    } catch {
        throw HarnessError("\(error)")
    }
}

import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real PostgreSQL server (Debian's `postgresql`) on a temporary folder,
/// listening only on a Unix socket in that folder, with a superuser
/// `coachlog` (trust authentication) and a database `coachlog`.
///
/// PostgreSQL refuses to run as root, so under root (CI) it runs as the
/// `postgres` user the Debian package creates. `psql` runs queries for the
/// tests' checks. `kill()` and `start()` let a test take it down and bring
/// it back on the same folder.
public final class PostgresServer: @unchecked Sendable {
    /// Why no server can be started here, or nil when one can.
    public static var unavailableReason: String? {
        guard binFolder != nil else {
            return "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/postgres); scripts/install-deps installs it"
        }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/psql") else { return "psql is not installed" }
        if getuid() == 0, getpwnam("postgres") == nil { return "running as root and there is no postgres user" }
        return nil
    }

    /// Tests that need a server run when one can start, and always in CI (where a missing one fails them).
    public static var runs: Bool { unavailableReason == nil || ProcessInfo.processInfo.environment["CI"] == "true" }

    static let binFolder: String? = {
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return versions.sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }.map { "\(root)/\($0)/bin" }
            .first { FileManager.default.isExecutableFile(atPath: "\($0)/postgres") }
    }()

    public let folder: String
    public var dataFolder: String { folder + "/data" }
    public var socketFolder: String { folder + "/socket" }
    public let port = 5432
    private(set) var process: DaemonProcess?
    private let watchdogSeconds: Double

    /// The exporter's `--postgres` URL for this server.
    public var url: String { "postgres:///coachlog?host=\(socketFolder)&port=\(port)&user=coachlog" }

    /// Creates a cluster in a new temporary folder and starts it.
    public init(watchdogSeconds: Double = 900) throws {
        if let reason = Self.unavailableReason { throw HarnessError(reason) }
        self.watchdogSeconds = watchdogSeconds
        folder = try makeTemporaryFolder(prefix: "coachlog-pg")
        chmod(folder, 0o755)
        try FileManager.default.createDirectory(atPath: socketFolder, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dataFolder, withIntermediateDirectories: true)
        if getuid() == 0, let pw = getpwnam("postgres") {
            for path in [folder, socketFolder, dataFolder] { chown(path, pw.pointee.pw_uid, pw.pointee.pw_gid) }
        }
        chmod(dataFolder, 0o700)
        try runToEnd(
            [binFolder() + "/initdb", "-D", dataFolder, "-A", "trust", "-U", "coachlog", "-E", "UTF8", "--locale=C.UTF-8"])
        try start()
        try psql("CREATE DATABASE coachlog", database: "postgres")
    }

    private func binFolder() -> String { Self.binFolder ?? "/usr/lib/postgresql/15/bin" }

    /// The command line, as the `postgres` user when running as root.
    private func asServerUser(_ command: [String]) -> [String] {
        guard getuid() == 0 else { return command }
        return ["/usr/bin/setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"] + command
    }

    private func runToEnd(_ command: [String]) throws {
        let full = asServerUser(command)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: full[0])
        process.arguments = Array(full.dropFirst())
        let log = folder + "/setup.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try ProcessLauncher.run(process)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw HarnessError("\(command.joined(separator: " ")) failed: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        }
    }

    /// Starts the server on its folder and waits until it accepts queries (a restart after `kill()`
    /// waits for the old one's processes to let go of the folder).
    public func start(timeout: Double = 60) throws {
        // setpriv --pdeathsig is cleared by a change of user, so it is set again after the change.
        let command = asServerUser(
            (getuid() == 0 ? ["/usr/bin/setpriv", "--pdeathsig", "KILL", "--"] : []) + [
                binFolder() + "/postgres", "-D", dataFolder, "-k", socketFolder, "-p", String(port),
                "-c", "listen_addresses=", "-c", "shared_buffers=64MB", "-c", "max_connections=40",
            ])
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let server = try DaemonProcess(
                arguments: Array(command.dropFirst()), socketPath: nil, stderrPath: folder + "/postgres.log",
                executable: command[0], watchdogSeconds: watchdogSeconds)
            process = server
            while Date() < deadline, server.isRunning {
                if (try? psql("SELECT 1", database: "postgres")) == "1" { return }
                usleep(50_000)
            }
            guard Date() < deadline else {
                server.kill()
                throw HarnessError("PostgreSQL did not start within \(timeout) s: \(log)")
            }
            // Exited at once: the processes of a killed server still hold the folder. Try again.
            usleep(200_000)
        }
    }

    /// What the server logged.
    public var log: String { (try? String(contentsOfFile: folder + "/postgres.log", encoding: .utf8)) ?? "" }

    /// SIGKILLs the postmaster, as a crash would; its backends notice and exit on their own.
    public func kill() {
        process?.kill()
        process = nil
    }

    /// A fast shutdown (SIGINT), then the folder is removed.
    public func stop() {
        if let process, process.isRunning {
            Glibc.kill(process.pid, SIGINT)
            _ = process.waitForExit(timeout: 30)
        }
        process?.kill()
        process = nil
        removeTree(folder)
    }

    /// Runs `sql` with psql and returns its output: unaligned, tab-separated, no headers.
    @discardableResult
    public func psql(_ sql: String, database: String = "coachlog") throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = [
            "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-h", socketFolder, "-p", String(port), "-U",
            "coachlog", "-d", database, "-c", sql,
        ]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let problem = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw HarnessError("psql \(sql.prefix(80)): \(String(decoding: problem, as: UTF8.self))")
        }
        var text = String(decoding: data, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    deinit {
        if let process, process.isRunning { Glibc.kill(process.pid, SIGKILL) }
    }
}

import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A private PostgreSQL server (Debian's `postgresql`) for workload I: a new cluster in a
/// temporary folder, listening only on a Unix socket there, with a superuser `coachlog`
/// (trust authentication) and a database `coachlog`. Its settings are initdb's defaults
/// (synchronous commit, fsync on), as a fresh installation runs.
///
/// PostgreSQL refuses to run as root, so under root its programs run as the `postgres`
/// user the Debian package creates (setpriv), on folders chowned to it. The bench's own SQL
/// goes through `psql -X -A -t`: one-shot, or a `Session` kept open for polling.
final class PostgresProcess: @unchecked Sendable {
    // @unchecked: every property is set once, in `init`.

    /// Why no server can be started here, or nil when one can.
    static var unavailableReason: String? {
        guard binFolder != nil else {
            return "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/postgres); scripts/install-deps installs it"
        }
        guard FileManager.default.isExecutableFile(atPath: psqlPath) else { return "psql is not installed (\(psqlPath))" }
        if getuid() == 0, getpwnam("postgres") == nil { return "running as root and there is no postgres user" }
        return nil
    }

    static let psqlPath = "/usr/bin/psql"

    /// The newest installed server's programs.
    static let binFolder: String? = {
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return versions.sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }.map { "\(root)/\($0)/bin" }
            .first { FileManager.default.isExecutableFile(atPath: "\($0)/postgres") }
    }()

    let folder: String
    var dataFolder: String { folder + "/data" }
    var socketFolder: String { folder + "/socket" }
    let port = 5432
    private let process = Process()

    /// coachlog-pgsync's `--postgres` URL for this server.
    var url: String { "postgres:///coachlog?host=\(socketFolder)&port=\(port)&user=coachlog" }

    /// The postmaster's process id (setpriv execs it).
    var pid: pid_t { process.processIdentifier }

    /// The server's version line, such as "PostgreSQL 15.14 (Debian 15.14-0+deb12u1) on x86_64…".
    private(set) var version = ""

    /// Creates a cluster in `folder` (an empty temporary folder) and starts it.
    init(folder: String) throws {
        if let reason = Self.unavailableReason { throw BenchError(reason) }
        self.folder = folder
        let bin = Self.binFolder ?? "/usr/lib/postgresql/15/bin"
        chmod(folder, 0o755)
        for path in [socketFolder, dataFolder] { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        if getuid() == 0, let pw = getpwnam("postgres") {
            for path in [folder, socketFolder, dataFolder] { chown(path, pw.pointee.pw_uid, pw.pointee.pw_gid) }
        }
        chmod(dataFolder, 0o700)
        let initdb = Process()
        let initCommand = Self.asServerUser([bin + "/initdb", "-D", dataFolder, "-A", "trust", "-U", "coachlog", "-E", "UTF8", "--locale=C.UTF-8"])
        initdb.executableURL = URL(fileURLWithPath: initCommand[0])
        initdb.arguments = Array(initCommand.dropFirst())
        let setupLog = try Self.logHandle(folder + "/initdb.log")
        initdb.standardOutput = setupLog
        initdb.standardError = setupLog
        try initdb.run()
        initdb.waitUntilExit()
        guard initdb.terminationStatus == 0 else {
            throw BenchError("initdb failed: \((try? String(contentsOfFile: folder + "/initdb.log", encoding: .utf8)) ?? "")")
        }

        // setpriv --pdeathsig is cleared by the change of user, so it is set after it: the server
        // dies with the bench, whatever ends it.
        let command = Self.asServerUser(
            (getuid() == 0 ? ["/usr/bin/setpriv", "--pdeathsig", "KILL", "--"] : []) + [
                bin + "/postgres", "-D", dataFolder, "-k", socketFolder, "-p", String(port), "-c", "listen_addresses=",
            ])
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        let log = try Self.logHandle(folder + "/postgres.log")
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            if let v = try? psql("SELECT version()", database: "postgres") {
                version = v
                break
            }
            guard process.isRunning else { throw BenchError("PostgreSQL exited during start-up: \(self.log.suffix(2000))") }
            guard ContinuousClock.now < deadline else { throw BenchError("PostgreSQL did not start within 60 s: \(self.log.suffix(2000))") }
            usleep(50_000)
        }
        try psql("CREATE DATABASE coachlog", database: "postgres")
    }

    /// The command line, as the `postgres` user when running as root.
    private static func asServerUser(_ command: [String]) -> [String] {
        guard getuid() == 0 else { return command }
        return ["/usr/bin/setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"] + command
    }

    private static func logHandle(_ path: String) throws -> FileHandle {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        return try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    }

    /// What the server logged.
    var log: String { (try? String(contentsOfFile: folder + "/postgres.log", encoding: .utf8)) ?? "" }

    /// The psql arguments for `database`: no psqlrc, unaligned, tuples only, tab-separated, stop at the first error.
    private func psqlArguments(database: String) -> [String] {
        ["-X", "-q", "-A", "-t", "-F", "\t", "-h", socketFolder, "-p", String(port), "-U", "coachlog", "-d", database]
    }

    /// Runs `sql` with a one-shot psql; returns its output (unaligned, tab-separated, no headers).
    @discardableResult
    func psql(_ sql: String, database: String = "coachlog") throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.psqlPath)
        p.arguments = psqlArguments(database: database) + ["-v", "ON_ERROR_STOP=1", "-c", sql]
        let output = Pipe()
        let errors = Pipe()
        p.standardOutput = output
        p.standardError = errors
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let problem = errors.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw BenchError("psql \(sql.prefix(80)): \(String(decoding: problem, as: UTF8.self))")
        }
        var text = String(decoding: data, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    /// A psql kept open: one backend for every poll, instead of a process and a backend each.
    func session(database: String = "coachlog") throws -> Session {
        try Session(arguments: psqlArguments(database: database), errorLog: folder + "/psql-session.log")
    }

    /// One psql process fed statements on its standard input. A statement that fails
    /// answers no rows (psql writes the error to `errorLog` and goes on).
    final class Session {
        private let process = Process()
        private let input: FileHandle
        private let output: FileHandle
        private var buffer: [UInt8] = []
        private static let marker = "--coachlog-bench-end--"

        init(arguments: [String], errorLog: String) throws {
            process.executableURL = URL(fileURLWithPath: PostgresProcess.psqlPath)
            process.arguments = arguments
            let stdin = Pipe()
            let stdout = Pipe()
            process.standardInput = stdin
            process.standardOutput = stdout
            process.standardError = try PostgresProcess.logHandle(errorLog)
            try process.run()
            input = stdin.fileHandleForWriting
            output = stdout.fileHandleForReading
        }

        /// Runs one statement (no trailing semicolon needed) and returns its rows, each split at tabs.
        func rows(_ sql: String) throws -> [[String]] {
            guard process.isRunning else { throw BenchError("the psql session ended") }
            try input.write(contentsOf: Data((sql + ";\n\\echo \(Self.marker)\n").utf8))
            var rows: [[String]] = []
            while true {
                let line = try readLine()
                if line == Self.marker { return rows }
                rows.append(line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init))
            }
        }

        private func readLine() throws -> String {
            while true {
                if let newline = buffer.firstIndex(of: 0x0A) {
                    let line = String(decoding: buffer[..<newline], as: UTF8.self)
                    buffer.removeSubrange(...newline)
                    return line
                }
                let data = output.availableData
                if data.isEmpty { throw BenchError("the psql session ended") }
                buffer += data
            }
        }

        func close() {
            try? input.close()
            process.waitUntilExit()
        }
    }

    /// CPU seconds (user + system) of the postmaster, its live children (backends, writers) and
    /// the children it has reaped, so far.
    var cpuSeconds: Double {
        ProcessCPU.seconds(pid, includingReaped: true) + ProcessCPU.children(of: pid).reduce(0) { $0 + ProcessCPU.seconds($1) }
    }

    /// A fast shutdown (SIGINT), SIGKILL after 30 s, then the folder is removed.
    func stop() {
        if process.isRunning {
            kill(pid, SIGINT)
            let deadline = ContinuousClock.now + .seconds(30)
            while process.isRunning, ContinuousClock.now < deadline { usleep(20_000) }
            if process.isRunning { kill(pid, SIGKILL) }
            process.waitUntilExit()
        }
        removeFolder(folder)
    }

    deinit {
        if process.isRunning { kill(pid, SIGKILL) }
    }
}

/// CPU time of processes, from /proc.
enum ProcessCPU {
    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// The fields of /proc/PID/stat after the command's closing parenthesis (field 3, the state, first).
    private static func statFields(_ pid: pid_t) -> [Substring]? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        return text[text.index(after: close)...].split(separator: " ")
    }

    /// User + system seconds of `pid` (all its threads); with `includingReaped`, also its waited-for children's.
    static func seconds(_ pid: pid_t, includingReaped: Bool = false) -> Double {
        guard let f = statFields(pid), f.count > 14 else { return 0 }
        // Fields 14 utime, 15 stime, 16 cutime, 17 cstime: indices 11…14 here.
        var ticks = (Double(f[11]) ?? 0) + (Double(f[12]) ?? 0)
        if includingReaped { ticks += (Double(f[13]) ?? 0) + (Double(f[14]) ?? 0) }
        return ticks / ticksPerSecond
    }

    /// The processes whose parent is `pid`.
    static func children(of pid: pid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { child in
            guard let f = statFields(child), f.count > 1 else { return false }
            return Int32(f[1]) == pid
        }
    }
}

import ArgumentParser
import CoachLogPGSync
import CoachLogProtocol
import Foundation
import Logging
import ServiceLifecycle

/// `coachlog-pgsync`: streams coachlogd's log into PostgreSQL for analytics.
@main
struct PGSyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coachlog-pgsync",
        abstract: "Streams coachlogd's event log into PostgreSQL, exactly once, with projection tables for BI tools.",
        discussion: """
            It subscribes to coachlogd's socket like any client and writes every event, and tables of sessions, \
            reviews, open commitments, cadence and topic coverage, into one PostgreSQL schema that it creates and owns. \
            Each batch and its checkpoint are one transaction: stop it, or the daemon, or PostgreSQL, at any moment \
            and it resumes with no gap and no duplicate. Free text is left out unless --include-text is given. \
            docs/analytics.md has the tables and example SQL.
            """)

    @Option(help: ArgumentHelp("coachlogd's socket (default: $COACHLOG_SOCKET, else the daemon's default).", valueName: "PATH"))
    var socket: String?

    @Option(
        help: ArgumentHelp(
            "The database, as postgres://USER@HOST:PORT/DATABASE?sslmode=require or postgres:///DATABASE?host=/var/run/postgresql (default: $COACHLOG_POSTGRES).",
            valueName: "URL"))
    var postgres: String?

    @Option(
        help: ArgumentHelp(
            "A file whose first line is the database password (default: $PGPASSWORD, else $CREDENTIALS_DIRECTORY/postgres-password).",
            valueName: "FILE"))
    var passwordFile: String?

    @Option(help: ArgumentHelp("The schema to create and write (a plain lowercase name).", valueName: "NAME"))
    var schema = "coachlog"

    @Flag(help: "Also export free text (texts, notes, reasons, areas) where the daemon shows it to this user.")
    var includeText = false

    @Option(help: ArgumentHelp("At most this many events per transaction.", valueName: "N"))
    var batchEvents = 10_000

    @Flag(help: "Print how far the copy is (exported, projected, the daemon's position, the lag) and exit.")
    var status = false

    @Option(help: ArgumentHelp("trace, debug, info, notice, warning or error (default: $COACHLOG_LOG_LEVEL, else info).", valueName: "LEVEL"))
    var logLevel: String?

    func run() async throws {
        LoggingSystem.bootstrap { label in StreamLogHandler.standardError(label: label) }
        let environment = ProcessInfo.processInfo.environment
        let levelText = logLevel ?? environment["COACHLOG_LOG_LEVEL"] ?? "info"
        guard let level = Logger.Level(rawValue: levelText) else {
            throw ValidationError("unknown log level \"\(levelText)\"; use trace, debug, info, notice, warning or error")
        }
        guard (1...100_000).contains(batchEvents) else { throw ValidationError("--batch-events must be 1 to 100000") }
        var logger = Logger(label: "coachlog-pgsync")
        logger.logLevel = level
        guard let url = postgres ?? environment["COACHLOG_POSTGRES"] else {
            throw ValidationError("give the database with --postgres URL (or $COACHLOG_POSTGRES), such as postgres:///coachlog?host=/var/run/postgresql")
        }
        let target: PostgresTarget
        let schemaName: Schema
        do {
            target = try PostgresTarget(url: url, defaultUser: Self.loginName(environment), password: try password(environment))
            schemaName = try Schema(name: schema)
        } catch let error as PostgresTarget.Invalid {
            throw ValidationError(error.description)
        } catch let error as SyncError {
            throw ValidationError(error.description)
        }
        let socketPath = socket ?? DefaultPaths.socketPath
        do {
            if status {
                let report = try await SyncStatus.read(target: target, schema: schemaName, socketPath: socketPath, logger: logger)
                print(report.lines.joined(separator: "\n"))
                return
            }
            let exporter = Exporter(
                settings: .init(
                    socketPath: socketPath, target: target, schema: schemaName, includeText: includeText,
                    maxEvents: batchEvents),
                logger: logger)
            let group = ServiceGroup(
                configuration: .init(
                    services: [.init(service: exporter)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        } catch let error as SyncError {
            FileHandle.standardError.write(Data("coachlog-pgsync: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    private func password(_ environment: [String: String]) throws -> String? {
        if let passwordFile { return try Self.firstLine(of: passwordFile) }
        if let password = environment["PGPASSWORD"], !password.isEmpty { return password }
        if let folder = environment["CREDENTIALS_DIRECTORY"],
            FileManager.default.fileExists(atPath: folder + "/postgres-password")
        {
            return try Self.firstLine(of: folder + "/postgres-password")
        }
        return nil
    }

    private static func firstLine(of path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read the password file \(path); check that it exists and this user may read it")
        }
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).first
            .map(String.init) ?? ""
    }

    /// libpq's default user: the login name.
    private static func loginName(_ environment: [String: String]) -> String {
        if let user = environment["PGUSER"], !user.isEmpty { return user }
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return environment["USER"] ?? "postgres"
    }
}

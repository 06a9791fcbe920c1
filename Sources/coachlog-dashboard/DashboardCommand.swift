import ArgumentParser
import CoachLogDashboard
import CoachLogProtocol
import Foundation
import Hummingbird
import Logging

/// `coachlog-dashboard`: the web dashboard, a client of coachlogd's socket.
@main
struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coachlog-dashboard",
        abstract: "Serves the CoachLog web dashboard: team follow-through, each salesperson's page, overdue commitments, live.",
        discussion: """
            It talks to coachlogd only through its Unix socket, and shows what coachlogd's access rules let this \
            process's user see: run as the `dashboard` role it shows numbers without free text; run as a coach's \
            user, that coach's people with their texts. It listens on loopback unless given --credentials.
            """)

    @Option(help: ArgumentHelp("coachlogd's socket (default: $COACHLOG_SOCKET, else the daemon's default).", valueName: "PATH"))
    var socket: String?

    @Option(help: ArgumentHelp("The address to serve on: HOST:PORT; any address but loopback needs --credentials.", valueName: "HOST:PORT"))
    var listen = "127.0.0.1:8080"

    @Option(
        help: ArgumentHelp(
            "A file (mode 600) with one line, `bearer TOKEN` or `basic USER:PASSWORD`: every request must present it.",
            valueName: "FILE"))
    var credentials: String?

    @Option(help: ArgumentHelp("trace, debug, info, notice, warning or error (default: $COACHLOG_LOG_LEVEL, else info).", valueName: "LEVEL"))
    var logLevel: String?

    func run() async throws {
        LoggingSystem.bootstrap { label in StreamLogHandler.standardError(label: label) }
        let levelText = logLevel ?? ProcessInfo.processInfo.environment["COACHLOG_LOG_LEVEL"] ?? "info"
        guard let level = Logger.Level(rawValue: levelText) else {
            throw ValidationError("unknown log level \"\(levelText)\"; use trace, debug, info, notice, warning or error")
        }
        var logger = Logger(label: "coachlog-dashboard")
        logger.logLevel = level
        let socketPath = socket ?? DefaultPaths.socketPath
        let configuration: DashboardConfiguration
        do {
            configuration = try DashboardConfiguration(socketPath: socketPath, listen: listen, credentialsPath: credentials)
        } catch {
            throw ValidationError(error.description)
        }
        let dashboard = Dashboard(configuration: configuration, logger: logger)
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        let guarded = configuration.credentials == nil ? "no credential" : "credential required"
        try await dashboard.run { port in
            // Scripts and tests read this line to learn the port (also when --listen asked for port 0).
            let line = "coachlog-dashboard listening on http://\(host):\(port) (coachlogd at \(socketPath), \(guarded))\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
    }
}

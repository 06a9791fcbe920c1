import ArgumentParser
import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Exit codes, as documented in README.md.
enum ExitStatus: Int32 {
    case ok = 0
    /// The daemon refused the request (validation, conflict, not found, ...).
    case refused = 1
    /// The command line was wrong.
    case usage = 2
    /// The daemon could not be reached.
    case cannotConnect = 3
}

@main
struct CoachLogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coachlog",
        abstract: "Record and read one-on-one sales coaching, week after week.",
        usage: GlobalOptions.usage,
        discussion: """
            Talks to coachlogd over its Unix socket (--socket, $COACHLOG_SOCKET,
            or the daemon's default). --socket PATH, and --json on the commands that
            print results, may come before or after the command:
              coachlog --socket /run/coachlog/coachlog.sock open --json
            Exit codes: 0 ok, 1 refused by the daemon, 2 usage error, 3 cannot connect.

            A coaching week:
              coachlog session open --salesperson dana --coach lee --topics goals
              coachlog goal "Lead a team in two years" --salesperson dana
              coachlog commit more "Follow up within two days" --salesperson dana
              coachlog session close --salesperson dana
            and the next week:
              coachlog review c-7k2m9q kept --salesperson dana
              coachlog followthrough --salesperson dana --weeks 4
            and to put a mistake right (the log keeps both):
              coachlog review correct c-7k2m9q partial --salesperson dana --reason "three of five"
            """,
        version: "0.1.0",
        subcommands: [
            Session.self, GoalCommand.self, CommitCommand.self, ReviewCommand.self, InsightCommand.self,
            CommitmentCommand.self, MergeCommand.self,
            FollowThroughCommand.self, OpenCommand.self, CadenceCommand.self, GoalsCommand.self, TopicsCommand.self,
            SessionsCommand.self, TeamCommand.self, PrepCommand.self, LogCommand.self, TailCommand.self, StatsCommand.self, PingCommand.self,
            BackupCommand.self, ForgetCommand.self, ExportCommand.self, ImportCommand.self, VerifyExportCommand.self,
            CheckpointCommand.self,
        ]
    )

    static func main() {
        do {
            let commands = Set(configuration.subcommands.compactMap { $0.configuration.commandName })
            let arguments = GlobalOptions.reordered(Array(CommandLine.arguments.dropFirst()), commands: commands)
            if let unknown = Guidance.unknownHelpTopic(arguments, root: Self.self) {
                printError("coachlog: \(unknown)")
                Glibc.exit(ExitStatus.usage.rawValue)
            }
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch let error as ClientError {
            switch error {
            case .cannotConnect(let path, let reason):
                printError(Guidance.cannotConnect(socket: path, reason: reason))
                Glibc.exit(ExitStatus.cannotConnect.rawValue)
            case .refused(let reason):
                printError("coachlog: \(reason.message)" + (reason.rule.map { " [\($0)]" } ?? ""))
                if let next = Guidance.nextStep(afterRefusal: reason.rule) { printError("coachlog: \(next)") }
                Glibc.exit(ExitStatus.refused.rawValue)
            case .connectionLost:
                printError("coachlog: \(error)")
                Glibc.exit(ExitStatus.cannotConnect.rawValue)
            }
        } catch let error as Refusal {
            printError("coachlog: \(error.message)")
            Glibc.exit(ExitStatus.refused.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                exit(withError: error)
            }
            printError(fullMessage(for: error))
            Glibc.exit(ExitStatus.usage.rawValue)
        }
    }
}

/// A refusal decided from the daemon's answers (e.g. no open session).
struct Refusal: Error {
    var message: String
}

func printError(_ message: String) {
    var line = message
    if !line.hasSuffix("\n") { line += "\n" }
    FileHandle.standardError.write(Data(line.utf8))
}

/// How to reach the daemon.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("coachlogd's socket (default: $COACHLOG_SOCKET or the daemon's default).", valueName: "PATH"))
    var socket: String?

    var path: String { socket ?? DefaultPaths.socketPath }

    func connect() throws -> Connection { try Connection(path: path) }
}

/// `--json` on read commands: print the daemon's result unchanged.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print the daemon's JSON result unchanged, for scripts.")
    var json = false
}

func printJSON(_ value: JSONValue) {
    print(JSONWriter.string(value))
}

/// A result received raw (to print it unchanged with `--json`), typed; a result that does not match the
/// contract is reported like a broken connection, as the client's typed methods do.
func typed<Result: WireResult>(_ result: JSONValue, as _: Result.Type) throws -> Result {
    do {
        return try Result(wire: result)
    } catch {
        throw ClientError.connectionLost(error.message)
    }
}

import ArgumentParser
import CoachLogProtocol
import Foundation

/// What the CLI tells a person who is stuck before any daemon answered: an unknown help topic, a daemon it
/// cannot reach.
enum Guidance {
    /// For `coachlog help WORDS…`: why the words name no command, or nil when they do (or this is no help).
    static func unknownHelpTopic(_ arguments: [String], root: any ParsableCommand.Type) -> String? {
        guard arguments.first == "help", arguments.dropFirst().first != "help" else { return nil }
        var command = root
        var path = ["coachlog"]
        for word in arguments.dropFirst() where !word.hasPrefix("-") {
            guard let next = command.configuration.subcommands.first(where: { $0._commandName == word }) else {
                let what = path.count == 1 ? "there is no command \"\(word)\"" : "\(path.joined(separator: " ")) has no subcommand \"\(word)\""
                return "\(what); `\(path.joined(separator: " ")) --help` lists them"
            }
            command = next
            path.append(word)
        }
        return nil
    }

    /// The "cannot connect" message: the socket tried, and how to start the daemon on the data folder it would
    /// use by default, named, so that following the hint never starts a daemon on an empty store unnoticed.
    static func cannotConnect(socket: String, reason: String) -> String {
        let data = DefaultPaths.dataDirectory
        let store = data + "/coachlog.mdb"
        let holds: String
        if FileManager.default.fileExists(atPath: store) {
            holds = "it holds a store"
        } else if FileManager.default.isReadableFile(atPath: data) || !FileManager.default.fileExists(atPath: data) {
            holds = "it holds no store yet: if your coaching record lives elsewhere, give that folder to --data"
        } else {
            holds = "this user cannot look inside it"
        }
        return """
            coachlog: cannot reach coachlogd at \(socket) (\(reason))
              If coachlogd runs on another socket, pass --socket PATH or set COACHLOG_SOCKET.
              To start it on the default data folder, \(data) (\(holds)):
                coachlogd --socket \(socket) --data \(data)
              or, from a CoachLog checkout, scripts/serve --socket \(socket) --data \(data)
            """
    }

    /// The command that does what a refusal's message asks for, when the daemon names it in protocol terms
    /// (an event type): the CLI's words for the same step. Keyed by rule id; the daemon's message is shown too.
    static func nextStep(afterRefusal rule: String?) -> String? {
        switch rule {
        case "commitment.reviewedOnce", "commitment.reviewed":
            return "to change a review: coachlog review correct COMMITMENT OUTCOME --salesperson NAME [--note TEXT]"
        case "correction.notReviewed":
            return "to review it: coachlog review COMMITMENT OUTCOME --salesperson NAME"
        case "merge.openSession":
            return "close it (coachlog session close) or void it (coachlog session void SESSION) first"
        default:
            return nil
        }
    }
}

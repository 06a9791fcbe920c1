import Foundation
import Testing

/// Help, examples and shell completion: no daemon needed, and none is reached.
@Suite struct HelpTests {
    @Test(arguments: [
        ["help", "commit"], ["help", "review"], ["help", "followthrough"], ["help", "open"], ["help", "session", "open"],
        ["commit", "--help"], ["topics", "--help"], ["export", "--help"], ["help", "team"], ["prep", "--help"], ["goals", "--help"],
        ["help", "goal"], ["help", "review", "correct"], ["help", "commitment"], ["help", "commitment", "amend"],
        ["help", "commitment", "withdraw"], ["help", "session", "void"], ["help", "merge"], ["help", "goal", "amend"],
        ["help", "goal", "achieved"], ["help", "goal", "dropped"], ["merge", "--help"],
    ])
    func helpShowsAnExample(_ args: [String]) throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        let result = try sandbox.client(socket: sandbox.path("none.sock")).run(args)
        #expect(result.status == 0, "\(result)")
        let lines = result.lines
        let example = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix("Example") }, "\(result)")
        // The line after "Example:" is a runnable command line.
        let command = lines.indices.contains(example + 1) ? lines[example + 1].trimmingCharacters(in: .whitespaces) : ""
        #expect(command.hasPrefix("coachlog "), "\(result)")
        #expect(result.stdout.contains("USAGE: coachlog"), "\(result)")
    }

    @Test func commitHelpExplainsTheDefaultDueDate() throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        let result = try sandbox.client(socket: sandbox.path("none.sock")).run(["help", "commit"])
        #expect(result.stdout.contains("The due date defaults to a week after the session."), "\(result)")
        #expect(result.stdout.contains("more, better or different"), "\(result)")
    }

    @Test func topLevelHelpListsExitCodesAndCommands() throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        let result = try sandbox.client(socket: sandbox.path("none.sock")).run(["--help"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("0 ok, 1 refused by the daemon, 2 usage error, 3 cannot connect"), "\(result)")
        for command in [
            "session", "goal", "commit", "review", "insight", "followthrough", "open", "cadence", "topics", "team", "prep", "export",
            "import",
        ] {
            #expect(result.lines.contains { $0.hasPrefix("  \(command) ") }, "\(command) missing from help")
        }
    }

    @Test(arguments: [
        (["help", "frobnicate"], "there is no command \"frobnicate\"; `coachlog --help` lists them"),
        (["help", "session", "reopen"], "coachlog session has no subcommand \"reopen\"; `coachlog session --help` lists them"),
        (["help", "goal", "achieved", "twice"], "coachlog goal achieved has no subcommand \"twice\""),
    ])
    func helpOnAnUnknownCommandIsAUsageError(_ args: [String], message: String) throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        let result = try sandbox.client(socket: sandbox.path("none.sock")).run(args)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains(message), "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
    }

    @Test func groupsListTheirCorrectionsAndKeepTheirDefault() throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        let cli = sandbox.client(socket: sandbox.path("none.sock"))
        let goal = try cli.run(["help", "goal"])
        for line in ["state (default)", "amend ", "achieved ", "dropped "] {
            #expect(goal.lines.contains { $0.hasPrefix("  " + line) }, "\(line): \(goal)")
        }
        #expect(goal.stdout.contains("USAGE: coachlog goal <text> --salesperson <salesperson>"), "\(goal)")
        let review = try cli.run(["help", "review"])
        #expect(review.lines.contains { $0.hasPrefix("  record (default)") } && review.lines.contains { $0.hasPrefix("  correct ") }, "\(review)")
        #expect(review.stdout.contains("any case or shortened while it stays unambiguous"), "\(review)")
        let session = try cli.run(["help", "session"])
        #expect(session.lines.contains { $0.hasPrefix("  void ") }, "\(session)")
        let top = try cli.run(["--help"])
        for command in ["commitment", "merge"] {
            #expect(top.lines.contains { $0.hasPrefix("  \(command) ") }, "\(command) missing from help")
        }
        #expect(top.stdout.contains("coachlog review correct c-7k2m9q partial"), "\(top)")
    }

    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScript(_ shell: String) throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        let result = try sandbox.client(socket: sandbox.path("none.sock")).run(["--generate-completion-script", shell])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("coachlog"), "\(result)")
        #expect(result.stdout.contains("followthrough"), "subcommands are completed")
        if shell == "bash" { #expect(result.stdout.contains("complete "), "\(result.stdout.prefix(400))") }
    }
}

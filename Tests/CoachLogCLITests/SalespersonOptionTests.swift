import CoachLogJSON
import Testing

/// `--salesperson NAME` on every command about a salesperson; `goals`, `topics`, `sessions` and `prep` also take the
/// name as their first argument.
@Suite struct SalespersonOptionTests {
    static let named: [[String]] = [["goals"], ["topics", "--as-of", "2026-09-30"], ["sessions"], ["prep", "--as-of", "2026-09-30"]]

    @Test func goalsTopicsAndSessionsTakeTheOptionOrTheArgument() throws {
        try withDaemon { cli, _ in
            try ExitCodeTests.twoSessions(cli)
            try cli.ok(["goal", "Lead a team", "--id", "g1", "--at", "2026-09-14T09:05:00Z", "--salesperson", "dana"])
            for command in Self.named {
                let name = command[0]
                let options = Array(command.dropFirst())
                for json in [[], ["--json"]] {
                    let byOption = try cli.ok([name, "--salesperson", "dana"] + options + json)
                    let byArgument = try cli.ok([name, "dana"] + options + json)
                    let both = try cli.ok([name, "dana", "--salesperson", "dana"] + options + json)
                    // dana's own data: her goal, her second session, her name.
                    let evidence = ["goals": "g1", "sessions": "s2", "topics": "dana", "prep": "Lead a team"][name] ?? name
                    #expect(byOption.stdout.contains(evidence), "\(byOption)")
                    #expect(byArgument.stdout == byOption.stdout, "\(name): \(byArgument) vs \(byOption)")
                    #expect(both.stdout == byOption.stdout, "\(name): \(both) vs \(byOption)")
                }
            }
        }
    }

    @Test func twoDifferentSalespeopleOrNoneIsAUsageError() throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        // Refused before any connection: no daemon listens here.
        let cli = sandbox.client(socket: sandbox.path("none.sock"))
        for command in Self.named {
            let two = try cli.run([command[0], "dana", "--salesperson", "omar"] + command.dropFirst())
            #expect(two.status == 2, "\(two)")
            #expect(
                two.stderr.contains("two salespeople given: \"dana\" as the first argument and \"omar\" with --salesperson; give one"),
                "\(two)")
            #expect(two.stdout.isEmpty, "\(two)")

            let none = try cli.run([command[0]] + command.dropFirst())
            #expect(none.status == 2, "\(none)")
            #expect(none.stderr.contains("name the salesperson: --salesperson NAME (or NAME as the first argument)"), "\(none)")
        }
    }

    /// Every command about one salesperson lists `--salesperson` in its usage.
    @Test(arguments: [
        ["session", "open"], ["session", "close"], ["goal"], ["commit"], ["review"], ["insight"], ["followthrough"], ["open"],
        ["cadence"], ["goals"], ["topics"], ["sessions"], ["prep"], ["log"], ["tail"],
    ])
    func usageListsTheOption(_ command: [String]) throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        let result = try sandbox.client(socket: sandbox.path("none.sock")).run(["help"] + command)
        #expect(result.status == 0, "\(result)")
        let usage = result.lines.first { $0.hasPrefix("USAGE: coachlog \(command.joined(separator: " "))") }
        #expect(usage?.contains("--salesperson <salesperson>") == true, "\(result)")
        if ["goals", "topics", "sessions", "prep"].contains(command[0]) {
            #expect(usage?.contains("[<salesperson>]") == true, "\(result)")
            #expect(result.stdout.contains("shorthand for --salesperson"), "\(result)")
        }
    }
}

/// `--socket PATH` and `--json` written before the command, as in `coachlog --socket S followthrough --json`.
///
/// ArgumentParser hands a subcommand only the options written after its name, and options declared on the root
/// command would be accepted by every subcommand, including those that print no JSON. So the leading
/// `--socket`/`--json` are moved to just after the command's name and leading arguments, where the command parses
/// them as if they had been written there: each command keeps its own help, `--json` stays an unknown option
/// (exit 2) on commands without JSON output, and a repeated option keeps the order the user wrote.
enum GlobalOptions {
    /// The options that may come before the command (`--socket` takes a value).
    static let usage = "coachlog [--socket <PATH>] [--json] <subcommand> [<arguments and options>]"

    /// `arguments` (without the program name) with the leading global options moved after the command, one of
    /// `commands`. When a word that is no command follows them (`help`, a mistyped command), they are left out, so
    /// that ArgumentParser shows the help asked for or names the unknown command; when an option or nothing
    /// follows, they stay in place (`--help` still wins; otherwise the root reports them: they need a command).
    static func reordered(_ arguments: [String], commands: Set<String>) -> [String] {
        var leading = 0
        while leading < arguments.count {
            let token = arguments[leading]
            if token == "--json" || token.hasPrefix("--socket=") {
                leading += 1
            } else if token == "--socket", leading + 1 < arguments.count {
                leading += 2
            } else {
                break
            }
        }
        let globals = arguments[..<leading]
        let rest = arguments[leading...]
        guard !globals.isEmpty, let command = rest.first, !command.hasPrefix("-") else { return arguments }
        guard commands.contains(command) else { return Array(rest) }
        // After the command's name (and `session open`'s second name, and positional arguments): the first
        // option or the `--` terminator, after which everything is an argument.
        let insertion = rest.firstIndex { $0.hasPrefix("-") } ?? rest.endIndex
        return Array(rest[..<insertion] + globals + rest[insertion...])
    }
}

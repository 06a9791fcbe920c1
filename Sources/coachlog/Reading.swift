import ArgumentParser
import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import CoachingDomain

/// Filters shared by the projection commands.
struct ScopeOptions: ParsableArguments {
    @Option(name: .long, help: "Only this salesperson.") var salesperson: String?
    @Option(name: .long, help: "Only the salespeople this coach coaches now.") var coach: String?

    func validate() throws {
        if salesperson != nil && coach != nil { throw ValidationError("give --salesperson or --coach, not both") }
    }

    var fields: [String: JSONValue] {
        var f: [String: JSONValue] = [:]
        if let salesperson { f["salesperson"] = .string(salesperson) }
        if let coach { f["coach"] = .string(coach) }
        return f
    }

    var title: String {
        if let salesperson { return salesperson }
        if let coach { return "\(coach)'s salespeople" }
        return "everyone"
    }
}

/// The salesperson of `goals`, `topics` and `sessions`: `--salesperson NAME` like every other command, or, as a
/// shorthand, the first argument (`coachlog topics dana`).
struct SalespersonChoice: ParsableArguments {
    @Argument(help: ArgumentHelp("The salesperson (shorthand for --salesperson).", valueName: "salesperson"))
    var positional: String?
    @Option(name: .long, help: "The salesperson.") var salesperson: String?

    func validate() throws {
        switch (positional, salesperson) {
        case (nil, nil):
            throw ValidationError("name the salesperson: --salesperson NAME (or NAME as the first argument)")
        case (let first?, let option?) where first != option:
            throw ValidationError(
                "two salespeople given: \"\(first)\" as the first argument and \"\(option)\" with --salesperson; give one")
        default:
            break
        }
    }

    /// The one salesperson named (validate() has checked there is one).
    var name: String { salesperson ?? positional ?? "" }
}

struct AsOfOption: ParsableArguments {
    @Option(name: .customLong("as-of"), help: ArgumentHelp("Evaluate as of this date or time (default: now).", valueName: "DATE"))
    var asOf: String?

    func validate() throws {
        if let asOf, AsOf(parsing: asOf) == nil {
            throw ValidationError("--as-of \(asOf) is not a date (2026-11-30) or an ISO 8601 time (2026-11-30T17:00:00Z)")
        }
    }

    func add(to fields: inout [String: JSONValue]) {
        if let asOf { fields["asOf"] = .string(asOf) }
    }
}

func query(_ projection: String, _ fields: [String: JSONValue], _ connection: ConnectionOptions) throws -> JSONValue {
    var f = fields
    f["projection"] = .string(projection)
    return try connection.connect().request(.query, f)
}

struct FollowThroughCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "followthrough", abstract: "Commitment follow-through: the say-do rate, by kind, with a weekly trend.",
        discussion: "Example:\n  coachlog followthrough --coach lee --weeks 8 --as-of 2026-11-30")

    @OptionGroup var scope: ScopeOptions
    @Option(name: .long, help: "Only reviews in the last N weeks (and the N weeks before, for the trend).") var weeks: Int?

    func validate() throws {
        if let weeks, !(1...520).contains(weeks) { throw ValidationError("--weeks must be between 1 and 520") }
    }
    @OptionGroup var asOf: AsOfOption
    @OptionGroup var output: OutputOptions
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        var fields = scope.fields
        if let weeks { fields["weeks"] = .integer(Int64(weeks)) }
        asOf.add(to: &fields)
        let r = try query("followThrough", fields, connection)
        if output.json { return printJSON(r) }
        let period = weeks.map { "last \($0) week\($0 == 1 ? "" : "s")" } ?? "all time"
        print(Render.bold("Follow-through · \(scope.title) · \(period) · as of \(Render.asOf(r["asOf"]))"))
        print("  say-do rate   \(Render.rate(r["rate"]))  (\(Render.int(r["kept"])) kept of \(Render.int(r["reviewed"])) reviewed)")
        print(
            "  weighted      \(Render.percent(r["weightedRate"]))  (\(Render.int(r["kept"])) kept, \(Render.int(r["partial"])) partial, \(Render.int(r["missed"])) missed)"
        )
        if let previous = r["previous"] {
            var trend = ""
            if let now = r["rate"]?.doubleValue, let before = previous["rate"]?.doubleValue {
                let points = Int(((now - before) * 100).rounded())
                trend = points > 0 ? Render.green("▲ +\(points) pts") : points < 0 ? Render.red("▼ \(points) pts") : "= same"
            }
            let counts =
                previous["reviewed"]?.integerValue == 0
                ? "nothing reviewed"
                : "\(Render.int(previous["kept"])) kept of \(Render.int(previous["reviewed"]))"
            var line = "  previous      \(Render.percent(previous["rate"]))  (\(counts))  \(trend)"
            while line.hasSuffix(" ") { line.removeLast() }
            print(line)
        }
        print("")
        let kinds = ["more", "better", "different"]
        let rows = kinds.map { kind -> [String] in
            let k = r["byKind"]?[kind]
            return [kind, Render.int(k?["reviewed"]), Render.int(k?["kept"]), Render.int(k?["partial"]), Render.int(k?["missed"]), Render.rate(k?["rate"])]
        }
        print(Render.table(["kind", "reviewed", "kept", "partial", "missed", "rate"], rows, numeric: [1, 2, 3, 4, 5]))
        if let weekly = r["weekly"]?.arrayValue, !weekly.isEmpty {
            let rates = weekly.map { $0["rate"]?.doubleValue }
            print("")
            print("  weekly trend  \(Render.sparkline(rates))  (oldest → newest; · = nothing reviewed)")
        }
    }
}

struct OpenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open", abstract: "Open commitments (made, not yet reviewed); overdue ones marked.",
        discussion: "Example:\n  coachlog open --coach lee --overdue")

    @OptionGroup var scope: ScopeOptions
    @Flag(name: .long, help: "Only overdue commitments.") var overdue = false
    @OptionGroup var asOf: AsOfOption
    @OptionGroup var output: OutputOptions
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        var fields = scope.fields
        if overdue { fields["overdue"] = true }
        asOf.add(to: &fields)
        let r = try query("openCommitments", fields, connection)
        if output.json { return printJSON(r) }
        let items = r["commitments"]?.arrayValue ?? []
        print(
            Render.bold("Open commitments · \(scope.title) · as of \(Render.asOf(r["asOf"]))")
                + " · \(Render.int(r["open"])) open, \(Render.int(r["overdue"])) overdue")
        guard !items.isEmpty else {
            print(overdue ? "  nothing overdue" : "  nothing open")
            return
        }
        let rows = items.map { c -> [String] in
            let late = c["overdue"]?.boolValue == true
            let status = late ? Render.red("OVERDUE \(Render.int(c["daysOverdue"]))d") : "open"
            return [
                Render.text(c["commitmentId"]), Render.text(c["salesperson"]), Render.text(c["kind"]), Render.text(c["due"]), status,
                Render.text(c["text"]),
            ]
        }
        print(Render.table(["id", "salesperson", "kind", "due", "status", "commitment"], rows))
    }
}

struct CadenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cadence", abstract: "How regularly each salesperson is coached.",
        discussion: "Example:\n  coachlog cadence --coach lee")

    @OptionGroup var scope: ScopeOptions
    @OptionGroup var asOf: AsOfOption
    @OptionGroup var output: OutputOptions
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        var fields = scope.fields
        asOf.add(to: &fields)
        let r = try query("cadence", fields, connection)
        if output.json { return printJSON(r) }
        print(Render.bold("Coaching cadence · \(scope.title) · as of \(Render.asOf(r["asOf"]))"))
        let rows = (r["salespeople"]?.arrayValue ?? []).map { p -> [String] in
            let gap = p["meanGapDays"]?.doubleValue.map { String(Int(($0 * 10).rounded()) / 10) + "." + String(Int(($0 * 10).rounded()) % 10) } ?? "–"
            let since = p["daysSince"]?.integerValue ?? 0
            let sinceText = since > 14 ? Render.red("\(since)") : "\(since)"
            return [Render.text(p["salesperson"]), Render.text(p["coach"]), Render.int(p["sessions"]), Render.text(p["lastSession"]), sinceText, gap]
        }
        print(Render.table(["salesperson", "coach", "sessions", "last session", "days since", "mean gap (days)"], rows, numeric: [2, 4, 5]))
    }
}

struct GoalsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "goals", abstract: "A salesperson's goals and how the commitments serving them went.",
        discussion: "Example:\n  coachlog goals --salesperson dana\n  coachlog goals dana")

    @OptionGroup var who: SalespersonChoice
    var salesperson: String { who.name }
    @OptionGroup var output: OutputOptions
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        let r = try query("goals", ["salesperson": .string(salesperson)], connection)
        if output.json { return printJSON(r) }
        print(Render.bold("Goals · \(salesperson)"))
        let rows = (r["goals"]?.arrayValue ?? []).map { g -> [String] in
            [Render.text(g["goalId"]), Render.text(g["area"]), String(Render.text(g["statedAt"]).prefix(10)), Render.int(g["commitments"]),
             Render.int(g["reviewed"]), Render.rate(g["rate"]), Render.text(g["text"])]
        }
        if rows.isEmpty { return print("  no goals yet") }
        print(Render.table(["id", "area", "stated", "commitments", "reviewed", "rate", "goal"], rows, numeric: [3, 4, 5]))
    }
}

struct TopicsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics", abstract: "When each of the four topics was last covered with a salesperson.",
        discussion: "Example:\n  coachlog topics --salesperson dana --as-of 2026-11-30\n  coachlog topics dana --as-of 2026-11-30")

    @OptionGroup var who: SalespersonChoice
    var salesperson: String { who.name }
    @OptionGroup var asOf: AsOfOption
    @OptionGroup var output: OutputOptions
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        var fields: [String: JSONValue] = ["salesperson": .string(salesperson)]
        asOf.add(to: &fields)
        let r = try query("topics", fields, connection)
        if output.json { return printJSON(r) }
        print(Render.bold("Topic coverage · \(salesperson) · as of \(Render.asOf(r["asOf"]))"))
        let names = [
            ("selfConcept", "self-concept"), ("identityRole", "identity-role"), ("personalGoals", "personal-goals"),
            ("behavioralReflection", "behavioral-reflection"),
        ]
        let rows = names.map { wire, name -> [String] in
            let days = r["daysSince"]?[wire]?.integerValue
            let since = days.map { $0 > 28 ? Render.red("\($0)") : "\($0)" } ?? Render.red("never")
            return [name, Render.text(r["lastCovered"]?[wire]), since]
        }
        print(Render.table(["topic", "last covered", "days since"], rows, numeric: [2]))
    }
}

struct SessionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions", abstract: "A salesperson's sessions; the open one marked.",
        discussion: "Example:\n  coachlog sessions --salesperson dana\n  coachlog sessions dana")

    @OptionGroup var who: SalespersonChoice
    var salesperson: String { who.name }
    @OptionGroup var output: OutputOptions
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        let r = try query("sessions", ["salesperson": .string(salesperson)], connection)
        if output.json { return printJSON(r) }
        print(Render.bold("Sessions · \(salesperson) · coach \(Render.text(r["coach"]))"))
        let rows = (r["sessions"]?.arrayValue ?? []).map { s -> [String] in
            let topics = (s["topics"]?.arrayValue ?? []).compactMap(\.stringValue).map(TopicName.display).joined(separator: ",")
            return [Render.text(s["sessionId"]), Render.text(s["coach"]), Render.time(s["openedAt"]),
                    s["open"]?.boolValue == true ? Render.green("open") : Render.time(s["closedAt"]), topics]
        }
        print(Render.table(["session", "coach", "opened", "closed", "topics"], rows))
    }
}

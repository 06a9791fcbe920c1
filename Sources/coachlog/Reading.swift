import ArgumentParser
import CoachLogClient
import CoachLogJSON
import CoachLogProtocol

/// Filters shared by the projection commands.
struct ScopeOptions: ParsableArguments {
    @Option(name: .long, help: "Only this salesperson.") var salesperson: String?
    @Option(name: .long, help: "Only the salespeople this coach coaches now.") var coach: String?

    func validate() throws {
        if salesperson != nil && coach != nil { throw ValidationError("give --salesperson or --coach, not both") }
    }

    var scope: Scope {
        if let salesperson { return .salesperson(salesperson) }
        if let coach { return .coach(coach) }
        return .everyone
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
    @Option(
        name: .customLong("as-of"), help: ArgumentHelp("Evaluate as of this date or time (default: now).", valueName: "DATE"),
        transform: parseAsOf)
    var asOf: AsOf?
}

/// `--as-of`: a date (through the end of that day) or an instant, within the range the protocol accepts.
func parseAsOf(_ text: String) throws -> AsOf {
    guard let asOf = AsOf(parsing: text) else {
        throw ValidationError("not a date (2026-11-30) or an ISO 8601 time (2026-11-30T17:00:00Z)")
    }
    guard asOf.day.isAccepted else { throw ValidationError("out of range: it must lie \(Day.acceptedRangeText)") }
    return asOf
}

/// Runs a query. With `--json` it prints the daemon's result unchanged and returns nil; otherwise it returns
/// the result typed, for the command to render.
func query<Report: WireResult>(
    _ query: ProjectionQuery, as _: Report.Type, _ output: OutputOptions, _ connection: ConnectionOptions
) throws -> Report? {
    let result = try connection.connect().request(.query(query))
    if output.json {
        printJSON(result)
        return nil
    }
    return try typed(result, as: Report.self)
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
        let q = ProjectionQuery(.followThrough, scope: scope.scope, weeks: weeks, asOf: asOf.asOf)
        guard let r = try query(q, as: FollowThroughReport.self, output, connection) else { return }
        let period = weeks.map { "last \($0) week\($0 == 1 ? "" : "s")" } ?? "all time"
        print(Render.bold("Follow-through · \(scope.title) · \(period) · as of \(Render.asOf(r.asOf))"))
        print("  say-do rate   \(Render.rate(r.total))  (\(r.total.kept) kept of \(r.total.reviewed) reviewed)")
        print(
            "  weighted      \(Render.percent(r.total.weightedRate))  (\(r.total.kept) kept, \(r.total.partial) partial, \(r.total.missed) missed)"
        )
        if let previous = r.previous?.tally {
            let counts = previous.reviewed == 0 ? "nothing reviewed" : "\(previous.kept) kept of \(previous.reviewed)"
            var line = "  previous      \(Render.percent(previous.rate))  (\(counts))  \(Render.trend(r.change?.rate))"
            while line.hasSuffix(" ") { line.removeLast() }
            print(line)
        }
        print("")
        let rows = CommitmentKind.allCases.map { kind -> [String] in
            let k = r.byKind[kind]
            return [kind.rawValue, "\(k.reviewed)", "\(k.kept)", "\(k.partial)", "\(k.missed)", Render.rate(k)]
        }
        print(Render.table(["kind", "reviewed", "kept", "partial", "missed", "rate"], rows, numeric: [1, 2, 3, 4, 5]))
        if let weekly = r.weekly, !weekly.isEmpty {
            print("")
            print("  weekly trend  \(Render.sparkline(weekly.map(\.tally.rate)))  (oldest → newest; · = nothing reviewed)")
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
        let q = ProjectionQuery(.openCommitments, scope: scope.scope, asOf: asOf.asOf, overdueOnly: overdue)
        guard let r = try query(q, as: OpenCommitmentsReport.self, output, connection) else { return }
        print(
            Render.bold("Open commitments · \(scope.title) · as of \(Render.asOf(r.asOf))")
                + " · \(r.open) open, \(r.overdue) overdue")
        guard !r.commitments.isEmpty else {
            print(overdue ? "  nothing overdue" : "  nothing open")
            return
        }
        let rows = r.commitments.map { c -> [String] in
            let status = c.overdue ? Render.red("OVERDUE \(c.daysOverdue)d") : "open"
            return [c.commitmentId, c.salesperson, c.kind.rawValue, c.due.iso8601, status, Render.text(c.text)]
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
        let q = ProjectionQuery(.cadence, scope: scope.scope, asOf: asOf.asOf)
        guard let r = try query(q, as: CadenceReport.self, output, connection) else { return }
        print(Render.bold("Coaching cadence · \(scope.title) · as of \(Render.asOf(r.asOf))"))
        let rows = r.salespeople.map { p -> [String] in
            let gap = p.meanGapDays.map { String(Int(($0 * 10).rounded()) / 10) + "." + String(Int(($0 * 10).rounded()) % 10) } ?? "–"
            let since = p.status == .lapsed ? Render.red("\(p.daysSince)") : "\(p.daysSince)"
            return [p.salesperson, p.coach, "\(p.sessions)", p.lastSession.iso8601, since, gap]
        }
        print(Render.table(["salesperson", "coach", "sessions", "last session", "days since", "mean gap (days)"], rows, numeric: [2, 4, 5]))
    }
}

struct GoalsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "goals", abstract: "A salesperson's goals, their status, and how the commitments serving them went.",
        discussion: """
            With --as-of, the goals stated before then, with their status then; with --weeks, each goal's
            rate counts only the reviews of the last N weeks.
            Example:
              coachlog goals --salesperson dana
              coachlog goals dana --weeks 4 --as-of 2026-11-30
            """)

    @OptionGroup var who: SalespersonChoice
    var salesperson: String { who.name }
    @Option(name: .long, help: "Count only the reviews of the last N weeks.") var weeks: Int?
    @OptionGroup var asOf: AsOfOption
    @OptionGroup var output: OutputOptions
    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        if let weeks, !(1...520).contains(weeks) { throw ValidationError("--weeks must be between 1 and 520") }
    }

    func run() throws {
        let q = ProjectionQuery(.goals, scope: .salesperson(salesperson), weeks: weeks, asOf: asOf.asOf)
        guard let r = try query(q, as: GoalsReport.self, output, connection) else { return }
        let period = r.weeks.map { " · reviews of the last \($0) week\($0 == 1 ? "" : "s")" } ?? ""
        print(Render.bold("Goals · \(salesperson)" + period + (r.asOf.map { " · as of \(Render.asOf($0))" } ?? "")))
        let rows = r.goals.map { g -> [String] in
            let status = g.status == .active ? "active" : "\(g.status.rawValue) \(Render.text(g.statusAt?.day))"
            return [
                g.goalId, Render.text(g.area), g.statedAt.day.iso8601, status, "\(g.commitments)", "\(g.tally.reviewed)",
                Render.rate(g.tally), Render.text(g.text),
            ]
        }
        if rows.isEmpty { return print("  no goals yet") }
        print(
            Render.table(
                ["id", "area", "stated", "status", "commitments", "reviewed", "rate", "goal"], rows, numeric: [4, 5, 6]))
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
        let q = ProjectionQuery(.topics, scope: .salesperson(salesperson), asOf: asOf.asOf)
        guard let r = try query(q, as: TopicsReport.self, output, connection) else { return }
        print(Render.bold("Topic coverage · \(salesperson) · as of \(Render.asOf(r.asOf))"))
        let rows = Topic.allCases.map { topic -> [String] in
            let days = r.daysSince[topic].map { "\($0)" } ?? "never"
            let since = r.status[topic] == .current ? days : Render.red(days)
            return [TopicName.display(topic), Render.text(r.lastCovered[topic]), since]
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
        let q = ProjectionQuery(.sessions, scope: .salesperson(salesperson))
        guard let r = try query(q, as: SessionsReport.self, output, connection) else { return }
        print(Render.bold("Sessions · \(salesperson) · coach \(r.coach)"))
        let rows = r.sessions.map { s -> [String] in
            let topics = s.topics.map(TopicName.display).joined(separator: ",")
            return [s.sessionId, s.coach, Render.time(s.openedAt), s.open ? Render.green("open") : Render.text(s.closedAt.map(Render.time)), topics]
        }
        print(Render.table(["session", "coach", "opened", "closed", "topics"], rows))
    }
}

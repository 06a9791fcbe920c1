import ArgumentParser
import CoachLogClient
import CoachLogProtocol
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A short id people can type: a prefix and six characters without look-alikes.
func shortId(_ prefix: String) -> String {
    let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")
    var generator = SystemRandomNumberGenerator()
    return prefix + "-" + String((0..<6).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
}

/// `--at`: a date (midnight UTC) or an ISO 8601 time, within the range the protocol accepts.
func parseTime(_ text: String) throws -> Timestamp {
    guard let time = Timestamp(iso8601: text.trimmingSpaces) else {
        throw ValidationError("not a date (2026-11-30) or an ISO 8601 time (2026-11-30T09:00:00Z)")
    }
    guard time.day.isAccepted else { throw ValidationError("out of range: it must lie \(Day.acceptedRangeText)") }
    return time
}

/// `--due`: a calendar day, within the range the protocol accepts.
func parseDay(_ text: String) throws -> Day {
    guard let day = Day(iso8601: text.trimmingSpaces) else { throw ValidationError("not a date in the form YYYY-MM-DD") }
    guard day.isAccepted else { throw ValidationError("out of range: it must lie \(Day.acceptedRangeText)") }
    return day
}

/// Options of every command that records something for a salesperson.
struct RecordOptions: ParsableArguments {
    @Option(name: .long, help: "The salesperson this is about.")
    var salesperson: String

    @Option(name: .long, help: ArgumentHelp("The session (default: the salesperson's open session).", valueName: "ID"))
    var session: String?

    @Option(
        name: .long, help: ArgumentHelp("When it happened: a date or an ISO 8601 time (default: now).", valueName: "TIME"),
        transform: parseTime)
    var at: Timestamp?

    @OptionGroup var connection: ConnectionOptions

    /// The session to record into: the one given, or the salesperson's open one.
    func sessionId(_ connection: Connection) throws -> String {
        let report = try connection.sessions(salesperson: salesperson)
        guard let wanted = session ?? report.openSession else {
            throw Refusal(message: "\(salesperson) has no open session; open one with `coachlog session open --salesperson \(salesperson) --coach NAME` or pass --session")
        }
        guard report.sessions.contains(where: { sameKey($0.sessionId, wanted) }) else {
            throw Refusal(message: "\(salesperson) has no session \"\(wanted)\"; `coachlog sessions \(salesperson)` lists them")
        }
        return wanted
    }
}

struct Session: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session", abstract: "Open or close a coaching session, or void one recorded by mistake.",
        subcommands: [Open.self, Close.self, VoidSession.self])

    struct Open: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open a session with a salesperson.",
            discussion: """
                A name that differs from an existing salesperson's only by case, spacing or accents is refused
                ("did you mean ...?"): on a terminal coachlog asks whether it is a new person; elsewhere pass
                --new-salesperson to confirm one.
                Example:
                  coachlog session open --salesperson dana --coach lee \\
                      --topics self-concept,goals
                """)

        @Option(name: .long, help: "The salesperson being coached.") var salesperson: String
        @Option(name: .long, help: "The coach holding the session.") var coach: String
        @Option(name: .long, help: ArgumentHelp("Topics covered, comma-separated: \(TopicName.help).", valueName: "LIST"))
        var topics: String?
        @Option(name: .long, help: ArgumentHelp("The new session's id (default: generated).", valueName: "ID")) var id: String?
        @Option(name: .long, help: ArgumentHelp("When it started (default: now).", valueName: "TIME"), transform: parseTime)
        var at: Timestamp?
        @Flag(name: .long, help: "Confirm a new salesperson whose name looks like an existing one's.")
        var newSalesperson = false
        @OptionGroup var connection: ConnectionOptions

        func run() throws {
            let sessionId = id ?? shortId("s")
            let list = try (topics ?? "").split(separator: ",").map { try TopicName.topic(String($0)) }
            let c = try connection.connect()
            var event = CoachingEvent.SessionOpened(
                sessionId: sessionId, salesperson: salesperson, coach: coach, at: at, topics: list, newSalesperson: newSalesperson)
            do {
                _ = try c.append(.sessionOpened(event))
            } catch ClientError.refused(let error) where error.rule == "salesperson.similar" && !event.newSalesperson {
                // The daemon decides what looks alike; the person at the keyboard decides whether it is someone new.
                printError("coachlog: \(error.message) [salesperson.similar]")
                guard confirm("\(salesperson) is a new salesperson? [y/N] ") else {
                    throw Refusal(
                        message: "nothing recorded; if \(salesperson) is a new salesperson, run it again with --new-salesperson")
                }
                event.newSalesperson = true
                _ = try c.append(.sessionOpened(event))
            }
            print("opened session \(sessionId) for \(salesperson) with \(coach)")
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close a salesperson's session (default: their open one).",
            discussion: "Example:\n  coachlog session close --salesperson dana")

        @OptionGroup var options: RecordOptions

        func run() throws {
            let c = try options.connection.connect()
            let session = try options.sessionId(c)
            _ = try c.append(.sessionClosed(.init(sessionId: session, salesperson: options.salesperson, at: options.at)))
            print("closed session \(session) for \(options.salesperson)")
        }
    }
}

struct GoalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "goal", abstract: "Record a personal goal the salesperson states; restate it, mark it achieved or dropped.",
        usage: """
            coachlog goal <text> --salesperson <salesperson> [--area <area>] [--id <ID>] [--session <ID>] [--at <TIME>]
            coachlog goal amend <goal> <text> --salesperson <salesperson> [--reason <TEXT>] [--at <TIME>]
            coachlog goal achieved|dropped <goal> --salesperson <salesperson> [--reason <TEXT>] [--at <TIME>]
            """,
        discussion: """
            Examples:
              coachlog goal "Lead a team within two years" --salesperson dana \\
                  --area leadership
              coachlog goal amend g-4hx2pq "Lead a team of five within two years" \\
                  --salesperson dana --reason "she made it concrete"
              coachlog goal achieved g-4hx2pq --salesperson dana
              coachlog goal dropped g-4hx2pq --salesperson dana --reason "moved to a new role"
            """,
        subcommands: [StateGoal.self, AmendGoal.self, GoalAchieved.self, GoalDropped.self], defaultSubcommand: StateGoal.self)
}

struct StateGoal: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state", abstract: "Record a personal goal the salesperson states (the default: `coachlog goal TEXT`).",
        discussion: "Example:\n  coachlog goal \"Lead a team within two years\" --salesperson dana \\\n      --area leadership")

    @Argument(help: "The goal, in the salesperson's words.") var text: String
    @Option(name: .long, help: "A one-word area: income, leadership, balance, community, ...") var area: String?
    @Option(name: .long, help: ArgumentHelp("The new goal's id (default: generated).", valueName: "ID")) var id: String?
    @OptionGroup var options: RecordOptions

    func run() throws {
        let c = try options.connection.connect()
        let session = try options.sessionId(c)
        let goalId = id ?? shortId("g")
        _ = try c.append(
            .goalStated(
                .init(goalId: goalId, sessionId: session, salesperson: options.salesperson, text: text, area: area, at: options.at)))
        print("goal \(goalId) recorded for \(options.salesperson)")
    }
}

struct CommitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "commit", abstract: "Record a commitment for the coming week: \(choices(CommitmentKind.self)).",
        discussion: """
            The due date defaults to a week after the session. The kind may be written in any case or shortened
            while it stays unambiguous (More, b, diff).
            Example:
              coachlog commit more "Follow up within two days" --salesperson dana \\
                  --goal g-4hx2pq
            """)

    @Argument(help: "\(choices(CommitmentKind.self)).") var kind: String
    @Argument(help: "What the salesperson commits to.") var text: String
    @Option(
        name: .long, help: ArgumentHelp("Due date, YYYY-MM-DD (default: a week after the session).", valueName: "DATE"),
        transform: parseDay)
    var due: Day?
    @Option(name: .long, help: ArgumentHelp("The goal this commitment serves.", valueName: "ID")) var goal: String?
    @Option(name: .long, help: ArgumentHelp("The new commitment's id (default: generated).", valueName: "ID")) var id: String?
    @OptionGroup var options: RecordOptions

    func validate() throws {
        _ = try word(kind, CommitmentKind.self, what: "kind")
    }

    func run() throws {
        let kind = try word(kind, CommitmentKind.self, what: "kind")
        let c = try options.connection.connect()
        let session = try options.sessionId(c)
        let commitmentId = id ?? shortId("c")
        // Without --due the daemon sets it (see Protocol.md): leave it out, and show the date it chose.
        _ = try c.append(
            .commitmentMade(
                .init(
                    commitmentId: commitmentId, sessionId: session, salesperson: options.salesperson, kind: kind, text: text,
                    due: due, goalId: goal, at: options.at)))
        let shown = due ?? resolvedDue(of: commitmentId, on: c)
        print("commitment \(commitmentId) (\(kind.rawValue))\(shown.map { " due \($0.iso8601)" } ?? "") recorded for \(options.salesperson)")
    }

    /// The due date the daemon resolved for a commitment just made, read back from its open commitments as of
    /// the moment it was made; nil if it cannot be found (it is recorded all the same).
    func resolvedDue(of commitmentId: String, on c: Connection) -> Day? {
        let asOf = options.at.flatMap { AsOf(parsing: $0.iso8601) }
        let open = try? c.openCommitments(.salesperson(options.salesperson), asOf: asOf)
        return open?.commitments.first { sameKey($0.commitmentId, commitmentId) }?.due
    }
}

struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review", abstract: "Review a commitment in a later session: \(choices(Outcome.self)); correct a review.",
        usage: """
            coachlog review <commitment> <outcome> --salesperson <salesperson> [--note <note>] [--session <ID>] [--at <TIME>]
            coachlog review correct <commitment> [<outcome>] --salesperson <salesperson> [--note <note>] [--reason <TEXT>] [--at <TIME>]
            """,
        discussion: """
            The outcome may be written in any case or shortened while it stays unambiguous (Kept, k, part).
            Examples:
              coachlog review c-7k2m9q kept --salesperson dana \\
                  --note "Called all five"
              coachlog review correct c-7k2m9q partial --salesperson dana \\
                  --reason "she called three of five"
            """,
        subcommands: [RecordReview.self, CorrectReview.self], defaultSubcommand: RecordReview.self)
}

struct RecordReview: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record", abstract: "Review a commitment in a later session (the default: `coachlog review ID OUTCOME`).",
        discussion: "Example:\n  coachlog review c-7k2m9q kept --salesperson dana \\\n      --note \"Called all five\"")

    @Argument(help: "The commitment's id.") var commitment: String
    @Argument(help: "\(choices(Outcome.self)).") var outcome: String
    @Option(name: .long, help: "A note on how it went.") var note: String?
    @OptionGroup var options: RecordOptions

    func validate() throws {
        _ = try word(outcome, Outcome.self, what: "outcome")
    }

    func run() throws {
        let outcome = try word(outcome, Outcome.self, what: "outcome")
        let c = try options.connection.connect()
        let session = try options.sessionId(c)
        _ = try c.append(
            .commitmentReviewed(
                .init(
                    commitmentId: commitment, sessionId: session, salesperson: options.salesperson, outcome: outcome, note: note,
                    at: options.at)))
        print("commitment \(commitment) reviewed: \(outcome.rawValue)")
    }
}

struct InsightCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "insight", abstract: "Note an insight on one of the four topics.",
        discussion: "Example:\n  coachlog insight self-concept \"Sees herself as a closer, not a prospector\" \\\n      --salesperson dana")

    @Argument(help: ArgumentHelp("The topic: \(TopicName.help).")) var topic: String
    @Argument(help: "The insight.") var text: String
    @OptionGroup var options: RecordOptions

    func run() throws {
        let chosen = try TopicName.topic(topic)
        let c = try options.connection.connect()
        let session = try options.sessionId(c)
        _ = try c.append(
            .insightNoted(.init(sessionId: session, salesperson: options.salesperson, topic: chosen, text: text, at: options.at)))
        print("insight on \(topic) recorded for \(options.salesperson)")
    }
}

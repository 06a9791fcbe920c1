import ArgumentParser
import CoachLogClient
import CoachLogProtocol
import Foundation

#if canImport(Glibc)
import Glibc
#endif

// The correction commands. Each sends one correction event (Protocol.md, "Corrections"); the daemon checks it
// against the same rules as the record it corrects and decides how projections count it. The log keeps both.

/// Options of every correction: whose record it is, why, and when.
struct CorrectionOptions: ParsableArguments {
    @Option(name: .long, help: "The salesperson whose record this corrects.")
    var salesperson: String

    @Option(name: .long, help: ArgumentHelp("Why the record was wrong (kept in the log, shown next to it).", valueName: "TEXT"))
    var reason: String?

    @Option(
        name: .long, help: ArgumentHelp("When the correction was made: a date or an ISO 8601 time (default: now).", valueName: "TIME"),
        transform: parseTime)
    var at: Timestamp?

    @OptionGroup var connection: ConnectionOptions

    /// " (reason: …)" when a reason was given.
    var reasonSuffix: String { reason.map { " (reason: \($0))" } ?? "" }
}

struct CorrectReview: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "correct", abstract: "Correct a review's outcome or note; the new ones count from now on.",
        discussion: """
            The review itself stays in the log; follow-through counts the corrected outcome.
            Example:
              coachlog review correct c-7k2m9q partial --salesperson dana \\
                  --reason "she called three of five"
            """)

    @Argument(help: "The reviewed commitment's id.") var commitment: String
    @Argument(help: "The right outcome: \(choices(Outcome.self)).") var outcome: String?
    @Option(name: .long, help: "The right note.") var note: String?
    @OptionGroup var options: CorrectionOptions

    func validate() throws {
        if let outcome { _ = try word(outcome, Outcome.self, what: "outcome") }
        if outcome == nil && note == nil { throw ValidationError("give the right outcome (\(choices(Outcome.self))), --note, or both") }
    }

    func run() throws {
        let outcome = try outcome.map { try word($0, Outcome.self, what: "outcome") }
        _ = try options.connection.connect().append(
            .reviewCorrected(
                .init(
                    commitmentId: commitment, salesperson: options.salesperson, outcome: outcome, note: note,
                    reason: options.reason, at: options.at)))
        let changes = [outcome.map(\.rawValue), note.map { "note \"\($0)\"" }].compactMap { $0 }
        print("commitment \(commitment) review corrected: \(changes.joined(separator: ", "))\(options.reasonSuffix)")
    }
}

struct CommitmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "commitment", abstract: "Amend or withdraw a commitment recorded wrong (`commit` records one).",
        discussion: """
            Examples:
              coachlog commitment amend c-7k2m9q --text "Call five lapsed customers" \\
                  --salesperson dana --reason typo
              coachlog commitment withdraw c-7k2m9q --salesperson dana \\
                  --reason "recorded twice"
            """,
        subcommands: [AmendCommitment.self, WithdrawCommitment.self])
}

struct AmendCommitment: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "amend", abstract: "Correct a commitment's text, kind, due date or goal.",
        discussion: """
            Give one or more of --text, --kind, --due, --goal; the rest stay as recorded.
            Example:
              coachlog commitment amend c-7k2m9q --due 2026-11-20 --salesperson dana \\
                  --reason "she is away until the 19th"
            """)

    @Argument(help: "The commitment's id.") var commitment: String
    @Option(name: .long, help: "The right text.") var text: String?
    @Option(name: .long, help: "The right kind: \(choices(CommitmentKind.self)).") var kind: String?
    @Option(name: .long, help: ArgumentHelp("The right due date, YYYY-MM-DD.", valueName: "DATE"), transform: parseDay)
    var due: Day?
    @Option(name: .long, help: ArgumentHelp("The goal it serves.", valueName: "ID")) var goal: String?
    @OptionGroup var options: CorrectionOptions

    func validate() throws {
        if let kind { _ = try word(kind, CommitmentKind.self, what: "kind") }
        if text == nil && kind == nil && due == nil && goal == nil {
            throw ValidationError("give what to correct: --text, --kind, --due or --goal")
        }
    }

    func run() throws {
        let kind = try kind.map { try word($0, CommitmentKind.self, what: "kind") }
        _ = try options.connection.connect().append(
            .commitmentAmended(
                .init(
                    commitmentId: commitment, salesperson: options.salesperson, text: text, kind: kind, due: due, goalId: goal,
                    reason: options.reason, at: options.at)))
        let changes = [
            text.map { "text \"\($0)\"" }, kind.map { "kind \($0.rawValue)" }, due.map { "due \($0.iso8601)" }, goal.map { "goal \($0)" },
        ].compactMap { $0 }
        print("commitment \(commitment) amended: \(changes.joined(separator: ", "))\(options.reasonSuffix)")
    }
}

struct WithdrawCommitment: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "withdraw", abstract: "Withdraw a commitment: no longer open, never counted as reviewed.",
        discussion: """
            A reviewed commitment cannot be withdrawn: correct its review instead (`coachlog review correct`).
            Example:
              coachlog commitment withdraw c-7k2m9q --salesperson dana --reason "recorded twice"
            """)

    @Argument(help: "The commitment's id.") var commitment: String
    @OptionGroup var options: CorrectionOptions

    func run() throws {
        _ = try options.connection.connect().append(
            .commitmentWithdrawn(
                .init(commitmentId: commitment, salesperson: options.salesperson, reason: options.reason, at: options.at)))
        print("commitment \(commitment) withdrawn for \(options.salesperson)\(options.reasonSuffix)")
    }
}

extension Session {
    struct VoidSession: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "void", abstract: "Void a session recorded by mistake: it and everything in it leave every view.",
            discussion: """
                The session and its records stay in the log; follow-through, open commitments, cadence, topics,
                goals and sessions leave them out, and commitments reviewed in it are open again.
                Example:
                  coachlog session void s-4hx2pq --salesperson dana --reason "opened for the wrong person"
                """)

        @Argument(help: "The session's id.") var session: String
        @OptionGroup var options: CorrectionOptions

        func run() throws {
            _ = try options.connection.connect().append(
                .sessionVoided(.init(sessionId: session, salesperson: options.salesperson, reason: options.reason, at: options.at)))
            print("voided session \(session) for \(options.salesperson)\(options.reasonSuffix)")
        }
    }
}

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge", abstract: "Merge a salesperson's name into another's: one person from now on.",
        discussion: """
            Every view shows the records of both under the second name; recording under the first is refused
            with a hint naming the second.
            Example:
              coachlog merge Maria --into maria --reason "typed with a capital M"
            """)

    @Argument(help: "The name to merge away.") var name: String
    @Option(name: .long, help: ArgumentHelp("The name that stays.", valueName: "NAME")) var into: String
    @Option(name: .long, help: ArgumentHelp("Why (kept in the log).", valueName: "TEXT")) var reason: String?
    @Option(
        name: .long, help: ArgumentHelp("When: a date or an ISO 8601 time (default: now).", valueName: "TIME"), transform: parseTime)
    var at: Timestamp?
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        _ = try connection.connect().append(.salespersonMerged(.init(salesperson: name, into: into, reason: reason, at: at)))
        print("merged \(name) into \(into)" + (reason.map { " (reason: \($0))" } ?? ""))
    }
}

struct AmendGoal: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "amend", abstract: "Restate a goal's text.",
        discussion: """
            Example:
              coachlog goal amend g-4hx2pq "Lead a team of five within two years" \\
                  --salesperson dana --reason "she made it concrete"
            """)

    @Argument(help: "The goal's id.") var goal: String
    @Argument(help: "The goal, restated.") var text: String
    @OptionGroup var options: CorrectionOptions

    func run() throws {
        _ = try options.connection.connect().append(
            .goalAmended(.init(goalId: goal, salesperson: options.salesperson, text: text, reason: options.reason, at: options.at)))
        print("goal \(goal) restated for \(options.salesperson): \(text)\(options.reasonSuffix)")
    }
}

struct GoalAchieved: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "achieved", abstract: "Mark a goal achieved (on the day of --at, default today).",
        discussion: "Example:\n  coachlog goal achieved g-4hx2pq --salesperson dana")

    @Argument(help: "The goal's id.") var goal: String
    @OptionGroup var options: CorrectionOptions

    func run() throws {
        let event = CoachingEvent.GoalClosed(goalId: goal, salesperson: options.salesperson, reason: options.reason, at: options.at)
        try closeGoal(.goalAchieved(event), goal, "achieved", options)
    }
}

struct GoalDropped: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dropped", abstract: "Mark a goal dropped (on the day of --at, default today).",
        discussion: "Example:\n  coachlog goal dropped g-4hx2pq --salesperson dana --reason \"moved to a new role\"")

    @Argument(help: "The goal's id.") var goal: String
    @OptionGroup var options: CorrectionOptions

    func run() throws {
        let event = CoachingEvent.GoalClosed(goalId: goal, salesperson: options.salesperson, reason: options.reason, at: options.at)
        try closeGoal(.goalDropped(event), goal, "dropped", options)
    }
}

/// Records a goal's end and prints it with the day the daemon gives it (read back from the goals view).
private func closeGoal(_ event: CoachingEvent, _ goal: String, _ word: String, _ options: CorrectionOptions) throws {
    let c = try options.connection.connect()
    _ = try c.append(event)
    let row = (try? c.goals(salesperson: options.salesperson))?.goals.first { sameKey($0.goalId, goal) }
    let day = row?.statusAt.map { " on \($0.day.iso8601)" } ?? ""
    print("goal \(goal) \(word)\(day) for \(options.salesperson)\(options.reasonSuffix)")
}

/// Asks a yes/no question on the terminal; false when standard input is no terminal, or on anything but yes.
func confirm(_ question: String) -> Bool {
    guard isatty(STDIN_FILENO) == 1 else { return false }
    FileHandle.standardError.write(Data(question.utf8))
    guard let answer = readLine() else { return false }
    return ["y", "yes"].contains(answer.trimmingSpaces.lowercased())
}

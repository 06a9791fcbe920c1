import ArgumentParser
import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import CoachingDomain

/// The coaching topics under the names people type, mapped to wire names.
enum TopicName {
    static let names: [String: String] = [
        "self-concept": "selfConcept", "selfconcept": "selfConcept", "selfConcept": "selfConcept",
        "identity-role": "identityRole", "identity": "identityRole", "identityRole": "identityRole",
        "personal-goals": "personalGoals", "goals": "personalGoals", "personalGoals": "personalGoals",
        "behavioral-reflection": "behavioralReflection", "reflection": "behavioralReflection",
        "behavioralReflection": "behavioralReflection",
    ]
    static let help = "self-concept, identity-role, personal-goals (goals) or behavioral-reflection (reflection)"

    /// The name people type, for a wire name.
    static func display(_ wire: String) -> String {
        switch wire {
        case "selfConcept": return "self-concept"
        case "identityRole": return "identity-role"
        case "personalGoals": return "personal-goals"
        case "behavioralReflection": return "behavioral-reflection"
        default: return wire
        }
    }

    static func wire(_ name: String) throws -> String {
        guard let wire = names[name.trimmingSpaces] else {
            throw ValidationError("unknown topic \"\(name)\"; use \(help)")
        }
        return wire
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}

/// A short id people can type: a prefix and six characters without look-alikes.
func shortId(_ prefix: String) -> String {
    let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")
    var generator = SystemRandomNumberGenerator()
    return prefix + "-" + String((0..<6).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
}

/// Options of every command that records something for a salesperson.
struct RecordOptions: ParsableArguments {
    @Option(name: .long, help: "The salesperson this is about.")
    var salesperson: String

    @Option(name: .long, help: ArgumentHelp("The session (default: the salesperson's open session).", valueName: "ID"))
    var session: String?

    @Option(name: .long, help: ArgumentHelp("When it happened: a date or an ISO 8601 time (default: now).", valueName: "TIME"))
    var at: String?

    @OptionGroup var connection: ConnectionOptions

    /// The session to record into: the one given, or the salesperson's open one.
    func sessionId(_ connection: Connection) throws -> (id: String, openedAt: String?) {
        let sessions = try connection.request(.query, ["projection": "sessions", "salesperson": .string(salesperson)])
        let rows = sessions["sessions"]?.arrayValue ?? []
        let wanted = session ?? sessions["openSession"]?.stringValue
        guard let wanted else {
            throw Refusal(message: "\(salesperson) has no open session; open one with `coachlog session open --salesperson \(salesperson) --coach NAME` or pass --session")
        }
        guard let row = rows.first(where: { $0["sessionId"]?.stringValue == wanted }) else {
            throw Refusal(message: "\(salesperson) has no session \"\(wanted)\"; `coachlog sessions \(salesperson)` lists them")
        }
        return (wanted, row["openedAt"]?.stringValue)
    }
}

/// Appends one event and prints what was recorded.
func record(_ type: String, _ data: [String: JSONValue], on connection: Connection, at: String?) throws -> JSONValue {
    var data = data
    if let at { data["at"] = .string(at) }
    return try connection.request(.append, ["events": [["type": .string(type), "data": .object(data)]]])
}

struct Session: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session", abstract: "Open or close a coaching session.", subcommands: [Open.self, Close.self])

    struct Open: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open a session with a salesperson.",
            discussion: "Example:\n  coachlog session open --salesperson dana --coach lee \\\n      --topics self-concept,goals")

        @Option(name: .long, help: "The salesperson being coached.") var salesperson: String
        @Option(name: .long, help: "The coach holding the session.") var coach: String
        @Option(name: .long, help: ArgumentHelp("Topics covered, comma-separated: \(TopicName.help).", valueName: "LIST"))
        var topics: String?
        @Option(name: .long, help: ArgumentHelp("The new session's id (default: generated).", valueName: "ID")) var id: String?
        @Option(name: .long, help: ArgumentHelp("When it started (default: now).", valueName: "TIME")) var at: String?
        @OptionGroup var connection: ConnectionOptions

        func run() throws {
            let sessionId = id ?? shortId("s")
            var data: [String: JSONValue] = [
                "sessionId": .string(sessionId), "salesperson": .string(salesperson), "coach": .string(coach),
            ]
            if let topics {
                let list = try topics.split(separator: ",").map { try TopicName.wire(String($0)) }
                data["topics"] = .array(list.map { .string($0) })
            }
            let c = try connection.connect()
            _ = try record("SessionOpened", data, on: c, at: at)
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
            _ = try record(
                "SessionClosed", ["sessionId": .string(session.id), "salesperson": .string(options.salesperson)], on: c,
                at: options.at)
            print("closed session \(session.id) for \(options.salesperson)")
        }
    }
}

struct GoalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "goal", abstract: "Record a personal goal the salesperson states.",
        discussion: "Example:\n  coachlog goal \"Lead a team within two years\" --salesperson dana \\\n      --area leadership")

    @Argument(help: "The goal, in the salesperson's words.") var text: String
    @Option(name: .long, help: "A one-word area: income, leadership, balance, community, ...") var area: String?
    @Option(name: .long, help: ArgumentHelp("The new goal's id (default: generated).", valueName: "ID")) var id: String?
    @OptionGroup var options: RecordOptions

    func run() throws {
        let c = try options.connection.connect()
        let session = try options.sessionId(c)
        let goalId = id ?? shortId("g")
        var data: [String: JSONValue] = [
            "goalId": .string(goalId), "sessionId": .string(session.id), "salesperson": .string(options.salesperson),
            "text": .string(text),
        ]
        if let area { data["area"] = .string(area) }
        _ = try record("GoalStated", data, on: c, at: options.at)
        print("goal \(goalId) recorded for \(options.salesperson)")
    }
}

struct CommitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "commit", abstract: "Record a commitment for the coming week: more, better or different.",
        discussion: """
            The due date defaults to a week after the session.
            Example:
              coachlog commit more "Follow up within two days" --salesperson dana \\
                  --goal g-4hx2pq
            """)

    @Argument(help: "more, better or different.") var kind: String
    @Argument(help: "What the salesperson commits to.") var text: String
    @Option(name: .long, help: ArgumentHelp("Due date, YYYY-MM-DD (default: a week after the session).", valueName: "DATE"))
    var due: String?
    @Option(name: .long, help: ArgumentHelp("The goal this commitment serves.", valueName: "ID")) var goal: String?
    @Option(name: .long, help: ArgumentHelp("The new commitment's id (default: generated).", valueName: "ID")) var id: String?
    @OptionGroup var options: RecordOptions

    func validate() throws {
        guard ["more", "better", "different"].contains(kind) else {
            throw ValidationError("the kind must be more, better or different, not \"\(kind)\"")
        }
    }

    func run() throws {
        let c = try options.connection.connect()
        let session = try options.sessionId(c)
        let commitmentId = id ?? shortId("c")
        guard let dueDate = due ?? session.openedAt.flatMap(CalendarDate.weekAfter) else {
            throw Refusal(message: "cannot tell when session \(session.id) was held; pass --due YYYY-MM-DD")
        }
        var data: [String: JSONValue] = [
            "commitmentId": .string(commitmentId), "sessionId": .string(session.id),
            "salesperson": .string(options.salesperson), "kind": .string(kind), "text": .string(text), "due": .string(dueDate),
        ]
        if let goal { data["goalId"] = .string(goal) }
        _ = try record("CommitmentMade", data, on: c, at: options.at)
        print("commitment \(commitmentId) (\(kind)) due \(dueDate) recorded for \(options.salesperson)")
    }
}

struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review", abstract: "Review a commitment in a later session: kept, partial or missed.",
        discussion: "Example:\n  coachlog review c-7k2m9q kept --salesperson dana \\\n      --note \"Called all five\"")

    @Argument(help: "The commitment's id.") var commitment: String
    @Argument(help: "kept, partial or missed.") var outcome: String
    @Option(name: .long, help: "A note on how it went.") var note: String?
    @OptionGroup var options: RecordOptions

    func validate() throws {
        guard ["kept", "partial", "missed"].contains(outcome) else {
            throw ValidationError("the outcome must be kept, partial or missed, not \"\(outcome)\"")
        }
    }

    func run() throws {
        let c = try options.connection.connect()
        let session = try options.sessionId(c)
        var data: [String: JSONValue] = [
            "commitmentId": .string(commitment), "sessionId": .string(session.id),
            "salesperson": .string(options.salesperson), "outcome": .string(outcome),
        ]
        if let note { data["note"] = .string(note) }
        _ = try record("CommitmentReviewed", data, on: c, at: options.at)
        print("commitment \(commitment) reviewed: \(outcome)")
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
        let wire = try TopicName.wire(topic)
        let c = try options.connection.connect()
        let session = try options.sessionId(c)
        _ = try record(
            "InsightNoted",
            [
                "sessionId": .string(session.id), "salesperson": .string(options.salesperson), "topic": .string(wire),
                "text": .string(text),
            ], on: c, at: options.at)
        print("insight on \(topic) recorded for \(options.salesperson)")
    }
}

/// Calendar arithmetic for the --due default.
enum CalendarDate {
    static func weekAfter(_ timestamp: String) -> String? {
        Day(iso8601: String(timestamp.prefix(10)))?.adding(days: 7).iso8601
    }
}

import CoachLogJSON

/// One goal with the follow-through of the commitments that serve it (in the
/// report's window); on the wire the tally's fields sit beside the goal's.
public struct GoalRow: Sendable, Equatable, Codable, JSONValueConvertible {
    public var goalId: String
    public var text: String?
    public var area: String?
    public var sessionId: String
    public var statedAt: Timestamp
    /// Commitments made for this goal, reviewed or not (withdrawn ones not counted).
    public var commitments: Int
    public var tally: Tally
    public var status: GoalStatus
    /// When it was achieved or dropped; null while active.
    public var statusAt: Timestamp?

    public init(
        goalId: String, text: String?, area: String?, sessionId: String, statedAt: Timestamp, commitments: Int, tally: Tally,
        status: GoalStatus = .active, statusAt: Timestamp? = nil
    ) {
        self.status = status
        self.statusAt = statusAt
        self.goalId = goalId
        self.text = text
        self.area = area
        self.sessionId = sessionId
        self.statedAt = statedAt
        self.commitments = commitments
        self.tally = tally
    }

    private enum CodingKeys: String, CodingKey { case goalId, text, area, sessionId, statedAt, commitments, status, statusAt }

    public init(from decoder: any Decoder) throws {
        tally = try Tally(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        goalId = try c.decode(String.self, forKey: .goalId)
        text = try c.decodeIfPresent(String.self, forKey: .text)
        area = try c.decodeIfPresent(String.self, forKey: .area)
        sessionId = try c.decode(String.self, forKey: .sessionId)
        statedAt = try c.decode(Timestamp.self, forKey: .statedAt)
        commitments = try c.decode(Int.self, forKey: .commitments)
        status = try c.decode(GoalStatus.self, forKey: .status)
        statusAt = try c.decodeIfPresent(Timestamp.self, forKey: .statusAt)
    }

    public func encode(to encoder: any Encoder) throws {
        try tally.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(goalId, forKey: .goalId)
        try c.encodeIfPresent(text, forKey: .text)
        try c.encodeIfPresent(area, forKey: .area)
        try c.encode(sessionId, forKey: .sessionId)
        try c.encode(statedAt, forKey: .statedAt)
        try c.encode(commitments, forKey: .commitments)
        try c.encode(status, forKey: .status)
        try c.encodeIfPresent(statusAt, forKey: .statusAt)
    }

    /// The wire form by hand, as `encode(to:)`: the tally flattened, nil members null.
    public var jsonValue: JSONValue {
        var members = tally.jsonMembers(reserving: 8)
        members["goalId"] = .string(goalId)
        members["text"] = .orNull(text)
        members["area"] = .orNull(area)
        members["sessionId"] = .string(sessionId)
        members["statedAt"] = statedAt.jsonValue
        members["commitments"] = .int(commitments)
        members["status"] = .name(status)
        members["statusAt"] = .orNull(statusAt)
        return .object(members)
    }
}

/// The `goals` projection: a salesperson's goals in the order stated.
///
/// With `asOf`: only goals stated before it, each with its status as of
/// `asOf` (achieved or dropped only if that happened before it), counting
/// commitments made before it. The tally counts reviews in `window`: the
/// `weeks`×7 days ending at `asOf`, or everything before `asOf` without
/// `weeks` (`window.from` null). Without `asOf` (and `weeks`), everything on
/// record, and `asOf`, `weeks` and `window` are absent (the reply of a
/// query without them is what it was before they existed).
public struct GoalsReport: WireResult, JSONValueConvertible {
    public var projection = ProjectionName.goals
    public var salesperson: String
    public var asOf: String?
    /// Null when the query gave `asOf` without `weeks`.
    public var weeks: Int?
    public var window: Window?
    public var goals: [GoalRow]

    public init(salesperson: String, asOf: String? = nil, weeks: Int? = nil, window: Window? = nil, goals: [GoalRow]) {
        self.salesperson = salesperson
        self.asOf = asOf
        self.weeks = weeks
        self.window = window
        self.goals = goals
    }

    private enum CodingKeys: String, CodingKey { case projection, salesperson, asOf, weeks, window, goals }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(projection, forKey: .projection)
        try c.encode(salesperson, forKey: .salesperson)
        if let asOf {
            try c.encode(asOf, forKey: .asOf)
            try c.encodeIfPresent(weeks, forKey: .weeks)
            try c.encodeIfPresent(window, forKey: .window)
        }
        try c.encode(goals, forKey: .goals)
    }

    /// The wire form by hand, as `encode(to:)`: without `asOf`, `asOf`, `weeks` and `window`
    /// are absent; with it, each is present (null when nil).
    public var jsonValue: JSONValue {
        var members: [String: JSONValue] = [
            "projection": .name(projection), "salesperson": .string(salesperson), "goals": .list(goals),
        ]
        if let asOf {
            members["asOf"] = .string(asOf)
            members["weeks"] = .orNull(weeks)
            members["window"] = .orNull(window)
        }
        return .object(members)
    }
}

/// One value per coaching topic; every topic is present on the wire.
public struct PerTopic<Value: Sendable & Equatable & Codable>: Sendable, Equatable, Codable {
    public var selfConcept: Value
    public var identityRole: Value
    public var personalGoals: Value
    public var behavioralReflection: Value

    public init(_ value: (Topic) -> Value) {
        selfConcept = value(.selfConcept)
        identityRole = value(.identityRole)
        personalGoals = value(.personalGoals)
        behavioralReflection = value(.behavioralReflection)
    }

    public subscript(topic: Topic) -> Value {
        switch topic {
        case .selfConcept: return selfConcept
        case .identityRole: return identityRole
        case .personalGoals: return personalGoals
        case .behavioralReflection: return behavioralReflection
        }
    }

    /// The wire form by hand, each value's form given by `form`; equal to the Codable form
    /// when `form` gives each value's Codable form.
    func jsonValue(_ form: (Value) -> JSONValue) -> JSONValue {
        [
            "selfConcept": form(selfConcept), "identityRole": form(identityRole), "personalGoals": form(personalGoals),
            "behavioralReflection": form(behavioralReflection),
        ]
    }
}

/// Whether a topic was covered recently.
public enum TopicStatus: String, Sendable, Hashable, CaseIterable, Codable {
    /// Covered at most `TopicsReport.staleAfterDays` days before `asOf`.
    case current
    /// Last covered longer ago than that.
    case stale
    /// Never covered before `asOf`.
    case never
}

/// The `topics` projection: for each topic, the last day it was covered
/// before `asOf` (a session listing it, or an insight on it), days since, and
/// a status.
public struct TopicsReport: WireResult, JSONValueConvertible {
    /// A topic is stale when last covered more than this many days ago.
    public static let staleAfterDays = 28

    public var projection = ProjectionName.topics
    public var salesperson: String
    public var asOf: String
    public var lastCovered: PerTopic<Day?>
    public var daysSince: PerTopic<Int?>
    public var status: PerTopic<TopicStatus>
    public var staleAfterDays = TopicsReport.staleAfterDays

    public init(salesperson: String, asOf: String, lastCovered: PerTopic<Day?>, daysSince: PerTopic<Int?>) {
        self.salesperson = salesperson
        self.asOf = asOf
        self.lastCovered = lastCovered
        self.daysSince = daysSince
        self.status = PerTopic { topic in
            guard let days = daysSince[topic] else { return .never }
            return days > TopicsReport.staleAfterDays ? .stale : .current
        }
    }

    /// The wire form by hand; equal to the Codable form (null for a topic never covered).
    public var jsonValue: JSONValue {
        [
            "projection": .name(projection), "salesperson": .string(salesperson), "asOf": .string(asOf),
            "lastCovered": lastCovered.jsonValue { .orNull($0) }, "daysSince": daysSince.jsonValue { .orNull($0) },
            "status": status.jsonValue { .name($0) }, "staleAfterDays": .int(staleAfterDays),
        ]
    }
}

/// One session as the `sessions` projection shows it.
public struct SessionRow: Sendable, Equatable, Codable, JSONValueConvertible {
    public var sessionId: String
    public var coach: String
    public var openedAt: Timestamp
    public var closedAt: Timestamp?
    public var topics: [Topic]
    public var open: Bool

    public init(sessionId: String, coach: String, openedAt: Timestamp, closedAt: Timestamp?, topics: [Topic]) {
        self.sessionId = sessionId
        self.coach = coach
        self.openedAt = openedAt
        self.closedAt = closedAt
        self.topics = topics
        self.open = closedAt == nil
    }

    /// The wire form by hand; equal to the Codable form (`closedAt` null while open).
    public var jsonValue: JSONValue {
        [
            "sessionId": .string(sessionId), "coach": .string(coach), "openedAt": openedAt.jsonValue,
            "closedAt": .orNull(closedAt), "topics": .array(topics.map(JSONValue.name)), "open": .bool(open),
        ]
    }
}

/// The `sessions` projection: a salesperson's sessions in the order opened,
/// their current coach, and the latest open session, if any.
public struct SessionsReport: WireResult, JSONValueConvertible {
    public var projection = ProjectionName.sessions
    public var salesperson: String
    public var coach: String
    public var openSession: String?
    public var sessions: [SessionRow]

    public init(salesperson: String, coach: String, openSession: String?, sessions: [SessionRow]) {
        self.salesperson = salesperson
        self.coach = coach
        self.openSession = openSession
        self.sessions = sessions
    }

    /// The wire form by hand; equal to the Codable form (`openSession` null when none).
    public var jsonValue: JSONValue {
        [
            "projection": .name(projection), "salesperson": .string(salesperson), "coach": .string(coach),
            "openSession": .orNull(openSession), "sessions": .list(sessions),
        ]
    }
}

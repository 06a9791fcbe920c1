import CoachLogClient
import CoachLogJSON
import CoachLogProtocol

/// Event builders: `{type, data}` objects as a client sends them.
enum Ev {
    static func event(_ type: String, _ data: [String: JSONValue], eventId: String? = nil) -> JSONValue {
        var o: [String: JSONValue] = ["type": .string(type), "data": .object(data)]
        if let eventId { o["eventId"] = .string(eventId) }
        return .object(o)
    }

    static func at(_ data: inout [String: JSONValue], _ at: String?) {
        if let at { data["at"] = .string(at) }
    }

    /// `base` (an ISO 8601 instant written in the test) plus `minutes`, in ISO 8601: fixtures that
    /// record many sessions spread them out in time, as a real record is.
    static func time(_ base: String, plusMinutes minutes: Int) -> String {
        guard let start = Timestamp(iso8601: base) else { preconditionFailure("not an ISO 8601 instant: \(base)") }
        return Timestamp(milliseconds: start.milliseconds + Int64(minutes) * 60_000).iso8601
    }

    static func open(
        _ sessionId: String, _ salesperson: String, coach: String, at: String? = nil, topics: [String] = [],
        newSalesperson: Bool = false, eventId: String? = nil
    ) -> JSONValue {
        var d: [String: JSONValue] = [
            "sessionId": .string(sessionId), "salesperson": .string(salesperson), "coach": .string(coach),
        ]
        if !topics.isEmpty { d["topics"] = .array(topics.map { .string($0) }) }
        if newSalesperson { d["newSalesperson"] = true }
        Ev.at(&d, at)
        return event("SessionOpened", d, eventId: eventId)
    }

    static func goal(_ goalId: String, _ sessionId: String, _ salesperson: String, text: String, area: String?, at: String?)
        -> JSONValue
    {
        var d: [String: JSONValue] = [
            "goalId": .string(goalId), "sessionId": .string(sessionId), "salesperson": .string(salesperson),
            "text": .string(text),
        ]
        if let area { d["area"] = .string(area) }
        Ev.at(&d, at)
        return event("GoalStated", d)
    }

    static func commit(
        _ commitmentId: String, _ sessionId: String, _ salesperson: String, kind: String, due: String,
        text: String = "Do the thing", goalId: String? = nil, at: String? = nil, eventId: String? = nil
    ) -> JSONValue {
        var d: [String: JSONValue] = [
            "commitmentId": .string(commitmentId), "sessionId": .string(sessionId), "salesperson": .string(salesperson),
            "kind": .string(kind), "text": .string(text), "due": .string(due),
        ]
        if let goalId { d["goalId"] = .string(goalId) }
        Ev.at(&d, at)
        return event("CommitmentMade", d, eventId: eventId)
    }

    static func review(_ commitmentId: String, _ sessionId: String, _ salesperson: String, outcome: String, at: String?)
        -> JSONValue
    {
        var d: [String: JSONValue] = [
            "commitmentId": .string(commitmentId), "sessionId": .string(sessionId), "salesperson": .string(salesperson),
            "outcome": .string(outcome),
        ]
        Ev.at(&d, at)
        return event("CommitmentReviewed", d)
    }

    static func insight(_ sessionId: String, _ salesperson: String, topic: String, text: String, at: String? = nil)
        -> JSONValue
    {
        var d: [String: JSONValue] = [
            "sessionId": .string(sessionId), "salesperson": .string(salesperson), "topic": .string(topic),
            "text": .string(text),
        ]
        Ev.at(&d, at)
        return event("InsightNoted", d)
    }

    static func close(_ sessionId: String, _ salesperson: String, at: String? = nil) -> JSONValue {
        var d: [String: JSONValue] = ["sessionId": .string(sessionId), "salesperson": .string(salesperson)]
        Ev.at(&d, at)
        return event("SessionClosed", d)
    }
}

/// A small, fully dated coaching history with known numbers.
///
/// ana (coach kim): sessions on 03-02 (closed), 03-09 (closed), 03-23 (open).
///   goal ana-g1 (income); commitments c1 more (goal), c2 better, c3 different made 03-02, due 03-09,
///   reviewed 03-09 kept / partial / missed; c4 more (goal) due 03-16 reviewed kept 03-23;
///   c5 better due 04-30 and c6 different due 03-20, both made 03-09 and open.
///   topics: s1 selfConcept+personalGoals (03-02), identityRole insight 03-02,
///   s2 behavioralReflection (03-09), selfConcept insight 03-23.
/// ben (coach lee): sessions 03-05 (closed), 03-12 (closed); b-c1 more due 03-12, missed 03-12.
enum History {
    static let appends: [[JSONValue]] = [
        [
            Ev.open("ana-s1", "ana", coach: "kim", at: "2026-03-02T09:00:00Z", topics: ["selfConcept", "personalGoals"]),
            Ev.goal("ana-g1", "ana-s1", "ana", text: "Reach 120% of quota", area: "income", at: "2026-03-02T09:10:00Z"),
            Ev.commit("ana-c1", "ana-s1", "ana", kind: "more", due: "2026-03-09", text: "Make 20 calls a day",
                      goalId: "ana-g1", at: "2026-03-02T09:20:00Z"),
            Ev.commit("ana-c2", "ana-s1", "ana", kind: "better", due: "2026-03-09", at: "2026-03-02T09:21:00Z"),
            Ev.commit("ana-c3", "ana-s1", "ana", kind: "different", due: "2026-03-09", at: "2026-03-02T09:22:00Z"),
            Ev.insight("ana-s1", "ana", topic: "identityRole", text: "Sees herself as a helper", at: "2026-03-02T09:30:00Z"),
            Ev.close("ana-s1", "ana", at: "2026-03-02T10:00:00Z"),
        ],
        [
            Ev.open("ben-s1", "ben", coach: "lee", at: "2026-03-05T14:00:00Z", topics: ["identityRole"]),
            Ev.commit("ben-c1", "ben-s1", "ben", kind: "more", due: "2026-03-12", at: "2026-03-05T14:10:00Z"),
            Ev.close("ben-s1", "ben", at: "2026-03-05T15:00:00Z"),
        ],
        [
            Ev.open("ana-s2", "ana", coach: "kim", at: "2026-03-09T09:00:00Z", topics: ["behavioralReflection"]),
            Ev.review("ana-c1", "ana-s2", "ana", outcome: "kept", at: "2026-03-09T09:10:00Z"),
            Ev.review("ana-c2", "ana-s2", "ana", outcome: "partial", at: "2026-03-09T09:15:00Z"),
            Ev.review("ana-c3", "ana-s2", "ana", outcome: "missed", at: "2026-03-09T09:20:00Z"),
            Ev.commit("ana-c4", "ana-s2", "ana", kind: "more", due: "2026-03-16", goalId: "ana-g1",
                      at: "2026-03-09T09:30:00Z"),
            Ev.commit("ana-c5", "ana-s2", "ana", kind: "better", due: "2026-04-30", text: "Ask for referrals",
                      at: "2026-03-09T09:35:00Z"),
            Ev.commit("ana-c6", "ana-s2", "ana", kind: "different", due: "2026-03-20", text: "Block focus time",
                      at: "2026-03-09T09:36:00Z"),
            Ev.close("ana-s2", "ana", at: "2026-03-09T10:00:00Z"),
        ],
        [
            Ev.open("ben-s2", "ben", coach: "lee", at: "2026-03-12T14:00:00Z"),
            Ev.review("ben-c1", "ben-s2", "ben", outcome: "missed", at: "2026-03-12T14:10:00Z"),
            Ev.close("ben-s2", "ben", at: "2026-03-12T15:00:00Z"),
        ],
        [
            Ev.open("ana-s3", "ana", coach: "kim", at: "2026-03-23T09:00:00Z"),
            Ev.review("ana-c4", "ana-s3", "ana", outcome: "kept", at: "2026-03-23T09:10:00Z"),
            Ev.insight("ana-s3", "ana", topic: "selfConcept", text: "More confident on calls", at: "2026-03-23T09:20:00Z"),
        ],
    ]

    static var eventCount: Int { appends.reduce(0) { $0 + $1.count } }

    static func load(into connection: Connection) throws {
        for events in appends { try connection.append(events) }
    }

    /// Every projection query the history is checked with, by a label.
    static let queries: [(String, String, [String: JSONValue])] = [
        ("ft-all", "followThrough", ["asOf": "2026-03-31"]),
        ("ft-ana", "followThrough", ["salesperson": "ana", "asOf": "2026-03-31"]),
        ("ft-ana-2w", "followThrough", ["salesperson": "ana", "weeks": 2, "asOf": "2026-03-31"]),
        ("ft-lee", "followThrough", ["coach": "lee", "asOf": "2026-03-31"]),
        ("open-ana", "openCommitments", ["salesperson": "ana", "asOf": "2026-03-31"]),
        ("open-ana-0315", "openCommitments", ["salesperson": "ana", "asOf": "2026-03-15"]),
        ("open-kim", "openCommitments", ["coach": "kim", "asOf": "2026-03-31T12:00:00Z"]),
        ("cadence", "cadence", ["asOf": "2026-03-31"]),
        ("cadence-lee", "cadence", ["coach": "lee", "asOf": "2026-03-31"]),
        ("goals-ana", "goals", ["salesperson": "ana"]),
        ("topics-ana", "topics", ["salesperson": "ana", "asOf": "2026-03-31"]),
        ("topics-ana-0305", "topics", ["salesperson": "ana", "asOf": "2026-03-05"]),
        ("sessions-ana", "sessions", ["salesperson": "ana"]),
        ("sessions-ben", "sessions", ["salesperson": "ben"]),
    ]

    static func allProjections(_ connection: Connection) throws -> [String: JSONValue] {
        var results: [String: JSONValue] = [:]
        for (label, projection, parameters) in queries {
            results[label] = try connection.query(projection, parameters)
        }
        return results
    }
}

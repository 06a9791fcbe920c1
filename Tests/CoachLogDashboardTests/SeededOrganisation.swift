import CoachLogClient
import CoachLogJSON
import CoachLogTestSupport
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real coachlogd on a temporary socket holding a small organisation whose
/// figures, as of 2026-10-19, are worked out by hand below:
///
/// - **Lee Park** coaches **Dana Reyes** (4 reviews in the 4 weeks to 19 October: kept 28 Sep,
///   missed 28 Sep, kept 5 Oct, kept 12 Oct → 75 %, 3 of 4; a commitment due 16 Oct, 3 days
///   overdue; her session of 12 October left open) and **Sam Okafor** (one session, 1 September:
///   48 days, lapsed; a commitment due 5 September, 44 days overdue; nothing reviewed).
/// - **Kim Ode** coaches **Ravi Shah** (one review, partial, 13 Oct → 0 %, weighted 50 %; a
///   commitment due 16 October, 3 days overdue).
/// - Everyone: 3 kept, 1 partial, 1 missed of 5 → 60 %, weighted 70 %; 3 open, 3 overdue;
///   nothing reviewed in the 4 weeks before (25 August to 21 September).
final class SeededOrganisation: @unchecked Sendable {  // immutable after init
    static let asOf = "2026-10-19"
    /// Words that appear only in free text (a commitment's text, a note, an insight), never in a number.
    static let freeTextMarkers = ["Write up one good call", "Fridays went to renewals", "Plans her week on Monday mornings"]

    let folder: TemporaryFolder
    let daemon: DaemonProcess
    var socket: String { folder.path + "/coachlog.sock" }

    /// `prepare` gets the temporary folder before the daemon starts, and returns extra daemon arguments.
    init(prepare: (_ folder: String) throws -> [String] = { _ in [] }) throws {
        folder = TemporaryFolder(prefix: "coachlog-dashboard")
        let extra = try prepare(folder.path)
        daemon = try DaemonProcess.start(
            data: folder.path + "/data", socket: folder.path + "/coachlog.sock", extra: extra,
            stderrPath: folder.path + "/daemon.stderr",
            // Generous: under the whole suite a test may wait minutes for the two cores before its first request.
            watchdogSeconds: 900)
        try seed()
    }

    deinit { _ = daemon.stop() }

    /// Appends events (raw JSON, as any client sends them) and returns the last position.
    @discardableResult
    func append(_ events: [JSONValue]) throws -> UInt64 {
        let connection = try Connection(path: socket)
        let reply = try connection.request(.append, ["events": .array(events)])
        guard case .object(let result) = reply, case .array(let positions)? = result["positions"],
            case .integer(let last)? = positions.last
        else { throw HarnessError("unexpected append reply \(reply)") }
        return UInt64(last)
    }

    private func seed() throws {
        try append([
            E.open("s-d1", "Dana Reyes", "Lee Park", "2026-09-21T09:00:00Z", ["selfConcept", "personalGoals"]),
            E.goal("g-d1", "s-d1", "Dana Reyes", "Lead a team of five by 2028", area: "leadership", at: "2026-09-21T09:05:00Z"),
            E.commit("c-d1", "s-d1", "Dana Reyes", "more", "Ask every prospect for a referral", due: "2026-09-25", goal: "g-d1", at: "2026-09-21T09:10:00Z"),
            E.commit("c-d2", "s-d1", "Dana Reyes", "different", "Block Friday mornings for prospecting", due: "2026-09-25", at: "2026-09-21T09:12:00Z"),
            E.close("s-d1", "Dana Reyes", "2026-09-21T10:00:00Z"),
            E.open("s-d2", "Dana Reyes", "Lee Park", "2026-09-28T09:00:00Z", ["identityRole"]),
            E.review("c-d1", "s-d2", "Dana Reyes", "kept", note: "Three referrals this week", at: "2026-09-28T09:05:00Z"),
            E.review("c-d2", "s-d2", "Dana Reyes", "missed", note: "Fridays went to renewals", at: "2026-09-28T09:06:00Z"),
            E.commit("c-d3", "s-d2", "Dana Reyes", "more", "Call five lapsed customers", due: "2026-10-02", at: "2026-09-28T09:10:00Z"),
            E.close("s-d2", "Dana Reyes", "2026-09-28T10:00:00Z"),
            E.open("s-d3", "Dana Reyes", "Lee Park", "2026-10-05T09:00:00Z", ["behavioralReflection"]),
            E.review("c-d3", "s-d3", "Dana Reyes", "kept", at: "2026-10-05T09:05:00Z"),
            E.commit("c-d4", "s-d3", "Dana Reyes", "better", "Send the recap the same day", due: "2026-10-09", at: "2026-10-05T09:10:00Z"),
            E.close("s-d3", "Dana Reyes", "2026-10-05T10:00:00Z"),
            E.open("s-d4", "Dana Reyes", "Lee Park", "2026-10-12T09:00:00Z", ["selfConcept", "behavioralReflection"]),
            E.review("c-d4", "s-d4", "Dana Reyes", "kept", at: "2026-10-12T09:05:00Z"),
            E.commit("c-d5", "s-d4", "Dana Reyes", "better", "Write up one good call a week", due: "2026-10-16", at: "2026-10-12T09:10:00Z"),
            E.insight("s-d4", "Dana Reyes", "behavioralReflection", "Plans her week on Monday mornings", at: "2026-10-12T09:20:00Z"),
        ])
        try append([
            E.open("s-s1", "Sam Okafor", "Lee Park", "2026-09-01T09:00:00Z", ["selfConcept"]),
            E.commit("c-s1", "s-s1", "Sam Okafor", "more", "Book two demos a week", due: "2026-09-05", at: "2026-09-01T09:10:00Z"),
            E.close("s-s1", "Sam Okafor", "2026-09-01T10:00:00Z"),
        ])
        try append([
            E.open("s-r1", "Ravi Shah", "Kim Ode", "2026-10-06T09:00:00Z", ["identityRole"]),
            E.commit("c-r0", "s-r1", "Ravi Shah", "more", "Qualify leads before demos", due: "2026-10-10", at: "2026-10-06T09:10:00Z"),
            E.close("s-r1", "Ravi Shah", "2026-10-06T10:00:00Z"),
            E.open("s-r2", "Ravi Shah", "Kim Ode", "2026-10-13T09:00:00Z", ["personalGoals"]),
            E.review("c-r0", "s-r2", "Ravi Shah", "partial", at: "2026-10-13T09:05:00Z"),
            E.commit("c-r1", "s-r2", "Ravi Shah", "different", "Shadow a senior rep", due: "2026-10-16", at: "2026-10-13T09:10:00Z"),
            E.close("s-r2", "Ravi Shah", "2026-10-13T10:00:00Z"),
        ])
    }
}

/// Events as JSON, the way a third-party client writes them.
enum E {
    static func event(_ type: String, _ data: [String: JSONValue]) -> JSONValue {
        ["type": .string(type), "data": .object(data)]
    }

    static func open(_ session: String, _ person: String, _ coach: String, _ at: String, _ topics: [String]) -> JSONValue {
        event(
            "SessionOpened",
            [
                "sessionId": .string(session), "salesperson": .string(person), "coach": .string(coach), "at": .string(at),
                "topics": .array(topics.map { .string($0) }),
            ])
    }

    static func close(_ session: String, _ person: String, _ at: String) -> JSONValue {
        event("SessionClosed", ["sessionId": .string(session), "salesperson": .string(person), "at": .string(at)])
    }

    static func goal(_ goal: String, _ session: String, _ person: String, _ text: String, area: String, at: String) -> JSONValue {
        event(
            "GoalStated",
            [
                "goalId": .string(goal), "sessionId": .string(session), "salesperson": .string(person), "text": .string(text),
                "area": .string(area), "at": .string(at),
            ])
    }

    static func commit(
        _ id: String, _ session: String, _ person: String, _ kind: String, _ text: String, due: String, goal: String? = nil, at: String
    ) -> JSONValue {
        var data: [String: JSONValue] = [
            "commitmentId": .string(id), "sessionId": .string(session), "salesperson": .string(person), "kind": .string(kind),
            "text": .string(text), "due": .string(due), "at": .string(at),
        ]
        if let goal { data["goalId"] = .string(goal) }
        return event("CommitmentMade", data)
    }

    static func review(_ id: String, _ session: String, _ person: String, _ outcome: String, note: String? = nil, at: String) -> JSONValue {
        var data: [String: JSONValue] = [
            "commitmentId": .string(id), "sessionId": .string(session), "salesperson": .string(person), "outcome": .string(outcome),
            "at": .string(at),
        ]
        if let note { data["note"] = .string(note) }
        return event("CommitmentReviewed", data)
    }

    static func insight(_ session: String, _ person: String, _ topic: String, _ text: String, at: String) -> JSONValue {
        event(
            "InsightNoted",
            [
                "sessionId": .string(session), "salesperson": .string(person), "topic": .string(topic), "text": .string(text),
                "at": .string(at),
            ])
    }
}

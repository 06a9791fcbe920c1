import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import EventStore

let t0 = Timestamp(iso8601: "2026-09-07T09:00:00Z")!
/// The clock of most store tests: after every event their histories hold (an `at` may not lie more
/// than a day ahead of it). The golden-bytes test records at `t0` instead.
let clock = Timestamp(iso8601: "2026-12-01T09:00:00Z")!

func ts(_ text: String) -> Timestamp { Timestamp(iso8601: text)! }

func open(_ salesperson: String, _ session: String, coach: String = "lee", at: String = "2026-09-07T09:00:00Z") -> ProposedEvent {
    ProposedEvent(
        type: "SessionOpened",
        data: ["sessionId": .string(session), "salesperson": .string(salesperson), "coach": .string(coach), "at": .string(at)])
}

func commit(
    _ salesperson: String, _ session: String, _ id: String, kind: String = "more", due: String = "2026-09-14",
    at: String = "2026-09-07T09:10:00Z"
) -> ProposedEvent {
    ProposedEvent(
        type: "CommitmentMade",
        data: [
            "commitmentId": .string(id), "sessionId": .string(session), "salesperson": .string(salesperson),
            "kind": .string(kind), "text": "Call two lapsed customers", "due": .string(due), "at": .string(at),
        ])
}

func review(_ salesperson: String, _ session: String, _ id: String, outcome: String, at: String) -> ProposedEvent {
    ProposedEvent(
        type: "CommitmentReviewed",
        data: [
            "commitmentId": .string(id), "sessionId": .string(session), "salesperson": .string(salesperson),
            "outcome": .string(outcome), "at": .string(at),
        ])
}

func close(_ salesperson: String, _ session: String, at: String = "2026-09-07T10:00:00Z") -> ProposedEvent {
    ProposedEvent(
        type: "SessionClosed",
        data: ["sessionId": .string(session), "salesperson": .string(salesperson), "at": .string(at)])
}

extension EventStore {
    @discardableResult
    func append(_ events: ProposedEvent..., expectedVersion: UInt64? = nil) throws -> AppendResult {
        try append(AppendRequest(events: events, expectedVersion: expectedVersion), now: clock)
    }

    /// Everything a failed append must leave alone.
    func snapshot() throws -> (UInt64, [String: [[UInt8]]], [EventEnvelope]) {
        (try headPosition(), try projectionDump(), try read(after: 0, limit: 10_000).events)
    }
}

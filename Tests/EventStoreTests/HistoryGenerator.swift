import CoachLogJSON
import CoachLogTestSupport
import CoachLogProtocol
import CoachingDomain
import EventStore

/// Valid weekly coaching histories: each session opens, sometimes states a
/// goal, reviews last week's commitments, makes new ones, notes an insight,
/// and usually closes. Returned as one append per session. Reproducible: SplitMix64 from `seed`.
func generateHistory(seed: UInt64, salespeople: Int, weeks: Int) -> [[ProposedEvent]] {
    var rng = SplitMix64(seed: seed)
    let coaches = ["lee", "kim", "ana"]
    let kinds = ["more", "better", "different"]
    let outcomes = ["kept", "partial", "missed"]
    let topics = Topic.allCases.map(\.rawValue)
    var appends: [[ProposedEvent]] = []
    var open: [Int: [String]] = [:]
    var goals: [Int: [String]] = [:]
    // A session left open is closed when the next one opens: one open session per person.
    var leftOpen: [Int: (session: String, close: String)] = [:]
    var counter = 0
    for week in 0..<weeks {
        for p in 0..<salespeople {
            if Int.random(in: 0..<10, using: &rng) == 0 { continue }  // a missed week
            let name = "person-\(p)"
            let session = "s-\(p)-\(week)"
            let day = Day(number: Day(iso8601: "2026-01-05")!.number + Int32(week * 7 + p % 3))
            let at = { (minute: Int) in day.start.adding(days: 0).iso8601.replacingDate(minute: minute) }
            var events: [ProposedEvent] = []
            if let previous = leftOpen.removeValue(forKey: p) {
                events.append(
                    ProposedEvent(
                        type: "SessionClosed",
                        data: ["sessionId": .string(previous.session), "salesperson": .string(name), "at": .string(previous.close)]))
            }
            let coach = coaches[(p + (week / 10)) % coaches.count]
            let sessionTopics = topics.filter { _ in Bool.random(using: &rng) }
            events.append(
                ProposedEvent(
                    type: "SessionOpened",
                    data: [
                        "sessionId": .string(session), "salesperson": .string(name), "coach": .string(coach),
                        "at": .string(at(0)), "topics": .array(sessionTopics.map { .string($0) }),
                    ]))
            if Int.random(in: 0..<4, using: &rng) == 0 {
                counter += 1
                let goalId = "g-\(counter)"
                goals[p, default: []].append(goalId)
                events.append(
                    ProposedEvent(
                        type: "GoalStated",
                        data: [
                            "goalId": .string(goalId), "sessionId": .string(session), "salesperson": .string(name),
                            "text": .string("Goal \(counter)"), "area": "income", "at": .string(at(5)),
                        ]))
            }
            for id in open[p, default: []] where Int.random(in: 0..<5, using: &rng) != 0 {
                events.append(
                    ProposedEvent(
                        type: "CommitmentReviewed",
                        data: [
                            "commitmentId": .string(id), "sessionId": .string(session), "salesperson": .string(name),
                            "outcome": .string(outcomes.randomElement(using: &rng)!), "at": .string(at(10)),
                        ]))
                open[p]?.removeAll { $0 == id }
            }
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                counter += 1
                let id = "c-\(counter)"
                var data: [String: JSONValue] = [
                    "commitmentId": .string(id), "sessionId": .string(session), "salesperson": .string(name),
                    "kind": .string(kinds.randomElement(using: &rng)!), "text": .string("Commitment \(counter)"),
                    "due": .string(day.adding(days: 7).iso8601), "at": .string(at(20)),
                ]
                if let goal = goals[p]?.randomElement(using: &rng), Bool.random(using: &rng) { data["goalId"] = .string(goal) }
                events.append(ProposedEvent(type: "CommitmentMade", data: .object(data)))
                open[p, default: []].append(id)
            }
            events.append(
                ProposedEvent(
                    type: "InsightNoted",
                    data: [
                        "sessionId": .string(session), "salesperson": .string(name),
                        "topic": .string(topics.randomElement(using: &rng)!), "text": "Noticed something", "at": .string(at(30)),
                    ]))
            if Int.random(in: 0..<8, using: &rng) != 0 {
                events.append(
                    ProposedEvent(
                        type: "SessionClosed",
                        data: ["sessionId": .string(session), "salesperson": .string(name), "at": .string(at(45))]))
            } else {
                leftOpen[p] = (session, at(50))
            }
            appends.append(events)
        }
    }
    return appends
}

extension String {
    /// "2026-01-05T00:00:00Z" → "2026-01-05T09:MMZ"-style time on the same day.
    func replacingDate(minute: Int) -> String {
        String(prefix(10)) + "T09:" + (minute < 10 ? "0" : "") + String(minute) + ":00Z"
    }
}

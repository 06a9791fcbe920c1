import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import EventStore

/// A deterministic, realistic organisation: salespeople coached weekly, each
/// session opened, an occasional goal, last week's commitments reviewed,
/// three new commitments, an insight, closed. Any (salesperson, week) can be
/// generated on its own, so workloads can split salespeople across clients.
///
/// Every event keeps the daemon's guardrails: one open session per
/// salesperson (a session is closed before that person's next one opens),
/// distinct names that are no lookalikes (`sp1`, `sp2`, ...), everything in a
/// session timed after it opens, dues a week after the commitment. Times lie
/// in the past (no `at` may be more than a day ahead of the daemon's clock):
/// `firstMonday` is chosen so that the weeks a workload uses end before today.
struct Organisation {
    var salespeople: Int
    var coaches: Int
    /// The Monday of week 0.
    var firstMonday: Day

    /// The fewest events a session has (week 0: open, goal, three commitments, insight, close).
    static let smallestSession = 7

    /// The Monday `weeks` whole weeks before the week of `today` (so that weeks
    /// 0..<weeks all end before today's week begins).
    static func firstMonday(weeks: Int, before today: Day) -> Day {
        // 1970-01-05, day 4, was a Monday.
        let sinceMonday = ((Int(today.number) - 4) % 7 + 7) % 7  // floor modulo: `%` keeps the sign
        let monday = today.adding(days: -sinceMonday)
        return monday.adding(days: -7 * weeks)
    }

    /// At most how many weeks a stream of `events` one-event appends over `people`
    /// salespeople (each coached once a week) reaches.
    static func weeks(events: Int, people: Int) -> Int { events / (smallestSession * max(1, people)) + 1 }

    func name(_ i: Int) -> String { "sp\(i)" }
    func coach(_ i: Int) -> String { "coach\(i % coaches)" }

    static func mix(_ a: Int, _ b: Int, _ c: Int = 0) -> UInt64 {
        var z = UInt64(truncatingIfNeeded: a) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: b) &* 0xBF58_476D_1CE4_E5B9
            ^ UInt64(truncatingIfNeeded: c) &* 0x94D0_49BB_1331_11EB
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    func hasGoal(_ i: Int, _ week: Int) -> Bool { week == 0 || Self.mix(i, week, 1) % 6 == 0 }

    func latestGoal(_ i: Int, atOrBefore week: Int) -> String {
        var w = week
        while !hasGoal(i, w) { w -= 1 }
        return "g-\(i)-\(w)"
    }

    /// The events of salesperson `i`'s session in `week`, in order.
    func session(_ i: Int, week: Int) -> [ProposedEvent] {
        let person = JSONValue.string(name(i))
        let sessionId = JSONValue.string("s-\(i)-\(week)")
        let day = firstMonday.adding(days: week * 7 + i % 5)
        let base = day.start.adding(days: 0).milliseconds + 9 * 3_600_000
        func at(_ minute: Int) -> JSONValue { .string(Timestamp(milliseconds: base + Int64(minute) * 60_000).iso8601) }
        let topics = Topic.allCases.enumerated().filter { Self.mix(i, week, 10 + $0.offset) % 2 == 0 }.map { JSONValue.string($0.element.rawValue) }
        var events: [ProposedEvent] = [
            ProposedEvent(
                type: "SessionOpened",
                data: ["sessionId": sessionId, "salesperson": person, "coach": .string(coach(i)), "at": at(0), "topics": .array(topics)])
        ]
        if hasGoal(i, week) {
            events.append(
                ProposedEvent(
                    type: "GoalStated",
                    data: [
                        "goalId": .string("g-\(i)-\(week)"), "sessionId": sessionId, "salesperson": person,
                        "text": "Grow my book of business by a fifth this year", "area": "income", "at": at(5),
                    ]))
        }
        if week > 0 {
            for k in 0..<3 {
                let roll = Self.mix(i, week, 20 + k) % 20
                let outcome = roll < 12 ? "kept" : roll < 17 ? "partial" : "missed"
                events.append(
                    ProposedEvent(
                        type: "CommitmentReviewed",
                        data: [
                            "commitmentId": .string("c-\(i)-\(week - 1)-\(k)"), "sessionId": sessionId, "salesperson": person,
                            "outcome": .string(outcome), "at": at(10 + k),
                        ]))
            }
        }
        let kinds = ["more", "better", "different"]
        let texts = ["Follow up every demo within two days", "Open each call with a question about their goals",
                     "Block two mornings for prospecting"]
        for k in 0..<3 {
            var data: [String: JSONValue] = [
                "commitmentId": .string("c-\(i)-\(week)-\(k)"), "sessionId": sessionId, "salesperson": person,
                "kind": .string(kinds[k]), "text": .string(texts[k]), "due": .string(day.adding(days: 7).iso8601), "at": at(20 + k),
            ]
            if k == 0 { data["goalId"] = .string(latestGoal(i, atOrBefore: week)) }
            events.append(ProposedEvent(type: "CommitmentMade", data: .object(data)))
        }
        events.append(
            ProposedEvent(
                type: "InsightNoted",
                data: [
                    "sessionId": sessionId, "salesperson": person, "topic": .string(Topic.allCases[Int(Self.mix(i, week, 30) % 4)].rawValue),
                    "text": "Confidence rises when the pipeline is full", "at": at(40),
                ]))
        events.append(ProposedEvent(type: "SessionClosed", data: ["sessionId": sessionId, "salesperson": person, "at": at(50)]))
        return events
    }

    /// How many events salesperson `i`'s session in `week` has (what `session` returns, without building it).
    func eventCount(_ i: Int, week: Int) -> Int { 1 + (hasGoal(i, week) ? 1 : 0) + (week > 0 ? 3 : 0) + 3 + 1 + 1 }

    /// The fewest whole weeks across everyone that hold at least `totalEvents` events.
    func weeks(holding totalEvents: Int) -> Int {
        var count = 0
        var week = 0
        while count < totalEvents {
            for i in 0..<salespeople { count += eventCount(i, week: week) }
            week += 1
        }
        return week
    }

    /// Everyone's sessions of weeks 0..<weeks, week by week. Whole weeks, so that
    /// every salesperson's next session is in week `weeks` and reviews commitments that exist.
    func sessions(weeks: Int) -> [[ProposedEvent]] {
        (0..<weeks).flatMap { week in (0..<salespeople).map { session($0, week: week) } }
    }

    /// One-event appends of the salespeople `i % clients == client`, in
    /// session order, lazily.
    struct Stream: IteratorProtocol {
        let organisation: Organisation
        let people: [Int]
        var week = 0
        /// The stream ends before this week (its times must stay in the past).
        var endWeek = Int.max
        var personIndex = 0
        var pending: [ProposedEvent] = []

        mutating func next() -> ProposedEvent? {
            while pending.isEmpty {
                guard !people.isEmpty, week < endWeek else { return nil }
                pending = organisation.session(people[personIndex], week: week).reversed()
                personIndex += 1
                if personIndex == people.count {
                    personIndex = 0
                    week += 1
                }
            }
            return pending.popLast()
        }
    }

    func stream(client: Int, of clients: Int) -> Stream {
        Stream(organisation: self, people: Array(stride(from: client, to: salespeople, by: clients)))
    }
}

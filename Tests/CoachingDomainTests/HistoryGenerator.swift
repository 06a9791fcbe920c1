import CoachLogJSON
import CoachLogTestSupport
import CoachLogProtocol
import CoachingDomain

extension SplitMix64 {
    /// `pick` as these histories have always been drawn: one draw even from a single item (the shared
    /// `pick` skips that draw), so that a seed keeps replaying the same history.
    fileprivate mutating func pickDrawing<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
}

/// A random but valid coaching history, with the facts a plain recount needs.
struct GeneratedHistory {
    struct Event {
        var type: String
        var data: JSONValue
        var recordedAt: Timestamp
    }
    struct Commitment {
        var salesperson: String
        var kind: CommitmentKind
        var due: Day
        var madeAt: Timestamp
        var review: (outcome: Outcome, at: Timestamp)?
        var id = ""
        var madeIn = ""
        var madeInIndex = 0
        var reviewedIn: String?
        /// Withdrawn, or made in a voided session: counts nowhere, whatever the asOf.
        var gone = false
    }

    var events: [Event] = []
    /// In the order they were made.
    var commitments: [Commitment] = []
    /// (salesperson, coach, at), in event order; voided sessions are left out.
    var sessions: [(salesperson: String, coach: String, at: Timestamp, id: String)] = []
    var people: [String] = []
    var first = Timestamp(milliseconds: 0)
    var last = Timestamp(milliseconds: 0)

    /// The coach of each salesperson's latest session opened before `end` (ties: the later event).
    func coaches(before end: Timestamp) -> [String: String] {
        var best: [String: (coach: String, at: Timestamp)] = [:]
        for s in sessions where s.at < end {
            if let b = best[s.salesperson], b.at > s.at { continue }
            best[s.salesperson] = (s.coach, s.at)
        }
        return best.mapValues(\.coach)
    }
}

enum HistoryGenerator {
    private struct Person {
        var coach: String
        var sessionCount = 0
        var current: (id: String, index: Int, openedAt: Timestamp)?
        var goals: [(id: String, session: String)] = []
        var closedGoals: Set<String> = []
        /// Unreviewed commitments: id, index of the session they were made in, and their place in `commitments`.
        var open: [(id: String, sessionIndex: Int, slot: Int)] = []
    }

    static func generate(seed: UInt64, eventCount: Int) -> GeneratedHistory {
        var rng = SplitMix64(seed: seed)
        let names = ["ana", "ben", "dana", "omar", "zoe"]
        let coaches = ["kim", "lee", "pat"]
        var people = Dictionary(uniqueKeysWithValues: names.map { ($0, Person(coach: rng.pickDrawing(coaches))) })
        var h = GeneratedHistory()
        h.people = names
        var clock = Timestamp(milliseconds: 1_767_600_000_000)  // 2026-01-05T08:00:00Z
        h.first = clock
        var nextId = 0

        func emit(_ type: String, _ fields: [String: JSONValue]) {
            var data = fields
            var recordedAt = clock
            if rng.percent(90) {
                recordedAt = Timestamp(milliseconds: clock.milliseconds + Int64(rng.below(5_000)))
                if rng.percent(30) {
                    // The same instant written with an offset.
                    let local = Timestamp(milliseconds: clock.milliseconds + 7_200_000).iso8601
                    data["at"] = .string(String(local.dropLast()) + "+02:00")
                } else {
                    data["at"] = .string(clock.iso8601)
                }
            }
            h.events.append(.init(type: type, data: .object(data), recordedAt: recordedAt))
        }

        /// A correction of one of the person's records, when there is one to correct.
        func correct(_ p: inout Person, name: String, roll: Int) {
            let sp = JSONValue.string(name)
            let mine = h.commitments.indices.filter { h.commitments[$0].salesperson == name && !h.commitments[$0].gone }
            switch roll {
            case 90, 91:
                let reviewed = mine.filter { h.commitments[$0].review != nil }
                guard !reviewed.isEmpty else { return }
                let slot = rng.pickDrawing(reviewed)
                let outcome = rng.pickDrawing(Outcome.allCases)
                emit("ReviewCorrected", ["commitmentId": .string(h.commitments[slot].id), "salesperson": sp,
                                         "outcome": .string(outcome.rawValue), "note": "Corrected"])
                h.commitments[slot].review?.outcome = outcome
            case 92:
                guard !mine.isEmpty else { return }
                let slot = rng.pickDrawing(mine)
                let kind = rng.pickDrawing(CommitmentKind.allCases)
                emit("CommitmentAmended", ["commitmentId": .string(h.commitments[slot].id), "salesperson": sp,
                                           "kind": .string(kind.rawValue), "text": "Amended"])
                h.commitments[slot].kind = kind
            case 93:
                guard !p.open.isEmpty else { return }
                let target = p.open.remove(at: rng.below(p.open.count))
                emit("CommitmentWithdrawn", ["commitmentId": .string(target.id), "salesperson": sp, "reason": "dropped"])
                h.commitments[target.slot].gone = true
            default:
                let active = p.goals.filter { !p.closedGoals.contains($0.id) }
                guard !active.isEmpty else { return }
                let goal = rng.pickDrawing(active).id
                let type = ["GoalAmended", "GoalAchieved", "GoalDropped"][rng.below(3)]
                var data: [String: JSONValue] = ["goalId": .string(goal), "salesperson": sp]
                if type == "GoalAmended" { data["text"] = "Restated" } else { p.closedGoals.insert(goal) }
                emit(type, data)
            }
        }

        while h.events.count < eventCount {
            // Time moves on; sometimes not at all, so that ties happen.
            if !rng.percent(12) { clock = clock.advanced(minutes: 1 + rng.below(240)) }
            let name = rng.pickDrawing(names)
            var p = people[name]!
            nextId += 1
            let sp = JSONValue.string(name)
            // One open session per person, and none older than a day: records without `at` then
            // happen when they were recorded (a session begun more than a day before takes its own time).
            let stale = p.current.map { clock.milliseconds - $0.openedAt.milliseconds > 20 * 3_600_000 } ?? false
            if p.current == nil || stale || rng.percent(12) {
                if let current = p.current {
                    emit("SessionClosed", ["sessionId": .string(current.id), "salesperson": sp])
                }
                if rng.percent(10) { p.coach = rng.pickDrawing(coaches) }
                p.sessionCount += 1
                let id = "\(name)-s\(p.sessionCount)"
                p.current = (id, p.sessionCount, clock)
                let topics = Topic.allCases.filter { _ in rng.percent(30) }.map { JSONValue.string($0.rawValue) }
                emit("SessionOpened", ["sessionId": .string(id), "salesperson": sp, "coach": .string(p.coach),
                                       "topics": .array(topics)])
                h.sessions.append((name, p.coach, clock, id))
            } else if let current = p.current {
                let session = JSONValue.string(current.id)
                let roll = rng.below(100)
                let reviewable = p.open.indices.filter { p.open[$0].sessionIndex < current.index }
                if roll < 10 {
                    let id = "g\(nextId)"
                    var data: [String: JSONValue] = ["goalId": .string(id), "sessionId": session, "salesperson": sp,
                                                     "text": .string("Goal \(nextId)")]
                    if rng.percent(50) { data["area"] = .string(rng.pickDrawing(["income", "leadership", "balance"])) }
                    emit("GoalStated", data)
                    p.goals.append((id, current.id))
                } else if roll < 45 {
                    let id = "c\(nextId)"
                    let kind = rng.pickDrawing(CommitmentKind.allCases)
                    let due = clock.day.adding(days: 1 + rng.below(14))
                    var data: [String: JSONValue] = ["commitmentId": .string(id), "sessionId": session,
                                                     "salesperson": sp, "kind": .string(kind.rawValue),
                                                     "text": .string("Commitment \(nextId)"), "due": .string(due.iso8601)]
                    if !p.goals.isEmpty, rng.percent(40) { data["goalId"] = .string(rng.pickDrawing(p.goals).id) }
                    emit("CommitmentMade", data)
                    p.open.append((id, current.index, h.commitments.count))
                    h.commitments.append(
                        .init(salesperson: name, kind: kind, due: due, madeAt: clock, review: nil, id: id, madeIn: current.id,
                              madeInIndex: current.index))
                } else if roll < 75, !reviewable.isEmpty {
                    let index = rng.pickDrawing(reviewable)
                    let target = p.open.remove(at: index)
                    let outcome = rng.pickDrawing(Outcome.allCases)
                    var data: [String: JSONValue] = ["commitmentId": .string(target.id), "sessionId": session,
                                                     "salesperson": sp, "outcome": .string(outcome.rawValue)]
                    if rng.percent(30) { data["note"] = "Noted" }
                    emit("CommitmentReviewed", data)
                    h.commitments[target.slot].review = (outcome, clock)
                    h.commitments[target.slot].reviewedIn = current.id
                } else if roll < 90 {
                    emit("InsightNoted", ["sessionId": session, "salesperson": sp,
                                          "topic": .string(rng.pickDrawing(Topic.allCases).rawValue), "text": "Insight"])
                } else if roll < 96 {
                    correct(&p, name: name, roll: roll)
                } else if roll < 97 {
                    // Voided: everything made in it is gone; reviews held in it are undone.
                    emit("SessionVoided", ["sessionId": session, "salesperson": sp, "reason": "wrong person"])
                    for slot in h.commitments.indices where h.commitments[slot].salesperson == name {
                        if h.commitments[slot].madeIn == current.id {
                            h.commitments[slot].gone = true
                        } else if h.commitments[slot].reviewedIn == current.id {
                            h.commitments[slot].review = nil
                            h.commitments[slot].reviewedIn = nil
                            p.open.append((h.commitments[slot].id, h.commitments[slot].madeInIndex, slot))
                        }
                    }
                    p.open.removeAll { h.commitments[$0.slot].madeIn == current.id }
                    p.goals.removeAll { $0.session == current.id }
                    h.sessions.removeAll { $0.id == current.id }
                    p.current = nil
                } else {
                    emit("SessionClosed", ["sessionId": session, "salesperson": sp])
                    p.current = nil
                }
            }
            people[name] = p
        }
        h.last = clock
        return h
    }
}

extension Timestamp {
    func advanced(minutes: Int) -> Timestamp { Timestamp(milliseconds: milliseconds + Int64(minutes) * 60_000) }
}

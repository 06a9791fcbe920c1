import CoachLogJSON

/// Whose record a projection covers.
public enum Scope: Sendable, Hashable {
    case everyone
    case salesperson(String)
    /// The salespeople whose latest session (as of the query) was with this coach.
    case coach(String)

    var json: JSONValue {
        switch self {
        case .everyone: return .object([:])
        case .salesperson(let s): return ["salesperson": .string(s)]
        case .coach(let c): return ["coach": .string(c)]
        }
    }
}

/// A projection was asked about someone the record does not know.
public struct NotFound: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The projections, as pure functions of the read model and the query.
///
/// Every time-dependent projection takes an `AsOf` and ignores everything
/// whose `at` is not before `asOf.end`, so results are reproducible.
public enum Projections {
    public static let maximumWeeks = 520

    // MARK: Scope

    /// The people in scope, each with their coach as of `asOf`.
    static func people(
        in scope: Scope, asOf: AsOf, model: some CoachingReadModel
    ) throws -> [(person: PersonRecord, coach: String)] {
        switch scope {
        case .salesperson(let name):
            guard let person = try model.person(name) else {
                throw NotFound("no salesperson named \"\(name)\" has a session on record")
            }
            guard let coach = try coachOf(person, asOf: asOf, model: model) else {
                throw NotFound("\(name) has no session opened before \(asOf.text)")
            }
            return [(person, coach)]
        case .coach, .everyone:
            var result: [(PersonRecord, String)] = []
            for person in try model.people() {
                guard let coach = try coachOf(person, asOf: asOf, model: model) else { continue }
                if case .coach(let wanted) = scope, !sameKey(coach, wanted) { continue }
                result.append((person, coach))
            }
            if case .coach(let wanted) = scope, result.isEmpty {
                throw NotFound("no salesperson is coached by \"\(wanted)\"")
            }
            return result
        }
    }

    /// The coach of the salesperson's latest session opened before `asOf.end`.
    static func coachOf(_ person: PersonRecord, asOf: AsOf, model: some CoachingReadModel) throws -> String? {
        if asOf.includes(person.latestSessionAt) { return person.coach }
        var best: SessionRecord?
        for s in try model.sessions(of: person.salesperson) where asOf.includes(s.openedAt) {
            if let b = best, (b.openedAt, b.position) > (s.openedAt, s.position) { continue }
            best = s
        }
        return best?.coach
    }

    // MARK: Follow-through

    /// Reviewed commitments counted by outcome.
    public struct Tally: Sendable, Equatable {
        public var kept = 0
        public var partial = 0
        public var missed = 0

        public init(kept: Int = 0, partial: Int = 0, missed: Int = 0) {
            self.kept = kept
            self.partial = partial
            self.missed = missed
        }

        public var reviewed: Int { kept + partial + missed }
        /// kept / reviewed: the say-do ratio, no partial credit.
        public var rate: Double? { reviewed == 0 ? nil : Double(kept) / Double(reviewed) }
        /// (kept + 0.5 × partial) / reviewed.
        public var weightedRate: Double? {
            reviewed == 0 ? nil : (Double(kept) + 0.5 * Double(partial)) / Double(reviewed)
        }

        mutating func add(_ outcome: Outcome) {
            switch outcome {
            case .kept: kept += 1
            case .partial: partial += 1
            case .missed: missed += 1
            }
        }

        var json: [String: JSONValue] {
            [
                "reviewed": .integer(Int64(reviewed)), "kept": .integer(Int64(kept)),
                "partial": .integer(Int64(partial)), "missed": .integer(Int64(missed)),
                "rate": rate.map(JSONValue.double) ?? .null,
                "weightedRate": weightedRate.map(JSONValue.double) ?? .null,
            ]
        }
    }

    /// A tally with its per-kind breakdown.
    public struct FollowThrough: Sendable, Equatable {
        public var total = Tally()
        public var byKind: [CommitmentKind: Tally] = [:]

        mutating func add(kind: CommitmentKind, outcome: Outcome) {
            total.add(outcome)
            byKind[kind, default: Tally()].add(outcome)
        }

        var json: [String: JSONValue] {
            var o = total.json
            var kinds: [String: JSONValue] = [:]
            for kind in CommitmentKind.allCases { kinds[kind.rawValue] = .object(byKind[kind, default: Tally()].json) }
            o["byKind"] = .object(kinds)
            return o
        }
    }

    /// Half-open window [from, to) of review times.
    struct Window {
        var from: Timestamp?
        var to: Timestamp

        func contains(_ t: Timestamp) -> Bool { t < to && (from.map { $0 <= t } ?? true) }

        var json: JSONValue {
            ["from": from.map { .string($0.iso8601) } ?? .null, "to": .string(to.iso8601)]
        }
    }

    public static func followThrough(
        scope: Scope, weeks: Int?, asOf: AsOf, model: some CoachingReadModel
    ) throws -> JSONValue {
        if let weeks, !(1...maximumWeeks).contains(weeks) {
            throw DomainError(rule: "query.weeks", "weeks must be between 1 and \(maximumWeeks)")
        }
        let people = try people(in: scope, asOf: asOf, model: model)
        let days = Int64(weeks ?? 0) * 7
        let current = Window(from: weeks.map { _ in asOf.end.adding(days: -days) }, to: asOf.end)
        let previous = Window(from: asOf.end.adding(days: -2 * days), to: asOf.end.adding(days: -days))
        let weekly = (0..<(weeks ?? 0)).reversed().map { k in
            Window(from: asOf.end.adding(days: -7 * Int64(k + 1)), to: asOf.end.adding(days: -7 * Int64(k)))
        }
        var now = FollowThrough()
        var before = FollowThrough()
        var perWeek = Array(repeating: Tally(), count: weekly.count)
        for (person, _) in people {
            for review in try model.reviews(of: person.salesperson) {
                if current.contains(review.at) {
                    now.add(kind: review.kind, outcome: review.outcome)
                    if let weeks {
                        // Whole weeks back from asOf; the newest week is the last bucket.
                        let back = (asOf.end.milliseconds - 1 - review.at.milliseconds) / (7 * Timestamp.millisecondsPerDay)
                        perWeek[weeks - 1 - Int(back)].add(review.outcome)
                    }
                } else if weeks != nil, previous.contains(review.at) {
                    before.add(kind: review.kind, outcome: review.outcome)
                }
            }
        }
        var result = now.json
        result["projection"] = "followThrough"
        result["scope"] = scope.json
        result["asOf"] = .string(asOf.text)
        result["salespeople"] = .integer(Int64(people.count))
        result["window"] = current.json
        if let weeks {
            result["weeks"] = .integer(Int64(weeks))
            var p = before.json
            p["window"] = previous.json
            result["previous"] = .object(p)
            result["weekly"] = .array(
                zip(weekly, perWeek).map { window, tally in
                    var o = tally.json
                    o["window"] = window.json
                    return .object(o)
                })
        }
        return .object(result)
    }

    // MARK: Open commitments

    public static func openCommitments(
        scope: Scope, overdueOnly: Bool, asOf: AsOf, model: some CoachingReadModel
    ) throws -> JSONValue {
        let today = asOf.day
        var rows: [(due: Day, salesperson: String, position: UInt64, json: JSONValue)] = []
        var overdueCount = 0
        var openCount = 0
        for (person, coach) in try people(in: scope, asOf: asOf, model: model) {
            for c in try model.commitments(of: person.salesperson) where asOf.includes(c.madeAt) {
                if let review = c.review, asOf.includes(review.at) { continue }
                let overdue = c.due < today
                openCount += 1
                if overdue { overdueCount += 1 }
                if overdueOnly && !overdue { continue }
                let text = try model.eventData(at: c.position)?["text"] ?? .null
                let row: JSONValue = [
                    "commitmentId": .string(c.commitmentId), "salesperson": .string(c.salesperson),
                    "coach": .string(coach), "sessionId": .string(c.sessionId), "kind": .string(c.kind.rawValue),
                    "text": text, "due": .string(c.due.iso8601), "goalId": c.goalId.map(JSONValue.string) ?? .null,
                    "madeAt": .string(c.madeAt.iso8601), "overdue": .bool(overdue),
                    "daysOverdue": .integer(overdue ? Int64(today.number - c.due.number) : 0),
                ]
                rows.append((c.due, c.salesperson, c.position, row))
            }
        }
        rows.sort { ($0.due, $0.salesperson, $0.position) < ($1.due, $1.salesperson, $1.position) }
        return [
            "projection": "openCommitments", "scope": scope.json, "asOf": .string(asOf.text),
            "count": .integer(Int64(rows.count)), "open": .integer(Int64(openCount)),
            "overdue": .integer(Int64(overdueCount)),
            "commitments": .array(rows.map(\.json)),
        ]
    }

    // MARK: Cadence

    public static func cadence(scope: Scope, asOf: AsOf, model: some CoachingReadModel) throws -> JSONValue {
        let today = asOf.day
        var rows: [JSONValue] = []
        for (person, coach) in try people(in: scope, asOf: asOf, model: model) {
            let days = try model.sessions(of: person.salesperson).filter { asOf.includes($0.openedAt) }
                .map(\.openedAt.day).sorted()
            guard let first = days.first, let last = days.last else { continue }
            let meanGap: JSONValue =
                days.count < 2 ? .null : .double(Double(last.number - first.number) / Double(days.count - 1))
            rows.append([
                "salesperson": .string(person.salesperson), "coach": .string(coach),
                "sessions": .integer(Int64(days.count)), "lastSession": .string(last.iso8601),
                "daysSince": .integer(Int64(today.number - last.number)), "meanGapDays": meanGap,
            ])
        }
        return [
            "projection": "cadence", "scope": scope.json, "asOf": .string(asOf.text), "salespeople": .array(rows),
        ]
    }

    // MARK: Per-salesperson views

    static func requirePerson(_ salesperson: String, model: some CoachingReadModel) throws -> PersonRecord {
        guard let person = try model.person(salesperson) else {
            throw NotFound("no salesperson named \"\(salesperson)\" has a session on record")
        }
        return person
    }

    public static func goals(salesperson: String, model: some CoachingReadModel) throws -> JSONValue {
        _ = try requirePerson(salesperson, model: model)
        let commitments = try model.commitments(of: salesperson)
        var rows: [JSONValue] = []
        for goal in try model.goals(of: salesperson) {
            var linked = FollowThrough()
            var count = 0
            for c in commitments where c.goalId == goal.goalId {
                count += 1
                if let review = c.review { linked.add(kind: c.kind, outcome: review.outcome) }
            }
            var row = linked.total.json
            row["goalId"] = .string(goal.goalId)
            row["text"] = try model.eventData(at: goal.position)?["text"] ?? .null
            row["area"] = goal.area.map(JSONValue.string) ?? .null
            row["sessionId"] = .string(goal.sessionId)
            row["statedAt"] = .string(goal.at.iso8601)
            row["commitments"] = .integer(Int64(count))
            rows.append(.object(row))
        }
        return ["projection": "goals", "salesperson": .string(salesperson), "goals": .array(rows)]
    }

    public static func topics(salesperson: String, asOf: AsOf, model: some CoachingReadModel) throws -> JSONValue {
        _ = try requirePerson(salesperson, model: model)
        var last: [Topic: Day] = [:]
        func cover(_ topic: Topic, _ at: Timestamp) {
            guard asOf.includes(at) else { return }
            if last[topic].map({ $0 < at.day }) ?? true { last[topic] = at.day }
        }
        for s in try model.sessions(of: salesperson) { for t in s.topics { cover(t, s.openedAt) } }
        for i in try model.insights(of: salesperson) { cover(i.topic, i.at) }
        var lastCovered: [String: JSONValue] = [:]
        var daysSince: [String: JSONValue] = [:]
        for topic in Topic.allCases {
            lastCovered[topic.rawValue] = last[topic].map { .string($0.iso8601) } ?? .null
            daysSince[topic.rawValue] = last[topic].map { .integer(Int64(asOf.day.number - $0.number)) } ?? .null
        }
        return [
            "projection": "topics", "salesperson": .string(salesperson), "asOf": .string(asOf.text),
            "lastCovered": .object(lastCovered), "daysSince": .object(daysSince),
        ]
    }

    public static func sessions(salesperson: String, model: some CoachingReadModel) throws -> JSONValue {
        let person = try requirePerson(salesperson, model: model)
        let sessions = try model.sessions(of: salesperson)
        let openSession = sessions.last(where: { $0.closedAt == nil })
        let rows: [JSONValue] = sessions.map { s in
            [
                "sessionId": .string(s.sessionId), "coach": .string(s.coach), "openedAt": .string(s.openedAt.iso8601),
                "closedAt": s.closedAt.map { .string($0.iso8601) } ?? .null,
                "topics": .array(s.topics.map { .string($0.rawValue) }), "open": .bool(s.closedAt == nil),
            ]
        }
        return [
            "projection": "sessions", "salesperson": .string(salesperson), "coach": .string(person.coach),
            "openSession": openSession.map { .string($0.sessionId) } ?? .null, "sessions": .array(rows),
        ]
    }
}

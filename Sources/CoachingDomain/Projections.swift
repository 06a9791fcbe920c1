import CoachLogProtocol
import CoachLogJSON

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
    public static let maximumWeeks = ProjectionQuery.maximumWeeks

    // MARK: Scope

    /// The people in scope, each with their coach as of `asOf`. Names merged
    /// into another and people whose every session was voided are nobody's.
    static func people(
        in scope: Scope, asOf: AsOf, model: some CoachingReadModel
    ) throws -> [(person: PersonRecord, coach: String)] {
        switch scope {
        case .salesperson(let name):
            let person = try requirePerson(name, model: model)
            guard let coach = try coachOf(person, asOf: asOf, model: model) else {
                throw NotFound("\(name) has no session opened before \(asOf.text)")
            }
            return [(person, coach)]
        case .coach(let wanted):
            if let coached = try model.people(coachedBy: wanted, asOf: asOf) {
                guard !coached.isEmpty else { throw NotFound("no salesperson is coached by \"\(wanted)\"") }
                return coached.map { ($0, wanted) }
            }
            fallthrough
        case .everyone:
            var result: [(PersonRecord, String)] = []
            for person in try model.people() where person.hasSessions && person.mergedInto == nil {
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
        if person.aliases.isEmpty, asOf.includes(person.latestSessionAt) { return person.coach }
        var best: SessionRecord?
        for s in try model.liveSessions(of: person) where asOf.includes(s.openedAt) {
            if let b = best, (b.openedAt, b.position) > (s.openedAt, s.position) { continue }
            best = s
        }
        return best?.coach
    }

    // MARK: Follow-through

    /// Follow-through of the people in scope. Reviews count by their `at`;
    /// with `weeks`, the current window is the `weeks`×7 days ending at
    /// `asOf`, `previous` the same length before it, and `weekly` one tally
    /// per week, oldest first, each with its tally by kind.
    public static func followThrough(
        scope: Scope, weeks: Int?, asOf: AsOf, model: some CoachingReadModel
    ) throws -> FollowThroughReport {
        if let weeks, !(1...maximumWeeks).contains(weeks) {
            throw DomainError(rule: "query.weeks", "weeks must be between 1 and \(maximumWeeks)")
        }
        let days = Int64(weeks ?? 0) * 7
        let current = Window(from: weeks.map { _ in asOf.end.adding(days: -days) }, to: asOf.end)
        let previous = Window(from: asOf.end.adding(days: -2 * days), to: asOf.end.adding(days: -days))
        let weekly = (0..<(weeks ?? 0)).reversed().map { k in
            Window(from: asOf.end.adding(days: -7 * Int64(k + 1)), to: asOf.end.adding(days: -7 * Int64(k)))
        }
        var total = Tally()
        var byKind = ByKind()
        var before = Tally()
        var beforeByKind = ByKind()
        var perWeek = Array(repeating: Tally(), count: weekly.count)
        var perWeekByKind = Array(repeating: ByKind(), count: weekly.count)
        if scope == .everyone, let report = try organisationFollowThrough(
            weeks: weeks, asOf: asOf, current: current, previous: previous, weekly: weekly, model: model)
        {
            return report
        }
        let people = try people(in: scope, asOf: asOf, model: model)
        for (person, _) in people {
            for review in try model.liveReviews(of: person) {
                if current.contains(review.at) {
                    total.add(review.outcome)
                    byKind[review.kind].add(review.outcome)
                    if let weeks {
                        // Whole weeks back from asOf; the newest week is the last bucket.
                        let back = (asOf.end.milliseconds - 1 - review.at.milliseconds) / (7 * Timestamp.millisecondsPerDay)
                        let week = weeks - 1 - Int(back)
                        perWeek[week].add(review.outcome)
                        perWeekByKind[week][review.kind].add(review.outcome)
                    }
                } else if weeks != nil, previous.contains(review.at) {
                    before.add(review.outcome)
                    beforeByKind[review.kind].add(review.outcome)
                }
            }
        }
        return FollowThroughReport(
            scope: scope, asOf: asOf.text, salespeople: people.count, window: current, total: total, byKind: byKind,
            weeks: weeks, previous: weeks.map { _ in WindowTally(tally: before, byKind: beforeByKind, window: previous) },
            weekly: weeks.map { _ in
                weekly.indices.map { WindowTally(tally: perWeek[$0], byKind: perWeekByKind[$0], window: weekly[$0]) }
            })
    }

    // MARK: Open commitments

    /// Commitments made before `asOf` and not reviewed before it.
    public static func openCommitments(
        scope: Scope, overdueOnly: Bool, asOf: AsOf, model: some CoachingReadModel
    ) throws -> OpenCommitmentsReport {
        let today = asOf.day
        var rows: [(position: UInt64, row: OpenCommitment)] = []
        var overdueCount = 0
        var openCount = 0
        for (person, coach) in try people(in: scope, asOf: asOf, model: model) {
            for c in try model.liveCommitments(of: person) where asOf.includes(c.madeAt) {
                if let review = c.review, asOf.includes(review.at) { continue }
                let overdue = c.due < today
                openCount += 1
                if overdue { overdueCount += 1 }
                if overdueOnly && !overdue { continue }
                let row = try openRow(c, of: person, coach: coach, today: today, model: model)
                rows.append((c.position, row))
            }
        }
        rows.sort {
            ($0.row.due, ExactName($0.row.salesperson), $0.position) < ($1.row.due, ExactName($1.row.salesperson), $1.position)
        }
        return OpenCommitmentsReport(
            scope: scope, asOf: asOf.text, open: openCount, overdue: overdueCount, commitments: rows.map(\.row))
    }

    // MARK: Cadence

    /// Sessions opened before `asOf`, per salesperson in scope.
    public static func cadence(scope: Scope, asOf: AsOf, model: some CoachingReadModel) throws -> CadenceReport {
        let today = asOf.day
        var rows: [CadenceRow] = []
        for (person, coach) in try people(in: scope, asOf: asOf, model: model) {
            let days = try model.liveSessions(of: person).filter { asOf.includes($0.openedAt) }
                .map(\.openedAt.day).sorted()
            guard let first = days.first, let last = days.last else { continue }
            let meanGap = days.count < 2 ? nil : Double(last.number - first.number) / Double(days.count - 1)
            rows.append(
                CadenceRow(
                    salesperson: person.salesperson, coach: coach, sessions: days.count, lastSession: last,
                    daysSince: Int(today.number - last.number), meanGapDays: meanGap))
        }
        return CadenceReport(scope: scope, asOf: asOf.text, salespeople: rows)
    }

    // MARK: Per-salesperson views

    /// The person named, resolved: a merged name points at the one it was merged into.
    static func requirePerson(_ salesperson: String, model: some CoachingReadModel) throws -> PersonRecord {
        guard let person = try model.person(salesperson), person.hasSessions else {
            throw NotFound("no salesperson named \"\(salesperson)\" has a session on record")
        }
        if person.mergedInto != nil {
            let target = try CoachingRules.finalName(of: salesperson, in: model)
            throw NotFound("\(salesperson) was merged into \(target); ask about \(target)")
        }
        return person
    }

    /// A salesperson's goals, each with the follow-through of its commitments (all time).
    public static func goals(salesperson: String, model: some CoachingReadModel) throws -> GoalsReport {
        try goals(salesperson: salesperson, weeks: nil, asOf: nil, model: model)
    }

    /// A salesperson's goals as of `asOf` (see `GoalsReport`): stated before
    /// it, with their status then; the tally counts reviews in the `weeks`
    /// before `asOf`, or all before it. `weeks` needs `asOf`, where its window ends.
    public static func goals(
        salesperson: String, weeks: Int?, asOf: AsOf?, model: some CoachingReadModel
    ) throws -> GoalsReport {
        if let weeks, !(1...maximumWeeks).contains(weeks) {
            throw DomainError(rule: "query.weeks", "weeks must be between 1 and \(maximumWeeks)")
        }
        let person = try requirePerson(salesperson, model: model)
        let window = asOf.map { end in Window(from: weeks.map { end.end.adding(days: -7 * Int64($0)) }, to: end.end) }
        if weeks != nil, window == nil {
            throw DomainError(rule: "query.weeks", "weeks counts back from asOf; give asOf too")
        }
        let rows = try goalRows(
            of: person, commitments: try model.liveCommitments(of: person), asOf: asOf, window: window, model: model)
        return GoalsReport(salesperson: salesperson, asOf: asOf?.text, weeks: weeks, window: window, goals: rows)
    }

    /// When each topic was last covered before `asOf`.
    public static func topics(salesperson: String, asOf: AsOf, model: some CoachingReadModel) throws -> TopicsReport {
        let person = try requirePerson(salesperson, model: model)
        var last: [Topic: Day] = [:]
        func cover(_ topic: Topic, _ at: Timestamp) {
            guard asOf.includes(at) else { return }
            if last[topic].map({ $0 < at.day }) ?? true { last[topic] = at.day }
        }
        for s in try model.liveSessions(of: person) { for t in s.topics { cover(t, s.openedAt) } }
        for i in try model.liveInsights(of: person) { cover(i.topic, i.at) }
        return TopicsReport(
            salesperson: salesperson, asOf: asOf.text, lastCovered: PerTopic { last[$0] },
            daysSince: PerTopic { topic in last[topic].map { Int(asOf.day.number - $0.number) } })
    }

    /// A salesperson's sessions in the order opened; the latest open one named.
    public static func sessions(salesperson: String, model: some CoachingReadModel) throws -> SessionsReport {
        let person = try requirePerson(salesperson, model: model)
        let sessions = try model.liveSessions(of: person)
        return SessionsReport(
            // The coach of the latest session, whichever name (merged into this one) it was opened under.
            salesperson: salesperson,
            coach: sessions.max(by: { ($0.openedAt, $0.position) < ($1.openedAt, $1.position) })?.coach ?? person.coach,
            openSession: sessions.last(where: { $0.closedAt == nil })?.sessionId,
            sessions: sessions.map {
                SessionRow(sessionId: $0.sessionId, coach: $0.coach, openedAt: $0.openedAt, closedAt: $0.closedAt, topics: $0.topics)
            })
    }
}

import CoachLogProtocol

/// One salesperson's record as an analytics store keeps it: the latest word
/// on every record that counts, with no `asOf` (a BI tool picks its own
/// window in SQL). Built by `Projections.analytics(of:model:)` from the same
/// records and rules as every query, so its rows agree with the daemon's
/// answers: sessions as `sessions` lists them, reviews as `followThrough`
/// counts them, open commitments as `openCommitments` shows them at the end
/// of time, and coverage as `topics` dates it.
public struct PersonAnalytics: Sendable, Equatable {
    /// The name the person's records are kept under (names merged into it included).
    public var salesperson: String
    /// The coach of their latest session (by time; ties: the later event).
    public var coach: String
    public var sessions: [SessionRecord]
    /// Commitments that count and were reviewed, with their latest kind, goal and outcome.
    public var reviewed: [CommitmentRecord]
    /// Commitments that count and were never reviewed (or whose review was voided).
    public var open: [CommitmentRecord]
    /// The latest UTC day each topic was covered by a session's topics or an insight.
    public var lastCovered: [Topic: Day]
    /// The first and latest UTC day a session opened, and the mean gap between sessions in days
    /// (`(last − first) / (sessions − 1)`, nil with fewer than two), as `cadence` computes them.
    public var firstSession: Day
    public var lastSession: Day
    public var meanGapDays: Double?
}

extension Projections {
    /// The names an analytics store keeps rows for: people with a session that
    /// counts, not merged into another name, in byte order of their names.
    public static func analyticsPeople(model: some CoachingReadModel) throws -> [String] {
        try model.people().filter { $0.hasSessions && $0.mergedInto == nil }.map(\.salesperson)
    }

    /// The name whose rows hold `salesperson`'s records: their own, or the one they were merged into.
    public static func analyticsOwner(of salesperson: String, model: some CoachingReadModel) throws -> String {
        try CoachingRules.finalName(of: salesperson, in: model)
    }

    /// `salesperson`'s analytics rows, or nil when they have none of their own
    /// (no session that counts, or merged into another name).
    public static func analytics(of salesperson: String, model: some CoachingReadModel) throws -> PersonAnalytics? {
        guard let person = try model.person(salesperson), person.hasSessions, person.mergedInto == nil else { return nil }
        let sessions = try model.liveSessions(of: person)
        let days = sessions.map(\.openedAt.day).sorted()
        guard let first = days.first, let last = days.last else { return nil }
        let commitments = try model.liveCommitments(of: person)
        var lastCovered: [Topic: Day] = [:]
        func cover(_ topic: Topic, _ day: Day) {
            if lastCovered[topic].map({ $0 < day }) ?? true { lastCovered[topic] = day }
        }
        for s in sessions { for t in s.topics { cover(t, s.openedAt.day) } }
        for i in try model.liveInsights(of: person) { cover(i.topic, i.at.day) }
        let endOfTime = AsOf(end: Timestamp(milliseconds: .max), text: "")
        return PersonAnalytics(
            salesperson: person.salesperson,
            coach: try coachOf(person, asOf: endOfTime, model: model) ?? person.coach,
            sessions: sessions,
            reviewed: commitments.filter { $0.review != nil },
            open: commitments.filter { $0.review == nil },
            lastCovered: lastCovered, firstSession: first, lastSession: last,
            meanGapDays: days.count < 2 ? nil : Double(last.number - first.number) / Double(days.count - 1))
    }
}

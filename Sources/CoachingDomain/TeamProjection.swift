import CoachLogProtocol

extension Projections {
    /// The team view: one row per salesperson in scope (a coach's, or
    /// everyone's), who needs attention first (`TeamRow.attentionFirst`).
    ///
    /// Each person's live records are read once each: commitments for
    /// follow-through (their reviews, in `followThrough`'s windows, and in
    /// the `trendWeeks` weeks of the trend) and for open and overdue
    /// (`openCommitments`' rule), sessions and insights for cadence, the open
    /// session and topic coverage (`cadence`'s and `topics`' rules).
    ///
    /// `trendWeeks` (1…52; nil: as many as `weeks`) sets only the length of
    /// the trends, never the windows of `current` and `previous`.
    public static func team(
        scope: Scope, weeks: Int?, trendWeeks: Int? = nil, asOf: AsOf, model: some CoachingReadModel
    ) throws -> TeamReport {
        let weeks = weeks ?? TeamReport.defaultWeeks
        guard (1...maximumWeeks).contains(weeks) else {
            throw DomainError(rule: "query.weeks", "weeks must be between 1 and \(maximumWeeks)")
        }
        // Only a trendWeeks given is bounded: without it a trend is as long as the windows (up to 520 weeks),
        // as before trendWeeks existed.
        if let trendWeeks, !(1...TeamReport.maximumTrendWeeks).contains(trendWeeks) {
            throw DomainError(rule: "query.weeks", "trendWeeks must be between 1 and \(TeamReport.maximumTrendWeeks)")
        }
        let trendWeeks = trendWeeks ?? weeks
        let windows = Windows(weeks: weeks, asOf: asOf)
        let trend = Windows(weeks: trendWeeks, asOf: asOf)
        var rows: [TeamRow] = []
        var teamCurrent = Tally()
        var teamPrevious = Tally()
        var teamWeekly = Array(repeating: Tally(), count: trendWeeks)
        for (person, coach) in try people(in: scope, asOf: asOf, model: model) {
            // One pass over the commitments that count: their reviews are follow-through (and the
            // weekly tallies of the trend, each review into its week by arithmetic), the rest open.
            var current = Tally()
            var previous = Tally()
            var weekly = Array(repeating: Tally(), count: trendWeeks)
            var open = 0
            var overdue = 0
            // By index throughout: the subscript lends each record, where `for x in` would copy it.
            let commitments = try model.liveCommitments(of: person)
            for index in commitments.indices {
                if isOpen(commitments[index], asOf: asOf) {
                    open += 1
                    if commitments[index].due < asOf.day { overdue += 1 }
                } else if let review = commitments[index].review {
                    if trend.current.contains(review.at) { weekly[trend.week(of: review.at)].add(review.outcome) }
                    if windows.current.contains(review.at) {
                        current.add(review.outcome)
                    } else if windows.previous.contains(review.at) {
                        previous.add(review.outcome)
                    }
                }
            }
            var sessions = SessionSummary(asOf: asOf)
            var coverage = TopicCoverage(asOf: asOf)
            let sessionList = try model.liveSessions(of: person)
            for index in sessionList.indices {
                sessions.add(sessionList[index])
                coverage.cover(sessionList[index])
            }
            let insights = try model.liveInsights(of: person)
            for index in insights.indices { coverage.cover(insights[index]) }
            // people(in:) keeps only those with a session before asOf.
            guard let lastDay = sessions.lastDay else { continue }
            rows.append(
                TeamRow(
                    salesperson: person.salesperson, coach: coach, current: current, previous: previous,
                    weekly: weekly, open: open, overdue: overdue, sessions: sessions.count,
                    lastSession: lastDay, daysSince: Int(asOf.day.number - lastDay.number),
                    meanGapDays: sessions.meanGapDays,
                    openSession: sessions.latestOpen.map {
                        OpenSessionNote(sessionId: $0.sessionId, openedAt: $0.openedAt, daysOpen: sessions.days(since: $0.openedAt))
                    },
                    neglectedTopics: coverage.neglected))
            teamCurrent = teamCurrent + current
            teamPrevious = teamPrevious + previous
            for k in 0..<trendWeeks { teamWeekly[k] = teamWeekly[k] + weekly[k] }
        }
        rows.sort(by: TeamRow.attentionFirst)
        return TeamReport(
            scope: scope, asOf: asOf.text, weeks: weeks, trendWeeks: trendWeeks, window: windows.current,
            previousWindow: windows.previous,
            totals: TeamTotals(rows: rows, current: teamCurrent, previous: teamPrevious, weekly: teamWeekly),
            salespeople: rows)
    }
}

extension Tally {
    static func + (a: Tally, b: Tally) -> Tally {
        Tally(kept: a.kept + b.kept, partial: a.partial + b.partial, missed: a.missed + b.missed)
    }
}

import CoachLogProtocol

extension Projections {
    /// What to bring to a salesperson's next one-on-one, as of `asOf`
    /// (`PrepReport` says what each part holds and in which order). Reads the
    /// person's live records once each, by the rules of `sessions`,
    /// `openCommitments`, `goals` and `topics`.
    public static func prep(salesperson: String, asOf: AsOf, model: some CoachingReadModel) throws -> PrepReport {
        guard let (person, coach) = try people(in: .salesperson(salesperson), asOf: asOf, model: model).first else {
            throw NotFound("\(salesperson) has no session opened before \(asOf.text)")
        }
        var sessions = SessionSummary(asOf: asOf)
        var coverage = TopicCoverage(asOf: asOf)
        for s in try model.liveSessions(of: person) {
            sessions.add(s)
            coverage.cover(s)
        }
        for i in try model.liveInsights(of: person) { coverage.cover(i) }
        guard let last = sessions.latest else { throw NotFound("\(salesperson) has no session opened before \(asOf.text)") }

        let reviewWindow = Window(from: asOf.end.adding(days: -Int64(PrepReport.reviewDays)), to: asOf.end)
        var due: [(position: UInt64, row: OpenCommitment)] = []
        var reviews: [(position: UInt64, row: PrepReview)] = []
        let commitments = try model.liveCommitments(of: person)
        for c in commitments {
            if isOpen(c, asOf: asOf) {
                due.append((c.position, try openRow(c, of: person, coach: coach, today: asOf.day, model: model)))
            } else if let review = c.review, reviewWindow.contains(review.at) {
                let row = PrepReview(
                    commitmentId: c.commitmentId, kind: c.kind, text: try model.text(at: c.textPosition), goalId: c.goalId,
                    outcome: review.outcome, note: try model.text(at: review.notePosition, "note"),
                    sessionId: review.sessionId, reviewedAt: review.at)
                reviews.append((review.position, row))
            }
        }
        due.sort { ($0.row.due, $0.position) < ($1.row.due, $1.position) }
        reviews.sort { ($0.row.reviewedAt, $0.position) > ($1.row.reviewedAt, $1.position) }

        let goals = try goalRows(
            of: person, commitments: commitments, asOf: asOf, window: Window(from: nil, to: asOf.end), model: model
        ).filter { $0.status == .active }

        let topics = try Topic.allCases.map { topic in
            PrepTopic(
                topic: topic, lastCovered: coverage.last(topic), daysSince: coverage.daysSince(topic),
                insight: try coverage.latestInsight(topic).map { i in
                    PrepInsight(text: try model.text(at: i.position), at: i.at, sessionId: i.sessionId)
                })
        }.sorted(by: mostNeglectedFirst)

        return PrepReport(
            salesperson: salesperson, coach: coach, asOf: asOf.text,
            lastSession: PrepSession(
                sessionId: last.sessionId, coach: last.coach, openedAt: last.openedAt,
                closedAt: sessions.isOpen(last) ? nil : last.closedAt, topics: last.topics,
                daysSince: sessions.days(since: last.openedAt)),
            dueForReview: due.map(\.row), reviewWindow: reviewWindow, reviews: reviews.map(\.row), goals: goals,
            topics: topics,
            questions: CoachingQuestions.pick(for: topics.filter { $0.status != .current }.map(\.topic), on: asOf.day))
    }

    /// Never covered first (in topic order), then the longest since covered; ties in topic order.
    static func mostNeglectedFirst(_ a: PrepTopic, _ b: PrepTopic) -> Bool {
        switch (a.daysSince, b.daysSince) {
        case (nil, nil): return a.topic < b.topic
        case (nil, _): return true
        case (_, nil): return false
        case (let x?, let y?): return x != y ? x > y : a.topic < b.topic
        }
    }
}

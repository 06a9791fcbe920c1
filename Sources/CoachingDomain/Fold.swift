import CoachLogProtocol

extension CoachingRules {
    /// Folds an accepted event into the model. `recordedAt` stands in for a
    /// missing client `at` (see `effectiveTime`). Corrections change the
    /// records they correct: projections follow the latest word, while the
    /// log keeps every word.
    public static func apply(
        _ event: CoachingEvent, position: UInt64, recordedAt: Timestamp, to model: inout some CoachingWriteModel
    ) throws {
        switch event {
        case .sessionOpened(let e):
            let at = e.at ?? recordedAt
            try model.put(
                SessionRecord(
                    sessionId: e.sessionId, salesperson: e.salesperson, coach: e.coach, openedAt: at, closedAt: nil,
                    topics: e.topics, position: position))
            let previous = try model.person(e.salesperson)
            // The coach is the coach of the latest session, by its time; ties go to the later event.
            if let previous, previous.hasSessions, previous.latestSessionAt > at { return }
            var person =
                previous
                ?? PersonRecord(
                    salesperson: e.salesperson, coach: e.coach, latestSessionId: e.sessionId, latestSessionAt: at,
                    latestSessionPosition: position)
            person.coach = e.coach
            person.latestSessionId = e.sessionId
            person.latestSessionAt = at
            person.latestSessionPosition = position
            person.hasSessions = true
            try model.put(person)
        case .goalStated(let e):
            let at = effectiveTime(e.at, session: try model.session(e.sessionId), recordedAt: recordedAt)
            try model.put(
                GoalRecord(
                    goalId: e.goalId, salesperson: e.salesperson, sessionId: e.sessionId, area: e.area, at: at,
                    position: position))
        case .commitmentMade(let e):
            let session = try model.session(e.sessionId)
            let at = effectiveTime(e.at, session: session, recordedAt: recordedAt)
            // Without a due date: the week after the session it was made in (the next one-on-one).
            let due = e.due ?? (session?.openedAt ?? at).day.adding(days: defaultDueDays)
            try model.put(
                CommitmentRecord(
                    commitmentId: e.commitmentId, salesperson: e.salesperson, sessionId: e.sessionId, kind: e.kind,
                    due: due, goalId: e.goalId, madeAt: at, position: position, review: nil))
        case .commitmentReviewed(let e):
            guard var commitment = try model.commitment(e.commitmentId) else { return }
            let at = effectiveTime(e.at, session: try model.session(e.sessionId), recordedAt: recordedAt)
            commitment.review = ReviewRecord(sessionId: e.sessionId, outcome: e.outcome, at: at, position: position)
            try model.put(commitment)
        case .insightNoted(let e):
            let at = effectiveTime(e.at, session: try model.session(e.sessionId), recordedAt: recordedAt)
            try model.put(
                InsightRecord(salesperson: e.salesperson, sessionId: e.sessionId, topic: e.topic, at: at, position: position))
        case .sessionClosed(let e):
            guard var session = try model.session(e.sessionId) else { return }
            session.closedAt = effectiveTime(e.at, session: session, recordedAt: recordedAt)
            try model.put(session)
        default:
            try applyCorrection(event, position: position, recordedAt: recordedAt, to: &model)
        }
    }

    static func applyCorrection(
        _ event: CoachingEvent, position: UInt64, recordedAt: Timestamp, to model: inout some CoachingWriteModel
    ) throws {
        let at = event.at ?? recordedAt
        switch event {
        case .reviewCorrected(let e):
            guard var commitment = try model.commitment(e.commitmentId), var review = commitment.review else { return }
            if let outcome = e.outcome { review.outcome = outcome }
            if e.note != nil { review.notePosition = position }
            commitment.review = review
            try model.put(commitment)
        case .commitmentAmended(let e):
            guard var commitment = try model.commitment(e.commitmentId) else { return }
            if e.text != nil { commitment.textPosition = position }
            if let kind = e.kind { commitment.kind = kind }
            if let due = e.due { commitment.due = due }
            if let goalId = e.goalId { commitment.goalId = goalId }
            try model.put(commitment)
        case .commitmentWithdrawn(let e):
            guard var commitment = try model.commitment(e.commitmentId) else { return }
            commitment.withdrawnAt = at
            try model.put(commitment)
        case .sessionVoided(let e):
            try void(session: e.sessionId, in: &model)
        case .salespersonMerged(let e):
            guard var from = try model.person(e.salesperson), var target = try model.person(e.into) else { return }
            target.aliases += [from.salesperson] + from.aliases
            from.mergedInto = target.salesperson
            // Names merged into `from` earlier now live under the target too: one hop, always.
            for alias in from.aliases {
                guard var person = try model.person(alias) else { continue }
                person.mergedInto = target.salesperson
                try model.put(person)
            }
            from.aliases = []
            try model.put(from)
            try model.put(target)
        case .goalAmended(let e):
            guard var goal = try model.goal(e.goalId) else { return }
            goal.textPosition = position
            try model.put(goal)
        case .goalAchieved(let e), .goalDropped(let e):
            guard var goal = try model.goal(e.goalId) else { return }
            goal.status = event.type == .goalAchieved ? .achieved : .dropped
            goal.statusAt = at
            try model.put(goal)
        case .sessionOpened, .goalStated, .commitmentMade, .commitmentReviewed, .insightNoted, .sessionClosed,
            .salespersonForgotten:
            break
        }
    }

    /// A voided session leaves every projection, with everything recorded in
    /// it: its goals, commitments and insights, and the reviews held in it
    /// (whose commitments are open again). Its records live under the name it
    /// was opened for, whoever voids it (a name it was merged into may).
    static func void(session sessionId: String, in model: inout some CoachingWriteModel) throws {
        guard var session = try model.session(sessionId), let owner = try model.person(session.salesperson) else { return }
        session.voided = true
        try model.put(session)
        // Reviews held in it may be of any commitment of the person it belongs to now: the
        // last name of its merges, with every name merged into that one.
        let group = try model.person(try finalName(of: owner.salesperson, in: model)) ?? owner
        for name in [group.salesperson] + group.aliases {
            for var c in try model.commitments(of: name) {
                if sameKey(c.sessionId, sessionId) {
                    c.voided = true
                    try model.put(c)
                } else if let review = c.review, sameKey(review.sessionId, sessionId) {
                    c.review = nil
                    try model.put(c)
                }
            }
        }
        for var g in try model.goals(of: owner.salesperson) where sameKey(g.sessionId, sessionId) {
            g.voided = true
            try model.put(g)
        }
        for var i in try model.insights(of: owner.salesperson) where sameKey(i.sessionId, sessionId) {
            i.voided = true
            try model.put(i)
        }
        try model.put(try recomputedLatest(try model.person(owner.salesperson) ?? owner, in: model))
    }

    /// The person's latest session that counts, after one of theirs was voided.
    /// They still count while a name merged into them has a session that counts.
    static func recomputedLatest(_ person: PersonRecord, in model: some CoachingReadModel) throws -> PersonRecord {
        var person = person
        let live = try model.sessions(of: person.salesperson).filter { !$0.voided }
        if let latest = live.max(by: { ($0.openedAt, $0.position) < ($1.openedAt, $1.position) }) {
            person.coach = latest.coach
            person.latestSessionId = latest.sessionId
            person.latestSessionAt = latest.openedAt
            person.latestSessionPosition = latest.position
        } else {
            person.hasSessions = try !model.liveSessions(of: person).isEmpty
        }
        return person
    }
}

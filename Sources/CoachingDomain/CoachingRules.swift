import CoachLogProtocol
/// The rules of the coaching record and the fold that keeps the read model.
///
/// `validate` decides whether an event may be recorded given everything
/// recorded so far; `apply` folds an accepted event into the read model. The
/// two are separate so that a rebuild replays history with `apply` alone:
/// what was accepted once stays accepted.
public enum CoachingRules {
    /// A commitment made without a `due` date is due this many days after the day its session
    /// opened: the next weekly one-on-one, where it will be reviewed.
    public static let defaultDueDays = 7

    /// Throws `DomainError` naming the broken rule; never changes anything.
    public static func validate(_ event: CoachingEvent, in model: some CoachingReadModel) throws {
        switch event {
        case .sessionOpened(let e):
            if try model.session(e.sessionId) != nil {
                throw DomainError(rule: "id.unique", "session \"\(e.sessionId)\" already exists; choose another sessionId")
            }
        case .goalStated(let e):
            if try model.goal(e.goalId) != nil {
                throw DomainError(rule: "id.unique", "goal \"\(e.goalId)\" already exists; choose another goalId")
            }
            try requireOpenSession(e.sessionId, of: e.salesperson, in: model)
        case .commitmentMade(let e):
            if try model.commitment(e.commitmentId) != nil {
                throw DomainError(
                    rule: "id.unique", "commitment \"\(e.commitmentId)\" already exists; choose another commitmentId")
            }
            try requireOpenSession(e.sessionId, of: e.salesperson, in: model)
            if let goalId = e.goalId {
                guard let goal = try model.goal(goalId) else {
                    throw DomainError(rule: "goal.exists", "goal \"\(goalId)\" does not exist; state the goal first")
                }
                guard sameKey(goal.salesperson, e.salesperson) else {
                    throw DomainError(
                        rule: "goal.salesperson",
                        "goal \"\(goalId)\" belongs to another salesperson, not \(e.salesperson)")
                }
            }
        case .commitmentReviewed(let e):
            guard let commitment = try model.commitment(e.commitmentId) else {
                throw DomainError(rule: "commitment.exists", "commitment \"\(e.commitmentId)\" does not exist")
            }
            guard sameKey(commitment.salesperson, e.salesperson) else {
                throw DomainError(
                    rule: "commitment.salesperson",
                    "commitment \"\(e.commitmentId)\" belongs to another salesperson, not \(e.salesperson)")
            }
            if commitment.review != nil {
                throw DomainError(
                    rule: "commitment.reviewedOnce", "commitment \"\(e.commitmentId)\" has already been reviewed")
            }
            let session = try requireOpenSession(e.sessionId, of: e.salesperson, in: model)
            let madeIn = try model.session(commitment.sessionId)
            if sameKey(session.sessionId, commitment.sessionId) || session.position < (madeIn?.position ?? 0) {
                throw DomainError(
                    rule: "review.laterSession",
                    "commitment \"\(e.commitmentId)\" was made in session \"\(commitment.sessionId)\"; review it in a later session"
                )
            }
        case .insightNoted(let e):
            try requireOpenSession(e.sessionId, of: e.salesperson, in: model)
        case .sessionClosed(let e):
            try requireOpenSession(e.sessionId, of: e.salesperson, in: model)
        }
    }

    @discardableResult
    static func requireOpenSession(
        _ sessionId: String, of salesperson: String, in model: some CoachingReadModel
    ) throws -> SessionRecord {
        guard let session = try model.session(sessionId) else {
            throw DomainError(rule: "session.exists", "session \"\(sessionId)\" does not exist; open it first")
        }
        guard sameKey(session.salesperson, salesperson) else {
            throw DomainError(
                rule: "session.salesperson", "session \"\(sessionId)\" belongs to another salesperson, not \(salesperson)")
        }
        guard session.closedAt == nil else {
            throw DomainError(rule: "session.closed", "session \"\(sessionId)\" is closed; a closed session stays closed")
        }
        return session
    }

    /// Folds an accepted event into the model. `recordedAt` stands in for a
    /// missing client `at`.
    public static func apply(
        _ event: CoachingEvent, position: UInt64, recordedAt: Timestamp, to model: inout some CoachingWriteModel
    ) throws {
        let at = event.at ?? recordedAt
        switch event {
        case .sessionOpened(let e):
            try model.put(
                SessionRecord(
                    sessionId: e.sessionId, salesperson: e.salesperson, coach: e.coach, openedAt: at, closedAt: nil,
                    topics: e.topics, position: position))
            let previous = try model.person(e.salesperson)
            // The coach is the coach of the latest session, by its time; ties go to the later event.
            if previous.map({ $0.latestSessionAt <= at }) ?? true {
                try model.put(
                    PersonRecord(
                        salesperson: e.salesperson, coach: e.coach, latestSessionId: e.sessionId, latestSessionAt: at,
                        latestSessionPosition: position))
            }
        case .goalStated(let e):
            try model.put(
                GoalRecord(
                    goalId: e.goalId, salesperson: e.salesperson, sessionId: e.sessionId, area: e.area, at: at,
                    position: position))
        case .commitmentMade(let e):
            // Without a due date: the week after the session it was made in (the next one-on-one).
            let due = try e.due ?? (model.session(e.sessionId)?.openedAt ?? at).day.adding(days: defaultDueDays)
            try model.put(
                CommitmentRecord(
                    commitmentId: e.commitmentId, salesperson: e.salesperson, sessionId: e.sessionId, kind: e.kind,
                    due: due, goalId: e.goalId, madeAt: at, position: position, review: nil))
        case .commitmentReviewed(let e):
            guard var commitment = try model.commitment(e.commitmentId) else { return }
            commitment.review = ReviewRecord(sessionId: e.sessionId, outcome: e.outcome, at: at, position: position)
            try model.put(commitment)
        case .insightNoted(let e):
            try model.put(
                InsightRecord(salesperson: e.salesperson, sessionId: e.sessionId, topic: e.topic, at: at, position: position))
        case .sessionClosed(let e):
            guard var session = try model.session(e.sessionId) else { return }
            session.closedAt = at
            try model.put(session)
        }
    }
}

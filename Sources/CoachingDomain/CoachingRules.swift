import CoachLogProtocol

/// The rules of the coaching record and the fold that keeps the read model.
///
/// `validate` decides whether an event may be recorded given everything
/// recorded so far; `apply` (Fold.swift) folds an accepted event into the
/// read model. The two are separate so that a rebuild replays history with
/// `apply` alone: what was accepted once stays accepted.
public enum CoachingRules {
    /// A commitment made without a `due` date is due this many days after the day its session
    /// opened: the next weekly one-on-one, where it will be reviewed.
    public static let defaultDueDays = 7
    /// How far ahead of the daemon's clock an `at` may lie (a coach in another time zone, a slow clock).
    public static let maximumFutureMilliseconds: Int64 = Timestamp.millisecondsPerDay

    /// Throws `DomainError` naming the broken rule; never changes anything.
    /// `now` is the daemon's clock, for the future-date guardrail and for
    /// events without `at`.
    public static func validate(_ event: CoachingEvent, in model: some CoachingReadModel, now: Timestamp) throws {
        if let at = event.at, at.milliseconds > now.milliseconds + maximumFutureMilliseconds {
            throw DomainError(
                rule: "at.future",
                "\(event.type.rawValue) at \(at.iso8601) is more than a day ahead of now (\(now.iso8601)); check the date")
        }
        try requireNotMerged(event.salesperson, in: model)
        switch event {
        case .sessionOpened(let e):
            if try model.session(e.sessionId) != nil {
                throw DomainError(rule: "id.unique", "session \"\(e.sessionId)\" already exists; choose another sessionId")
            }
            if let open = try model.sessions(of: e.salesperson).last(where: { $0.closedAt == nil && !$0.voided }) {
                throw DomainError(
                    rule: "session.alreadyOpen",
                    "\(e.salesperson) already has an open session, \"\(open.sessionId)\" (opened \(open.openedAt.iso8601)); close it first")
            }
            if try model.person(e.salesperson) == nil, !e.newSalesperson,
                let similar = try NameSimilarity.lookalike(of: e.salesperson, in: model)
            {
                throw DomainError(
                    rule: "salesperson.similar",
                    "no salesperson is named \"\(e.salesperson)\"; did you mean \"\(similar)\"? If this is a new person, confirm it (data.newSalesperson: true)")
            }
        case .goalStated(let e):
            if try model.goal(e.goalId) != nil {
                throw DomainError(rule: "id.unique", "goal \"\(e.goalId)\" already exists; choose another goalId")
            }
            let session = try requireOpenSession(e.sessionId, of: e.salesperson, in: model)
            try requireInSession(event, session, now: now)
        case .commitmentMade(let e):
            if try model.commitment(e.commitmentId) != nil {
                throw DomainError(
                    rule: "id.unique", "commitment \"\(e.commitmentId)\" already exists; choose another commitmentId")
            }
            let session = try requireOpenSession(e.sessionId, of: e.salesperson, in: model)
            try requireInSession(event, session, now: now)
            if let goalId = e.goalId { try requireGoal(goalId, of: e.salesperson, in: model) }
            if let due = e.due {
                let made = effectiveTime(event.at, session: session, recordedAt: now)
                try requireDue(due, notBefore: made, commitmentId: e.commitmentId)
            }
        case .commitmentReviewed(let e):
            let commitment = try requireCommitment(e.commitmentId, of: e.salesperson, in: model)
            if commitment.review != nil {
                throw DomainError(
                    rule: "commitment.reviewedOnce",
                    "commitment \"\(e.commitmentId)\" has already been reviewed; to change the outcome or note, correct the review (ReviewCorrected)")
            }
            let session = try requireOpenSession(e.sessionId, of: e.salesperson, in: model)
            try requireInSession(event, session, now: now)
            let madeIn = try model.session(commitment.sessionId)
            if sameKey(session.sessionId, commitment.sessionId) || session.position < (madeIn?.position ?? 0) {
                throw DomainError(
                    rule: "review.laterSession",
                    "commitment \"\(e.commitmentId)\" was made in session \"\(commitment.sessionId)\"; review it in a later session"
                )
            }
        case .insightNoted(let e):
            let session = try requireOpenSession(e.sessionId, of: e.salesperson, in: model)
            try requireInSession(event, session, now: now)
        case .sessionClosed(let e):
            let session = try requireOpenSession(e.sessionId, of: e.salesperson, in: model)
            if let at = e.at, at < session.openedAt {
                throw DomainError(
                    rule: "session.closeBeforeOpen",
                    "session \"\(e.sessionId)\" opened at \(session.openedAt.iso8601); it cannot close before that (\(at.iso8601))")
            }
        default:
            try validateCorrection(event, in: model, now: now)
        }
    }

    // MARK: Shared checks

    static func requireNotMerged(_ salesperson: String, in model: some CoachingReadModel) throws {
        if try model.person(salesperson)?.mergedInto != nil {
            let target = try finalName(of: salesperson, in: model)
            throw DomainError(
                rule: "salesperson.merged", "\(salesperson) was merged into \(target); record it under \(target) instead")
        }
    }

    /// The name a merged name now lives under, following merges of merges.
    static func finalName(of salesperson: String, in model: some CoachingReadModel) throws -> String {
        var name = salesperson
        var seen: Set<ExactName> = [ExactName(name)]
        while let next = try model.person(name)?.mergedInto, seen.insert(ExactName(next)).inserted { name = next }
        return name
    }

    /// Whether `actor` may record about a record of `owner`: the same name, or a
    /// name merged into `actor` (after a merge, its records are settled under the target).
    static func owns(_ actor: String, _ owner: String, in model: some CoachingReadModel) throws -> Bool {
        if sameKey(actor, owner) { return true }
        return try model.person(actor)?.aliases.contains { sameKey($0, owner) } ?? false
    }

    @discardableResult
    static func requireSession(
        _ sessionId: String, of salesperson: String, in model: some CoachingReadModel
    ) throws -> SessionRecord {
        guard let session = try model.session(sessionId) else {
            throw DomainError(rule: "session.exists", "session \"\(sessionId)\" does not exist; open it first")
        }
        guard try owns(salesperson, session.salesperson, in: model) else {
            throw DomainError(
                rule: "session.salesperson", "session \"\(sessionId)\" belongs to another salesperson, not \(salesperson)")
        }
        guard !session.voided else {
            throw DomainError(rule: "session.voided", "session \"\(sessionId)\" was voided; nothing more is recorded in it")
        }
        return session
    }

    @discardableResult
    static func requireOpenSession(
        _ sessionId: String, of salesperson: String, in model: some CoachingReadModel
    ) throws -> SessionRecord {
        let session = try requireSession(sessionId, of: salesperson, in: model)
        guard session.closedAt == nil else {
            throw DomainError(rule: "session.closed", "session \"\(sessionId)\" is closed; a closed session stays closed")
        }
        return session
    }

    /// Nothing is recorded in a session before the session's own time.
    static func requireInSession(_ event: CoachingEvent, _ session: SessionRecord, now: Timestamp) throws {
        if let at = event.at, at < session.openedAt {
            throw DomainError(
                rule: "session.beforeOpen",
                "\(event.type.rawValue) at \(at.iso8601) is before its session \"\(session.sessionId)\" opened (\(session.openedAt.iso8601)); check the time")
        }
    }

    static func requireDue(_ due: Day, notBefore made: Timestamp, commitmentId: String) throws {
        if due < made.day {
            throw DomainError(
                rule: "commitment.dueBeforeMade",
                "commitment \"\(commitmentId)\" is due \(due.iso8601), before the day it was made (\(made.day.iso8601)); check the due date")
        }
    }

    static func requireGoal(_ goalId: String, of salesperson: String, in model: some CoachingReadModel) throws -> GoalRecord {
        guard let goal = try model.goal(goalId), !goal.voided else {
            throw DomainError(rule: "goal.exists", "goal \"\(goalId)\" does not exist; state the goal first")
        }
        guard try owns(salesperson, goal.salesperson, in: model) else {
            throw DomainError(rule: "goal.salesperson", "goal \"\(goalId)\" belongs to another salesperson, not \(salesperson)")
        }
        return goal
    }

    static func requireCommitment(
        _ commitmentId: String, of salesperson: String, in model: some CoachingReadModel
    ) throws -> CommitmentRecord {
        guard let commitment = try model.commitment(commitmentId) else {
            throw DomainError(rule: "commitment.exists", "commitment \"\(commitmentId)\" does not exist")
        }
        guard try owns(salesperson, commitment.salesperson, in: model) else {
            throw DomainError(
                rule: "commitment.salesperson", "commitment \"\(commitmentId)\" belongs to another salesperson, not \(salesperson)")
        }
        guard !commitment.voided else {
            throw DomainError(
                rule: "commitment.voided", "commitment \"\(commitmentId)\" was made in a voided session; it counts nowhere")
        }
        if let withdrawn = commitment.withdrawnAt {
            throw DomainError(
                rule: "commitment.withdrawn", "commitment \"\(commitmentId)\" was withdrawn on \(withdrawn.day.iso8601)")
        }
        return commitment
    }

    /// When an event without `at` happened: now, unless its session began more
    /// than a day ago (a record back-filled into an old session), then the
    /// session's own time, so that the record stays inside its week.
    public static func effectiveTime(_ at: Timestamp?, session: SessionRecord?, recordedAt: Timestamp) -> Timestamp {
        if let at { return at }
        if let opened = session?.openedAt, recordedAt.milliseconds - opened.milliseconds > Timestamp.millisecondsPerDay {
            return opened
        }
        return recordedAt
    }
}

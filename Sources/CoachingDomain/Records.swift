import CoachLogProtocol
// The read model's records: what the fold keeps about each entity.
//
// Free text (goal and commitment text, review notes, insights) is *not*
// copied here: records point at the event that holds it (`position`), so the
// text lives only in the event log, where it can later be encrypted or
// shredded per salesperson without touching the derived numbers.

/// A session: who held it, when it opened and closed, which topics it covered.
public struct SessionRecord: Sendable, Hashable {
    public var sessionId: String
    public var salesperson: String
    public var coach: String
    public var openedAt: Timestamp
    public var closedAt: Timestamp?
    public var topics: [Topic]
    /// Position of the `SessionOpened` event; orders sessions.
    public var position: UInt64
    /// Voided (recorded by mistake): it and everything recorded in it count nowhere.
    public var voided = false

    public init(
        sessionId: String, salesperson: String, coach: String, openedAt: Timestamp, closedAt: Timestamp?,
        topics: [Topic], position: UInt64, voided: Bool = false
    ) {
        self.voided = voided
        self.sessionId = sessionId
        self.salesperson = salesperson
        self.coach = coach
        self.openedAt = openedAt
        self.closedAt = closedAt
        self.topics = topics
        self.position = position
    }
}

/// A goal a salesperson stated, in which session, in which area.
public struct GoalRecord: Sendable, Hashable {
    public var goalId: String
    public var salesperson: String
    public var sessionId: String
    public var area: String?
    public var at: Timestamp
    /// Position of the `GoalStated` event.
    public var position: UInt64
    /// Position of the event holding the latest text (the statement, or its latest amendment).
    public var textPosition: UInt64
    public var status: GoalStatus
    /// When it was achieved or dropped.
    public var statusAt: Timestamp?
    /// Stated in a voided session.
    public var voided: Bool

    public init(
        goalId: String, salesperson: String, sessionId: String, area: String?, at: Timestamp, position: UInt64,
        textPosition: UInt64? = nil, status: GoalStatus = .active, statusAt: Timestamp? = nil, voided: Bool = false
    ) {
        self.textPosition = textPosition ?? position
        self.status = status
        self.statusAt = statusAt
        self.voided = voided
        self.goalId = goalId
        self.salesperson = salesperson
        self.sessionId = sessionId
        self.area = area
        self.at = at
        self.position = position
    }
}

/// How a commitment turned out, reviewed once, in a later session.
public struct ReviewRecord: Sendable, Hashable {
    public var sessionId: String
    public var outcome: Outcome
    public var at: Timestamp
    /// Position of the `CommitmentReviewed` event.
    public var position: UInt64
    /// Position of the event holding the latest note: the review, or the correction that gave a new one.
    public var notePosition: UInt64

    public init(sessionId: String, outcome: Outcome, at: Timestamp, position: UInt64, notePosition: UInt64? = nil) {
        self.notePosition = notePosition ?? position
        self.sessionId = sessionId
        self.outcome = outcome
        self.at = at
        self.position = position
    }
}

/// A commitment for the coming week, with its review once there is one.
public struct CommitmentRecord: Sendable, Hashable {
    public var commitmentId: String
    public var salesperson: String
    public var sessionId: String
    public var kind: CommitmentKind
    public var due: Day
    public var goalId: String?
    public var madeAt: Timestamp
    /// Position of the `CommitmentMade` event.
    public var position: UInt64
    public var review: ReviewRecord?
    /// Position of the event holding the latest text (the commitment, or its latest amendment).
    public var textPosition: UInt64
    /// When it was withdrawn: no longer open, never counted as reviewed.
    public var withdrawnAt: Timestamp?
    /// Made in a voided session.
    public var voided: Bool

    public init(
        commitmentId: String, salesperson: String, sessionId: String, kind: CommitmentKind, due: Day, goalId: String?,
        madeAt: Timestamp, position: UInt64, review: ReviewRecord?, textPosition: UInt64? = nil,
        withdrawnAt: Timestamp? = nil, voided: Bool = false
    ) {
        self.textPosition = textPosition ?? position
        self.withdrawnAt = withdrawnAt
        self.voided = voided
        self.commitmentId = commitmentId
        self.salesperson = salesperson
        self.sessionId = sessionId
        self.kind = kind
        self.due = due
        self.goalId = goalId
        self.madeAt = madeAt
        self.position = position
        self.review = review
    }
}

/// An insight noted on one of the four topics (its text stays in the event).
public struct InsightRecord: Sendable, Hashable {
    public var salesperson: String
    public var sessionId: String
    public var topic: Topic
    public var at: Timestamp
    public var position: UInt64
    /// Noted in a voided session.
    public var voided: Bool

    public init(salesperson: String, sessionId: String, topic: Topic, at: Timestamp, position: UInt64, voided: Bool = false) {
        self.voided = voided
        self.salesperson = salesperson
        self.sessionId = sessionId
        self.topic = topic
        self.at = at
        self.position = position
    }
}

/// One salesperson's summary: who coaches them now (the coach of their latest
/// session) and when that session was.
public struct PersonRecord: Sendable, Hashable {
    public var salesperson: String
    public var coach: String
    public var latestSessionId: String
    public var latestSessionAt: Timestamp
    public var latestSessionPosition: UInt64
    /// Set when this name was merged into another: every query and append goes to that one.
    public var mergedInto: String?
    /// The names merged into this one, whose records are this person's too.
    public var aliases: [String]
    /// False when every session of theirs was voided: they appear in no projection.
    public var hasSessions: Bool

    public init(
        salesperson: String, coach: String, latestSessionId: String, latestSessionAt: Timestamp,
        latestSessionPosition: UInt64, mergedInto: String? = nil, aliases: [String] = [], hasSessions: Bool = true
    ) {
        self.mergedInto = mergedInto
        self.aliases = aliases
        self.hasSessions = hasSessions
        self.salesperson = salesperson
        self.coach = coach
        self.latestSessionId = latestSessionId
        self.latestSessionAt = latestSessionAt
        self.latestSessionPosition = latestSessionPosition
    }
}

extension CommitmentRecord {
    /// Neither withdrawn nor made in a voided session: it is open until reviewed, and its review counts.
    public var counts: Bool { !voided && withdrawnAt == nil }
}

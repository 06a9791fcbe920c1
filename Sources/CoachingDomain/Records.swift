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

    public init(
        sessionId: String, salesperson: String, coach: String, openedAt: Timestamp, closedAt: Timestamp?,
        topics: [Topic], position: UInt64
    ) {
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
    /// Position of the `GoalStated` event, which holds the text.
    public var position: UInt64

    public init(goalId: String, salesperson: String, sessionId: String, area: String?, at: Timestamp, position: UInt64) {
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
    /// Position of the `CommitmentReviewed` event, which holds the note.
    public var position: UInt64

    public init(sessionId: String, outcome: Outcome, at: Timestamp, position: UInt64) {
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
    /// Position of the `CommitmentMade` event, which holds the text.
    public var position: UInt64
    public var review: ReviewRecord?

    public init(
        commitmentId: String, salesperson: String, sessionId: String, kind: CommitmentKind, due: Day, goalId: String?,
        madeAt: Timestamp, position: UInt64, review: ReviewRecord?
    ) {
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

    public init(salesperson: String, sessionId: String, topic: Topic, at: Timestamp, position: UInt64) {
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

    public init(
        salesperson: String, coach: String, latestSessionId: String, latestSessionAt: Timestamp,
        latestSessionPosition: UInt64
    ) {
        self.salesperson = salesperson
        self.coach = coach
        self.latestSessionId = latestSessionId
        self.latestSessionAt = latestSessionAt
        self.latestSessionPosition = latestSessionPosition
    }
}

import CoachLogJSON

/// The session a one-on-one follows: the salesperson's latest session opened
/// before `asOf`. `open` when it was not closed before `asOf`; `daysSince`
/// counts whole days from the day it opened to `asOf`'s day.
public struct PrepSession: Sendable, Equatable, Codable, JSONValueConvertible {
    public var sessionId: String
    public var coach: String
    public var openedAt: Timestamp
    /// Null while open (also when it closed only after `asOf`).
    public var closedAt: Timestamp?
    public var topics: [Topic]
    public var open: Bool
    public var daysSince: Int

    public init(sessionId: String, coach: String, openedAt: Timestamp, closedAt: Timestamp?, topics: [Topic], daysSince: Int) {
        self.sessionId = sessionId
        self.coach = coach
        self.openedAt = openedAt
        self.closedAt = closedAt
        self.topics = topics
        self.open = closedAt == nil
        self.daysSince = daysSince
    }

    /// The wire form by hand; equal to the Codable form (`closedAt` null while open).
    public var jsonValue: JSONValue {
        [
            "sessionId": .string(sessionId), "coach": .string(coach), "openedAt": openedAt.jsonValue,
            "closedAt": .orNull(closedAt), "topics": .array(topics.map(JSONValue.name)), "open": .bool(open),
            "daysSince": .int(daysSince),
        ]
    }
}

/// A reviewed commitment with its text and the latest word on its review
/// (the outcome and note as corrected, if they were).
public struct PrepReview: Sendable, Equatable, Codable, JSONValueConvertible {
    public var commitmentId: String
    public var kind: CommitmentKind
    /// Nil only when the text cannot be shown.
    public var text: String?
    public var goalId: String?
    public var outcome: Outcome
    /// The review's note, or the note of the latest correction that gave one; null when none was given.
    public var note: String?
    /// The session the review was held in.
    public var sessionId: String
    public var reviewedAt: Timestamp

    public init(
        commitmentId: String, kind: CommitmentKind, text: String?, goalId: String?, outcome: Outcome, note: String?,
        sessionId: String, reviewedAt: Timestamp
    ) {
        self.commitmentId = commitmentId
        self.kind = kind
        self.text = text
        self.goalId = goalId
        self.outcome = outcome
        self.note = note
        self.sessionId = sessionId
        self.reviewedAt = reviewedAt
    }

    /// The wire form by hand; equal to the Codable form (nil members null).
    public var jsonValue: JSONValue {
        [
            "commitmentId": .string(commitmentId), "kind": .name(kind), "text": .orNull(text),
            "goalId": .orNull(goalId), "outcome": .name(outcome), "note": .orNull(note),
            "sessionId": .string(sessionId), "reviewedAt": reviewedAt.jsonValue,
        ]
    }
}

/// The latest insight noted on a topic before `asOf`.
public struct PrepInsight: Sendable, Equatable, Codable, JSONValueConvertible {
    /// Nil only when the text cannot be shown.
    public var text: String?
    public var at: Timestamp
    public var sessionId: String

    public init(text: String?, at: Timestamp, sessionId: String) {
        self.text = text
        self.at = at
        self.sessionId = sessionId
    }

    /// The wire form by hand; equal to the Codable form (`text` null when it cannot be shown).
    public var jsonValue: JSONValue { ["text": .orNull(text), "at": at.jsonValue, "sessionId": .string(sessionId)] }
}

/// One topic's coverage as `topics` reports it (last day covered, days
/// since, status), with the latest insight on it (null when none).
public struct PrepTopic: Sendable, Equatable, Codable, JSONValueConvertible {
    public var topic: Topic
    public var lastCovered: Day?
    public var daysSince: Int?
    public var status: TopicStatus
    public var insight: PrepInsight?

    public init(topic: Topic, lastCovered: Day?, daysSince: Int?, insight: PrepInsight?) {
        self.topic = topic
        self.lastCovered = lastCovered
        self.daysSince = daysSince
        self.status = daysSince.map { $0 > TopicsReport.staleAfterDays ? .stale : .current } ?? .never
        self.insight = insight
    }

    /// The wire form by hand; equal to the Codable form (nil members null).
    public var jsonValue: JSONValue {
        [
            "topic": .name(topic), "lastCovered": .orNull(lastCovered), "daysSince": .orNull(daysSince),
            "status": .name(status), "insight": .orNull(insight),
        ]
    }
}

/// An open question from the coaching-question library shipped with the
/// daemon; `id` (such as `selfConcept-3`) names it in that library.
public struct PrepQuestion: Sendable, Equatable, Codable, JSONValueConvertible {
    public var id: String
    public var topic: Topic
    public var text: String

    public init(id: String, topic: Topic, text: String) {
        self.id = id
        self.topic = topic
        self.text = text
    }

    /// The wire form by hand; equal to the Codable form.
    public var jsonValue: JSONValue { ["id": .string(id), "topic": .name(topic), "text": .string(text)] }
}

/// The `prep` projection: what to bring to a salesperson's next one-on-one,
/// everything as of `asOf`.
///
/// - `lastSession`: the latest session opened before `asOf`.
/// - `dueForReview`: the open commitments (made before `asOf`, not reviewed
///   before it), by due date, then the order made; `open`/`overdue` count them.
/// - `reviews`: the reviews in `reviewWindow` (the `reviewDays` (28) days
///   ending at `asOf`), newest first, with texts and notes; `reviewed` is
///   their tally.
/// - `goals`: the goals active as of `asOf` (stated before it, not achieved or
///   dropped before it), in the order stated, each with the tally of its
///   commitments' reviews before `asOf`.
/// - `topics`: all four, most neglected first: never covered (in topic
///   order), then by `daysSince`, most first, ties in topic order.
/// - `questions`: for the neglected (stale or never) topics, in the order of
///   `topics`: two questions when one topic is neglected, otherwise one each
///   from the first three, then a second from the first when only two are;
///   none when no topic is neglected. Within a topic's library of n questions,
///   the k-th question taken (k = 0, 1) is number (D + k) mod n, where D is
///   `asOf`'s day counted from 1970-01-01: the same day gives the same questions.
public struct PrepReport: WireResult, JSONValueConvertible {
    public static let reviewDays = 28

    public var projection = ProjectionName.prep
    public var salesperson: String
    /// The coach of the latest session opened before `asOf`.
    public var coach: String
    public var asOf: String
    public var lastSession: PrepSession
    public var open: Int
    public var overdue: Int
    public var dueForReview: [OpenCommitment]
    public var reviewDays = PrepReport.reviewDays
    public var reviewWindow: Window
    public var reviewed: Tally
    public var reviews: [PrepReview]
    public var goals: [GoalRow]
    public var staleAfterDays = TopicsReport.staleAfterDays
    public var topics: [PrepTopic]
    public var questions: [PrepQuestion]

    public init(
        salesperson: String, coach: String, asOf: String, lastSession: PrepSession, dueForReview: [OpenCommitment],
        reviewWindow: Window, reviews: [PrepReview], goals: [GoalRow], topics: [PrepTopic], questions: [PrepQuestion]
    ) {
        self.salesperson = salesperson
        self.coach = coach
        self.asOf = asOf
        self.lastSession = lastSession
        self.open = dueForReview.count
        self.overdue = dueForReview.filter(\.overdue).count
        self.dueForReview = dueForReview
        self.reviewWindow = reviewWindow
        var tally = Tally()
        for review in reviews { tally.add(review.outcome) }
        self.reviewed = tally
        self.reviews = reviews
        self.goals = goals
        self.topics = topics
        self.questions = questions
    }

    /// The wire form by hand; equal to the Codable form.
    public var jsonValue: JSONValue {
        [
            "projection": .name(projection), "salesperson": .string(salesperson), "coach": .string(coach),
            "asOf": .string(asOf), "lastSession": lastSession.jsonValue, "open": .int(open), "overdue": .int(overdue),
            "dueForReview": .list(dueForReview), "reviewDays": .int(reviewDays), "reviewWindow": reviewWindow.jsonValue,
            "reviewed": reviewed.jsonValue, "reviews": .list(reviews), "goals": .list(goals),
            "staleAfterDays": .int(staleAfterDays), "topics": .list(topics), "questions": .list(questions),
        ]
    }
}

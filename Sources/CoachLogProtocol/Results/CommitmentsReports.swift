import CoachLogJSON

/// One open commitment (made, not reviewed as of `asOf`); `overdue` when its
/// `due` day is before `asOf`'s day.
public struct OpenCommitment: Sendable, Equatable, Codable, JSONValueConvertible {
    public var commitmentId: String
    public var salesperson: String
    /// The salesperson's coach as of `asOf`.
    public var coach: String
    public var sessionId: String
    public var kind: CommitmentKind
    /// Nil only when the text cannot be shown.
    public var text: String?
    public var due: Day
    public var goalId: String?
    public var madeAt: Timestamp
    public var overdue: Bool
    /// Whole days past `due`; 0 when not overdue.
    public var daysOverdue: Int

    public init(
        commitmentId: String, salesperson: String, coach: String, sessionId: String, kind: CommitmentKind, text: String?,
        due: Day, goalId: String?, madeAt: Timestamp, overdue: Bool, daysOverdue: Int
    ) {
        self.commitmentId = commitmentId
        self.salesperson = salesperson
        self.coach = coach
        self.sessionId = sessionId
        self.kind = kind
        self.text = text
        self.due = due
        self.goalId = goalId
        self.madeAt = madeAt
        self.overdue = overdue
        self.daysOverdue = daysOverdue
    }

    /// The wire form by hand (an organisation's open commitments are many rows); equal to the
    /// Codable form (nil members are null).
    public var jsonValue: JSONValue {
        [
            "commitmentId": .string(commitmentId), "salesperson": .string(salesperson), "coach": .string(coach),
            "sessionId": .string(sessionId), "kind": .name(kind), "text": .orNull(text), "due": due.jsonValue,
            "goalId": .orNull(goalId), "madeAt": madeAt.jsonValue, "overdue": .bool(overdue),
            "daysOverdue": .int(daysOverdue),
        ]
    }
}

/// The `openCommitments` projection, rows by due date, then salesperson, then
/// the order they were made. `open` and `overdue` count all open commitments
/// in scope, even when `overdue: true` left some rows out; `count` is the
/// number of rows.
public struct OpenCommitmentsReport: WireResult, JSONValueConvertible {
    public var projection = ProjectionName.openCommitments
    public var scope: Scope
    public var asOf: String
    public var count: Int
    public var open: Int
    public var overdue: Int
    public var commitments: [OpenCommitment]

    public init(scope: Scope, asOf: String, open: Int, overdue: Int, commitments: [OpenCommitment]) {
        self.scope = scope
        self.asOf = asOf
        self.count = commitments.count
        self.open = open
        self.overdue = overdue
        self.commitments = commitments
    }

    /// The wire form by hand; equal to the Codable form.
    public var jsonValue: JSONValue {
        [
            "projection": .name(projection), "scope": scope.jsonValue, "asOf": .string(asOf), "count": .int(count),
            "open": .int(open), "overdue": .int(overdue), "commitments": .list(commitments),
        ]
    }
}

/// How recently coaching happened for one salesperson.
public enum CadenceStatus: String, Sendable, Hashable, CaseIterable, Codable {
    /// The last session is at most `CadenceReport.lapsedAfterDays` days old.
    case current
    /// More days than that have passed since the last session.
    case lapsed
}

/// One salesperson's cadence: sessions opened before `asOf`, the day of the
/// last, days since it, and the mean gap between session days (null with
/// fewer than two sessions).
public struct CadenceRow: Sendable, Equatable, Codable, JSONValueConvertible {
    public var salesperson: String
    public var coach: String
    public var sessions: Int
    public var lastSession: Day
    public var daysSince: Int
    public var meanGapDays: Double?
    public var status: CadenceStatus

    public init(salesperson: String, coach: String, sessions: Int, lastSession: Day, daysSince: Int, meanGapDays: Double?) {
        self.salesperson = salesperson
        self.coach = coach
        self.sessions = sessions
        self.lastSession = lastSession
        self.daysSince = daysSince
        self.meanGapDays = meanGapDays
        self.status = daysSince > CadenceReport.lapsedAfterDays ? .lapsed : .current
    }

    /// The wire form by hand (an organisation's cadence has thousands of rows); equal to the
    /// Codable form (`meanGapDays` null when nil).
    public var jsonValue: JSONValue {
        [
            "salesperson": .string(salesperson), "coach": .string(coach), "sessions": .int(sessions),
            "lastSession": lastSession.jsonValue, "daysSince": .int(daysSince), "meanGapDays": .orNull(meanGapDays),
            "status": .name(status),
        ]
    }
}

/// The `cadence` projection, one row per salesperson in scope, by name.
public struct CadenceReport: WireResult, JSONValueConvertible {
    /// Coaching has lapsed when the last session is more than this many days old.
    public static let lapsedAfterDays = 14

    public var projection = ProjectionName.cadence
    public var scope: Scope
    public var asOf: String
    public var lapsedAfterDays = CadenceReport.lapsedAfterDays
    public var salespeople: [CadenceRow]

    public init(scope: Scope, asOf: String, salespeople: [CadenceRow]) {
        self.scope = scope
        self.asOf = asOf
        self.salespeople = salespeople
    }

    /// The wire form by hand; equal to the Codable form.
    public var jsonValue: JSONValue {
        [
            "projection": .name(projection), "scope": scope.jsonValue, "asOf": .string(asOf),
            "lapsedAfterDays": .int(lapsedAfterDays), "salespeople": .list(salespeople),
        ]
    }
}

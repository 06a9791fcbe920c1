import CoachLogJSON

/// Why a salesperson needs the coach's attention. Each reason found adds its
/// `weight` to the row's `attention`; a row lists its reasons in the order of
/// this declaration (heaviest first).
public enum AttentionReason: String, Sendable, Hashable, CaseIterable, Codable {
    /// Coaching has lapsed: the last session is more than `CadenceReport.lapsedAfterDays` (14) days old.
    case lapsed
    /// Follow-through fell by `TeamReport.slippingPoints` (10) points or more from the previous window:
    /// `change.rate` × 100, rounded to the nearest whole point, is −10 or less (never when either window
    /// has nothing reviewed).
    case slipping
    /// At least one open commitment is overdue.
    case overdue
    /// Follow-through in the window is `poor` (say-do rate below 40 %); never when nothing was reviewed.
    case poorFollowThrough
    /// More days have passed since the last session than the person's usual (mean) gap between sessions.
    case pastUsualGap
    /// A session opened before `asOf`'s day is still open as of `asOf`.
    case sessionLeftOpen
    /// At least one of the four topics is stale or was never covered (`TopicsReport`'s rule).
    case neglectedTopics

    /// lapsed 3, slipping 3, overdue 2, poorFollowThrough 2, pastUsualGap 1, sessionLeftOpen 1, neglectedTopics 1.
    public var weight: Int {
        switch self {
        case .lapsed, .slipping: return 3
        case .overdue, .poorFollowThrough: return 2
        case .pastUsualGap, .sessionLeftOpen, .neglectedTopics: return 1
        }
    }
}

/// A session still open as of `asOf`: its id, when it opened, and whole days
/// from that day to `asOf`'s day (0 when opened the same day).
public struct OpenSessionNote: Sendable, Equatable, Codable, JSONValueConvertible {
    public var sessionId: String
    public var openedAt: Timestamp
    public var daysOpen: Int

    public init(sessionId: String, openedAt: Timestamp, daysOpen: Int) {
        self.sessionId = sessionId
        self.openedAt = openedAt
        self.daysOpen = daysOpen
    }

    /// The wire form by hand (a team row carries one); equal to the Codable form.
    public var jsonValue: JSONValue {
        ["sessionId": .string(sessionId), "openedAt": openedAt.jsonValue, "daysOpen": .int(daysOpen)]
    }
}

/// A topic not covered recently: `stale` with the days since, or `never` with null.
public struct NeglectedTopic: Sendable, Equatable, Codable, JSONValueConvertible {
    public var topic: Topic
    public var status: TopicStatus
    public var daysSince: Int?

    public init(topic: Topic, status: TopicStatus, daysSince: Int?) {
        self.topic = topic
        self.status = status
        self.daysSince = daysSince
    }

    /// The wire form by hand; equal to the Codable form (`daysSince` null for `never`).
    public var jsonValue: JSONValue {
        ["topic": .name(topic), "status": .name(status), "daysSince": .orNull(daysSince)]
    }
}

/// One salesperson on the team view, everything as of `asOf`.
///
/// - `current` / `previous`: follow-through (reviews by their `at`) in the
///   window and in the window of equal length before it; `change` is
///   current − previous.
/// - `trend` / `trendReviewed`: one point per week of the report's
///   `trendWeeks` weeks ending at `asOf`, oldest first (the weeks of
///   `followThrough`'s `weekly`): the say-do rate of the week (null when
///   nothing was reviewed in it) and how many reviews it counts. Both have
///   the same length, as both come from the same weekly tallies.
/// - `open` / `overdue`: commitments made before `asOf` and not reviewed
///   before it; overdue when due before `asOf`'s day (as `openCommitments`).
/// - `sessions`, `lastSession`, `daysSince`, `meanGapDays`, `status`: as the
///   `cadence` row. `pastUsualGap` is `daysSince > meanGapDays` (false with
///   fewer than two sessions).
/// - `openSession`: the latest session opened before `asOf` and not closed
///   before it, or null.
/// - `neglectedTopics`: the topics stale or never covered, in topic order.
/// - `reasons`: the `AttentionReason`s that hold, heaviest first;
///   `attention`: the sum of their weights (0 when none holds).
public struct TeamRow: Sendable, Equatable, Codable, JSONValueConvertible {
    public var salesperson: String
    /// The coach of the salesperson's latest session opened before `asOf`.
    public var coach: String
    public var current: Tally
    public var previous: Tally
    public var change: RateChange
    public var trend: [Double?]
    /// The number of reviews behind each point of `trend`, so a week of one review reads apart from a week of twenty.
    public var trendReviewed: [Int]
    public var open: Int
    public var overdue: Int
    public var sessions: Int
    public var lastSession: Day
    public var daysSince: Int
    public var meanGapDays: Double?
    public var pastUsualGap: Bool
    public var status: CadenceStatus
    public var openSession: OpenSessionNote?
    public var neglectedTopics: [NeglectedTopic]
    public var attention: Int
    public var reasons: [AttentionReason]

    /// `weekly` holds the tally of each trend week, oldest first: `trend` and `trendReviewed` are
    /// derived from it, never given apart, so they always agree.
    public init(
        salesperson: String, coach: String, current: Tally, previous: Tally, weekly: [Tally], open: Int, overdue: Int,
        sessions: Int, lastSession: Day, daysSince: Int, meanGapDays: Double?, openSession: OpenSessionNote?,
        neglectedTopics: [NeglectedTopic]
    ) {
        self.salesperson = salesperson
        self.coach = coach
        self.current = current
        self.previous = previous
        self.change = RateChange(current: current, previous: previous)
        self.trend = weekly.map(\.rate)
        self.trendReviewed = weekly.map(\.reviewed)
        self.open = open
        self.overdue = overdue
        self.sessions = sessions
        self.lastSession = lastSession
        self.daysSince = daysSince
        self.meanGapDays = meanGapDays
        self.pastUsualGap = meanGapDays.map { Double(daysSince) > $0 } ?? false
        self.status = daysSince > CadenceReport.lapsedAfterDays ? .lapsed : .current
        self.openSession = openSession
        self.neglectedTopics = neglectedTopics
        self.reasons = []
        self.attention = 0
        reasons = AttentionReason.allCases.filter(applies)
        attention = reasons.reduce(0) { $0 + $1.weight }
    }

    /// The wire form by hand: a whole organisation's team view has thousands of rows, and
    /// Codable was most of its cost. Equal to the Codable form (nil members are null).
    public var jsonValue: JSONValue {
        [
            "salesperson": .string(salesperson), "coach": .string(coach), "current": current.jsonValue,
            "previous": previous.jsonValue, "change": change.jsonValue, "trend": .array(trend.map(JSONValue.orNull)),
            "trendReviewed": .array(trendReviewed.map(JSONValue.int)), "open": .int(open), "overdue": .int(overdue),
            "sessions": .int(sessions),
            "lastSession": lastSession.jsonValue, "daysSince": .int(daysSince), "meanGapDays": .orNull(meanGapDays),
            "pastUsualGap": .bool(pastUsualGap), "status": .name(status), "openSession": .orNull(openSession),
            "neglectedTopics": .list(neglectedTopics), "attention": .int(attention),
            "reasons": .array(reasons.map(JSONValue.name)),
        ]
    }

    /// Whether `reason` holds for this row: every reason follows from the row's own fields.
    func applies(_ reason: AttentionReason) -> Bool {
        switch reason {
        case .lapsed: return status == .lapsed
        case .slipping: return change.rate.map { ($0 * 100).rounded() <= -Double(TeamReport.slippingPoints) } ?? false
        case .overdue: return overdue > 0
        case .poorFollowThrough: return current.health == .poor
        case .pastUsualGap: return pastUsualGap
        case .sessionLeftOpen: return (openSession?.daysOpen ?? 0) >= 1
        case .neglectedTopics: return !neglectedTopics.isEmpty
        }
    }

    /// The team view's order: who needs attention first. `attention` highest
    /// first, then `daysSince` most first, then `overdue` most first, then
    /// `salesperson` in byte order.
    public static func attentionFirst(_ a: TeamRow, _ b: TeamRow) -> Bool {
        if a.attention != b.attention { return a.attention > b.attention }
        if a.daysSince != b.daysSince { return a.daysSince > b.daysSince }
        if a.overdue != b.overdue { return a.overdue > b.overdue }
        return ExactName(a.salesperson) < ExactName(b.salesperson)
    }
}

/// The team's figures: follow-through of everyone in scope together (so the
/// rates weigh each review, not each person), its weekly `trend` with the
/// reviews behind each point (`trendReviewed`, the same length), open and
/// overdue commitments, and how many rows are lapsed, have a session open, or
/// need attention (`attention` above 0).
public struct TeamTotals: Sendable, Equatable, Codable, JSONValueConvertible {
    public var salespeople: Int
    public var current: Tally
    public var previous: Tally
    public var change: RateChange
    public var trend: [Double?]
    public var trendReviewed: [Int]
    public var open: Int
    public var overdue: Int
    public var lapsed: Int
    public var openSessions: Int
    public var needAttention: Int

    /// `weekly`: everyone's tally of each trend week, oldest first (`trend` and `trendReviewed` derive from it).
    public init(rows: [TeamRow], current: Tally, previous: Tally, weekly: [Tally]) {
        salespeople = rows.count
        self.current = current
        self.previous = previous
        change = RateChange(current: current, previous: previous)
        trend = weekly.map(\.rate)
        trendReviewed = weekly.map(\.reviewed)
        open = rows.reduce(0) { $0 + $1.open }
        overdue = rows.reduce(0) { $0 + $1.overdue }
        lapsed = rows.filter { $0.status == .lapsed }.count
        openSessions = rows.filter { $0.openSession != nil }.count
        needAttention = rows.filter { $0.attention > 0 }.count
    }

    /// The wire form by hand; equal to the Codable form.
    public var jsonValue: JSONValue {
        [
            "salespeople": .int(salespeople), "current": current.jsonValue, "previous": previous.jsonValue,
            "change": change.jsonValue, "trend": .array(trend.map(JSONValue.orNull)),
            "trendReviewed": .array(trendReviewed.map(JSONValue.int)), "open": .int(open), "overdue": .int(overdue),
            "lapsed": .int(lapsed), "openSessions": .int(openSessions), "needAttention": .int(needAttention),
        ]
    }
}

/// The `team` projection: one row per salesperson of a coach (or of
/// everyone), who needs attention first, for the Monday look at the team.
///
/// `window` is the `weeks`×7 days ending at `asOf` (default 4 weeks);
/// `previousWindow` the same length before it. The rows' and the totals'
/// `trend` cover the `trendWeeks` weeks ending at `asOf` (default `weeks`),
/// which may reach before `window` or cover only its last weeks.
///
/// Rows are ordered by `TeamRow.attentionFirst`: `attention`, highest first;
/// then `daysSince`, most first; then `overdue`, most first; then
/// `salesperson` in byte order (the order of `cadence`).
public struct TeamReport: WireResult, JSONValueConvertible {
    public static let defaultWeeks = 4
    /// The most weeks a trend shows: a year of weekly points.
    public static let maximumTrendWeeks = 52
    /// A drop of this many points of say-do rate or more is `slipping`.
    public static let slippingPoints = 10

    public var projection = ProjectionName.team
    public var scope: Scope
    public var asOf: String
    public var weeks: Int
    /// How many weekly points each `trend` has: the query's `trendWeeks`, or `weeks`.
    public var trendWeeks: Int
    public var window: Window
    public var previousWindow: Window
    public var lapsedAfterDays = CadenceReport.lapsedAfterDays
    public var staleAfterDays = TopicsReport.staleAfterDays
    public var slippingPoints = TeamReport.slippingPoints
    public var totals: TeamTotals
    public var salespeople: [TeamRow]

    public init(
        scope: Scope, asOf: String, weeks: Int, trendWeeks: Int, window: Window, previousWindow: Window, totals: TeamTotals,
        salespeople: [TeamRow]
    ) {
        self.scope = scope
        self.asOf = asOf
        self.weeks = weeks
        self.trendWeeks = trendWeeks
        self.window = window
        self.previousWindow = previousWindow
        self.totals = totals
        self.salespeople = salespeople
    }

    /// The wire form by hand; equal to the Codable form.
    public var jsonValue: JSONValue {
        [
            "projection": .name(projection), "scope": scope.jsonValue, "asOf": .string(asOf), "weeks": .int(weeks),
            "trendWeeks": .int(trendWeeks), "window": window.jsonValue, "previousWindow": previousWindow.jsonValue,
            "lapsedAfterDays": .int(lapsedAfterDays), "staleAfterDays": .int(staleAfterDays),
            "slippingPoints": .int(slippingPoints), "totals": totals.jsonValue, "salespeople": .list(salespeople),
        ]
    }
}

import CoachLogProtocol

// What the team and prep views compute about one person from their live
// records, each in one pass, by the same rules as the single projections
// (`cadence`, `topics`, `openCommitments`, `followThrough`, `goals`), so that
// the views never disagree with them.

/// When each topic was last covered before `asOf` (a session listing it, or an
/// insight on it), and the latest insight on each.
struct TopicCoverage {
    let asOf: AsOf
    // Four topics: plain arrays indexed by topic, not dictionaries, since every team row covers
    // every session of its person (hashing a topic per session showed in profiles).
    private var lastDays = [Day?](repeating: nil, count: Topic.allCases.count)
    private var insights = [InsightRecord?](repeating: nil, count: Topic.allCases.count)

    init(asOf: AsOf) { self.asOf = asOf }

    /// The day the topic was last covered, as of `asOf`.
    func last(_ topic: Topic) -> Day? { lastDays[topic.index] }

    /// The latest insight noted on the topic, as of `asOf`.
    func latestInsight(_ topic: Topic) -> InsightRecord? { insights[topic.index] }

    mutating func cover(_ session: SessionRecord) {
        guard asOf.includes(session.openedAt) else { return }
        let day = session.openedAt.day
        for topic in session.topics { cover(topic.index, day) }
    }

    mutating func cover(_ insight: InsightRecord) {
        guard asOf.includes(insight.at) else { return }
        let index = insight.topic.index
        cover(index, insight.at.day)
        // Records come in event order: a later event at the same time is the later word.
        if insights[index].map({ $0.at <= insight.at }) ?? true { insights[index] = insight }
    }

    private mutating func cover(_ index: Int, _ day: Day) {
        if lastDays[index].map({ $0 < day }) ?? true { lastDays[index] = day }
    }

    func daysSince(_ topic: Topic) -> Int? { last(topic).map { Int(asOf.day.number - $0.number) } }

    /// `TopicsReport`'s rule: never covered, or covered more than `staleAfterDays` days ago.
    func status(_ topic: Topic) -> TopicStatus {
        guard let days = daysSince(topic) else { return .never }
        return days > TopicsReport.staleAfterDays ? .stale : .current
    }

    var neglected: [NeglectedTopic] {
        Topic.allCases.compactMap { topic in
            let status = status(topic)
            return status == .current ? nil : NeglectedTopic(topic: topic, status: status, daysSince: daysSince(topic))
        }
    }
}

/// The sessions opened before `asOf`: how many, the first and last day, and
/// the latest one, and the latest one still open as of `asOf`.
struct SessionSummary {
    let asOf: AsOf
    private(set) var count = 0
    private(set) var firstDay: Day?
    private(set) var lastDay: Day?
    private(set) var latest: SessionRecord?
    private(set) var latestOpen: SessionRecord?

    init(asOf: AsOf) { self.asOf = asOf }

    /// Open as of `asOf`: not closed, or closed only at or after it.
    func isOpen(_ s: SessionRecord) -> Bool { s.closedAt.map { !asOf.includes($0) } ?? true }

    mutating func add(_ s: SessionRecord) {
        guard asOf.includes(s.openedAt) else { return }
        count += 1
        let day = s.openedAt.day
        if firstDay.map({ day < $0 }) ?? true { firstDay = day }
        if lastDay.map({ day > $0 }) ?? true { lastDay = day }
        // The latest by time; ties go to the later event (sessions come in event order).
        if latest.map({ $0.openedAt <= s.openedAt }) ?? true { latest = s }
        if isOpen(s), latestOpen.map({ $0.openedAt <= s.openedAt }) ?? true { latestOpen = s }
    }

    /// `cadence`'s mean gap: days from the first session to the last over the gaps between them.
    var meanGapDays: Double? {
        guard count >= 2, let first = firstDay, let last = lastDay else { return nil }
        return Double(last.number - first.number) / Double(count - 1)
    }

    func days(since t: Timestamp) -> Int { Int(asOf.day.number - t.day.number) }
}

/// The `weeks`×7-day window ending at `asOf`, the one before it, and the
/// index of the week (oldest first) a time falls in.
struct Windows {
    let asOf: AsOf
    let weeks: Int
    let current: Window
    let previous: Window

    init(weeks: Int, asOf: AsOf) {
        self.asOf = asOf
        self.weeks = weeks
        let days = Int64(weeks) * 7
        current = Window(from: asOf.end.adding(days: -days), to: asOf.end)
        previous = Window(from: asOf.end.adding(days: -2 * days), to: asOf.end.adding(days: -days))
    }

    /// For a time in `current`: whole weeks back from `asOf`, the newest week last.
    func week(of t: Timestamp) -> Int {
        let back = (asOf.end.milliseconds - 1 - t.milliseconds) / (7 * Timestamp.millisecondsPerDay)
        return weeks - 1 - Int(back)
    }
}

extension Projections {
    /// An open commitment's row, as `openCommitments` shows it, under the
    /// person's name (also for a commitment of a name merged into them).
    static func openRow(
        _ c: CommitmentRecord, of person: PersonRecord, coach: String, today: Day, model: some CoachingReadModel
    ) throws -> OpenCommitment {
        let overdue = c.due < today
        return OpenCommitment(
            commitmentId: c.commitmentId, salesperson: person.salesperson, coach: coach, sessionId: c.sessionId, kind: c.kind,
            text: try model.text(at: c.textPosition), due: c.due, goalId: c.goalId, madeAt: c.madeAt, overdue: overdue,
            daysOverdue: overdue ? Int(today.number - c.due.number) : 0)
    }

    /// Open as of `asOf`: made before it and not reviewed before it.
    static func isOpen(_ c: CommitmentRecord, asOf: AsOf) -> Bool {
        guard asOf.includes(c.madeAt) else { return false }
        return c.review.map { !asOf.includes($0.at) } ?? true
    }

    /// A person's goals stated before `asOf` (all, without it), each with its
    /// status as of `asOf`, the commitments made for it before `asOf`, and
    /// the tally of their reviews in `window` (all, without it).
    static func goalRows(
        of person: PersonRecord, commitments: [CommitmentRecord], asOf: AsOf?, window: Window?,
        model: some CoachingReadModel
    ) throws -> [GoalRow] {
        let made = commitments.filter { asOf?.includes($0.madeAt) ?? true }
        var rows: [GoalRow] = []
        for goal in try model.liveGoals(of: person) where asOf?.includes(goal.at) ?? true {
            var linked = Tally()
            var count = 0
            for c in made where c.goalId.map({ sameKey($0, goal.goalId) }) ?? false {
                count += 1
                if let review = c.review, window?.contains(review.at) ?? true { linked.add(review.outcome) }
            }
            // Achieved or dropped only if that happened before asOf.
            let closed = goal.status != .active && (goal.statusAt.map { asOf?.includes($0) ?? true } ?? true)
            rows.append(
                GoalRow(
                    goalId: goal.goalId, text: try model.text(at: goal.textPosition), area: goal.area,
                    sessionId: goal.sessionId, statedAt: goal.at, commitments: count, tally: linked,
                    status: closed ? goal.status : .active, statusAt: closed ? goal.statusAt : nil))
        }
        return rows
    }
}

extension Topic {
    /// 0, 1, … in topic order: an index into per-topic arrays of `allCases.count` elements.
    var index: Int {
        switch self {
        case .selfConcept: return 0
        case .identityRole: return 1
        case .personalGoals: return 2
        case .behavioralReflection: return 3
        }
    }
}

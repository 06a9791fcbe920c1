import CoachLogJSON
import CoachLogProtocol

/// The authoritative read model, in memory: every record of the organisation,
/// grouped by salesperson, with the indexes the projections need so that no
/// query reads more than the people it covers.
///
/// Guarantees:
/// - Every `CoachingReadModel` method answers exactly as `InMemoryReadModel`
///   does after the same puts, order included (per-salesperson lists by
///   ascending position, `people()` by name in byte order), except
///   `eventData(at:)`, which is nil: free text lives only in the event log,
///   and the store wraps this model to read it.
/// - Names and ids are keys by their bytes (`ExactName`), like the store's.
/// - A put costs a few hash look-ups and binary searches within one person's
///   records (a void or a coach change re-reads that person's sessions); no
///   put reads the whole organisation. Equal names, coaches and ids are
///   stored once (records share the strings of their person, coach and session).
/// - `takeChanges()` names every record put since it was last called.
///
/// The fast paths (`organisationReviews`, `organisationSalespeople`,
/// `people(coachedBy:asOf:)`) are exact for models built by the fold
/// (`CoachingRules.apply`); see IndexedReadModel+Groups.swift for why, and for
/// when they decline (nil).
public struct IndexedReadModel: CoachingWriteModel, Sendable {
    /// Where a record is: whose list, at which position.
    struct Locator: Sendable {
        var entry: Int32
        var position: UInt64
    }

    /// A counted review (its commitment `counts`), kept by its commitment's position.
    struct StoredReview: Sendable {
        var position: UInt64
        var at: Int64
        var slot: UInt8
        /// `at` is before its review session opened (or that session is unknown or voided):
        /// the organisation totals cannot be trusted while one exists.
        var suspect: Bool
    }

    /// One name's person record and records, each list by ascending position.
    struct Entry: Sendable {
        let name: String
        var person: PersonRecord?
        var sessions: [SessionRecord] = []
        var goals: [GoalRecord] = []
        var commitments: [CommitmentRecord] = []
        var insights: [InsightRecord] = []
        var reviews: [StoredReview] = []
        /// The earliest opening of this name's own sessions that are not voided.
        var earliestLive: Int64?
        /// This name's live sessions with another coach than `mismatchCoach` (its person's coach).
        var mismatches = 0
        var mismatchCoach: String?
        // What the group indexes hold for this name (as a root).
        var indexedSince: Int64?
        var indexedCoach: ExactName?
        var indexedIrregular = false

        init(name: String) { self.name = name }
    }

    var entries: [Entry] = []
    var entryByName: [ExactName: Int32] = [:]
    /// Entries with a person record, by name in byte order.
    var peopleInOrder: [Int32] = []
    /// Entries with a person record by `NameSimilarity.folded` name, each list by name in byte order.
    var peopleByFold: [ExactName: [Int32]] = [:]
    var sessionIds: [ExactName: Locator] = [:]
    var goalIds: [ExactName: Locator] = [:]
    var commitmentIds: [ExactName: Locator] = [:]
    var insightOwners: [UInt64: Int32] = [:]
    var coachNames: Set<ExactName> = []

    // Group indexes (IndexedReadModel+Groups.swift).
    /// For each root in scope of `.everyone` at some asOf: the first instant it is (sorted).
    var rootsSince: [Int64] = []
    /// Roots whose coach is the same at every asOf (once they have a session), by coach, by name.
    var regularByCoach: [ExactName: [Int32]] = [:]
    /// Roots whose coach depends on asOf (aliases, or sessions with several coaches).
    var irregular: Set<Int32> = []
    var reviewDays = ReviewDays()
    var suspectReviews = 0
    /// Set for good when a put changed what a review's trust was judged on (a session's time or owner).
    var reviewDaysUntrusted = false

    var changes = ModelChanges()

    public init() {}

    /// How many names have a person record (merged names included).
    public var peopleCount: Int { peopleInOrder.count }

    /// The keys of everything put since the last call; clears them.
    public mutating func takeChanges() -> ModelChanges {
        defer { changes = ModelChanges() }
        return changes
    }

    // MARK: Reads

    func entryIndex(_ name: String) -> Int? { entryByName[ExactName(name)].map(Int.init) }

    public func session(_ id: String) -> SessionRecord? {
        guard let loc = sessionIds[ExactName(id)] else { return nil }
        let list = entries[Int(loc.entry)].sessions
        return Self.index(of: loc.position, in: list) { sameKey($0.sessionId, id) }.map { list[$0] }
    }

    public func goal(_ id: String) -> GoalRecord? {
        guard let loc = goalIds[ExactName(id)] else { return nil }
        let list = entries[Int(loc.entry)].goals
        return Self.index(of: loc.position, in: list) { sameKey($0.goalId, id) }.map { list[$0] }
    }

    public func commitment(_ id: String) -> CommitmentRecord? {
        guard let loc = commitmentIds[ExactName(id)] else { return nil }
        let list = entries[Int(loc.entry)].commitments
        return Self.index(of: loc.position, in: list) { sameKey($0.commitmentId, id) }.map { list[$0] }
    }

    /// The insight recorded at `position` (insights have no id), for the store's write-behind.
    public func insight(at position: UInt64) -> InsightRecord? {
        guard let owner = insightOwners[position] else { return nil }
        let list = entries[Int(owner)].insights
        return Self.index(of: position, in: list) { _ in true }.map { list[$0] }
    }

    public func person(_ salesperson: String) -> PersonRecord? { entryIndex(salesperson).flatMap { entries[$0].person } }
    public func sessions(of salesperson: String) -> [SessionRecord] { entryIndex(salesperson).map { entries[$0].sessions } ?? [] }
    public func goals(of salesperson: String) -> [GoalRecord] { entryIndex(salesperson).map { entries[$0].goals } ?? [] }
    public func commitments(of salesperson: String) -> [CommitmentRecord] {
        entryIndex(salesperson).map { entries[$0].commitments } ?? []
    }
    public func insights(of salesperson: String) -> [InsightRecord] { entryIndex(salesperson).map { entries[$0].insights } ?? [] }

    public func reviews(of salesperson: String) -> [ReviewFact] {
        guard let e = entryIndex(salesperson) else { return [] }
        return entries[e].reviews.map { r in
            let kind = KindOutcomeCounts.kinds[Int(r.slot / 3)]
            let outcome: Outcome = r.slot % 3 == 0 ? .kept : r.slot % 3 == 1 ? .partial : .missed
            return ReviewFact(kind: kind, outcome: outcome, at: Timestamp(milliseconds: r.at))
        }
    }

    public func people() -> [PersonRecord] { peopleInOrder.compactMap { entries[Int($0)].person } }

    public func people(foldedAs key: String) -> [PersonRecord] {
        (peopleByFold[ExactName(key)] ?? []).compactMap { entries[Int($0)].person }
    }

    /// Always nil: the store reads free text from its log.
    public func eventData(at position: UInt64) -> JSONValue? { nil }

    // MARK: Puts

    public mutating func put(_ session: SessionRecord) {
        var s = session
        let e = entry(creating: s.salesperson)
        s.salesperson = entries[e].name
        s.coach = intern(coach: s.coach)
        let key = ExactName(s.sessionId)
        let (old, oldEntry) = place(s, key: key, in: e, ids: \.sessionIds, list: \.sessions) { sameKey($0.sessionId, s.sessionId) }
        changes.sessions.insert(key)
        sessionChanged(from: old, in: oldEntry, to: s, in: e)
    }

    public mutating func put(_ goal: GoalRecord) {
        var g = goal
        let e = entry(creating: g.salesperson)
        g.salesperson = entries[e].name
        g.sessionId = intern(session: g.sessionId)
        let key = ExactName(g.goalId)
        _ = place(g, key: key, in: e, ids: \.goalIds, list: \.goals) { sameKey($0.goalId, g.goalId) }
        changes.goals.insert(key)
    }

    public mutating func put(_ commitment: CommitmentRecord) {
        var c = commitment
        let e = entry(creating: c.salesperson)
        c.salesperson = entries[e].name
        c.sessionId = intern(session: c.sessionId)
        if let goalId = c.goalId, let i = goalIds.index(forKey: ExactName(goalId)) { c.goalId = goalIds.keys[i].string }
        if let review = c.review { c.review?.sessionId = intern(session: review.sessionId) }
        let key = ExactName(c.commitmentId)
        let (old, oldEntry) = place(c, key: key, in: e, ids: \.commitmentIds, list: \.commitments) {
            sameKey($0.commitmentId, c.commitmentId)
        }
        changes.commitments.insert(key)
        reviewChanged(from: old, in: oldEntry, to: c, in: e)
    }

    /// Puts a record found by id into entry `e`'s `list`: in place when it is
    /// there already (same owner, same position), otherwise moved there or
    /// inserted, with `ids` pointing at it. Returns the record it replaced, if
    /// any, and whose list held it.
    private mutating func place<T: Positioned>(
        _ record: T, key: ExactName, in e: Int, ids: WritableKeyPath<IndexedReadModel, [ExactName: Locator]>,
        list: WritableKeyPath<Entry, [T]>, isSame: (T) -> Bool
    ) -> (old: T?, oldEntry: Int) {
        var old: T?
        var oldEntry = e
        if let loc = self[keyPath: ids][key] {
            oldEntry = Int(loc.entry)
            if let i = Self.index(of: loc.position, in: entries[oldEntry][keyPath: list], where: isSame) {
                if oldEntry == e, loc.position == record.position {
                    old = entries[e][keyPath: list][i]
                    entries[e][keyPath: list][i] = record
                    return (old, oldEntry)
                }
                old = entries[oldEntry][keyPath: list].remove(at: i)
            }
        }
        Self.insert(record, into: &entries[e][keyPath: list])
        self[keyPath: ids][key] = Locator(entry: Int32(e), position: record.position)
        return (old, oldEntry)
    }

    public mutating func put(_ insight: InsightRecord) {
        var n = insight
        let e = entry(creating: n.salesperson)
        n.salesperson = entries[e].name
        n.sessionId = intern(session: n.sessionId)
        if let owner = insightOwners[n.position], Int(owner) != e,
            let i = Self.index(of: n.position, in: entries[Int(owner)].insights, where: { _ in true })
        {
            entries[Int(owner)].insights.remove(at: i)
        }
        if let i = Self.index(of: n.position, in: entries[e].insights, where: { _ in true }) {
            entries[e].insights[i] = n
        } else {
            Self.insert(n, into: &entries[e].insights)
        }
        insightOwners[n.position] = Int32(e)
        changes.insights.insert(n.position)
    }

    public mutating func put(_ person: PersonRecord) {
        var p = person
        let e = entry(creating: p.salesperson)
        p.salesperson = entries[e].name
        p.coach = intern(coach: p.coach)
        p.latestSessionId = intern(session: p.latestSessionId)
        p.aliases = p.aliases.map { entryIndex($0).map { entries[$0].name } ?? $0 }
        if let target = p.mergedInto, let t = entryIndex(target) { p.mergedInto = entries[t].name }
        let old = entries[e].person
        entries[e].person = p
        if old == nil { indexNewPerson(e) }
        changes.people.insert(ExactName(p.salesperson))
        personChanged(from: old, to: p, in: e)
    }

    // MARK: Storage

    private mutating func entry(creating name: String) -> Int {
        if let e = entryIndex(name) { return e }
        entries.append(Entry(name: name))
        entryByName[ExactName(name)] = Int32(entries.count - 1)
        return entries.count - 1
    }

    private mutating func intern(coach: String) -> String {
        let (inserted, member) = coachNames.insert(ExactName(coach))
        return inserted ? coach : member.string
    }

    private func intern(session id: String) -> String {
        sessionIds.index(forKey: ExactName(id)).map { sessionIds.keys[$0].string } ?? id
    }

    private mutating func indexNewPerson(_ e: Int) {
        let name = ExactName(entries[e].name)
        let at = Self.insertionPoint(for: name, in: peopleInOrder, names: entries)
        peopleInOrder.insert(Int32(e), at: at)
        let fold = ExactName(NameSimilarity.folded(entries[e].name))
        var list = peopleByFold.removeValue(forKey: fold) ?? []
        list.insert(Int32(e), at: Self.insertionPoint(for: name, in: list, names: entries))
        peopleByFold[fold] = list
    }

    /// Where `name` goes in a list of entries sorted by name.
    static func insertionPoint(for name: ExactName, in list: [Int32], names: [Entry]) -> Int {
        var lo = 0
        var hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ExactName(names[Int(list[mid])].name) < name { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The index of the record at `position` in a list sorted by position that `matches`.
    static func index<T: Positioned>(of position: UInt64, in list: [T], where matches: (T) -> Bool) -> Int? {
        var lo = 0
        var hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if list[mid].position < position { lo = mid + 1 } else { hi = mid }
        }
        while lo < list.count, list[lo].position == position {
            if matches(list[lo]) { return lo }
            lo += 1
        }
        return nil
    }

    /// Keeps the list sorted by position; records arrive in order, so this is almost always an append.
    static func insert<T: Positioned>(_ record: T, into list: inout [T]) {
        if list.last.map({ $0.position <= record.position }) ?? true {
            list.append(record)
            return
        }
        var lo = 0
        var hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if list[mid].position <= record.position { lo = mid + 1 } else { hi = mid }
        }
        list.insert(record, at: lo)
    }
}

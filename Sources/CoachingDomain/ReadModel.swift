import CoachLogProtocol
import CoachLogJSON

/// Read access to the coaching read model. The fold and every projection are
/// written against this protocol, so the same code runs over the in-memory
/// model in tests and over LMDB tables inside a transaction in the daemon.
///
/// Per-salesperson lists come in event order (ascending position).
public protocol CoachingReadModel {
    func session(_ id: String) throws -> SessionRecord?
    func goal(_ id: String) throws -> GoalRecord?
    func commitment(_ id: String) throws -> CommitmentRecord?
    func person(_ salesperson: String) throws -> PersonRecord?
    func sessions(of salesperson: String) throws -> [SessionRecord]
    func goals(of salesperson: String) throws -> [GoalRecord]
    func commitments(of salesperson: String) throws -> [CommitmentRecord]
    func insights(of salesperson: String) throws -> [InsightRecord]
    /// The reviews of the salesperson's commitments: all follow-through needs,
    /// which a store can read without decoding whole records.
    func reviews(of salesperson: String) throws -> [ReviewFact]
    /// Every salesperson, by name.
    func people() throws -> [PersonRecord]
    /// The salespeople whose name folds to `key` (`NameSimilarity.folded`): the
    /// look-alike check asks this for every new name, so a store answers it from
    /// an index instead of reading everyone.
    func people(foldedAs key: String) throws -> [PersonRecord]
    /// The free-text members of the event at `position` (a store may answer
    /// with those alone: nothing else is read from it).
    func eventData(at position: UInt64) throws -> JSONValue?

    // Fast paths (FastPaths.swift): each answers exactly what the projections
    // would compute from the methods above, or nil when the model keeps no
    // index for it (the default) or cannot answer exactly; then the
    // projections compute it themselves.

    /// The counted reviews of every salesperson in scope of `.everyone` (as of
    /// `window.to`) with `at` in `window`.
    func organisationReviews(in window: Window) throws -> (total: Tally, byKind: ByKind)?
    /// How many salespeople `.everyone` covers as of `asOf`.
    func organisationSalespeople(asOf: AsOf) throws -> Int?
    /// The salespeople whose coach as of `asOf` is `coach`, by name in byte
    /// order (the order of `people()`); empty when there are none.
    func people(coachedBy coach: String, asOf: AsOf) throws -> [PersonRecord]?
}

/// One reviewed commitment, reduced to what follow-through counts.
public struct ReviewFact: Sendable, Equatable {
    public var kind: CommitmentKind
    public var outcome: Outcome
    public var at: Timestamp

    public init(kind: CommitmentKind, outcome: Outcome, at: Timestamp) {
        self.kind = kind
        self.outcome = outcome
        self.at = at
    }
}

extension CoachingReadModel {
    /// Reads everyone; stores keep an index.
    public func people(foldedAs key: String) throws -> [PersonRecord] {
        try people().filter { NameSimilarity.folded($0.salesperson) == key }
    }

    /// Derived from the full records; stores may answer faster. Withdrawn
    /// commitments and those made in a voided session never count.
    public func reviews(of salesperson: String) throws -> [ReviewFact] {
        try commitments(of: salesperson).compactMap { c in
            guard c.counts else { return nil }
            return c.review.map { ReviewFact(kind: c.kind, outcome: $0.outcome, at: $0.at) }
        }
    }
}

/// Write access for the fold. Each `put` inserts or replaces by id.
public protocol CoachingWriteModel: CoachingReadModel {
    mutating func put(_ session: SessionRecord) throws
    mutating func put(_ goal: GoalRecord) throws
    mutating func put(_ commitment: CommitmentRecord) throws
    mutating func put(_ insight: InsightRecord) throws
    mutating func put(_ person: PersonRecord) throws
}

/// The read model in plain dictionaries: the reference implementation used
/// by the domain's tests, and a model for any other store.
public struct InMemoryReadModel: CoachingWriteModel, Sendable, Equatable {
    // Keyed by exact bytes, like the store: `String` keys would merge canonically
    // equivalent spellings that the store keeps apart.
    public private(set) var sessionsById: [ExactName: SessionRecord] = [:]
    public private(set) var goalsById: [ExactName: GoalRecord] = [:]
    public private(set) var commitmentsById: [ExactName: CommitmentRecord] = [:]
    public private(set) var insightsByPosition: [UInt64: InsightRecord] = [:]
    public private(set) var peopleByName: [ExactName: PersonRecord] = [:]
    public private(set) var dataByPosition: [UInt64: JSONValue] = [:]

    public init() {}

    public func session(_ id: String) -> SessionRecord? { sessionsById[ExactName(id)] }
    public func goal(_ id: String) -> GoalRecord? { goalsById[ExactName(id)] }
    public func commitment(_ id: String) -> CommitmentRecord? { commitmentsById[ExactName(id)] }
    public func person(_ salesperson: String) -> PersonRecord? { peopleByName[ExactName(salesperson)] }

    public func sessions(of salesperson: String) -> [SessionRecord] {
        sessionsById.values.filter { sameKey($0.salesperson, salesperson) }.sorted { $0.position < $1.position }
    }
    public func goals(of salesperson: String) -> [GoalRecord] {
        goalsById.values.filter { sameKey($0.salesperson, salesperson) }.sorted { $0.position < $1.position }
    }
    public func commitments(of salesperson: String) -> [CommitmentRecord] {
        commitmentsById.values.filter { sameKey($0.salesperson, salesperson) }.sorted { $0.position < $1.position }
    }
    public func insights(of salesperson: String) -> [InsightRecord] {
        insightsByPosition.values.filter { sameKey($0.salesperson, salesperson) }.sorted { $0.position < $1.position }
    }
    /// By name, in byte order (the store's key order).
    public func people() -> [PersonRecord] {
        peopleByName.values.sorted { ExactName($0.salesperson) < ExactName($1.salesperson) }
    }
    public func eventData(at position: UInt64) -> JSONValue? { dataByPosition[position] }

    public mutating func put(_ session: SessionRecord) { sessionsById[ExactName(session.sessionId)] = session }
    public mutating func put(_ goal: GoalRecord) { goalsById[ExactName(goal.goalId)] = goal }
    public mutating func put(_ commitment: CommitmentRecord) {
        commitmentsById[ExactName(commitment.commitmentId)] = commitment
    }
    public mutating func put(_ insight: InsightRecord) { insightsByPosition[insight.position] = insight }
    public mutating func put(_ person: PersonRecord) { peopleByName[ExactName(person.salesperson)] = person }

    /// Validates and applies one event, as the store does, remembering its data for text look-ups.
    public mutating func record(_ event: CoachingEvent, position: UInt64, recordedAt: Timestamp) throws {
        try CoachingRules.validate(event, in: self, now: recordedAt)
        try CoachingRules.apply(event, position: position, recordedAt: recordedAt, to: &self)
        dataByPosition[position] = event.canonicalData
    }
}

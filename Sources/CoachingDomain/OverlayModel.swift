import CoachLogJSON
import CoachLogProtocol

/// A write layer over a read model: puts stay in the layer, reads see the
/// layer over the base, and `apply(to:)` moves the layer's records into a
/// model. The store validates and folds a batch of appends in layers (one per
/// append inside one per batch) so that a refused append is dropped alone and
/// the batch reaches the authoritative model only after its log commit.
///
/// Guarantees:
/// - Every read answers what the base would answer had the layer's puts been
///   made to it, order included (lists by ascending position, people by name
///   in byte order), for any base; the layer never writes to its base.
/// - A read about a name the layer has not touched is the base's answer, at
///   the base's cost; otherwise the cost is the base's answer plus the layer's
///   records of that name.
/// - `eventData(at:)` is the base's; the fast paths are the base's while the
///   layer is empty, and declined (nil) otherwise.
public struct OverlayModel<Base: CoachingReadModel>: CoachingWriteModel {
    public private(set) var base: Base
    private var layer = Layer()

    /// What a layer holds: the latest version of each record put, in the order first put.
    struct Layer {
        enum Key {
            case session(ExactName), goal(ExactName), commitment(ExactName), insight(UInt64), person(ExactName)
        }
        /// The layer's records of one name.
        struct Owned {
            var sessions: [ExactName] = []
            var goals: [ExactName] = []
            var commitments: [ExactName] = []
            var insights: [UInt64] = []
        }
        var sessions: [ExactName: SessionRecord] = [:]
        var goals: [ExactName: GoalRecord] = [:]
        var commitments: [ExactName: CommitmentRecord] = [:]
        var insights: [UInt64: InsightRecord] = [:]
        var people: [ExactName: PersonRecord] = [:]
        /// The layer's people by `NameSimilarity.folded` name, folded once per name.
        var peopleByFold: [ExactName: [ExactName]] = [:]
        var order: [Key] = []
        var owned: [ExactName: Owned] = [:]
        /// Names that a record put here moved away from (never, in the fold).
        var movedFrom: Set<ExactName> = []
    }

    public init(base: Base) { self.base = base }

    /// Nothing was put in this layer.
    public var isEmpty: Bool { layer.order.isEmpty }

    /// Puts the latest version of every record changed in the layer into
    /// `target`: records in the order first changed, then people. Consuming,
    /// so that the copy of the base held here is released before `target`
    /// (usually that base) is written, and the write does not copy it.
    public consuming func apply(to target: inout some CoachingWriteModel) throws {
        let layer = self.layer
        _ = consume self
        for key in layer.order {
            switch key {
            case .session(let id): if let r = layer.sessions[id] { try target.put(r) }
            case .goal(let id): if let r = layer.goals[id] { try target.put(r) }
            case .commitment(let id): if let r = layer.commitments[id] { try target.put(r) }
            case .insight(let p): if let r = layer.insights[p] { try target.put(r) }
            case .person: break
            }
        }
        for case .person(let name) in layer.order {
            if let r = layer.people[name] { try target.put(r) }
        }
    }

    // MARK: Reads

    public func session(_ id: String) throws -> SessionRecord? { try layer.sessions[ExactName(id)] ?? base.session(id) }
    public func goal(_ id: String) throws -> GoalRecord? { try layer.goals[ExactName(id)] ?? base.goal(id) }
    public func commitment(_ id: String) throws -> CommitmentRecord? {
        try layer.commitments[ExactName(id)] ?? base.commitment(id)
    }
    public func person(_ salesperson: String) throws -> PersonRecord? {
        try layer.people[ExactName(salesperson)] ?? base.person(salesperson)
    }

    private func touched(_ name: ExactName) -> Bool { layer.owned[name] != nil || layer.movedFrom.contains(name) }

    public func sessions(of salesperson: String) throws -> [SessionRecord] {
        let name = ExactName(salesperson)
        guard touched(name) else { return try base.sessions(of: salesperson) }
        return Self.overlay(
            try base.sessions(of: salesperson), (layer.owned[name]?.sessions ?? []).compactMap { layer.sessions[$0] }
        ) { layer.sessions[ExactName($0.sessionId)] != nil }
    }

    public func goals(of salesperson: String) throws -> [GoalRecord] {
        let name = ExactName(salesperson)
        guard touched(name) else { return try base.goals(of: salesperson) }
        return Self.overlay(try base.goals(of: salesperson), (layer.owned[name]?.goals ?? []).compactMap { layer.goals[$0] }) {
            layer.goals[ExactName($0.goalId)] != nil
        }
    }

    public func commitments(of salesperson: String) throws -> [CommitmentRecord] {
        let name = ExactName(salesperson)
        guard touched(name) else { return try base.commitments(of: salesperson) }
        return Self.overlay(
            try base.commitments(of: salesperson),
            (layer.owned[name]?.commitments ?? []).compactMap { layer.commitments[$0] }
        ) { layer.commitments[ExactName($0.commitmentId)] != nil }
    }

    public func insights(of salesperson: String) throws -> [InsightRecord] {
        let name = ExactName(salesperson)
        guard touched(name) || !layer.insights.isEmpty else { return try base.insights(of: salesperson) }
        return Self.overlay(
            try base.insights(of: salesperson), (layer.owned[name]?.insights ?? []).compactMap { layer.insights[$0] }
        ) { layer.insights[$0.position] != nil }
    }

    public func reviews(of salesperson: String) throws -> [ReviewFact] {
        guard touched(ExactName(salesperson)) else { return try base.reviews(of: salesperson) }
        return try commitments(of: salesperson).compactMap { c in
            guard c.counts else { return nil }
            return c.review.map { ReviewFact(kind: c.kind, outcome: $0.outcome, at: $0.at) }
        }
    }

    public func people() throws -> [PersonRecord] {
        guard !layer.people.isEmpty else { return try base.people() }
        return Self.overlay(people: try base.people(), layer.people.values)
    }

    public func people(foldedAs key: String) throws -> [PersonRecord] {
        let fromBase = try base.people(foldedAs: key)
        guard !layer.people.isEmpty else { return fromBase }
        let folded = ExactName(key)
        let names = layer.peopleByFold[folded] ?? []
        return Self.overlay(people: fromBase, names.compactMap { layer.people[$0] })
    }

    public func eventData(at position: UInt64) throws -> JSONValue? { try base.eventData(at: position) }

    public func organisationReviews(in window: Window) throws -> (total: Tally, byKind: ByKind)? {
        isEmpty ? try base.organisationReviews(in: window) : nil
    }
    public func organisationSalespeople(asOf: AsOf) throws -> Int? {
        isEmpty ? try base.organisationSalespeople(asOf: asOf) : nil
    }
    public func people(coachedBy coach: String, asOf: AsOf) throws -> [PersonRecord]? {
        isEmpty ? try base.people(coachedBy: coach, asOf: asOf) : nil
    }

    /// The base's list without the records the layer holds, with the layer's records of this name, by position.
    private static func overlay<T: Positioned>(_ base: [T], _ mine: [T], inLayer: (T) -> Bool) -> [T] {
        var result = base.filter { !inLayer($0) }
        for record in mine.sorted(by: { $0.position < $1.position }) { IndexedReadModel.insert(record, into: &result) }
        return result
    }

    private static func overlay(people base: [PersonRecord], _ mine: some Sequence<PersonRecord>) -> [PersonRecord] {
        let replaced = Set(mine.map { ExactName($0.salesperson) })
        var result = base.filter { !replaced.contains(ExactName($0.salesperson)) }
        for p in mine.sorted(by: { ExactName($0.salesperson) < ExactName($1.salesperson) }) {
            let name = ExactName(p.salesperson)
            var lo = 0
            var hi = result.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if ExactName(result[mid].salesperson) < name { lo = mid + 1 } else { hi = mid }
            }
            result.insert(p, at: lo)
        }
        return result
    }

    // MARK: Puts

    /// Files a record put here under its owner, unless the layer already has it there; `previous` is
    /// the owner of the version it replaces (the layer's or the base's), whose list must no longer show it.
    private mutating func file(
        _ owner: String, replacing inLayer: String?, previous: String?, _ add: (inout Layer.Owned) -> Void,
        _ drop: (inout Layer.Owned) -> Void
    ) {
        if let inLayer, sameKey(inLayer, owner) { return }
        let name = ExactName(owner)
        if let previous, !sameKey(previous, owner) {
            let old = ExactName(previous)
            layer.movedFrom.insert(old)
            if layer.owned[old] != nil { drop(&layer.owned[old, default: Layer.Owned()]) }
        }
        add(&layer.owned[name, default: Layer.Owned()])
    }

    public mutating func put(_ session: SessionRecord) throws {
        let key = ExactName(session.sessionId)
        let inLayer = layer.sessions.updateValue(session, forKey: key)
        if inLayer == nil { layer.order.append(.session(key)) }
        let previous = try inLayer?.salesperson ?? base.session(session.sessionId)?.salesperson
        file(session.salesperson, replacing: inLayer?.salesperson, previous: previous,
             { $0.sessions.append(key) }, { $0.sessions.removeAll { $0 == key } })
    }

    public mutating func put(_ goal: GoalRecord) throws {
        let key = ExactName(goal.goalId)
        let inLayer = layer.goals.updateValue(goal, forKey: key)
        if inLayer == nil { layer.order.append(.goal(key)) }
        let previous = try inLayer?.salesperson ?? base.goal(goal.goalId)?.salesperson
        file(goal.salesperson, replacing: inLayer?.salesperson, previous: previous,
             { $0.goals.append(key) }, { $0.goals.removeAll { $0 == key } })
    }

    public mutating func put(_ commitment: CommitmentRecord) throws {
        let key = ExactName(commitment.commitmentId)
        let inLayer = layer.commitments.updateValue(commitment, forKey: key)
        if inLayer == nil { layer.order.append(.commitment(key)) }
        let previous = try inLayer?.salesperson ?? base.commitment(commitment.commitmentId)?.salesperson
        file(commitment.salesperson, replacing: inLayer?.salesperson, previous: previous,
             { $0.commitments.append(key) }, { $0.commitments.removeAll { $0 == key } })
    }

    /// The base cannot say whose an insight was (it is found by owner only), so
    /// `insights(of:)` hides every base insight at a position the layer holds.
    public mutating func put(_ insight: InsightRecord) throws {
        let key = insight.position
        let inLayer = layer.insights.updateValue(insight, forKey: key)
        if inLayer == nil { layer.order.append(.insight(key)) }
        file(insight.salesperson, replacing: inLayer?.salesperson, previous: inLayer?.salesperson,
             { $0.insights.append(key) }, { $0.insights.removeAll { $0 == key } })
    }

    public mutating func put(_ person: PersonRecord) throws {
        let key = ExactName(person.salesperson)
        if layer.people.updateValue(person, forKey: key) == nil {
            layer.order.append(.person(key))
            layer.peopleByFold[ExactName(NameSimilarity.folded(person.salesperson)), default: []].append(key)
        }
    }
}

extension OverlayModel: Sendable where Base: Sendable {}
extension OverlayModel.Layer: Sendable {}
extension OverlayModel.Layer.Key: Sendable {}
extension OverlayModel.Layer.Owned: Sendable {}

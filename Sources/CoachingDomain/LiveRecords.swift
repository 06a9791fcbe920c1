import CoachLogProtocol

/// What the projections see of one person: the records that still count
/// (nothing voided), their own and those of every name merged into them, in
/// the order recorded. Corrections have already been folded into the records.
extension CoachingReadModel {
    /// The person's names: their own, then the names merged into them.
    func names(of person: PersonRecord) -> [String] { [person.salesperson] + person.aliases }

    func liveSessions(of person: PersonRecord) throws -> [SessionRecord] {
        Self.keeping(try merged(person) { try sessions(of: $0) }) { !$0.voided }
    }

    /// Commitments that count (not voided, not withdrawn).
    func liveCommitments(of person: PersonRecord) throws -> [CommitmentRecord] {
        Self.keeping(try merged(person) { try commitments(of: $0) }) { $0.counts }
    }

    func liveGoals(of person: PersonRecord) throws -> [GoalRecord] {
        Self.keeping(try merged(person) { try goals(of: $0) }) { !$0.voided }
    }

    func liveInsights(of person: PersonRecord) throws -> [InsightRecord] {
        Self.keeping(try merged(person) { try insights(of: $0) }) { !$0.voided }
    }

    /// The records that pass; the list itself when all do (nearly always),
    /// which costs no copy of its records.
    private static func keeping<T>(_ records: [T], _ passes: (T) -> Bool) -> [T] {
        // By index: the subscript lends each record to `passes`, where iterating would copy it
        // (and retain its strings), which showed in profiles of the organisation's team view.
        for index in records.indices where !passes(records[index]) { return records.filter(passes) }
        return records
    }

    func liveReviews(of person: PersonRecord) throws -> [ReviewFact] {
        if person.aliases.isEmpty { return try reviews(of: person.salesperson) }
        return try names(of: person).flatMap { try reviews(of: $0) }
    }

    private func merged<T: Positioned>(_ person: PersonRecord, _ read: (String) throws -> [T]) throws -> [T] {
        if person.aliases.isEmpty { return try read(person.salesperson) }
        return try names(of: person).flatMap(read).sorted { $0.position < $1.position }
    }

    /// The free text of the event at `position` (a goal's, a commitment's, an insight's, a note).
    func text(at position: UInt64, _ field: String = "text") throws -> String? {
        try eventData(at: position)?[field]?.stringValue
    }
}

/// Records ordered by the position of the event that created them.
protocol Positioned { var position: UInt64 { get } }
extension SessionRecord: Positioned {}
extension CommitmentRecord: Positioned {}
extension GoalRecord: Positioned {}
extension InsightRecord: Positioned {}

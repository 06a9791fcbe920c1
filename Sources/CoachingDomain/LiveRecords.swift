import CoachLogProtocol

/// What the projections see of one person: the records that still count
/// (nothing voided), their own and those of every name merged into them, in
/// the order recorded. Corrections have already been folded into the records.
extension CoachingReadModel {
    /// The person's names: their own, then the names merged into them.
    func names(of person: PersonRecord) -> [String] { [person.salesperson] + person.aliases }

    // Each reads one field of each record in place, by index: a generic predicate over the
    // records made a copy of every record (and retained its strings), which was most of the
    // cost of the organisation's team view. The list itself is returned when every record
    // passes (nearly always), which copies nothing.

    func liveSessions(of person: PersonRecord) throws -> [SessionRecord] {
        let records = try merged(person) { try sessions(of: $0) }
        for index in records.indices where records[index].voided { return records.filter { !$0.voided } }
        return records
    }

    /// Commitments that count (not voided, not withdrawn).
    func liveCommitments(of person: PersonRecord) throws -> [CommitmentRecord] {
        let records = try merged(person) { try commitments(of: $0) }
        for index in records.indices where !records[index].counts { return records.filter(\.counts) }
        return records
    }

    func liveGoals(of person: PersonRecord) throws -> [GoalRecord] {
        let records = try merged(person) { try goals(of: $0) }
        for index in records.indices where records[index].voided { return records.filter { !$0.voided } }
        return records
    }

    func liveInsights(of person: PersonRecord) throws -> [InsightRecord] {
        let records = try merged(person) { try insights(of: $0) }
        for index in records.indices where records[index].voided { return records.filter { !$0.voided } }
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

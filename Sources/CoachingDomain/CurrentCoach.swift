import CoachLogProtocol

extension Projections {
    /// The coach of the salesperson's latest session opened before `asOf`,
    /// following a merge of the name into another (whose record it now is),
    /// as every projection defines "their coach". Nil for a name the record
    /// does not know, or one whose every session was voided. Access control
    /// asks this to decide whether a coach may see a person's record.
    public static func currentCoach(of salesperson: String, asOf: AsOf, model: some CoachingReadModel) throws -> String? {
        guard var person = try model.person(salesperson) else { return nil }
        // A merge chain is short; the bound only guards against a cycle in a damaged model.
        for _ in 0..<16 {
            guard let target = person.mergedInto else { break }
            guard let next = try model.person(target) else { return nil }
            person = next
        }
        guard person.mergedInto == nil, person.hasSessions else { return nil }
        return try coachOf(person, asOf: asOf, model: model)
    }
}

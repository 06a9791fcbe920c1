import CoachLogProtocol

extension CoachingReadModel {
    /// No index: the projections count person by person.
    public func organisationReviews(in window: Window) throws -> (total: Tally, byKind: ByKind)? { nil }
    /// No index: the projections count person by person.
    public func organisationSalespeople(asOf: AsOf) throws -> Int? { nil }
    /// No index: the projections read everyone.
    public func people(coachedBy coach: String, asOf: AsOf) throws -> [PersonRecord]? { nil }
}

extension Projections {
    /// `followThrough` for `.everyone` from the model's organisation totals,
    /// when it keeps them: the same report as summing person by person (the
    /// model guarantees its totals equal that sum, or gives none).
    static func organisationFollowThrough(
        weeks: Int?, asOf: AsOf, current: Window, previous: Window, weekly: [Window], model: some CoachingReadModel
    ) throws -> FollowThroughReport? {
        guard let salespeople = try model.organisationSalespeople(asOf: asOf),
            let now = try model.organisationReviews(in: current)
        else { return nil }
        var before: (total: Tally, byKind: ByKind)?
        var perWeek: [WindowTally] = []
        if weeks != nil {
            guard let tallies = try model.organisationReviews(in: previous) else { return nil }
            before = tallies
            for window in weekly {
                guard let week = try model.organisationReviews(in: window) else { return nil }
                perWeek.append(WindowTally(tally: week.total, byKind: week.byKind, window: window))
            }
        }
        return FollowThroughReport(
            scope: .everyone, asOf: asOf.text, salespeople: salespeople, window: current, total: now.total,
            byKind: now.byKind, weeks: weeks,
            previous: before.map { WindowTally(tally: $0.total, byKind: $0.byKind, window: previous) },
            weekly: weeks.map { _ in perWeek })
    }
}

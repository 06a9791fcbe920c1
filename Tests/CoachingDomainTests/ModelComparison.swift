import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import Testing

/// A model without free text (`IndexedReadModel`, an overlay) read with the
/// reference's text, as the store reads its log: every other read, the fast
/// paths included, is the wrapped model's.
struct WithText<Model: CoachingReadModel>: CoachingReadModel {
    var model: Model
    var data: [UInt64: JSONValue]

    func session(_ id: String) throws -> SessionRecord? { try model.session(id) }
    func goal(_ id: String) throws -> GoalRecord? { try model.goal(id) }
    func commitment(_ id: String) throws -> CommitmentRecord? { try model.commitment(id) }
    func person(_ salesperson: String) throws -> PersonRecord? { try model.person(salesperson) }
    func sessions(of salesperson: String) throws -> [SessionRecord] { try model.sessions(of: salesperson) }
    func goals(of salesperson: String) throws -> [GoalRecord] { try model.goals(of: salesperson) }
    func commitments(of salesperson: String) throws -> [CommitmentRecord] { try model.commitments(of: salesperson) }
    func insights(of salesperson: String) throws -> [InsightRecord] { try model.insights(of: salesperson) }
    func reviews(of salesperson: String) throws -> [ReviewFact] { try model.reviews(of: salesperson) }
    func people() throws -> [PersonRecord] { try model.people() }
    func people(foldedAs key: String) throws -> [PersonRecord] { try model.people(foldedAs: key) }
    func eventData(at position: UInt64) throws -> JSONValue? { data[position] }
    func organisationReviews(in window: Window) throws -> (total: Tally, byKind: ByKind)? {
        try model.organisationReviews(in: window)
    }
    func organisationSalespeople(asOf: AsOf) throws -> Int? { try model.organisationSalespeople(asOf: asOf) }
    func people(coachedBy coach: String, asOf: AsOf) throws -> [PersonRecord]? {
        try model.people(coachedBy: coach, asOf: asOf)
    }
}

/// The same answer, or the same error, from both sides.
func expectSame<T: Equatable>(
    _ what: @autoclosure () -> String, _ reference: () throws -> T, _ candidate: () throws -> T,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let expected = Result { try reference() }
    let actual = Result { try candidate() }
    switch (expected, actual) {
    case (.success(let a), .success(let b)):
        #expect(a == b, "\(what())", sourceLocation: sourceLocation)
    case (.failure(let a), .failure(let b)):
        #expect(String(describing: a) == String(describing: b), "\(what())", sourceLocation: sourceLocation)
    default:
        Issue.record("\(what()): reference \(expected), candidate \(actual)", sourceLocation: sourceLocation)
    }
}

/// Every read of the protocol, for every name and id the reference knows, answers the same.
func expectSameReads(
    _ reference: InMemoryReadModel, _ candidate: some CoachingReadModel, names: [String],
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let known = Set(reference.peopleByName.keys.map(\.string)).union(names)
    for name in known {
        expectSame("person \(name)", { reference.person(name) }, { try candidate.person(name) }, sourceLocation: sourceLocation)
        expectSame("sessions \(name)", { reference.sessions(of: name) }, { try candidate.sessions(of: name) }, sourceLocation: sourceLocation)
        expectSame("goals \(name)", { reference.goals(of: name) }, { try candidate.goals(of: name) }, sourceLocation: sourceLocation)
        expectSame("commitments \(name)", { reference.commitments(of: name) }, { try candidate.commitments(of: name) }, sourceLocation: sourceLocation)
        expectSame("insights \(name)", { reference.insights(of: name) }, { try candidate.insights(of: name) }, sourceLocation: sourceLocation)
        expectSame("reviews \(name)", { try reference.reviews(of: name) }, { try candidate.reviews(of: name) }, sourceLocation: sourceLocation)
        let key = NameSimilarity.folded(name)
        expectSame("people folded as \(key)", { try reference.people(foldedAs: key) }, { try candidate.people(foldedAs: key) }, sourceLocation: sourceLocation)
    }
    expectSame("people", { reference.people() }, { try candidate.people() }, sourceLocation: sourceLocation)
    for id in reference.sessionsById.keys {
        expectSame("session \(id.string)", { reference.session(id.string) }, { try candidate.session(id.string) }, sourceLocation: sourceLocation)
    }
    for id in reference.goalsById.keys {
        expectSame("goal \(id.string)", { reference.goal(id.string) }, { try candidate.goal(id.string) }, sourceLocation: sourceLocation)
    }
    for id in reference.commitmentsById.keys {
        expectSame("commitment \(id.string)", { reference.commitment(id.string) }, { try candidate.commitment(id.string) }, sourceLocation: sourceLocation)
    }
}

/// Every projection, at every scope, answers the same.
func expectSameProjections(
    _ reference: InMemoryReadModel, _ candidate: some CoachingReadModel, names: [String], coaches: [String], asOf: AsOf,
    weeks: Int?, sourceLocation: SourceLocation = #_sourceLocation
) {
    let at = "asOf \(asOf.text) (\(asOf.end.milliseconds)) weeks \(weeks.map(String.init) ?? "nil")"
    let scopes: [Scope] = [.everyone] + names.map(Scope.salesperson) + coaches.map(Scope.coach)
    for scope in scopes {
        expectSame("followThrough \(scope) \(at)", {
            try Projections.followThrough(scope: scope, weeks: weeks, asOf: asOf, model: reference)
        }, { try Projections.followThrough(scope: scope, weeks: weeks, asOf: asOf, model: candidate) }, sourceLocation: sourceLocation)
        for overdueOnly in [false, true] {
            expectSame("openCommitments \(scope) \(overdueOnly) \(at)", {
                try Projections.openCommitments(scope: scope, overdueOnly: overdueOnly, asOf: asOf, model: reference)
            }, { try Projections.openCommitments(scope: scope, overdueOnly: overdueOnly, asOf: asOf, model: candidate) },
                sourceLocation: sourceLocation)
        }
        expectSame("cadence \(scope) \(at)", { try Projections.cadence(scope: scope, asOf: asOf, model: reference) }, {
            try Projections.cadence(scope: scope, asOf: asOf, model: candidate)
        }, sourceLocation: sourceLocation)
        expectSame("team \(scope) \(at)", { try Projections.team(scope: scope, weeks: weeks, asOf: asOf, model: reference) }, {
            try Projections.team(scope: scope, weeks: weeks, asOf: asOf, model: candidate)
        }, sourceLocation: sourceLocation)
        // The dashboard's trend, longer than the windows (or shorter, with weeks above 12).
        expectSame("team \(scope) \(at) trendWeeks 12", {
            try Projections.team(scope: scope, weeks: weeks, trendWeeks: 12, asOf: asOf, model: reference)
        }, { try Projections.team(scope: scope, weeks: weeks, trendWeeks: 12, asOf: asOf, model: candidate) },
            sourceLocation: sourceLocation)
    }
    for name in names {
        expectSame("goals \(name) \(at)", { try Projections.goals(salesperson: name, weeks: weeks, asOf: asOf, model: reference) }, {
            try Projections.goals(salesperson: name, weeks: weeks, asOf: asOf, model: candidate)
        }, sourceLocation: sourceLocation)
        expectSame("goals \(name) all time", { try Projections.goals(salesperson: name, model: reference) }, {
            try Projections.goals(salesperson: name, model: candidate)
        }, sourceLocation: sourceLocation)
        expectSame("topics \(name) \(at)", { try Projections.topics(salesperson: name, asOf: asOf, model: reference) }, {
            try Projections.topics(salesperson: name, asOf: asOf, model: candidate)
        }, sourceLocation: sourceLocation)
        expectSame("sessions \(name)", { try Projections.sessions(salesperson: name, model: reference) }, {
            try Projections.sessions(salesperson: name, model: candidate)
        }, sourceLocation: sourceLocation)
        expectSame("prep \(name) \(at)", { try Projections.prep(salesperson: name, asOf: asOf, model: reference) }, {
            try Projections.prep(salesperson: name, asOf: asOf, model: candidate)
        }, sourceLocation: sourceLocation)
    }
}

import CoachLogJSON
import CoachLogProtocol
import CoachingDomain

/// A `query` request's projection and parameters, checked before any read.
struct ProjectionQuery: Sendable {
    enum Kind: String, CaseIterable {
        case followThrough, openCommitments, cadence, goals, topics, sessions
    }

    var kind: Kind
    var scope: Scope
    var weeks: Int?
    var asOf: AsOf
    var overdueOnly: Bool

    init(_ fields: [String: JSONValue], now: Timestamp) throws {
        let names = Kind.allCases.map(\.rawValue).joined(separator: ", ")
        guard case .string(let name)? = fields["projection"] else {
            throw ProtocolError(.badRequest, "query needs \"projection\": one of \(names)")
        }
        guard let kind = Kind(rawValue: name) else {
            throw ProtocolError(.badRequest, "unknown projection \"\(name)\"; use one of \(names)")
        }
        let allowed: Set<String>
        switch kind {
        case .followThrough: allowed = ["salesperson", "coach", "weeks", "asOf"]
        case .openCommitments: allowed = ["salesperson", "coach", "asOf", "overdue"]
        case .cadence: allowed = ["salesperson", "coach", "asOf"]
        case .goals, .sessions: allowed = ["salesperson"]
        case .topics: allowed = ["salesperson", "asOf"]
        }
        var rest = fields
        rest.removeValue(forKey: "projection")
        let access = try FieldAccess(rest, op: .query, allowed: allowed)
        self.kind = kind
        let salesperson = try access.string("salesperson")
        let coach = try access.string("coach")
        switch (salesperson, coach) {
        case (let s?, nil): scope = .salesperson(s)
        case (nil, let c?): scope = .coach(c)
        case (nil, nil): scope = .everyone
        case (_?, _?): throw ProtocolError(.badRequest, "give \"salesperson\" or \"coach\", not both")
        }
        if [.goals, .topics, .sessions].contains(kind), salesperson == nil {
            throw ProtocolError(.badRequest, "the \(name) projection needs \"salesperson\"")
        }
        weeks = try access.integer("weeks", range: 1...Int64(Projections.maximumWeeks)).map { Int($0) }
        if let text = try access.string("asOf") {
            guard let parsed = AsOf(parsing: text) else {
                throw ProtocolError(
                    .badRequest, "\"asOf\" \"\(text)\" is not a date (2026-11-26) or an ISO 8601 timestamp (2026-11-26T17:00:00Z)")
            }
            asOf = parsed
        } else {
            asOf = .instant(now)
        }
        overdueOnly = try access.bool("overdue") ?? false
    }

    func run(_ model: any CoachingReadModel) throws -> JSONValue {
        switch kind {
        case .followThrough: return try Projections.followThrough(scope: scope, weeks: weeks, asOf: asOf, model: model)
        case .openCommitments:
            return try Projections.openCommitments(scope: scope, overdueOnly: overdueOnly, asOf: asOf, model: model)
        case .cadence: return try Projections.cadence(scope: scope, asOf: asOf, model: model)
        case .goals: return try Projections.goals(salesperson: salesperson, model: model)
        case .topics: return try Projections.topics(salesperson: salesperson, asOf: asOf, model: model)
        case .sessions: return try Projections.sessions(salesperson: salesperson, model: model)
        }
    }

    private var salesperson: String {
        if case .salesperson(let s) = scope { return s }
        return ""
    }
}

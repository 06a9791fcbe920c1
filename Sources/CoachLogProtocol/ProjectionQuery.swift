import CoachLogJSON

/// A `query` request's projection and parameters, checked before any read:
/// which fields each projection takes, `salesperson` or `coach` (not both),
/// `weeks` within 1…520, `trendWeeks` within 1…52, `asOf` a date or time
/// within the accepted range, and `minPosition` a position (a whole number ≥ 0).
public struct ProjectionQuery: Sendable, Equatable {
    public static let maximumWeeks = 520
    /// The most weekly points `team`'s `trendWeeks` asks for (`TeamReport.maximumTrendWeeks`).
    public static let maximumTrendWeeks = TeamReport.maximumTrendWeeks
    /// How long a query with `minPosition` waits for the daemon to reach that
    /// position before it fails with `unavailable` (Protocol.md §5.7).
    public static let minPositionWait = Duration.seconds(2)

    public var projection: ProjectionName
    public var scope: Scope
    public var weeks: Int?
    /// `team` only: how many weekly points each trend has; nil means as many as `weeks`.
    public var trendWeeks: Int?
    /// Nil means "now", read by the daemon when it runs the query.
    public var asOf: AsOf?
    /// `openCommitments` only: leave out the rows that are not overdue.
    public var overdueOnly: Bool
    /// The answer must include every event up to this position: the daemon
    /// waits (up to `minPositionWait`) until its projections have reached it.
    /// Nil (or 0) answers at once.
    public var minPosition: UInt64?

    public init(
        _ projection: ProjectionName, scope: Scope = .everyone, weeks: Int? = nil, trendWeeks: Int? = nil, asOf: AsOf? = nil,
        overdueOnly: Bool = false, minPosition: UInt64? = nil
    ) {
        self.projection = projection
        self.scope = scope
        self.weeks = weeks
        self.trendWeeks = trendWeeks
        self.asOf = asOf
        self.overdueOnly = overdueOnly
        self.minPosition = minPosition
    }

    /// The fields each projection takes besides `projection`.
    static func allowedFields(_ projection: ProjectionName) -> Set<String> {
        scopedFields(projection).union(["minPosition"])
    }

    /// The fields that shape a projection's answer (every projection also takes `minPosition`).
    static func scopedFields(_ projection: ProjectionName) -> Set<String> {
        switch projection {
        case .followThrough: return ["salesperson", "coach", "weeks", "asOf"]
        case .openCommitments: return ["salesperson", "coach", "asOf", "overdue"]
        case .cadence: return ["salesperson", "coach", "asOf"]
        case .sessions: return ["salesperson"]
        case .goals: return ["salesperson", "weeks", "asOf"]
        case .topics, .prep: return ["salesperson", "asOf"]
        case .team: return ["coach", "weeks", "trendWeeks", "asOf"]
        }
    }

    init(_ fields: [String: JSONValue]) throws(ProtocolError) {
        guard case .string(let name)? = fields["projection"] else {
            throw ProtocolError(.badRequest, "query needs \"projection\": one of \(ProjectionName.wireNames)")
        }
        guard let projection = ProjectionName(rawValue: name) else {
            throw ProtocolError(.badRequest, "unknown projection \"\(name)\"; use one of \(ProjectionName.wireNames)")
        }
        var rest = fields
        rest.removeValue(forKey: "projection")
        let access = try FieldAccess(rest, op: .query, allowed: Self.allowedFields(projection))
        self.projection = projection
        let salesperson = try access.string("salesperson")
        let coach = try access.string("coach")
        switch (salesperson, coach) {
        case (let s?, nil): scope = .salesperson(s)
        case (nil, let c?): scope = .coach(c)
        case (nil, nil): scope = .everyone
        case (_?, _?): throw ProtocolError(.badRequest, "give \"salesperson\" or \"coach\", not both")
        }
        if [.goals, .topics, .sessions, .prep].contains(projection), salesperson == nil {
            throw ProtocolError(.badRequest, "the \(name) projection needs \"salesperson\"")
        }
        weeks = try access.integer("weeks", range: 1...Int64(Self.maximumWeeks)).map { Int($0) }
        trendWeeks = try access.integer("trendWeeks", range: 1...Int64(Self.maximumTrendWeeks)).map { Int($0) }
        if let text = try access.string("asOf") {
            guard let parsed = AsOf(parsing: text) else {
                throw ProtocolError(
                    .badRequest, "\"asOf\" \"\(text)\" is not a date (2026-11-26) or an ISO 8601 timestamp (2026-11-26T17:00:00Z)")
            }
            guard parsed.day.isAccepted else {
                throw ProtocolError(.badRequest, "\"asOf\" \"\(text)\" is out of range: it must lie \(Day.acceptedRangeText)")
            }
            asOf = parsed
        } else {
            asOf = nil
        }
        overdueOnly = try access.bool("overdue") ?? false
        minPosition = try Self.position(access.value("minPosition"), field: "minPosition")
    }

    /// A position given by a client: a whole number ≥ 0 (0: none yet).
    static func position(_ value: JSONValue?, field: String) throws(ProtocolError) -> UInt64? {
        guard let value else { return nil }
        guard let i = value.integerValue, i >= 0 else {
            throw ProtocolError(.badRequest, "\"\(field)\" must be a position (a whole number, 0 or more), not \(JSONWriter.string(value))")
        }
        return UInt64(i)
    }

    var fields: [String: JSONValue] {
        var o: [String: JSONValue] = ["projection": .string(projection.rawValue)]
        switch scope {
        case .everyone: break
        case .salesperson(let s): o["salesperson"] = .string(s)
        case .coach(let c): o["coach"] = .string(c)
        }
        if let weeks { o["weeks"] = .integer(Int64(weeks)) }
        if let trendWeeks { o["trendWeeks"] = .integer(Int64(trendWeeks)) }
        if let asOf { o["asOf"] = .string(asOf.text) }
        if overdueOnly { o["overdue"] = .bool(true) }
        if let minPosition { o["minPosition"] = .integer(Int64(clamping: minPosition)) }
        return o
    }

    /// The salesperson named, for the per-salesperson projections.
    public var salesperson: String? {
        if case .salesperson(let s) = scope { return s }
        return nil
    }
}

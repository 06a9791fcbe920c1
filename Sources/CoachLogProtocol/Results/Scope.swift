import CoachLogJSON

/// Whose record a projection covers. On the wire: `{}` for everyone,
/// `{"salesperson": NAME}` or `{"coach": NAME}`.
public enum Scope: Sendable, Hashable, Codable, JSONValueConvertible {
    case everyone
    case salesperson(String)
    /// The salespeople whose latest session (as of the query) was with this coach.
    case coach(String)

    private enum CodingKeys: String, CodingKey { case salesperson, coach }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let s = try c.decodeIfPresent(String.self, forKey: .salesperson) {
            self = .salesperson(s)
        } else if let coach = try c.decodeIfPresent(String.self, forKey: .coach) {
            self = .coach(coach)
        } else {
            self = .everyone
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .everyone: break
        case .salesperson(let s): try c.encode(s, forKey: .salesperson)
        case .coach(let coach): try c.encode(coach, forKey: .coach)
        }
    }

    /// The wire form by hand; equal to `encode(to:)`.
    public var jsonValue: JSONValue {
        switch self {
        case .everyone: return [:]
        case .salesperson(let s): return ["salesperson": .string(s)]
        case .coach(let coach): return ["coach": .string(coach)]
        }
    }
}

/// The projections a `query` can ask for, by wire name.
public enum ProjectionName: String, Sendable, Hashable, CaseIterable, Codable {
    case followThrough, openCommitments, cadence, goals, topics, sessions, team, prep

    public static let wireNames = allCases.map(\.rawValue).joined(separator: ", ")
}

/// How healthy a follow-through rate is, so that every client colours it the
/// same way: `good` at 70 % or more, `fair` from 40 % up to 70 %, `poor` below.
public enum Health: String, Sendable, Hashable, CaseIterable, Codable {
    case good, fair, poor

    public static let goodFrom = 0.7
    public static let fairFrom = 0.4

    /// Nil when nothing was reviewed.
    public init?(rate: Double?) {
        guard let rate else { return nil }
        self = rate >= Health.goodFrom ? .good : rate >= Health.fairFrom ? .fair : .poor
    }
}

/// Where a goal stands.
public enum GoalStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case active, achieved, dropped
}

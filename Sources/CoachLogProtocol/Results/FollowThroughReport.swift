import CoachLogJSON

/// Reviewed commitments counted by outcome, with the rates derived from the
/// counts (brief §Numbers): `rate` = kept / reviewed (no partial credit),
/// `weightedRate` = (kept + 0.5 × partial) / reviewed, both nil (null) when
/// nothing was reviewed.
public struct Tally: Sendable, Equatable, Codable, JSONValueConvertible {
    public var kept: Int
    public var partial: Int
    public var missed: Int

    public init(kept: Int = 0, partial: Int = 0, missed: Int = 0) {
        self.kept = kept
        self.partial = partial
        self.missed = missed
    }

    // The figures below are derived, never stored: a tally read from the wire
    // is its counts, and its rates follow from them by the brief's definitions.
    public var reviewed: Int { kept + partial + missed }
    public var rate: Double? { reviewed == 0 ? nil : Double(kept) / Double(reviewed) }
    public var weightedRate: Double? { reviewed == 0 ? nil : (Double(kept) + 0.5 * Double(partial)) / Double(reviewed) }
    public var health: Health? { Health(rate: rate) }

    /// The wire form, written by hand: a follow-through report holds a dozen
    /// tallies and is the hottest query. `encode(to:)` writes the same members.
    public var jsonValue: JSONValue { .object(jsonMembers) }

    /// The members alone, for the results that flatten a tally into their own object.
    var jsonMembers: [String: JSONValue] {
        [
            "reviewed": .integer(Int64(reviewed)), "kept": .integer(Int64(kept)), "partial": .integer(Int64(partial)),
            "missed": .integer(Int64(missed)), "rate": rate.map(JSONValue.double) ?? .null,
            "weightedRate": weightedRate.map(JSONValue.double) ?? .null,
            "health": health.map { .string($0.rawValue) } ?? .null,
        ]
    }

    /// `jsonMembers` with room for `extra` more, so a flattening result adds its own without regrowing.
    func jsonMembers(reserving extra: Int) -> [String: JSONValue] {
        var members = jsonMembers
        members.reserveCapacity(members.count + extra)
        return members
    }

    public func encode(to encoder: any Encoder) throws { try jsonValue.encode(to: encoder) }

    private enum CodingKeys: String, CodingKey { case kept, partial, missed }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            kept: try c.decode(Int.self, forKey: .kept), partial: try c.decode(Int.self, forKey: .partial),
            missed: try c.decode(Int.self, forKey: .missed))
    }

    /// Counts one more review.
    public mutating func add(_ outcome: Outcome) {
        switch outcome {
        case .kept: kept += 1
        case .partial: partial += 1
        case .missed: missed += 1
        }
    }
}

/// A tally per commitment kind; every kind is present, zero when none.
public struct ByKind: Sendable, Equatable, Codable, JSONValueConvertible {
    public var more = Tally()
    public var better = Tally()
    public var different = Tally()

    public init() {}

    /// The wire form by hand (results are encoded on the query hot path); equal to the Codable form.
    public var jsonValue: JSONValue {
        ["more": more.jsonValue, "better": better.jsonValue, "different": different.jsonValue]
    }

    public subscript(kind: CommitmentKind) -> Tally {
        get {
            switch kind {
            case .more: return more
            case .better: return better
            case .different: return different
            }
        }
        set {
            switch kind {
            case .more: more = newValue
            case .better: better = newValue
            case .different: different = newValue
            }
        }
    }
}

/// A half-open window [from, to) of review times; `from` is null for "all time".
public struct Window: Sendable, Equatable, Codable, JSONValueConvertible {
    public var from: Timestamp?
    public var to: Timestamp

    public init(from: Timestamp?, to: Timestamp) {
        self.from = from
        self.to = to
    }

    public func contains(_ t: Timestamp) -> Bool { t < to && (from.map { $0 <= t } ?? true) }

    /// The wire form by hand; equal to the Codable form (`from` null for all time).
    public var jsonValue: JSONValue { ["from": .orNull(from), "to": to.jsonValue] }
}

/// A tally over one window; on the wire the tally's fields sit beside
/// `window` and `byKind` (when present).
public struct WindowTally: Sendable, Equatable, Codable, JSONValueConvertible {
    public var tally: Tally
    /// The same reviews by commitment kind. The daemon sends it for `previous` and for every
    /// `weekly` entry (so a chart of follow-through by kind over time needs one query); nil only
    /// when the wire form has none, as from a daemon older than weekly `byKind`.
    public var byKind: ByKind?
    public var window: Window

    public init(tally: Tally, byKind: ByKind? = nil, window: Window) {
        self.tally = tally
        self.byKind = byKind
        self.window = window
    }

    private enum CodingKeys: String, CodingKey { case byKind, window }

    public init(from decoder: any Decoder) throws {
        tally = try Tally(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        byKind = try c.decodeIfPresent(ByKind.self, forKey: .byKind)
        window = try c.decode(Window.self, forKey: .window)
    }

    public func encode(to encoder: any Encoder) throws {
        try tally.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        if let byKind { try c.encode(byKind, forKey: .byKind) }
        try c.encode(window, forKey: .window)
    }

    /// The wire form by hand, as `encode(to:)`: `byKind` absent, not null, when nil.
    public var jsonValue: JSONValue {
        var members = tally.jsonMembers(reserving: 2)
        if let byKind { members["byKind"] = byKind.jsonValue }
        members["window"] = window.jsonValue
        return .object(members)
    }
}

/// Current minus previous, for a trend arrow; nil when either side is nil.
public struct RateChange: Sendable, Equatable, Codable, JSONValueConvertible {
    public var rate: Double?
    public var weightedRate: Double?

    public init(current: Tally, previous: Tally) {
        rate = current.rate.flatMap { c in previous.rate.map { c - $0 } }
        weightedRate = current.weightedRate.flatMap { c in previous.weightedRate.map { c - $0 } }
    }

    /// The wire form by hand; equal to the Codable form (null when nil).
    public var jsonValue: JSONValue { ["rate": .orNull(rate), "weightedRate": .orNull(weightedRate)] }
}

/// The `followThrough` projection: the say-do ratio of the people in scope,
/// over all time or the last `weeks` weeks up to `asOf`; with `weeks`, also
/// the previous window of equal length, the change, and one tally per week
/// (oldest first), each with its `byKind`.
public struct FollowThroughReport: WireResult, JSONValueConvertible {
    public var projection = ProjectionName.followThrough
    public var scope: Scope
    /// The `asOf` the query was evaluated at, as given (a date) or normalized (a time).
    public var asOf: String
    /// How many salespeople are in scope.
    public var salespeople: Int
    public var window: Window
    public var total: Tally
    public var byKind: ByKind
    public var weeks: Int?
    public var previous: WindowTally?
    public var change: RateChange?
    public var weekly: [WindowTally]?

    public init(
        scope: Scope, asOf: String, salespeople: Int, window: Window, total: Tally, byKind: ByKind, weeks: Int? = nil,
        previous: WindowTally? = nil, weekly: [WindowTally]? = nil
    ) {
        self.scope = scope
        self.asOf = asOf
        self.salespeople = salespeople
        self.window = window
        self.total = total
        self.byKind = byKind
        self.weeks = weeks
        self.previous = previous
        self.change = previous.map { RateChange(current: total, previous: $0.tally) }
        self.weekly = weekly
    }

    private enum CodingKeys: String, CodingKey {
        case projection, scope, asOf, salespeople, window, byKind, weeks, previous, change, weekly
    }

    public init(from decoder: any Decoder) throws {
        total = try Tally(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        projection = try c.decode(ProjectionName.self, forKey: .projection)
        scope = try c.decode(Scope.self, forKey: .scope)
        asOf = try c.decode(String.self, forKey: .asOf)
        salespeople = try c.decode(Int.self, forKey: .salespeople)
        window = try c.decode(Window.self, forKey: .window)
        byKind = try c.decode(ByKind.self, forKey: .byKind)
        weeks = try c.decodeIfPresent(Int.self, forKey: .weeks)
        previous = try c.decodeIfPresent(WindowTally.self, forKey: .previous)
        change = try c.decodeIfPresent(RateChange.self, forKey: .change)
        weekly = try c.decodeIfPresent([WindowTally].self, forKey: .weekly)
    }

    public func encode(to encoder: any Encoder) throws {
        try total.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(projection, forKey: .projection)
        try c.encode(scope, forKey: .scope)
        try c.encode(asOf, forKey: .asOf)
        try c.encode(salespeople, forKey: .salespeople)
        try c.encode(window, forKey: .window)
        try c.encode(byKind, forKey: .byKind)
        // The trend fields exist only for a query with `weeks`: absent, not null, without it.
        if let weeks {
            try c.encode(weeks, forKey: .weeks)
            try c.encodeIfPresent(previous, forKey: .previous)
            try c.encodeIfPresent(change, forKey: .change)
            try c.encodeIfPresent(weekly, forKey: .weekly)
        }
    }

    /// The wire form by hand, as `encode(to:)`: the trend members are absent without `weeks`,
    /// and with it each is present (null when nil).
    public var jsonValue: JSONValue {
        var members = total.jsonMembers(reserving: 10)
        members["projection"] = .name(projection)
        members["scope"] = scope.jsonValue
        members["asOf"] = .string(asOf)
        members["salespeople"] = .int(salespeople)
        members["window"] = window.jsonValue
        members["byKind"] = byKind.jsonValue
        if let weeks {
            members["weeks"] = .int(weeks)
            members["previous"] = .orNull(previous)
            members["change"] = .orNull(change)
            members["weekly"] = weekly.map { .list($0) } ?? .null
        }
        return .object(members)
    }
}

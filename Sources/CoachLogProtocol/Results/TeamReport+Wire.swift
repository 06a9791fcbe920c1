import CoachLogJSON

/// `TeamReport` read from the wire by hand. A whole organisation's team view
/// has thousands of rows of some twenty members each, and reading it through
/// Codable was half of the dashboard's time for its overview page. On every
/// reply the daemon sends it equals the Codable reading (`HandWrittenFormTests`
/// checks both); as Codable does, an absent optional member reads as nil.
extension TeamReport {
    public init(wire: JSONValue) throws(ProtocolError) {
        let r = try WireObject(wire, path: "result")
        let rows = try r.array("salespeople").enumerated().map { (index, value) throws(ProtocolError) in
            try TeamRow(wire: WireObject(value, path: "result.salespeople[\(index)]"))
        }
        let totals = try TeamTotals(wire: r.object("totals"))
        self.init(
            scope: try Scope(wire: r.object("scope")), asOf: try r.string("asOf"), weeks: try r.int("weeks"),
            trendWeeks: try r.int("trendWeeks"), window: try Window(wire: r.object("window")),
            previousWindow: try Window(wire: r.object("previousWindow")), totals: totals, salespeople: rows)
        lapsedAfterDays = try r.int("lapsedAfterDays")
        staleAfterDays = try r.int("staleAfterDays")
        slippingPoints = try r.int("slippingPoints")
    }
}

extension TeamRow {
    init(wire r: WireObject) throws(ProtocolError) {
        let current = try Tally(wire: r.object("current"))
        let previous = try Tally(wire: r.object("previous"))
        let meanGap = try r.optionalDouble("meanGapDays")
        self.init(
            salesperson: try r.string("salesperson"), coach: try r.string("coach"), current: current, previous: previous,
            weekly: [], open: try r.int("open"), overdue: try r.int("overdue"), sessions: try r.int("sessions"),
            lastSession: try r.day("lastSession"), daysSince: try r.int("daysSince"), meanGapDays: meanGap,
            openSession: try r.optionalObject("openSession").map { (o) throws(ProtocolError) in try OpenSessionNote(wire: o) },
            neglectedTopics: try r.array("neglectedTopics").enumerated().map { (index, value) throws(ProtocolError) in
                try NeglectedTopic(wire: WireObject(value, path: r.path + ".neglectedTopics[\(index)]"))
            })
        // The figures the daemon derived are taken as sent, not derived again here.
        change = try RateChange(wire: r.object("change"))
        trend = try r.array("trend").map { (value) throws(ProtocolError) in try r.optionalDouble(value, "trend") }
        trendReviewed = try r.array("trendReviewed").map { (value) throws(ProtocolError) in try r.int(value, "trendReviewed") }
        pastUsualGap = try r.bool("pastUsualGap")
        status = try r.name("status", CadenceStatus.self)
        attention = try r.int("attention")
        reasons = try r.array("reasons").map { (value) throws(ProtocolError) in try r.name(value, "reasons", AttentionReason.self) }
    }
}

extension TeamTotals {
    init(wire r: WireObject) throws(ProtocolError) {
        self.init(rows: [], current: try Tally(wire: r.object("current")), previous: try Tally(wire: r.object("previous")), weekly: [])
        change = try RateChange(wire: r.object("change"))
        trend = try r.array("trend").map { (value) throws(ProtocolError) in try r.optionalDouble(value, "trend") }
        trendReviewed = try r.array("trendReviewed").map { (value) throws(ProtocolError) in try r.int(value, "trendReviewed") }
        salespeople = try r.int("salespeople")
        open = try r.int("open")
        overdue = try r.int("overdue")
        lapsed = try r.int("lapsed")
        openSessions = try r.int("openSessions")
        needAttention = try r.int("needAttention")
    }
}

extension Tally {
    init(wire r: WireObject) throws(ProtocolError) {
        self.init(kept: try r.int("kept"), partial: try r.int("partial"), missed: try r.int("missed"))
    }
}

extension RateChange {
    init(wire r: WireObject) throws(ProtocolError) {
        self.init(current: Tally(), previous: Tally())
        rate = try r.optionalDouble("rate")
        weightedRate = try r.optionalDouble("weightedRate")
    }
}

extension Window {
    init(wire r: WireObject) throws(ProtocolError) {
        self.init(from: try r.optionalTimestamp("from"), to: try r.timestamp("to"))
    }
}

extension OpenSessionNote {
    init(wire r: WireObject) throws(ProtocolError) {
        self.init(sessionId: try r.string("sessionId"), openedAt: try r.timestamp("openedAt"), daysOpen: try r.int("daysOpen"))
    }
}

extension NeglectedTopic {
    init(wire r: WireObject) throws(ProtocolError) {
        self.init(topic: try r.name("topic", Topic.self), status: try r.name("status", TopicStatus.self), daysSince: try r.optionalInt("daysSince"))
    }
}

extension Scope {
    init(wire r: WireObject) throws(ProtocolError) {
        if let salesperson = try r.optionalString("salesperson") {
            self = .salesperson(salesperson)
        } else if let coach = try r.optionalString("coach") {
            self = .coach(coach)
        } else {
            self = .everyone
        }
    }
}

/// A JSON object of a reply, read member by member; every mismatch names its path
/// (`result.salespeople[3].open: expected a whole number`).
struct WireObject {
    let members: [String: JSONValue]
    let path: String

    init(_ value: JSONValue, path: String) throws(ProtocolError) {
        guard case .object(let members) = value else { throw Self.mismatch(path, "an object") }
        self.members = members
        self.path = path
    }

    private static func mismatch(_ path: String, _ expected: String) -> ProtocolError {
        ProtocolError(.internal, "the daemon's reply does not match the contract: \(path): expected \(expected)")
    }

    private func member(_ key: String) throws(ProtocolError) -> JSONValue {
        guard let value = members[key] else { throw Self.mismatch(path + "." + key, "a value, found none") }
        return value
    }

    func object(_ key: String) throws(ProtocolError) -> WireObject { try WireObject(member(key), path: path + "." + key) }

    func optionalObject(_ key: String) throws(ProtocolError) -> WireObject? {
        guard let value = members[key] else { return nil }
        if case .null = value { return nil }
        return try WireObject(value, path: path + "." + key)
    }

    func array(_ key: String) throws(ProtocolError) -> [JSONValue] {
        guard case .array(let values) = try member(key) else { throw Self.mismatch(path + "." + key, "an array") }
        return values
    }

    func int(_ key: String) throws(ProtocolError) -> Int { try int(member(key), key) }

    func int(_ value: JSONValue, _ key: String) throws(ProtocolError) -> Int {
        guard case .integer(let n) = value, let int = Int(exactly: n) else { throw Self.mismatch(path + "." + key, "a whole number") }
        return int
    }

    func optionalInt(_ key: String) throws(ProtocolError) -> Int? {
        guard let value = members[key] else { return nil }
        if case .null = value { return nil }
        return try int(value, key)
    }

    func optionalDouble(_ key: String) throws(ProtocolError) -> Double? {
        guard let value = members[key] else { return nil }
        return try optionalDouble(value, key)
    }

    func optionalDouble(_ value: JSONValue, _ key: String) throws(ProtocolError) -> Double? {
        switch value {
        case .null: return nil
        case .integer(let n): return Double(n)
        case .double(let d): return d
        default: throw Self.mismatch(path + "." + key, "a number or null")
        }
    }

    func bool(_ key: String) throws(ProtocolError) -> Bool {
        guard case .bool(let b) = try member(key) else { throw Self.mismatch(path + "." + key, "true or false") }
        return b
    }

    func string(_ key: String) throws(ProtocolError) -> String {
        guard case .string(let s) = try member(key) else { throw Self.mismatch(path + "." + key, "a string") }
        return s
    }

    func optionalString(_ key: String) throws(ProtocolError) -> String? {
        guard let value = members[key] else { return nil }
        if case .null = value { return nil }
        guard case .string(let s) = value else { throw Self.mismatch(path + "." + key, "a string") }
        return s
    }

    func name<T: RawRepresentable>(_ key: String, _ type: T.Type) throws(ProtocolError) -> T where T.RawValue == String {
        try name(member(key), key, type)
    }

    func name<T: RawRepresentable>(_ value: JSONValue, _ key: String, _ type: T.Type) throws(ProtocolError) -> T
    where T.RawValue == String {
        guard case .string(let s) = value, let name = T(rawValue: s) else { throw Self.mismatch(path + "." + key, "a \(T.self) name") }
        return name
    }

    func day(_ key: String) throws(ProtocolError) -> Day {
        guard let day = Day(iso8601: try string(key)) else { throw Self.mismatch(path + "." + key, "a date YYYY-MM-DD") }
        return day
    }

    func timestamp(_ key: String) throws(ProtocolError) -> Timestamp {
        guard let time = Timestamp(iso8601: try string(key)) else { throw Self.mismatch(path + "." + key, "a timestamp") }
        return time
    }

    func optionalTimestamp(_ key: String) throws(ProtocolError) -> Timestamp? {
        guard let value = members[key] else { return nil }
        if case .null = value { return nil }
        return try timestamp(key)
    }
}

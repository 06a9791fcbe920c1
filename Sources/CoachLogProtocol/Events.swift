import CoachLogJSON

/// A coaching event. Decoded with `CoachingEvent(type:data:)`, it has passed
/// the shape checks: required fields present with the right types, no unknown
/// fields, text trimmed and within bounds, dates and enums valid. Built by a
/// client with the public initializers, it is checked only when the daemon
/// decodes the proposed event. Rules that need the record so far (does the
/// session exist, is it closed, ...) are checked by `CoachingRules`.
public enum CoachingEvent: Sendable, Equatable {
    case sessionOpened(SessionOpened)
    case goalStated(GoalStated)
    case commitmentMade(CommitmentMade)
    case commitmentReviewed(CommitmentReviewed)
    case insightNoted(InsightNoted)
    case sessionClosed(SessionClosed)
    // Corrections: history is never rewritten; these say what the latest word is.
    case reviewCorrected(ReviewCorrected)
    case commitmentAmended(CommitmentAmended)
    case commitmentWithdrawn(CommitmentWithdrawn)
    case sessionVoided(SessionVoided)
    case salespersonMerged(SalespersonMerged)
    case goalAmended(GoalAmended)
    case goalAchieved(GoalClosed)
    case goalDropped(GoalClosed)
    case salespersonForgotten(SalespersonForgotten)

    public struct SessionOpened: Sendable, Equatable {
        public var sessionId: String
        public var salesperson: String
        public var coach: String
        public var at: Timestamp?
        public var topics: [Topic]
        /// The client confirms a new person whose name looks like an existing one's.
        public var newSalesperson: Bool

        public init(
            sessionId: String, salesperson: String, coach: String, at: Timestamp? = nil, topics: [Topic] = [],
            newSalesperson: Bool = false
        ) {
            self.sessionId = sessionId
            self.salesperson = salesperson
            self.coach = coach
            self.at = at
            self.topics = topics
            self.newSalesperson = newSalesperson
        }
    }

    public struct GoalStated: Sendable, Equatable {
        public var goalId: String
        public var sessionId: String
        public var salesperson: String
        public var text: String
        public var area: String?
        public var at: Timestamp?

        public init(goalId: String, sessionId: String, salesperson: String, text: String, area: String? = nil, at: Timestamp? = nil) {
            self.goalId = goalId
            self.sessionId = sessionId
            self.salesperson = salesperson
            self.text = text
            self.area = area
            self.at = at
        }
    }

    public struct CommitmentMade: Sendable, Equatable {
        public var commitmentId: String
        public var sessionId: String
        public var salesperson: String
        public var kind: CommitmentKind
        public var text: String
        /// Nil when the client left it out: the daemon makes it due 7 days after the day its session opened.
        public var due: Day?
        public var goalId: String?
        public var at: Timestamp?

        public init(
            commitmentId: String, sessionId: String, salesperson: String, kind: CommitmentKind, text: String, due: Day? = nil,
            goalId: String? = nil, at: Timestamp? = nil
        ) {
            self.commitmentId = commitmentId
            self.sessionId = sessionId
            self.salesperson = salesperson
            self.kind = kind
            self.text = text
            self.due = due
            self.goalId = goalId
            self.at = at
        }
    }

    public struct CommitmentReviewed: Sendable, Equatable {
        public var commitmentId: String
        public var sessionId: String
        public var salesperson: String
        public var outcome: Outcome
        public var note: String?
        public var at: Timestamp?

        public init(
            commitmentId: String, sessionId: String, salesperson: String, outcome: Outcome, note: String? = nil, at: Timestamp? = nil
        ) {
            self.commitmentId = commitmentId
            self.sessionId = sessionId
            self.salesperson = salesperson
            self.outcome = outcome
            self.note = note
            self.at = at
        }
    }

    public struct InsightNoted: Sendable, Equatable {
        public var sessionId: String
        public var salesperson: String
        public var topic: Topic
        public var text: String
        public var at: Timestamp?

        public init(sessionId: String, salesperson: String, topic: Topic, text: String, at: Timestamp? = nil) {
            self.sessionId = sessionId
            self.salesperson = salesperson
            self.topic = topic
            self.text = text
            self.at = at
        }
    }

    public struct SessionClosed: Sendable, Equatable {
        public var sessionId: String
        public var salesperson: String
        public var at: Timestamp?

        public init(sessionId: String, salesperson: String, at: Timestamp? = nil) {
            self.sessionId = sessionId
            self.salesperson = salesperson
            self.at = at
        }
    }

    public var type: EventType {
        switch self {
        case .sessionOpened: return .sessionOpened
        case .goalStated: return .goalStated
        case .commitmentMade: return .commitmentMade
        case .commitmentReviewed: return .commitmentReviewed
        case .insightNoted: return .insightNoted
        case .sessionClosed: return .sessionClosed
        case .reviewCorrected: return .reviewCorrected
        case .commitmentAmended: return .commitmentAmended
        case .commitmentWithdrawn: return .commitmentWithdrawn
        case .sessionVoided: return .sessionVoided
        case .salespersonMerged: return .salespersonMerged
        case .goalAmended: return .goalAmended
        case .goalAchieved: return .goalAchieved
        case .goalDropped: return .goalDropped
        case .salespersonForgotten: return .salespersonForgotten
        }
    }

    /// The stream this event belongs to.
    public var salesperson: String {
        switch self {
        case .sessionOpened(let e): return e.salesperson
        case .goalStated(let e): return e.salesperson
        case .commitmentMade(let e): return e.salesperson
        case .commitmentReviewed(let e): return e.salesperson
        case .insightNoted(let e): return e.salesperson
        case .sessionClosed(let e): return e.salesperson
        case .reviewCorrected(let e): return e.salesperson
        case .commitmentAmended(let e): return e.salesperson
        case .commitmentWithdrawn(let e): return e.salesperson
        case .sessionVoided(let e): return e.salesperson
        case .salespersonMerged(let e): return e.salesperson
        case .goalAmended(let e): return e.salesperson
        case .goalAchieved(let e), .goalDropped(let e): return e.salesperson
        case .salespersonForgotten(let e): return e.salesperson
        }
    }

    /// When it happened according to the client, if it said.
    public var at: Timestamp? {
        switch self {
        case .sessionOpened(let e): return e.at
        case .goalStated(let e): return e.at
        case .commitmentMade(let e): return e.at
        case .commitmentReviewed(let e): return e.at
        case .insightNoted(let e): return e.at
        case .sessionClosed(let e): return e.at
        case .reviewCorrected(let e): return e.at
        case .commitmentAmended(let e): return e.at
        case .commitmentWithdrawn(let e): return e.at
        case .sessionVoided(let e): return e.at
        case .salespersonMerged(let e): return e.at
        case .goalAmended(let e): return e.at
        case .goalAchieved(let e), .goalDropped(let e): return e.at
        case .salespersonForgotten(let e): return e.at
        }
    }
}

extension CoachingEvent {
    /// Decodes and shape-checks an event from its wire `type` and `data`.
    ///
    /// `checkingDateRange` refuses dates outside the accepted range (a rule for
    /// new records); history is re-read without it, so that an event stored
    /// before the range existed still replays. `history` (stored events,
    /// re-read by a fold) also skips the checks of lengths, characters and
    /// unknown fields: they held when the event was accepted, re-checking them
    /// only costs a replay its time, and a limit tightened later must not
    /// strand history.
    public init(
        type typeName: String, data: JSONValue, checkingDateRange: Bool = true, history: Bool = false
    ) throws(DomainError) {
        guard let type = EventType(rawValue: typeName) else {
            throw DomainError(rule: "event.type", "unknown event type \"\(typeName)\"; use one of \(EventType.wireNames)")
        }
        guard case .object(let fields) = data else {
            throw DomainError(rule: "event.data", "\(typeName) data must be a JSON object, not \(data.typeName)")
        }
        var reader = FieldReader(type: typeName, fields: fields)
        reader.checkingDateRange = checkingDateRange && !history
        reader.history = history
        switch type {
        case .sessionOpened:
            let e = SessionOpened(
                sessionId: try reader.id("sessionId"), salesperson: try reader.name("salesperson"),
                coach: try reader.name("coach"), at: try reader.timestamp("at"), topics: try reader.topics("topics"),
                newSalesperson: try reader.flag("newSalesperson"))
            self = .sessionOpened(e)
        case .goalStated:
            let e = GoalStated(
                goalId: try reader.id("goalId"), sessionId: try reader.id("sessionId"),
                salesperson: try reader.name("salesperson"), text: try reader.text("text"),
                area: try reader.optionalText("area", limit: Limits.maximumAreaLength), at: try reader.timestamp("at"))
            self = .goalStated(e)
        case .commitmentMade:
            let e = CommitmentMade(
                commitmentId: try reader.id("commitmentId"), sessionId: try reader.id("sessionId"),
                salesperson: try reader.name("salesperson"), kind: try reader.enumeration("kind", CommitmentKind.self),
                text: try reader.text("text"), due: try reader.optionalDay("due"), goalId: try reader.optionalId("goalId"),
                at: try reader.timestamp("at"))
            self = .commitmentMade(e)
        case .commitmentReviewed:
            let e = CommitmentReviewed(
                commitmentId: try reader.id("commitmentId"), sessionId: try reader.id("sessionId"),
                salesperson: try reader.name("salesperson"), outcome: try reader.enumeration("outcome", Outcome.self),
                note: try reader.optionalText("note"), at: try reader.timestamp("at"))
            self = .commitmentReviewed(e)
        case .insightNoted:
            let e = InsightNoted(
                sessionId: try reader.id("sessionId"), salesperson: try reader.name("salesperson"),
                topic: try reader.enumeration("topic", Topic.self), text: try reader.text("text"),
                at: try reader.timestamp("at"))
            self = .insightNoted(e)
        case .sessionClosed:
            let e = SessionClosed(
                sessionId: try reader.id("sessionId"), salesperson: try reader.name("salesperson"),
                at: try reader.timestamp("at"))
            self = .sessionClosed(e)
        default:
            self = try Self.correction(type, &reader)
        }
        try reader.rejectUnknownFields()
    }

    /// The canonical data object: trimmed text, normalized times, absent
    /// optionals omitted. Equal events have byte-equal canonical data, which
    /// is what idempotent retries are compared on.
    public var canonicalData: JSONValue {
        var o: [String: JSONValue] = [:]
        func put(_ key: String, _ value: String?) { if let value { o[key] = .string(value) } }
        switch self {
        case .sessionOpened(let e):
            put("sessionId", e.sessionId)
            put("salesperson", e.salesperson)
            put("coach", e.coach)
            if !e.topics.isEmpty { o["topics"] = .array(e.topics.map { .string($0.rawValue) }) }
            if e.newSalesperson { o["newSalesperson"] = .bool(true) }
        case .goalStated(let e):
            put("goalId", e.goalId)
            put("sessionId", e.sessionId)
            put("salesperson", e.salesperson)
            put("text", e.text)
            put("area", e.area)
        case .commitmentMade(let e):
            put("commitmentId", e.commitmentId)
            put("sessionId", e.sessionId)
            put("salesperson", e.salesperson)
            put("kind", e.kind.rawValue)
            put("text", e.text)
            put("due", e.due?.iso8601)
            put("goalId", e.goalId)
        case .commitmentReviewed(let e):
            put("commitmentId", e.commitmentId)
            put("sessionId", e.sessionId)
            put("salesperson", e.salesperson)
            put("outcome", e.outcome.rawValue)
            put("note", e.note)
        case .insightNoted(let e):
            put("sessionId", e.sessionId)
            put("salesperson", e.salesperson)
            put("topic", e.topic.rawValue)
            put("text", e.text)
        case .sessionClosed(let e):
            put("sessionId", e.sessionId)
            put("salesperson", e.salesperson)
        case .reviewCorrected(let e):
            put("commitmentId", e.commitmentId)
            put("salesperson", e.salesperson)
            put("outcome", e.outcome?.rawValue)
            put("note", e.note)
            put("reason", e.reason)
        case .commitmentAmended(let e):
            put("commitmentId", e.commitmentId)
            put("salesperson", e.salesperson)
            put("text", e.text)
            put("kind", e.kind?.rawValue)
            put("due", e.due?.iso8601)
            put("goalId", e.goalId)
            put("reason", e.reason)
        case .commitmentWithdrawn(let e):
            put("commitmentId", e.commitmentId)
            put("salesperson", e.salesperson)
            put("reason", e.reason)
        case .sessionVoided(let e):
            put("sessionId", e.sessionId)
            put("salesperson", e.salesperson)
            put("reason", e.reason)
        case .salespersonMerged(let e):
            put("salesperson", e.salesperson)
            put("into", e.into)
            put("reason", e.reason)
        case .goalAmended(let e):
            put("goalId", e.goalId)
            put("salesperson", e.salesperson)
            put("text", e.text)
            put("reason", e.reason)
        case .goalAchieved(let e), .goalDropped(let e):
            put("goalId", e.goalId)
            put("salesperson", e.salesperson)
            put("reason", e.reason)
        case .salespersonForgotten(let e):
            put("salesperson", e.salesperson)
        }
        put("at", at?.iso8601)
        return .object(o)
    }
}

/// Reads typed fields out of an event's data object, tracking which were used
/// so that unknown fields can be refused.
struct FieldReader {
    let type: String
    let fields: [String: JSONValue]
    var used: Set<String> = []
    var checkingDateRange = true
    /// Re-reading a stored event: only types and values are read, not re-judged.
    var history = false
    /// Kept for pseudonyms (`erased-` and 16 hexadecimal digits): see `forget`.
    static let pseudonymPrefix = "erased-"

    init(type: String, fields: [String: JSONValue]) {
        self.type = type
        self.fields = fields
    }

    mutating func raw(_ key: String) -> JSONValue? {
        if !history { used.insert(key) }
        guard let value = fields[key], !value.isNull else { return nil }
        return value
    }

    mutating func string(_ key: String, required: Bool) throws(DomainError) -> String? {
        guard let value = raw(key) else {
            if required { throw DomainError(rule: "field.required", "\(type) needs data.\(key)") }
            return nil
        }
        guard case .string(let s) = value else {
            throw DomainError(rule: "field.type", "\(type) data.\(key) must be a string, not \(value.typeName)")
        }
        return s
    }

    mutating func id(_ key: String) throws(DomainError) -> String {
        guard let id = try optionalId(key) else { throw DomainError(rule: "field.required", "\(type) needs data.\(key)") }
        return id
    }

    mutating func optionalId(_ key: String) throws(DomainError) -> String? {
        guard let s = try string(key, required: false) else { return nil }
        let id = s.trimmed
        if history { return id }
        guard !id.isEmpty else { throw DomainError(rule: "id.required", "\(type) data.\(key) must not be empty") }
        guard id.unicodeScalars.count <= Limits.maximumIdLength, id.utf8.count <= Limits.maximumKeyBytes else {
            throw DomainError(rule: "id.length", "\(type) data.\(key) is longer than \(Limits.maximumIdLength) characters (or \(Limits.maximumKeyBytes) bytes of UTF-8)")
        }
        guard !id.hasControlCharacters, !id.utf8.contains(UInt8(ascii: " ")) else {
            throw DomainError(rule: "id.characters", "\(type) data.\(key) must not contain spaces or control characters")
        }
        return id
    }

    mutating func name(_ key: String) throws(DomainError) -> String {
        let s = try string(key, required: true) ?? ""
        let name = s.trimmed
        if history { return name }
        guard !name.isEmpty else { throw DomainError(rule: "name.required", "\(type) data.\(key) must not be empty") }
        guard !name.hasPrefix(Self.pseudonymPrefix) else {
            throw DomainError(
                rule: "name.reserved",
                "\(type) data.\(key) begins with \"\(Self.pseudonymPrefix)\", which is kept for the pseudonyms of forgotten salespeople; choose another name")
        }
        guard name.unicodeScalars.count <= Limits.maximumNameLength, name.utf8.count <= Limits.maximumKeyBytes else {
            throw DomainError(rule: "name.length", "\(type) data.\(key) is longer than \(Limits.maximumNameLength) characters (or \(Limits.maximumKeyBytes) bytes of UTF-8)")
        }
        guard !name.hasControlCharacters else {
            throw DomainError(rule: "name.characters", "\(type) data.\(key) must not contain control characters")
        }
        return name
    }

    mutating func text(_ key: String) throws(DomainError) -> String {
        guard let text = try optionalText(key) else { throw DomainError(rule: "field.required", "\(type) needs data.\(key)") }
        return text
    }

    /// Trimmed, non-empty text of at most `limit` characters: free text, or a one-word area.
    ///
    /// A forgotten salesperson's stored texts are null where a text was given. History replays such
    /// a text as present and empty, so that the fold points at it as before (a text's position is
    /// part of the record), and an erased area (a value, not a position) as absent.
    mutating func optionalText(_ key: String, limit: Int = Limits.maximumTextLength) throws(DomainError) -> String? {
        if history, case .null? = fields[key] { return key == "area" ? nil : "" }
        guard let s = try string(key, required: false) else { return nil }
        let text = s.trimmed
        if history { return text }
        guard !text.isEmpty else { throw DomainError(rule: "text.required", "\(type) data.\(key) must not be empty") }
        guard text.unicodeScalars.count <= limit else {
            throw DomainError(rule: "text.length", "\(type) data.\(key) is longer than \(limit) characters")
        }
        return text
    }

    mutating func timestamp(_ key: String) throws(DomainError) -> Timestamp? {
        guard let s = try string(key, required: false) else { return nil }
        guard let t = Timestamp(iso8601: s.trimmed) else {
            throw DomainError(
                rule: "field.time",
                "\(type) data.\(key) \"\(s)\" is not a date (YYYY-MM-DD) or an ISO 8601 timestamp (2026-11-26T09:30:00Z)")
        }
        guard t.day.isAccepted || !checkingDateRange else {
            throw DomainError(rule: "field.time", "\(type) data.\(key) \"\(s)\" is out of range: it must lie \(Day.acceptedRangeText)")
        }
        return t
    }

    mutating func optionalDay(_ key: String) throws(DomainError) -> Day? {
        guard let s = try string(key, required: false) else { return nil }
        guard let d = Day(iso8601: s.trimmed) else {
            throw DomainError(rule: "field.date", "\(type) data.\(key) \"\(s)\" is not a date in the form YYYY-MM-DD")
        }
        guard d.isAccepted || !checkingDateRange else {
            throw DomainError(rule: "field.date", "\(type) data.\(key) \"\(s)\" is out of range: it must lie \(Day.acceptedRangeText)")
        }
        return d
    }

    /// An optional boolean; absent or null reads as false.
    mutating func flag(_ key: String) throws(DomainError) -> Bool {
        guard let value = raw(key) else { return false }
        guard case .bool(let b) = value else {
            throw DomainError(rule: "field.type", "\(type) data.\(key) must be true or false, not \(value.typeName)")
        }
        return b
    }

    mutating func optionalEnumeration<E: RawRepresentable & CaseIterable>(_ key: String, _ e: E.Type) throws(DomainError) -> E?
    where E.RawValue == String {
        guard raw(key) != nil else { return nil }
        return try enumeration(key, e)
    }

    mutating func enumeration<E: RawRepresentable & CaseIterable>(_ key: String, _: E.Type) throws(DomainError) -> E
    where E.RawValue == String {
        let s = try string(key, required: true) ?? ""
        guard let value = E(rawValue: s.trimmed) else {
            let allowed = E.allCases.map(\.rawValue).joined(separator: ", ")
            throw DomainError(rule: "field.value", "\(type) data.\(key) \"\(s)\" must be one of \(allowed)")
        }
        return value
    }

    mutating func topics(_ key: String) throws(DomainError) -> [Topic] {
        guard let value = raw(key) else { return [] }
        guard case .array(let items) = value else {
            throw DomainError(rule: "field.type", "\(type) data.\(key) must be an array of topic names")
        }
        var topics: [Topic] = []
        for item in items {
            guard case .string(let s) = item, let topic = Topic(rawValue: s) else {
                throw DomainError(rule: "field.value", "\(type) data.\(key) may only hold \(Topic.wireNames)")
            }
            if !topics.contains(topic) { topics.append(topic) }
        }
        return topics.sorted()
    }

    func rejectUnknownFields() throws(DomainError) {
        if history { return }
        if let unknown = fields.keys.sorted().first(where: { !used.contains($0) }) {
            throw DomainError(rule: "field.unknown", "\(type) data has an unknown field \"\(unknown)\"")
        }
    }
}

extension String {
    /// Control characters (Unicode category Cc). ASCII text, by far the most
    /// common, is checked byte by byte without Unicode property look-ups.
    var hasControlCharacters: Bool {
        if utf8.allSatisfy({ $0 < 0x80 }) { return utf8.contains { $0 < 0x20 || $0 == 0x7F } }
        return unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    var trimmed: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}

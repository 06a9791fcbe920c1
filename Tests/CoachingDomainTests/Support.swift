import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import Testing

/// A test could not even set up its inputs.
struct SetupError: Error, CustomStringConvertible {
    var description: String
}

func timestamp(_ text: String) throws -> Timestamp {
    guard let t = Timestamp(iso8601: text) else { throw SetupError(description: "not a timestamp: \(text)") }
    return t
}

func day(_ text: String) throws -> Day {
    guard let d = Day(iso8601: text) else { throw SetupError(description: "not a day: \(text)") }
    return d
}

func asOf(_ text: String) throws -> AsOf {
    guard let a = AsOf(parsing: text) else { throw SetupError(description: "not an asOf: \(text)") }
    return a
}

/// Builds a read model the way the store does: one event at a time through
/// `InMemoryReadModel.record`, with positions 1, 2, 3, ...
struct History {
    var model = InMemoryReadModel()
    var position: UInt64 = 0
    /// Stands in for the server clock when an event carries no `at`.
    static let defaultRecordedAt = "2027-01-01T00:00:00Z"

    mutating func add(_ type: String, _ data: JSONValue, recordedAt: String = defaultRecordedAt) throws {
        let event = try CoachingEvent(type: type, data: data)
        try model.record(event, position: position + 1, recordedAt: try timestamp(recordedAt))
        position += 1
    }

    mutating func open(
        _ sessionId: String, _ salesperson: String, coach: String, at: String, topics: [String] = [],
        newSalesperson: Bool = false
    ) throws {
        var data: JSONValue = ["sessionId": .string(sessionId), "salesperson": .string(salesperson), "coach": .string(coach),
                               "at": .string(at)]
        if !topics.isEmpty { data = merged(data, ["topics": .array(topics.map(JSONValue.string))]) }
        if newSalesperson { data = merged(data, ["newSalesperson": true]) }
        // One open session per person (a guardrail): a fixture that opens the next session closes the
        // previous one first, as a coach would.
        if let open = model.sessions(of: salesperson).last(where: { $0.closedAt == nil && !$0.voided }) {
            let at = try timestamp(at)
            try close(open.sessionId, salesperson, at: max(at, open.openedAt).iso8601)
        }
        try add("SessionOpened", data)
    }

    mutating func goal(_ goalId: String, _ sessionId: String, _ salesperson: String, text: String, area: String? = nil,
                       at: String) throws
    {
        var data: JSONValue = ["goalId": .string(goalId), "sessionId": .string(sessionId),
                               "salesperson": .string(salesperson), "text": .string(text), "at": .string(at)]
        if let area { data = merged(data, ["area": .string(area)]) }
        try add("GoalStated", data)
    }

    mutating func commit(_ commitmentId: String, _ sessionId: String, _ salesperson: String, kind: String, due: String,
                         goal: String? = nil, at: String, text: String = "Call ten prospects") throws
    {
        var data: JSONValue = ["commitmentId": .string(commitmentId), "sessionId": .string(sessionId),
                               "salesperson": .string(salesperson), "kind": .string(kind), "text": .string(text),
                               "due": .string(due), "at": .string(at)]
        if let goal { data = merged(data, ["goalId": .string(goal)]) }
        try add("CommitmentMade", data)
    }

    mutating func review(_ commitmentId: String, _ sessionId: String, _ salesperson: String, outcome: String,
                         at: String) throws
    {
        try add("CommitmentReviewed", ["commitmentId": .string(commitmentId), "sessionId": .string(sessionId),
                                       "salesperson": .string(salesperson), "outcome": .string(outcome),
                                       "at": .string(at)])
    }

    mutating func insight(
        _ sessionId: String, _ salesperson: String, topic: String, at: String?, recordedAt: String = defaultRecordedAt
    ) throws {
        var data: JSONValue = ["sessionId": .string(sessionId), "salesperson": .string(salesperson),
                               "topic": .string(topic), "text": "Sees herself as a closer"]
        if let at { data = merged(data, ["at": .string(at)]) }
        try add("InsightNoted", data, recordedAt: recordedAt)
    }

    mutating func close(_ sessionId: String, _ salesperson: String, at: String) throws {
        try add("SessionClosed", ["sessionId": .string(sessionId), "salesperson": .string(salesperson), "at": .string(at)])
    }
}

func merged(_ a: JSONValue, _ b: JSONValue) -> JSONValue {
    .object((a.objectValue ?? [:]).merging(b.objectValue ?? [:]) { _, new in new })
}

/// Expects the event to be refused with `rule`, leaving the model exactly as it was.
func expectViolation(
    _ rule: String, _ type: String, _ data: JSONValue, after history: History,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    var model = history.model
    let error = #expect(throws: DomainError.self, sourceLocation: sourceLocation) {
        let event = try CoachingEvent(type: type, data: data)
        try model.record(event, position: history.position + 1, recordedAt: try timestamp(History.defaultRecordedAt))
    }
    #expect(error?.rule == rule, "refused for \(error?.description ?? "nothing")", sourceLocation: sourceLocation)
    #expect(error?.message.isEmpty == false, sourceLocation: sourceLocation)
    #expect(model == history.model, "the model changed although the event was refused", sourceLocation: sourceLocation)
}

/// Checks the follow-through figures of one result object (or `previous`, or a `byKind` entry).
func expectTally(
    _ value: JSONValue?, reviewed: Int64, kept: Int64, partial: Int64, missed: Int64, rate: Double?,
    weightedRate: Double?, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(value?["reviewed"]?.integerValue == reviewed, sourceLocation: sourceLocation)
    #expect(value?["kept"]?.integerValue == kept, sourceLocation: sourceLocation)
    #expect(value?["partial"]?.integerValue == partial, sourceLocation: sourceLocation)
    #expect(value?["missed"]?.integerValue == missed, sourceLocation: sourceLocation)
    if let rate {
        #expect(value?["rate"]?.doubleValue == rate, sourceLocation: sourceLocation)
    } else {
        #expect(value?["rate"]?.isNull == true, "rate should be null", sourceLocation: sourceLocation)
    }
    if let weightedRate {
        #expect(value?["weightedRate"]?.doubleValue == weightedRate, sourceLocation: sourceLocation)
    } else {
        #expect(value?["weightedRate"]?.isNull == true, "weightedRate should be null", sourceLocation: sourceLocation)
    }
}

/// The domain's results are typed; these tests check them in their wire form,
/// which also covers their encoding.
extension WireResult {
    subscript(key: String) -> JSONValue? { (try? wire)?[key] }
}

func expectTally(
    _ report: some WireResult, reviewed: Int64, kept: Int64, partial: Int64, missed: Int64, rate: Double?,
    weightedRate: Double?, sourceLocation: SourceLocation = #_sourceLocation
) {
    expectTally(
        try? report.wire, reviewed: reviewed, kept: kept, partial: partial, missed: missed, rate: rate,
        weightedRate: weightedRate, sourceLocation: sourceLocation)
}

import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import Testing

/// Shape rules: checked while decoding, before the record is consulted.
@Suite struct FieldRuleTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var rule: String
        var type: String
        var data: JSONValue
        var testDescription: String { "\(rule) \(type) \(JSONWriter.string(data))" }
    }

    static let open: JSONValue = ["sessionId": "s9", "salesperson": "zoe", "coach": "lee"]
    static let commitment: JSONValue = ["commitmentId": "c9", "sessionId": "s2", "salesperson": "dana",
                                        "kind": "more", "text": "Ask for referrals", "due": "2026-09-30"]
    static let review: JSONValue = ["commitmentId": "c2", "sessionId": "s2", "salesperson": "dana", "outcome": "kept"]
    static let goal: JSONValue = ["goalId": "g9", "sessionId": "s2", "salesperson": "dana", "text": "Grow"]
    static let insight: JSONValue = ["sessionId": "s2", "salesperson": "dana", "topic": "selfConcept", "text": "Bold"]

    static func with(_ base: JSONValue, _ key: String, _ value: JSONValue?) -> JSONValue {
        var o = base.objectValue ?? [:]
        o[key] = value
        return .object(o)
    }

    static func long(_ n: Int) -> JSONValue { .string(String(repeating: "x", count: n)) }

    static let cases: [Case] = [
        Case(rule: "event.type", type: "SessionMoved", data: open),
        Case(rule: "event.type", type: "sessionOpened", data: open),
        Case(rule: "event.data", type: "SessionOpened", data: ["s9"]),
        Case(rule: "field.required", type: "SessionOpened", data: with(open, "coach", nil)),
        Case(rule: "field.required", type: "SessionOpened", data: with(open, "sessionId", .null)),
        Case(rule: "field.required", type: "CommitmentMade", data: with(commitment, "kind", nil)),
        Case(rule: "field.required", type: "CommitmentReviewed", data: with(review, "outcome", nil)),
        Case(rule: "field.required", type: "GoalStated", data: with(goal, "text", nil)),
        Case(rule: "field.required", type: "InsightNoted", data: with(insight, "topic", nil)),
        Case(rule: "field.type", type: "SessionOpened", data: with(open, "sessionId", 42)),
        Case(rule: "field.type", type: "SessionOpened", data: with(open, "topics", "selfConcept")),
        Case(rule: "field.type", type: "SessionOpened", data: with(open, "at", 20_260_907)),
        Case(rule: "field.type", type: "GoalStated", data: with(goal, "text", true)),
        Case(rule: "field.type", type: "CommitmentMade", data: with(commitment, "due", ["2026-09-30"])),
        Case(rule: "field.unknown", type: "SessionClosed", data: ["sessionId": "s2", "salesperson": "dana", "reason": "x"]),
        Case(rule: "field.unknown", type: "CommitmentMade", data: with(commitment, "Text", "Ask")),
        Case(rule: "field.value", type: "CommitmentMade", data: with(commitment, "kind", "faster")),
        Case(rule: "field.value", type: "CommitmentReviewed", data: with(review, "outcome", "done")),
        Case(rule: "field.value", type: "InsightNoted", data: with(insight, "topic", "money")),
        Case(rule: "field.value", type: "SessionOpened", data: with(open, "topics", ["selfConcept", "money"])),
        Case(rule: "field.value", type: "SessionOpened", data: with(open, "topics", [1])),
        Case(rule: "field.date", type: "CommitmentMade", data: with(commitment, "due", "2026-02-30")),
        Case(rule: "field.date", type: "CommitmentMade", data: with(commitment, "due", "next week")),
        Case(rule: "field.date", type: "CommitmentMade", data: with(commitment, "due", "2026-09-30T00:00:00Z")),
        // Bounded so that every date the daemon writes has a four-digit year (issue 9, bug 5).
        Case(rule: "field.date", type: "CommitmentMade", data: with(commitment, "due", "9999-12-31")),
        Case(rule: "field.date", type: "CommitmentMade", data: with(commitment, "due", "1969-12-31")),
        Case(rule: "field.time", type: "SessionOpened", data: with(open, "at", "9999-12-02T00:00:00Z")),
        Case(rule: "field.time", type: "SessionOpened", data: with(open, "at", "0001-01-01")),
        Case(rule: "field.time", type: "SessionOpened", data: with(open, "at", "yesterday")),
        Case(rule: "field.time", type: "SessionOpened", data: with(open, "at", "2026-09-07T25:00:00Z")),
        Case(rule: "field.time", type: "InsightNoted", data: with(insight, "at", "2026-02-30")),
        Case(rule: "field.time", type: "GoalStated", data: with(goal, "at", "2026-09-07T09:00:00")),
        Case(rule: "text.required", type: "GoalStated", data: with(goal, "text", "   \n\t")),
        Case(rule: "text.required", type: "CommitmentReviewed", data: with(review, "note", "  ")),
        Case(rule: "text.required", type: "GoalStated", data: with(goal, "area", " ")),
        Case(rule: "text.length", type: "GoalStated", data: with(goal, "text", long(4_001))),
        Case(rule: "text.length", type: "InsightNoted", data: with(insight, "text", long(4_001))),
        Case(rule: "text.length", type: "GoalStated", data: with(goal, "area", long(65))),
        Case(rule: "name.required", type: "SessionOpened", data: with(open, "coach", "   ")),
        Case(rule: "name.required", type: "SessionOpened", data: with(open, "salesperson", "")),
        Case(rule: "name.length", type: "SessionOpened", data: with(open, "coach", long(201))),
        Case(rule: "name.characters", type: "SessionOpened", data: with(open, "salesperson", "da\u{7}na")),
        Case(rule: "id.required", type: "SessionOpened", data: with(open, "sessionId", "  ")),
        Case(rule: "id.required", type: "CommitmentMade", data: with(commitment, "goalId", "")),
        Case(rule: "id.length", type: "SessionOpened", data: with(open, "sessionId", long(129))),
        Case(rule: "id.characters", type: "SessionOpened", data: with(open, "sessionId", "s 9")),
        Case(rule: "id.characters", type: "SessionOpened", data: with(open, "sessionId", "s\u{9}9")),
    ]

    @Test(arguments: cases)
    func isRefusedWithItsRuleAndChangesNothing(_ c: Case) throws {
        expectViolation(c.rule, c.type, c.data, after: try RuleTests.base())
    }

    /// The same payloads with the offending field fixed are accepted, so each case fails for its one reason.
    @Test func theValidBaselinesAreAccepted() throws {
        var h = try RuleTests.base()
        try h.add("SessionOpened", Self.open)
        try h.add("GoalStated", Self.with(Self.goal, "area", .string(String(repeating: "x", count: 64))))
        try h.add("CommitmentMade", Self.with(Self.commitment, "text", Self.long(4_000)))
        try h.add("InsightNoted", Self.with(Self.insight, "at", "2026-09-14T11:00:00+02:00"))
        try h.open("s3", "dana", coach: String(repeating: "x", count: 200), at: "2026-09-21T09:00:00Z")
        try h.add("CommitmentReviewed", ["commitmentId": "c9", "sessionId": "s3", "salesperson": "dana",
                                         "outcome": "partial", "note": "Half done"])
        #expect(h.position == 17)  // 11 in the base, 5 here, and the close of s2 that opening s3 needs
        #expect(h.model.commitment("c9")?.review?.outcome == .partial)
        #expect(h.model.insights(of: "dana").first?.at == (try timestamp("2026-09-14T09:00:00Z")))
    }
}

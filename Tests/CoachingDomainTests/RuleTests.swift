import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import Testing

/// The rules that need the record so far. Each case starts from `base()`:
///
/// - dana (coach lee): s1 closed (goal g1, commitment c1), s2 open (c1 reviewed kept, commitment c2 open)
/// - omar (coach kim): o1 open (goal og1, commitment oc1)
@Suite struct RuleTests {
    static func base() throws -> History {
        var h = History()
        try h.open("s1", "dana", coach: "lee", at: "2026-09-07T09:00:00Z")
        try h.goal("g1", "s1", "dana", text: "Earn more", at: "2026-09-07T09:10:00Z")
        try h.commit("c1", "s1", "dana", kind: "more", due: "2026-09-13", at: "2026-09-07T09:20:00Z")
        try h.open("o1", "omar", coach: "kim", at: "2026-09-08T14:00:00Z")
        try h.goal("og1", "o1", "omar", text: "Lead a team", at: "2026-09-08T14:10:00Z")
        try h.commit("oc1", "o1", "omar", kind: "better", due: "2026-09-14", at: "2026-09-08T14:20:00Z")
        try h.close("s1", "dana", at: "2026-09-07T10:00:00Z")
        try h.open("s2", "dana", coach: "lee", at: "2026-09-14T09:00:00Z")
        try h.review("c1", "s2", "dana", outcome: "kept", at: "2026-09-14T09:10:00Z")
        try h.commit("c2", "s2", "dana", kind: "different", due: "2026-09-20", at: "2026-09-14T09:20:00Z")
        return h
    }

    static func goal(_ goalId: String, in sessionId: String, by salesperson: String = "dana") -> JSONValue {
        ["goalId": .string(goalId), "sessionId": .string(sessionId), "salesperson": .string(salesperson), "text": "Grow"]
    }

    static func commitment(_ id: String, in sessionId: String, by salesperson: String = "dana", goal: String? = nil)
        -> JSONValue
    {
        var data: JSONValue = ["commitmentId": .string(id), "sessionId": .string(sessionId),
                               "salesperson": .string(salesperson), "kind": "more", "text": "Ask", "due": "2026-09-30"]
        if let goal { data = merged(data, ["goalId": .string(goal)]) }
        return data
    }

    static func review(_ id: String, in sessionId: String, by salesperson: String = "dana") -> JSONValue {
        ["commitmentId": .string(id), "sessionId": .string(sessionId), "salesperson": .string(salesperson),
         "outcome": "kept"]
    }

    static func insight(in sessionId: String, by salesperson: String = "dana") -> JSONValue {
        ["sessionId": .string(sessionId), "salesperson": .string(salesperson), "topic": "selfConcept", "text": "Bold"]
    }

    static func close(_ sessionId: String, by salesperson: String = "dana") -> JSONValue {
        ["sessionId": .string(sessionId), "salesperson": .string(salesperson)]
    }

    @Test func baseHistoryIsAcceptedAndAValidReviewChangesTheModel() throws {
        var h = try Self.base()
        #expect(h.model.commitment("c1")?.review?.outcome == .kept)
        #expect(h.model.session("s1")?.closedAt == (try timestamp("2026-09-07T10:00:00Z")))
        let before = h.model
        try h.open("s3", "dana", coach: "lee", at: "2026-09-21T09:00:00Z")
        try h.add("CommitmentReviewed", Self.review("c2", in: "s3"))
        #expect(h.model != before)
        #expect(h.model.commitment("c2")?.review?.sessionId == "s3")
    }

    @Test func idsAreUnique() throws {
        let h = try Self.base()
        let sameSession: JSONValue = ["sessionId": "s1", "salesperson": "dana", "coach": "lee"]
        expectViolation("id.unique", "SessionOpened", sameSession, after: h)
        // Unique across salespeople too.
        expectViolation("id.unique", "SessionOpened", ["sessionId": "s1", "salesperson": "omar", "coach": "kim"], after: h)
        expectViolation("id.unique", "GoalStated", Self.goal("g1", in: "s2"), after: h)
        expectViolation("id.unique", "GoalStated", Self.goal("og1", in: "s2"), after: h)
        expectViolation("id.unique", "CommitmentMade", Self.commitment("c1", in: "s2"), after: h)
        expectViolation("id.unique", "CommitmentMade", Self.commitment("oc1", in: "s2"), after: h)
    }

    @Test func theSessionMustExist() throws {
        let h = try Self.base()
        expectViolation("session.exists", "GoalStated", Self.goal("g9", in: "nope"), after: h)
        expectViolation("session.exists", "CommitmentMade", Self.commitment("c9", in: "nope"), after: h)
        expectViolation("session.exists", "CommitmentReviewed", Self.review("c2", in: "nope"), after: h)
        expectViolation("session.exists", "InsightNoted", Self.insight(in: "nope"), after: h)
        expectViolation("session.exists", "SessionClosed", Self.close("nope"), after: h)
    }

    @Test func theSessionMustBelongToTheSameSalesperson() throws {
        let h = try Self.base()
        expectViolation("session.salesperson", "GoalStated", Self.goal("g9", in: "o1"), after: h)
        expectViolation("session.salesperson", "CommitmentMade", Self.commitment("c9", in: "o1"), after: h)
        expectViolation("session.salesperson", "InsightNoted", Self.insight(in: "o1"), after: h)
        expectViolation("session.salesperson", "SessionClosed", Self.close("o1"), after: h)
        // dana's own commitment reviewed in omar's session.
        expectViolation("session.salesperson", "CommitmentReviewed", Self.review("c2", in: "o1"), after: h)
    }

    @Test func aClosedSessionStaysClosed() throws {
        let h = try Self.base()
        expectViolation("session.closed", "GoalStated", Self.goal("g9", in: "s1"), after: h)
        expectViolation("session.closed", "CommitmentMade", Self.commitment("c9", in: "s1"), after: h)
        expectViolation("session.closed", "InsightNoted", Self.insight(in: "s1"), after: h)
        expectViolation("session.closed", "SessionClosed", Self.close("s1"), after: h)
        var later = h
        try later.close("s2", "dana", at: "2026-09-14T10:00:00Z")
        try later.open("s3", "dana", coach: "lee", at: "2026-09-21T09:00:00Z")
        try later.commit("c3", "s3", "dana", kind: "more", due: "2026-09-27", at: "2026-09-21T09:10:00Z")
        try later.close("s3", "dana", at: "2026-09-21T10:00:00Z")
        try later.open("s4", "dana", coach: "lee", at: "2026-09-28T09:00:00Z")
        // Both sessions are closed (and are the ones the commitments were made in): closed is checked first.
        expectViolation("session.closed", "CommitmentReviewed", Self.review("c2", in: "s2"), after: later)
        expectViolation("session.closed", "CommitmentReviewed", Self.review("c3", in: "s3"), after: later)
    }

    @Test func aCommitmentsGoalMustBeThatSalespersonsGoal() throws {
        let h = try Self.base()
        expectViolation("goal.exists", "CommitmentMade", Self.commitment("c9", in: "s2", goal: "g-none"), after: h)
        expectViolation("goal.salesperson", "CommitmentMade", Self.commitment("c9", in: "s2", goal: "og1"), after: h)
        var ok = h
        try ok.add("CommitmentMade", Self.commitment("c9", in: "s2", goal: "g1"))
        #expect(ok.model.commitment("c9")?.goalId == "g1")
    }

    @Test func aReviewNamesAnExistingCommitmentOfTheSameSalesperson() throws {
        let h = try Self.base()
        expectViolation("commitment.exists", "CommitmentReviewed", Self.review("c-none", in: "s2"), after: h)
        var later = h
        try later.open("o2", "omar", coach: "kim", at: "2026-09-15T14:00:00Z")
        expectViolation("commitment.salesperson", "CommitmentReviewed", Self.review("c2", in: "o2", by: "omar"), after: later)
    }

    @Test func aCommitmentIsReviewedAtMostOnce() throws {
        var h = try Self.base()
        try h.open("s3", "dana", coach: "lee", at: "2026-09-21T09:00:00Z")
        expectViolation("commitment.reviewedOnce", "CommitmentReviewed", Self.review("c1", in: "s3"), after: h)
        try h.add("CommitmentReviewed", Self.review("c2", in: "s3"))
        expectViolation("commitment.reviewedOnce", "CommitmentReviewed", Self.review("c2", in: "s3"), after: h)
    }

    @Test func aReviewComesInALaterSession() throws {
        var h = try Self.base()
        // In the session the commitment was made in.
        expectViolation("review.laterSession", "CommitmentReviewed", Self.review("c2", in: "s2"), after: h)
        // (An earlier session can no longer be open while a later one is held: one open session per person.)
        try h.open("o2", "omar", coach: "kim", at: "2026-09-15T14:00:00Z")
        // A later session is fine.
        try h.add("CommitmentReviewed", Self.review("oc1", in: "o2", by: "omar"))
        #expect(h.model.commitment("oc1")?.review?.sessionId == "o2")
    }
}

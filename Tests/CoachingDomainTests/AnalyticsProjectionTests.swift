import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import Testing

/// The rows an analytics store keeps per person agree with the projections: merges fold
/// into the surviving name, voided sessions and withdrawn commitments count nowhere.
@Suite struct AnalyticsProjectionTests {
    static func history() throws -> History {
        var h = History()
        try h.open("s1", "ana", coach: "kim", at: "2026-10-01T09:00:00Z", topics: ["selfConcept"])
        try h.commit("a", "s1", "ana", kind: "more", due: "2026-10-08", at: "2026-10-01T09:10:00Z")
        try h.commit("b", "s1", "ana", kind: "better", due: "2026-10-08", at: "2026-10-01T09:11:00Z")
        try h.commit("w", "s1", "ana", kind: "better", due: "2026-10-08", at: "2026-10-01T09:12:00Z")
        try h.add("CommitmentWithdrawn", ["commitmentId": "w", "salesperson": "ana"])
        try h.open("s2", "ana", coach: "lee", at: "2026-10-08T09:00:00Z")
        try h.review("a", "s2", "ana", outcome: "kept", at: "2026-10-08T09:10:00Z")
        try h.insight("s2", "ana", topic: "identityRole", at: "2026-10-08T09:20:00Z")
        // bo's one session, later merged into ana: his records become hers.
        try h.open("s3", "bo", coach: "kim", at: "2026-10-02T09:00:00Z", topics: ["personalGoals"])
        try h.commit("c", "s3", "bo", kind: "different", due: "2026-10-09", at: "2026-10-02T09:10:00Z")
        try h.close("s3", "bo", at: "2026-10-02T10:00:00Z")
        try h.add("SalespersonMerged", ["salesperson": "bo", "into": "ana"])
        // cy's only session is voided: cy has no rows.
        try h.open("s4", "cy", coach: "kim", at: "2026-10-03T09:00:00Z")
        try h.add("SessionVoided", ["sessionId": "s4", "salesperson": "cy"])
        return h
    }

    @Test func rowsFollowMergesVoidsAndWithdrawals() throws {
        let model = try Self.history().model
        #expect(try Projections.analyticsPeople(model: model) == ["ana"])
        #expect(try Projections.analyticsOwner(of: "bo", model: model) == "ana")
        #expect(try Projections.analytics(of: "bo", model: model) == nil)
        #expect(try Projections.analytics(of: "cy", model: model) == nil)
        let ana = try #require(try Projections.analytics(of: "ana", model: model))
        #expect(ana.coach == "lee")
        #expect(ana.sessions.map(\.sessionId) == ["s1", "s2", "s3"])
        #expect(ana.reviewed.map(\.commitmentId) == ["a"])
        #expect(ana.open.map(\.commitmentId) == ["b", "c"])
        #expect(ana.firstSession == (try day("2026-10-01")))
        #expect(ana.lastSession == (try day("2026-10-08")))
        #expect(ana.meanGapDays == 3.5)
        #expect(ana.lastCovered[.selfConcept] == (try day("2026-10-01")))
        #expect(ana.lastCovered[.personalGoals] == (try day("2026-10-02")))
        #expect(ana.lastCovered[.identityRole] == (try day("2026-10-08")))
        #expect(ana.lastCovered[.behavioralReflection] == nil)
        // The same figures the daemon's queries give, at the end of time.
        let far = try asOf("9999-12-01")
        let cadence = try Projections.cadence(scope: .salesperson("ana"), asOf: far, model: model)
        #expect(cadence["salespeople"]?.arrayValue?.first?["meanGapDays"]?.doubleValue == ana.meanGapDays)
        let open = try Projections.openCommitments(scope: .salesperson("ana"), overdueOnly: false, asOf: far, model: model)
        #expect(open["commitments"]?.arrayValue?.compactMap { $0["commitmentId"]?.stringValue }.sorted() == ["b", "c"])
    }
}

import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import Testing

/// Corrections as the team and prep views see them, over `Scenario` as of 2026-10-18 (4 weeks).
@Suite struct ViewCorrectionsTests {
    static func team(_ h: History, _ scope: Scope = .everyone) throws -> TeamReport {
        try Projections.team(scope: scope, weeks: 4, asOf: try asOf("2026-10-18"), model: h.model)
    }

    static func prep(_ h: History, _ name: String) throws -> PrepReport {
        try Projections.prep(salesperson: name, asOf: try asOf("2026-10-18"), model: h.model)
    }

    @Test func aVoidedSessionLeavesBothViews() throws {
        var h = try Scenario.build()
        // o6 (with lee) was recorded by mistake: its review of c-o5a goes, c-o6a and c-o6b go.
        try h.add("SessionVoided", ["sessionId": "o6", "salesperson": "omar", "reason": "wrong person"])
        // omar's coach is kim again: lee's team is dana alone.
        #expect(try Self.team(h, .coach("lee")).salespeople.map(\.salesperson) == ["dana"])
        let omar = try #require(try Self.team(h).salespeople.first { $0.salesperson == "omar" })
        #expect(omar.coach == "kim")
        // Sessions 09-08 … 10-13: 5, last 5 days ago, (35 days)/4 = 8.75; none open.
        #expect(omar.sessions == 5 && omar.daysSince == 5 && omar.meanGapDays == 8.75 && omar.openSession == nil)
        // Window: c-o2a partial, c-o3a kept, c-o3b missed, c-o4a missed: 25 %, from 50 %.
        #expect(omar.current == Tally(kept: 1, partial: 1, missed: 2))
        #expect(omar.trend == [0.0, nil, 0.5, 0.0])
        // c-o5a is open again (due 10-19); c-o6a and c-o6b count nowhere.
        #expect(omar.open == 1 && omar.overdue == 0)
        // behavioralReflection was covered only by o6: now never.
        #expect(omar.neglectedTopics.map(\.topic) == Topic.allCases)
        #expect(omar.reasons == [.slipping, .poorFollowThrough, .neglectedTopics])

        let prep = try Self.prep(h, "omar")
        #expect(prep.coach == "kim")
        #expect(prep.lastSession.sessionId == "o5" && !prep.lastSession.open)
        #expect(prep.lastSession.closedAt == (try timestamp("2026-10-13T15:00:00Z")))
        #expect(prep.dueForReview.map(\.commitmentId) == ["c-o5a"])
        #expect(!prep.reviews.contains { $0.commitmentId == "c-o5a" })
        #expect(prep.topics.first { $0.topic == .behavioralReflection }?.status == .never)
    }

    @Test func aWithdrawnCommitmentIsNeitherOpenNorOverdue() throws {
        var h = try Scenario.build()
        try h.add("CommitmentWithdrawn", ["commitmentId": "c-d5b", "salesperson": "dana", "at": "2026-10-12T09:45:00Z"])
        let dana = try #require(try Self.team(h).salespeople.first { $0.salesperson == "dana" })
        #expect(dana.open == 1 && dana.overdue == 0)
        #expect(dana.reasons == [.sessionLeftOpen])
        let prep = try Self.prep(h, "dana")
        #expect(prep.dueForReview.map(\.commitmentId) == ["c-d6a"])
        #expect(prep.open == 1 && prep.overdue == 0)
    }

    @Test func aMergedNameJoinsItsTarget() throws {
        var h = try Scenario.build()
        // A ghost "Dana", confirmed as new, with one closed session, a commitment and an insight.
        try h.add("SessionOpened", [
            "sessionId": "g1", "salesperson": "Dana", "coach": "lee", "at": "2026-10-14T09:00:00Z", "topics": ["identityRole"],
            "newSalesperson": true,
        ])
        try h.commit("c-g1", "g1", "Dana", kind: "more", due: "2026-10-17", at: "2026-10-14T09:10:00Z", text: "Ghost commitment")
        try h.add("InsightNoted", [
            "sessionId": "g1", "salesperson": "Dana", "topic": "selfConcept", "text": "Wants to be seen as an expert",
            "at": "2026-10-14T09:20:00Z",
        ])
        try h.close("g1", "Dana", at: "2026-10-14T10:00:00Z")
        #expect(try Self.team(h).salespeople.count == 3)

        try h.add("SalespersonMerged", ["salesperson": "Dana", "into": "dana", "reason": "typed with a capital"])
        let team = try Self.team(h)
        #expect(team.salespeople.map(\.salesperson).sorted() == ["dana", "omar"])
        let dana = try #require(team.salespeople.first { $0.salesperson == "dana" })
        // Seven sessions 09-07 … 10-14: (37 days)/6; the last 4 days ago. d6 is still the open one.
        #expect(dana.sessions == 7 && dana.daysSince == 4 && dana.meanGapDays == 37.0 / 6.0)
        #expect(dana.openSession?.sessionId == "d6")
        // c-g1 (due 10-17) joins c-d5b as overdue; c-d6a open.
        #expect(dana.open == 3 && dana.overdue == 2)
        #expect(team.totals.salespeople == 2)

        let prep = try Self.prep(h, "dana")
        // The last session is g1 (10-14, closed), later than the open d6 (10-12).
        #expect(prep.lastSession.sessionId == "g1" && !prep.lastSession.open)
        #expect(prep.dueForReview.map(\.commitmentId) == ["c-d5b", "c-g1", "c-d6a"])
        #expect(prep.dueForReview[1].text == "Ghost commitment" && prep.dueForReview[1].salesperson == "dana")  // one person: the target's name
        let selfConcept = try #require(prep.topics.first { $0.topic == .selfConcept })
        #expect(selfConcept.daysSince == 4 && selfConcept.insight?.text == "Wants to be seen as an expert")
        #expect(prep.topics.first { $0.topic == .identityRole }?.daysSince == 4)
        // Asking about the merged name says where to look.
        let error = #expect(throws: NotFound.self) { try Self.prep(h, "Dana") }
        #expect(error?.message.contains("dana") == true)
    }
}

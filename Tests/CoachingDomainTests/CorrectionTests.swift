import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import Testing

/// Corrections are events of their own: the log keeps every word, the
/// projections follow the latest one (issue 10).
@Suite struct CorrectionTests {
    /// dana with lee: s1 on 09-07 (c1 more, c2 better; goal g1), s2 on 09-14 reviewing c1 kept, c2 missed.
    static func base() throws -> History {
        var h = History()
        try h.open("s1", "dana", coach: "lee", at: "2026-09-07T09:00:00Z", topics: ["selfConcept"])
        try h.goal("g1", "s1", "dana", text: "Earn more", area: "income", at: "2026-09-07T09:05:00Z")
        try h.commit("c1", "s1", "dana", kind: "more", due: "2026-09-13", goal: "g1", at: "2026-09-07T09:10:00Z")
        try h.commit("c2", "s1", "dana", kind: "better", due: "2026-09-13", at: "2026-09-07T09:11:00Z")
        try h.close("s1", "dana", at: "2026-09-07T10:00:00Z")
        try h.open("s2", "dana", coach: "lee", at: "2026-09-14T09:00:00Z", topics: ["behavioralReflection"])
        try h.review("c1", "s2", "dana", outcome: "kept", at: "2026-09-14T09:10:00Z")
        try h.review("c2", "s2", "dana", outcome: "missed", at: "2026-09-14T09:11:00Z")
        return h
    }

    static let end = "2026-09-30"

    func followThrough(_ h: History, _ who: String = "dana") throws -> FollowThroughReport {
        try Projections.followThrough(scope: .salesperson(who), weeks: nil, asOf: try asOf(Self.end), model: h.model)
    }

    @Test func aCorrectedReviewCountsWithItsNewOutcomeAndNote() throws {
        var h = try Self.base()
        #expect(try followThrough(h).total == Tally(kept: 1, missed: 1))
        try h.add("ReviewCorrected", ["commitmentId": "c2", "salesperson": "dana", "outcome": "partial", "note": "Half done", "reason": "misheard"])
        let r = try followThrough(h)
        #expect(r.total == Tally(kept: 1, partial: 1))
        #expect(r.byKind.better == Tally(partial: 1))
        #expect(h.model.commitment("c2")?.review?.notePosition == h.position)
        try h.add("CommitmentMade", ["commitmentId": "c3", "sessionId": "s2", "salesperson": "dana", "kind": "more", "text": "Call", "at": "2026-09-14T09:20:00Z"])
        expectViolation("correction.notReviewed", "ReviewCorrected", ["commitmentId": "c3", "salesperson": "dana", "outcome": "kept"], after: h)
    }

    @Test func correctionsAreGuardedLikeTheRecordsTheyCorrect() throws {
        var h = try Self.base()
        try h.open("o1", "omar", coach: "kim", at: "2026-09-08T09:00:00Z")
        try h.add("CommitmentMade", ["commitmentId": "o-c1", "sessionId": "o1", "salesperson": "omar", "kind": "more", "text": "Call", "at": "2026-09-08T09:10:00Z"])
        expectViolation("commitment.exists", "ReviewCorrected", ["commitmentId": "nope", "salesperson": "dana", "outcome": "kept"], after: h)
        expectViolation("commitment.salesperson", "ReviewCorrected", ["commitmentId": "c1", "salesperson": "omar", "outcome": "missed"], after: h)
        expectViolation("correction.notReviewed", "ReviewCorrected", ["commitmentId": "o-c1", "salesperson": "omar", "outcome": "kept"], after: h)
        expectViolation("correction.empty", "ReviewCorrected", ["commitmentId": "c1", "salesperson": "dana", "reason": "no idea"], after: h)
        expectViolation("correction.empty", "CommitmentAmended", ["commitmentId": "c1", "salesperson": "dana"], after: h)
        expectViolation("commitment.dueBeforeMade", "CommitmentAmended", ["commitmentId": "c1", "salesperson": "dana", "due": "2026-09-06"], after: h)
        expectViolation("goal.exists", "CommitmentAmended", ["commitmentId": "c1", "salesperson": "dana", "goalId": "g9"], after: h)
        expectViolation("commitment.reviewed", "CommitmentWithdrawn", ["commitmentId": "c1", "salesperson": "dana"], after: h)
        expectViolation("session.salesperson", "SessionVoided", ["sessionId": "s1", "salesperson": "omar"], after: h)
        expectViolation("goal.salesperson", "GoalAchieved", ["goalId": "g1", "salesperson": "omar"], after: h)
    }

    @Test func anAmendedCommitmentShowsItsNewTextKindDueAndGoal() throws {
        var h = try Self.base()
        try h.add("CommitmentMade", ["commitmentId": "c3", "sessionId": "s2", "salesperson": "dana", "kind": "more", "text": "Cal ten prospects", "at": "2026-09-14T09:20:00Z"])
        try h.add("CommitmentAmended", ["commitmentId": "c3", "salesperson": "dana", "text": "Call ten prospects", "kind": "different", "due": "2026-09-25", "goalId": "g1", "reason": "typo"])
        let open = try Projections.openCommitments(scope: .salesperson("dana"), overdueOnly: false, asOf: try asOf("2026-09-20"), model: h.model)
        let row = try #require(open.commitments.first { $0.commitmentId == "c3" })
        #expect(row.text == "Call ten prospects")
        let due = try day("2026-09-25")
        #expect(row.kind == .different && row.due == due && row.goalId == "g1")
        // The log keeps the original words.
        #expect(h.model.eventData(at: 9)?["text"] == "Cal ten prospects")
    }

    @Test func aWithdrawnCommitmentIsNeitherOpenNorReviewable() throws {
        var h = try Self.base()
        try h.add("CommitmentMade", ["commitmentId": "c3", "sessionId": "s2", "salesperson": "dana", "kind": "more", "text": "Call", "at": "2026-09-14T09:20:00Z"])
        try h.add("CommitmentWithdrawn", ["commitmentId": "c3", "salesperson": "dana", "reason": "client left"])
        let open = try Projections.openCommitments(scope: .salesperson("dana"), overdueOnly: false, asOf: try asOf(Self.end), model: h.model)
        #expect(open.commitments.isEmpty && open.open == 0)
        try h.close("s2", "dana", at: "2026-09-14T10:00:00Z")
        try h.open("s3", "dana", coach: "lee", at: "2026-09-21T09:00:00Z")
        expectViolation("commitment.withdrawn", "CommitmentReviewed", ["commitmentId": "c3", "sessionId": "s3", "salesperson": "dana", "outcome": "kept"], after: h)
        expectViolation("commitment.withdrawn", "CommitmentWithdrawn", ["commitmentId": "c3", "salesperson": "dana"], after: h)
    }

    @Test func aVoidedSessionLeavesEveryProjection() throws {
        var h = try Self.base()
        try h.insight("s2", "dana", topic: "identityRole", at: "2026-09-14T09:30:00Z")
        try h.goal("g2", "s2", "dana", text: "Lead", at: "2026-09-14T09:31:00Z")
        try h.add("CommitmentMade", ["commitmentId": "c3", "sessionId": "s2", "salesperson": "dana", "kind": "more", "text": "Call", "at": "2026-09-14T09:40:00Z"])
        try h.add("SessionVoided", ["sessionId": "s2", "salesperson": "dana", "reason": "that was omar"])
        let end = try asOf(Self.end)
        // Its reviews are undone: c1 and c2 are open again; c3 (made in it) is gone.
        #expect(try followThrough(h).total.reviewed == 0)
        let open = try Projections.openCommitments(scope: .salesperson("dana"), overdueOnly: false, asOf: end, model: h.model)
        #expect(open.commitments.map(\.commitmentId) == ["c1", "c2"])
        let cadence = try Projections.cadence(scope: .everyone, asOf: end, model: h.model)
        #expect(cadence.salespeople.first?.sessions == 1)
        #expect(cadence.salespeople.first?.lastSession == (try day("2026-09-07")))
        let topics = try Projections.topics(salesperson: "dana", asOf: end, model: h.model)
        #expect(topics.lastCovered.behavioralReflection == nil && topics.lastCovered.identityRole == nil)
        #expect(try Projections.goals(salesperson: "dana", model: h.model).goals.map(\.goalId) == ["g1"])
        #expect(try Projections.sessions(salesperson: "dana", model: h.model).sessions.map(\.sessionId) == ["s1"])
        // Nothing more is recorded in it; the commitments can be reviewed again elsewhere.
        expectViolation("session.voided", "InsightNoted", ["sessionId": "s2", "salesperson": "dana", "topic": "selfConcept", "text": "x"], after: h)
        expectViolation("session.voided", "SessionVoided", ["sessionId": "s2", "salesperson": "dana"], after: h)
        try h.open("s3", "dana", coach: "lee", at: "2026-09-21T09:00:00Z")
        try h.review("c1", "s3", "dana", outcome: "partial", at: "2026-09-21T09:10:00Z")
        #expect(try followThrough(h).total == Tally(partial: 1))
    }

    @Test func voidingEverySessionOfAPersonRemovesThem() throws {
        var h = History()
        try h.open("m1", "Maria", coach: "lee", at: "2026-09-07T09:00:00Z")
        try h.add("SessionVoided", ["sessionId": "m1", "salesperson": "Maria"])
        #expect(try Projections.cadence(scope: .everyone, asOf: try asOf(Self.end), model: h.model).salespeople.isEmpty)
        #expect(throws: NotFound.self) { try Projections.sessions(salesperson: "Maria", model: h.model) }
    }

    @Test func aMergedNameJoinsItsTarget() throws {
        var h = try Self.base()
        try h.open("m1", "Dana", coach: "kim", at: "2026-09-15T09:00:00Z", newSalesperson: true)
        try h.add("CommitmentMade", ["commitmentId": "m-c1", "sessionId": "m1", "salesperson": "Dana", "kind": "more", "text": "Call", "at": "2026-09-15T09:10:00Z"])
        expectViolation("merge.openSession", "SalespersonMerged", ["salesperson": "Dana", "into": "dana"], after: h)
        try h.close("m1", "Dana", at: "2026-09-15T10:00:00Z")
        expectViolation("merge.self", "SalespersonMerged", ["salesperson": "dana", "into": "dana"], after: h)
        expectViolation("merge.target", "SalespersonMerged", ["salesperson": "Dana", "into": "nobody"], after: h)
        try h.add("SalespersonMerged", ["salesperson": "Dana", "into": "dana", "reason": "typed with a capital"])
        let end = try asOf(Self.end)
        let cadence = try Projections.cadence(scope: .everyone, asOf: end, model: h.model)
        #expect(cadence.salespeople.map(\.salesperson) == ["dana"])
        #expect(cadence.salespeople.first?.sessions == 3)
        #expect(cadence.salespeople.first?.coach == "kim")  // the latest session, whichever name it was under
        let open = try Projections.openCommitments(scope: .salesperson("dana"), overdueOnly: false, asOf: end, model: h.model)
        #expect(open.commitments.map(\.commitmentId) == ["m-c1"])
        // The merged name takes no more records and answers no queries, each time naming the target.
        expectViolation("salesperson.merged", "SessionOpened", ["sessionId": "m2", "salesperson": "Dana", "coach": "kim"], after: h)
        let error = #expect(throws: NotFound.self) { try Projections.sessions(salesperson: "Dana", model: h.model) }
        #expect(error?.message.contains("merged into dana") == true)
    }

    @Test func aMergedNamesRecordsAreSettledUnderItsTarget() throws {
        var h = try Self.base()
        try h.open("m1", "Dana", coach: "kim", at: "2026-09-15T09:00:00Z", newSalesperson: true)
        try h.add("CommitmentMade", ["commitmentId": "m-c1", "sessionId": "m1", "salesperson": "Dana", "kind": "more", "text": "Call", "at": "2026-09-15T09:10:00Z"])
        try h.add("CommitmentMade", ["commitmentId": "m-c2", "sessionId": "m1", "salesperson": "Dana", "kind": "better", "text": "Ask", "at": "2026-09-15T09:11:00Z"])
        try h.close("m1", "Dana", at: "2026-09-15T10:00:00Z")
        try h.add("SalespersonMerged", ["salesperson": "Dana", "into": "dana"])
        let end = try asOf(Self.end)
        // One person: rows carry the target's name, and its coach is the latest session's, under either name.
        let open = try Projections.openCommitments(scope: .salesperson("dana"), overdueOnly: false, asOf: end, model: h.model)
        #expect(open.commitments.map(\.salesperson) == ["dana", "dana"])
        #expect(try Projections.sessions(salesperson: "dana", model: h.model).coach == "kim")
        // Under the target's name, the merged name's records can still be reviewed, withdrawn and voided.
        try h.open("s3", "dana", coach: "lee", at: "2026-09-21T09:00:00Z")
        try h.review("m-c1", "s3", "dana", outcome: "kept", at: "2026-09-21T09:10:00Z")
        try h.add("CommitmentWithdrawn", ["commitmentId": "m-c2", "salesperson": "dana"])
        #expect(try followThrough(h).total == Tally(kept: 2, missed: 1))
        try h.add("SessionVoided", ["sessionId": "m1", "salesperson": "dana"])
        #expect(try followThrough(h).total == Tally(kept: 1, missed: 1))
        #expect(try Projections.sessions(salesperson: "dana", model: h.model).coach == "lee")
    }

    @Test func mergesOfMergesPointAtTheLastName() throws {
        var h = History()
        try h.open("z1", "Zed", coach: "lee", at: "2026-09-07T09:00:00Z")
        try h.close("z1", "Zed", at: "2026-09-07T10:00:00Z")
        try h.open("x1", "xavier", coach: "lee", at: "2026-09-08T09:00:00Z")
        try h.close("x1", "xavier", at: "2026-09-08T10:00:00Z")
        try h.open("y1", "yves", coach: "kim", at: "2026-09-09T09:00:00Z")
        try h.close("y1", "yves", at: "2026-09-09T10:00:00Z")
        try h.add("SalespersonMerged", ["salesperson": "Zed", "into": "xavier"])
        try h.add("SalespersonMerged", ["salesperson": "xavier", "into": "yves"])
        let sessions = try Projections.sessions(salesperson: "yves", model: h.model)
        #expect(Set(sessions.sessions.map(\.sessionId)) == ["z1", "x1", "y1"])
        let error = #expect(throws: NotFound.self) { try Projections.sessions(salesperson: "Zed", model: h.model) }
        #expect(error?.message.contains("merged into yves") == true)
        expectViolation("salesperson.merged", "SessionOpened", ["sessionId": "z2", "salesperson": "Zed", "coach": "lee", "at": "2026-09-10T09:00:00Z"], after: h)
        #expect(try Projections.cadence(scope: .everyone, asOf: try asOf(Self.end), model: h.model).salespeople.map(\.salesperson) == ["yves"])
    }

    @Test func aGoalIsRestatedAchievedOrDropped() throws {
        var h = try Self.base()
        try h.add("GoalAmended", ["goalId": "g1", "salesperson": "dana", "text": "Earn 20% more"])
        try h.add("GoalAchieved", ["goalId": "g1", "salesperson": "dana", "at": "2026-09-20T12:00:00Z"])
        let goal = try #require(try Projections.goals(salesperson: "dana", model: h.model).goals.first)
        #expect(goal.text == "Earn 20% more")
        let achieved = try timestamp("2026-09-20T12:00:00Z")
        #expect(goal.status == .achieved && goal.statusAt == achieved)
        expectViolation("goal.closed", "GoalDropped", ["goalId": "g1", "salesperson": "dana"], after: h)
    }
}

/// Guardrails refuse the common slips, each with its rule id (issue 10).
@Suite struct GuardrailTests {
    @Test func oneOpenSessionPerSalesperson() throws {
        var h = History()
        try h.open("s1", "dana", coach: "lee", at: "2026-09-07T09:00:00Z")
        expectViolation("session.alreadyOpen", "SessionOpened", ["sessionId": "s2", "salesperson": "dana", "coach": "lee", "at": "2026-09-14T09:00:00Z"], after: h)
    }

    @Test(arguments: ["Dana", "DANA", "da na", "Dána", "Da\u{301}na"])
    func aLookalikeNameNeedsConfirmation(_ name: String) throws {
        var h = History()
        try h.open("s1", "dana", coach: "lee", at: "2026-09-07T09:00:00Z")
        let open: JSONValue = ["sessionId": "s2", "salesperson": .string(name), "coach": "lee", "at": "2026-09-08T09:00:00Z"]
        expectViolation("salesperson.similar", "SessionOpened", open, after: h)
        try h.add("SessionOpened", merged(open, ["newSalesperson": true]))
        #expect(h.model.people().count == 2)
    }

    @Test func recordsStayInsideTheirSessionAndTheirWeek() throws {
        var h = History()
        try h.open("s1", "dana", coach: "lee", at: "2026-09-07T09:00:00Z")
        let commitment: JSONValue = ["commitmentId": "c1", "sessionId": "s1", "salesperson": "dana", "kind": "more", "text": "Call"]
        expectViolation("session.beforeOpen", "CommitmentMade", merged(commitment, ["at": "2026-09-07T08:59:00Z"]), after: h)
        expectViolation("commitment.dueBeforeMade", "CommitmentMade", merged(commitment, ["at": "2026-09-07T09:10:00Z", "due": "2026-09-06"]), after: h)
        expectViolation("session.closeBeforeOpen", "SessionClosed", ["sessionId": "s1", "salesperson": "dana", "at": "2026-09-07T08:00:00Z"], after: h)
        // History's clock reads 2027-01-01: more than a day ahead of it is a slip.
        expectViolation("at.future", "CommitmentMade", merged(commitment, ["at": "2027-01-02T00:00:01Z"]), after: h)
    }

    @Test func backFilledRecordsTakeTheirSessionsTime() throws {
        var h = History()
        try h.open("s1", "dana", coach: "lee", at: "2026-09-07T09:00:00Z")
        // Recorded months later without `at`: it happened in the session, not today.
        try h.add("CommitmentMade", ["commitmentId": "c1", "sessionId": "s1", "salesperson": "dana", "kind": "more", "text": "Call"], recordedAt: "2026-12-01T10:00:00Z")
        try h.insight("s1", "dana", topic: "selfConcept", at: nil, recordedAt: "2026-12-01T10:01:00Z")
        #expect(h.model.commitment("c1")?.madeAt == (try timestamp("2026-09-07T09:00:00Z")))
        #expect(h.model.commitment("c1")?.due == (try day("2026-09-14")))
        let topics = try Projections.topics(salesperson: "dana", asOf: try asOf("2026-12-02"), model: h.model)
        #expect(topics.lastCovered.selfConcept == (try day("2026-09-07")))
        // Recorded within the day: now.
        try h.open("s2", "omar", coach: "lee", at: "2026-12-01T09:00:00Z")
        try h.add("CommitmentMade", ["commitmentId": "c2", "sessionId": "s2", "salesperson": "omar", "kind": "more", "text": "Call"], recordedAt: "2026-12-01T10:00:00Z")
        #expect(h.model.commitment("c2")?.madeAt == (try timestamp("2026-12-01T10:00:00Z")))
    }
}

/// Found in review: voids and merges together.
@Suite struct MergeAndVoidTests {
    @Test func aTargetWhoseOwnSessionsAreVoidedStillCountsWithTheMergedNamesSessions() throws {
        var h = History()
        try h.open("M1", "Maria", coach: "kim", at: "2026-09-07T09:00:00Z")
        try h.close("M1", "Maria", at: "2026-09-07T10:00:00Z")
        try h.open("m1", "maria", coach: "kim", at: "2026-09-08T09:00:00Z", newSalesperson: true)
        try h.close("m1", "maria", at: "2026-09-08T10:00:00Z")
        try h.add("SalespersonMerged", ["salesperson": "Maria", "into": "maria"])
        try h.add("SessionVoided", ["sessionId": "m1", "salesperson": "maria"])
        let cadence = try Projections.cadence(scope: .everyone, asOf: try asOf("2026-09-30"), model: h.model)
        #expect(cadence.salespeople.map(\.salesperson) == ["maria"])
        #expect(cadence.salespeople.first?.sessions == 1)
    }

    @Test func voidingASessionUndoesItsReviewsAcrossMergesOfMerges() throws {
        var h = History()
        try h.open("a1", "ann", coach: "kim", at: "2026-09-07T09:00:00Z")
        try h.commit("k1", "a1", "ann", kind: "more", due: "2026-09-14", at: "2026-09-07T09:10:00Z")
        try h.close("a1", "ann", at: "2026-09-07T10:00:00Z")
        try h.open("b1", "bea", coach: "kim", at: "2026-09-08T09:00:00Z")
        try h.close("b1", "bea", at: "2026-09-08T10:00:00Z")
        try h.open("z1", "zoe", coach: "kim", at: "2026-09-09T09:00:00Z")
        try h.close("z1", "zoe", at: "2026-09-09T10:00:00Z")
        try h.add("SalespersonMerged", ["salesperson": "ann", "into": "bea"])
        try h.open("b2", "bea", coach: "kim", at: "2026-09-14T09:00:00Z")
        try h.review("k1", "b2", "bea", outcome: "kept", at: "2026-09-14T09:10:00Z")
        try h.close("b2", "bea", at: "2026-09-14T10:00:00Z")
        try h.add("SalespersonMerged", ["salesperson": "bea", "into": "zoe"])
        try h.add("SessionVoided", ["sessionId": "b2", "salesperson": "zoe"])
        #expect(h.model.commitment("k1")?.review == nil)
        let r = try Projections.followThrough(scope: .salesperson("zoe"), weeks: nil, asOf: try asOf("2026-09-30"), model: h.model)
        #expect(r.total.reviewed == 0)
    }
}

/// Found in review: a stored event from before the date range existed still replays.
@Suite struct StoredHistoryTests {
    @Test func anOutOfRangeDateInTheLogStillDecodes() throws {
        let data: JSONValue = ["sessionId": "s1", "salesperson": "dana", "coach": "lee", "at": "0026-09-07T09:00:00Z"]
        #expect(throws: DomainError.self) { try CoachingEvent(type: "SessionOpened", data: data) }
        let envelope = EventEnvelope(
            position: 1, eventId: "e", type: .sessionOpened, salesperson: "dana", streamVersion: 1,
            recordedAt: try timestamp("2026-09-07T09:00:00Z"), data: data)
        #expect(try envelope.decoded().at == Timestamp(iso8601: "0026-09-07T09:00:00Z"))
    }
}

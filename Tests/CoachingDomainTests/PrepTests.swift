import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import Testing

/// The prep view over `Scenario`, as of 2026-10-18 (end 10-19T00:00Z; reviews of [09-21, 10-19)).
/// Commitments whose text is not given in `Scenario` read "Call ten prospects".
@Suite struct PrepTests {
    let model: InMemoryReadModel

    init() throws { model = try Scenario.model() }

    @Test func danaBeforeHerNextOneOnOne() throws {
        let r = try Projections.prep(salesperson: "dana", asOf: try asOf("2026-10-18"), model: model)
        #expect(r.projection == .prep && r.salesperson == "dana" && r.coach == "lee" && r.asOf == "2026-10-18")
        #expect(r.lastSession == PrepSession(
            sessionId: "d6", coach: "lee", openedAt: try timestamp("2026-10-12T09:00:00Z"), closedAt: nil, topics: [],
            daysSince: 6))
        #expect(r.lastSession.open)

        // Open: c-d5b (due 10-11, 7 days overdue), then c-d6a (due 10-18).
        #expect(r.dueForReview.map(\.commitmentId) == ["c-d5b", "c-d6a"])
        #expect(r.dueForReview.map(\.daysOverdue) == [7, 0])
        #expect(r.dueForReview.allSatisfy { $0.text == "Call ten prospects" })
        #expect(r.dueForReview[1].goalId == "g-d-lead")
        #expect(r.open == 2 && r.overdue == 1)

        // Reviews newest first; c-d3b and c-d3a share a time, the later event first.
        #expect(r.reviewWindow == Window(from: try timestamp("2026-09-21T00:00:00Z"), to: try timestamp("2026-10-19T00:00:00Z")))
        #expect(r.reviews.map(\.commitmentId) == ["c-d5a", "c-d4a", "c-d3b", "c-d3a", "c-d2a"])
        #expect(r.reviews.map(\.outcome) == [.kept, .partial, .kept, .kept, .missed])
        #expect(r.reviews.map(\.sessionId) == ["d6", "d5", "d4", "d4", "d3"])
        #expect(r.reviews.allSatisfy { $0.note == nil })
        #expect(r.reviewed == Tally(kept: 3, partial: 1, missed: 1))

        // All three goals are active: g-d-income 1 of 2, g-d-lead 1 of 1 (c-d6a open), g-d-balance none.
        #expect(r.goals.map(\.goalId) == ["g-d-income", "g-d-lead", "g-d-balance"])
        #expect(r.goals.map(\.tally) == [Tally(kept: 1, missed: 1), Tally(kept: 1), Tally()])
        #expect(r.goals.map(\.commitments) == [2, 2, 0])
        #expect(r.goals[0].text == "Earn 120k this year")

        // selfConcept 27 days (insight 09-21), identityRole 20, behavioralReflection 13, personalGoals 6 (insight 10-12).
        #expect(r.topics.map(\.topic) == [.selfConcept, .identityRole, .behavioralReflection, .personalGoals])
        #expect(r.topics.map(\.daysSince) == [27, 20, 13, 6])
        #expect(r.topics.allSatisfy { $0.status == .current })
        #expect(r.topics[0].insight == PrepInsight(text: "Sees herself as a closer", at: try timestamp("2026-09-21T09:50:00Z"), sessionId: "d3"))
        #expect(r.topics[1].insight == nil && r.topics[2].insight == nil)
        #expect(r.topics[3].insight?.at == (try timestamp("2026-10-12T09:50:00Z")))
        // Nothing neglected: no questions.
        #expect(r.questions.isEmpty)

        let wire = try r.wire
        #expect(wire["lastSession"]?["closedAt"] == .null)
        #expect(wire["topics"]?.arrayValue?[1]["insight"] == .null)
        #expect(wire["reviews"]?.arrayValue?[0]["note"] == .null)
        #expect(wire["reviewDays"] == 28 && wire["staleAfterDays"] == 28)
    }

    @Test func omarsNeglectedTopicsGetQuestions() throws {
        let r = try Projections.prep(salesperson: "omar", asOf: try asOf("2026-10-18"), model: model)
        #expect(r.coach == "lee")
        #expect(r.lastSession.sessionId == "o6" && r.lastSession.topics == [.behavioralReflection] && r.lastSession.daysSince == 2)
        #expect(r.dueForReview.map(\.commitmentId) == ["c-o6b", "c-o6a"])  // due 10-20, 10-22
        #expect(r.reviews.map(\.commitmentId) == ["c-o5a", "c-o4a", "c-o3b", "c-o3a", "c-o2a"])
        #expect(r.reviewed == Tally(kept: 2, partial: 1, missed: 2))
        #expect(r.goals.map(\.goalId) == ["g-o-income"] && r.goals[0].tally == Tally(missed: 2))
        // Never: selfConcept, personalGoals (topic order); identityRole 33 days; behavioralReflection 2.
        #expect(r.topics.map(\.topic) == [.selfConcept, .personalGoals, .identityRole, .behavioralReflection])
        #expect(r.topics.map(\.status) == [.never, .never, .stale, .current])
        #expect(r.topics[2].insight?.text == "Sees herself as a closer")
        // 2026-10-18 is day 20744; 20744 mod 5 = 4: the fifth question of each of the three topics.
        #expect(r.questions.map(\.id) == ["selfConcept-5", "personalGoals-5", "identityRole-5"])
        #expect(r.questions[0].text == CoachingQuestions.library[.selfConcept]?[4])
        // The same day gives the same questions; the next week's one-on-one (day 20751, mod 5 = 1) others.
        #expect(try Projections.prep(salesperson: "omar", asOf: try asOf("2026-10-18T08:00:00Z"), model: model).questions == r.questions)
    }

    @Test func theNoteIsTheLatestWord() throws {
        // c-d5b, made in d5, is reviewed in d6 with a note.
        var g = try Scenario.build()
        try g.add("CommitmentReviewed", [
            "commitmentId": "c-d5b", "sessionId": "d6", "salesperson": "dana", "outcome": "missed", "note": "Forgot",
            "at": "2026-10-12T09:35:00Z",
        ])
        var r = try Projections.prep(salesperson: "dana", asOf: try asOf("2026-10-18"), model: g.model)
        #expect(r.reviews.first { $0.commitmentId == "c-d5b" }?.note == "Forgot")
        // A correction of the outcome alone keeps the note; one with a note replaces it.
        try g.add("ReviewCorrected", ["commitmentId": "c-d5b", "salesperson": "dana", "outcome": "partial", "at": "2026-10-13T08:00:00Z"])
        r = try Projections.prep(salesperson: "dana", asOf: try asOf("2026-10-18"), model: g.model)
        let corrected = try #require(r.reviews.first { $0.commitmentId == "c-d5b" })
        #expect(corrected.outcome == .partial && corrected.note == "Forgot")
        try g.add("ReviewCorrected", ["commitmentId": "c-d5b", "salesperson": "dana", "note": "Did half of it", "at": "2026-10-13T08:01:00Z"])
        r = try Projections.prep(salesperson: "dana", asOf: try asOf("2026-10-18"), model: g.model)
        #expect(r.reviews.first { $0.commitmentId == "c-d5b" }?.note == "Did half of it")
        #expect(r.dueForReview.map(\.commitmentId) == ["c-d6a"])
        // An amended text shows the latest text.
        try g.add("CommitmentAmended", ["commitmentId": "c-d6a", "salesperson": "dana", "text": "Call twelve prospects"])
        r = try Projections.prep(salesperson: "dana", asOf: try asOf("2026-10-18"), model: g.model)
        #expect(r.dueForReview.map(\.text) == ["Call twelve prospects"])
    }

    @Test func goalsClosedBeforeAsOfAreLeftOut() throws {
        var h = try Scenario.build()
        try h.add("GoalAchieved", ["goalId": "g-d-income", "salesperson": "dana", "at": "2026-10-10T10:00:00Z"])
        let before = try Projections.prep(salesperson: "dana", asOf: try asOf("2026-10-09"), model: h.model)
        #expect(before.goals.map(\.goalId) == ["g-d-income", "g-d-lead", "g-d-balance"])
        let after = try Projections.prep(salesperson: "dana", asOf: try asOf("2026-10-18"), model: h.model)
        #expect(after.goals.map(\.goalId) == ["g-d-lead", "g-d-balance"])
    }

    @Test func asOfBeforeAnySessionIsNotFound() throws {
        #expect(throws: NotFound.self) { try Projections.prep(salesperson: "omar", asOf: try asOf("2026-09-07"), model: model) }
        #expect(throws: NotFound.self) { try Projections.prep(salesperson: "zoe", asOf: try asOf("2026-10-18"), model: model) }
    }

    @Test func questionsArePickedByTheRule() throws {
        let d = Day(number: 20744)  // mod 5 = 4
        // One neglected topic: two questions, the fifth and then the first.
        #expect(CoachingQuestions.pick(for: [.identityRole], on: d).map(\.id) == ["identityRole-5", "identityRole-1"])
        // Two: one each, then a second from the first.
        #expect(
            CoachingQuestions.pick(for: [.personalGoals, .selfConcept], on: d).map(\.id)
                == ["personalGoals-5", "selfConcept-5", "personalGoals-1"])
        // Four: the first three, one each.
        #expect(
            CoachingQuestions.pick(for: [.behavioralReflection, .selfConcept, .identityRole, .personalGoals], on: Day(number: 20751)).map(\.id)
                == ["behavioralReflection-2", "selfConcept-2", "identityRole-2"])
        #expect(CoachingQuestions.pick(for: [], on: d).isEmpty)
        // Every topic has its five questions, each a question, none repeated.
        for topic in Topic.allCases {
            let questions = try #require(CoachingQuestions.library[topic])
            #expect(questions.count == 5 && Set(questions).count == 5)
            #expect(questions.allSatisfy { $0.hasSuffix("?") && $0.count <= Limits.maximumTextLength })
        }
    }
}

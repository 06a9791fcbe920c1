import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import Testing

/// Events recorded into the reference and into the indexed model, as the store records them.
struct ModelPair {
    var reference = InMemoryReadModel()
    var indexed = IndexedReadModel()
    var position: UInt64 = 0

    mutating func add(_ type: String, _ data: JSONValue, recordedAt: String = History.defaultRecordedAt) throws {
        let event = try CoachingEvent(type: type, data: data)
        let now = try timestamp(recordedAt)
        position += 1
        try reference.record(event, position: position, recordedAt: now)
        try CoachingRules.validate(event, in: indexed, now: now)
        try CoachingRules.apply(event, position: position, recordedAt: now, to: &indexed)
    }

    var withText: WithText<IndexedReadModel> { WithText(model: indexed, data: reference.dataByPosition) }
}

@Suite struct IndexedReadModelTests {
    static func session(_ id: String, _ name: String, position: UInt64, coach: String = "kim") throws -> SessionRecord {
        SessionRecord(
            sessionId: id, salesperson: name, coach: coach, openedAt: try timestamp("2026-03-02T09:00:00Z"), closedAt: nil,
            topics: [], position: position)
    }

    @Test func listsAreByPositionAndUpdatesReplaceInPlace() throws {
        var model = IndexedReadModel()
        model.put(try Self.session("s2", "ana", position: 20))
        model.put(try Self.session("s1", "ana", position: 10))  // out of order: inserted sorted
        model.put(try Self.session("s3", "ana", position: 30))
        var closed = try Self.session("s2", "ana", position: 20)
        closed.closedAt = try timestamp("2026-03-02T10:00:00Z")
        model.put(closed)
        #expect(model.sessions(of: "ana").map(\.sessionId) == ["s1", "s2", "s3"])
        #expect(model.session("s2") == closed)
        #expect(model.session("s4") == nil)
        #expect(model.sessions(of: "ben").isEmpty)
        #expect(model.eventData(at: 20) == nil)
    }

    @Test func peopleAreInByteOrderAndFoldedLookalikesFound() throws {
        var model = IndexedReadModel()
        var reference = InMemoryReadModel()
        // Canonically equivalent spellings are two people to the store, as to the reference.
        for (i, name) in ["jose\u{301}", "ana", "jos\u{E9}", "Ana", "ben"].enumerated() {
            let person = PersonRecord(
                salesperson: name, coach: "kim", latestSessionId: "s\(i)", latestSessionAt: try timestamp("2026-03-02"),
                latestSessionPosition: UInt64(i + 1))
            model.put(person)
            reference.put(person)
        }
        #expect(model.peopleCount == 5)
        #expect(model.people().map { Array($0.salesperson.utf8) } == reference.people().map { Array($0.salesperson.utf8) })
        for key in ["ana", "jose", "ben", "zoe"] {
            #expect(
                model.people(foldedAs: key).map { Array($0.salesperson.utf8) }
                    == (try reference.people(foldedAs: key)).map { Array($0.salesperson.utf8) })
        }
        #expect(model.people(foldedAs: "jose").count == 2)
    }

    @Test func changesNameEveryRecordPutOnceAndAreCleared() throws {
        var pair = ModelPair()
        try pair.add("SessionOpened", ["sessionId": "s1", "salesperson": "ana", "coach": "kim", "at": "2026-03-02T09:00:00Z"])
        try pair.add("CommitmentMade", ["commitmentId": "c1", "sessionId": "s1", "salesperson": "ana", "kind": "more",
                                        "text": "Call", "at": "2026-03-02T09:10:00Z"])
        try pair.add("InsightNoted", ["sessionId": "s1", "salesperson": "ana", "topic": "selfConcept", "text": "Sees",
                                      "at": "2026-03-02T09:20:00Z"])
        try pair.add("SessionClosed", ["sessionId": "s1", "salesperson": "ana", "at": "2026-03-02T10:00:00Z"])
        var expected = ModelChanges()
        expected.sessions = [ExactName("s1")]
        expected.commitments = [ExactName("c1")]
        expected.insights = [3]
        expected.people = [ExactName("ana")]
        #expect(pair.indexed.takeChanges() == expected)
        #expect(pair.indexed.takeChanges().isEmpty)
        try pair.add("CommitmentWithdrawn", ["commitmentId": "c1", "salesperson": "ana", "at": "2026-03-03T10:00:00Z"])
        var withdrawn = ModelChanges()
        withdrawn.commitments = [ExactName("c1")]
        #expect(pair.indexed.takeChanges() == withdrawn)
        #expect(pair.indexed.insight(at: 3) == pair.reference.insightsByPosition[3])
    }

    /// A review without `at` takes the daemon's clock, which may be before its session opened
    /// (sessions may open up to a day ahead): for an instant in between, its person is in no
    /// scope yet, so the organisation totals (which hold the review) decline and the reference count is used.
    @Test func aReviewTimedBeforeItsSessionKeepsOrganisationCountsExact() throws {
        var pair = ModelPair()
        let now = "2027-01-01T00:00:00Z"
        try pair.add("SessionOpened", ["sessionId": "s1", "salesperson": "ana", "coach": "kim", "at": "2027-01-01T10:00:00Z"],
                     recordedAt: now)
        try pair.add("CommitmentMade", ["commitmentId": "c1", "sessionId": "s1", "salesperson": "ana", "kind": "more",
                                        "text": "Call", "at": "2027-01-01T10:05:00Z"], recordedAt: now)
        try pair.add("SessionClosed", ["sessionId": "s1", "salesperson": "ana", "at": "2027-01-01T11:00:00Z"], recordedAt: now)
        try pair.add("SessionOpened", ["sessionId": "s2", "salesperson": "ana", "coach": "kim", "at": "2027-01-01T12:00:00Z"],
                     recordedAt: now)
        try pair.add("CommitmentReviewed", ["commitmentId": "c1", "sessionId": "s2", "salesperson": "ana", "outcome": "kept"],
                     recordedAt: "2027-01-01T01:00:00Z")
        #expect(pair.reference.commitment("c1")?.review?.at == (try timestamp("2027-01-01T01:00:00Z")))
        #expect(pair.indexed.organisationReviews(in: Window(from: nil, to: try timestamp("2027-01-02"))) == nil)
        for at in ["2027-01-01T02:00:00Z", "2027-01-01T10:30:00Z", "2027-01-01"] {
            let asOf = try asOf(at)
            for weeks in [nil, 1] {
                let expected = try Projections.followThrough(scope: .everyone, weeks: weeks, asOf: asOf, model: pair.reference)
                #expect(try Projections.followThrough(scope: .everyone, weeks: weeks, asOf: asOf, model: pair.withText) == expected)
            }
        }
        let early = try Projections.followThrough(scope: .everyone, weeks: nil, asOf: try asOf("2027-01-01T02:00:00Z"), model: pair.withText)
        #expect(early.salespeople == 0 && early.total.reviewed == 0)
        // Voiding the session the review was held in undoes it: the totals are trusted again.
        try pair.add("SessionVoided", ["sessionId": "s2", "salesperson": "ana", "at": "2027-01-01T13:00:00Z"], recordedAt: now)
        #expect(pair.indexed.organisationReviews(in: Window(from: nil, to: try timestamp("2027-01-02")))?.total.reviewed == 0)
    }

    @Test func organisationTotalsCountPartialDaysExactly() throws {
        var pair = ModelPair()
        try pair.add("SessionOpened", ["sessionId": "s1", "salesperson": "ana", "coach": "kim", "at": "2026-03-02T09:00:00Z"])
        for (i, kind) in ["more", "better", "different", "more"].enumerated() {
            try pair.add("CommitmentMade", ["commitmentId": .string("c\(i)"), "sessionId": "s1", "salesperson": "ana",
                                            "kind": .string(kind), "text": "Call", "at": "2026-03-02T09:10:00Z"])
        }
        try pair.add("SessionClosed", ["sessionId": "s1", "salesperson": "ana", "at": "2026-03-02T10:00:00Z"])
        try pair.add("SessionOpened", ["sessionId": "s2", "salesperson": "ana", "coach": "kim", "at": "2026-03-09T08:00:00Z"])
        for (i, (outcome, at)) in [("kept", "2026-03-09T08:00:00Z"), ("missed", "2026-03-09T12:30:00.001Z"),
                                   ("partial", "2026-03-09T12:30:00Z"), ("kept", "2026-03-09T23:59:59.999Z")].enumerated() {
            try pair.add("CommitmentReviewed", ["commitmentId": .string("c\(i)"), "sessionId": "s2", "salesperson": "ana",
                                                "outcome": .string(outcome), "at": .string(at)])
        }
        for at in ["2026-03-09T12:30:00Z", "2026-03-09T12:29:59.999Z", "2026-03-09T08:00:00Z", "2026-03-09", "2026-03-16T12:30:00Z"] {
            for weeks in [nil, 1, 2] {
                let asOf = try asOf(at)
                let expected = try Projections.followThrough(scope: .everyone, weeks: weeks, asOf: asOf, model: pair.reference)
                #expect(try Projections.followThrough(scope: .everyone, weeks: weeks, asOf: asOf, model: pair.withText) == expected)
            }
        }
        #expect(pair.indexed.organisationReviews(in: Window(from: nil, to: try timestamp("2026-03-10")))?.total.reviewed == 4)
    }

    @Test func aCoachsPeopleAsOfBeforeAMoveIncludeThoseWhoMovedAway() throws {
        var pair = ModelPair()
        try pair.add("SessionOpened", ["sessionId": "s1", "salesperson": "ana", "coach": "kim", "at": "2026-03-02T09:00:00Z"])
        try pair.add("SessionClosed", ["sessionId": "s1", "salesperson": "ana", "at": "2026-03-02T10:00:00Z"])
        try pair.add("SessionOpened", ["sessionId": "s2", "salesperson": "ben", "coach": "kim", "at": "2026-03-02T11:00:00Z"])
        try pair.add("SessionOpened", ["sessionId": "s3", "salesperson": "ana", "coach": "lee", "at": "2026-03-09T09:00:00Z"])
        for (at, kim, lee) in [("2026-03-05", ["ana", "ben"], [String]()), ("2026-03-10", ["ben"], ["ana"])] {
            let asOf = try asOf(at)
            #expect(pair.indexed.people(coachedBy: "kim", asOf: asOf)?.map(\.salesperson) == kim)
            #expect(pair.indexed.people(coachedBy: "lee", asOf: asOf)?.map(\.salesperson) == lee)
            for coach in ["kim", "lee", "pat"] {
                expectSame("cadence \(coach) \(at)", { try Projections.cadence(scope: .coach(coach), asOf: asOf, model: pair.reference) }, {
                    try Projections.cadence(scope: .coach(coach), asOf: asOf, model: pair.withText)
                })
            }
        }
    }
}

import CoachLogJSON
import CoachLogProtocol
import Testing

/// The team, prep and goals results on the wire, and the queries that ask for them.
@Suite struct ViewResultTests {
    static let t = Timestamp(iso8601: "2026-11-02T09:00:00Z")!
    static let d = Day(iso8601: "2026-11-09")!
    static let window = Window(from: Timestamp(iso8601: "2026-10-19"), to: Timestamp(iso8601: "2026-11-16")!)

    static func row(
        _ name: String, current: Tally = Tally(), previous: Tally = Tally(), overdue: Int = 0, daysSince: Int = 3,
        meanGap: Double? = 7, open: OpenSessionNote? = nil, neglected: [NeglectedTopic] = []
    ) -> TeamRow {
        TeamRow(
            salesperson: name, coach: "lee", current: current, previous: previous, weekly: [Tally(), Tally(kept: 1, missed: 1)],
            open: overdue,
            overdue: overdue, sessions: 4, lastSession: d, daysSince: daysSince, meanGapDays: meanGap, openSession: open,
            neglectedTopics: neglected)
    }

    @Test func teamRoundTrips() throws {
        let rows = [
            Self.row("dana", current: Tally(kept: 1, missed: 2), previous: Tally(kept: 2), overdue: 1, daysSince: 16,
                     open: OpenSessionNote(sessionId: "s", openedAt: Self.t, daysOpen: 2),
                     neglected: [NeglectedTopic(topic: .personalGoals, status: .never, daysSince: nil)]),
            Self.row("omar", meanGap: nil),
        ]
        let report = TeamReport(
            scope: .coach("lee"), asOf: "2026-11-15", weeks: 4, trendWeeks: 2, window: Self.window, previousWindow: Self.window,
            totals: TeamTotals(rows: rows, current: Tally(kept: 1, missed: 2), previous: Tally(kept: 2),
                weekly: [Tally(), Tally(kept: 1, missed: 3)]),
            salespeople: rows)
        try roundTrip(report)
        let wire = try report.wire
        #expect(wire["projection"] == "team" && wire["weeks"] == 4 && wire["slippingPoints"] == 10)
        #expect(wire["lapsedAfterDays"] == 14 && wire["staleAfterDays"] == 28)
        let dana = try #require(wire["salespeople"]?.arrayValue?.first)
        #expect(dana["current"]?["rate"] == .double(1.0 / 3.0) && dana["previous"]?["health"] == "good")
        #expect(dana["trend"] == [nil, 0.5] && dana["trendReviewed"] == [0, 2])
        #expect(wire["trendWeeks"] == 2 && wire["totals"]?["trendReviewed"] == [0, 4])
        #expect(dana["reasons"] == ["lapsed", "slipping", "overdue", "poorFollowThrough", "pastUsualGap", "sessionLeftOpen", "neglectedTopics"])
        #expect(dana["attention"] == 13)
        #expect(dana["neglectedTopics"] == [["topic": "personalGoals", "status": "never", "daysSince": nil]])
        #expect(dana["openSession"] == ["sessionId": "s", "openedAt": "2026-11-02T09:00:00Z", "daysOpen": 2])
        let omar = try #require(wire["salespeople"]?.arrayValue?.last)
        #expect(omar["openSession"] == .null && omar["meanGapDays"] == .null && omar["pastUsualGap"] == false)
        #expect(omar["change"] == ["rate": nil, "weightedRate": nil] && omar["reasons"] == [] && omar["attention"] == 0)
        #expect(wire["totals"]?["needAttention"] == 1 && wire["totals"]?["lapsed"] == 1 && wire["totals"]?["openSessions"] == 1)
    }

    @Test func eachReasonFollowsItsThreshold() {
        #expect(Self.row("a", daysSince: 14, meanGap: 20).reasons == [])
        #expect(Self.row("a", daysSince: 15, meanGap: 20).reasons == [.lapsed])
        #expect(Self.row("a", daysSince: 7, meanGap: 7).reasons == [])
        #expect(Self.row("a", daysSince: 8, meanGap: 7).reasons == [.pastUsualGap])
        // 0.4 − 0.5 is −0.0999…: −10 points, slipping; 45 % from 54.5 % is −9.5, rounded −10; 46 % from 55 % −9.
        #expect(Self.row("a", current: Tally(kept: 2, missed: 3), previous: Tally(kept: 1, missed: 1)).reasons == [.slipping])
        #expect(Self.row("a", current: Tally(kept: 9, missed: 11), previous: Tally(kept: 6, missed: 5)).reasons == [.slipping])
        #expect(Self.row("a", current: Tally(kept: 11, missed: 13), previous: Tally(kept: 11, missed: 9)).reasons == [])
        // Poor below 40 %; nothing reviewed is neither poor nor slipping.
        #expect(Self.row("a", current: Tally(kept: 1, missed: 2), previous: Tally(kept: 1, missed: 2)).reasons == [.poorFollowThrough])
        #expect(Self.row("a", previous: Tally(kept: 2)).reasons == [])
        #expect(Self.row("a", overdue: 1).reasons == [.overdue])
        // A session opened today is open, but not left open.
        #expect(Self.row("a", open: OpenSessionNote(sessionId: "s", openedAt: Self.t, daysOpen: 0)).reasons == [])
        #expect(Self.row("a", open: OpenSessionNote(sessionId: "s", openedAt: Self.t, daysOpen: 1)).reasons == [.sessionLeftOpen])
        #expect(Self.row("a", neglected: [NeglectedTopic(topic: .selfConcept, status: .stale, daysSince: 29)]).reasons == [.neglectedTopics])
        #expect(AttentionReason.allCases.map(\.weight) == [3, 3, 2, 2, 1, 1, 1])
    }

    @Test func attentionFirstThenDaysSinceThenOverdueThenName() {
        let rows = [
            Self.row("b", daysSince: 3),
            Self.row("a", daysSince: 3),
            Self.row("c", overdue: 1, daysSince: 3),  // attention 2
            Self.row("d", overdue: 2, daysSince: 3),  // attention 2, more overdue
            Self.row("e", overdue: 1, daysSince: 5),  // attention 2, longer since
            Self.row("é", daysSince: 3),
            Self.row("Z", daysSince: 3),
        ]
        #expect(rows.sorted(by: TeamRow.attentionFirst).map(\.salesperson) == ["e", "d", "c", "Z", "a", "b", "é"])
    }

    @Test func prepRoundTrips() throws {
        let open = OpenCommitment(
            commitmentId: "c", salesperson: "dana", coach: "lee", sessionId: "s", kind: .more, text: "Call", due: Self.d,
            goalId: nil, madeAt: Self.t, overdue: true, daysOverdue: 2)
        let report = PrepReport(
            salesperson: "dana", coach: "lee", asOf: "2026-11-11",
            lastSession: PrepSession(sessionId: "s", coach: "lee", openedAt: Self.t, closedAt: nil, topics: [.selfConcept], daysSince: 9),
            dueForReview: [open], reviewWindow: Self.window,
            reviews: [
                PrepReview(commitmentId: "b", kind: .better, text: "Ask", goalId: "g", outcome: .partial, note: "Half", sessionId: "s", reviewedAt: Self.t),
                PrepReview(commitmentId: "a", kind: .different, text: nil, goalId: nil, outcome: .kept, note: nil, sessionId: "s", reviewedAt: Self.t),
            ],
            goals: [GoalRow(goalId: "g", text: "Lead", area: nil, sessionId: "s", statedAt: Self.t, commitments: 1, tally: Tally(partial: 1))],
            topics: [
                PrepTopic(topic: .personalGoals, lastCovered: nil, daysSince: nil, insight: nil),
                PrepTopic(topic: .identityRole, lastCovered: Self.d, daysSince: 29, insight: PrepInsight(text: "Team first", at: Self.t, sessionId: "s")),
                PrepTopic(topic: .selfConcept, lastCovered: Self.d, daysSince: 28, insight: nil),
            ],
            questions: [PrepQuestion(id: "personalGoals-1", topic: .personalGoals, text: "What?")])
        try roundTrip(report)
        let wire = try report.wire
        #expect(wire["projection"] == "prep" && wire["open"] == 1 && wire["overdue"] == 1)
        #expect(wire["reviewed"]?["reviewed"] == 2 && wire["reviewed"]?["weightedRate"] == .double(0.75))
        #expect(wire["topics"]?.arrayValue?.map { $0["status"] } == ["never", "stale", "current"])
        #expect(wire["lastSession"]?["open"] == true && wire["lastSession"]?["closedAt"] == .null)
        #expect(wire["goals"]?.arrayValue?.first?["partial"] == 1)
    }

    @Test func goalsRoundTripWithAndWithoutAsOf() throws {
        let row = GoalRow(goalId: "g", text: "Lead", area: "x", sessionId: "s", statedAt: Self.t, commitments: 1, tally: Tally(),
                          status: .achieved, statusAt: Self.t)
        try roundTrip(GoalsReport(salesperson: "dana", asOf: "2026-11-11", weeks: 2, window: Self.window, goals: [row]))
        let plain = GoalsReport(salesperson: "dana", goals: [row])
        try roundTrip(plain)
        // Without asOf the reply is what it was before asOf existed.
        #expect(try plain.wire.objectValue.map { Set($0.keys) } == ["projection", "salesperson", "goals"])
        let dated = GoalsReport(salesperson: "dana", asOf: "2026-11-11", window: Window(from: nil, to: Self.t), goals: [])
        try roundTrip(dated)
        #expect(try dated.wire["weeks"] == .null && dated.wire["window"]?["from"] == .null)
        // A reply from before asOf existed still reads.
        let old: JSONValue = ["projection": "goals", "salesperson": "dana", "goals": []]
        #expect(try GoalsReport(wire: old) == GoalsReport(salesperson: "dana", goals: []))
    }

    @Test func theQueriesTakeTheirFields() throws {
        func body(_ fields: [String: JSONValue]) throws(ProtocolError) -> RequestBody {
            try Request(id: 1, op: .query, fields: fields).body()
        }
        #expect(try body(["projection": "team"]) == .query(ProjectionQuery(.team)))
        #expect(
            try body(["projection": "team", "coach": "lee", "weeks": 6, "asOf": "2026-11-11"])
                == .query(ProjectionQuery(.team, scope: .coach("lee"), weeks: 6, asOf: AsOf(parsing: "2026-11-11"))))
        #expect(
            try body(["projection": "prep", "salesperson": "dana", "asOf": "2026-11-11"])
                == .query(ProjectionQuery(.prep, scope: .salesperson("dana"), asOf: AsOf(parsing: "2026-11-11"))))
        #expect(
            try body(["projection": "goals", "salesperson": "dana", "weeks": 2, "asOf": "2026-11-11"])
                == .query(ProjectionQuery(.goals, scope: .salesperson("dana"), weeks: 2, asOf: AsOf(parsing: "2026-11-11"))))
        for refused: [String: JSONValue] in [
            ["projection": "team", "salesperson": "dana"],
            ["projection": "team", "overdue": true],
            ["projection": "team", "weeks": 0],
            ["projection": "prep"],
            ["projection": "prep", "salesperson": "dana", "weeks": 2],
            ["projection": "prep", "coach": "lee"],
        ] {
            let error = #expect(throws: ProtocolError.self, "\(refused)") { try body(refused) }
            #expect(error?.code == .badRequest, "\(refused)")
        }
        #expect(ProjectionName.wireNames.hasSuffix("team, prep"))
    }

    @Test func teamTakesTrendWeeksFromOneTo52() throws {
        func body(_ fields: [String: JSONValue]) throws(ProtocolError) -> RequestBody {
            try Request(id: 1, op: .query, fields: fields).body()
        }
        for n in [1, 12, 52] {
            let q = ProjectionQuery(.team, weeks: 4, trendWeeks: n)
            #expect(try body(["projection": "team", "weeks": 4, "trendWeeks": .integer(Int64(n))]) == .query(q))
            // The client's request carries it as given.
            #expect(try Request(id: 1, body: .query(q)).body() == .query(q))
        }
        #expect(try body(["projection": "team", "trendWeeks": 12]) == .query(ProjectionQuery(.team, trendWeeks: 12)))
        #expect(try body(["projection": "team", "trendWeeks": .null]) == .query(ProjectionQuery(.team)))
        for (value, message) in [
            (JSONValue.integer(0), #""trendWeeks" must be between 1 and 52"#),
            (.integer(53), #""trendWeeks" must be between 1 and 52"#),
            (.integer(-4), #""trendWeeks" must be between 1 and 52"#),
            (.double(1.5), #""trendWeeks" must be a whole number, not 1.5"#),
            (.string("12"), #""trendWeeks" must be a whole number, not "12""#),
        ] {
            let error = #expect(throws: ProtocolError.self) { try body(["projection": "team", "trendWeeks": value]) }
            #expect(error?.code == .badRequest && error?.message == message, "\(value)")
        }
        // Only team takes it; a refused field's message lists what the projection takes.
        let followThrough = #expect(throws: ProtocolError.self) {
            try body(["projection": "followThrough", "weeks": 4, "trendWeeks": 12])
        }
        #expect(followThrough?.code == .badRequest)
        let salesperson = #expect(throws: ProtocolError.self) { try body(["projection": "team", "salesperson": "dana"]) }
        #expect(salesperson?.message == #"query has no field "salesperson"; it takes asOf, coach, minPosition, trendWeeks, weeks"#)
    }

    func roundTrip<T: WireResult>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let line = JSONWriter.bytes(try value.wire)
        #expect(try T(wire: try JSONParser.parse(line)) == value, sourceLocation: sourceLocation)
    }
}

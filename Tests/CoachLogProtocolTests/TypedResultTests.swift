import CoachLogJSON
import CoachLogProtocol
import Testing

/// Every result type has one encoder and one decoder: what the daemon writes,
/// a client reads back unchanged.
@Suite struct TypedResultTests {
    static let window = Window(from: Timestamp(iso8601: "2026-11-01"), to: Timestamp(iso8601: "2026-11-15")!)

    @Test func followThroughRoundTripsAndFlattensTheTally() throws {
        var byKind = ByKind()
        byKind[.more] = Tally(kept: 2, partial: 1, missed: 0)
        let report = FollowThroughReport(
            scope: .coach("lee"), asOf: "2026-11-14", salespeople: 3, window: Self.window, total: Tally(kept: 2, partial: 1),
            byKind: byKind, weeks: 2,
            previous: WindowTally(tally: Tally(missed: 1), byKind: ByKind(), window: Self.window),
            weekly: [WindowTally(tally: Tally(), window: Self.window)])
        let wire = try report.wire
        #expect(wire["reviewed"] == 3 && wire["kept"] == 2 && wire["health"] == "fair")
        #expect(wire["scope"] == ["coach": "lee"])
        #expect(wire["change"]?["rate"] == .double(2.0 / 3.0))
        #expect(wire["weekly"]?.arrayValue?.first?["rate"] == JSONValue.null)
        #expect(try FollowThroughReport(wire: wire) == report)
    }

    @Test func everyResultRoundTrips() throws {
        let t = Timestamp(iso8601: "2026-11-02T09:00:00Z")!
        let d = Day(iso8601: "2026-11-09")!
        try roundTrip(
            OpenCommitmentsReport(
                scope: .everyone, asOf: "2026-11-20", open: 1, overdue: 1,
                commitments: [
                    OpenCommitment(
                        commitmentId: "c", salesperson: "dana", coach: "lee", sessionId: "s", kind: .different, text: "Block",
                        due: d, goalId: nil, madeAt: t, overdue: true, daysOverdue: 11)
                ]))
        try roundTrip(
            CadenceReport(
                scope: .salesperson("dana"), asOf: "2026-11-20",
                salespeople: [CadenceRow(salesperson: "dana", coach: "lee", sessions: 2, lastSession: d, daysSince: 15, meanGapDays: 7)]))
        try roundTrip(
            GoalsReport(
                salesperson: "dana",
                goals: [GoalRow(goalId: "g", text: nil, area: "leadership", sessionId: "s", statedAt: t, commitments: 1, tally: Tally(kept: 1))]))
        try roundTrip(TopicsReport(salesperson: "dana", asOf: "2026-11-20", lastCovered: PerTopic { _ in d }, daysSince: PerTopic { _ in 30 }))
        try roundTrip(
            SessionsReport(
                salesperson: "dana", coach: "lee", openSession: "s",
                sessions: [SessionRow(sessionId: "s", coach: "lee", openedAt: t, closedAt: nil, topics: [.selfConcept])]))
        try roundTrip(HelloReply(server: "coachlogd", version: "0.1.0", protocol: 1, ops: Operation.allCases, maxLineBytes: 10, readOnly: false))
        try roundTrip(AppendReply(positions: [1, 2], streamVersion: 2, replayed: false))
        try roundTrip(
            ReadReply(
                events: [
                    EventEnvelope(
                        position: 1, eventId: "e", type: .sessionOpened, salesperson: "dana", streamVersion: 1, recordedAt: t,
                        data: ["sessionId": "s"])
                ], next: 1))
        try roundTrip(BackupReply(path: "/b", bytes: 10, position: 3, seconds: 0.5))
        try roundTrip(SubscribeReply())
    }

    @Test func derivedStatusesFollowTheThresholds() {
        let d = Day(iso8601: "2026-11-09")!
        #expect(CadenceRow(salesperson: "a", coach: "b", sessions: 1, lastSession: d, daysSince: 14, meanGapDays: nil).status == .current)
        #expect(CadenceRow(salesperson: "a", coach: "b", sessions: 1, lastSession: d, daysSince: 15, meanGapDays: nil).status == .lapsed)
        let topics = TopicsReport(
            salesperson: "a", asOf: "x", lastCovered: PerTopic { _ in nil },
            daysSince: PerTopic { [.selfConcept: 28, .identityRole: 29][$0] })
        #expect(topics.status.selfConcept == .current)
        #expect(topics.status.identityRole == .stale)
        #expect(topics.status.personalGoals == .never)
    }

    @Test func aReplyThatDoesNotFitNamesTheField() {
        let error = #expect(throws: ProtocolError.self) {
            try AppendReply(wire: ["positions": [1], "streamVersion": "one", "replayed": false])
        }
        #expect(error?.message.contains("streamVersion") == true)
    }

    func roundTrip<T: WireResult>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let wire = try value.wire
        let line = JSONWriter.bytes(wire)
        #expect(try T(wire: try JSONParser.parse(line)) == value, sourceLocation: sourceLocation)
    }
}

import CoachLogProtocol
import Testing

@testable import CoachLogJSON

/// The query results' hand-written `jsonValue`s change nothing on the wire:
/// each equals, value for value and byte for byte, what the encoder makes of
/// the same result through its Codable `encode(to:)` with every hand-written
/// form (of the result and of its members) switched off.
@Suite struct HandWrittenFormTests {
    static let t = Timestamp(iso8601: "2026-11-02T09:00:00Z")!
    static let tMillis = Timestamp(iso8601: "2026-11-03T17:45:12.250Z")!
    static let d = Day(iso8601: "2026-11-09")!
    static let allTime = Window(from: nil, to: Timestamp(iso8601: "2026-11-15")!)
    static let fortnight = Window(from: Timestamp(iso8601: "2026-11-01"), to: Timestamp(iso8601: "2026-11-15")!)
    static let tallies = [Tally(), Tally(kept: 2, partial: 1), Tally(kept: 1, missed: 2), Tally(kept: 3)]
    static let scopes: [Scope] = [.everyone, .salesperson("Zoë \"Z\" O'Neil\n"), .coach("lee")]

    static var byKind: ByKind {
        var byKind = ByKind()
        byKind[.more] = Tally(kept: 2, partial: 1)
        byKind[.different] = Tally(missed: 1)
        return byKind
    }

    /// Compares the hand-written form with the Codable one for each value.
    func expectSameForm(_ values: [any JSONValueConvertible], sourceLocation: SourceLocation = #_sourceLocation) throws
    {
        for value in values {
            let codable = try JSONValueEncoder(usesHandWrittenForms: false).encode(value)
            let handWritten = value.jsonValue
            #expect(handWritten == codable, "\(type(of: value))", sourceLocation: sourceLocation)
            #expect(JSONWriter.string(handWritten) == JSONWriter.string(codable), sourceLocation: sourceLocation)
            // The daemon's encoder takes the hand-written form.
            #expect(try JSONValueEncoder().encode(value) == handWritten, sourceLocation: sourceLocation)
        }
    }

    /// A type whose two forms differ, to show the reference really is the Codable route.
    struct TwoForms: JSONValueConvertible {
        var jsonValue: JSONValue { "hand-written" }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            try c.encode("codable")
        }
    }

    @Test func theReferenceEncoderIgnoresHandWrittenForms() throws {
        #expect(try JSONValueEncoder(usesHandWrittenForms: false).encode([TwoForms()]) == ["codable"])
        #expect(try JSONValueEncoder().encode([TwoForms()]) == ["hand-written"])
    }

    @Test func followThrough() throws {
        try expectSameForm(Self.scopes)
        try expectSameForm(Self.tallies)
        try expectSameForm([ByKind(), Self.byKind, Self.allTime, Self.fortnight])
        try expectSameForm(
            Self.tallies.flatMap { current in Self.tallies.map { RateChange(current: current, previous: $0) } })
        try expectSameForm([
            WindowTally(tally: Tally(), window: Self.allTime),
            WindowTally(tally: Tally(kept: 1, partial: 1, missed: 1), byKind: Self.byKind, window: Self.fortnight),
        ])
        let weekly = [
            WindowTally(tally: Tally(kept: 1), byKind: Self.byKind, window: Self.fortnight),
            WindowTally(tally: Tally(), byKind: ByKind(), window: Self.fortnight),
        ]
        var reports: [FollowThroughReport] = []
        for scope in Self.scopes {
            reports.append(
                FollowThroughReport(
                    scope: scope, asOf: "2026-11-14", salespeople: 0, window: Self.allTime, total: Tally(),
                    byKind: ByKind()))
            reports.append(
                FollowThroughReport(
                    scope: scope, asOf: "2026-11-14T10:00:00Z", salespeople: 3, window: Self.fortnight,
                    total: Tally(kept: 2, partial: 1), byKind: Self.byKind, weeks: 2,
                    previous: WindowTally(tally: Tally(missed: 1), byKind: ByKind(), window: Self.fortnight),
                    weekly: weekly))
        }
        // `weeks` given, the trend members present though nil or empty.
        reports.append(
            FollowThroughReport(
                scope: .everyone, asOf: "2026-11-14", salespeople: 1, window: Self.fortnight, total: Tally(kept: 1),
                byKind: ByKind(), weeks: 1, previous: nil, weekly: nil))
        reports.append(
            FollowThroughReport(
                scope: .everyone, asOf: "2026-11-14", salespeople: 1, window: Self.fortnight, total: Tally(kept: 1),
                byKind: ByKind(), weeks: 1, previous: WindowTally(tally: Tally(), byKind: nil, window: Self.fortnight),
                weekly: []))
        try expectSameForm(reports)
        for report in reports { #expect(try FollowThroughReport(wire: report.jsonValue) == report) }
    }

    static var teamRows: [TeamRow] {
        [
            TeamRow(
                salesperson: "dana", coach: "lee", current: Tally(), previous: Tally(), weekly: [], open: 0, overdue: 0,
                sessions: 1, lastSession: d, daysSince: 0, meanGapDays: nil, openSession: nil, neglectedTopics: []),
            TeamRow(
                salesperson: "Zoë", coach: "lee\t2", current: Tally(missed: 3), previous: Tally(kept: 3),
                weekly: [Tally(), Tally(kept: 1, missed: 1), Tally(kept: 2), Tally(kept: 1, missed: 2)], open: 4, overdue: 2, sessions: 6, lastSession: d, daysSince: 30,
                meanGapDays: 7.5, openSession: OpenSessionNote(sessionId: "s9", openedAt: tMillis, daysOpen: 3),
                neglectedTopics: [
                    NeglectedTopic(topic: .selfConcept, status: .never, daysSince: nil),
                    NeglectedTopic(topic: .behavioralReflection, status: .stale, daysSince: 40),
                ]),
            TeamRow(
                salesperson: "ari", coach: "kim", current: Tally(kept: 1, partial: 1), previous: Tally(),
                weekly: [Tally(kept: 1, missed: 3)], open: 1, overdue: 0, sessions: 2, lastSession: d, daysSince: 7, meanGapDays: 7, openSession: nil,
                neglectedTopics: []),
        ]
    }

    @Test func team() throws {
        let rows = Self.teamRows
        try expectSameForm(rows)
        try expectSameForm([
            OpenSessionNote(sessionId: "s", openedAt: Self.t, daysOpen: 0),
            NeglectedTopic(topic: .identityRole, status: .never, daysSince: nil),
            NeglectedTopic(topic: .personalGoals, status: .stale, daysSince: 29),
        ])
        let totals = [
            TeamTotals(rows: [], current: Tally(), previous: Tally(), weekly: []),
            TeamTotals(
                rows: rows, current: Tally(kept: 1, partial: 1, missed: 3), previous: Tally(kept: 3),
                weekly: [Tally(), Tally(kept: 3, missed: 1)]),
        ]
        try expectSameForm(totals)
        let reports = [
            TeamReport(
                scope: .coach("nobody"), asOf: "2026-11-20", weeks: 4, trendWeeks: 0, window: Self.fortnight,
                previousWindow: Self.allTime,
                totals: totals[0], salespeople: []),
            TeamReport(
                scope: .everyone, asOf: "2026-11-20T08:00:00.5Z", weeks: 2, trendWeeks: 12, window: Self.fortnight,
                previousWindow: Self.fortnight, totals: totals[1], salespeople: rows),
        ]
        try expectSameForm(reports)
        for report in reports { #expect(try TeamReport(wire: report.jsonValue) == report) }
        // TeamReport is read by hand: the same as Codable's reading of the same JSON.
        for report in reports {
            #expect(try JSONValueDecoder().decode(TeamReport.self, from: report.jsonValue) == TeamReport(wire: report.jsonValue))
        }
        // A member that does not fit is named by its path.
        let text = JSONWriter.string(reports[1].jsonValue).replacingOccurrences(of: "\"open\":4", with: "\"open\":\"four\"")
        #expect(text.contains("\"four\""))
        #expect {
            try TeamReport(wire: JSONParser.parse(Array(text.utf8)))
        } throws: { error in
            (error as? ProtocolError)?.message.contains("result.salespeople[1].open: expected a whole number") == true
        }
    }

    @Test func openCommitmentsAndCadence() throws {
        let commitments = [
            OpenCommitment(
                commitmentId: "c1", salesperson: "dana", coach: "lee", sessionId: "s", kind: .different,
                text: "Block \"focus\"",
                due: Self.d, goalId: "g1", madeAt: Self.tMillis, overdue: true, daysOverdue: 11),
            OpenCommitment(
                commitmentId: "c2", salesperson: "dana", coach: "lee", sessionId: "s", kind: .more, text: nil,
                due: Self.d,
                goalId: nil, madeAt: Self.t, overdue: false, daysOverdue: 0),
        ]
        try expectSameForm(commitments)
        let openReports = [
            OpenCommitmentsReport(scope: .everyone, asOf: "2026-11-20", open: 0, overdue: 0, commitments: []),
            OpenCommitmentsReport(
                scope: .salesperson("dana"), asOf: "2026-11-20", open: 5, overdue: 1, commitments: commitments),
        ]
        try expectSameForm(openReports)
        for report in openReports { #expect(try OpenCommitmentsReport(wire: report.jsonValue) == report) }

        let rows = [
            CadenceRow(
                salesperson: "dana", coach: "lee", sessions: 1, lastSession: Self.d, daysSince: 15, meanGapDays: nil),
            CadenceRow(
                salesperson: "ari", coach: "kim", sessions: 3, lastSession: Self.d, daysSince: 2, meanGapDays: 7),
            CadenceRow(
                salesperson: "bo", coach: "kim", sessions: 4, lastSession: Self.d, daysSince: 9, meanGapDays: 20.0 / 3.0
            ),
        ]
        try expectSameForm(rows)
        let cadenceReports = [
            CadenceReport(scope: .coach("kim"), asOf: "2026-11-20", salespeople: []),
            CadenceReport(scope: .everyone, asOf: "2026-11-20", salespeople: rows),
        ]
        try expectSameForm(cadenceReports)
        for report in cadenceReports { #expect(try CadenceReport(wire: report.jsonValue) == report) }
    }

    static let goalRows = [
        GoalRow(goalId: "g1", text: nil, area: nil, sessionId: "s", statedAt: t, commitments: 0, tally: Tally()),
        GoalRow(
            goalId: "g2", text: "Lead the team", area: "leadership", sessionId: "s", statedAt: tMillis, commitments: 3,
            tally: Tally(kept: 1, partial: 1), status: .achieved, statusAt: t),
    ]

    @Test func goalsTopicsAndSessions() throws {
        try expectSameForm(Self.goalRows)
        let goals = [
            GoalsReport(salesperson: "dana", goals: []),
            GoalsReport(salesperson: "dana", goals: Self.goalRows),
            GoalsReport(salesperson: "dana", asOf: "2026-11-20", goals: Self.goalRows),
            GoalsReport(
                salesperson: "dana", asOf: "2026-11-20", weeks: 2, window: Self.fortnight, goals: Self.goalRows),
            GoalsReport(salesperson: "dana", asOf: "2026-11-20", weeks: nil, window: Self.allTime, goals: []),
        ]
        try expectSameForm(goals)
        for report in goals { #expect(try GoalsReport(wire: report.jsonValue) == report) }

        let topics = [
            TopicsReport(
                salesperson: "dana", asOf: "2026-11-20", lastCovered: PerTopic { _ in nil },
                daysSince: PerTopic { _ in nil }),
            TopicsReport(
                salesperson: "dana", asOf: "2026-11-20", lastCovered: PerTopic { $0 == .identityRole ? nil : Self.d },
                daysSince: PerTopic { [.selfConcept: 3, .personalGoals: 28, .behavioralReflection: 40][$0] }),
        ]
        try expectSameForm(topics)
        for report in topics { #expect(try TopicsReport(wire: report.jsonValue) == report) }

        let sessionRows = [
            SessionRow(
                sessionId: "s1", coach: "lee", openedAt: Self.t, closedAt: Self.tMillis,
                topics: [.selfConcept, .identityRole]),
            SessionRow(sessionId: "s2", coach: "kim", openedAt: Self.tMillis, closedAt: nil, topics: []),
        ]
        try expectSameForm(sessionRows)
        let sessions = [
            SessionsReport(salesperson: "dana", coach: "lee", openSession: nil, sessions: []),
            SessionsReport(salesperson: "dana", coach: "kim", openSession: "s2", sessions: sessionRows),
        ]
        try expectSameForm(sessions)
        for report in sessions { #expect(try SessionsReport(wire: report.jsonValue) == report) }
    }

    @Test func prep() throws {
        let lastSessions = [
            PrepSession(
                sessionId: "s1", coach: "lee", openedAt: Self.t, closedAt: Self.tMillis, topics: [.personalGoals],
                daysSince: 5),
            PrepSession(sessionId: "s2", coach: "lee", openedAt: Self.tMillis, closedAt: nil, topics: [], daysSince: 0),
        ]
        let reviews = [
            PrepReview(
                commitmentId: "c1", kind: .better, text: "Call", goalId: "g2", outcome: .partial, note: "half",
                sessionId: "s1",
                reviewedAt: Self.t),
            PrepReview(
                commitmentId: "c2", kind: .more, text: nil, goalId: nil, outcome: .missed, note: nil, sessionId: "s1",
                reviewedAt: Self.tMillis),
        ]
        let insights = [
            PrepInsight(text: "Sees herself as a closer", at: Self.t, sessionId: "s1"),
            PrepInsight(text: nil, at: Self.tMillis, sessionId: "s2"),
        ]
        let topics = [
            PrepTopic(topic: .selfConcept, lastCovered: nil, daysSince: nil, insight: nil),
            PrepTopic(topic: .identityRole, lastCovered: Self.d, daysSince: 40, insight: insights[0]),
            PrepTopic(topic: .personalGoals, lastCovered: Self.d, daysSince: 1, insight: insights[1]),
        ]
        let questions = [PrepQuestion(id: "selfConcept-3", topic: .selfConcept, text: "Who are you at your best?")]
        try expectSameForm(lastSessions + reviews + insights + topics + questions)
        let commitment = OpenCommitment(
            commitmentId: "c3", salesperson: "dana", coach: "lee", sessionId: "s2", kind: .more, text: "Ask",
            due: Self.d,
            goalId: nil, madeAt: Self.t, overdue: true, daysOverdue: 2)
        let reports = [
            PrepReport(
                salesperson: "dana", coach: "lee", asOf: "2026-11-20", lastSession: lastSessions[1], dueForReview: [],
                reviewWindow: Self.fortnight, reviews: [], goals: [], topics: [], questions: []),
            PrepReport(
                salesperson: "dana", coach: "lee", asOf: "2026-11-20T12:00:00Z", lastSession: lastSessions[0],
                dueForReview: [commitment], reviewWindow: Self.fortnight, reviews: reviews, goals: Self.goalRows,
                topics: topics,
                questions: questions),
        ]
        try expectSameForm(reports)
        for report in reports { #expect(try PrepReport(wire: report.jsonValue) == report) }
    }
}

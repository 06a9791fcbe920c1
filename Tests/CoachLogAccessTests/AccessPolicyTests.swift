import CoachLogAccess
import CoachLogJSON
import CoachLogProtocol
import Testing

/// The record as a table: who coaches whom now, and who holds which session.
struct TableFacts: AccessFacts {
    var coachOf: [String: String] = ["Sam": "Dana", "Kim": "Robin"]
    var sessionCoach: [String: String] = ["s-sam": "Dana", "s-kim": "Robin"]
    func currentCoach(of salesperson: String) -> String? { coachOf[salesperson] }
    func coach(ofSession sessionId: String) -> String? { sessionCoach[sessionId] }
}

let now = Timestamp(milliseconds: 1_790_000_000_000)

func decide(_ body: RequestBody, _ role: Role) -> AccessDecision {
    AccessPolicy.decide(body, role: role, facts: TableFacts(), now: now)
}

func event(_ type: EventType, _ data: JSONValue) -> ProposedEvent { ProposedEvent(type: type.rawValue, data: data) }

func append(_ events: ProposedEvent...) -> RequestBody { .append(AppendParameters(events: events)) }

let openSession: ProposedEvent = event(.sessionOpened, ["sessionId": "s-new", "salesperson": "Lou", "coach": "Dana"])
let goalInNew: ProposedEvent = event(.goalStated, ["goalId": "g1", "sessionId": "s-new", "salesperson": "Lou", "text": "x"])

@Suite("Access policy")
struct AccessPolicyTests {
    static let everyBody: [RequestBody] = [
        .hello(HelloParameters()), .stats, .read(ReadParameters()), .read(ReadParameters(salesperson: "Sam")),
        .subscribe(SubscribeParameters()), .query(ProjectionQuery(.followThrough)),
        .query(ProjectionQuery(.goals, scope: .salesperson("Kim"))), .backup(BackupParameters(path: "/tmp/b")),
        append(openSession),
    ]

    @Test("the operator may do everything, unaudited")
    func operatorRole() {
        for body in Self.everyBody {
            #expect(decide(body, .operator) == AccessDecision(verdict: .allowed, subject: "", audited: false))
        }
    }

    @Test("an unknown peer may only say hello; every refusal is audited and names the role and what it may do")
    func unknownPeer() {
        #expect(decide(.hello(HelloParameters()), .unknown).verdict == .allowed)
        for body in Self.everyBody.dropFirst() {
            let d = decide(body, .unknown)
            #expect(!d.isAllowed && d.audited)
            if case .forbidden(let message) = d.verdict {
                #expect(message.contains("unknown peer may only hello"))
            }
        }
        #expect(Role.unknown.operations == [.hello])
    }

    @Test("a dashboard may hello, stats, read, query and subscribe at any scope, without free text; it writes nothing")
    func dashboard() {
        #expect(decide(.stats, .dashboard) == AccessDecision(verdict: .allowed, subject: "", audited: false))
        for body in [RequestBody.read(ReadParameters()), .subscribe(SubscribeParameters(salesperson: "Kim")),
                     .query(ProjectionQuery(.followThrough)), .query(ProjectionQuery(.prep, scope: .salesperson("Kim")))] {
            let d = decide(body, .dashboard)
            #expect(d.verdict == .allowedWithoutFreeText && d.audited)
        }
        #expect(!decide(append(openSession), .dashboard).isAllowed)
        #expect(!decide(.backup(BackupParameters(path: "/tmp/b")), .dashboard).isAllowed)
    }

    @Test("a salesperson may read, query and subscribe to their own record only, unaudited; nothing else")
    func salesperson() {
        let sam = Role.salesperson("Sam")
        #expect(decide(.read(ReadParameters(salesperson: "Sam")), sam) == AccessDecision(verdict: .allowed, subject: "", audited: false))
        #expect(decide(.subscribe(SubscribeParameters(salesperson: "Sam")), sam).verdict == .allowed)
        #expect(decide(.query(ProjectionQuery(.prep, scope: .salesperson("Sam"))), sam).verdict == .allowed)
        for body in [RequestBody.read(ReadParameters()), .read(ReadParameters(salesperson: "Kim")), .subscribe(SubscribeParameters()),
                     .query(ProjectionQuery(.followThrough)), .query(ProjectionQuery(.team, scope: .coach("Dana"))),
                     .query(ProjectionQuery(.goals, scope: .salesperson("sam"))), .stats, append(openSession),
                     .backup(BackupParameters(path: "/tmp/b"))] {
            let d = decide(body, sam)
            #expect(!d.isAllowed && d.audited, "\(body)")
        }
    }

    @Test("a coach reads, queries and subscribes only for the salespeople they coach now, audited")
    func coachReads() {
        let dana = Role.coach("Dana")
        for body in [RequestBody.read(ReadParameters(after: 5, salesperson: "Sam")), .subscribe(SubscribeParameters(salesperson: "Sam")),
                     .query(ProjectionQuery(.prep, scope: .salesperson("Sam"))), .query(ProjectionQuery(.team, scope: .coach("Dana"))),
                     .query(ProjectionQuery(.followThrough, scope: .coach("Dana"), asOf: AsOf(parsing: "2099-01-01"))),
                     .query(ProjectionQuery(.team, scope: .coach("Dana"), asOf: .instant(now))),
                     .query(ProjectionQuery(.team, scope: .coach("Dana"), asOf: AsOf(parsing: now.day.description)))] {
            let d = decide(body, dana)
            #expect(d.verdict == .allowed && d.audited, "\(body)")
            #expect(["salesperson Sam", "coach Dana"].contains { d.subject.hasSuffix($0) }, "the audit names whose record: \(d.subject)")
        }
        let refused: [RequestBody] = [
            .read(ReadParameters()), .read(ReadParameters(after: 3)), .read(ReadParameters(salesperson: "Kim")),
            .read(ReadParameters(salesperson: "Nobody")), .subscribe(SubscribeParameters()),
            .subscribe(SubscribeParameters(salesperson: "Kim", types: [.goalStated])),
            .query(ProjectionQuery(.followThrough)), .query(ProjectionQuery(.team)),
            .query(ProjectionQuery(.cadence, scope: .coach("Robin"))), .query(ProjectionQuery(.goals, scope: .salesperson("Kim"))),
            .query(ProjectionQuery(.team, scope: .coach("Dana"), asOf: AsOf(parsing: "2020-01-01"))),
            .stats, .backup(BackupParameters(path: "/tmp/b")),
        ]
        for body in refused {
            let d = decide(body, dana)
            #expect(!d.isAllowed && d.audited, "\(body)")
            if case .forbidden(let message) = d.verdict { #expect(message.contains("coach Dana may append only in sessions they hold")) }
        }
    }

    @Test("a coach appends only in sessions they hold, also ones opened earlier in the same append")
    func coachAppends() {
        let dana = Role.coach("Dana")
        #expect(decide(append(openSession, goalInNew), dana).verdict == .allowed)
        // Dana's own salesperson, or someone new to the record: Dana's to open.
        #expect(decide(append(event(.sessionOpened, ["sessionId": "s4", "salesperson": "Sam", "coach": "Dana"])), dana).isAllowed)
        #expect(decide(append(event(.insightNoted, ["sessionId": "s-sam", "salesperson": "Sam", "topic": "selfConcept", "text": "x"])), dana).isAllowed)
        #expect(decide(append(event(.sessionClosed, ["sessionId": "s-sam", "salesperson": "Sam"])), dana).isAllowed)
        #expect(decide(append(event(.commitmentWithdrawn, ["commitmentId": "c1", "salesperson": "Sam"])), dana).isAllowed)
        // An event the store cannot read is the store's to refuse (validation), writing nothing.
        #expect(decide(append(event(.goalStated, ["goalId": "g"])), dana).isAllowed)
        let refused: [RequestBody] = [
            append(event(.sessionOpened, ["sessionId": "s2", "salesperson": "Lou", "coach": "Robin"])),
            append(event(.goalStated, ["goalId": "g", "sessionId": "s-kim", "salesperson": "Kim", "text": "x"])),
            append(event(.goalStated, ["goalId": "g", "sessionId": "s-unknown", "salesperson": "Kim", "text": "x"])),
            append(goalInNew),
            append(openSession, event(.sessionClosed, ["sessionId": "s-kim", "salesperson": "Kim"])),
            append(event(.sessionVoided, ["sessionId": "s-kim", "salesperson": "Kim"])),
            append(event(.goalAchieved, ["goalId": "g", "salesperson": "Kim"])),
            append(event(.reviewCorrected, ["commitmentId": "c", "salesperson": "Kim", "outcome": "kept"])),
            append(event(.salespersonMerged, ["salesperson": "Sam", "into": "Samuel"])),
            // Opening a session would make Dana Kim's coach: taking over Robin's salesperson is an operator's append.
            append(event(.sessionOpened, ["sessionId": "s3", "salesperson": "Kim", "coach": "Dana"])),
            .forget(ForgetParameters(salesperson: "Sam")),
        ]
        for body in refused {
            let d = decide(body, dana)
            #expect(!d.isAllowed && d.audited, "\(body)")
        }
    }

    @Test("roles list the ops they may use; an op the policy does not name is the operator's alone")
    func operations() {
        #expect(Role.operator.operations == Operation.allCases)
        #expect(Role.coach("x").operations == [.hello, .append, .read, .query, .subscribe])
        #expect(Role.salesperson("x").operations == [.hello, .read, .query, .subscribe])
        #expect(Role.dashboard.operations == [.hello, .read, .query, .subscribe, .stats, .checkpoint])
        #expect(!Role.dashboard.operations.contains(.backup))
    }
}

@Suite("Replies without free text")
struct FreeTextTests {
    @Test("an envelope keeps every member but the free-text ones, which are null")
    func envelope() {
        let e = EventEnvelope(
            position: 1, eventId: "e", type: .goalStated, salesperson: "Sam", streamVersion: 1, recordedAt: now,
            data: ["goalId": "g", "sessionId": "s", "salesperson": "Sam", "text": "secret", "area": "income"])
        let r = e.withoutFreeText()
        #expect(r.data == ["goalId": "g", "sessionId": "s", "salesperson": "Sam", "text": nil, "area": nil])
        #expect(r.position == 1 && r.salesperson == "Sam")
    }

    @Test("a goals report keeps its figures and loses texts and areas")
    func goals() {
        let row = GoalRow(goalId: "g", text: "secret", area: "income", sessionId: "s", statedAt: now, commitments: 2, tally: Tally())
        let report = GoalsReport(salesperson: "Sam", goals: [row]).withoutFreeText()
        #expect(report.goals[0].text == nil && report.goals[0].area == nil && report.goals[0].commitments == 2)
    }
}

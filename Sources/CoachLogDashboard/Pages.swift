import CoachLogJSON
import CoachLogProtocol

/// The team overview's answers: one `team` query (rows, totals, each row's
/// 12-week trend) and one `followThrough` with 12 weekly windows for the
/// chart, pipelined: two queries, whatever the team's size.
public struct OverviewPage: Sendable {
    /// Everyone, or one coach's people.
    public var scope: Scope
    /// The page's `asOf` and `coach`.
    public var options: PageOptions
    /// The rows and totals, with each row's 12-week trend.
    public var team: TeamReport
    /// The team's 12 weekly windows, for the chart.
    public var followThrough: FollowThroughReport
    /// The raw answers, served as they are by `/api/overview`.
    public var raw: (team: JSONValue, followThrough: JSONValue)
    /// The coaches for the picker (empty for a viewer who sees one team).
    public var coaches: [String]
}

/// A salesperson's page: prep first, then sessions, goals, open commitments
/// and follow-through by kind over 12 weeks: five pipelined queries.
public struct SalespersonPage: Sendable {
    /// The name as asked for.
    public var salesperson: String
    /// The page's `asOf`.
    public var options: PageOptions
    /// Nil when the salesperson had no session yet as of `asOf` (prep answers `not_found` then).
    public var prep: PrepReport?
    /// Every session on record (the projection takes no asOf: the page lists those opened by then).
    public var sessions: SessionsReport
    /// The goals as of `asOf`.
    public var goals: GoalsReport
    /// Open commitments as of `asOf`; nil before the first session.
    public var open: OpenCommitmentsReport?
    /// Follow-through over 12 weeks with each week's tally by kind; nil before the first session.
    public var followThrough: FollowThroughReport?
    /// The answers as the daemon sent them, for `/api/salespeople/NAME`.
    public var raw: [String: JSONValue]
}

/// Every overdue commitment in the viewer's scope, as of `asOf`.
public struct OverduePage: Sendable {
    /// The page's `asOf` and `coach`.
    public var options: PageOptions
    /// The overdue commitments in scope, sorted by due date.
    public var report: OpenCommitmentsReport
    /// The answer as the daemon sent it, for `/api/overdue`.
    public var raw: JSONValue
}

/// Loads pages from the daemon. Holds no rule of its own: every figure is the daemon's.
public struct PageLoader: Sendable {
    /// Weeks in the overview's trend and the chart.
    public static let trendWeeks = 12
    /// The overview compares the last 4 weeks with the 4 before.
    public static let comparisonWeeks = 4

    let gateway: DaemonGateway
    let directory: CoachDirectory

    /// Pages from the daemon behind `gateway`, with the coach picker's list kept in `directory`.
    public init(gateway: DaemonGateway, directory: CoachDirectory) {
        self.gateway = gateway
        self.directory = directory
    }

    /// The queries behind the overview, for the benchmark and for tests.
    public static func overviewQueries(scope: Scope, asOf: AsOf?) -> [ProjectionQuery] {
        [
            ProjectionQuery(.team, scope: scope, weeks: comparisonWeeks, trendWeeks: trendWeeks, asOf: asOf),
            ProjectionQuery(.followThrough, scope: scope, weeks: trendWeeks, asOf: asOf),
        ]
    }

    /// The team overview as `viewer` may see it: a coach their own team, others everyone or `options.coach`'s.
    public func overview(_ options: PageOptions, viewer: Viewer) async throws(PageError) -> OverviewPage {
        let scope: Scope
        switch (viewer, options.coach) {
        case (.coach(let own), let asked?) where asked != own:
            throw PageError(status: 403, "you are signed in as coach \(own): the dashboard shows your own team only")
        case (.salesperson(let name), _):
            throw PageError(status: 403, "as salesperson \(name) you may see only your own page, /salespeople/\(name)")
        case (.nobody, _):
            throw PageError(
                status: 403,
                "coachlogd does not know this dashboard's user; the operator adds it to the access file as `dashboard` or as a coach")
        case (_, let coach?): scope = .coach(coach)
        default: scope = viewer.defaultScope
        }
        let position = gateway.latestPosition
        let results = try await run(Self.overviewQueries(scope: scope, asOf: options.asOf))
        let team = try decode(TeamReport.self, results[0])
        let followThrough = try decode(FollowThroughReport.self, results[1])
        var coaches: [String] = []
        if viewer.seesEveryone {
            // Only today's team tells who coaches now; a past view's coaches are not kept as the list.
            if case .everyone = scope, options.asOf == nil {
                coaches = directory.update(from: team, position: position)
            } else {
                coaches = try await directory.coaches(gateway: gateway)
            }
        }
        return OverviewPage(
            scope: scope, options: options, team: team, followThrough: followThrough,
            raw: (try value(results[0]), try value(results[1])), coaches: coaches)
    }

    /// One salesperson's page; the daemon decides whether `viewer` may see them.
    public func salesperson(_ name: String, options: PageOptions, viewer: Viewer) async throws(PageError) -> SalespersonPage {
        if case .salesperson(let own) = viewer, own != name {
            throw PageError(status: 403, "as salesperson \(own) you may see only your own page")
        }
        let person = Scope.salesperson(name)
        let results = try await run([
            ProjectionQuery(.prep, scope: person, asOf: options.asOf),
            ProjectionQuery(.sessions, scope: person),
            ProjectionQuery(.goals, scope: person, asOf: options.asOf),
            ProjectionQuery(.openCommitments, scope: person, asOf: options.asOf),
            ProjectionQuery(.followThrough, scope: person, weeks: Self.trendWeeks, asOf: options.asOf),
        ])
        // Sessions and goals answer for anyone with a session at all: their refusal is the page's.
        let sessions = try decode(SessionsReport.self, results[1])
        let goals = try decode(GoalsReport.self, results[2])
        // Prep, open commitments and follow-through need a session by asOf: before it there is nothing to show.
        let prep = try optional(PrepReport.self, results[0])
        let open = try optional(OpenCommitmentsReport.self, results[3])
        let followThrough = try optional(FollowThroughReport.self, results[4])
        var raw: [String: JSONValue] = ["sessions": try value(results[1]), "goals": try value(results[2])]
        raw["prep"] = (try? results[0].get()) ?? .null
        raw["openCommitments"] = (try? results[3].get()) ?? .null
        raw["followThrough"] = (try? results[4].get()) ?? .null
        return SalespersonPage(
            salesperson: name, options: options, prep: prep, sessions: sessions, goals: goals, open: open,
            followThrough: followThrough, raw: raw)
    }

    /// Every overdue commitment in the viewer's scope (or `options.coach`'s).
    public func overdue(_ options: PageOptions, viewer: Viewer) async throws(PageError) -> OverduePage {
        let scope: Scope
        switch viewer {
        case .salesperson(let name): scope = .salesperson(name)
        case .nobody: throw PageError(status: 403, "coachlogd does not know this dashboard's user; ask the operator to add it")
        default: scope = options.coach.map { .coach($0) } ?? viewer.defaultScope
        }
        let results = try await run([ProjectionQuery(.openCommitments, scope: scope, asOf: options.asOf, overdueOnly: true)])
        return OverduePage(options: options, report: try decode(OpenCommitmentsReport.self, results[0]), raw: try value(results[0]))
    }

    private func run(_ queries: [ProjectionQuery]) async throws(PageError) -> [Result<JSONValue, ProtocolError>] {
        do {
            return try await gateway.query(queries)
        } catch {
            throw PageError(error)
        }
    }

    private func value(_ result: Result<JSONValue, ProtocolError>) throws(PageError) -> JSONValue {
        switch result {
        case .success(let value): return value
        case .failure(let error): throw PageError(error)
        }
    }

    private func decode<T: WireResult>(_ type: T.Type, _ result: Result<JSONValue, ProtocolError>) throws(PageError) -> T {
        let json = try value(result)
        do {
            return try T(wire: json)
        } catch {
            throw PageError(status: 502, "coachlogd sent a \(T.self) this dashboard cannot read: \(error.message); is it a newer version?")
        }
    }

    /// Nil for `not_found` (nothing as of asOf yet); other refusals are the page's.
    private func optional<T: WireResult>(_ type: T.Type, _ result: Result<JSONValue, ProtocolError>) throws(PageError) -> T? {
        if case .failure(let error) = result, error.code == .notFound { return nil }
        return try decode(type, result)
    }
}

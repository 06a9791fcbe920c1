import ArgumentParser
import CoachLogClient
import CoachLogProtocol

/// `coachlog team`: the Monday table of a coach's salespeople, in the daemon's order (who needs attention
/// first), then why each of them needs it.
struct TeamCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "team", abstract: "Every salesperson at a glance, who needs attention first.",
        discussion: """
            One row per salesperson: follow-through in the last N weeks (default 4) and the N before,
            the change and a weekly trend (N weeks, or as many as --trend-weeks), open and overdue
            commitments, days since the last session against the usual gap, a session left open,
            topics not covered lately. Sorted by the daemon: highest attention first.
            Example:
              coachlog team --coach lee --weeks 4 --trend-weeks 12 --as-of 2026-11-30
            """)

    @Option(name: .long, help: "Only the salespeople this coach coaches now.") var coach: String?
    @Option(name: .long, help: "Follow-through over the last N weeks, compared with the N before (default 4).") var weeks: Int?
    // Checked by the daemon (1 to 52), whose message names the range: the CLI holds no rule of its own.
    @Option(name: .long, help: "Weekly points in the trend, 1 to 52 (default: as many as --weeks).") var trendWeeks: Int?
    @OptionGroup var asOf: AsOfOption
    @OptionGroup var output: OutputOptions
    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        if let weeks, !(1...520).contains(weeks) { throw ValidationError("--weeks must be between 1 and 520") }
    }

    func run() throws {
        let q = ProjectionQuery(
            .team, scope: coach.map { .coach($0) } ?? .everyone, weeks: weeks, trendWeeks: trendWeeks, asOf: asOf.asOf)
        guard let r = try query(q, as: TeamReport.self, output, connection) else { return }
        let title = coach.map { "\($0)'s salespeople" } ?? "everyone"
        print(Render.bold("Team · \(title) · last \(r.weeks) week\(r.weeks == 1 ? "" : "s") · as of \(Render.asOf(r.asOf))"))
        print(Self.totals(r.totals))
        if !r.totals.trend.isEmpty {
            print("  weekly trend  \(Render.sparkline(r.totals.trend))  (oldest → newest; · = nothing reviewed)")
        }
        print("")
        let rows = r.salespeople.map { p -> [String] in
            let since = p.status == .lapsed ? Render.red("\(p.daysSince)") : p.pastUsualGap ? Render.yellow("\(p.daysSince)") : "\(p.daysSince)"
            return [
                p.salesperson, p.coach, Render.rate(p.current), Render.percent(p.previous.rate), Self.change(p.change.rate),
                Render.sparkline(p.trend), "\(p.open)", p.overdue > 0 ? Render.red("\(p.overdue)") : "0", since,
                Self.days(p.meanGapDays), p.openSession.map { "\($0.sessionId) \($0.daysOpen)d" } ?? "–",
                p.neglectedTopics.isEmpty ? "–" : p.neglectedTopics.map { Self.short($0.topic) }.joined(separator: ","),
                "\(p.attention)",
            ]
        }
        print(
            Render.table(
                ["salesperson", "coach", "rate", "prev", "change", "trend", "open", "overdue", "days since", "usual gap",
                 "open session", "topics not covered", "attention"],
                rows, numeric: [2, 3, 6, 7, 8, 9, 12]))
        let needing = r.salespeople.filter { !$0.reasons.isEmpty }
        guard !needing.isEmpty else { return print("\n  nobody needs attention") }
        print("")
        print(Render.bold("Needs attention"))
        let width = needing.map { Render.width($0.salesperson) }.max() ?? 0
        for p in needing {
            let padding = String(repeating: " ", count: width - Render.width(p.salesperson))
            print("  \(p.salesperson)\(padding)  " + p.reasons.map { Self.explain($0, p) }.joined(separator: "; "))
        }
    }

    static func totals(_ t: TeamTotals) -> String {
        var parts = ["  say-do \(Render.rate(t.current)) (\(t.current.kept) kept of \(t.current.reviewed))"]
        parts[0] += ", previous \(Render.percent(t.previous.rate))" + (t.change.rate.map { " " + Render.trend($0) } ?? "")
        parts.append("\(t.open) open, \(t.overdue) overdue")
        parts.append("\(t.lapsed) lapsed")
        parts.append("\(t.openSessions) session\(t.openSessions == 1 ? "" : "s") open")
        parts.append("\(t.needAttention) of \(t.salespeople) need attention")
        return parts.joined(separator: " · ")
    }

    /// A change of rate in whole points, "–" when there is none to compare.
    static func change(_ rate: Double?) -> String {
        guard let rate else { return "–" }
        let points = Int((rate * 100).rounded())
        return points > 0 ? Render.green("+\(points)") : points < 0 ? Render.red("\(points)") : "0"
    }

    /// Days with one decimal ("7.0"), "–" for none.
    static func days(_ value: Double?) -> String {
        guard let value else { return "–" }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// The short names people type for topics.
    static func short(_ topic: Topic) -> String {
        switch topic {
        case .selfConcept: return "self-concept"
        case .identityRole: return "identity"
        case .personalGoals: return "goals"
        case .behavioralReflection: return "reflection"
        }
    }

    /// One reason, in words, with the row's figure behind it.
    static func explain(_ reason: AttentionReason, _ p: TeamRow) -> String {
        switch reason {
        case .lapsed: return "lapsed: \(p.daysSince) days since the last session"
        case .slipping:
            let points = Int(((p.change.rate ?? 0) * 100).rounded())
            return "slipping: \(Render.percent(p.current.rate)) from \(Render.percent(p.previous.rate)) (\(points) pts)"
        case .overdue: return "\(p.overdue) overdue"
        case .poorFollowThrough: return "poor follow-through: \(Render.percent(p.current.rate)) (\(p.current.kept) kept of \(p.current.reviewed))"
        case .pastUsualGap: return "past the usual gap: \(p.daysSince) days, usually \(days(p.meanGapDays))"
        case .sessionLeftOpen:
            return "session \(p.openSession?.sessionId ?? "?") open for \(p.openSession?.daysOpen ?? 0) days"
        case .neglectedTopics:
            let topics = p.neglectedTopics.map { t in TopicName.display(t.topic) + (t.daysSince.map { " \($0)d" } ?? " never") }
            return "topics not covered: " + topics.joined(separator: ", ")
        }
    }
}

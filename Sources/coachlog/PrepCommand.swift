import ArgumentParser
import CoachLogClient
import CoachLogProtocol

/// `coachlog prep NAME`: the one-on-one's preparation as plain text, with every commitment text, review
/// note and insight written out, in the daemon's order.
struct PrepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prep", abstract: "What to bring to a salesperson's next one-on-one.",
        discussion: """
            The last session, the commitments due for review, the reviews of the last four weeks with
            their notes, each active goal and how its commitments went, the four topics (most neglected
            first) with the latest insight on each, and a few open questions for the topics not covered
            lately.
            Example:
              coachlog prep dana
              coachlog prep --salesperson dana --as-of 2026-11-30
            """)

    @OptionGroup var who: SalespersonChoice
    @OptionGroup var asOf: AsOfOption
    @OptionGroup var output: OutputOptions
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        let q = ProjectionQuery(.prep, scope: .salesperson(who.name), asOf: asOf.asOf)
        guard let r = try query(q, as: PrepReport.self, output, connection) else { return }
        for line in Self.render(r) { print(line) }
    }

    static func render(_ r: PrepReport) -> [String] {
        var out = [Render.bold("Prep · \(r.salesperson) · coach \(r.coach) · as of \(Render.asOf(r.asOf))"), ""]

        let s = r.lastSession
        let state = s.open ? Render.green("still open") : "closed \(Render.text(s.closedAt.map(Render.time)))"
        out.append(Render.bold("Last session") + "  \(s.sessionId) · \(Render.time(s.openedAt)) · \(s.coach) · \(ago(s.daysSince)) · \(state)")
        out.append("  topics: " + (s.topics.isEmpty ? "–" : s.topics.map(TopicName.display).joined(separator: ", ")))
        out.append("")

        out.append(Render.bold("Due for review") + "  \(r.open) open, \(r.overdue) overdue")
        if r.dueForReview.isEmpty { out.append("  nothing open") }
        for c in r.dueForReview {
            let status = c.overdue ? Render.red("OVERDUE \(c.daysOverdue)d") : "due \(c.due.iso8601)"
            out.append("  \(c.commitmentId) · \(c.kind.rawValue) · \(status)" + (c.goalId.map { " · goal \($0)" } ?? ""))
            out.append("    \(Render.text(c.text))")
        }
        out.append("")

        let tally = r.reviewed
        out.append(
            Render.bold("Reviews, last \(r.reviewDays) days") + "  "
                + (tally.reviewed == 0 ? "none" : "\(Render.rate(tally)) (\(tally.kept) kept, \(tally.partial) partial, \(tally.missed) missed)"))
        for review in r.reviews {
            out.append("  \(review.reviewedAt.day.iso8601) · \(review.commitmentId) · \(review.kind.rawValue) · \(review.outcome.rawValue)")
            out.append("    \(Render.text(review.text))")
            if let note = review.note { out.append("    note: \(note)") }
        }
        out.append("")

        out.append(Render.bold("Goals"))
        if r.goals.isEmpty { out.append("  no active goals") }
        for g in r.goals {
            let made = "\(g.commitments) commitment\(g.commitments == 1 ? "" : "s")"
            let counts = g.tally.reviewed == 0
                ? "\(made), none reviewed" : "\(made), \(g.tally.kept) of \(g.tally.reviewed) reviewed kept (\(Render.rate(g.tally)))"
            out.append("  \(g.goalId)" + (g.area.map { " · \($0)" } ?? "") + " · \(counts)")
            out.append("    \(Render.text(g.text))")
        }
        out.append("")

        out.append(Render.bold("Topics") + "  most neglected first")
        let width = r.topics.map { TopicName.display($0.topic).count }.max() ?? 0
        for t in r.topics {
            let name = TopicName.display(t.topic)
            let days = t.daysSince.map { "\($0) days" } ?? "never"
            let since = t.status == .current ? days : Render.red(days)
            out.append("  \(name)\(String(repeating: " ", count: width - name.count))  \(since)")
            if let insight = t.insight {
                out.append("    \(insight.at.day.iso8601): \(Render.text(insight.text))")
            }
        }

        if !r.questions.isEmpty {
            out.append("")
            out.append(Render.bold("Questions to ask"))
            for question in r.questions { out.append("  \(TopicName.display(question.topic)): \(question.text)") }
        }
        return out
    }

    static func ago(_ days: Int) -> String {
        days == 0 ? "today" : days == 1 ? "1 day ago" : "\(days) days ago"
    }
}

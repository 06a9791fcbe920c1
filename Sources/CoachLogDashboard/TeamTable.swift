import CoachLogProtocol

/// The overview's table rows, written directly rather than through the
/// template engine: an organisation has thousands of rows, and a template
/// looks each of their dozen fields up by name. Every text is escaped here.
enum TeamTable {
    static func rows(_ report: TeamReport, asOf: String?) -> String {
        var html = ""
        html.reserveCapacity(report.salespeople.count * 1_400)
        for row in report.salespeople {
            write(row, report: report, asOf: asOf, into: &html)
        }
        return html
    }

    private static func write(_ row: TeamRow, report: TeamReport, asOf: String?, into html: inout String) {
        let name = Format.html(row.salesperson)
        let lapsed = row.status == .lapsed
        html += "<tr data-salesperson=\""
        html += name
        html += "\"><th scope=\"row\" data-sort=\""
        html += name
        html += "\"><a href=\""
        html += Format.html(Format.salespersonPath(row.salesperson, asOf: asOf))
        html += "\">"
        html += name
        html += "</a></th><td data-sort=\""
        let coach = Format.html(row.coach)
        html += coach
        html += "\">"
        html += coach
        html += "</td>"
        rate(row.current.rate, reviewed: row.current.reviewed, health: row.current.health, into: &html)
        rate(row.current.weightedRate, reviewed: nil, health: nil, into: &html)
        rate(row.previous.rate, reviewed: row.previous.reviewed, health: nil, into: &html)
        html += "<td data-sort=\""
        let change = row.change.rate.flatMap { $0.isFinite && abs($0) < 1e6 ? $0 : nil }
        html += change.map { String(Int(($0 * 1000).rounded())) } ?? "-100000"
        html += "\">"
        html += Format.points(change)
        if let change {
            let points = Int((change * 100).rounded())
            html += points > 0 ? " <span aria-hidden=\"true\">▲</span>" : points < 0 ? " <span aria-hidden=\"true\">▼</span>" : ""
        }
        html += "</td><td class=\"trend\">"
        html += Charts.sparkline(row.trend, reviewed: row.trendReviewed)
        html += "</td><td data-sort=\"\(row.open)\">\(row.open)</td><td data-sort=\"\(row.overdue)\""
        html += row.overdue > 0 ? " class=\"flagged\">\(row.overdue) <span class=\"flag\">overdue</span>" : ">0"
        html += "</td><td data-sort=\"\(row.daysSince)\""
        if lapsed {
            html += " class=\"flagged\">\(row.daysSince) <span class=\"flag\">lapsed</span>"
        } else {
            html += ">\(row.daysSince)"
        }
        html += "</td><td data-sort=\"\(row.neglectedTopics.count)\">"
        if row.neglectedTopics.isEmpty {
            html += "none"
        } else {
            html += row.neglectedTopics.map { topic in
                Format.topic(topic.topic) + (topic.daysSince.map { " (\($0) days)" } ?? " (never)")
            }.joined(separator: ", ")
        }
        html += "</td><td data-sort=\"\(row.attention)\">\(row.attention)"
        if !row.reasons.isEmpty {
            html += " <small>"
            html += row.reasons.map(reasonWords).joined(separator: ", ")
            html += "</small>"
        }
        html += "</td></tr>\n"
    }

    /// A rate cell: the figure, how many reviews it rests on, and its health as a word for the colour.
    private static func rate(_ rate: Double?, reviewed: Int?, health: Health?, into html: inout String) {
        html += "<td data-sort=\""
        html += Format.sortKey(rate)
        html += "\""
        if let health {
            html += " class=\"health-\(health.rawValue)\""
        }
        html += ">"
        html += Format.percent(rate)
        if let reviewed, rate != nil {
            html += " <small>of \(reviewed)</small>"
        }
        html += "</td>"
    }

    static func reasonWords(_ reason: AttentionReason) -> String {
        switch reason {
        case .lapsed: return "coaching lapsed"
        case .slipping: return "slipping"
        case .overdue: return "overdue"
        case .poorFollowThrough: return "poor follow-through"
        case .pastUsualGap: return "past usual gap"
        case .sessionLeftOpen: return "session left open"
        case .neglectedTopics: return "topics neglected"
        }
    }
}

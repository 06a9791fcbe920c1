import CoachLogProtocol

/// Turns a loaded page into HTML: the page's `<main>` from its template, and
/// the whole document around it (or only `<main>`'s content for a live refresh).
///
/// Contexts are plain dictionaries with explicit `has…` flags, so a template
/// never has to guess whether an empty list or a zero is "nothing".
struct Renderer: Sendable {
    let viewer: Viewer

    // MARK: The document

    /// The layout around a page's main content.
    /// `shownTo` overrides the viewer's description (a problem page before the daemon ever answered).
    func document(
        title: String, path: String, main: String, options: PageOptions, keep: [(String, String)] = [], shownTo: String? = nil
    ) -> String {
        let asOf = options.asOfText
        let query = asOf.map { "?asOf=" + Format.urlComponent($0) } ?? ""
        let nav: [[String: Any]] = [
            ["href": "/" + query, "label": "Team overview", "current": path == "/"],
            ["href": "/overdue" + query, "label": "Overdue", "current": path == "/overdue"],
        ]
        var nowQuery = keep.map { Format.urlComponent($0.0) + "=" + Format.urlComponent($0.1) }.joined(separator: "&")
        if !nowQuery.isEmpty { nowQuery = "?" + nowQuery }
        let context: [String: Any] = [
            "title": title, "path": path, "nav": nav, "asOf": asOf ?? "", "hasAsOf": asOf != nil, "nowHref": path + nowQuery,
            "keep": keep.map { ["name": $0.0, "value": $0.1] }, "viewer": shownTo ?? viewer.description, "seesText": shownTo != nil || viewer.seesText,
            // A past view does not change when something is recorded now... unless it is recorded in the past:
            // pages with an asOf still follow the feed, so a back-dated record shows too.
            "live": true, "main": main,
        ]
        return Templates.library.render(context, withTemplate: "layout") ?? ""
    }

    func problem(_ error: PageError) -> String {
        let heading: String
        switch error.status {
        case 400: heading = "That page's address is not right"
        case 403: heading = "Not yours to see"
        case 404: heading = "Not found"
        case 503: heading = "coachlogd is not answering"
        default: heading = "Something went wrong"
        }
        return Templates.library.render(["heading": heading, "message": error.message], withTemplate: "problem") ?? ""
    }

    // MARK: Overview

    func overview(_ page: OverviewPage) -> String {
        let team = page.team, totals = team.totals
        let asOf = page.options.asOfText
        let weekly = (page.followThrough.weekly ?? []).map { week in
            Charts.Week(label: Format.date(Timestamp(milliseconds: week.window.to.milliseconds - 1)), rate: week.tally.rate, reviewed: week.tally.reviewed)
        }
        let heading: String
        switch page.scope {
        case .coach(let coach): heading = "\(coach)'s team"
        default: heading = "Everyone's follow-through"
        }
        let selected = { () -> String? in if case .coach(let c) = page.scope { return c } else { return nil } }()
        let context: [String: Any] = [
            "heading": heading, "asOfShown": asOf ?? "now (\(team.asOf.prefix(16).replacingT))", "weeks": team.weeks,
            "trendWeeks": PageLoader.trendWeeks,
            "windowFrom": team.window.from.map(Format.date) ?? "the start",
            "windowTo": Format.date(Timestamp(milliseconds: team.window.to.milliseconds - 1)),
            "salespeople": totals.salespeople,
            "hasCoaches": !page.coaches.isEmpty,
            "coaches": page.coaches.map { ["name": $0, "selected": $0 == selected] },
            "hasAsOf": asOf != nil, "asOf": asOf ?? "",
            "rate": Format.percent(totals.current.rate), "health": totals.current.health?.rawValue ?? "none",
            "healthWord": totals.current.health.map(healthWord) ?? "nothing reviewed",
            "kept": totals.current.kept, "reviewed": totals.current.reviewed,
            "previousRate": Format.percent(totals.previous.rate), "previousReviewed": totals.previous.reviewed,
            "change": Format.points(totals.change.rate), "direction": Format.direction(totals.change.rate),
            "weightedRate": Format.percent(totals.current.weightedRate), "weightedChange": Format.points(totals.change.weightedRate),
            "open": totals.open, "overdue": totals.overdue, "lapsed": totals.lapsed, "needAttention": totals.needAttention,
            "lapsedAfterDays": team.lapsedAfterDays,
            "overdueHref": "/overdue" + query(asOf: asOf, coach: selected),
            "weeklyChart": Charts.weekly(weekly, title: "Say-do rate per week, the last \(weekly.count) weeks"),
            "weeklyRows": (page.followThrough.weekly ?? []).map { week -> [String: Any] in
                [
                    "label": Format.date(Timestamp(milliseconds: week.window.to.milliseconds - 1)),
                    "rate": Format.percent(week.tally.rate), "kept": week.tally.kept, "reviewed": week.tally.reviewed,
                ]
            },
            "hasRows": !team.salespeople.isEmpty, "rows": TeamTable.rows(team, asOf: asOf),
        ]
        return Templates.library.render(context, withTemplate: "overview") ?? ""
    }

    // MARK: Salesperson

    func salesperson(_ page: SalespersonPage) -> String {
        let asOf = page.options.asOfText
        var context: [String: Any] = [
            "name": page.salesperson, "asOfShown": asOf ?? "now",
            "hasCoach": true, "coach": page.prep?.coach ?? page.sessions.coach,
        ]
        if let prep = page.prep {
            context["hasPrep"] = true
            let last = prep.lastSession
            context["lastSessionDate"] = Format.date(last.openedAt)
            context["lastSessionCoach"] = last.coach
            context["lastSessionAgo"] = Format.days(last.daysSince)
            context["lastSessionOpen"] = last.open
            context["lastSessionTopics"] = last.topics.isEmpty ? "none recorded" : last.topics.map(Format.topic).joined(separator: ", ")
            context["open"] = prep.open
            context["overdue"] = prep.overdue
            context["hasDue"] = !prep.dueForReview.isEmpty
            context["due"] = prep.dueForReview.map { item -> [String: Any] in
                [
                    "text": text(item.text), "kind": Format.kind(item.kind), "due": item.due.iso8601, "overdue": item.overdue,
                    "daysOverdue": Format.days(item.daysOverdue),
                ]
            }
            context["reviewDays"] = prep.reviewDays
            context["reviewedRate"] = Format.percent(prep.reviewed.rate)
            context["reviewedKept"] = prep.reviewed.kept
            context["reviewedCount"] = prep.reviewed.reviewed
            context["hasReviews"] = !prep.reviews.isEmpty
            context["reviews"] = prep.reviews.map { review -> [String: Any] in
                [
                    "outcome": review.outcome.rawValue, "outcomeWord": outcomeWord(review.outcome), "text": text(review.text),
                    "kind": Format.kind(review.kind), "date": Format.date(review.reviewedAt),
                    "hasNote": review.note != nil, "note": review.note.map(Format.html) ?? "",
                ]
            }
            context["prepTopics"] = prep.topics.map { topic -> [String: Any] in
                [
                    "topic": Format.topic(topic.topic), "status": topicWords(topic.status, days: topic.daysSince),
                    "hasInsight": topic.insight != nil, "insight": topic.insight.map { text($0.text) } ?? "",
                ]
            }
            context["hasQuestions"] = !prep.questions.isEmpty
            context["questions"] = prep.questions.map { ["text": $0.text, "topic": Format.topic($0.topic)] }
            context["coverage"] = prep.topics.sorted { $0.topic < $1.topic }.map { topic -> [String: Any] in
                [
                    "topic": Format.topic(topic.topic), "lastCovered": topic.lastCovered?.iso8601 ?? "never",
                    "daysSince": topic.daysSince.map(String.init) ?? "—", "status": topic.status.rawValue,
                    "statusKey": topic.status.rawValue,
                ]
            }
        } else {
            context["hasPrep"] = false
        }
        let end = page.options.asOf?.end
        // `sessions` has no asOf (Protocol.md §6.5): a past view lists the sessions opened by then.
        let sessions = page.sessions.sessions.filter { session in end.map { session.openedAt < $0 } ?? true }.reversed()
        context["hasSessions"] = !sessions.isEmpty
        context["sessions"] = sessions.map { session -> [String: Any] in
            let closedBy = session.closedAt.map { closed in end.map { closed < $0 } ?? true } ?? false
            return [
                "openedAt": session.openedAt.iso8601, "date": Format.date(session.openedAt), "coach": session.coach,
                "topics": session.topics.isEmpty ? "no topics recorded" : session.topics.map(Format.topic).joined(separator: ", "),
                "open": !closedBy,
            ]
        }
        let openRows = page.open?.commitments ?? []
        context["hasGoals"] = !page.goals.goals.isEmpty
        context["goals"] = page.goals.goals.map { goal -> [String: Any] in
            var serving: [[String: Any]] = openRows.filter { $0.goalId == goal.goalId }.map {
                ["text": text($0.text), "state": $0.overdue ? "open, overdue by \(Format.days($0.daysOverdue))" : "open, due \($0.due.iso8601)"]
            }
            serving += (page.prep?.reviews ?? []).filter { $0.goalId == goal.goalId }.map {
                ["text": text($0.text), "state": "\(outcomeWord($0.outcome).lowercased()) \(Format.date($0.reviewedAt))"]
            }
            return [
                "text": text(goal.text), "area": goal.area.map(Format.html) ?? (viewer.seesText ? "—" : hidden),
                "stated": Format.date(goal.statedAt), "status": goal.status.rawValue, "commitments": goal.commitments,
                "rate": Format.percent(goal.tally.rate), "kept": goal.tally.kept, "reviewed": goal.tally.reviewed,
                "hasServing": !serving.isEmpty, "serving": serving,
            ]
        }
        context["hasOpen"] = !openRows.isEmpty
        context["openRows"] = openRows.map { item -> [String: Any] in
            [
                "text": text(item.text), "kind": Format.kind(item.kind), "made": Format.date(item.madeAt), "due": item.due.iso8601,
                "overdue": item.overdue, "daysOverdue": Format.days(item.daysOverdue),
            ]
        }
        if let followThrough = page.followThrough {
            context["hasFollowThrough"] = true
            let weeks = followThrough.weeks ?? PageLoader.trendWeeks
            context["kinds"] = CommitmentKind.allCases.map { kind -> [String: Any] in
                let tally = followThrough.byKind[kind]
                return [
                    "name": Format.kind(kind), "key": kind.rawValue, "rate": Format.percent(tally.rate), "kept": tally.kept,
                    "reviewed": tally.reviewed, "weeks": weeks,
                ]
            }
            let weekly = followThrough.weekly ?? []
            let series = CommitmentKind.allCases.map { kind in
                Charts.Series(
                    name: Format.kind(kind),
                    weeks: weekly.map { week in
                        let tally = week.byKind?[kind] ?? Tally()
                        return Charts.Week(label: weekLabel(week.window), rate: tally.rate, reviewed: tally.reviewed)
                    })
            }
            context["kindChart"] = Charts.byKind(series, title: "Say-do rate per week by kind, the last \(weekly.count) weeks")
            context["kindRows"] = weekly.map { week -> [String: Any] in
                func cell(_ tally: Tally?) -> String {
                    guard let tally, tally.reviewed > 0 else { return "—" }
                    return "\(Format.percent(tally.rate)) of \(tally.reviewed)"
                }
                return [
                    "label": weekLabel(week.window), "more": cell(week.byKind?.more), "better": cell(week.byKind?.better),
                    "different": cell(week.byKind?.different), "all": cell(week.tally),
                ]
            }
        } else {
            context["hasFollowThrough"] = false
        }
        return Templates.library.render(context, withTemplate: "salesperson") ?? ""
    }

    // MARK: Overdue

    func overdue(_ page: OverduePage) -> String {
        let report = page.report
        var byCoach: [String: [OpenCommitment]] = [:]
        for item in report.commitments { byCoach[item.coach, default: []].append(item) }
        let coaches = byCoach.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let asOf = page.options.asOfText
        let groups = coaches.enumerated().map { index, coach -> [String: Any] in
            // Oldest first: the most days overdue at the top (the daemon sorts by due date, then salesperson).
            let rows = (byCoach[coach] ?? []).sorted { $0.due < $1.due }
            return [
                "index": index, "coach": coach, "count": rows.count,
                "rows": rows.map { item -> [String: Any] in
                    [
                        "salesperson": item.salesperson, "href": Format.salespersonPath(item.salesperson, asOf: asOf),
                        "text": text(item.text), "kind": Format.kind(item.kind), "due": item.due.iso8601,
                        "daysOverdue": item.daysOverdue,
                    ]
                },
            ]
        }
        let context: [String: Any] = [
            "asOfShown": asOf ?? "now", "count": report.overdue, "open": report.open, "groups": groups,
        ]
        return Templates.library.render(context, withTemplate: "overdue") ?? ""
    }

    // MARK: Words

    private var hidden: String { "<span class=\"hidden-text\">(not shown to this role)</span>" }

    /// Free text as markup: escaped, or a note that this role is not shown it.
    private func text(_ value: String?) -> String {
        if let value { return Format.html(value) }
        return viewer.seesText ? "<span class=\"hidden-text\">(erased)</span>" : hidden
    }

    private func outcomeWord(_ outcome: Outcome) -> String {
        switch outcome {
        case .kept: return "Kept"
        case .partial: return "Partly kept"
        case .missed: return "Missed"
        }
    }

    private func healthWord(_ health: Health) -> String {
        switch health {
        case .good: return "good"
        case .fair: return "fair"
        case .poor: return "poor"
        }
    }

    private func topicWords(_ status: TopicStatus, days: Int?) -> String {
        switch status {
        case .current: return "covered \(days.map { Format.days($0) } ?? "") ago"
        case .stale: return "not covered for \(days.map { Format.days($0) } ?? "a while") (stale)"
        case .never: return "never covered"
        }
    }

    private func weekLabel(_ window: Window) -> String { Format.date(Timestamp(milliseconds: window.to.milliseconds - 1)) }

    private func query(asOf: String?, coach: String?) -> String {
        var parts: [String] = []
        if let coach { parts.append("coach=" + Format.urlComponent(coach)) }
        if let asOf { parts.append("asOf=" + Format.urlComponent(asOf)) }
        return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
    }
}

extension Substring {
    /// "2026-10-19T09:00" → "2026-10-19 09:00".
    var replacingT: String { String(self.map { $0 == "T" ? " " : $0 }) }
}

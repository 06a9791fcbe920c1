import ArgumentParser
import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import Foundation

/// `export --format csv`: a table for spreadsheets, one row per commitment (with its review) or per session.
///
/// The rows are the log's records, each with the latest word its corrections gave (an amended text, a corrected
/// outcome or note) and whether it was withdrawn or voided. Every figure that takes a rule comes from the
/// daemon, never from the CLI: a commitment's resolved due date and the time it counts as made are read from
/// the `openCommitments` view as of the moment it was recorded (or its session's time, for a back-filled one);
/// a review's time is the review session's time only when the daemon no longer counts the commitment open
/// then; a session's times, coach and topics are the `sessions` view's. Withdrawn and voided records are in no
/// view, so they show what was recorded (due left empty when none was given).
enum CSVTable: String, ExpressibleByArgument, CaseIterable {
    case commitments, sessions
}

enum ExportFormat: String, ExpressibleByArgument, CaseIterable {
    case jsonl, csv
}

/// RFC 4180: fields holding a comma, a quote, CR or LF are quoted, quotes doubled; lines end in CRLF.
enum CSV {
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func document(_ header: [String], _ rows: [[String]]) -> String {
        ([header] + rows).map { $0.map(field).joined(separator: ",") + "\r\n" }.joined()
    }
}

/// What the log says about each commitment and session, in log order.
struct LogFacts {
    struct Session {
        var opened: CoachingEvent.SessionOpened
        var stream: String
        var recordedAt: Timestamp
        var closedAt: Timestamp?
        var voided = false
    }

    struct Review {
        var event: CoachingEvent.CommitmentReviewed
        var recordedAt: Timestamp
        var position: UInt64
    }

    struct Commitment {
        var made: CoachingEvent.CommitmentMade
        var stream: String
        var recordedAt: Timestamp
        var text: String
        var kind: CommitmentKind
        var goalId: String?
        var due: Day?
        var withdrawn = false
        var reviews: [Review] = []
        var corrections: [(event: CoachingEvent.ReviewCorrected, position: UInt64)] = []
    }

    var sessions: [Session] = []
    var commitments: [Commitment] = []
    private var sessionIndex: [ExactName: Int] = [:]
    private var commitmentIndex: [ExactName: Int] = [:]
    private var mergedInto: [ExactName: String] = [:]

    mutating func add(_ envelope: EventEnvelope) {
        guard let event = try? envelope.decoded() else { return }
        switch event {
        case .sessionOpened(let e):
            sessionIndex[ExactName(e.sessionId)] = sessions.count
            sessions.append(Session(opened: e, stream: envelope.salesperson, recordedAt: envelope.recordedAt))
        case .sessionClosed(let e):
            if let i = sessionIndex[ExactName(e.sessionId)] { sessions[i].closedAt = e.at ?? envelope.recordedAt }
        case .sessionVoided(let e):
            if let i = sessionIndex[ExactName(e.sessionId)] { sessions[i].voided = true }
        case .commitmentMade(let e):
            commitmentIndex[ExactName(e.commitmentId)] = commitments.count
            commitments.append(
                Commitment(
                    made: e, stream: envelope.salesperson, recordedAt: envelope.recordedAt, text: e.text, kind: e.kind, goalId: e.goalId,
                    due: e.due))
        case .commitmentAmended(let e):
            guard let i = commitmentIndex[ExactName(e.commitmentId)] else { return }
            if let text = e.text { commitments[i].text = text }
            if let kind = e.kind { commitments[i].kind = kind }
            if let goal = e.goalId { commitments[i].goalId = goal }
            if let due = e.due { commitments[i].due = due }
        case .commitmentWithdrawn(let e):
            if let i = commitmentIndex[ExactName(e.commitmentId)] { commitments[i].withdrawn = true }
        case .commitmentReviewed(let e):
            if let i = commitmentIndex[ExactName(e.commitmentId)] {
                commitments[i].reviews.append(Review(event: e, recordedAt: envelope.recordedAt, position: envelope.position))
            }
        case .reviewCorrected(let e):
            if let i = commitmentIndex[ExactName(e.commitmentId)] { commitments[i].corrections.append((e, envelope.position)) }
        case .salespersonMerged(let e):
            mergedInto[ExactName(e.salesperson)] = e.into
        case .goalStated, .insightNoted, .goalAmended, .goalAchieved, .goalDropped, .salespersonForgotten:
            break
        }
    }

    func session(_ id: String) -> Session? { sessionIndex[ExactName(id)].map { sessions[$0] } }

    /// The name a stream's records count under: after every merge the log records.
    func liveName(_ name: String) -> String {
        var current = name
        var seen: Set<ExactName> = [ExactName(name)]
        while let next = mergedInto[ExactName(current)], seen.insert(ExactName(next)).inserted { current = next }
        return current
    }

    func voided(_ c: Commitment) -> Bool { session(c.made.sessionId)?.voided ?? false }

    /// The review that stands: the latest one not held in a voided session (voiding a session takes its reviews).
    func standingReview(_ c: Commitment) -> Review? {
        c.reviews.last { !(session($0.event.sessionId)?.voided ?? false) }
    }
}

/// Runs queries pipelined on one connection (at most 128 unanswered), each answered or refused, in order.
func pipelined(_ queries: [ProjectionQuery], on c: Connection) throws -> [JSONValue?] {
    var results: [JSONValue?] = []
    results.reserveCapacity(queries.count)
    for start in stride(from: 0, to: queries.count, by: 128) {
        let chunk = queries[start..<min(start + 128, queries.count)]
        for (offset, q) in chunk.enumerated() {
            try c.send(Request(id: .string("csv-\(start + offset)"), body: .query(q)))
        }
        var answered = 0
        while answered < chunk.count {
            switch try c.receive() {
            case .ok(_, let result): results.append(result)
            case .error: results.append(nil)  // e.g. no session before that time: nothing open then
            case .event: continue
            }
            answered += 1
        }
    }
    return results
}

struct CSVExporter {
    let connection: Connection
    let facts: LogFacts

    init(connection: Connection) throws {
        self.connection = connection
        var facts = LogFacts()
        var cursor: UInt64 = 0
        while true {
            let page = try connection.read(after: cursor, limit: 1000)
            for e in page.events { facts.add(e) }
            if page.events.isEmpty || page.next <= cursor { break }
            cursor = page.next
        }
        self.facts = facts
    }

    /// The `sessions` view of every person the log's sessions count under, by session id.
    func liveSessions() throws -> [ExactName: SessionRow] {
        var names: [String] = []
        var seen: Set<ExactName> = []
        for s in facts.sessions where seen.insert(ExactName(facts.liveName(s.stream))).inserted { names.append(facts.liveName(s.stream)) }
        let results = try pipelined(names.map { ProjectionQuery(.sessions, scope: .salesperson($0)) }, on: connection)
        var rows: [ExactName: SessionRow] = [:]
        for result in results {
            guard let result else { continue }
            for row in try typed(result, as: SessionsReport.self).sessions { rows[ExactName(row.sessionId)] = row }
        }
        return rows
    }

    /// Open commitments as of each (salesperson, instant): the ids open then, and every row seen, by id.
    func openAsOf(_ asks: [(name: String, at: Timestamp)]) throws -> (open: [Int: Set<ExactName>], rows: [ExactName: OpenCommitment]) {
        var queries: [ProjectionQuery] = []
        for ask in asks {
            queries.append(ProjectionQuery(.openCommitments, scope: .salesperson(ask.name), asOf: AsOf(parsing: ask.at.iso8601)))
        }
        var open: [Int: Set<ExactName>] = [:]
        var rows: [ExactName: OpenCommitment] = [:]
        for (i, result) in try pipelined(queries, on: connection).enumerated() {
            guard let result else { continue }
            let report = try typed(result, as: OpenCommitmentsReport.self)
            open[i] = Set(report.commitments.map { ExactName($0.commitmentId) })
            for row in report.commitments { rows[ExactName(row.commitmentId)] = row }
        }
        return (open, rows)
    }

    func sessionsTable() throws -> String {
        let live = try liveSessions()
        let rows = facts.sessions.map { s -> [String] in
            let row = live[ExactName(s.opened.sessionId)]
            let topics = (row?.topics ?? s.opened.topics).map(TopicName.display).joined(separator: ",")
            let opened = row?.openedAt ?? s.opened.at ?? s.recordedAt
            let closed = row.map { $0.closedAt } ?? s.closedAt
            return [
                s.opened.sessionId, facts.liveName(s.stream), row?.coach ?? s.opened.coach, opened.iso8601, closed?.iso8601 ?? "",
                topics, s.voided ? "yes" : "",
            ]
        }
        return CSV.document(["session", "salesperson", "coach", "opened", "closed", "topics", "voided"], rows)
    }

    func commitmentsTable() throws -> String {
        let live = try liveSessions()
        let counted = facts.commitments.filter { !$0.withdrawn && !facts.voided($0) }

        // The daemon's row for each commitment that counts: one query per session, as of the last moment one
        // of its commitments was recorded (or its `at`), when they are all still open; then, for any not found,
        // as of its own moment; then, for one back-filled and reviewed at once, as of its session's time.
        func distinct(_ asks: [(name: String, at: Timestamp)]) -> [(name: String, at: Timestamp)] {
            var seen: Set<String> = []
            return asks.filter { seen.insert("\($0.name)\u{0}\($0.at.milliseconds)").inserted }
        }
        var latestInSession: [ExactName: (name: String, at: Timestamp)] = [:]
        var sessionOrder: [ExactName] = []
        for c in counted {
            let key = ExactName(c.made.sessionId)
            let at = c.made.at ?? c.recordedAt
            if let known = latestInSession[key] {
                if known.at < at { latestInSession[key] = (known.name, at) }
            } else {
                latestInSession[key] = (facts.liveName(c.stream), at)
                sessionOrder.append(key)
            }
        }
        var resolved = try openAsOf(distinct(sessionOrder.compactMap { latestInSession[$0] })).rows
        func unresolved() -> [LogFacts.Commitment] { counted.filter { resolved[ExactName($0.made.commitmentId)] == nil } }
        let own = unresolved().map { (facts.liveName($0.stream), $0.made.at ?? $0.recordedAt) }
        resolved.merge(try openAsOf(distinct(own)).rows) { first, _ in first }
        let second: [(name: String, at: Timestamp)] = unresolved().filter { $0.made.at == nil }.compactMap { c in
            live[ExactName(c.made.sessionId)].map { (facts.liveName(c.stream), $0.openedAt) }
        }
        resolved.merge(try openAsOf(distinct(second)).rows) { first, _ in first }

        // A review without `at` counts at its session's time when the daemon no longer counts the commitment open
        // then (a review back-filled into an old session); otherwise when it was recorded.
        var reviewChecks: [(name: String, at: Timestamp)] = []
        var checkOf: [ExactName: Int] = [:]
        for c in counted {
            guard let review = facts.standingReview(c), review.event.at == nil,
                let session = live[ExactName(review.event.sessionId)], session.openedAt < review.recordedAt,
                let made = resolved[ExactName(c.made.commitmentId)]?.madeAt, made <= session.openedAt
            else { continue }
            checkOf[ExactName(c.made.commitmentId)] = reviewChecks.count
            reviewChecks.append((facts.liveName(c.stream), session.openedAt))
        }
        let checks = try openAsOf(reviewChecks).open

        let rows = facts.commitments.map { c -> [String] in
            let key = ExactName(c.made.commitmentId)
            // Withdrawn and voided ones count nowhere: they show what was recorded.
            let row = c.withdrawn || facts.voided(c) ? nil : resolved[key]
            let status: String
            var outcome = ""
            var note = ""
            var reviewedAt = ""
            if facts.voided(c) {
                status = "voided"
            } else if c.withdrawn {
                status = "withdrawn"
            } else if let review = facts.standingReview(c) {
                status = "reviewed"
                var word = review.event.outcome
                var latestNote = review.event.note
                for correction in c.corrections where correction.position > review.position {
                    if let o = correction.event.outcome { word = o }
                    if let n = correction.event.note { latestNote = n }
                }
                outcome = word.rawValue
                note = latestNote ?? ""
                var at = review.event.at ?? review.recordedAt
                if let check = checkOf[key], let open = checks[check], !open.contains(key),
                    let session = live[ExactName(review.event.sessionId)]
                {
                    at = session.openedAt
                }
                reviewedAt = at.iso8601
            } else {
                status = "open"
            }
            let due = row?.due ?? c.due
            let madeAt = row?.madeAt ?? c.made.at ?? c.recordedAt
            return [
                c.made.commitmentId, facts.liveName(c.stream), c.made.sessionId, row?.kind.rawValue ?? c.kind.rawValue,
                row?.text ?? c.text, (row.map { $0.goalId } ?? c.goalId) ?? "", due?.iso8601 ?? "", madeAt.iso8601, outcome, reviewedAt, note, status,
            ]
        }
        return CSV.document(
            ["commitment", "salesperson", "session", "kind", "text", "goal", "due", "made_at", "outcome", "reviewed_at", "note", "status"],
            rows)
    }
}

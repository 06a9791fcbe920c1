import CoachLogProtocol

/// The latest word on each record a listing has shown so far (oldest first), so that a correction can say what
/// it replaces: "c-4 review corrected: kept, was missed". Only what this listing has shown: the correction of a
/// record outside it (`--after`, `--limit`, another salesperson) shows the new word alone. This is a reading
/// aid, not a projection: what counts is the daemon's.
struct LogMemory {
    var outcomes: [ExactName: Outcome] = [:]
    var commitmentTexts: [ExactName: String] = [:]
    var goalTexts: [ExactName: String] = [:]
}

private func reason(_ text: String?) -> String { text.map { " (reason: \($0))" } ?? "" }
private func quoted(_ text: String) -> String { "\"\(text)\"" }

/// One line of history: position, when, who, what (with its texts and notes).
func describe(_ envelope: EventEnvelope, memory: inout LogMemory) -> [String] {
    let event = try? envelope.decoded()
    let at = (event?.at ?? envelope.recordedAt).iso8601
    var summary: String
    switch event {
    case .sessionOpened(let e)?:
        let topics = e.topics.map(TopicName.display).joined(separator: ",")
        summary = "\(e.sessionId) with \(e.coach)" + (topics.isEmpty ? "" : " · \(topics)")
    case .goalStated(let e)?:
        memory.goalTexts[ExactName(e.goalId)] = e.text
        summary = "\(e.goalId): \(e.text)" + (e.area.map { " · \($0)" } ?? "")
    case .commitmentMade(let e)?:
        memory.commitmentTexts[ExactName(e.commitmentId)] = e.text
        // A commitment recorded without a due date shows none: the daemon resolves it in its projections.
        summary = "\(e.commitmentId) \(e.kind.rawValue): \(e.text)" + (e.due.map { " (due \($0.iso8601))" } ?? "")
            + (e.goalId.map { " · goal \($0)" } ?? "")
    case .commitmentReviewed(let e)?:
        memory.outcomes[ExactName(e.commitmentId)] = e.outcome
        summary = "\(e.commitmentId) \(e.outcome.rawValue)" + (e.note.map { " · note: \($0)" } ?? "")
    case .insightNoted(let e)?: summary = "\(TopicName.display(e.topic)): \(e.text)"
    case .sessionClosed(let e)?: summary = e.sessionId
    case .reviewCorrected(let e)?:
        let key = ExactName(e.commitmentId)
        var changes: [String] = []
        if let outcome = e.outcome {
            let was = memory.outcomes[key].map { ", was \($0.rawValue)" } ?? ""
            changes.append(outcome.rawValue + was)
            memory.outcomes[key] = outcome
        }
        if let note = e.note { changes.append("note: \(note)") }
        summary = "\(e.commitmentId) review corrected: " + changes.joined(separator: " · ") + reason(e.reason)
    case .commitmentAmended(let e)?:
        let key = ExactName(e.commitmentId)
        var changes: [String] = []
        if let text = e.text {
            changes.append("text \(quoted(text))" + (memory.commitmentTexts[key].map { ", was \(quoted($0))" } ?? ""))
            memory.commitmentTexts[key] = text
        }
        if let kind = e.kind { changes.append("kind \(kind.rawValue)") }
        if let due = e.due { changes.append("due \(due.iso8601)") }
        if let goal = e.goalId { changes.append("goal \(goal)") }
        summary = "\(e.commitmentId) amended: " + changes.joined(separator: " · ") + reason(e.reason)
    case .commitmentWithdrawn(let e)?:
        summary = "\(e.commitmentId) withdrawn" + (memory.commitmentTexts[ExactName(e.commitmentId)].map { ": \($0)" } ?? "")
            + reason(e.reason)
    case .sessionVoided(let e)?:
        summary = "\(e.sessionId) voided, with everything recorded in it" + reason(e.reason)
    case .salespersonMerged(let e)?: summary = "\(e.salesperson) merged into \(e.into)" + reason(e.reason)
    case .goalAmended(let e)?:
        let key = ExactName(e.goalId)
        summary = "\(e.goalId) restated: \(e.text)" + (memory.goalTexts[key].map { " (was \(quoted($0)))" } ?? "") + reason(e.reason)
        memory.goalTexts[key] = e.text
    case .goalAchieved(let e)?:
        summary = "\(e.goalId) achieved" + (memory.goalTexts[ExactName(e.goalId)].map { ": \($0)" } ?? "") + reason(e.reason)
    case .goalDropped(let e)?:
        summary = "\(e.goalId) dropped" + (memory.goalTexts[ExactName(e.goalId)].map { ": \($0)" } ?? "") + reason(e.reason)
    case .salespersonForgotten?: summary = "forgotten: name and free text erased"
    case nil: summary = ""
    }
    return ["\(envelope.position)", at, envelope.salesperson, envelope.type.rawValue, summary]
}

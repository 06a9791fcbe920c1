import CoachLogJSON

// Replies without free text, for roles that may see the figures of a record
// but not what was said in it (the `dashboard` role, Protocol.md §11). Free
// text is what a salesperson or coach wrote in their own words: goal,
// commitment and insight texts, review notes, goal areas and correction
// reasons. Each type that carries any says here how it looks without it, so
// that no layer passes lists of member names around.

/// A result that has a form without free text.
public protocol FreeTextRedactable: Sendable {
    /// The same result with every free-text member null (its other members unchanged).
    func withoutFreeText() -> Self
}

extension EventEnvelope: FreeTextRedactable {
    /// The data members of events that hold free text. No event uses these
    /// names for anything else (`FreeTextSchemaTests` checks every type against the schema).
    public static let freeTextMembers: Set<String> = ["text", "note", "reason", "area"]

    /// The envelope with every free-text data member that is present set to null.
    public func withoutFreeText() -> EventEnvelope {
        guard case .object(var members) = data else { return self }
        for name in Self.freeTextMembers where members[name] != nil { members[name] = .null }
        var copy = self
        copy.data = .object(members)
        return copy
    }
}

extension ReadReply: FreeTextRedactable {
    public func withoutFreeText() -> ReadReply { ReadReply(events: events.map { $0.withoutFreeText() }, next: next) }
}

extension OpenCommitment: FreeTextRedactable {
    public func withoutFreeText() -> OpenCommitment {
        var copy = self
        copy.text = nil
        return copy
    }
}

extension OpenCommitmentsReport: FreeTextRedactable {
    public func withoutFreeText() -> OpenCommitmentsReport {
        var copy = self
        copy.commitments = commitments.map { $0.withoutFreeText() }
        return copy
    }
}

extension GoalRow: FreeTextRedactable {
    public func withoutFreeText() -> GoalRow {
        var copy = self
        copy.text = nil
        copy.area = nil
        return copy
    }
}

extension GoalsReport: FreeTextRedactable {
    public func withoutFreeText() -> GoalsReport {
        var copy = self
        copy.goals = goals.map { $0.withoutFreeText() }
        return copy
    }
}

extension PrepReview: FreeTextRedactable {
    public func withoutFreeText() -> PrepReview {
        var copy = self
        copy.text = nil
        copy.note = nil
        return copy
    }
}

extension PrepTopic: FreeTextRedactable {
    public func withoutFreeText() -> PrepTopic {
        var copy = self
        copy.insight?.text = nil
        return copy
    }
}

extension PrepReport: FreeTextRedactable {
    /// The prep report's questions stay: they come from the daemon's question library, not from anyone's record.
    public func withoutFreeText() -> PrepReport {
        var copy = self
        copy.dueForReview = dueForReview.map { $0.withoutFreeText() }
        copy.reviews = reviews.map { $0.withoutFreeText() }
        copy.goals = goals.map { $0.withoutFreeText() }
        copy.topics = topics.map { $0.withoutFreeText() }
        return copy
    }
}

import CoachLogProtocol

/// Every rule that guards an original record guards its correction too: the
/// record must exist, belong to the same salesperson, and still count.
extension CoachingRules {
    static func validateCorrection(_ event: CoachingEvent, in model: some CoachingReadModel, now: Timestamp) throws {
        switch event {
        case .reviewCorrected(let e):
            let commitment = try requireCommitment(e.commitmentId, of: e.salesperson, in: model)
            guard commitment.review != nil else {
                throw DomainError(
                    rule: "correction.notReviewed",
                    "commitment \"\(e.commitmentId)\" has not been reviewed; review it (CommitmentReviewed) instead of correcting")
            }
        case .commitmentAmended(let e):
            let commitment = try requireCommitment(e.commitmentId, of: e.salesperson, in: model)
            if let goalId = e.goalId { try requireGoal(goalId, of: e.salesperson, in: model) }
            if let due = e.due { try requireDue(due, notBefore: commitment.madeAt, commitmentId: e.commitmentId) }
        case .commitmentWithdrawn(let e):
            let commitment = try requireCommitment(e.commitmentId, of: e.salesperson, in: model)
            if commitment.review != nil {
                throw DomainError(
                    rule: "commitment.reviewed",
                    "commitment \"\(e.commitmentId)\" has been reviewed; correct the review (ReviewCorrected) instead of withdrawing it")
            }
        case .sessionVoided(let e):
            try requireSession(e.sessionId, of: e.salesperson, in: model)
        case .salespersonMerged(let e):
            guard let person = try model.person(e.salesperson), person.hasSessions else {
                throw DomainError(rule: "salesperson.exists", "no salesperson named \"\(e.salesperson)\" is on record")
            }
            guard !sameKey(e.salesperson, e.into) else {
                throw DomainError(rule: "merge.self", "\(e.salesperson) cannot be merged into itself")
            }
            guard let target = try model.person(e.into), target.hasSessions else {
                throw DomainError(rule: "merge.target", "no salesperson named \"\(e.into)\" is on record to merge into")
            }
            if let further = target.mergedInto {
                throw DomainError(rule: "merge.target", "\(e.into) was itself merged into \(further); merge into \(further)")
            }
            if let open = try model.sessions(of: e.salesperson).last(where: { $0.closedAt == nil && !$0.voided }) {
                throw DomainError(
                    rule: "merge.openSession",
                    "\(e.salesperson) has an open session, \"\(open.sessionId)\"; close or void it before merging")
            }
        case .goalAmended(let e):
            try requireGoal(e.goalId, of: e.salesperson, in: model)
        case .goalAchieved(let e), .goalDropped(let e):
            let goal = try requireGoal(e.goalId, of: e.salesperson, in: model)
            if goal.status != .active {
                throw DomainError(
                    rule: "goal.closed",
                    "goal \"\(e.goalId)\" was already \(goal.status.rawValue) on \(goal.statusAt?.day.iso8601 ?? "?")")
            }
        case .sessionOpened, .goalStated, .commitmentMade, .commitmentReviewed, .insightNoted, .sessionClosed,
            .salespersonForgotten:
            break
        }
    }
}

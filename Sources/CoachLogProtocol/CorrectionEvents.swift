/// The correction events: compensating events that say what the latest word
/// is on an earlier record. Each may carry a `reason`, kept in the log and
/// shown next to what it corrects.
extension CoachingEvent {
    /// A review's outcome or note was wrong: the new ones count from now on.
    public struct ReviewCorrected: Sendable, Equatable {
        public var commitmentId: String
        public var salesperson: String
        public var outcome: Outcome?
        public var note: String?
        public var reason: String?
        public var at: Timestamp?

        public init(
            commitmentId: String, salesperson: String, outcome: Outcome? = nil, note: String? = nil, reason: String? = nil,
            at: Timestamp? = nil
        ) {
            self.commitmentId = commitmentId
            self.salesperson = salesperson
            self.outcome = outcome
            self.note = note
            self.reason = reason
            self.at = at
        }
    }

    /// A commitment's text, kind, due date or goal was recorded wrong.
    public struct CommitmentAmended: Sendable, Equatable {
        public var commitmentId: String
        public var salesperson: String
        public var text: String?
        public var kind: CommitmentKind?
        public var due: Day?
        public var goalId: String?
        public var reason: String?
        public var at: Timestamp?

        public init(
            commitmentId: String, salesperson: String, text: String? = nil, kind: CommitmentKind? = nil, due: Day? = nil,
            goalId: String? = nil, reason: String? = nil, at: Timestamp? = nil
        ) {
            self.commitmentId = commitmentId
            self.salesperson = salesperson
            self.text = text
            self.kind = kind
            self.due = due
            self.goalId = goalId
            self.reason = reason
            self.at = at
        }
    }

    /// A commitment no longer stands: it is not open and is never counted as reviewed.
    public struct CommitmentWithdrawn: Sendable, Equatable {
        public var commitmentId: String
        public var salesperson: String
        public var reason: String?
        public var at: Timestamp?

        public init(commitmentId: String, salesperson: String, reason: String? = nil, at: Timestamp? = nil) {
            self.commitmentId = commitmentId
            self.salesperson = salesperson
            self.reason = reason
            self.at = at
        }
    }

    /// A session recorded by mistake: it and everything recorded in it leave every projection.
    public struct SessionVoided: Sendable, Equatable {
        public var sessionId: String
        public var salesperson: String
        public var reason: String?
        public var at: Timestamp?

        public init(sessionId: String, salesperson: String, reason: String? = nil, at: Timestamp? = nil) {
            self.sessionId = sessionId
            self.salesperson = salesperson
            self.reason = reason
            self.at = at
        }
    }

    /// `salesperson` is the same person as `into`: projections show one person, under `into`.
    public struct SalespersonMerged: Sendable, Equatable {
        /// The name merged away; the event belongs to its stream.
        public var salesperson: String
        public var into: String
        public var reason: String?
        public var at: Timestamp?

        public init(salesperson: String, into: String, reason: String? = nil, at: Timestamp? = nil) {
            self.salesperson = salesperson
            self.into = into
            self.reason = reason
            self.at = at
        }
    }

    /// The salesperson's data key was destroyed (`forget`): `salesperson` is
    /// their pseudonym. Changes no figure.
    public struct SalespersonForgotten: Sendable, Equatable {
        public var salesperson: String
        public var at: Timestamp?

        public init(salesperson: String, at: Timestamp? = nil) {
            self.salesperson = salesperson
            self.at = at
        }
    }

    /// A goal's text, restated.
    public struct GoalAmended: Sendable, Equatable {
        public var goalId: String
        public var salesperson: String
        public var text: String
        public var reason: String?
        public var at: Timestamp?

        public init(goalId: String, salesperson: String, text: String, reason: String? = nil, at: Timestamp? = nil) {
            self.goalId = goalId
            self.salesperson = salesperson
            self.text = text
            self.reason = reason
            self.at = at
        }
    }

    /// A goal achieved (`GoalAchieved`) or dropped (`GoalDropped`), on the day of `at`.
    public struct GoalClosed: Sendable, Equatable {
        public var goalId: String
        public var salesperson: String
        public var reason: String?
        public var at: Timestamp?

        public init(goalId: String, salesperson: String, reason: String? = nil, at: Timestamp? = nil) {
            self.goalId = goalId
            self.salesperson = salesperson
            self.reason = reason
            self.at = at
        }
    }

    /// Shape-checks a correction's data.
    static func correction(_ type: EventType, _ reader: inout FieldReader) throws(DomainError) -> CoachingEvent {
        switch type {
        case .reviewCorrected:
            let e = ReviewCorrected(
                commitmentId: try reader.id("commitmentId"), salesperson: try reader.name("salesperson"),
                outcome: try reader.optionalEnumeration("outcome", Outcome.self), note: try reader.optionalText("note"),
                reason: try reader.optionalText("reason"), at: try reader.timestamp("at"))
            guard e.outcome != nil || e.note != nil else {
                throw DomainError(rule: "correction.empty", "ReviewCorrected needs data.outcome or data.note (or both)")
            }
            return .reviewCorrected(e)
        case .commitmentAmended:
            let e = CommitmentAmended(
                commitmentId: try reader.id("commitmentId"), salesperson: try reader.name("salesperson"),
                text: try reader.optionalText("text"), kind: try reader.optionalEnumeration("kind", CommitmentKind.self),
                due: try reader.optionalDay("due"), goalId: try reader.optionalId("goalId"),
                reason: try reader.optionalText("reason"), at: try reader.timestamp("at"))
            guard e.text != nil || e.kind != nil || e.due != nil || e.goalId != nil else {
                throw DomainError(
                    rule: "correction.empty", "CommitmentAmended needs at least one of data.text, data.kind, data.due, data.goalId")
            }
            return .commitmentAmended(e)
        case .commitmentWithdrawn:
            return .commitmentWithdrawn(
                CommitmentWithdrawn(
                    commitmentId: try reader.id("commitmentId"), salesperson: try reader.name("salesperson"),
                    reason: try reader.optionalText("reason"), at: try reader.timestamp("at")))
        case .sessionVoided:
            return .sessionVoided(
                SessionVoided(
                    sessionId: try reader.id("sessionId"), salesperson: try reader.name("salesperson"),
                    reason: try reader.optionalText("reason"), at: try reader.timestamp("at")))
        case .salespersonMerged:
            return .salespersonMerged(
                SalespersonMerged(
                    salesperson: try reader.name("salesperson"), into: try reader.name("into"),
                    reason: try reader.optionalText("reason"), at: try reader.timestamp("at")))
        case .goalAmended:
            return .goalAmended(
                GoalAmended(
                    goalId: try reader.id("goalId"), salesperson: try reader.name("salesperson"), text: try reader.text("text"),
                    reason: try reader.optionalText("reason"), at: try reader.timestamp("at")))
        case .goalAchieved, .goalDropped:
            let e = GoalClosed(
                goalId: try reader.id("goalId"), salesperson: try reader.name("salesperson"),
                reason: try reader.optionalText("reason"), at: try reader.timestamp("at"))
            return type == .goalAchieved ? .goalAchieved(e) : .goalDropped(e)
        case .salespersonForgotten:
            // Only the daemon's `forget` writes it; a stored one replays.
            guard reader.history else {
                throw DomainError(
                    rule: "event.type",
                    "SalespersonForgotten is recorded by the daemon's forget operation; an operator sends {\"op\":\"forget\",\"salesperson\":NAME}"
                )
            }
            return .salespersonForgotten(
                SalespersonForgotten(salesperson: try reader.name("salesperson"), at: try reader.timestamp("at")))
        case .sessionOpened, .goalStated, .commitmentMade, .commitmentReviewed, .insightNoted, .sessionClosed:
            throw DomainError(rule: "event.type", "\(type.rawValue) is not a correction")
        }
    }
}

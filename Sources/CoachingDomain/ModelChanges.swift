import CoachLogProtocol

/// What was put into a model since its changes were last taken: the keys of
/// every record to write behind (a key may name a record put several times;
/// its latest version is in the model).
public struct ModelChanges: Sendable, Equatable {
    public var sessions: Set<ExactName> = []
    public var goals: Set<ExactName> = []
    public var commitments: Set<ExactName> = []
    /// Insights by position.
    public var insights: Set<UInt64> = []
    public var people: Set<ExactName> = []

    public init() {}

    public var isEmpty: Bool {
        sessions.isEmpty && goals.isEmpty && commitments.isEmpty && insights.isEmpty && people.isEmpty
    }

    /// Adds the keys `other` names (a flush that failed gives its keys back this way).
    public mutating func formUnion(_ other: ModelChanges) {
        sessions.formUnion(other.sessions)
        goals.formUnion(other.goals)
        commitments.formUnion(other.commitments)
        insights.formUnion(other.insights)
        people.formUnion(other.people)
    }

    /// How many records changed.
    public var count: Int { sessions.count + goals.count + commitments.count + insights.count + people.count }
}

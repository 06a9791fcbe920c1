import CoachLogJSON
import CoachLogProtocol

/// Typed operations: each sends one request built from protocol types and
/// decodes its result into the documented result type. A refusal throws
/// `ClientError.refused` with the daemon's code, message and rule; a reply
/// that does not match the contract throws `ClientError.connectionLost`.
extension Connection {
    /// Sends a typed request and decodes its result.
    public func request<Result: WireResult>(_ body: RequestBody, as: Result.Type) throws -> Result {
        let value = try request(body)
        do {
            return try Result(wire: value)
        } catch {
            throw ClientError.connectionLost(error.message)
        }
    }

    /// Sends a typed request and returns its raw result.
    public func request(_ body: RequestBody) throws -> JSONValue {
        let request = Request(id: nextRequestId(), body: body)
        return try exchange(request)
    }

    public func hello() throws -> HelloReply { try request(.hello(HelloParameters()), as: HelloReply.self) }

    public func stats() throws -> StatsReply { try request(.stats, as: StatsReply.self) }

    /// Appends events to one salesperson's stream; returns once they are durable.
    public func append(_ events: [ProposedEvent], expectedVersion: UInt64? = nil) throws -> AppendReply {
        try request(.append(AppendParameters(events: events, expectedVersion: expectedVersion)), as: AppendReply.self)
    }

    /// Appends one typed event.
    public func append(_ event: CoachingEvent, eventId: String? = nil) throws -> AppendReply {
        try append([ProposedEvent(event, eventId: eventId)])
    }

    public func read(
        after: UInt64 = 0, limit: Int = ReadParameters.defaultLimit, salesperson: String? = nil, stored: Bool = false
    ) throws -> ReadReply {
        try request(
            .read(ReadParameters(after: after, limit: limit, salesperson: salesperson, stored: stored)), as: ReadReply.self)
    }

    /// The head signed with the daemon's key, kept in the store.
    public func checkpoint() throws -> CheckpointReply { try request(.checkpoint, as: CheckpointReply.self) }

    public func backup(to path: String) throws -> BackupReply {
        try request(.backup(BackupParameters(path: path)), as: BackupReply.self)
    }

    // MARK: Projections

    public func followThrough(_ scope: Scope = .everyone, weeks: Int? = nil, asOf: AsOf? = nil) throws -> FollowThroughReport {
        try request(.query(ProjectionQuery(.followThrough, scope: scope, weeks: weeks, asOf: asOf)), as: FollowThroughReport.self)
    }

    public func followThrough(salesperson: String, weeks: Int? = nil, asOf: AsOf? = nil) throws -> FollowThroughReport {
        try followThrough(.salesperson(salesperson), weeks: weeks, asOf: asOf)
    }

    public func followThrough(coach: String, weeks: Int? = nil, asOf: AsOf? = nil) throws -> FollowThroughReport {
        try followThrough(.coach(coach), weeks: weeks, asOf: asOf)
    }

    public func openCommitments(_ scope: Scope = .everyone, overdueOnly: Bool = false, asOf: AsOf? = nil) throws
        -> OpenCommitmentsReport
    {
        try request(
            .query(ProjectionQuery(.openCommitments, scope: scope, asOf: asOf, overdueOnly: overdueOnly)),
            as: OpenCommitmentsReport.self)
    }

    public func cadence(_ scope: Scope = .everyone, asOf: AsOf? = nil) throws -> CadenceReport {
        try request(.query(ProjectionQuery(.cadence, scope: scope, asOf: asOf)), as: CadenceReport.self)
    }

    public func goals(salesperson: String, weeks: Int? = nil, asOf: AsOf? = nil) throws -> GoalsReport {
        try request(
            .query(ProjectionQuery(.goals, scope: .salesperson(salesperson), weeks: weeks, asOf: asOf)), as: GoalsReport.self)
    }

    public func topics(salesperson: String, asOf: AsOf? = nil) throws -> TopicsReport {
        try request(.query(ProjectionQuery(.topics, scope: .salesperson(salesperson), asOf: asOf)), as: TopicsReport.self)
    }

    public func sessions(salesperson: String) throws -> SessionsReport {
        try request(.query(ProjectionQuery(.sessions, scope: .salesperson(salesperson))), as: SessionsReport.self)
    }

    /// The team view of a coach's salespeople (or everyone's, without `coach`); `weeks` defaults to 4,
    /// and `trendWeeks` (1…52, the number of weekly trend points) to `weeks`.
    public func team(coach: String? = nil, weeks: Int? = nil, trendWeeks: Int? = nil, asOf: AsOf? = nil) throws -> TeamReport {
        let scope: Scope = coach.map { .coach($0) } ?? .everyone
        let query = ProjectionQuery(.team, scope: scope, weeks: weeks, trendWeeks: trendWeeks, asOf: asOf)
        return try request(.query(query), as: TeamReport.self)
    }

    /// What to bring to the salesperson's next one-on-one.
    public func prep(salesperson: String, asOf: AsOf? = nil) throws -> PrepReport {
        try request(.query(ProjectionQuery(.prep, scope: .salesperson(salesperson), asOf: asOf)), as: PrepReport.self)
    }
}

extension Connection {
    /// Subscribes with typed parameters; read the events with `EventStream.nextEnvelope()`.
    public func subscribe(_ parameters: SubscribeParameters) throws -> EventStream {
        try subscribe(
            after: parameters.after, salesperson: parameters.salesperson, types: parameters.types.map { $0.map(\.rawValue).sorted() })
    }
}

extension EventStream {
    /// The next event envelope, typed; nil at end of stream. Throws `.refused` if the daemon ended the
    /// subscription, `.connectionLost` if it sent an event that does not match the contract.
    public func nextEnvelope() throws -> EventEnvelope? {
        guard let raw = try nextEvent() else { return nil }
        do {
            return try JSONValueDecoder().decode(EventEnvelope.self, from: raw)
        } catch {
            throw ClientError.connectionLost("the daemon sent an event that does not match the contract: \(error)")
        }
    }
}

import Logging
import PostgresNIO

/// Where the copy stands in PostgreSQL: the last event written and the
/// position the projection tables were last rewritten at.
public struct Checkpoint: Sendable, Equatable {
    public var position: UInt64
    public var eventId: String?
    public var projectedPosition: UInt64
    public var daemonPosition: UInt64

    public init(position: UInt64, eventId: String?, projectedPosition: UInt64, daemonPosition: UInt64) {
        self.position = position
        self.eventId = eventId
        self.projectedPosition = projectedPosition
        self.daemonPosition = daemonPosition
    }
}

/// A unit of work for PostgreSQL, written in one transaction with the
/// checkpoint it moves: either all of it is there afterwards, or none.
public struct Batch: Sendable {
    /// The checkpoint this batch follows on; the transaction refuses to run on any other.
    public var previous: UInt64
    /// The checkpoint after it, and the eventId there.
    public var last: UInt64
    public var lastEventId: String?
    /// The events to write (or write again), in order; turned into rows by the writer, off the
    /// follower's thread, which is the exporter's busiest.
    public var events: [ExportedEvent] = []
    /// Rows already written that are written again (a forgotten person's events, now under a pseudonym).
    public var replaced: [UInt64] = []
    public var projections: ProjectionRewrite?
    /// The daemon's last position, as last asked.
    public var daemonPosition: UInt64

    public init(previous: UInt64, daemonPosition: UInt64) {
        self.previous = previous
        self.last = previous
        self.daemonPosition = daemonPosition
    }
}

/// New rows for the projection tables: for the people named (their old rows deleted), or for everyone.
public struct ProjectionRewrite: Sendable {
    public var everyone: Bool
    public var names: [String]
    public var rows: AnalyticsRows
    /// The position of the model the rows were computed from.
    public var position: UInt64
}

/// The exporter's one PostgreSQL connection. Used by one task at a time (the exporter's writer).
public actor PostgresSink {
    let target: PostgresTarget
    let schema: Schema
    let freeText: Bool
    let logger: Logger
    private var connection: PostgresConnection?
    private var nextConnectionId = 1
    /// Counts resets: a connection opened before the latest one is not kept.
    private var generation = 0

    public init(target: PostgresTarget, schema: Schema, freeText: Bool, logger: Logger) {
        self.target = target
        self.schema = schema
        self.freeText = freeText
        self.logger = logger
    }

    /// Connects if not connected.
    func connected() async throws(SyncError) -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        let started = generation
        let configuration: PostgresConnection.Configuration
        do {
            configuration = try target.configuration()
        } catch {
            throw SyncError.refused(
                "cannot set up TLS for \(target.summary): \(error); check sslrootcert (a readable PEM file) and sslmode")
        }
        do {
            let c = try await PostgresConnection.connect(configuration: configuration, id: nextConnectionId, logger: logger)
            nextConnectionId += 1
            // Abandoned meanwhile (a write past its deadline): a later attempt owns the connection now.
            guard started == generation else {
                Task { try? await c.close() }
                throw SyncError.postgres("a connection made for an abandoned write was dropped")
            }
            connection = c
            return c
        } catch {
            throw classify(error, "cannot connect to \(target.summary)")
        }
    }

    /// PostgreSQL's refusals that waiting cannot cure become `.refused`, with what to do; the rest are
    /// passing faults (the server restarting, a network break).
    func classify(_ error: any Error, _ what: String) -> SyncError {
        let message = "\(what): \(Self.describe(error))"
        switch (error as? PSQLError)?.serverInfo?[.sqlState] {
        case "28P01", "28000":
            return .refused(
                message + "; check the user in --postgres and its password (--password-file, $PGPASSWORD), "
                    + "and that pg_hba.conf lets it in")
        case "3D000":
            return .refused(message + "; create the database first (createdb), or name another in --postgres")
        case "42501":
            return .refused(
                message + "; let the user create the schema (GRANT CREATE ON DATABASE … TO …), or run the first start "
                    + "as the database's owner")
        default:
            return .postgres(message)
        }
    }

    /// Drops the connection after a failure, so that the next call connects again. Its close is
    /// not awaited: on a connection whose query hangs, postgres-nio closes only once the query ends.
    public func reset() async {
        generation += 1
        guard let c = connection else { return }
        connection = nil
        Task { try? await c.close() }
    }

    /// Creates the schema if it does not exist; otherwise checks that this exporter made it, with the
    /// same free-text setting. Returns the checkpoint to resume from.
    public func prepare() async throws(SyncError) -> Checkpoint {
        let c = try await connected()
        do {
            let exists = try await c.query("SELECT count(*) FROM pg_namespace WHERE nspname = \(schema.name)", logger: logger)
                .collect().first?.decode(Int64.self) ?? 0
            if exists == 0 {
                try await c.withTransaction(logger: logger) { c in
                    for statement in schema.creation(freeText: freeText) {
                        try await c.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                }
                logger.info("created schema \(schema.name) in \(target.summary)")
            }
        } catch let error as SyncError {
            throw error
        } catch {
            throw classify(error, "cannot create schema \(schema.name)")
        }
        try await verifySchema(c)
        return try await checkpoint()
    }

    private func verifySchema(_ c: PostgresConnection) async throws(SyncError) {
        let found: Set<String>
        let marker: (String, Int, Bool)?
        do {
            found = Set(
                try await c.query(
                    """
                    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = \(schema.name) AND c.relkind IN ('r', 'v')
                    """, logger: logger
                ).collect().map { try $0.decode(String.self) })
            if found.contains("sync_state") {
                marker = try await c.query(
                    PostgresQuery(unsafeSQL: "SELECT created_by, format, free_text FROM \(schema.table("sync_state"))"),
                    logger: logger
                ).collect().first.map { try $0.decode((String, Int, Bool).self) }
            } else {
                marker = nil
            }
        } catch {
            throw SyncError.postgres("cannot read schema \(schema.name): \(Self.describe(error))")
        }
        guard let marker, marker.0 == Schema.marker else {
            throw SyncError.refused(
                "schema \(schema.name) in \(target.summary) was not created by coachlog-pgsync (it has no sync_state "
                    + "marker), so nothing was written to it; choose another name with --schema, or drop that schema "
                    + "if it is a copy nobody needs")
        }
        guard marker.1 == Schema.format else {
            throw SyncError.refused(
                "schema \(schema.name) has format \(marker.1) and this coachlog-pgsync writes format \(Schema.format); "
                    + "export into a new schema with --schema, then drop the old one")
        }
        guard marker.2 == freeText else {
            throw SyncError.refused(
                "schema \(schema.name) was filled \(marker.2 ? "with" : "without") free text, and this run was started "
                    + "\(freeText ? "with" : "without") --include-text; start as before, or export into a new schema")
        }
        let missing = Schema.objects.filter { !found.contains($0) }
        guard missing.isEmpty else {
            throw SyncError.refused(
                "schema \(schema.name) lacks \(missing.joined(separator: ", ")): it was changed by hand; "
                    + "export into a new schema with --schema")
        }
    }

    /// The checkpoint as committed.
    public func checkpoint() async throws(SyncError) -> Checkpoint {
        let c = try await connected()
        do {
            let row = try await c.query(
                PostgresQuery(
                    unsafeSQL: "SELECT position, event_id, projected_position, daemon_position FROM \(schema.table("sync_state"))"),
                logger: logger
            ).collect().first
            guard let (position, eventId, projected, daemon) = try row?.decode((Int64, String?, Int64, Int64).self) else {
                throw SyncError.refused("schema \(schema.name) has no sync_state row: it was changed by hand")
            }
            return Checkpoint(
                position: UInt64(position), eventId: eventId, projectedPosition: UInt64(projected),
                daemonPosition: UInt64(daemon))
        } catch let error as SyncError {
            throw error
        } catch {
            throw SyncError.postgres("cannot read the checkpoint: \(Self.describe(error))")
        }
    }

    /// Writes the batch and moves the checkpoint, in one transaction that runs only if the
    /// checkpoint is still `batch.previous`.
    public func write(_ batch: Batch) async throws(SyncError) {
        var rows = Schema.events.rows()
        for event in batch.events { event.encode(into: &rows, includeText: freeText) }
        let c = try await connected()
        let schema = schema
        let logger = logger
        do {
            try await c.withTransaction(logger: logger) { c in
                try await c.query(PostgresQuery(unsafeSQL: "SET LOCAL search_path TO \"\(schema.name)\""), logger: logger)
                // A transaction abandoned on a half-open connection may still hold the row below until its
                // server notices: waiting fails well before the write's deadline, and is tried again.
                try await c.query("SET LOCAL lock_timeout = '20s'", logger: logger)
                // Taking the row first makes a second exporter on the same schema wait here, then find
                // the checkpoint moved and stop, instead of interleaving its rows with ours.
                let row = try await c.query("SELECT position, event_id FROM sync_state FOR UPDATE", logger: logger)
                    .collect().first?.decode((Int64, String?).self)
                let current = row?.0
                if batch.last > batch.previous, current == Int64(batch.last), row?.1 == batch.lastEventId {
                    return  // committed before the acknowledgement was lost
                }
                if let current, current < Int64(batch.previous) {
                    // Less than it acknowledged (a failover, a restore): the exporter rewinds on reading it.
                    throw SyncError.postgres("the checkpoint went back to \(current) from \(batch.previous)")
                }
                guard current == Int64(batch.previous) else {
                    throw SyncError.refused(
                        "the checkpoint in schema \(schema.name) is \(current.map(String.init) ?? "missing"), not "
                            + "\(batch.previous) as this exporter left it: another coachlog-pgsync writes to the same schema; "
                            + "run one exporter per schema")
                }
                if !batch.replaced.isEmpty {
                    let positions = batch.replaced.map { Int64($0) }
                    for table in Schema.projectionTables.map(\.name) {
                        try await c.query(
                            PostgresQuery(
                                unsafeSQL:
                                    "DELETE FROM \(table) WHERE salesperson IN (SELECT salesperson FROM events WHERE position = ANY($1))",
                                binds: try Self.binds(positions)), logger: logger)
                    }
                    try await c.query("DELETE FROM events WHERE position = ANY(\(positions))", logger: logger)
                }
                try await Self.insert(rows, into: Schema.events, on: c, logger: logger)
                var projected: Int64? = nil
                if let rewrite = batch.projections {
                    let tables = Schema.projectionTables.map(\.name)
                    if rewrite.everyone {
                        // DELETE, not TRUNCATE: readers (on replicas too) keep their snapshot instead of being cancelled.
                        for table in tables { try await c.query(PostgresQuery(unsafeSQL: "DELETE FROM \(table)"), logger: logger) }
                    } else if !rewrite.names.isEmpty {
                        for table in tables {
                            try await c.query(
                                PostgresQuery(
                                    unsafeSQL: "DELETE FROM \(table) WHERE salesperson = ANY($1)", binds: try Self.binds(rewrite.names)),
                                logger: logger)
                        }
                    }
                    for (rows, table) in zip(rewrite.rows.all, Schema.projectionTables) {
                        try await Self.insert(rows, into: table, on: c, logger: logger)
                    }
                    projected = Int64(rewrite.position)
                }
                try await c.query(
                    """
                    UPDATE sync_state SET position = \(Int64(batch.last)), event_id = coalesce(\(batch.lastEventId), event_id),
                        projected_position = coalesce(\(projected), projected_position),
                        daemon_position = greatest(\(Int64(batch.daemonPosition)), \(Int64(batch.last))), updated_at = now()
                    """, logger: logger)
            }
        } catch let error as SyncError {
            throw error
        } catch let error as PostgresTransactionError {
            if let refusal = error.closureError as? SyncError { throw refusal }
            throw SyncError.postgres("writing events \(batch.previous + 1)…\(batch.last) failed: \(Self.describe(error))")
        } catch {
            throw SyncError.postgres("writing events \(batch.previous + 1)…\(batch.last) failed: \(Self.describe(error))")
        }
    }

    private static func insert(_ rows: TextRows, into table: Schema.Table, on c: PostgresConnection, logger: Logger)
        async throws
    {
        guard !rows.isEmpty else { return }
        var binds = PostgresBindings(capacity: rows.columns.count)
        for column in rows.columns { binds.append(column) }
        try await c.query(PostgresQuery(unsafeSQL: table.insert, binds: binds), logger: logger)
    }

    private static func binds(_ value: some PostgresEncodable & Sendable) throws -> PostgresBindings {
        var binds = PostgresBindings()
        try binds.append(value)
        return binds
    }

    /// PostgreSQL's own message where there is one (`PSQLError` hides it from `description`).
    static func describe(_ error: any Error) -> String {
        if let e = error as? PSQLError {
            if let message = e.serverInfo?[.message] {
                let detail = e.serverInfo?[.detail].map { " (\($0))" } ?? ""
                return message + detail
            }
            if let underlying = e.underlying { return "\(e.code): \(underlying)" }
            return "\(e.code)"
        }
        if let e = error as? PostgresTransactionError {
            if let closure = e.closureError { return describe(closure) }
            if let begin = e.beginError { return describe(begin) }
            if let commit = e.commitError { return describe(commit) }
        }
        return "\(error)"
    }
}

/// The PostgreSQL schema the exporter owns: its tables, views and marker.
///
/// The exporter writes only into a schema it created: `sync_state` marks it
/// (`created_by = 'coachlog-pgsync'`, `format`), and holds the checkpoint that
/// every batch moves in the same transaction as its rows. docs/analytics.md
/// documents each column.
public struct Schema: Sendable, Equatable {
    /// The layout's version; a schema of another format is refused rather than rewritten.
    public static let format = 1
    public static let marker = "coachlog-pgsync"

    /// The schema's name, a plain lowercase identifier.
    public let name: String

    public init(name: String) throws(SyncError) {
        let valid =
            (1...63).contains(name.utf8.count)
            && name.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
            && !(name.utf8.first.map { $0 >= 0x30 && $0 <= 0x39 } ?? true)
        guard valid, !name.hasPrefix("pg_") else {
            throw SyncError.refused(
                "--schema \(name): use a plain lowercase name (a-z, 0-9, _, not starting with a digit or pg_), such as coachlog")
        }
        self.name = name
    }

    /// `"name".table`, quoted.
    public func table(_ table: String) -> String { "\"\(name)\".\(table)" }

    /// A column as rows are inserted into it: its name, its type, and whether it may be NULL.
    public struct Column: Sendable, Equatable {
        public var name: String
        public var type: String
        public var nullable: Bool

        init(_ name: String, _ type: String = "text", nullable: Bool = false) {
            self.name = name
            self.type = type
            self.nullable = nullable
        }
    }

    /// A table the exporter inserts into, with its columns in the order `TextRows` are filled.
    public struct Table: Sendable, Equatable {
        public var name: String
        public var columns: [Column]

        /// One statement inserting every row: the columns arrive as text arrays and are cast here.
        public var insert: String {
            let names = columns.map(\.name).joined(separator: ", ")
            let values = columns.enumerated().map { i, c in
                let value = c.nullable ? "NULLIF(c\(i), '')" : "c\(i)"
                return c.type == "text" ? value : "\(value)::\(c.type)"
            }.joined(separator: ", ")
            let arrays = columns.indices.map { "$\($0 + 1)::text[]" }.joined(separator: ", ")
            let aliases = columns.indices.map { "c\($0)" }.joined(separator: ", ")
            return "INSERT INTO \(name) (\(names)) SELECT \(values) FROM unnest(\(arrays)) AS t(\(aliases))"
        }

        public func rows() -> TextRows { TextRows(columns: columns.count) }
    }

    /// `events`, in the order `ExportedEvent.encode` fills it.
    public static let events = Table(
        name: "events",
        columns: [
            Column("position", "bigint"), Column("event_id"), Column("type"), Column("salesperson"),
            Column("stream_version", "bigint"), Column("recorded_at", "timestamptz"), Column("data", "jsonb"),
            Column("erased", "boolean"),
        ])

    /// The projection tables, each in the order `AnalyticsRows` fills it. All are keyed by
    /// `salesperson` for their rewrite.
    public static let projectionTables: [Table] = [
        Table(
            name: "sessions",
            columns: [
                Column("session_id"), Column("salesperson"), Column("coach"), Column("opened_at", "timestamptz"),
                Column("closed_at", "timestamptz", nullable: true), Column("topics", "text[]"), Column("open", "boolean"),
                Column("position", "bigint"),
            ]),
        Table(
            name: "reviews",
            columns: [
                Column("commitment_id"), Column("salesperson"), Column("kind"), Column("outcome"),
                Column("reviewed_at", "timestamptz"), Column("review_session_id"), Column("session_id"),
                Column("goal_id", nullable: true), Column("made_at", "timestamptz"), Column("due", "date"),
                Column("text_position", "bigint"), Column("note_position", "bigint"),
            ]),
        Table(
            name: "open_commitments",
            columns: [
                Column("commitment_id"), Column("salesperson"), Column("coach"), Column("session_id"), Column("kind"),
                Column("due", "date"), Column("goal_id", nullable: true), Column("made_at", "timestamptz"),
                Column("text_position", "bigint"),
            ]),
        Table(
            name: "cadence",
            columns: [
                Column("salesperson"), Column("coach"), Column("sessions", "integer"), Column("first_session", "date"),
                Column("last_session", "date"), Column("mean_gap_days", "double precision", nullable: true),
            ]),
        Table(
            name: "topic_coverage",
            columns: [Column("salesperson"), Column("topic"), Column("last_covered", "date", nullable: true)]),
    ]

    /// Every statement that creates the schema, in order (run in one transaction).
    public func creation(freeText: Bool) -> [String] {
        [
            "CREATE SCHEMA \"\(name)\"",
            """
            CREATE TABLE \(table("sync_state")) (
                singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
                created_by text NOT NULL,
                format integer NOT NULL,
                free_text boolean NOT NULL,
                position bigint NOT NULL DEFAULT 0,
                event_id text,
                projected_position bigint NOT NULL DEFAULT 0,
                daemon_position bigint NOT NULL DEFAULT 0,
                updated_at timestamptz NOT NULL DEFAULT now())
            """,
            "INSERT INTO \(table("sync_state")) (created_by, format, free_text) VALUES ('\(Self.marker)', \(Self.format), \(freeText))",
            """
            CREATE TABLE \(table("events")) (
                position bigint PRIMARY KEY,
                event_id text NOT NULL,
                type text NOT NULL,
                salesperson text NOT NULL,
                stream_version bigint NOT NULL,
                recorded_at timestamptz NOT NULL,
                data jsonb NOT NULL,
                erased boolean NOT NULL,
                exported_at timestamptz NOT NULL DEFAULT clock_timestamp())
            """,
            // The key alone: each secondary index on `events` halved PostgreSQL's ingest rate in the
            // benchmark. Queries by person go to the projection tables, which are indexed by it.
            """
            CREATE TABLE \(table("sessions")) (
                session_id text PRIMARY KEY,
                salesperson text NOT NULL,
                coach text NOT NULL,
                opened_at timestamptz NOT NULL,
                closed_at timestamptz,
                topics text[] NOT NULL,
                open boolean NOT NULL,
                position bigint NOT NULL)
            """,
            "CREATE INDEX ON \(table("sessions")) (salesperson)",
            """
            CREATE TABLE \(table("reviews")) (
                commitment_id text PRIMARY KEY,
                salesperson text NOT NULL,
                kind text NOT NULL,
                outcome text NOT NULL,
                reviewed_at timestamptz NOT NULL,
                review_session_id text NOT NULL,
                session_id text NOT NULL,
                goal_id text,
                made_at timestamptz NOT NULL,
                due date NOT NULL,
                text_position bigint NOT NULL,
                note_position bigint NOT NULL)
            """,
            "CREATE INDEX ON \(table("reviews")) (salesperson)",
            """
            CREATE TABLE \(table("open_commitments")) (
                commitment_id text PRIMARY KEY,
                salesperson text NOT NULL,
                coach text NOT NULL,
                session_id text NOT NULL,
                kind text NOT NULL,
                due date NOT NULL,
                goal_id text,
                made_at timestamptz NOT NULL,
                text_position bigint NOT NULL)
            """,
            "CREATE INDEX ON \(table("open_commitments")) (salesperson)",
            """
            CREATE TABLE \(table("cadence")) (
                salesperson text PRIMARY KEY,
                coach text NOT NULL,
                sessions integer NOT NULL,
                first_session date NOT NULL,
                last_session date NOT NULL,
                mean_gap_days double precision)
            """,
            """
            CREATE TABLE \(table("topic_coverage")) (
                salesperson text NOT NULL,
                topic text NOT NULL,
                last_covered date,
                PRIMARY KEY (salesperson, topic))
            """,
            // Calendar weeks (Monday to Sunday, UTC) by the time of the review, as a BI tool groups them;
            // the daemon's own `weekly` counts back in whole weeks from `asOf` instead.
            """
            CREATE VIEW \(table("follow_through_weekly")) AS
            SELECT r.salesperson, c.coach, (date_trunc('week', r.reviewed_at AT TIME ZONE 'UTC'))::date AS week, r.kind,
                count(*) AS reviewed,
                count(*) FILTER (WHERE r.outcome = 'kept') AS kept,
                count(*) FILTER (WHERE r.outcome = 'partial') AS partial,
                count(*) FILTER (WHERE r.outcome = 'missed') AS missed,
                (count(*) FILTER (WHERE r.outcome = 'kept'))::double precision / count(*) AS rate,
                (count(*) FILTER (WHERE r.outcome = 'kept') + 0.5 * count(*) FILTER (WHERE r.outcome = 'partial'))::double precision
                    / count(*) AS weighted_rate
            FROM \(table("reviews")) r LEFT JOIN \(table("cadence")) c USING (salesperson)
            GROUP BY 1, 2, 3, 4
            """,
            """
            CREATE VIEW \(table("overdue_commitments")) AS
            SELECT o.*, (now() AT TIME ZONE 'UTC')::date - o.due AS days_overdue
            FROM \(table("open_commitments")) o
            WHERE o.due < (now() AT TIME ZONE 'UTC')::date
            """,
            """
            CREATE VIEW \(table("sync_status")) AS
            SELECT position, projected_position, daemon_position, daemon_position - position AS lag_events, updated_at,
                free_text
            FROM \(table("sync_state"))
            """,
        ]
    }

    /// Every table and view `creation` makes: a schema missing one was changed by someone else.
    public static let objects = [
        "sync_state", "events", "sessions", "reviews", "open_commitments", "cadence", "topic_coverage",
        "follow_through_weekly", "overdue_commitments", "sync_status",
    ]
}

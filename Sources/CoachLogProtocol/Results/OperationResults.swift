/// What `hello` answers: who is serving, and what it accepts.
public struct HelloReply: WireResult {
    public var server: String
    public var version: String
    /// The protocol version (1); additive changes keep it.
    public var `protocol`: Int
    /// The operations this socket serves (a read-only socket lists fewer).
    public var ops: [Operation]
    public var maxLineBytes: Int
    public var readOnly: Bool
    /// The connection's role, e.g. `operator` or `coach Dana Lee` (Protocol.md §11);
    /// `ops` lists only what it may use.
    public var role: String?
    /// The log's head when the connection said hello.
    public var head: LogHead?

    public init(
        server: String, version: String, protocol: Int, ops: [Operation], maxLineBytes: Int, readOnly: Bool, role: String? = nil,
        head: LogHead? = nil
    ) {
        self.role = role
        self.head = head
        self.server = server
        self.version = version
        self.protocol = `protocol`
        self.ops = ops
        self.maxLineBytes = maxLineBytes
        self.readOnly = readOnly
    }
}

/// What an acknowledged `append` produced: it is durable when this is sent.
public struct AppendReply: WireResult {
    /// The positions of the request's events, in request order.
    public var positions: [UInt64]
    /// The stream's version after the append (for a replay: the largest of the replayed events' versions).
    public var streamVersion: UInt64
    /// True when every event had been stored before (an idempotent retry): nothing new was written.
    public var replayed: Bool

    public init(positions: [UInt64], streamVersion: UInt64, replayed: Bool) {
        self.positions = positions
        self.streamVersion = streamVersion
        self.replayed = replayed
    }
}

/// One page of the log: events after the request's `after`, and where to continue.
public struct ReadReply: WireResult {
    public var events: [EventEnvelope]
    /// The `after` to send for the next page (the last position returned, or `after` itself when none).
    public var next: UInt64

    public init(events: [EventEnvelope], next: UInt64) {
        self.events = events
        self.next = next
    }
}

/// The ok reply to `subscribe`; event lines follow it.
public struct SubscribeReply: WireResult {
    public var subscribed = true
    public init() {}
}

/// A backup written: a consistent copy of the store through `position`.
public struct BackupReply: WireResult {
    public var path: String
    public var bytes: Int
    public var position: UInt64
    public var seconds: Double
    /// The head signed just before the copy was taken, which the copy holds:
    /// `coachlogd restore` checks the copy against it.
    public var signedHead: CheckpointReply?

    public init(path: String, bytes: Int, position: UInt64, seconds: Double, signedHead: CheckpointReply? = nil) {
        self.signedHead = signedHead
        self.path = path
        self.bytes = bytes
        self.position = position
        self.seconds = seconds
    }
}

/// A salesperson forgotten: their data key is destroyed, durably. From now
/// on every reply names them `pseudonym` and shows their free text as null.
public struct ForgetReply: WireResult {
    /// Nil when the name is not (or no longer) on record: names are not kept.
    public var pseudonym: String?
    /// The pseudonyms of the names merged into the salesperson, forgotten with them.
    public var aliases: [String]
    /// The position of the (first) `SalespersonForgotten` event; nil when nothing was written.
    public var position: UInt64?
    /// False when nothing was left to forget (forgotten before, or never recorded).
    public var forgotten: Bool

    public init(pseudonym: String?, aliases: [String] = [], position: UInt64?, forgotten: Bool) {
        self.pseudonym = pseudonym
        self.aliases = aliases
        self.position = position
        self.forgotten = forgotten
    }
}

/// The daemon's figures at one moment.
public struct StatsReply: WireResult {
    public var server: String
    public var version: String
    /// The last position written (0 for an empty store).
    public var position: UInt64
    /// The position the projections include (queries answer as of it); at most `position`.
    public var projectedPosition: UInt64
    public var events: Int
    public var salespeople: Int
    public var connections: Int
    public var subscribers: Int
    public var uptimeSeconds: Double
    public var startedAt: Timestamp
    /// Size of the data file on disk.
    public var storeBytes: Int
    /// Bytes of the map in use (pages written).
    public var usedBytes: Int
    /// The map's current size: address space reserved, 64 GiB at first, grown when full.
    public var mapBytes: Int
    public var dataFolder: String
    /// Requests refused with `forbidden` since the daemon started.
    public var refusals: Int
    /// The log's head: `position` and its chain hash.
    public var head: LogHead?

    public init(
        server: String, version: String, position: UInt64, projectedPosition: UInt64, events: Int, salespeople: Int,
        connections: Int,
        subscribers: Int, uptimeSeconds: Double, startedAt: Timestamp, storeBytes: Int, usedBytes: Int,
        mapBytes: Int, dataFolder: String, refusals: Int = 0, head: LogHead? = nil
    ) {
        self.head = head
        self.refusals = refusals
        self.server = server
        self.version = version
        self.position = position
        self.projectedPosition = projectedPosition
        self.events = events
        self.salespeople = salespeople
        self.connections = connections
        self.subscribers = subscribers
        self.uptimeSeconds = uptimeSeconds
        self.startedAt = startedAt
        self.storeBytes = storeBytes
        self.usedBytes = usedBytes
        self.mapBytes = mapBytes
        self.dataFolder = dataFolder
    }
}

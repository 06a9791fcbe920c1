import Foundation
import Logging
import NIOPosix
import ServiceLifecycle

/// `coachlog-pgsync`'s long-running service: follows coachlogd's log and
/// writes it into PostgreSQL, exactly once.
///
/// Every batch of events and the checkpoint it moves are one PostgreSQL
/// transaction, so after any stop (of this process, the daemon or PostgreSQL)
/// the copy resumes from the checkpoint with no gap and no duplicate. Passing
/// faults are retried with back-off; a state it must not write into stops it
/// with `SyncError.refused`. Reading the next batch overlaps writing the last.
public final class Exporter: Service {
    public struct Settings: Sendable {
        public var socketPath: String
        public var target: PostgresTarget
        public var schema: Schema
        /// Export free text (`text`, `note`, `reason`, `area`) as the daemon shows it to this role.
        public var includeText: Bool
        public var maxEvents: Int
        /// The longest wait between two attempts after a fault.
        public var maxBackoff: Duration

        public init(
            socketPath: String, target: PostgresTarget, schema: Schema, includeText: Bool = false, maxEvents: Int = 10_000,
            maxBackoff: Duration = .seconds(5)
        ) {
            self.socketPath = socketPath
            self.target = target
            self.schema = schema
            self.includeText = includeText
            self.maxEvents = maxEvents
            self.maxBackoff = maxBackoff
        }
    }

    let settings: Settings
    let logger: Logger

    public init(settings: Settings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    public func run() async throws {
        let sink = PostgresSink(
            target: settings.target, schema: settings.schema, freeText: settings.includeText, logger: logger)
        do {
            try await run(with: sink)
        } catch {
            await sink.reset()
            throw error
        }
        await sink.reset()
    }

    private func run(with sink: PostgresSink) async throws {
        let threads = NIOThreadPool(numberOfThreads: 1)
        threads.start()
        defer { threads.shutdownGracefully { _ in } }
        let socketPath = settings.socketPath
        var checkpoint: Checkpoint
        do {
            try await retrying("asking coachlogd") {
                try await threads.runIfActive { try LogFollower.preflight(socketPath: socketPath) }
            }
            checkpoint = try await retrying("preparing schema \(settings.schema.name)") { try await sink.prepare() }
        } catch is Stopping {
            logger.info("stopped before the copy started")
            return
        }
        var followerSettings = LogFollower.Settings(socketPath: settings.socketPath)
        followerSettings.maxEvents = settings.maxEvents
        while true {
            logger.info(
                "resuming after event \(checkpoint.position) (projections at \(checkpoint.projectedPosition)); following \(settings.socketPath) into \(settings.target.summary), schema \(settings.schema.name)\(settings.includeText ? ", with free text" : ", without free text")"
            )
            let follower = LogFollower(settings: followerSettings, checkpoint: checkpoint)
            let progress = Progress(logger: logger, start: checkpoint.position)
            let outcome = try await withTaskCancellationOrGracefulShutdownHandler {
                try await self.pump(follower, threads: threads, sink: sink, progress: progress)
            } onCancelOrGracefulShutdown: {
                follower.cancel()
            }
            switch outcome {
            case .stopped:
                logger.info("stopped; PostgreSQL holds events up to \(progress.committed)")
                return
            case .rewound(let older):
                logger.warning(
                    "PostgreSQL's checkpoint went back from \(follower.position) to \(older.position) (a failover lost its last transactions, or the database was restored); exporting again from \(older.position)"
                )
                checkpoint = older
            }
        }
    }

    enum Outcome {
        case stopped
        /// PostgreSQL holds less than it acknowledged: follow again from its checkpoint.
        case rewound(Checkpoint)
    }

    /// Reads batches and writes them, reading the next while the last is written.
    private func pump(_ follower: LogFollower, threads: NIOThreadPool, sink: PostgresSink, progress: Progress) async throws
        -> Outcome
    {
        var next = Task { try await self.read(follower, on: threads) }
        defer { next.cancel() }
        while true {
            let batch: Batch
            do {
                batch = try await next.value
            } catch let error as SyncError where !error.isPassing {
                throw error
            } catch {
                return .stopped  // `read` retries every passing fault itself
            }
            next = Task { try await self.read(follower, on: threads) }
            switch try await write(batch, to: sink) {
            case .committed:
                progress.written(batch)
            case .stopping:
                return .stopped
            case .rewound(let older):
                follower.cancel()
                next.cancel()
                _ = try? await next.value
                return .rewound(older)
            }
        }
    }

    /// The next batch, waiting out daemon faults. Throws only when stopping or refused.
    private func read(_ follower: LogFollower, on threads: NIOThreadPool) async throws -> Batch {
        var delay = Duration.milliseconds(100)
        while true {
            do {
                return try await threads.runIfActive { try follower.nextBatch() }
            } catch let error as SyncError where error.isPassing {
                if Task.isCancelled || Task.isShuttingDownGracefully || follower.isCancelled { throw error }
                logger.warning("\(error); trying again in \(delay) from event \(follower.position)")
                guard await Self.pause(delay) else { throw error }
                delay = min(delay * 2, settings.maxBackoff)
            }
        }
    }

    /// Writes the batch, waiting out PostgreSQL faults; a batch whose commit was acknowledged
    /// before the connection broke is recognised by the checkpoint, and not written twice.
    /// `.rewound` when PostgreSQL holds less than it had acknowledged; `.stopping` on shutdown (the
    /// batch is not written, and comes again at the next start).
    private func write(_ batch: Batch, to sink: PostgresSink) async throws -> WriteOutcome {
        var delay = Duration.milliseconds(100)
        while true {
            // A write that neither finishes nor fails (after a PostgreSQL kill, now and then) is abandoned
            // after a while, not awaited: closing its connection would wait for the query, which waits
            // for ever. The batch is then tried again on a new connection.
            let outcome = await Deadline.result(after: Self.writeDeadline) { try await sink.write(batch) }
            switch outcome {
            case .success: return .committed
            case .failure(let error) where !error.isPassing: throw error
            case .failure(let error):
                logger.warning(
                    "\(error); events \(batch.previous + 1)…\(batch.last) wait (the daemon is at \(batch.daemonPosition)); trying again in \(delay)"
                )
                await sink.reset()
                guard await Self.pause(delay) else { return .stopping }
                delay = min(delay * 2, settings.maxBackoff)
                guard let checkpoint = try? await sink.checkpoint() else { continue }
                if Self.isCommitted(batch, at: checkpoint) {
                    logger.info("events up to \(batch.last) were committed before the connection broke")
                    return .committed
                }
                if checkpoint.position < batch.previous { return .rewound(checkpoint) }
                guard checkpoint.position == batch.previous else {
                    throw SyncError.refused(
                        "the checkpoint moved to \(checkpoint.position) while this exporter held \(batch.previous): another "
                            + "coachlog-pgsync writes to schema \(settings.schema.name); run one exporter per schema")
                }
            }
        }
    }

    /// How long one attempt to write a batch may take before it is abandoned.
    static let writeDeadline = Duration.seconds(60)

    enum WriteOutcome {
        case committed
        case rewound(Checkpoint)
        case stopping
    }

    /// Waits `delay`, in steps, so that a graceful shutdown is not held up; false when stopping.
    static func pause(_ delay: Duration) async -> Bool {
        var left = delay
        while left > .zero {
            if Task.isCancelled || Task.isShuttingDownGracefully { return false }
            let step = min(left, .milliseconds(100))
            try? await Task.sleep(for: step)
            left -= step
        }
        return !(Task.isCancelled || Task.isShuttingDownGracefully)
    }

    /// Whether `checkpoint` shows the batch's transaction as committed.
    static func isCommitted(_ batch: Batch, at checkpoint: Checkpoint) -> Bool {
        if batch.last > batch.previous { return checkpoint.position == batch.last }
        // A batch of projection rows alone moves only the projected position.
        guard let rewrite = batch.projections else { return true }
        return checkpoint.position == batch.last && checkpoint.projectedPosition == rewrite.position
    }

    /// A shutdown while waiting for the daemon or PostgreSQL before the copy started.
    struct Stopping: Error {}

    private func retrying<T: Sendable>(_ what: String, _ body: () async throws -> T) async throws -> T {
        var delay = Duration.milliseconds(100)
        while true {
            do {
                return try await body()
            } catch let error as SyncError where error.isPassing {
                logger.warning("\(what): \(error); trying again in \(delay)")
                guard await Self.pause(delay) else { throw Stopping() }
                delay = min(delay * 2, settings.maxBackoff)
            }
        }
    }
}

/// Logs how far the copy is, at most every 10 seconds and when it catches up.
final class Progress: @unchecked Sendable {
    let logger: Logger
    private var lastLog = ContinuousClock.now
    private var since: UInt64
    private var caughtUp = false
    /// The last event committed to PostgreSQL.
    private(set) var committed: UInt64

    init(logger: Logger, start: UInt64) {
        self.logger = logger
        since = start
        committed = start
    }

    func written(_ batch: Batch) {
        committed = batch.last
        let now = ContinuousClock.now
        let isCaughtUp = batch.last >= batch.daemonPosition
        guard now - lastLog >= .seconds(10) || (isCaughtUp && !caughtUp) else { return }
        let seconds = Double((now - lastLog).components.seconds) + Double((now - lastLog).components.attoseconds) / 1e18
        let rate = seconds > 0 ? Double(batch.last - since) / seconds : 0
        logger.info(
            "exported up to event \(batch.last) of \(batch.daemonPosition) (lag \(batch.daemonPosition - min(batch.last, batch.daemonPosition)) events, \(Int(rate)) events/s)"
        )
        lastLog = now
        since = batch.last
        caughtUp = isCaughtUp
    }
}

/// Runs work that may never finish (a query on a connection whose server
/// vanished without closing it) with a deadline.
enum Deadline {
    /// The result of `body`, or a passing `.postgres` error once `deadline`
    /// has passed: `body` is then cancelled and left behind, never awaited, so
    /// that a hung query cannot hold up the caller.
    static func result(
        after deadline: Duration, _ body: @escaping @Sendable () async throws -> Void
    ) async -> Result<Void, SyncError> {
        let race = Race()
        return await withCheckedContinuation { continuation in
            race.start(continuation)
            let work = Task {
                do {
                    try await body()
                    race.finish(.success(()))
                } catch let error as SyncError {
                    race.finish(.failure(error))
                } catch {
                    race.finish(.failure(.postgres("\(error)")))
                }
            }
            let timer = Task {
                try? await Task.sleep(for: deadline)
                if race.finish(.failure(.postgres("PostgreSQL did not answer within \(deadline); abandoning that connection"))) {
                    work.cancel()
                }
            }
            race.onFinish { timer.cancel() }
        }
    }

    /// Resumes the continuation with whichever result comes first.
    private final class Race: @unchecked Sendable {
        // @unchecked: every field is touched under `lock`.
        private let lock = NSLock()
        private var continuation: CheckedContinuation<Result<Void, SyncError>, Never>?
        private var finished = false
        private var cleanup: (@Sendable () -> Void)?

        func start(_ continuation: CheckedContinuation<Result<Void, SyncError>, Never>) {
            lock.withLock { self.continuation = continuation }
        }

        /// Runs `body` once the race is decided (at once if it is).
        func onFinish(_ body: @escaping @Sendable () -> Void) {
            let now = lock.withLock { () -> Bool in
                if finished { return true }
                cleanup = body
                return false
            }
            if now { body() }
        }

        /// True for the first result, which resumes the caller; later ones are dropped.
        @discardableResult
        func finish(_ result: Result<Void, SyncError>) -> Bool {
            let (won, continuation, cleanup) = lock.withLock { () -> (Bool, CheckedContinuation<Result<Void, SyncError>, Never>?, (@Sendable () -> Void)?) in
                guard !finished else { return (false, nil, nil) }
                finished = true
                defer {
                    self.continuation = nil
                    self.cleanup = nil
                }
                return (true, self.continuation, self.cleanup)
            }
            guard won else { return false }
            continuation?.resume(returning: result)
            cleanup?()
            return true
        }
    }
}

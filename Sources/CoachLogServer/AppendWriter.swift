import CoachLogProtocol
import CoachingDomain
import EventStore
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// The single writer: every append from every connection is queued here, and
/// one thread commits whatever is queued in ONE LMDB transaction with one
/// sync (group commit), then completes each caller's promise. A promise is
/// only completed after the commit returned, i.e. after the data is durable.
/// Between commits the same thread flushes the tables the store writes
/// behind its log (see `EventStore.flush`).
final class AppendWriter: @unchecked Sendable {
    // @unchecked: `queue` and `stopping` are only touched under `condition`'s lock;
    // the thread handle is set once before the thread starts.
    private struct Pending {
        var append: PreparedAppend
        var promise: EventLoopPromise<AppendResult>
    }

    private let store: EventStore
    private let hub: SubscriptionHub
    private let logger: Logger
    private let condition = NSCondition()
    private var queue: [Pending] = []
    private var stopping = false
    private var thread: Thread?
    private let finished = NSCondition()
    private var isFinished = false
    static let maximumBatch = 2048

    init(store: EventStore, hub: SubscriptionHub, logger: Logger) {
        self.store = store
        self.hub = hub
        self.logger = logger
    }

    func start() {
        let thread = Thread { [self] in self.run() }
        thread.name = "coachlogd-writer"
        self.thread = thread
        thread.start()
    }

    /// Queues an append; the promise completes once it is durable (or refused).
    func submit(_ append: PreparedAppend, promise: EventLoopPromise<AppendResult>) {
        condition.lock()
        if stopping {
            condition.unlock()
            promise.fail(StoreError(.unavailable, "coachlogd is shutting down; retry once it is back"))
            return
        }
        queue.append(Pending(append: append, promise: promise))
        condition.signal()
        condition.unlock()
    }

    /// Commits what is queued, then stops the thread. Blocks until done.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
        finished.lock()
        while !isFinished && thread != nil { finished.wait() }
        finished.unlock()
    }

    /// How the tables behind the log are kept up: after this many events, or
    /// this long under load, or as soon as appends pause. What is not yet
    /// flushed is folded again from the log by the next open, so these bound
    /// that work (and a flush's pause), not what a crash can lose.
    static let flushEvents = 50_000
    static let flushInterval: Duration = .seconds(1)
    static let idleFlushDelay: TimeInterval = 0.02

    private func run() {
        var lastFlush = ContinuousClock.now
        var unflushed = false
        while true {
            condition.lock()
            var idle = false
            while queue.isEmpty && !stopping {
                guard unflushed else {
                    condition.wait()
                    continue
                }
                if !condition.wait(until: Date().addingTimeInterval(Self.idleFlushDelay)) && queue.isEmpty {
                    idle = true
                    break
                }
            }
            if queue.isEmpty && stopping {
                condition.unlock()
                break
            }
            if idle {
                condition.unlock()
                flush()
                unflushed = false
                lastFlush = .now
                continue
            }
            let take = min(queue.count, Self.maximumBatch)
            let batch = Array(queue.prefix(take))
            queue.removeFirst(take)
            condition.unlock()
            commit(batch)
            unflushed = true
            if store.unflushedEvents >= Self.flushEvents || lastFlush.duration(to: .now) >= Self.flushInterval {
                flush()
                unflushed = false
                lastFlush = .now
            }
        }
        flush()
        finished.lock()
        isFinished = true
        finished.broadcast()
        finished.unlock()
    }

    private func flush() {
        do {
            try store.flush()
        } catch {
            // Nothing acknowledged is at risk (it is in the synced log); the next flush retries.
            logger.error("writing the read model behind the log failed: \(error); it is retried with the next flush")
        }
    }

    private func commit(_ batch: [Pending]) {
        let now = Timestamp.now
        do {
            // Published under the store's writer lock: subscribers see commits and forgets in log order.
            let results = try store.commit(batch.map(\.append), now: now) { stored in hub.publish(stored) }
            for (pending, result) in zip(batch, results) {
                switch result {
                case .success(let r): pending.promise.succeed(r)
                case .failure(let e): pending.promise.fail(e)
                }
            }
        } catch {
            let storeError = error as? StoreError ?? StoreError(.storage, "\(error)")
            logger.error("group commit of \(batch.count) appends failed: \(storeError.message)")
            for pending in batch { pending.promise.fail(storeError) }
        }
    }
}

extension Timestamp {
    /// The wall clock, read here in the shell: the domain only ever gets it passed in.
    static var now: Timestamp {
        Timestamp(milliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }
}

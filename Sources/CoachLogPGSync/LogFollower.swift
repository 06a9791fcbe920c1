import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import Foundation
import NIOConcurrencyHelpers

/// Follows coachlogd's log and turns it into batches for PostgreSQL.
///
/// It subscribes from the start of the log and folds every event into an
/// in-memory read model (the domain's own fold), so that the projection rows
/// it writes are the daemon's rules applied to the same events. Events up to
/// the checkpoint are folded only; later ones are also handed out in batches.
/// After a broken connection it subscribes again after the last event it
/// folded, having checked that the daemon's log still holds that event.
///
/// Blocking, and not thread-safe: one thread at a time calls `nextBatch`
/// (the exporter runs it on a thread pool, one call after another).
final class LogFollower: @unchecked Sendable {
    struct Settings: Sendable {
        var socketPath: String
        var includeText: Bool
        var maxEvents = 10_000
        /// While catching up, the projection tables are rewritten at most this often (a rewrite per
        /// batch would cost more than the batch); once caught up, with every batch.
        var projectionInterval: Duration = .seconds(60)
    }

    let settings: Settings
    private var events: Connection?
    private var stream: EventStream?
    private var control: Connection?
    private var model = IndexedReadModel()
    /// The model holds every event up to here.
    private var folded: UInt64 = 0
    private var foldedEventId: String?
    /// Events up to here were handed out (at start: the checkpoint in PostgreSQL).
    private var handed: UInt64
    private var handedEventId: String?
    /// Names whose projection rows are stale, or all of them.
    private var dirty: Set<String> = []
    private var everyoneDirty: Bool
    private var lastProjection = ContinuousClock.now
    private var daemonPosition: UInt64 = 0
    private var lastStats = ContinuousClock.now
    /// Set by `cancel()`: the next read returns at once.
    private let cancelled = LockedFlag()
    /// The subscription's connection, for `cancel()` on another thread.
    private let subscribed = NIOLockedValueBox<Connection?>(nil)

    init(settings: Settings, checkpoint: Checkpoint) {
        self.settings = settings
        handed = checkpoint.position
        handedEventId = checkpoint.eventId
        everyoneDirty = checkpoint.projectedPosition != checkpoint.position || checkpoint.position == 0
    }

    /// The last position handed out.
    var position: UInt64 { handed }

    /// Unblocks a waiting `nextBatch` from another thread; it then throws.
    func cancel() {
        cancelled.set()
        subscribed.withLockedValue { $0?.cancel() }
    }

    /// Drops the daemon connections after a failure; the next batch connects again.
    func disconnect() {
        events?.cancel()
        events = nil
        subscribed.withLockedValue { $0 = nil }
        stream = nil
        control = nil
    }

    /// The next batch: at least one new event or a projection rewrite. Blocks until there is one.
    func nextBatch() throws(SyncError) -> Batch {
        while true {
            if cancelled.isSet { throw SyncError.daemon("stopping") }
            let stream = try connectedStream()
            var batch = Batch(previous: handed, daemonPosition: daemonPosition)
            var pending: [ExportedEvent] = []
            var forgotten: ExportedEvent?
            var drained = false
            while pending.count < settings.maxEvents {
                // Block for the first event only (or while still replaying up to the checkpoint).
                if !pending.isEmpty || (folded >= handed && (!dirty.isEmpty || everyoneDirty) && folded > 0) {
                    guard events?.hasInput() ?? false else {
                        drained = true
                        break
                    }
                }
                let envelope: JSONValue?
                do {
                    envelope = try stream.nextEvent()
                } catch {
                    disconnect()
                    throw SyncError.daemon("the subscription ended: \(error)")
                }
                guard let envelope else {
                    disconnect()
                    if cancelled.isSet { throw SyncError.daemon("stopping") }
                    throw SyncError.daemon("coachlogd closed the connection")
                }
                let event = try ExportedEvent(envelope: envelope)
                try fold(event)
                if event.position <= handed { continue }
                pending.append(event)
                if event.type == EventType.salespersonForgotten.rawValue {
                    forgotten = event
                    break
                }
            }
            if let forgotten { try rewriteForgotten(forgotten, pending: &pending, into: &batch) }
            for event in pending { event.encode(into: &batch.events, includeText: settings.includeText) }
            if let last = pending.last {
                batch.last = last.position
                batch.lastEventId = last.eventId
                handed = last.position
                handedEventId = last.eventId
            }
            refreshDaemonPosition(atLeast: batch.last)
            batch.daemonPosition = daemonPosition
            if forgotten != nil {
                // Names changed behind the model: fold everything again (under the pseudonyms the daemon
                // shows now), then rewrite every person's rows.
                restartFromScratch()
            } else if !dirty.isEmpty || everyoneDirty,
                drained || ContinuousClock.now - lastProjection >= settings.projectionInterval
            {
                batch.projections = try projectionRewrite()
            }
            if !pending.isEmpty || batch.projections != nil || !batch.replaced.isEmpty { return batch }
        }
    }

    // MARK: Folding

    private func fold(_ event: ExportedEvent) throws(SyncError) {
        if event.position <= folded { return }
        guard event.position == folded + 1 else {
            throw SyncError.refused(
                "coachlogd sent event \(event.position) after \(folded): its log has a gap, which Protocol.md rules out; "
                    + "check the daemon with coachlogd verify, then start coachlog-pgsync again")
        }
        if event.position == handed, let expected = handedEventId, expected != event.eventId {
            throw SyncError.refused(
                "the daemon's event \(handed) has eventId \(event.eventId), but PostgreSQL holds \(expected) there: "
                    + "the daemon's log is not the one this schema copies (restored from another backup, or another "
                    + "daemon); nothing was written; export it into a new schema with --schema")
        }
        let (typed, recordedAt) = try event.decoded()
        do {
            try CoachingRules.apply(typed, position: event.position, recordedAt: recordedAt, to: &model)
            _ = model.takeChanges()
        } catch {
            throw SyncError.daemon("event \(event.position) cannot be folded: \(error)")
        }
        folded = event.position
        foldedEventId = event.eventId
        guard !everyoneDirty else { return }
        do {
            dirty.insert(try Projections.analyticsOwner(of: event.salesperson, model: model))
            dirty.insert(event.salesperson)
        } catch {
            everyoneDirty = true
        }
    }

    private func projectionRewrite() throws(SyncError) -> ProjectionRewrite {
        var rows = AnalyticsRows()
        let everyone = everyoneDirty
        do {
            let names = everyone ? try Projections.analyticsPeople(model: model) : dirty.sorted()
            for name in names {
                if let person = try Projections.analytics(of: name, model: model) { rows.add(person) }
            }
            let rewrite = ProjectionRewrite(everyone: everyone, names: everyone ? [] : names, rows: rows, position: folded)
            dirty = []
            everyoneDirty = false
            lastProjection = .now
            return rewrite
        } catch {
            throw SyncError.daemon("the projections cannot be computed at \(folded): \(error)")
        }
    }

    // MARK: Forgetting

    /// A `SalespersonForgotten` event: every earlier event of that person now reads with the
    /// pseudonym and without text. The rows already written are replaced, and those in this batch
    /// taken as the daemon shows them now.
    private func rewriteForgotten(
        _ event: ExportedEvent, pending: inout [ExportedEvent], into batch: inout Batch
    ) throws(SyncError) {
        var now: [UInt64: ExportedEvent] = [:]
        var after: UInt64 = 0
        do {
            let control = try controlConnection()
            while true {
                let page = try control.request(
                    .read, ["after": .integer(Int64(after)), "limit": .integer(10_000), "salesperson": .string(event.salesperson)])
                guard let events = page["events"]?.arrayValue, let next = page["next"]?.integerValue else {
                    throw SyncError.daemon("coachlogd answered read without events or next")
                }
                for envelope in events {
                    let e = try ExportedEvent(envelope: envelope)
                    if e.position <= event.position { now[e.position] = e }
                }
                if events.count < 10_000 || UInt64(next) >= event.position { break }
                after = UInt64(next)
            }
        } catch let error as SyncError {
            throw error
        } catch {
            control = nil
            throw SyncError.daemon("reading the forgotten person's events failed: \(error)")
        }
        batch.replaced = now.keys.filter { $0 <= batch.previous }.sorted()
        for i in pending.indices { if let e = now[pending[i].position] { pending[i] = e } }
        let rewritten = batch.replaced.compactMap { now[$0] }
        pending.insert(contentsOf: rewritten, at: 0)
    }

    private func restartFromScratch() {
        disconnect()
        model = IndexedReadModel()
        folded = 0
        foldedEventId = nil
        dirty = []
        everyoneDirty = true
    }

    // MARK: Connections

    private func connectedStream() throws(SyncError) -> EventStream {
        if let stream { return stream }
        do {
            let control = try controlConnection()
            let stats = try control.stats()
            daemonPosition = stats.position
            guard stats.position >= handed else {
                throw SyncError.refused(
                    "the daemon's log ends at position \(stats.position), but PostgreSQL already holds events up to "
                        + "\(handed): the daemon was restored from an older backup, or is another daemon; nothing was "
                        + "written; export into a new schema with --schema (or drop this one)")
            }
            if folded > 0, let expected = foldedEventId {
                // Resuming with a model: the event it ends with must still be the daemon's.
                let page = try control.read(after: folded - 1, limit: 1)
                guard page.events.first?.eventId == expected else {
                    throw SyncError.refused(
                        "the daemon's event \(folded) is no longer \(expected): its log was replaced while coachlog-pgsync "
                            + "was disconnected; nothing more was written; export into a new schema with --schema")
                }
            }
            let connection = try Connection(path: settings.socketPath)
            let stream = try connection.subscribe(after: folded)
            events = connection
            self.stream = stream
            subscribed.withLockedValue { $0 = connection }
            if cancelled.isSet { connection.cancel() }
            return stream
        } catch let error as SyncError {
            throw error
        } catch ClientError.refused(let error) where error.code == .forbidden {
            throw Self.refusal(error)
        } catch {
            control = nil
            throw SyncError.daemon("cannot follow the log at \(settings.socketPath): \(error)")
        }
    }

    /// Checks that the daemon answers and lets this user follow the log (the dashboard role or the
    /// operator's), before anything is created in PostgreSQL.
    static func preflight(socketPath: String) throws(SyncError) {
        do {
            let c = try Connection(path: socketPath)
            c.setReceiveTimeout(seconds: 30)
            _ = try c.stats()
        } catch ClientError.refused(let error) where error.code == .forbidden {
            throw refusal(error)
        } catch {
            throw SyncError.daemon("cannot reach the log at \(socketPath): \(error)")
        }
    }

    static func refusal(_ error: ProtocolError) -> SyncError {
        SyncError.refused(
            "coachlogd refused this exporter: \(error.message) — it needs the dashboard role (no free text) or "
                + "the operator's; see README, \"Analytics in PostgreSQL\"")
    }

    private func controlConnection() throws -> Connection {
        if let control { return control }
        let c = try Connection(path: settings.socketPath)
        c.setReceiveTimeout(seconds: 60)
        control = c
        return c
    }

    /// Asks the daemon for its last position about once a second, to report the lag.
    private func refreshDaemonPosition(atLeast position: UInt64) {
        daemonPosition = max(daemonPosition, position)
        guard ContinuousClock.now - lastStats >= .seconds(1) else { return }
        lastStats = .now
        if let stats = try? controlConnection().stats() {
            daemonPosition = max(stats.position, position)
        } else {
            control = nil
        }
    }
}

/// A flag set once, read from any thread.
final class LockedFlag: Sendable {
    private let value = NIOLockedValueBox(false)
    func set() { value.withLockedValue { $0 = true } }
    var isSet: Bool { value.withLockedValue { $0 } }
}

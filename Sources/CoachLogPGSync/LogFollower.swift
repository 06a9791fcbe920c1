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
    /// Events folded and not yet handed out, for the next batch.
    private var carried: [ExportedEvent] = []
    /// Projection rows in PostgreSQL include events up to here: replayed events before it dirty nobody.
    private let projectedAtStart: UInt64
    /// The name the last event marked dirty (cleared with `dirty`).
    private var lastDirty: String?
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
        projectedAtStart = checkpoint.projectedPosition
    }

    /// The last position handed out.
    var position: UInt64 { handed }

    /// Whether `cancel()` was called.
    var isCancelled: Bool { cancelled.isSet }

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
            // Events folded but not handed out (a batch cut short by an error) go first: the
            // subscription resumes after the last event folded, so they would not come again.
            var pending = carried
            carried = []
            var ended: SyncError?
            var drained = false
            if pending.last?.isForgetting != true {
                do {
                    drained = try read(into: &pending)
                } catch {
                    // Whatever was read is still handed out, in this batch; the next one reconnects.
                    disconnect()
                    if pending.isEmpty || !error.isPassing { throw error }
                    ended = error
                }
            }
            let result: Batch?
            do {
                result = try batch(of: &pending, drained: drained && ended == nil)
            } catch {
                carried = pending
                disconnect()
                throw error
            }
            if let result { return result }
            if let ended { throw ended }
        }
    }

    /// Reads events into `pending` until a batch is full, the input is drained (true), or a
    /// forget ends it. Blocks for the first new event (and through the replay up to the checkpoint).
    private func read(into pending: inout [ExportedEvent]) throws(SyncError) -> Bool {
        let stream = try connectedStream()
        while pending.count < settings.maxEvents {
            let forgetting = pending.last?.isForgetting == true
            if !pending.isEmpty || (folded >= handed && (!dirty.isEmpty || everyoneDirty) && folded > 0) {
                // A forget's events (the person's, then the names merged into them) come in one
                // commit: wait a moment for the rest of it.
                guard events?.hasInput(waitingMilliseconds: forgetting ? 200 : pending.isEmpty ? 50 : 0) ?? false else {
                    return true
                }
            }
            let envelope: JSONValue?
            do {
                envelope = try stream.nextEvent()
            } catch {
                throw SyncError.daemon("the subscription ended: \(error)")
            }
            guard let envelope else {
                throw SyncError.daemon(cancelled.isSet ? "stopping" : "coachlogd closed the connection")
            }
            let event = try ExportedEvent(envelope: envelope)
            try fold(event)
            if event.position <= handed { continue }
            if forgetting, !(event.isForgetting && event.recordedAt == pending.last?.recordedAt) {
                carried = [event]
                return false
            }
            pending.append(event)
        }
        return false
    }

    /// Turns `pending` into a batch and hands it out; nil when there is nothing to write.
    private func batch(of pending: inout [ExportedEvent], drained: Bool) throws(SyncError) -> Batch? {
        var batch = Batch(previous: handed, daemonPosition: daemonPosition)
        batch.lastEventId = handedEventId
        for (offset, event) in pending.enumerated() where event.position != handed + 1 + UInt64(offset) {
            throw SyncError.refused(
                "coachlogd sent event \(event.position) where \(handed + 1 + UInt64(offset)) was due: its log has a gap, "
                    + "which Protocol.md rules out; nothing was written; check the daemon with coachlogd verify")
        }
        let forgetting = pending.contains { $0.isForgetting }
        var rows = pending
        let pseudonyms = forgetting ? try rewriteForgotten(in: &rows, into: &batch) : []
        refreshDaemonPosition(atLeast: pending.last?.position ?? handed)
        batch.daemonPosition = daemonPosition
        // Caught up: nothing more to read now, and the daemon's last position (as last asked) reached.
        let caughtUp = drained && (pending.last?.position ?? handed) >= daemonPosition
        if !forgetting, !dirty.isEmpty || everyoneDirty,
            caughtUp || ContinuousClock.now - lastProjection >= settings.projectionInterval
        {
            batch.projections = try projectionRewrite()
        }
        guard !pending.isEmpty || batch.projections != nil else { return nil }
        batch.events = rows
        if let last = pending.last {
            batch.last = last.position
            batch.lastEventId = last.eventId
            handed = last.position
            handedEventId = last.eventId
        }
        pending = []
        if pseudonyms.contains(where: { model.person($0) == nil }) {
            // Names changed behind the model: fold everything again, under the pseudonyms the daemon
            // shows now, then rewrite every person's rows.
            restartFromScratch()
        }
        return batch
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
        // History comes stream by stream, so most events name the person the one before named.
        guard !everyoneDirty, event.position > projectedAtStart, event.salesperson != lastDirty || event.type == EventType.salespersonMerged.rawValue else {
            return
        }
        lastDirty = event.salesperson
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
            lastDirty = nil
            everyoneDirty = false
            lastProjection = .now
            return rewrite
        } catch {
            throw SyncError.daemon("the projections cannot be computed at \(folded): \(error)")
        }
    }

    // MARK: Forgetting

    /// `SalespersonForgotten` events (a person's, then those of the names merged into them): every
    /// earlier event of theirs now reads with the pseudonym and without text. The rows already
    /// written are replaced in the same transaction, and those in this batch taken as the daemon
    /// shows them now. Returns the pseudonyms.
    private func rewriteForgotten(in rows: inout [ExportedEvent], into batch: inout Batch) throws(SyncError) -> [String] {
        var now: [UInt64: ExportedEvent] = [:]
        let forgets = rows.filter(\.isForgetting)
        do {
            let control = try controlConnection()
            for forget in forgets {
                var after: UInt64 = 0
                while true {
                    let page = try control.request(
                        .read,
                        ["after": .integer(Int64(after)), "limit": .integer(10_000), "salesperson": .string(forget.salesperson)])
                    guard let events = page["events"]?.arrayValue, let next = page["next"]?.integerValue else {
                        throw SyncError.daemon("coachlogd answered read without events or next")
                    }
                    for envelope in events {
                        let e = try ExportedEvent(envelope: envelope)
                        if e.position <= forget.position { now[e.position] = e }
                    }
                    if events.count < 10_000 || UInt64(next) >= forget.position { break }
                    after = UInt64(next)
                }
            }
        } catch let error as SyncError {
            control = nil
            throw error
        } catch {
            control = nil
            throw SyncError.daemon("reading the forgotten person's events failed: \(error)")
        }
        batch.replaced = now.keys.filter { $0 <= batch.previous }.sorted()
        for i in rows.indices { if let e = now[rows[i].position] { rows[i] = e } }
        rows.insert(contentsOf: batch.replaced.compactMap { now[$0] }, at: 0)
        return forgets.map(\.salesperson)
    }

    private func restartFromScratch() {
        disconnect()
        carried = []
        model = IndexedReadModel()
        folded = 0
        foldedEventId = nil
        dirty = []
        lastDirty = nil
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

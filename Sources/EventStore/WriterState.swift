import CoachLogProtocol
import HashChain
import CoachingDomain

/// What the single writer knows beyond the synced log: the head, how far the
/// tables behind the log are flushed, and the index entries of the events
/// after that. Owned by the writer mutex.
struct WriterState: Sendable {
    /// Position of the last event in the log.
    var head: UInt64
    /// Position up to which the tables behind the log (read model, eventIds,
    /// streamIndex) are written: the `checkpoint` in `meta`.
    var flushed: UInt64
    /// Index entries of the events after `flushed`.
    var pending = PendingIndexes()
    /// Read-model changes a failed flush took but could not write.
    var carried: ModelChanges?
    /// The chain hash of the event at `head`: what the next event chains from.
    var chain: ChainHash = .genesis

    mutating func record(_ batch: PendingIndexes) {
        pending.merge(batch)
        if let last = batch.stream.last { head = max(head, last.position) }
    }
}

/// The eventId and stream index entries of events not yet flushed. The
/// writer checks them before the flushed tables.
struct PendingIndexes: Sendable {
    struct StreamEntry: Sendable {
        var salesperson: String
        var eventId: String
        var position: UInt64
        var version: UInt64
    }

    /// For look-ups only: the flush writes `stream`, which also holds each eventId.
    var eventIds: [ExactName: UInt64] = [:]
    /// Each salesperson's latest stream version among these events.
    var versions: [ExactName: UInt64] = [:]
    /// In log order.
    var stream: [StreamEntry] = []

    var isEmpty: Bool { stream.isEmpty }

    /// `lookups: false` only records what the flush writes: for a fold at
    /// open, which flushes before any append can ask.
    mutating func add(_ envelope: EventEnvelope, lookups: Bool = true) {
        if lookups {
            eventIds[ExactName(envelope.eventId)] = envelope.position
            versions[ExactName(envelope.salesperson)] = envelope.streamVersion
        }
        stream.append(
            StreamEntry(
                salesperson: envelope.salesperson, eventId: envelope.eventId, position: envelope.position,
                version: envelope.streamVersion))
    }

    mutating func merge(_ later: PendingIndexes) {
        eventIds.merge(later.eventIds) { _, new in new }
        versions.merge(later.versions) { _, new in new }
        stream += later.stream
    }
}

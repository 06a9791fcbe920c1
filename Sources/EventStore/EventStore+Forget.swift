import CoachLogProtocol
import CoachingDomain
import LMDB
import Sealing

/// What `forget` did.
public struct ForgetOutcome: Sendable, Equatable {
    /// The name replies show from now on; nil when the name was not a live
    /// record (never recorded, or forgotten before: names are not kept).
    public var pseudonym: String?
    /// The `SalespersonForgotten` event; nil when nothing was written.
    public var event: EventEnvelope?
}

extension EventStore {
    /// Destroys the data key of the person named `salesperson` (crypto-shredding):
    /// one synced transaction replaces their keys entry with a tombstone and
    /// appends a `SalespersonForgotten` event that holds no personal data. From
    /// then on the store shows them under their pseudonym, their free text as
    /// null, and every count unchanged. A crash leaves the key whole or gone.
    ///
    /// Idempotent: a pseudonym, or a name no longer recorded, writes nothing.
    /// Appends wait while the in-memory model is reloaded under the new names
    /// (about as long as a start-up's load).
    public func forget(salesperson: String, now: Timestamp) throws -> ForgetOutcome {
        do {
            try requireReadModel()
            return try writer.withLock { state throws -> ForgetOutcome in
                // A pseudonym names a person forgotten before; a name no longer on record names nobody.
                guard let person = ring.id(of: salesperson) else { return ForgetOutcome(pseudonym: nil, event: nil) }
                guard ring.key(of: person) != nil else { return ForgetOutcome(pseudonym: person.pseudonym, event: nil) }
                // The tables then hold everything before the forget, by id: reloading
                // them under the new names needs nothing from memory.
                try flush(&state)
                let position = state.head + 1
                let version = try environment.read { txn in try Self.streamVersion(person, txn: txn, tables: tables) } + 1
                let eventId = Self.generateEventId(now: now, position: position)
                try environment.write { txn in
                    let header = RecordCodec.Header(
                        type: .salespersonForgotten, eventId: eventId, person: person, streamVersion: version, recordedAt: now)
                    // Sealed with the key it destroys: the event has no free text anyway.
                    guard let key = ring.key(of: person) else { throw ByteReader.Corrupt() }
                    try txn.put(
                        tables.log, key: bigEndianKey(position),
                        value: RecordCodec.encode(header, position: position, clear: Array("{}".utf8), textMask: 0, texts: nil, key: key),
                        flags: .append)
                    try txn.put(tables.keys, key: person.bigEndianBytes, value: KeyRing.forgottenEntryBytes)
                    // A goal record seals its area with the key destroyed here: it is stored as a
                    // rebuild from the log would now make it, without one.
                    let model = LMDBReadModel(txn: txn, tables: tables, ring: ring)
                    for var goal in try model.goals(of: try ring.shown(person).name) where goal.area != nil {
                        goal.area = nil
                        try model.put(goal)
                    }
                    try txn.put(tables.streamIndex, key: personKey(person, nil, position), value: bigEndianKey(version))
                    try txn.put(tables.eventIds, key: Array(eventId.utf8), value: bigEndianKey(position))
                    try txn.put(tables.meta, key: MetaKey.checkpoint, value: bigEndianKey(position))
                }
                ring.forget(person)
                state = WriterState(head: position, flushed: position)
                try environment.read { txn in try loadModel(txn) }
                let event = EventEnvelope(
                    position: position, eventId: eventId, type: .salespersonForgotten, salesperson: person.pseudonym,
                    streamVersion: version, recordedAt: now, data: ["salesperson": .string(person.pseudonym)], erased: true)
                return ForgetOutcome(pseudonym: person.pseudonym, event: event)
            }
        } catch {
            throw StoreError.from(error)
        }
    }
}

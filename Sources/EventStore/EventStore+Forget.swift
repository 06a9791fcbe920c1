import CoachLogProtocol
import CoachingDomain
import LMDB
import Sealing
import HashChain

/// What `forget` did.
public struct ForgetOutcome: Sendable, Equatable {
    /// The name replies show from now on; nil when the name was not a live
    /// record (never recorded, or forgotten before: names are not kept).
    public var pseudonym: String?
    /// The pseudonyms of the names merged into the salesperson, forgotten with them.
    public var aliases: [String] = []
    /// The `SalespersonForgotten` events, the salesperson's first; empty when nothing was written.
    public var events: [EventEnvelope] = []
}

extension EventStore {
    /// Destroys the data key of the salesperson named `salesperson`, and of
    /// every name merged into them (the same person), by crypto-shredding:
    /// one synced transaction replaces their keys entries with tombstones and
    /// appends one `SalespersonForgotten` event per name, holding no personal
    /// data. From then on the store shows them under their pseudonyms, their
    /// free text as null, and every count unchanged. A crash leaves the keys
    /// whole or gone. `published` receives the events before any later
    /// append can commit, so that subscribers see them in log order.
    ///
    /// Idempotent: a pseudonym, or a name no longer recorded, writes nothing.
    /// Appends wait while the in-memory model is reloaded under the new names
    /// (about as long as a start-up's load).
    public func forget(
        salesperson: String, now: Timestamp, published: ([EventEnvelope]) -> Void = { _ in }
    ) throws -> ForgetOutcome {
        do {
            try requireReadModel()
            try requireSoundChain()
            return try writer.withLock { state throws -> ForgetOutcome in
                // A pseudonym names a person forgotten before; a name no longer on record names nobody.
                guard let person = ring.id(of: salesperson) else { return ForgetOutcome(pseudonym: nil) }
                guard ring.key(of: person) != nil else { return ForgetOutcome(pseudonym: person.pseudonym) }
                guard let record = holder.model.person(salesperson) else {
                    throw StoreError(
                        .notFound,
                        "\(salesperson) is not a salesperson on record (only a coach's name, or a name no session kept); nothing was forgotten"
                    )
                }
                if let target = record.mergedInto {
                    throw StoreError(
                        .validation,
                        "\(salesperson) was merged into \(target): forget \(target), which forgets \(salesperson) with it",
                        rule: "forget.merged")
                }
                let people = [person] + record.aliases.compactMap { ring.id(of: $0) }.filter { ring.key(of: $0) != nil }
                // The tables then hold everything before the forget, by id: reloading
                // them under the new names needs nothing from memory.
                try flush(&state)
                // Hidden before the commit: a read racing it must not show the new events, or
                // anything else, under the names being erased. Restored if the commit fails.
                let hidden = people.compactMap { id in
                    (try? ring.shown(id)).flatMap { shown in shown.key.map { KeyRing.NewPerson(id: id, name: shown.name, key: $0) } }
                }
                for id in people { ring.forget(id) }
                var events: [EventEnvelope] = []
                var link = state.chain
                do {
                    try environment.write { txn in
                        events = []
                        link = state.chain
                        let model = LMDBReadModel(txn: txn, tables: tables, ring: ring)
                        for (offset, person) in hidden.enumerated() {
                            events.append(
                                try forget(
                                    person, at: state.head + 1 + UInt64(offset), link: &link, now: now, txn: txn,
                                    model: model))
                        }
                        try txn.put(tables.meta, key: MetaKey.checkpoint, value: bigEndianKey(state.head + UInt64(people.count)))
                    }
                } catch {
                    ring.add(hidden)
                    throw error
                }
                let head = state.head + UInt64(people.count)
                state = WriterState(head: head, flushed: head, chain: link)
                do {
                    try environment.read { txn in try loadModel(txn) }
                } catch {
                    // The keys are gone for good; a model still holding the names must not serve
                    // another request. The restart loads the tables, which hold the erasure.
                    preconditionFailure("the read model could not be reloaded after a forget: \(error)")
                }
                published(events)
                return ForgetOutcome(
                    pseudonym: person.pseudonym, aliases: people.dropFirst().map(\.pseudonym), events: events)
            }
        } catch {
            throw StoreError.from(error)
        }
    }

    /// Writes one person's tombstone and `SalespersonForgotten` event at
    /// `position`. The ring already shows them forgotten.
    private func forget(
        _ forgotten: KeyRing.NewPerson, at position: UInt64, link: inout ChainHash, now: Timestamp, txn: Transaction,
        model: LMDBReadModel
    ) throws -> EventEnvelope {
        let person = forgotten.id
        let version = try Self.streamVersion(person, txn: txn, tables: tables) + 1
        let eventId = Self.generateEventId(now: now, position: position)
        let header = RecordCodec.Header(
            type: .salespersonForgotten, eventId: eventId, person: person, streamVersion: version, recordedAt: now)
        // Sealed with the key it destroys: the event has no free text anyway.
        let stored = RecordCodec.encode(
            header, position: position, clear: Array("{}".utf8), textMask: 0, texts: nil, key: forgotten.key)
        try txn.put(tables.log, key: bigEndianKey(position), value: stored, flags: .append)
        link = link.next(stored)
        try txn.put(tables.chain, key: bigEndianKey(position), value: link.bytes, flags: .append)
        // A goal record seals its area with the key destroyed here: it is stored as a rebuild
        // from the log would now make it, without one (read under the pseudonym, it has none).
        for goal in try model.goals(of: person.pseudonym) { try model.put(goal) }
        try txn.put(tables.keys, key: person.bigEndianBytes, value: KeyRing.forgottenEntryBytes)
        try txn.put(tables.streamIndex, key: personKey(person, nil, position), value: bigEndianKey(version))
        try txn.put(tables.eventIds, key: Array(eventId.utf8), value: bigEndianKey(position))
        return EventEnvelope(
            position: position, eventId: eventId, type: .salespersonForgotten, salesperson: person.pseudonym,
            streamVersion: version, recordedAt: now, data: ["salesperson": .string(person.pseudonym)], erased: true,
            hash: link)
    }
}

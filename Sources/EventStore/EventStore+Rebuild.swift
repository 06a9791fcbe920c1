import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import LMDB

extension EventStore {
    /// Recomputes every projection from the log, in memory, and writes them
    /// to the tables behind the log. The result is byte-identical to the
    /// incrementally kept tables (`verify` proves it). Crash-safe: the tables
    /// are cleared and the checkpoint reset in one transaction, then the log
    /// is folded in chunks that are each flushed with their checkpoint, and an
    /// interrupted rebuild simply continues at the next open.
    ///
    /// For a store nobody appends to meanwhile (`coachlogd rebuild` runs on a
    /// stopped daemon's folder). A store opened with `deferringReadModel`
    /// rebuilds without loading its tables first, so damaged tables are no
    /// obstacle.
    public func rebuildProjections() throws {
        do {
            // Only a loaded model can have changes to write; the reset drops the tables anyway.
            if holder.lock.withReadLock({ holder.loaded }) { try flush() }
            try environment.write { txn in try resetProjections(txn) }
            var committed = 0
            try openReadModel(committed: &committed)
        } catch {
            throw StoreError.from(error)
        }
    }

    /// Empties every table derived from the log (the projections, the eventId
    /// and stream indexes) and rewinds the checkpoint to 0.
    func resetProjections(_ txn: Transaction) throws {
        for table in tables.projections { try txn.clear(table.database) }
        try txn.clear(tables.eventIds)
        try txn.clear(tables.streamIndex)
        try txn.put(tables.meta, key: MetaKey.checkpoint, value: bigEndianKey(0))
        try txn.put(tables.meta, key: MetaKey.projectionVersion, value: bigEndianKey(Self.projectionVersion))
    }

    /// Folds up to `limit` events after position `after`, read from `source`'s
    /// log, into `model`: the same transaction for a rebuild in place, or a
    /// scratch store's for `verify`, which must not write. Returns how many it
    /// folded and the position of the last one.
    static func replay(
        from source: Transaction, log: Database, ring: KeyRing, after: UInt64, limit: Int, into model: inout LMDBReadModel
    ) throws -> (applied: Int, last: UInt64?) {
        var envelopes: [EventEnvelope] = []
        // Collected first: folding writes to the transaction the log cursor reads.
        try source.scan(log, from: bigEndianKey(after + 1)) { key, value in
            guard let position = decodeBigEndian(key) else { throw ByteReader.Corrupt() }
            envelopes.append(try RecordCodec.decodeEnvelope(position: position, value, ring: ring, forFold: true))
            return envelopes.count < limit
        }
        for envelope in envelopes {
            try CoachingRules.apply(
                try storedEvent(envelope), position: envelope.position, recordedAt: envelope.recordedAt, to: &model)
        }
        return (envelopes.count, envelopes.last?.position)
    }

    /// Every projection table's entries, in key order, after a flush: for
    /// proving that two stores hold byte-identical projections.
    public func projectionDump() throws -> [String: [[UInt8]]] {
        do {
            try flush()
            return try environment.read { txn in
                try Self.dump(txn, tables)
            }
        } catch {
            throw StoreError.from(error)
        }
    }
}

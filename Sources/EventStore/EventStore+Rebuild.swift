import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import LMDB

extension EventStore {
    /// Recomputes every projection from the log. The result is byte-identical
    /// to the incrementally kept tables. Crash-safe: the tables are cleared and
    /// the checkpoint reset in one transaction, then the log is replayed in
    /// chunks that each advance the checkpoint, and an interrupted rebuild
    /// simply continues at the next open.
    public func rebuildProjections() throws {
        do {
            try environment.write { txn in try resetProjections(txn) }
            var committed = 0
            try catchUpProjections(committed: &committed)
        } catch {
            throw StoreError.from(error)
        }
    }

    /// Applies events after the checkpoint (none in normal operation; some
    /// after an interrupted rebuild or a projection version change).
    func catchUpProjections(committed: inout Int) throws {
        let version = try environment.read { txn in
            try txn.withValue(tables.meta, key: MetaKey.projectionVersion) { decodeBigEndian($0) } ?? nil
        }
        if version != Self.projectionVersion {
            try environment.write { txn in try resetProjections(txn) }
        }
        while true {
            let more = try environment.write { txn in try replayChunk(txn) }
            guard more.applied > 0 else { return }
            committed += 1
            try options.afterChunk?(committed)
            if !more.more { return }
        }
    }

    /// Empties the projection tables and rewinds the checkpoint to 0.
    func resetProjections(_ txn: Transaction) throws {
        for table in tables.projections { try txn.clear(table.database) }
        try txn.put(tables.meta, key: MetaKey.checkpoint, value: bigEndianKey(0))
        try txn.put(tables.meta, key: MetaKey.projectionVersion, value: bigEndianKey(Self.projectionVersion))
    }

    /// Folds up to `chunkEvents` events after the checkpoint into the
    /// projections and advances the checkpoint. `more` while more may follow.
    func replayChunk(_ txn: Transaction) throws -> (applied: Int, more: Bool) {
        let checkpoint = try Self.checkpoint(txn, tables)
        var model = LMDBReadModel(txn: txn, tables: tables)
        let (applied, last) = try Self.replay(
            from: txn, log: tables.log, after: checkpoint, limit: options.chunkEvents, into: &model)
        if let last { try txn.put(tables.meta, key: MetaKey.checkpoint, value: bigEndianKey(last)) }
        return (applied, applied == options.chunkEvents)
    }

    /// Folds up to `limit` events after position `after`, read from `source`'s
    /// log, into `model`: the same transaction for a rebuild in place, or a
    /// scratch store's for `verify`, which must not write. Returns how many it
    /// folded and the position of the last one.
    static func replay(
        from source: Transaction, log: Database, after: UInt64, limit: Int, into model: inout LMDBReadModel
    ) throws -> (applied: Int, last: UInt64?) {
        var envelopes: [EventEnvelope] = []
        // Collected first: folding writes to the transaction the log cursor reads.
        try source.scan(log, from: bigEndianKey(after + 1)) { key, value in
            guard let position = decodeBigEndian(key) else { throw ByteReader.Corrupt() }
            envelopes.append(try RecordCodec.decodeEnvelope(position: position, value))
            return envelopes.count < limit
        }
        for envelope in envelopes {
            let event: CoachingEvent
            do {
                event = try envelope.decoded()
            } catch {
                // A stored event that no longer reads as an event is damage, not a client's mistake.
                throw StoreError(
                    .storage,
                    "event \(envelope.position) in the log cannot be replayed (\(error)); restore from a backup")
            }
            try CoachingRules.apply(event, position: envelope.position, recordedAt: envelope.recordedAt, to: &model)
        }
        return (envelopes.count, envelopes.last?.position)
    }

    /// Every projection table's entries, in key order: for proving that two
    /// stores hold byte-identical projections.
    public func projectionDump() throws -> [String: [[UInt8]]] {
        do {
            return try environment.read { txn in
                try Self.dump(txn, tables)
            }
        } catch {
            throw StoreError.from(error)
        }
    }
}

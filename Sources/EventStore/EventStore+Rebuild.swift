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
            try catchUpProjections()
        } catch {
            throw StoreError.from(error)
        }
    }

    /// Applies events after the checkpoint (none in normal operation; some
    /// after an interrupted rebuild or a projection version change).
    func catchUpProjections() throws {
        let version = try environment.read { txn in
            try txn.withValue(tables.meta, key: MetaKey.projectionVersion) { decodeBigEndian($0) } ?? nil
        }
        if version != Self.projectionVersion {
            try environment.write { txn in try resetProjections(txn) }
        }
        while try environment.write({ txn in try replayChunk(txn) }) {}
    }

    /// Empties the projection tables and rewinds the checkpoint to 0.
    func resetProjections(_ txn: Transaction) throws {
        for table in tables.projections { try txn.clear(table.database) }
        try txn.put(tables.meta, key: MetaKey.checkpoint, value: bigEndianKey(0))
        try txn.put(tables.meta, key: MetaKey.projectionVersion, value: bigEndianKey(Self.projectionVersion))
    }

    /// Folds up to `rebuildChunk` events after the checkpoint into the
    /// projections and advances the checkpoint. True while more may follow.
    func replayChunk(_ txn: Transaction) throws -> Bool {
        let checkpoint = try Self.checkpoint(txn, tables)
        var envelopes: [EventEnvelope] = []
        try txn.scan(tables.log, from: bigEndianKey(checkpoint + 1)) { key, value in
            guard let position = decodeBigEndian(key) else { return false }
            envelopes.append(try RecordCodec.decodeEnvelope(position: position, value))
            return envelopes.count < Self.rebuildChunk
        }
        var model = LMDBReadModel(txn: txn, tables: tables)
        for envelope in envelopes {
            try CoachingRules.apply(envelope.decoded(), position: envelope.position, recordedAt: envelope.recordedAt, to: &model)
        }
        if let last = envelopes.last { try txn.put(tables.meta, key: MetaKey.checkpoint, value: bigEndianKey(last.position)) }
        return envelopes.count == Self.rebuildChunk
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

import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import LMDB

extension EventStore {
    /// Events appended since the last flush: what a crash would make the next
    /// open fold again.
    public var unflushedEvents: Int {
        writer.withLock { Int($0.head - $0.flushed) }
    }

    /// Writes the read model's changes and the index entries of every event
    /// since the last flush to the tables behind the log, with the checkpoint,
    /// in one transaction.
    ///
    /// Why this may skip the meta page's sync (`syncingMeta: false`): all it
    /// writes can be recomputed from the log, which was synced before. If an
    /// OS crash loses this commit, the store opens at the previous checkpoint
    /// and folds the log after it again; the data pages are synced, so the
    /// file is never left pointing at pages that are not on disk.
    public func flush() throws {
        do {
            try writer.withLock { state in try flush(&state) }
        } catch {
            throw StoreError.from(error)
        }
    }

    func flush(_ state: inout WriterState) throws {
        guard state.head > state.flushed else { return }
        var changes = holder.lock.withWriteLock { holder.model.takeChanges() }
        if let carried = state.carried { changes.formUnion(carried) }
        // Kept until the write succeeds, so a failed flush is retried whole.
        state.carried = changes
        let head = state.head
        let pending = state.pending
        try environment.write(syncingMeta: false) { txn in
            try self.write(changes, pending: pending, checkpoint: head, txn: txn)
        }
        state.carried = nil
        state.pending = PendingIndexes()
        state.flushed = head
    }

    /// The writer reads the model without the lock: only it changes the model.
    private func write(_ changes: ModelChanges, pending: PendingIndexes, checkpoint: UInt64, txn: Transaction) throws {
        let tables = LMDBReadModel(txn: txn, tables: self.tables, ring: ring)
        let model = ModelView(holder: holder, txn: txn, log: self.tables.log, ring: ring)
        for id in changes.sessions { if let record = try model.session(id.string) { try tables.put(record) } }
        for id in changes.goals { if let record = try model.goal(id.string) { try tables.put(record) } }
        for id in changes.commitments { if let record = try model.commitment(id.string) { try tables.put(record) } }
        for position in changes.insights { if let record = holder.model.insight(at: position) { try tables.put(record) } }
        for name in changes.people { if let record = try model.person(name.string) { try tables.put(record) } }
        for entry in pending.stream {
            let position = bigEndianKey(entry.position)
            try txn.put(
                self.tables.streamIndex, key: personKey(try ring.idForStoring(entry.salesperson), nil, entry.position),
                value: bigEndianKey(entry.version))
            try txn.put(self.tables.eventIds, key: Array(entry.eventId.utf8), value: position)
        }
        try txn.put(self.tables.meta, key: MetaKey.checkpoint, value: bigEndianKey(checkpoint))
    }

    // MARK: Opening

    /// Brings the in-memory model up to the log's head: resets the tables
    /// behind the log if their version is not this binary's, loads them, then
    /// folds the events after their checkpoint, flushing every `chunkEvents`
    /// so that an interrupted open resumes where it stopped.
    func openReadModel(committed: inout Int) throws {
        let version = try environment.read { txn in
            try txn.withValue(tables.meta, key: MetaKey.projectionVersion) { decodeBigEndian($0) } ?? nil
        }
        if version != Self.projectionVersion {
            try environment.write { txn in try resetProjections(txn) }
        }
        let loaded = Result {
            try environment.read { txn in
                try loadModel(txn)
                return (try Self.checkpoint(txn, tables), try Self.head(txn, tables))
            }
        }
        let (checkpoint, head): (UInt64, UInt64)
        switch loaded {
        case .success(let positions): (checkpoint, head) = positions
        case .failure(let error) where error is ByteReader.Corrupt:
            // The tables are derived from the log: a record that no longer decodes
            // (a damaged page) is rebuilt from the log rather than served or refused.
            try environment.write { txn in try resetProjections(txn) }
            (checkpoint, head) = try environment.read { txn in
                try loadModel(txn)
                return (try Self.checkpoint(txn, tables), try Self.head(txn, tables))
            }
        case .failure(let error): throw error
        }
        try writer.withLock { state in
            state = WriterState(head: checkpoint, flushed: checkpoint)
            var after = checkpoint
            while after < head {
                let folded = try environment.read { txn in try foldTail(txn, after: after, state: &state) }
                guard let last = folded else { break }
                after = last
                try flush(&state)
                committed += 1
                try options.afterChunk?(committed)
            }
            let (chained, problem) = try environment.read { txn in
                (try Self.chainHead(txn, tables), try Self.checkChainAtOpen(txn, tables))
            }
            state.chain = chained.hash
            tamperingFound.withLock { $0 = problem }
        }
        holder.lock.withWriteLock { holder.loaded = true }
    }

    /// Loads the flushed tables into the in-memory model.
    func loadModel(_ txn: Transaction) throws {
        var model = IndexedReadModel()
        // Sessions first, as the fold puts them: the model judges each review
        // by the session it was held in, which must be there already.
        for pass in 0..<2 {
            try txn.scan(tables.byPerson) { key, value in
                // Keys end in a kind tag and an 8-byte position: the tag says which record it is.
                guard key.count >= 9 else { throw ByteReader.Corrupt() }
                switch (pass, key[key.count - 9]) {
                case (0, LMDBReadModel.sessionTag): try model.put(RecordCodec.decodeSession(value, ring: ring))
                case (1, LMDBReadModel.goalTag): try model.put(RecordCodec.decodeGoal(value, ring: ring))
                case (1, LMDBReadModel.commitmentTag): try model.put(RecordCodec.decodeCommitment(value, ring: ring))
                case (_, LMDBReadModel.sessionTag), (_, LMDBReadModel.goalTag), (_, LMDBReadModel.commitmentTag): break
                default: throw ByteReader.Corrupt()
                }
                return true
            }
        }
        try txn.scan(tables.insights) { _, value in
            try model.put(RecordCodec.decodeInsight(value, ring: ring))
            return true
        }
        try txn.scan(tables.people) { _, value in
            try model.put(RecordCodec.decodePerson(value, ring: ring))
            return true
        }
        _ = model.takeChanges()
        let checkpoint = try Self.checkpoint(txn, tables)
        holder.lock.withWriteLock {
            holder.model = model
            holder.position = checkpoint
        }
    }

    /// Folds up to `chunkEvents` events after `after` into the in-memory
    /// model; their index entries go to `state.pending`. Returns the position
    /// of the last one, nil when there was none.
    private func foldTail(_ txn: Transaction, after: UInt64, state: inout WriterState) throws -> UInt64? {
        var last: UInt64?
        var count = 0
        try holder.lock.withWriteLock {
            try txn.scan(tables.log, from: bigEndianKey(after + 1)) { key, value in
                guard let position = decodeBigEndian(key) else { throw ByteReader.Corrupt() }
                let envelope = try RecordCodec.decodeEnvelope(position: position, value, ring: ring, forFold: true)
                try CoachingRules.apply(
                    try Self.storedEvent(envelope), position: position, recordedAt: envelope.recordedAt,
                    to: &holder.model)
                state.pending.add(envelope, lookups: false)
                state.head = position
                holder.position = position
                last = position
                count += 1
                return count < options.chunkEvents
            }
        }
        return last
    }

    /// The event an envelope holds; one that no longer reads as an event is
    /// damage, not a client's mistake.
    static func storedEvent(_ envelope: EventEnvelope) throws -> CoachingEvent {
        do {
            return try envelope.decoded()
        } catch {
            throw StoreError(
                .storage, "event \(envelope.position) in the log cannot be replayed (\(error)); restore from a backup")
        }
    }
}

import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import LMDB
import Sealing
import HashChain

extension EventStore {
    /// Commits a batch of appends from many callers in ONE write transaction
    /// with one sync (group commit), then folds them into the in-memory read
    /// model. Each append is validated alone against the model as the
    /// earlier appends of the batch left it: if it breaks a rule it is
    /// dropped alone and its slot in the result holds the error; the others
    /// commit.
    ///
    /// The synced transaction holds only the log: everything else an append
    /// changes (the read model, the eventId and stream indexes) is kept in
    /// memory and written behind by `flush`, from which a crash loses
    /// nothing, since the next open folds the log after the flushed
    /// checkpoint again. When this returns, every successful append is
    /// durable and visible to queries.
    ///
    /// Throws only when the whole batch failed (a storage error): then
    /// nothing of it was written.
    ///
    /// `published` receives the stored events while the writer lock is still
    /// held, so that whatever it hands them to sees every commit (and every
    /// `forget`) in log order. It must not call back into the store.
    public func commit(
        _ batch: [PreparedAppend], now: Timestamp, published: ([EventEnvelope]) -> Void = { _ in }
    ) throws -> [Result<AppendResult, StoreError>] {
        do {
            try requireReadModel()
            try requireSoundChain()
            return try writer.withLock { state throws -> [Result<AppendResult, StoreError>] in
                var newPeople: [PersonID] = []
                let staged: Staged
                do {
                    staged = try environment.write { txn in
                        // The closure runs again after the map grows: people an aborted attempt
                        // registered have no keys entry, so they are registered again.
                        ring.remove(newPeople)
                        newPeople.removeAll()
                        return try self.stage(batch, txn: txn, state: state, now: now, newPeople: &newPeople)
                    }
                } catch {
                    // Their keys were not written: nothing may use their ids.
                    ring.remove(newPeople)
                    throw error
                }
                // Durable: only now may queries see the batch.
                state.record(staged.indexes)
                state.chain = staged.chain
                holder.lock.withWriteLock {
                    do {
                        try staged.layer.apply(to: &holder.model)
                    } catch {
                        // The in-memory model's puts cannot fail. If one ever did, the model
                        // would no longer equal the durable log, and a flush would write
                        // wrong tables: stop, and let the restart fold the log again.
                        preconditionFailure("the read model refused a committed batch: \(error)")
                    }
                    holder.position = state.head
                }
                let stored = staged.results.flatMap { (try? $0.get())?.stored ?? [] }
                if !stored.isEmpty { published(stored) }
                return staged.results
            }
        } catch {
            throw StoreError.from(error)
        }
    }

    /// Appends one request durably; a convenience over `commit` for tools and tests.
    @discardableResult
    public func append(_ request: AppendRequest, now: Timestamp) throws -> AppendResult {
        let prepared = try request.prepare()
        switch try commit([prepared], now: now)[0] {
        case .success(let result): return result
        case .failure(let error): throw error
        }
    }

    /// A batch validated, folded into `layer` and written to the log of an
    /// uncommitted transaction.
    struct Staged {
        var results: [Result<AppendResult, StoreError>] = []
        var layer: OverlayModel<ModelView>
        var indexes = PendingIndexes()
        /// The chain hash of the batch's last stored event.
        var chain: ChainHash
    }

    private func stage(
        _ batch: [PreparedAppend], txn: Transaction, state: WriterState, now: Timestamp, newPeople: inout [PersonID]
    ) throws -> Staged {
        var staged = Staged(
            layer: OverlayModel(base: ModelView(holder: holder, txn: txn, log: tables.log, ring: ring)), chain: state.chain)
        staged.results.reserveCapacity(batch.count)
        var head = state.head
        for append in batch {
            let registered = newPeople.count
            let stream = try registerPeople(of: append, txn: txn, newPeople: &newPeople)
            do {
                // The append's own index entries, merged into the batch's only if it
                // succeeds: copying the batch's instead would cost O(batch) per append.
                var indexes = PendingIndexes()
                // Taken only if the append succeeds, like its index entries.
                var link = staged.chain
                let result: AppendResult
                if append.events.count == 1 {
                    // A one-event append checks everything before it writes, so it needs
                    // no layer or nested transaction of its own to fail alone.
                    result = try self.apply(
                        append, stream: stream, txn: txn, head: head, link: &link, model: &staged.layer,
                        indexes: &indexes, earlier: [staged.indexes, state.pending], now: now)
                } else {
                    // A longer one may fail after writing its first events: its log writes go
                    // to a nested transaction and its changes to a layer of their own.
                    var layer = OverlayModel(base: staged.layer)
                    let earlier = [staged.indexes, state.pending]
                    var nestedLink = link
                    result = try txn.nested { child in
                        try self.apply(
                            append, stream: stream, txn: child, head: head, link: &nestedLink, model: &layer,
                            indexes: &indexes, earlier: earlier, now: now)
                    }
                    link = nestedLink
                    try layer.apply(to: &staged.layer)
                }
                staged.indexes.merge(indexes)
                staged.chain = link
                if let last = result.stored.last { head = last.position }
                staged.results.append(.success(result))
            } catch let error as DomainError {
                try unregister(newPeople.suffix(from: registered), txn: txn, newPeople: &newPeople)
                staged.results.append(.failure(StoreError(.validation, error.message, rule: error.rule)))
            } catch let error as StoreError where error.kind == .validation || error.kind == .conflict {
                try unregister(newPeople.suffix(from: registered), txn: txn, newPeople: &newPeople)
                staged.results.append(.failure(error))
            }
        }
        return staged
    }

    /// A refused append keeps no name: the keys entries made for it go.
    private func unregister(_ people: ArraySlice<PersonID>, txn: Transaction, newPeople: inout [PersonID]) throws {
        guard !people.isEmpty else { return }
        let ids = Array(people)
        for id in ids { try txn.delete(tables.keys, key: id.bigEndianBytes) }
        ring.remove(ids)
        newPeople.removeLast(ids.count)
    }

    /// Gives every person the append names a key, in the batch's transaction
    /// (taken back if the append then fails: `unregister`), and
    /// returns the id and key of the append's salesperson.
    private func registerPeople(
        of append: PreparedAppend, txn: Transaction, newPeople: inout [PersonID]
    ) throws -> (id: PersonID, key: DataKey) {
        let stream = try ring.register(append.salesperson, in: txn, keys: tables.keys, added: &newPeople)
        for event in append.events {
            for name in event.parts.otherPeople { _ = try ring.register(name, in: txn, keys: tables.keys, added: &newPeople) }
        }
        return stream
    }

    /// `indexes` receives the append's index entries; `earlier` holds those
    /// of the events before it that are not flushed yet, newest first.
    private func apply(
        _ append: PreparedAppend, stream: (id: PersonID, key: DataKey), txn: Transaction, head: UInt64,
        link: inout ChainHash, model: inout some CoachingWriteModel,
        indexes: inout PendingIndexes, earlier: [PendingIndexes], now: Timestamp
    ) throws -> AppendResult {
        if let replay = try replayed(append, txn: txn, earlier: earlier) { return replay }
        let name = ExactName(append.salesperson)
        let (person, key) = stream
        var version =
            try earlier.lazy.compactMap { $0.versions[name] }.first
            ?? Self.streamVersion(person, txn: txn, tables: tables)
        if let expected = append.expectedVersion, expected != version {
            throw StoreError(
                .conflict,
                "\(append.salesperson)'s stream is at version \(version), not the expected \(expected); read it again and retry"
            )
        }
        var position = head
        var stored: [EventEnvelope] = []
        for proposed in append.events {
            position += 1
            version += 1
            try CoachingRules.validate(proposed.event, in: model, now: now)
            let eventId = proposed.eventId ?? Self.generateEventId(now: now, position: position)
            if try storedPosition(of: eventId, txn: txn, earlier: [indexes] + earlier) != nil {
                throw StoreError(.conflict, "eventId \"\(eventId)\" is already used by another event")
            }
            // Every check is done: from here on only storage failures can
            // stop this event, and they abort the whole transaction.
            let header = RecordCodec.Header(
                type: proposed.event.type, eventId: eventId, person: person, streamVersion: version, recordedAt: now)
            let clear = try proposed.parts.storedClear(proposed.event.type, ids: ring.idForStoring)
            let value = RecordCodec.encode(
                header, position: position, clear: clear, textMask: proposed.parts.textMask, texts: proposed.parts.texts,
                key: key)
            try txn.put(tables.log, key: bigEndianKey(position), value: value, flags: .append)
            link = link.next(value)
            try txn.put(tables.chain, key: bigEndianKey(position), value: link.bytes, flags: .append)
            let envelope = EventEnvelope(
                position: position, eventId: eventId, type: proposed.event.type, salesperson: append.salesperson,
                streamVersion: version, recordedAt: now, data: proposed.data, hash: link)
            indexes.add(envelope)
            try CoachingRules.apply(proposed.event, position: position, recordedAt: now, to: &model)
            stored.append(envelope)
        }
        return AppendResult(positions: stored.map(\.position), streamVersion: version, stored: stored)
    }

    /// Where the event carrying `eventId` is: in this batch, written behind
    /// but not yet flushed, or in the flushed index.
    private func storedPosition(of eventId: String, txn: Transaction, earlier: [PendingIndexes]) throws -> UInt64? {
        let key = ExactName(eventId)
        if let position = earlier.lazy.compactMap({ $0.eventIds[key] }).first { return position }
        return try txn.withValue(tables.eventIds, key: Array(eventId.utf8)) { decodeBigEndian($0) } ?? nil
    }

    /// If every event of the append was stored before with the same type,
    /// salesperson and data, byte for byte, the original result (a safe retry,
    /// in any order or as a subset). If only some were, or with other content,
    /// a conflict. Nil when none of its eventIds is known.
    private func replayed(_ append: PreparedAppend, txn: Transaction, earlier: [PendingIndexes]) throws -> AppendResult? {
        var originals: [Original?] = []
        for event in append.events {
            guard let id = event.eventId else {
                originals.append(nil)
                continue
            }
            guard let position = try storedPosition(of: id, txn: txn, earlier: earlier) else {
                originals.append(nil)
                continue
            }
            let original = try txn.withValue(tables.log, key: bigEndianKey(position)) { stored in
                let envelope = try RecordCodec.decodeEnvelope(position: position, stored, ring: ring)
                let same = Self.sameContent(envelope, event.dataBytes)
                return Original(position: position, envelope: envelope, sameData: same)
            }
            originals.append(original)
        }
        if !originals.contains(where: { $0 != nil }) { return nil }
        var positions: [UInt64] = []
        var streamVersion: UInt64 = 0
        for (event, original) in zip(append.events, originals) {
            guard let original else {
                throw StoreError(
                    .conflict,
                    "this append repeats some eventIds of an earlier append but not all; resend the earlier append exactly, or use new eventIds"
                )
            }
            if original.envelope.erased {
                throw StoreError(
                    .conflict,
                    "eventId \"\(original.envelope.eventId)\" belongs to an event of a salesperson who was forgotten (at position \(original.position)); a new record needs new eventIds"
                )
            }
            guard original.envelope.type == event.event.type,
                sameKey(original.envelope.salesperson, append.salesperson), original.sameData
            else {
                throw StoreError(
                    .conflict,
                    "eventId \"\(original.envelope.eventId)\" was already stored with a different type or data (at position \(original.position)); use a new eventId for a new event"
                )
            }
            positions.append(original.position)
            // A retry may list its events in another order: the stream's version
            // after them is the largest of theirs.
            streamVersion = max(streamVersion, original.envelope.streamVersion)
        }
        return AppendResult(positions: positions, streamVersion: streamVersion, stored: [])
    }

    /// A stored event as a retry is compared with it.
    private struct Original {
        var position: UInt64
        var envelope: EventEnvelope
        var sameData: Bool
    }

    /// A salesperson's stream version in the flushed index: the version of
    /// their last event flushed (0 for none); `PendingIndexes` knows later ones.
    static func streamVersion(_ person: PersonID, txn: Transaction, tables: Tables) throws -> UInt64 {
        guard let value = try txn.lastValue(tables.streamIndex, prefix: personKey(person)) else { return 0 }
        return value.withUnsafeBytes { decodeBigEndian($0) } ?? 0
    }

    /// Whether the stored data and a retry's are the same bytes: compared as
    /// serialized, never with `JSONValue`'s `==`, which would equate
    /// canonically equivalent strings (é as one scalar or as e + accent).
    /// Also the same when only the original lacks `at` and the retry gives
    /// its `recordedAt` (what it meant): an export replayed with explicit
    /// times is then recognised as the same events.
    static func sameContent(_ stored: EventEnvelope, _ data: [UInt8]) -> Bool {
        guard case .object(var fields) = stored.data else { return false }
        if JSONWriter.bytes(.object(fields)) == data { return true }
        guard fields["at"] == nil else { return false }
        fields["at"] = .string(stored.recordedAt.iso8601)
        return JSONWriter.bytes(.object(fields)) == data
    }

    /// A UUID version 7: the commit time in milliseconds first, so that
    /// generated ids of one group commit are neighbours in the `eventIds`
    /// B-tree (one page written, not one page per event), then the position's
    /// low bits and 62 random bits.
    static func generateEventId(now: Timestamp, position: UInt64) -> String {
        var generator = SystemRandomNumberGenerator()
        let time = UInt64(max(0, now.milliseconds)) & 0xFFFF_FFFF_FFFF
        let a = time << 16 | 0x7000 | (position & 0x0FFF)
        let b = (generator.next() as UInt64) & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for (i, byte) in (withUnsafeBytes(of: a.bigEndian, Array.init) + withUnsafeBytes(of: b.bigEndian, Array.init)).enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

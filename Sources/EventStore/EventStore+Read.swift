import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import LMDB

#if canImport(Glibc)
import Glibc
#endif

/// What `stats` reports about the store.
public struct StoreStatistics: Sendable, Equatable {
    public var position: UInt64
    /// The position the projections (the in-memory read model queries run
    /// on) include: every acknowledged event, so equal to `position` except
    /// for the instant between a group commit's sync and its fold.
    public var projectedPosition: UInt64
    public var events: Int
    public var salespeople: Int
    /// Bytes of the data file in use.
    public var usedBytes: Int
    /// Bytes the data file takes on disk.
    public var fileBytes: Int
    public var mapBytes: Int
}

extension EventStore {
    public static let defaultReadLimit = 1000
    public static let maximumReadLimit = 10_000

    /// Events with position > `after`, oldest first, at most `limit`, of one
    /// salesperson or of everyone. `next` is the `after` to pass to continue:
    /// the last position returned, or the head when nothing more exists.
    /// Every event carries its chain hash; `withStored` adds the bytes it covers.
    public func read(after: UInt64, limit: Int, salesperson: String? = nil, withStored: Bool = false) throws -> (
        events: [EventEnvelope], next: UInt64
    ) {
        let limit = max(1, min(limit, Self.maximumReadLimit))
        do {
            return try environment.read { txn in
                var events: [EventEnvelope] = []
                let head = try Self.head(txn, tables)
                if let salesperson {
                    // The stream index ends at the checkpoint; after it, the log is read.
                    let checkpoint = try Self.checkpoint(txn, tables)
                    guard let person = ring.id(of: salesperson) else { return ([], max(head, after)) }
                    let prefix = personKey(person)
                    try txn.scan(tables.streamIndex, from: personKey(person, nil, after + 1)) { key, _ in
                        guard key.count == prefix.count + 8, key.prefix(prefix.count).elementsEqual(prefix),
                            let position = decodeBigEndian(UnsafeRawBufferPointer(rebasing: key[prefix.count...]))
                        else { return false }
                        if let event = try self.event(at: position, txn: txn, withStored: withStored) {
                            events.append(event)
                        }
                        return events.count < limit
                    }
                    if events.count < limit {
                        try txn.scan(tables.log, from: bigEndianKey(max(after, checkpoint) + 1)) { key, value in
                            guard let position = decodeBigEndian(key) else { return false }
                            var reader = ByteReader(value)
                            guard try RecordCodec.decodeHeader(&reader).person == person else { return true }
                            events.append(try self.envelope(position, value, txn: txn, withStored: withStored))
                            return events.count < limit
                        }
                    }
                } else {
                    try txn.scan(tables.log, from: bigEndianKey(after + 1)) { key, value in
                        guard let position = decodeBigEndian(key) else { return false }
                        events.append(try self.envelope(position, value, txn: txn, withStored: withStored))
                        return events.count < limit
                    }
                }
                let next = events.count == limit ? (events.last?.position ?? after) : max(head, after)
                return (events, next)
            }
        } catch {
            throw StoreError.from(error)
        }
    }

    func event(at position: UInt64, txn: Transaction, withStored: Bool = false) throws -> EventEnvelope? {
        try txn.withValue(tables.log, key: bigEndianKey(position)) {
            try envelope(position, $0, txn: txn, withStored: withStored)
        }
    }

    /// The envelope of the stored event `value`, with its chain hash.
    private func envelope(_ position: UInt64, _ value: UnsafeRawBufferPointer, txn: Transaction, withStored: Bool) throws
        -> EventEnvelope
    {
        var envelope = try RecordCodec.decodeEnvelope(position: position, value, ring: ring)
        envelope.hash = try Self.chainHash(at: position, txn, tables)
        if withStored { envelope.stored = Array(value) }
        return envelope
    }

    /// Runs a projection over the in-memory read model, which holds every
    /// committed event: a caller whose append returned sees it. The model does
    /// not change while `body` runs. Unknown people or coaches come back as
    /// `.notFound`.
    public func query<T>(_ body: (any CoachingReadModel) throws -> T) throws -> T {
        do {
            // The model's lock first: the log snapshot then holds every event it points at.
            return try holder.lock.withReadLock {
                // Checked here, under the lock already held: `requireReadModel` would take it twice.
                guard holder.loaded else { throw Self.stillLoading }
                return try environment.read { txn in try body(ModelView(holder: holder, txn: txn, log: tables.log, ring: ring)) }
            }
        } catch {
            throw StoreError.from(error)
        }
    }

    /// Whether follow-through for the whole organisation is answered from day
    /// totals (O(days)) rather than person by person: the daemon answers it on
    /// an event loop only then.
    public var keepsOrganisationTotals: Bool {
        holder.lock.withReadLock { holder.model.keepsOrganisationTotals }
    }

    public func statistics() throws -> StoreStatistics {
        do {
            let (projected, salespeople) = holder.lock.withReadLock { (holder.position, holder.model.peopleCount) }
            let position = try environment.read { txn in try Self.head(txn, tables) }
            var st = stat()
            let fileBytes = stat(dataFilePath, &st) == 0 ? Int(st.st_size) : 0
            return StoreStatistics(
                position: position, projectedPosition: projected, events: Int(position), salespeople: salespeople,
                usedBytes: environment.usedBytes(), fileBytes: fileBytes, mapBytes: environment.mapSize)
        } catch {
            throw StoreError.from(error)
        }
    }

    /// Writes a consistent, compacted copy of the store to `path` (which must
    /// not exist) while writes go on. The copy is a complete store: put it in
    /// place of `coachlog.mdb` to restore. Returns its size and the position
    /// of the last event it holds.
    public func backup(to path: String) throws -> (bytes: Int, position: UInt64) {
        let temporary = path + ".partial-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let code = errno
            let reason = String(cString: strerror(code))
            if code == ENOSPC || code == EDQUOT {
                throw StoreError(.unavailable, "cannot write a backup at \(path): \(reason); free space and retry")
            }
            throw StoreError(.badRequest, "cannot write a backup at \(path): \(reason); the daemon must be able to create files in that folder")
        }
        // The finished copy is hard-linked into place; the temporary name always goes.
        defer { unlink(temporary) }
        do {
            do {
                try environment.copy(to: fd, compact: true)
            } catch {
                close(fd)
                throw error
            }
            guard fsync(fd) == 0 else {
                let reason = String(cString: strerror(errno))
                close(fd)
                throw StoreError(.unavailable, "cannot sync the backup file: \(reason)")
            }
            close(fd)
            let snapshot = try Environment(path: temporary, options: .init(maxDatabases: 16, readOnlySnapshot: true))
            let position = try snapshot.read { txn in try Self.head(txn, Tables(txn, create: false)) }
            // link() fails if the destination exists, unlike rename(): never overwrite a file.
            guard link(temporary, path) == 0 else {
                let reason = String(cString: strerror(errno))
                throw StoreError(.badRequest, "cannot create the backup file \(path): \(reason); choose a new path")
            }
            // The new name must survive a power cut too: sync the folder that holds it.
            let folder = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
            let folderDescriptor = open(folder.isEmpty ? "/" : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if folderDescriptor >= 0 {
                fsync(folderDescriptor)
                close(folderDescriptor)
            }
            var st = stat()
            let bytes = stat(path, &st) == 0 ? Int(st.st_size) : 0
            return (bytes, position)
        } catch {
            throw StoreError.from(error)
        }
    }
}

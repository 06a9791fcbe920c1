import CoachLogJSON
import CoachLogPOSIX
import CoachLogProtocol
import CoachingDomain
import LMDB
import Sealing
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The CoachLog event store: an append-only log of coaching events in one
/// LMDB file, with the read model in memory and written behind the log to
/// the same file.
///
/// Guarantees:
/// - Positions are 1, 2, 3, ... in commit order with no gaps; each
///   salesperson's stream version counts that salesperson's events.
/// - `commit` writes a whole batch of appends to the log in one write
///   transaction and one sync; when it returns, every successful append in
///   it is durable and every query sees it. Each append is atomic and
///   validated alone: one caller's failure never fails another's.
/// - Queries run on the in-memory read model, which always holds exactly the
///   committed log. Its tables (and the eventId and stream indexes) are
///   written behind by `flush`, with their checkpoint in the same
///   transaction; an open folds whatever the log holds after the checkpoint,
///   so a crash at any moment loses nothing that was acknowledged.
/// - Only one process opens a data folder at a time (an exclusive lock).
/// - A file that is not a CoachLog store, or a newer format, is refused and left untouched.
/// - An older format is upgraded in place at open, crash-safe: an interrupted
///   upgrade resumes at the next open (see `upgradeLog`).
/// - `EventStore.verify(directory:)` reads a stopped store without writing to it.
///
/// Thread-safety: reads may run on any thread at any time; `commit` may be
/// called from any thread but runs one at a time (LMDB's writer lock).
public final class EventStore: @unchecked Sendable {
    /// Version of the on-disk layout. Bumped when older coachlogd binaries can
    /// no longer read what this one writes; older stores are upgraded in place
    /// at open. Format 2 dropped the `streams` table (versions come from
    /// `streamIndex`); format 3 stores every enum as its `StorageCode` instead
    /// of its declaration position (envelope version 2); format 5 writes the
    /// read model and the eventId and stream indexes behind the log, so they
    /// may end before it (at the checkpoint).
    /// Format 6 stores no name and no free text in clear: people by number,
    /// free text sealed with each salesperson's data key (see `KeyRing`).
    /// Format 7 chains every event to the one before it (`chain`) and keeps
    /// signed heads; an older store's log is hashed at open (`extendChain`).
    public static let formatVersion: UInt64 = 7
    /// The first format that seals names and free text: older stores are
    /// rewritten and compacted at open (`sealOlderStore`).
    static let sealedFormat: UInt64 = 6
    /// Version of the projection tables. A mismatch at open rebuilds them from
    /// the log. Version 3: kinds, outcomes and topics as `StorageCode`s.
    /// Version 5: people by number, goal areas sealed; 6: areas sealed with a
    /// length-prefixed context.
    public static let projectionVersion: UInt64 = 6
    public static let dataFileName = "coachlog.mdb"
    public static let lockFileName = "coachlog.lock"

    public let directory: String
    public let dataFilePath: String
    let environment: Environment
    let tables: Tables
    let options: Options
    private let lockDescriptor: Int32
    let holder = ModelHolder()
    /// Every person's id, name and data key.
    let ring: KeyRing
    /// Transactions the open committed (upgrade and projection chunks), for `afterChunk`.
    private(set) var openingChunks = 0
    let writer = Mutex(WriterState(head: 0, flushed: 0))
    /// Set by the open when the log was changed behind the daemon's back; appends are then refused.
    let tamperingFound = Mutex<String?>(nil)

    public struct Options: Sendable {
        public var mapSize: Int
        public var maximumMapSize: Int
        /// Most events one transaction of an upgrade or a projection rebuild
        /// handles (an upgrade also stops a transaction at `upgradeChunkBytes`).
        /// Tests make it small to cut the work into many steps.
        public var chunkEvents: Int
        /// A test seam: called after each transaction of an upgrade or a
        /// projection rebuild commits, with the number committed so far by this
        /// open. Throwing stops the open there, in the state a crash between
        /// two transactions leaves; the next open resumes the work.
        public var afterChunk: (@Sendable (_ committed: Int) throws -> Void)?
        /// Wraps every data key. It must be the key the store was created
        /// with; a new store records its fingerprint.
        public var masterKey: MasterKey
        /// Leaves loading the read model to `loadReadModel()`, so that a daemon
        /// can answer `hello` while it loads; until then the store refuses
        /// appends and queries with `.unavailable`.
        public var deferringReadModel = false

        /// The default map (64 GiB) is address space, not disk: the file only
        /// grows as data is written. Being large, it rarely has to grow, and
        /// growing waits for every reader to finish.
        /// 64 GiB of address space (see `init`).
        public static let defaultMapSize = 1 << 36

        public init(
            masterKey: MasterKey, mapSize: Int = defaultMapSize, maximumMapSize: Int = 1 << 40, chunkEvents: Int = 100_000,
            afterChunk: (@Sendable (_ committed: Int) throws -> Void)? = nil
        ) {
            self.masterKey = masterKey
            self.mapSize = mapSize
            self.maximumMapSize = maximumMapSize
            self.chunkEvents = max(1, chunkEvents)
            self.afterChunk = afterChunk
        }
    }

    /// Opens the store in `directory`, creating the folder and the store if
    /// they do not exist, and bringing the projections up to date. A store of
    /// format 5 or older is first sealed (`sealOlderStore`).
    public convenience init(directory: String, options: Options) throws {
        let sealingChunks = try Self.sealOlderStore(directory: directory, options: options)
        try self.init(opening: directory, options: options, committed: sealingChunks)
    }

    /// Stores of format 5 and older hold names and free text in clear. They
    /// are converted in place (crash-safe, resumable: `upgradeLog`), their
    /// tables (keyed by name) emptied, and the file then replaced by a
    /// compacted copy: LMDB leaves the pages a transaction frees in the file
    /// until they are reused, so without the copy the old clear text would
    /// stay readable with `strings`. The tables are rebuilt by the open that
    /// follows. Until the copy replaces it, the file keeps the new format
    /// number, so an older coachlogd refuses it and the next open resumes.
    ///
    /// Returns how many transactions it committed, which `afterChunk` counts on from.
    static func sealOlderStore(directory: String, options: Options) throws -> Int {
        // An unreadable or foreign file is left to the open that follows, which says what is wrong.
        guard let peeked = (try? peek(directory)) ?? nil, peeked.format < sealedFormat || peeked.clearPages else { return 0 }
        var upgrading = options
        upgrading.deferringReadModel = true
        let committed: Int
        do {
            let store = try EventStore(opening: directory, options: upgrading)
            committed = store.openingChunks
            try store.environment.write { txn in
                try store.resetProjections(txn)
                // Kept until the copy has replaced the file: a crash before that leaves it,
                // and the next open copies again.
                try txn.put(store.tables.meta, key: MetaKey.clearPages, value: [1])
            }
            try store.replaceWithCompactedCopy()
        }
        // The copy holds the marker too; it goes once the copy is the data file.
        let store = try EventStore(opening: directory, options: upgrading)
        try store.environment.write { txn in try txn.delete(store.tables.meta, key: MetaKey.clearPages) }
        return committed
    }

    /// Whether a store is sealed with a master key, as a daemon must know
    /// before it may make one.
    public enum SealingState: Sendable, Equatable {
        /// No data file, or an empty one: a new store, sealed with the key it is given.
        case noStore
        /// A store of an older format, in clear: the first open seals it with the key it is given.
        case unsealed
        /// Sealed with the master key of this fingerprint, and no other.
        case sealed(fingerprint: String)
    }

    /// The sealing of the store in `directory`, read without taking the
    /// folder's lock (read-only, without LMDB's lock file: it changes
    /// nothing). Throws when the file cannot be read or is not a CoachLog
    /// store, so that a caller never takes an unreadable store for a new one.
    public static func sealingState(directory: String) throws -> SealingState {
        do {
            guard let peeked = try peek(directory) else { return .noStore }
            return peeked.fingerprint.map { .sealed(fingerprint: $0) } ?? .unsealed
        } catch {
            throw StoreError.from(error)
        }
    }

    /// What an open must know before it takes the folder's lock: the store's
    /// format, whether an earlier sealing left clear pages to copy away, and
    /// the master key's fingerprint; nil when there is no store yet. Read-only
    /// and without LMDB's lock file, so it changes nothing, with a small map:
    /// LMDB maps the whole file anyway, and this must not need 64 GiB of
    /// address space.
    static func peek(_ directory: String) throws -> (format: UInt64, clearPages: Bool, fingerprint: String?)? {
        let path = directory + "/" + dataFileName
        guard try checkDataFile(path) else { return nil }
        let environment = try openEnvironment(
            path, options: Options(masterKey: .random(), mapSize: 1 << 20), readOnly: true)
        return try environment.read { txn in
            let (meta, format) = try storedFormat(txn, path: path)
            return (
                format, try txn.get(meta, key: MetaKey.clearPages) != nil,
                try txn.get(meta, key: MetaKey.masterKey).map { String(decoding: $0, as: UTF8.self) }
            )
        }
    }

    /// Writes a compacted copy beside the data file, syncs it, and renames it
    /// over the data file: the free pages, which may hold an older format's
    /// clear text, are not copied.
    func replaceWithCompactedCopy() throws {
        let temporary = dataFilePath + ".sealing"
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw StoreError(.unavailable, "cannot create \(temporary): \(String(cString: strerror(errno))); check the data folder")
        }
        do {
            try environment.copy(to: fd, compact: true)
            guard fsync(fd) == 0 else { throw StoreError(.unavailable, "cannot sync \(temporary)") }
            close(fd)
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        guard rename(temporary, dataFilePath) == 0 else {
            unlink(temporary)
            throw StoreError(.unavailable, "cannot replace \(dataFilePath): \(String(cString: strerror(errno)))")
        }
        let folder = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folder >= 0 {
            fsync(folder)
            close(folder)
        }
    }

    private init(opening directory: String, options: Options, committed before: Int = 0) throws {
        self.directory = directory
        self.dataFilePath = directory + "/" + Self.dataFileName
        self.options = options
        self.ring = KeyRing(master: options.masterKey)
        try Self.ensureDirectory(directory)
        lockDescriptor = try Self.lockDirectory(directory)
        do {
            let existing = try Self.checkDataFile(dataFilePath)
            environment = try Self.openEnvironment(dataFilePath, options: options, readOnly: false)
            tables = try Self.openTables(environment, existing: existing, path: dataFilePath)
            try environment.write { txn in
                _ = try Self.openRing(txn, tables, masterKey: options.masterKey, path: dataFilePath, creating: true, into: ring)
            }
        } catch {
            close(lockDescriptor)
            throw StoreError.from(error)
        }
        do {
            var committed = before
            try upgradeLog(committed: &committed)
            try extendChain(committed: &committed)
            if !options.deferringReadModel { try openReadModel(committed: &committed) }
            openingChunks = committed
        } catch {
            throw StoreError.from(error)
        }
    }

    deinit {
        close(lockDescriptor)
    }

    /// Loads the read model of a store opened with `deferringReadModel`: the
    /// tables behind the log, then the log after their checkpoint.
    public func loadReadModel() throws {
        do {
            var committed = 0
            try openReadModel(committed: &committed)
        } catch {
            throw StoreError.from(error)
        }
    }

    /// Refuses what needs the read model before it is loaded.
    func requireReadModel() throws {
        guard holder.lock.withReadLock({ holder.loaded }) else { throw Self.stillLoading }
    }

    static let stillLoading = StoreError(.unavailable, "coachlogd is still loading its projections; retry in a moment")

    // MARK: Opening

    /// Creates the data folder if it does not exist and checks that this
    /// process may write in it: so that a daemon says what is wrong with its
    /// folder before it looks for anything else (such as its master key).
    public static func prepareFolder(_ path: String) throws {
        do {
            try ensureDirectory(path)
            guard access(path, W_OK | X_OK) == 0 else {
                throw StoreError(
                    .unavailable,
                    "cannot write in the data folder \(path): \(String(cString: strerror(errno))); give the daemon's user write access or choose another --data folder"
                )
            }
        } catch {
            throw StoreError.from(error)
        }
    }

    static func ensureDirectory(_ path: String) throws {
        var st = stat()
        if stat(path, &st) == 0 {
            guard st.st_mode & S_IFMT == S_IFDIR else {
                throw StoreError(.format, "\(path) exists but is not a folder; give --data a folder")
            }
            return
        }
        do {
            try POSIX.makeFolders(path, mode: 0o700)
        } catch {
            throw StoreError(.unavailable, "cannot create the data folder \(path): \(error.message)")
        }
    }

    /// `readOnly` opens with MDB_RDONLY | MDB_NOLOCK: the caller holds the
    /// folder lock shared, so no writer can exist meanwhile.
    static func openEnvironment(_ path: String, options: Options, readOnly: Bool) throws -> Environment {
        do {
            return try Environment(
                path: path,
                options: .init(
                    mapSize: options.mapSize, maxDatabases: UInt32(Tables.names.count + 4),
                    maximumMapSize: options.maximumMapSize, readOnlySnapshot: readOnly))
        } catch {
            guard error.isInvalidFile else { throw error }
            throw StoreError(
                .format, "\(path) is not a CoachLog store (LMDB says: \(error.message)); it was left untouched",
                lmdbCode: error.code)
        }
    }

    static func lockDirectory(_ directory: String) throws -> Int32 {
        let path = directory + "/" + lockFileName
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw StoreError(.unavailable, "cannot open \(path): \(reason); check the data folder's permissions")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let holder = lockHolder(fd)
            close(fd)
            throw StoreError(
                .locked,
                "the data folder \(directory) is already in use by \(holder); stop it first or choose another --data folder"
            )
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, pid, pid.count, 0)
        return fd
    }

    /// Takes the folder lock shared, for reading a stopped store: a daemon
    /// (which takes it exclusively) cannot start meanwhile, and a running one
    /// makes this fail. Never writes or creates the lock file. Nil when there
    /// is none, so no daemon ever ran here (each creates it first and leaves it):
    /// a backup copied into a new folder. Creating it instead would leave a
    /// file the daemon's user may not be able to open (verify run as root).
    static func lockDirectoryShared(_ directory: String) throws -> Int32? {
        let path = directory + "/" + lockFileName
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 && errno == ENOENT { return nil }
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw StoreError(.unavailable, "cannot open \(path): \(reason); check the data folder's permissions")
        }
        if flock(fd, LOCK_SH | LOCK_NB) != 0 {
            let holder = lockHolder(fd)
            close(fd)
            throw StoreError(
                .locked,
                "the data folder \(directory) is in use by \(holder); verify checks a stopped store: stop the daemon first, or verify a backup"
            )
        }
        return fd
    }

    /// Who holds the folder lock, for messages: the pid a daemon wrote, if
    /// that process is alive (a shared holder such as `verify` writes none).
    static func lockHolder(_ fd: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = pread(fd, &buffer, 31, 0)
        let text = n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self).trimmingNewline : ""
        if let pid = Int32(text), pid > 0, kill(pid, 0) == 0 || errno == EPERM { return "process \(pid)" }
        return "another process (a running coachlogd verify, perhaps)"
    }

    /// Looks at the file before LMDB does, so that a foreign file is never
    /// touched. Returns whether a non-empty file exists.
    static func checkDataFile(_ path: String) throws -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return false }
            let reason = String(cString: strerror(errno))
            throw StoreError(.unavailable, "cannot read \(path): \(reason); check its permissions")
        }
        defer { close(fd) }
        var header = [UInt8](repeating: 0, count: 20)
        let n = Glibc.read(fd, &header, 20)
        if n == 0 { return false }
        // LMDB's first meta page: an 16-byte page header, then the magic 0xBEEFC0DE (little-endian).
        guard n == 20, header[16..<20].elementsEqual([0xDE, 0xC0, 0xEF, 0xBE]) else {
            throw StoreError(.format, "\(path) is not a CoachLog store (not an LMDB file); it was left untouched")
        }
        return true
    }

    static func openTables(_ env: Environment, existing: Bool, path: String) throws -> Tables {
        try env.write { txn in
            let format = existing ? try storedFormat(txn, path: path).format : nil
            // Only format 7 and later keep a chain: an older store holding one had its format number set
            // back, which would have the upgrade below hash an edited log as if it were the record.
            if let format, format < formatVersion, let chain = try existingDatabase(txn, "chain"), try txn.count(chain) > 0 {
                throw StoreError(
                    .format,
                    "\(path) says store format \(format), older than the hash chain, yet holds a hash chain: its format number was set back behind coachlogd's back. It was left untouched; restore a backup that verifies (coachlogd restore)"
                )
            }
            let tables = try Tables(txn, create: true)
            if let format, format < sealedFormat {
                // Format 1 kept stream versions in `streams`; from 2 on nothing updates
                // it, so empty it.
                if format == 1 { try txn.clear(try txn.openDatabase("streams", create: true)) }
                // Formats 1 and 2 stored enum positions: `upgradeLog` converts the log
                // in chunks from this marker on, and the projections (older version)
                // are rebuilt after it. The new format number, written in the same
                // transaction, makes older binaries refuse the half-converted file.
                // Format 4 only added event types (the corrections, codes 7–14):
                // nothing stored changes, but a binary of format 3 must not read a
                // log that may hold codes it does not know. Format 5 changes no
                // byte either (a format-4 store's tables end at its head), but a
                // format-4 binary would not fold a format-5 log's tail into the
                // indexes, so it must refuse the file.
                // Format 6 seals names and free text: every envelope is rewritten, and the
                // file is then replaced by a compacted copy (`sealOlderStore`).
                try txn.put(tables.meta, key: MetaKey.upgradeNext, value: bigEndianKey(1))
                try txn.put(tables.meta, key: MetaKey.clearPages, value: [1])
                // The look-alike index of format 5 and older held folded names in clear.
                if let folds = try existingDatabase(txn, "peopleByFold") { try txn.drop(folds) }
            }
            if let format, format < formatVersion {
                // Format 7 chains the log: `extendChain` hashes the events already
                // there (after `upgradeLog` has rewritten them) from this marker on. An older
                // format has no chain; whatever such a file holds under that name is not one.
                try txn.clear(tables.chain)
                try txn.put(tables.meta, key: MetaKey.chainNext, value: bigEndianKey(1))
                try txn.put(tables.meta, key: MetaKey.format, value: bigEndianKey(formatVersion))
            }
            if !existing {
                try txn.put(tables.meta, key: MetaKey.marker, value: MetaKey.markerValue)
                try txn.put(tables.meta, key: MetaKey.format, value: bigEndianKey(formatVersion))
                try txn.put(tables.meta, key: MetaKey.projectionVersion, value: bigEndianKey(projectionVersion))
                try txn.put(tables.meta, key: MetaKey.checkpoint, value: bigEndianKey(0))
            }
            return tables
        }
    }

    /// The named database, or nil when the file has none of that name.
    static func existingDatabase(_ txn: Transaction, _ name: String) throws -> Database? {
        let result = Result { () throws(LMDBError) -> Database in try txn.openDatabase(name, create: false) }
        switch result {
        case .success(let database): return database
        case .failure(let error) where error.isNotFound: return nil
        case .failure(let error): throw error
        }
    }

    /// The `meta` table and format of an existing file, refusing anything that
    /// is not a CoachLog store this binary can read.
    static func storedFormat(_ txn: Transaction, path: String) throws -> (meta: Database, format: UInt64) {
        guard let meta = try existingDatabase(txn, "meta"),
            try txn.get(meta, key: MetaKey.marker) == MetaKey.markerValue
        else {
            throw StoreError(.format, "\(path) is an LMDB file but not a CoachLog store; it was left untouched")
        }
        let format = try txn.withValue(meta, key: MetaKey.format) { decodeBigEndian($0) } ?? nil
        guard let format else { throw StoreError(.format, "\(path) has no format version; it was left untouched") }
        guard format <= formatVersion else {
            throw StoreError(
                .format,
                "\(path) was written by a newer CoachLog (store format \(format)); this coachlogd reads format \(formatVersion) or older. Upgrade coachlogd; the file was left untouched"
            )
        }
        return (meta, format)
    }

    // MARK: Keys

    /// Loads the keys table into `ring` (a new one when nil), after checking
    /// that `masterKey` is the store's. `creating` records the fingerprint in
    /// a store that has none (a new store, or one being upgraded).
    @discardableResult
    static func openRing(
        _ txn: Transaction, _ tables: Tables, masterKey: MasterKey, path: String, creating: Bool, into ring: KeyRing? = nil
    ) throws -> KeyRing {
        let stored = try txn.get(tables.meta, key: MetaKey.masterKey).map { String(decoding: $0, as: UTF8.self) }
        switch stored {
        case masterKey.fingerprint: break
        case nil where creating:
            try txn.put(tables.meta, key: MetaKey.masterKey, value: Array(masterKey.fingerprint.utf8))
        case nil:
            throw StoreError(.format, "\(path) records no master key; open it with coachlogd once to upgrade it")
        case let other?:
            throw StoreError(
                .format,
                "\(path) is sealed with master key \(other), but the key given has fingerprint \(masterKey.fingerprint); start coachlogd with the store's own key file (--master-key); without it the records cannot be read"
            )
        }
        let ring = ring ?? KeyRing(master: masterKey)
        try ring.load(txn, tables.keys)
        return ring
    }

    // MARK: Positions

    /// The position of the last stored event (0 when empty).
    public func headPosition() throws -> UInt64 {
        do {
            return try environment.read { txn in try Self.head(txn, tables) }
        } catch {
            throw StoreError.from(error)
        }
    }

    /// The position the projections queries run on include (0 before any event).
    public func projectedPosition() throws -> UInt64 {
        holder.lock.withReadLock { holder.position }
    }

    static func head(_ txn: Transaction, _ tables: Tables) throws -> UInt64 {
        guard let last = try txn.last(tables.log) else { return 0 }
        return last.key.withUnsafeBytes { decodeBigEndian($0) } ?? 0
    }

    static func checkpoint(_ txn: Transaction, _ tables: Tables) throws -> UInt64 {
        (try txn.withValue(tables.meta, key: MetaKey.checkpoint) { decodeBigEndian($0) } ?? nil) ?? 0
    }
}

extension String {
    var trimmingNewline: String {
        var s = self
        while s.last == "\n" || s.last == "\0" { s.removeLast() }
        return s
    }
}

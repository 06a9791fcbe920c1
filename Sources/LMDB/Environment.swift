import CLMDB
import CoachLogPOSIX

#if canImport(Glibc)
import Glibc
#endif

/// An open LMDB environment (one data file, opened with `MDB_NOSUBDIR`).
///
/// Guarantees:
/// - Write transactions are durable when `write` returns: the environment is
///   never opened with `MDB_NOSYNC`. `write(syncingMeta: false)` is the one
///   exception, for data that can be rebuilt (see there).
/// - Read transactions use `MDB_NOTLS`, so any thread may read while the
///   single writer writes; readers never block the writer.
/// - A full map (`MDB_MAP_FULL`) grows the map and the write is retried, so
///   callers never see that error while the disk has room.
/// - Stale reader slots left by crashed processes are cleared at open
///   (except in a read-only snapshot, which touches no lock file).
///
/// Safe to share across threads: LMDB's environment handle is thread-safe,
/// and the one piece of state Swift owns (the map size, changed only while
/// no transaction is active in this process) is guarded by `gate`.
public final class Environment: @unchecked Sendable {
    public struct Options: Sendable {
        public var mapSize: Int
        public var maxDatabases: UInt32
        public var maxReaders: UInt32
        /// Largest map the environment may grow to.
        public var maximumMapSize: Int
        public var fileMode: mode_t
        /// Open read-only without a lock file (MDB_RDONLY | MDB_NOLOCK): not one
        /// byte of the data file is written, no lock file is created or used,
        /// and write transactions fail. The caller must make sure that no
        /// process writes the file meanwhile: a backup copy nobody else uses, or
        /// a store whose folder lock the caller holds.
        public var readOnlySnapshot: Bool

        public init(
            mapSize: Int = 1 << 36, maxDatabases: UInt32 = 16, maxReaders: UInt32 = 1024,
            maximumMapSize: Int = 1 << 40, fileMode: mode_t = 0o600, readOnlySnapshot: Bool = false
        ) {
            self.readOnlySnapshot = readOnlySnapshot
            self.mapSize = mapSize
            self.maxDatabases = maxDatabases
            self.maxReaders = maxReaders
            self.maximumMapSize = maximumMapSize
            self.fileMode = fileMode
        }
    }

    let handle: OpaquePointer
    public let path: String
    let options: Options
    /// Readers and the writer hold it shared; growing the map holds it
    /// exclusively, because `mdb_env_set_mapsize` needs no live transaction.
    private let gate = ReadWriteLock()
    /// Held by each write transaction from its flags to its commit (LMDB's own
    /// writer lock is taken only at begin).
    private let writing = ReadWriteLock()
    private var currentMapSize: Int

    /// Opens (creating if needed) the LMDB file at `path`.
    public init(path: String, options: Options = Options()) throws(LMDBError) {
        var env: OpaquePointer?
        try check(mdb_env_create(&env), "mdb_env_create")
        guard let env else { throw LMDBError(code: EINVAL, operation: "mdb_env_create") }
        do {
            try check(mdb_env_set_maxdbs(env, MDB_dbi(options.maxDatabases)), "mdb_env_set_maxdbs")
            try check(mdb_env_set_maxreaders(env, options.maxReaders), "mdb_env_set_maxreaders")
            try check(mdb_env_set_mapsize(env, options.mapSize), "mdb_env_set_mapsize")
            var flags = UInt32(MDB_NOSUBDIR | MDB_NOTLS)
            if options.readOnlySnapshot { flags |= UInt32(MDB_RDONLY | MDB_NOLOCK) }
            try check(mdb_env_open(env, path, flags, options.fileMode), "mdb_env_open(\(path))")
            if !options.readOnlySnapshot {
                var dead: Int32 = 0
                try check(mdb_reader_check(env, &dead), "mdb_reader_check")
            }
        } catch {
            mdb_env_close(env)
            throw error
        }
        self.handle = env
        self.path = path
        self.options = options
        var info = MDB_envinfo()
        mdb_env_info(env, &info)
        self.currentMapSize = max(options.mapSize, info.me_mapsize)
    }

    deinit {
        mdb_env_close(handle)
    }

    /// The current map size in bytes.
    public var mapSize: Int {
        gate.withReadLock { currentMapSize }
    }

    /// Runs `body` in a read-only snapshot. Nothing `body` sees changes while it runs.
    public func read<T>(_ body: (Transaction) throws -> T) throws -> T {
        try gate.withReadLock {
            let txn = try Transaction.begin(env: handle, parent: nil, readOnly: true)
            defer { txn.abort() }
            return try body(txn)
        }
    }

    /// Runs `body` in a write transaction and commits it durably when `body`
    /// returns; aborts if `body` throws. If the map is full, the map grows and
    /// `body` runs again from the start, so it must not have side effects
    /// outside the transaction that a second run would repeat wrongly.
    ///
    /// Must always be called from the same thread for a given environment
    /// while it runs (LMDB ties write transactions to a thread).
    ///
    /// `syncingMeta: false` commits with `MDB_NOMETASYNC`: the data pages are
    /// flushed (`fdatasync`) but the new meta page is only written, not
    /// flushed, so the commit costs one flush instead of two. It becomes
    /// durable when the next synced commit flushes the file. Integrity holds
    /// across an OS crash: the data pages reached the disk before the meta
    /// page that points at them could, and LMDB never reuses the pages the
    /// previous transaction freed, so falling back to the older meta page
    /// finds its tree intact. Only for what can be recomputed from data
    /// that was synced: a crash may lose the commit.
    @discardableResult
    public func write<T>(syncingMeta: Bool = true, _ body: (Transaction) throws -> T) throws -> T {
        while true {
            do {
                return try gate.withReadLock {
                    // The flag is the environment's, not the transaction's (LMDB 0.9 takes
                    // no per-transaction sync flags): `writing` holds every other write of
                    // this process off from setting it to the reset, so a synced commit
                    // can never run with it set.
                    try writing.withWriteLock {
                        if !syncingMeta { try setMetaSync(off: true) }
                        defer {
                            // A failure here would leave later commits unsynced: never go on.
                            if !syncingMeta, (try? setMetaSync(off: false)) == nil {
                                preconditionFailure("cannot turn LMDB's meta page sync back on")
                            }
                        }
                        return try Transaction.committing(env: handle, parent: nil, body)
                    }
                }
            } catch let error as LMDBError where error.isMapFull {
                try growMap()
            } catch let error as LMDBError where error.code == EIO && fileSystemIsFull() {
                // LMDB reports a short write of data pages -- the file system filled up
                // in the middle of the write -- as EIO ("short write, filesystem full?" in
                // mdb_page_flush). Say what it is, so that callers see a full disk (retry
                // later) rather than an I/O failure. The transaction was aborted: nothing
                // of it is visible, and the environment stays usable.
                throw LMDBError(code: ENOSPC, operation: "\(error.operation) (a short write: the file system is full)")
            }
        }
    }

    private func setMetaSync(off: Bool) throws(LMDBError) {
        let status = mdb_env_set_flags(handle, UInt32(MDB_NOMETASYNC), off ? 1 : 0)
        guard status == 0 else { throw LMDBError(code: status, operation: "mdb_env_set_flags(MDB_NOMETASYNC)") }
    }

    /// True when the file system holding the data file has (almost) no space left for us.
    func fileSystemIsFull() -> Bool {
        var fs = statvfs()
        guard statvfs(path, &fs) == 0 else { return false }
        let blocks = geteuid() == 0 ? fs.f_bfree : fs.f_bavail
        return UInt64(blocks) * UInt64(fs.f_frsize) < 1 << 20
    }

    /// Doubles the map (up to `maximumMapSize`).
    public func growMap() throws(LMDBError) {
        try gate.withWriteLock { () throws(LMDBError) in
            let next = min(currentMapSize * 2, options.maximumMapSize)
            guard next > currentMapSize else { throw LMDBError(code: MDB_MAP_FULL, operation: "grow map beyond its maximum") }
            try check(mdb_env_set_mapsize(handle, next), "mdb_env_set_mapsize")
            currentMapSize = next
        }
    }

    /// Opens (and creates, if `create`) a named database. Uses its own write transaction.
    public func openDatabase(_ name: String, create: Bool = true) throws -> Database {
        try write { txn in try txn.openDatabase(name, create: create) }
    }

    /// Writes a consistent copy of the environment to the open file descriptor.
    /// With `compact`, free pages are omitted and the copy is renumbered.
    /// Runs inside its own read transaction, so writers go on meanwhile.
    public func copy(to fileDescriptor: Int32, compact: Bool) throws(LMDBError) {
        try gate.withReadLock { () throws(LMDBError) in
            try check(
                mdb_env_copyfd2(handle, fileDescriptor, compact ? UInt32(MDB_CP_COMPACT) : 0),
                "mdb_env_copyfd2")
        }
    }

    /// Size of the data file's used part: last used page × page size.
    public func usedBytes() -> Int {
        // These read the meta pages through the map: not while it is being remapped.
        gate.withReadLock {
            var info = MDB_envinfo()
            var stat = MDB_stat()
            mdb_env_info(handle, &info)
            mdb_env_stat(handle, &stat)
            return (info.me_last_pgno + 1) * Int(stat.ms_psize)
        }
    }
}

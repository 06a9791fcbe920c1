import CLMDB

/// A named database inside an environment. A plain handle: valid for the
/// environment's lifetime once the transaction that opened it committed.
public struct Database: Sendable, Hashable {
    let dbi: MDB_dbi
}

/// Flags for `Transaction.put`.
public struct PutFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// The key is known to sort after every existing key (cheap appends to a log).
    public static let append = PutFlags(rawValue: UInt32(MDB_APPEND))
    /// Fail with `MDB_KEYEXIST` instead of replacing an existing value.
    public static let noOverwrite = PutFlags(rawValue: UInt32(MDB_NOOVERWRITE))
}

/// An LMDB transaction, valid only inside the closure that received it.
///
/// Values handed out by `withValue` point into the memory map and are only
/// valid inside that closure; `get` copies.
public struct Transaction {
    let handle: OpaquePointer
    public let isReadOnly: Bool

    static func begin(env: OpaquePointer, parent: OpaquePointer?, readOnly: Bool) throws(LMDBError) -> Transaction {
        var txn: OpaquePointer?
        try check(mdb_txn_begin(env, parent, readOnly ? UInt32(MDB_RDONLY) : 0, &txn), "mdb_txn_begin")
        guard let txn else { throw LMDBError(code: MDB_BAD_TXN, operation: "mdb_txn_begin") }
        return Transaction(handle: txn, isReadOnly: readOnly)
    }

    func commit() throws(LMDBError) {
        try check(mdb_txn_commit(handle), "mdb_txn_commit")
    }

    func abort() {
        mdb_txn_abort(handle)
    }

    /// Runs `body` in a nested write transaction: its changes become part of
    /// this transaction if it returns, and vanish if it throws, leaving this
    /// transaction as it was. This is what lets one caller's invalid append
    /// fail alone inside a group commit.
    @discardableResult
    public func nested<T>(_ body: (Transaction) throws -> T) throws -> T {
        precondition(!isReadOnly, "nested transactions need a write transaction")
        guard let parentEnv = mdb_txn_env(handle) else { throw LMDBError(code: MDB_BAD_TXN, operation: "mdb_txn_env") }
        return try Transaction.committing(env: parentEnv, parent: handle, body)
    }

    /// Begins a write transaction, runs `body` in it and commits it; aborts it
    /// if `body` throws.
    static func committing<T>(env: OpaquePointer, parent: OpaquePointer?, _ body: (Transaction) throws -> T) throws -> T {
        let txn = try Transaction.begin(env: env, parent: parent, readOnly: false)
        let result: T
        do {
            result = try body(txn)
        } catch {
            txn.abort()
            throw error
        }
        try txn.commit()
        return result
    }

    public func openDatabase(_ name: String, create: Bool) throws(LMDBError) -> Database {
        var dbi: MDB_dbi = 0
        let flags = create ? UInt32(MDB_CREATE) : 0
        try check(mdb_dbi_open(handle, name, flags, &dbi), "mdb_dbi_open(\(name))")
        return Database(dbi: dbi)
    }

    /// Calls `body` with the value stored under `key`, without copying it; nil if absent.
    public func withValue<T>(
        _ db: Database, key: [UInt8], _ body: (UnsafeRawBufferPointer) throws -> T
    ) throws -> T? {
        try key.withUnsafeBytes { keyBytes in
            var k = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
            var v = MDB_val()
            let rc = mdb_get(handle, db.dbi, &k, &v)
            if rc == MDB_NOTFOUND { return nil }
            try check(rc, "mdb_get")
            return try body(UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size))
        }
    }

    /// A copy of the value stored under `key`, or nil.
    public func get(_ db: Database, key: [UInt8]) throws -> [UInt8]? {
        try withValue(db, key: key) { Array($0.bindMemory(to: UInt8.self)) }
    }

    public func contains(_ db: Database, key: [UInt8]) throws -> Bool {
        try withValue(db, key: key) { _ in true } ?? false
    }

    /// Stores `value` under `key`. With `.noOverwrite`, returns false (and
    /// stores nothing) when the key exists.
    @discardableResult
    public func put(
        _ db: Database, key: [UInt8], value: [UInt8], flags: PutFlags = []
    ) throws(LMDBError) -> Bool {
        let rc = key.withUnsafeBytes { keyBytes in
            value.withUnsafeBytes { valueBytes in
                var k = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
                var v = MDB_val(mv_size: valueBytes.count, mv_data: UnsafeMutableRawPointer(mutating: valueBytes.baseAddress))
                return mdb_put(handle, db.dbi, &k, &v, flags.rawValue)
            }
        }
        if rc == MDB_KEYEXIST, flags.contains(.noOverwrite) { return false }
        try check(rc, "mdb_put")
        return true
    }

    /// Removes the entry stored under `key`; false when there was none.
    @discardableResult
    public func delete(_ db: Database, key: [UInt8]) throws(LMDBError) -> Bool {
        let rc = key.withUnsafeBytes { keyBytes in
            var k = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
            return mdb_del(handle, db.dbi, &k, nil)
        }
        if rc == MDB_NOTFOUND { return false }
        try check(rc, "mdb_del")
        return true
    }

    /// Removes every entry of `db`, keeping the database itself.
    public func clear(_ db: Database) throws(LMDBError) {
        try check(mdb_drop(handle, db.dbi, 0), "mdb_drop")
    }

    /// Deletes `db` from the file, its name included; its handle is closed.
    public func drop(_ db: Database) throws(LMDBError) {
        try check(mdb_drop(handle, db.dbi, 1), "mdb_drop")
    }

    /// Number of entries in `db`.
    public func count(_ db: Database) throws(LMDBError) -> Int {
        var stat = MDB_stat()
        try check(mdb_stat(handle, db.dbi, &stat), "mdb_stat")
        return stat.ms_entries
    }

    /// Visits entries in key order starting at the first key >= `start`
    /// (or the first key), until `body` returns false or the keys run out.
    public func scan(
        _ db: Database, from start: [UInt8]? = nil,
        _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        var cursor: OpaquePointer?
        try check(mdb_cursor_open(handle, db.dbi, &cursor), "mdb_cursor_open")
        defer { mdb_cursor_close(cursor) }
        var k = MDB_val()
        var v = MDB_val()
        var rc: Int32
        if let start {
            rc = start.withUnsafeBytes { bytes in
                k = MDB_val(mv_size: bytes.count, mv_data: UnsafeMutableRawPointer(mutating: bytes.baseAddress))
                return mdb_cursor_get(cursor, &k, &v, MDB_SET_RANGE)
            }
        } else {
            rc = mdb_cursor_get(cursor, &k, &v, MDB_FIRST)
        }
        while rc == MDB_SUCCESS {
            let keep = try body(
                UnsafeRawBufferPointer(start: k.mv_data, count: k.mv_size),
                UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size))
            if !keep { return }
            rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT)
        }
        if rc != MDB_NOTFOUND { try check(rc, "mdb_cursor_get") }
    }

    /// Visits the entries whose key starts with `prefix`, in key order.
    public func scan(
        _ db: Database, prefix: [UInt8],
        _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        try scan(db, from: prefix) { key, value in
            guard key.count >= prefix.count, key.prefix(prefix.count).elementsEqual(prefix) else { return false }
            return try body(key, value)
        }
    }

    /// The value of the greatest key that starts with `prefix`, copied; nil when there is none.
    public func lastValue(_ db: Database, prefix: [UInt8]) throws -> [UInt8]? {
        var cursor: OpaquePointer?
        try check(mdb_cursor_open(handle, db.dbi, &cursor), "mdb_cursor_open")
        defer { mdb_cursor_close(cursor) }
        // Seek just past every key with the prefix, then step back one.
        let beyond = prefix + [UInt8](repeating: 0xFF, count: 16)
        var k = MDB_val()
        var v = MDB_val()
        var rc = beyond.withUnsafeBytes { bytes in
            k = MDB_val(mv_size: bytes.count, mv_data: UnsafeMutableRawPointer(mutating: bytes.baseAddress))
            return mdb_cursor_get(cursor, &k, &v, MDB_SET_RANGE)
        }
        rc = rc == MDB_NOTFOUND ? mdb_cursor_get(cursor, &k, &v, MDB_LAST) : mdb_cursor_get(cursor, &k, &v, MDB_PREV)
        if rc == MDB_NOTFOUND { return nil }
        try check(rc, "mdb_cursor_get")
        let key = UnsafeRawBufferPointer(start: k.mv_data, count: k.mv_size)
        guard key.count >= prefix.count, key.prefix(prefix.count).elementsEqual(prefix) else { return nil }
        return Array(UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size))
    }

    /// The last (greatest) key and its value, copied; nil when `db` is empty.
    public func last(_ db: Database) throws -> (key: [UInt8], value: [UInt8])? {
        var cursor: OpaquePointer?
        try check(mdb_cursor_open(handle, db.dbi, &cursor), "mdb_cursor_open")
        defer { mdb_cursor_close(cursor) }
        var k = MDB_val()
        var v = MDB_val()
        let rc = mdb_cursor_get(cursor, &k, &v, MDB_LAST)
        if rc == MDB_NOTFOUND { return nil }
        try check(rc, "mdb_cursor_get")
        return (
            Array(UnsafeRawBufferPointer(start: k.mv_data, count: k.mv_size)),
            Array(UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size))
        )
    }
}

import CLMDB

#if canImport(Glibc)
import Glibc
#endif

/// A failed LMDB call: the operation, LMDB's (or the OS's) error code, and
/// LMDB's own description of it.
public struct LMDBError: Error, Sendable, Equatable, CustomStringConvertible {
    /// LMDB's return code (`MDB_*`), or an `errno` value for OS failures.
    public let code: Int32
    /// The LMDB function that failed, e.g. `mdb_txn_commit`.
    public let operation: String
    public let message: String

    public init(code: Int32, operation: String) {
        self.code = code
        self.operation = operation
        self.message = String(cString: mdb_strerror(code))
    }

    public var description: String { "\(operation) failed: \(message) (code \(code))" }

    public var isMapFull: Bool { code == MDB_MAP_FULL }
    public var isNotFound: Bool { code == MDB_NOTFOUND }
    /// The file exists but is not an LMDB environment (or is of another LMDB version).
    public var isInvalidFile: Bool { code == MDB_INVALID || code == MDB_VERSION_MISMATCH }
    /// The disk is full or the quota exceeded: the caller can retry once space returns.
    public var isOutOfSpace: Bool { code == ENOSPC || code == EDQUOT }

    public static let mapFull = MDB_MAP_FULL
    public static let notFound = MDB_NOTFOUND
    public static let keyExists = MDB_KEYEXIST
}

/// Every LMDB call goes through here so that no return code is ignored.
@inline(__always)
func check(_ rc: Int32, _ operation: @autoclosure () -> String) throws(LMDBError) {
    if rc != MDB_SUCCESS { throw LMDBError(code: rc, operation: operation()) }
}

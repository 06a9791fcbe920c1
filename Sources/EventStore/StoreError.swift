import CoachLogProtocol
import CoachingDomain
import LMDB

/// Why the store refused or failed a request. One error type for the layer;
/// the server maps each `Kind` to exactly one wire error code.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// A rule of the brief was broken (`rule` names it). Nothing was written.
        case validation
        /// `expectedVersion` did not match, or an `eventId` was reused for other content.
        case conflict
        /// A projection or stream was asked about someone unknown.
        case notFound
        /// The request itself is unusable (a bad parameter).
        case badRequest
        /// The disk is full or the store cannot write now; retry later.
        case unavailable
        /// The data folder holds something that is not a usable CoachLog store.
        case format
        /// Another process has the data folder open.
        case locked
        /// An unexpected storage failure (corrupt data, LMDB error).
        case storage
    }

    public var kind: Kind
    public var message: String
    /// For `.validation`: the broken rule, e.g. `session.closed`.
    public var rule: String?
    /// The LMDB (or OS) error code behind a storage failure.
    public var lmdbCode: Int32?

    public init(_ kind: Kind, _ message: String, rule: String? = nil, lmdbCode: Int32? = nil) {
        self.kind = kind
        self.message = message
        self.rule = rule
        self.lmdbCode = lmdbCode
    }

    public var description: String { message }

    static func from(_ error: any Error) -> StoreError {
        switch error {
        case let e as StoreError: return e
        case let e as DomainError: return StoreError(.validation, e.message, rule: e.rule)
        case let e as NotFound: return StoreError(.notFound, e.message)
        case let e as LMDBError where e.isMapFull:
            return StoreError(
                .unavailable, "the store reached its largest allowed size (\(e.message)); archive it or raise the limit",
                lmdbCode: e.code)
        case let e as LMDBError where e.isOutOfSpace:
            return StoreError(
                .unavailable, "the disk holding the data folder is full (\(e.message)); free space and retry",
                lmdbCode: e.code)
        case let e as LMDBError:
            return StoreError(.storage, "storage failure: \(e.description)", lmdbCode: e.code)
        case is ByteReader.Corrupt:
            return StoreError(.storage, "the store holds a record that cannot be decoded; restore from a backup")
        default:
            return StoreError(.storage, "storage failure: \(error)")
        }
    }
}

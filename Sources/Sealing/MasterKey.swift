import CoachLogPOSIX
import Crypto
import HashChain

#if canImport(Glibc)
import Glibc
#endif

/// The key that wraps every salesperson's data key. It never enters the data
/// file: the store keeps only its fingerprint, so that it can tell a wrong
/// key from a damaged file.
///
/// On disk it is 32 random bytes written as 64 hexadecimal digits and a
/// newline, in a file only its owner may read (0600).
// SymmetricKey is immutable once made; swift-crypto 3 does not mark it Sendable.
public struct MasterKey: @unchecked Sendable {
    let key: SymmetricKey

    /// Eight bytes of a hash of the key, in hexadecimal: what a store records,
    /// and what messages show. It reveals nothing that helps recover the key.
    public let fingerprint: String

    public init(bytes: [UInt8]) throws(SealingError) {
        guard bytes.count == 32 else {
            throw SealingError("a master key is 32 bytes, not \(bytes.count)")
        }
        key = SymmetricKey(data: bytes)
        var hasher = SHA256()
        hasher.update(data: Array("coachlog master key fingerprint".utf8))
        hasher.update(data: bytes)
        fingerprint = Hex.string(Array(hasher.finalize().prefix(8)))
    }

    /// A new random key (not written anywhere).
    public static func random() -> MasterKey {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        // 32 bytes always make a key.
        return try! MasterKey(bytes: bytes)
    }

    /// Reads the key file at `path`.
    public static func load(path: String) throws(SealingError) -> MasterKey {
        try MasterKey(bytes: KeyFile.read(path, kind: .master))
    }

    /// Writes a new random key to `path` unless a key is there already (see
    /// `KeyFile.create`). Returns the key now in the file.
    public static func create(path: String) throws(SealingError) -> MasterKey {
        try MasterKey(bytes: KeyFile.create(path, kind: .master))
    }

    var bytes: [UInt8] { key.withUnsafeBytes { Array($0) } }
}

/// What went wrong with a key or a sealed value. `missing` marks a key file
/// that does not exist (the daemon may then create one for a new store).
public struct SealingError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var missing: Bool

    public init(_ message: String, missing: Bool = false) {
        self.message = message
        self.missing = missing
    }

    public var description: String { message }
}

/// Lower-case hexadecimal, for key files, fingerprints and pseudonyms.
public typealias Hex = HexDigits

import Crypto

/// The head of the log at one moment, signed with the daemon's Ed25519
/// key: a witness an operator or an auditor keeps apart from the data, and
/// that the store keeps too, so that a later rewrite of anything up to
/// `position` shows.
///
/// Guarantees: `isValid` holds only when `signature` is `publicKey`'s
/// Ed25519 signature of `message`, the bytes Protocol.md §4.6 documents; it
/// needs nothing but the public key.
public struct SignedHead: Sendable, Hashable {
    /// The last event the head covers (0: the empty log).
    public var position: UInt64
    /// That event's chain hash (`ChainHash.genesis` for the empty log).
    public var hash: ChainHash
    /// When it was signed, in milliseconds since 1970 (UTC).
    public var signedAtMilliseconds: Int64
    /// The signer's Ed25519 public key (32 bytes).
    public var publicKey: [UInt8]
    /// The Ed25519 signature of `message` (64 bytes).
    public var signature: [UInt8]

    public init(
        position: UInt64, hash: ChainHash, signedAtMilliseconds: Int64, publicKey: [UInt8], signature: [UInt8]
    ) {
        self.position = position
        self.hash = hash
        self.signedAtMilliseconds = signedAtMilliseconds
        self.publicKey = publicKey
        self.signature = signature
    }

    /// What is signed: the ASCII text `coachlog checkpoint 1`, a newline,
    /// then the position (8 bytes, big-endian), the hash (32 bytes) and the
    /// signing time (8 bytes, big-endian two's complement milliseconds).
    public static func message(position: UInt64, hash: ChainHash, signedAtMilliseconds: Int64) -> [UInt8] {
        var bytes = Array("coachlog checkpoint 1\n".utf8)
        bytes.reserveCapacity(bytes.count + 48)
        withUnsafeBytes(of: position.bigEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: hash.bytes)
        withUnsafeBytes(of: signedAtMilliseconds.bigEndian) { bytes.append(contentsOf: $0) }
        return bytes
    }

    public var message: [UInt8] {
        Self.message(position: position, hash: hash, signedAtMilliseconds: signedAtMilliseconds)
    }

    /// Whether the signature is `publicKey`'s over `message`.
    public var isValid: Bool { isSigned(by: publicKey) }

    /// Whether the signature is the given public key's over `message`: what
    /// an auditor holding only that key checks.
    public func isSigned(by publicKey: [UInt8]) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: message)
    }

    /// A short, stable name of a public key for messages: its first 8 bytes in hexadecimal.
    public static func fingerprint(of publicKey: [UInt8]) -> String { HexDigits.string(publicKey.prefix(8)) }

    // MARK: Stored form

    /// The value the store keeps under the position: hash, time, public key, signature.
    public var storedValue: [UInt8] {
        var bytes = hash.bytes
        withUnsafeBytes(of: signedAtMilliseconds.bigEndian) { bytes.append(contentsOf: $0) }
        return bytes + publicKey + signature
    }

    /// Nil when `value` is not a stored signed head.
    public init?(position: UInt64, storedValue value: some Collection<UInt8>) {
        let bytes = Array(value)
        guard bytes.count == 32 + 8 + 32 + 64, let hash = ChainHash(bytes: bytes[0..<32]) else { return nil }
        let time = bytes[32..<40].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        self.init(
            position: position, hash: hash, signedAtMilliseconds: Int64(bitPattern: time),
            publicKey: Array(bytes[40..<72]), signature: Array(bytes[72..<136]))
    }
}

/// The daemon's Ed25519 signing key. Like the master key it never enters
/// the data file; only signatures and the public key do.
// Curve25519.Signing.PrivateKey is immutable; swift-crypto 3 does not mark it Sendable.
public struct SigningKey: @unchecked Sendable {
    private let key: Curve25519.Signing.PrivateKey

    /// Nil unless `seed` is 32 bytes (the Ed25519 private key's seed).
    public init?(seed: [UInt8]) {
        guard seed.count == 32, let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed) else { return nil }
        self.key = key
    }

    public var publicKey: [UInt8] { Array(key.publicKey.rawRepresentation) }
    public var fingerprint: String { SignedHead.fingerprint(of: publicKey) }

    /// The head signed now (`signedAtMilliseconds`).
    public func sign(position: UInt64, hash: ChainHash, signedAtMilliseconds: Int64) throws -> SignedHead {
        let message = SignedHead.message(position: position, hash: hash, signedAtMilliseconds: signedAtMilliseconds)
        return SignedHead(
            position: position, hash: hash, signedAtMilliseconds: signedAtMilliseconds, publicKey: publicKey,
            signature: Array(try key.signature(for: message)))
    }
}

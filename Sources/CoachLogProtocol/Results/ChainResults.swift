import HashChain

/// The head of the log: its last position and that event's chain hash
/// (position 0 and 64 zeros, the genesis value, for an empty log).
public struct LogHead: Codable, Sendable, Equatable {
    public var position: UInt64
    public var hash: ChainHash

    public init(position: UInt64, hash: ChainHash) {
        self.position = position
        self.hash = hash
    }
}

/// What `checkpoint` answers (and `backup` carries): the head signed with
/// the daemon's Ed25519 key. Protocol.md §4.6 gives the signed bytes;
/// `signedHead.isSigned(by:)` checks it with the public key alone.
public struct CheckpointReply: WireResult {
    public var position: UInt64
    public var hash: ChainHash
    /// When it was signed; the signed value is its milliseconds since 1970.
    public var signedAt: Timestamp
    /// The daemon's Ed25519 public key, 64 hexadecimal digits.
    public var publicKey: String
    /// The Ed25519 signature, 128 hexadecimal digits.
    public var signature: String

    public init(_ head: SignedHead) {
        position = head.position
        hash = head.hash
        signedAt = Timestamp(milliseconds: head.signedAtMilliseconds)
        publicKey = HexDigits.string(head.publicKey)
        signature = HexDigits.string(head.signature)
    }

    /// The signed head it reports; nil when the key or signature is not hexadecimal.
    public var signedHead: SignedHead? {
        guard let key = HexDigits.bytes(publicKey), let signature = HexDigits.bytes(signature) else { return nil }
        return SignedHead(
            position: position, hash: hash, signedAtMilliseconds: signedAt.milliseconds, publicKey: key,
            signature: signature)
    }
}

import Crypto
import Foundation

/// The stable number a store gives each person (salesperson or coach) in
/// place of their name: every table and log record names people by it, so
/// that no name is ever stored in plain text.
public struct PersonID: Hashable, Sendable, Comparable {
    public let value: UInt64

    public init(_ value: UInt64) { self.value = value }

    /// A new random id (never 0).
    public static func random() -> PersonID {
        var generator = SystemRandomNumberGenerator()
        var value: UInt64 = 0
        while value == 0 { value = generator.next() }
        return PersonID(value)
    }

    /// What replies show instead of the name of a person whose key was
    /// destroyed: derived from the id alone, so it is the same in every reply,
    /// export and backup, and reveals nothing about the name.
    public var pseudonym: String { Self.pseudonymPrefix + Hex.string(bigEndianBytes) }

    public static let pseudonymPrefix = "erased-"

    /// The id a pseudonym was made from, or nil when `name` is not one.
    public init?(pseudonym name: String) {
        guard name.hasPrefix(Self.pseudonymPrefix),
            let bytes = Hex.bytes(String(name.dropFirst(Self.pseudonymPrefix.count))), bytes.count == 8
        else { return nil }
        self.value = bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }

    public var bigEndianBytes: [UInt8] { withUnsafeBytes(of: value.bigEndian, Array.init) }

    public static func < (a: PersonID, b: PersonID) -> Bool { a.value < b.value }
}

/// One person's data key (AES-256-GCM): it seals their name and their free
/// text. Destroying its wrapped copy erases them (crypto-shredding).
///
/// Every sealed value is nonce (12 bytes), ciphertext, tag (16 bytes), and
/// is bound to `context` (authenticated, not stored), so a sealed value moved
/// to another record or another person no longer opens.
// SymmetricKey is immutable once made; swift-crypto 3 does not mark it Sendable.
public struct DataKey: @unchecked Sendable {
    let key: SymmetricKey

    public static func random() -> DataKey { DataKey(key: SymmetricKey(size: .bits256)) }

    /// The key sealed with the master key, bound to the person's id.
    public func wrapped(by master: MasterKey, for id: PersonID) -> [UInt8] {
        let raw = key.withUnsafeBytes { Array($0) }
        return Self.seal(raw, key: master.key, context: Self.wrapContext(id))
    }

    public static func unwrap(_ wrapped: some Collection<UInt8>, by master: MasterKey, for id: PersonID) throws(SealingError)
        -> DataKey
    {
        guard let raw = open(wrapped, key: master.key, context: wrapContext(id)), raw.count == 32 else {
            throw SealingError(
                "the data key of person \(Hex.string(id.bigEndianBytes)) does not open with master key \(master.fingerprint): the file is damaged or the key is not this store's"
            )
        }
        return DataKey(key: SymmetricKey(data: raw))
    }

    public func seal(_ plaintext: some DataProtocol, context: [UInt8]) -> [UInt8] {
        Self.seal(plaintext, key: key, context: context)
    }

    /// Sealed with a nonce derived from the context and plaintext (a
    /// synthetic IV): the same value always seals to the same bytes, so that
    /// a table rebuilt from the log is byte-identical to the one kept as it
    /// went. It reveals only that two values in one context are equal. The
    /// nonce comes from a key of its own (HKDF from this one), over the
    /// context and plaintext each prefixed by its length, so that two
    /// different (context, value) pairs never share a nonce.
    public func sealDeterministic(_ plaintext: some Collection<UInt8>, context: [UInt8]) -> [UInt8] {
        let plain = Array(plaintext)
        let nonceKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: key, info: Array("coachlog deterministic nonce".utf8), outputByteCount: 32)
        var mac = HMAC<SHA256>(key: nonceKey)
        mac.update(data: withUnsafeBytes(of: UInt64(context.count).bigEndian, Array.init))
        mac.update(data: context)
        mac.update(data: withUnsafeBytes(of: UInt64(plain.count).bigEndian, Array.init))
        mac.update(data: plain)
        // 12 bytes always make a nonce.
        let nonce = try! AES.GCM.Nonce(data: Array(mac.finalize()).prefix(12))
        let box = try! AES.GCM.seal(plain, using: key, nonce: nonce, authenticating: context)
        return Array(box.combined!)
    }

    /// Nil when the value was not sealed by this key in this context.
    public func open(_ sealed: some Collection<UInt8>, context: [UInt8]) -> [UInt8]? {
        Self.open(sealed, key: key, context: context)
    }

    /// Bytes a sealed value adds to its plaintext.
    public static let overhead = 12 + 16

    static func wrapContext(_ id: PersonID) -> [UInt8] { Array("coachlog data key".utf8) + id.bigEndianBytes }

    static func seal(_ plaintext: some DataProtocol, key: SymmetricKey, context: [UInt8]) -> [UInt8] {
        // AES-GCM sealing with a fresh random nonce fails only on a broken crypto library.
        let box = try! AES.GCM.seal(plaintext, using: key, nonce: AES.GCM.Nonce(), authenticating: context)
        // A random nonce always gives the combined form.
        return Array(box.combined!)
    }

    static func open(_ sealed: some Collection<UInt8>, key: SymmetricKey, context: [UInt8]) -> [UInt8]? {
        guard sealed.count >= overhead, let box = try? AES.GCM.SealedBox(combined: Array(sealed)) else { return nil }
        return try? Array(AES.GCM.open(box, using: key, authenticating: context))
    }
}

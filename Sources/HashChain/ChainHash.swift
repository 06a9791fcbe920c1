import Crypto

/// One link of the event log's hash chain: the SHA-256 of the previous
/// link and the event's stored bytes, exactly as Protocol.md §4.6 defines
/// them, so that anyone holding the bytes can recompute it.
///
/// Guarantees: always 32 bytes; equal values are equal links; `hex` is the
/// wire form (64 lower-case hexadecimal digits).
public struct ChainHash: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// The link the first event chains from: 32 zero bytes.
    public static let genesis = ChainHash(unchecked: [UInt8](repeating: 0, count: 32))

    public static let byteCount = 32

    /// Nil unless `bytes` is 32 bytes long.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == Self.byteCount else { return nil }
        self.bytes = Array(bytes)
    }

    /// Nil unless `hex` is 64 hexadecimal digits.
    public init?(hex: String) {
        guard let bytes = HexDigits.bytes(hex), bytes.count == Self.byteCount else { return nil }
        self.bytes = bytes
    }

    private init(unchecked bytes: [UInt8]) { self.bytes = bytes }

    /// The link of the event whose stored bytes are `stored`, chained from this one.
    public func next(_ stored: UnsafeRawBufferPointer) -> ChainHash {
        var hasher = SHA256()
        bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        hasher.update(bufferPointer: stored)
        return ChainHash(unchecked: hasher.finalize().withUnsafeBytes { Array($0) })
    }

    public func next(_ stored: [UInt8]) -> ChainHash { stored.withUnsafeBytes { next($0) } }

    public var hex: String { HexDigits.string(bytes) }
    public var description: String { hex }
}

/// Lower-case hexadecimal, the wire form of hashes, keys and signatures.
public enum HexDigits {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func string(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Nil unless `text` is an even number of hexadecimal digits (either case).
    public static func bytes(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let high = value(utf8[i]), let low = value(utf8[i + 1]) else { return nil }
            out.append(high << 4 | low)
            i += 2
        }
        return out
    }

    private static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension ChainHash: Codable {
    /// Encoded as its `hex` string, the wire form.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let hash = ChainHash(hex: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "a chain hash is 64 hexadecimal digits"))
        }
        self = hash
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}

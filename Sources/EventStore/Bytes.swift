import Sealing
import CoachLogProtocol
/// Compact, deterministic binary encoding for records and envelopes.
/// Deterministic so that a rebuild writes byte-identical projections.
struct ByteWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 64) { bytes.reserveCapacity(capacity) }

    mutating func u8(_ v: UInt8) { bytes.append(v) }

    mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func bigEndian(_ v: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt64(shift))) }
    }

    mutating func i64(_ v: Int64) { bigEndian(UInt64(bitPattern: v)) }

    mutating func string(_ s: String) {
        varint(UInt64(s.utf8.count))
        bytes.append(contentsOf: s.utf8)
    }

    mutating func optionalString(_ s: String?) {
        if let s {
            u8(1)
            string(s)
        } else {
            u8(0)
        }
    }

    mutating func optionalTime(_ t: Timestamp?) {
        if let t {
            u8(1)
            i64(t.milliseconds)
        } else {
            u8(0)
        }
    }

    mutating func raw(_ b: [UInt8]) { bytes.append(contentsOf: b) }
}

/// Reads what `ByteWriter` wrote; throws on truncated or corrupt input
/// instead of trapping.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    var index = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    struct Corrupt: Error {}

    var isAtEnd: Bool { index >= bytes.count }

    mutating func u8() throws -> UInt8 {
        guard index < bytes.count else { throw Corrupt() }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try u8()
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
            guard shift < 64 else { throw Corrupt() }
        }
    }

    mutating func bigEndian() throws -> UInt64 {
        guard bytes.count - index >= 8 else { throw Corrupt() }
        var v: UInt64 = 0
        for _ in 0..<8 {
            v = v << 8 | UInt64(bytes[index])
            index += 1
        }
        return v
    }

    mutating func i64() throws -> Int64 { Int64(bitPattern: try bigEndian()) }

    mutating func string() throws -> String {
        guard let count = Int(exactly: try varint()), bytes.count - index >= count else { throw Corrupt() }
        defer { index += count }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[index..<(index + count)]), as: UTF8.self)
    }

    /// Skips a string without building it.
    mutating func skipString() throws {
        guard let count = Int(exactly: try varint()), bytes.count - index >= count else { throw Corrupt() }
        index += count
    }

    mutating func skip(_ count: Int) throws {
        guard bytes.count - index >= count else { throw Corrupt() }
        index += count
    }

    /// A presence byte: 0 or 1; anything else is corrupt.
    mutating func flag() throws -> Bool {
        switch try u8() {
        case 0: return false
        case 1: return true
        default: throw Corrupt()
        }
    }

    mutating func optionalString() throws -> String? {
        try flag() ? try string() : nil
    }

    mutating func optionalTime() throws -> Timestamp? {
        try flag() ? Timestamp(milliseconds: try i64()) : nil
    }

    mutating func rest() -> UnsafeRawBufferPointer {
        defer { index = bytes.count }
        return UnsafeRawBufferPointer(rebasing: bytes[index...])
    }
}

func bigEndianKey(_ v: UInt64) -> [UInt8] {
    var w = ByteWriter(capacity: 8)
    w.bigEndian(v)
    return w.bytes
}

func decodeBigEndian(_ raw: UnsafeRawBufferPointer) -> UInt64? {
    guard raw.count == 8 else { return nil }
    var r = ByteReader(raw)
    return try? r.bigEndian()
}

extension ByteWriter {
    mutating func person(_ id: PersonID) { bigEndian(id.value) }

    /// Length-prefixed bytes (a sealed value), or a lone 0 for none.
    mutating func blob(_ b: [UInt8]) {
        varint(UInt64(b.count))
        raw(b)
    }
}

extension ByteReader {
    mutating func person() throws -> PersonID { PersonID(try bigEndian()) }

    mutating func blob() throws -> UnsafeRawBufferPointer {
        guard let count = Int(exactly: try varint()), bytes.count - index >= count else { throw Corrupt() }
        defer { index += count }
        return UnsafeRawBufferPointer(rebasing: bytes[index..<(index + count)])
    }
}

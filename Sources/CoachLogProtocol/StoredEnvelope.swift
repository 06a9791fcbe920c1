import CoachLogJSON

/// An event's stored bytes (`EventEnvelope.stored`), read the way
/// Protocol.md §4.6 lays them out, so that an export can be checked offline:
/// the fields a reader sees must be the ones the hash chain covers.
///
/// Guarantees: `init(bytes:)` reads envelope version 3 exactly and throws on
/// anything shorter, longer in its parts, or of another version; the sealed
/// free text stays opaque (only its key could open it).
public struct StoredEnvelope: Sendable, Equatable {
    /// The first byte of every envelope the daemon stores today.
    public static let version: UInt8 = 3

    public var type: EventType
    public var eventId: String
    /// The salesperson by number; the name is sealed elsewhere.
    public var person: UInt64
    public var streamVersion: UInt64
    public var recordedAt: Timestamp
    /// `data` without `salesperson` and free text, other people as `#` and their number in hexadecimal.
    public var clear: [String: JSONValue]
    /// Bit i set: `EventType.freeTextFields[i]` is present (sealed).
    public var textMask: UInt8
    /// How many bytes of sealed free text follow.
    public var sealedBytes: Int

    public struct Malformed: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public init(bytes: [UInt8]) throws(Malformed) {
        var index = 0
        func byte() throws(Malformed) -> UInt8 {
            guard index < bytes.count else { throw Malformed(description: "the stored bytes end early") }
            defer { index += 1 }
            return bytes[index]
        }
        func varint() throws(Malformed) -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let b = try byte()
                guard shift < 64 else { throw Malformed(description: "a length in the stored bytes is too long") }
                value |= UInt64(b & 0x7F) << shift
                if b & 0x80 == 0 { return value }
                shift += 7
            }
        }
        func fixed() throws(Malformed) -> UInt64 {
            var value: UInt64 = 0
            for _ in 0..<8 { value = value << 8 | UInt64(try byte()) }
            return value
        }
        func chunk() throws(Malformed) -> ArraySlice<UInt8> {
            let count = try varint()
            guard count <= UInt64(bytes.count - index) else { throw Malformed(description: "the stored bytes end early") }
            defer { index += Int(count) }
            return bytes[index..<index + Int(count)]
        }
        guard try byte() == Self.version else {
            throw Malformed(description: "the stored bytes are not an envelope of version \(Self.version)")
        }
        guard let type = EventType(storedCode: try byte()) else {
            throw Malformed(description: "the stored bytes name no known event type")
        }
        self.type = type
        eventId = String(decoding: try chunk(), as: UTF8.self)
        person = try fixed()
        streamVersion = try varint()
        recordedAt = Timestamp(milliseconds: Int64(bitPattern: try fixed()))
        guard case .object(let clear)? = try? JSONParser.parse(Array(try chunk())) else {
            throw Malformed(description: "the stored data is not a JSON object")
        }
        self.clear = clear
        textMask = try byte()
        sealedBytes = bytes.count - index
    }
}

extension EventType {
    /// The one byte the stored envelope names the type by (Protocol.md §4.6).
    /// Fixed for ever: never the position in a declaration.
    public var storedCode: UInt8 {
        switch self {
        case .sessionOpened: 1
        case .goalStated: 2
        case .commitmentMade: 3
        case .commitmentReviewed: 4
        case .insightNoted: 5
        case .sessionClosed: 6
        case .reviewCorrected: 7
        case .commitmentAmended: 8
        case .commitmentWithdrawn: 9
        case .sessionVoided: 10
        case .salespersonMerged: 11
        case .goalAmended: 12
        case .goalAchieved: 13
        case .goalDropped: 14
        case .salespersonForgotten: 15
        }
    }

    public init?(storedCode: UInt8) {
        switch storedCode {
        case 1: self = .sessionOpened
        case 2: self = .goalStated
        case 3: self = .commitmentMade
        case 4: self = .commitmentReviewed
        case 5: self = .insightNoted
        case 6: self = .sessionClosed
        case 7: self = .reviewCorrected
        case 8: self = .commitmentAmended
        case 9: self = .commitmentWithdrawn
        case 10: self = .sessionVoided
        case 11: self = .salespersonMerged
        case 12: self = .goalAmended
        case 13: self = .goalAchieved
        case 14: self = .goalDropped
        case 15: self = .salespersonForgotten
        default: return nil
        }
    }
}

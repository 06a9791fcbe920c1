import CoachLogProtocol
import LMDB

/// The envelope of store formats 1 and 2 (envelope version 1): the event type
/// as its position in `EventType`'s declaration of those releases. The list is
/// frozen here; it must never follow the Swift declaration again.
enum LegacyEnvelope {
    static let version: UInt8 = 1

    static func eventType(position: UInt8) throws(ByteReader.Corrupt) -> EventType {
        switch position {
        case 0: .sessionOpened
        case 1: .goalStated
        case 2: .commitmentMade
        case 3: .commitmentReviewed
        case 4: .insightNoted
        case 5: .sessionClosed
        default: throw ByteReader.Corrupt()
        }
    }

    /// The current form of a stored envelope: only the version and type bytes
    /// differ, the rest is copied. Nil when it already is current, so that
    /// converting twice is harmless.
    static func upgraded(_ raw: UnsafeRawBufferPointer) throws(ByteReader.Corrupt) -> [UInt8]? {
        guard raw.count >= 2 else { throw ByteReader.Corrupt() }
        switch raw[0] {
        case RecordCodec.envelopeVersion:
            _ = try StorageCode.eventType(raw[1])
            return nil
        case version:
            var bytes = Array(raw)
            bytes[0] = RecordCodec.envelopeVersion
            bytes[1] = StorageCode.code(try eventType(position: raw[1]))
            return bytes
        default:
            throw ByteReader.Corrupt()
        }
    }
}

extension EventStore {
    /// Largest amount of envelope data one upgrade transaction rewrites.
    static let upgradeChunkBytes = 32 << 20

    /// Converts the log of a store opened in an older format (marked by
    /// `MetaKey.upgradeNext` in `openTables`) to the current envelope, then
    /// removes the marker. The projections are rebuilt afterwards by
    /// `catchUpProjections`, because their version is older too.
    ///
    /// Chunked, not one transaction: a write transaction keeps every page it
    /// dirties until it commits (LMDB spills beyond 2^17 dirty pages and fails
    /// with MDB_TXN_FULL when it cannot), and pages it frees are reusable only
    /// after it commits, so rewriting a multi-gigabyte log at once could fail
    /// or need a second copy of the log on disk. Chunks of at most
    /// `chunkEvents` events and `upgradeChunkBytes` bytes keep each transaction
    /// small and let later chunks reuse the pages earlier ones freed.
    ///
    /// Crash-safe: each chunk advances the marker in its own transaction, so a
    /// crash loses at most the chunk in flight, and the next open resumes at
    /// the marker. Until the marker is gone the store stays unreadable to
    /// older binaries (format 3) and `verify` reports it as needing an upgrade.
    func upgradeLog(committed: inout Int) throws {
        while true {
            let more = try environment.write { txn -> Bool? in
                guard
                    let next = try txn.withValue(tables.meta, key: MetaKey.upgradeNext, { decodeBigEndian($0) }) ?? nil
                else { return nil }
                var converted: [(key: [UInt8], value: [UInt8])] = []
                var count = 0
                var bytes = 0
                var last = next - 1
                var more = false
                try txn.scan(tables.log, from: bigEndianKey(next)) { key, value in
                    if count == options.chunkEvents || bytes >= Self.upgradeChunkBytes {
                        more = true
                        return false
                    }
                    guard let position = decodeBigEndian(key) else { throw ByteReader.Corrupt() }
                    if let upgraded = try LegacyEnvelope.upgraded(value) { converted.append((Array(key), upgraded)) }
                    count += 1
                    bytes += value.count
                    last = position
                    return true
                }
                // Written after the scan: the cursor never sees its own table change.
                for (key, value) in converted { try txn.put(tables.log, key: key, value: value) }
                if more {
                    try txn.put(tables.meta, key: MetaKey.upgradeNext, value: bigEndianKey(last + 1))
                } else {
                    try txn.delete(tables.meta, key: MetaKey.upgradeNext)
                }
                return more
            }
            guard let more else { return }
            committed += 1
            try options.afterChunk?(committed)
            if !more { return }
        }
    }
}

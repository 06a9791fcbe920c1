import CoachLogProtocol
import CoachLogJSON
import LMDB
import Sealing

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
        case RecordCodec.envelopeVersion, ClearEnvelope.version:
            _ = try StorageCode.eventType(raw[1])
            return nil
        case version:
            var bytes = Array(raw)
            bytes[0] = ClearEnvelope.version
            bytes[1] = StorageCode.code(try eventType(position: raw[1]))
            return bytes
        default:
            throw ByteReader.Corrupt()
        }
    }
}

/// The envelope of store formats 3 to 5 (envelope version 2): everything in
/// clear, the salesperson by name and the data as JSON. Read only to seal it.
enum ClearEnvelope {
    static let version: UInt8 = 2

    struct Decoded {
        var type: EventType
        var eventId: String
        var salesperson: String
        var streamVersion: UInt64
        var recordedAt: Timestamp
        var data: JSONValue
    }

    static func decode(_ raw: UnsafeRawBufferPointer) throws -> Decoded {
        var r = ByteReader(raw)
        guard try r.u8() == version else { throw ByteReader.Corrupt() }
        return Decoded(
            type: try StorageCode.eventType(try r.u8()), eventId: try r.string(), salesperson: try r.string(),
            streamVersion: try r.varint(), recordedAt: Timestamp(milliseconds: try r.i64()), data: try JSONParser.parse(r.rest()))
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
            var newPeople: [PersonID] = []
            let written = Result {
                try environment.write { txn -> Bool? in
                    // Run again after the map grows: the aborted attempt's people have no keys entry.
                    ring.remove(newPeople)
                    newPeople.removeAll()
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
                    if let sealed = try sealed(position: position, value, txn: txn, newPeople: &newPeople) {
                        converted.append((Array(key), sealed))
                    }
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
            }
            if case .failure = written { ring.remove(newPeople) }
            guard let more = try written.get() else { return }
            committed += 1
            try options.afterChunk?(committed)
            if !more { return }
        }
    }

    /// The format-6 form of a stored envelope of any older format; nil when it
    /// already is, so that converting twice is harmless. Gives the people it
    /// names keys, in `txn`.
    private func sealed(position: UInt64, _ raw: UnsafeRawBufferPointer, txn: Transaction, newPeople: inout [PersonID])
        throws -> [UInt8]?
    {
        guard raw.first != RecordCodec.envelopeVersion else { return nil }
        let clear = try LegacyEnvelope.upgraded(raw) ?? Array(raw)
        let old = try clear.withUnsafeBytes { try ClearEnvelope.decode($0) }
        let parts = DataParts(old.type, data: old.data)
        let (person, key) = try ring.register(old.salesperson, in: txn, keys: tables.keys, added: &newPeople)
        for name in parts.otherPeople { _ = try ring.register(name, in: txn, keys: tables.keys, added: &newPeople) }
        let header = RecordCodec.Header(
            type: old.type, eventId: old.eventId, person: person, streamVersion: old.streamVersion, recordedAt: old.recordedAt)
        return RecordCodec.encode(
            header, position: position, clear: try parts.storedClear(old.type, ids: ring.idForStoring),
            textMask: parts.textMask, texts: parts.texts, key: key)
    }
}

import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import LMDB

/// What `verify` found. Empty `problems` means the store is consistent.
public struct VerificationReport: Sendable, Equatable {
    public var events: UInt64
    public var salespeople: Int
    public var problems: [String]
    public var isConsistent: Bool { problems.isEmpty }
}

extension EventStore {
    /// Checks the store without changing it: positions are 1...head with no
    /// gap, every event decodes, stream versions count each salesperson's
    /// events, every eventId points at its event, and the projections are
    /// byte-identical to a rebuild from the log. The rebuild happens inside
    /// a write transaction that is then aborted, so nothing is written.
    public func verify() throws -> VerificationReport {
        struct Abort: Error { var report: VerificationReport }
        do {
            try environment.write { txn -> Void in
                var problems: [String] = []
                var expected: UInt64 = 1
                var versions: [String: UInt64] = [:]
                // One pass over the log, holding no events: memory stays small on a big store.
                try txn.scan(tables.log) { key, value in
                    guard let position = decodeBigEndian(key) else {
                        problems.append("a log key is not a position")
                        return true
                    }
                    if position != expected { problems.append("position \(expected) is missing (next is \(position))") }
                    expected = position + 1
                    guard let envelope = try? RecordCodec.decodeEnvelope(position: position, value) else {
                        problems.append("event \(position) cannot be decoded")
                        return true
                    }
                    let version = versions[envelope.salesperson, default: 0] + 1
                    versions[envelope.salesperson] = version
                    if envelope.streamVersion != version {
                        problems.append("event \(position) has stream version \(envelope.streamVersion), expected \(version)")
                    }
                    let stored = try txn.withValue(tables.eventIds, key: Array(envelope.eventId.utf8)) { decodeBigEndian($0) } ?? nil
                    if stored != position { problems.append("eventId \(envelope.eventId) does not point at its event \(position)") }
                    return true
                }
                let events = Int(expected - 1)
                for (salesperson, version) in versions {
                    let stored = try Self.streamVersion(salesperson, txn: txn, tables: tables)
                    if stored != version { problems.append("\(salesperson)'s stream version is \(stored), expected \(version)") }
                }
                if try txn.count(tables.eventIds) != events {
                    problems.append("\(try txn.count(tables.eventIds)) eventIds for \(events) events")
                }
                // Rebuild inside this transaction, which is then aborted, and compare.
                let before = try Self.digests(txn, tables)
                try resetProjections(txn)
                while try replayChunk(txn) {}
                let after = try Self.digests(txn, tables)
                for table in tables.projections where before[table.name] != after[table.name] {
                    problems.append("projection table \(table.name) differs from a rebuild from the log")
                }
                throw Abort(report: VerificationReport(events: UInt64(events), salespeople: versions.count, problems: problems))
            }
        } catch let abort as Abort {
            return abort.report
        } catch {
            throw StoreError.from(error)
        }
        throw StoreError(.storage, "verification ended without a report")
    }

    /// A 64-bit FNV-1a digest of each projection table's keys and values, in
    /// key order: enough to tell two versions apart without holding either.
    static func digests(_ txn: Transaction, _ tables: Tables) throws -> [String: UInt64] {
        var result: [String: UInt64] = [:]
        for table in tables.projections {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            func mix(_ bytes: UnsafeRawBufferPointer) {
                for byte in bytes {
                    hash ^= UInt64(byte)
                    hash &*= 0x0000_0100_0000_01B3
                }
            }
            try txn.scan(table.database) { key, value in
                withUnsafeBytes(of: UInt32(key.count)) { mix($0) }
                mix(key)
                withUnsafeBytes(of: UInt32(value.count)) { mix($0) }
                mix(value)
                return true
            }
            result[table.name] = hash
        }
        return result
    }

    static func dump(_ txn: Transaction, _ tables: Tables) throws -> [String: [[UInt8]]] {
        var dump: [String: [[UInt8]]] = [:]
        for table in tables.projections {
            var rows: [[UInt8]] = []
            try txn.scan(table.database) { key, value in
                rows.append(Array(key) + [0xFF, 0xFE] + Array(value))
                return true
            }
            dump[table.name] = rows
        }
        return dump
    }
}

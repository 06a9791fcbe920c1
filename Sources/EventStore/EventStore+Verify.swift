import CoachLogJSON
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
                var envelopes: [EventEnvelope] = []
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
                    envelopes.append(envelope)
                    return true
                }
                for envelope in envelopes {
                    let stored = try txn.withValue(tables.eventIds, key: Array(envelope.eventId.utf8)) { decodeBigEndian($0) } ?? nil
                    if stored != envelope.position {
                        problems.append("eventId \(envelope.eventId) does not point at its event \(envelope.position)")
                    }
                }
                for (salesperson, version) in versions {
                    let stored = try Self.streamVersion(salesperson, txn: txn, tables: tables)
                    if stored != version { problems.append("\(salesperson)'s stream version is \(stored), expected \(version)") }
                }
                if try txn.count(tables.eventIds) != envelopes.count {
                    problems.append("\(try txn.count(tables.eventIds)) eventIds for \(envelopes.count) events")
                }
                let before = try Self.dump(txn, tables)
                for table in tables.projections { try txn.clear(table) }
                var model = LMDBReadModel(txn: txn, tables: tables)
                for envelope in envelopes {
                    try CoachingRules.apply(envelope.decoded(), position: envelope.position, recordedAt: envelope.recordedAt, to: &model)
                }
                let after = try Self.dump(txn, tables)
                for name in Tables.projectionNames where before[name] != after[name] {
                    problems.append("projection table \(name) differs from a rebuild from the log")
                }
                throw Abort(report: VerificationReport(events: expected - 1, salespeople: versions.count, problems: problems))
            }
        } catch let abort as Abort {
            return abort.report
        } catch {
            throw StoreError.from(error)
        }
        throw StoreError(.storage, "verification ended without a report")
    }

    static func dump(_ txn: Transaction, _ tables: Tables) throws -> [String: [[UInt8]]] {
        var dump: [String: [[UInt8]]] = [:]
        for (name, table) in zip(Tables.projectionNames, tables.projections) {
            var rows: [[UInt8]] = []
            try txn.scan(table) { key, value in
                rows.append(Array(key) + [0xFF, 0xFE] + Array(value))
                return true
            }
            dump[name] = rows
        }
        return dump
    }
}

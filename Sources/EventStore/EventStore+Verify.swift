import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import LMDB
import Sealing
import HashChain

#if canImport(Glibc)
import Glibc
#endif

/// What `verify` found. Empty `problems` and no `upgradeNeeded` means the store is consistent.
public struct VerificationReport: Sendable, Equatable {
    public var events: UInt64
    public var salespeople: Int
    public var problems: [String]
    /// Set when the store is older than this coachlogd (an older format, older
    /// projections, or an upgrade or rebuild that was interrupted): why. Then
    /// nothing else was checked, because only an upgrade (which starting
    /// coachlogd performs) makes the store comparable with a rebuild.
    public var upgradeNeeded: String?
    /// Events after the checkpoint: appended after the last flush of the tables
    /// behind the log (a daemon that was killed); the next open folds them.
    public var unflushed: UInt64 = 0
    /// The first position the hash chain or a signed head shows changed,
    /// removed or moved: where to start looking. Nil when the chain holds.
    public var firstBadPosition: UInt64?
    /// How many signed heads were checked.
    public var signedHeads = 0
    /// The signed head of the highest position the store keeps.
    public var latestSignedHead: SignedHead?
    public var isConsistent: Bool { problems.isEmpty && upgradeNeeded == nil }
}

extension EventStore {
    /// Checks the stopped store in `directory` without writing to it: the data
    /// file is opened read-only (MDB_RDONLY) and without LMDB's lock file
    /// (MDB_NOLOCK), under a shared hold of the folder lock (where a daemon
    /// ever created one), so that no daemon can start meanwhile and a running
    /// one makes this fail with `.locked`. It creates nothing in the folder.
    /// An older store is reported (`upgradeNeeded`), never upgraded.
    ///
    /// The comparison with a rebuild replays the log into a scratch store in
    /// the temporary folder (`TMPDIR`), removed afterwards: it needs room for
    /// the projections, not for the events.
    ///
    /// `trustedKeys`: the public keys a signed head may be signed with (the
    /// daemon's, and any it had before); empty accepts any valid signature.
    public static func verify(directory: String, masterKey: MasterKey, trustedKeys: [[UInt8]] = []) throws
        -> VerificationReport
    {
        do {
            let path = directory + "/" + dataFileName
            guard try checkDataFile(path) else {
                throw StoreError(
                    .format,
                    "there is no CoachLog store in \(directory) (no \(dataFileName), or an empty one); nothing to verify")
            }
            let lock = try lockDirectoryShared(directory)
            defer { if let lock { close(lock) } }
            return try verify(file: path, masterKey: masterKey, trustedKeys: trustedKeys)
        } catch {
            throw StoreError.from(error)
        }
    }

    /// Checks the data file at `path`, which nothing else may be writing (a
    /// stopped store's, or a copy), read-only.
    static func verify(file path: String, masterKey: MasterKey, trustedKeys: [[UInt8]]) throws -> VerificationReport {
        let environment = try openEnvironment(path, options: Options(masterKey: masterKey), readOnly: true)
        return try environment.read { txn in
            let (meta, format) = try storedFormat(txn, path: path)
            if let reason = try upgradeNeeded(txn, meta: meta, format: format) {
                return VerificationReport(events: 0, salespeople: 0, problems: [], upgradeNeeded: reason)
            }
            let tables = try Tables(txn, create: false)
            let ring = try openRing(txn, tables, masterKey: masterKey, path: path, creating: false)
            return try check(
                txn, tables, ring: ring, chunk: Options(masterKey: masterKey).chunkEvents, trustedKeys: trustedKeys)
        }
    }

    /// Checks this open store the same way, in one read snapshot, after a flush.
    public func verify(trustedKeys: [[UInt8]] = []) throws -> VerificationReport {
        do {
            try flush()
            return try environment.read { txn in
                try Self.check(txn, tables, ring: ring, chunk: options.chunkEvents, trustedKeys: trustedKeys)
            }
        } catch {
            throw StoreError.from(error)
        }
    }

    /// Why a store must be upgraded before it can be checked; nil when it is current.
    static func upgradeNeeded(_ txn: Transaction, meta: Database, format: UInt64) throws -> String? {
        func number(_ key: [UInt8]) throws -> UInt64? {
            try txn.withValue(meta, key: key) { decodeBigEndian($0) } ?? nil
        }
        if format < formatVersion {
            return "it is in store format \(format), and this coachlogd uses format \(formatVersion)"
        }
        if let next = try number(MetaKey.upgradeNext) {
            return "an upgrade to store format \(formatVersion) stopped before event \(next)"
        }
        if let next = try number(MetaKey.chainNext) {
            return "an upgrade to store format \(formatVersion) stopped before hashing event \(next)"
        }
        let projections = try number(MetaKey.projectionVersion) ?? 0
        if projections != projectionVersion {
            return "its projections are version \(projections), and this coachlogd uses version \(projectionVersion)"
        }
        return nil
    }

    /// Positions are 1...head with no gap, every event decodes, stream versions
    /// count each salesperson's events, and up to the checkpoint (where the
    /// tables written behind the log end; the next open folds the rest) every
    /// eventId points at its event, the stream index holds each event, and
    /// the projections are byte-identical to a rebuild from the log.
    static func check(_ txn: Transaction, _ tables: Tables, ring: KeyRing, chunk: Int, trustedKeys: [[UInt8]])
        throws -> VerificationReport
    {
        var problems: [String] = []
        var chain = ChainCheck(signed: try signedHeads(txn, tables))
        let checkpoint = try self.checkpoint(txn, tables)
        var flushedVersions: [PersonID: UInt64] = [:]
        var expected: UInt64 = 1
        var versions: [PersonID: UInt64] = [:]
        var decodable = true
        // One pass over the log, holding no events: memory stays small on a big store.
        try txn.scan(tables.log) { key, value in
            guard let position = decodeBigEndian(key) else {
                problems.append("a log key is not a position")
                return true
            }
            if position != expected {
                problems.append("position \(expected) is missing (next is \(position))")
                chain.bad(expected)
            }
            expected = position + 1
            if let problem = chain.follow(position, value, stored: try chainHash(at: position, txn, tables)) {
                problems.append(problem)
            }
            var reader = ByteReader(value)
            guard let envelope = try? RecordCodec.decodeEnvelope(position: position, value, ring: ring),
                let person = try? RecordCodec.decodeHeader(&reader).person
            else {
                problems.append("event \(position) cannot be decoded")
                decodable = false
                return true
            }
            let version = versions[person, default: 0] + 1
            versions[person] = version
            if envelope.streamVersion != version {
                problems.append("event \(position) has stream version \(envelope.streamVersion), expected \(version)")
            }
            guard position <= checkpoint else { return true }
            flushedVersions[person] = version
            let stored =
                try txn.withValue(tables.eventIds, key: Array(envelope.eventId.utf8)) { decodeBigEndian($0) } ?? nil
            if stored != position {
                problems.append("eventId \(envelope.eventId) does not point at its event \(position)")
            }
            return true
        }
        let events = Int(expected - 1)
        problems += try chain.finish(head: UInt64(events), chained: chainHead(txn, tables).position, trustedKeys: trustedKeys)
        for (person, version) in flushedVersions {
            let stored = try streamVersion(person, txn: txn, tables: tables)
            if stored != version {
                problems.append("\(try ring.shown(person).name)'s stream version is \(stored), expected \(version)")
            }
        }
        if checkpoint > UInt64(events) {
            problems.append("the projections' checkpoint is \(checkpoint), but the log ends at \(events)")
        }
        let indexed = Int(min(checkpoint, UInt64(events)))
        if try txn.count(tables.eventIds) != indexed {
            problems.append("\(try txn.count(tables.eventIds)) eventIds for the \(indexed) events up to the checkpoint")
        }
        if try txn.count(tables.streamIndex) != indexed {
            problems.append(
                "\(try txn.count(tables.streamIndex)) stream index entries for the \(indexed) events up to the checkpoint")
        }
        // A rebuild would stop at the first undecodable event; that one is reported already.
        if decodable {
            let stored = try digests(txn, tables)
            let rebuilt = try rebuiltDigests(txn, tables, ring: ring, upTo: checkpoint, chunk: chunk)
            for table in tables.projections where stored[table.name] != rebuilt[table.name] {
                problems.append("projection table \(table.name) differs from a rebuild from the log")
            }
        }
        return VerificationReport(
            events: UInt64(events), salespeople: versions.count, problems: problems,
            unflushed: UInt64(events) - min(checkpoint, UInt64(events)), firstBadPosition: chain.firstBad,
            signedHeads: chain.signed.count, latestSignedHead: chain.signed.last)
    }

    /// The digests of the projections a rebuild from `txn`'s log produces,
    /// built in a scratch store (this one may be read-only) by the same code
    /// and in the same chunks as a rebuild in place.
    static func rebuiltDigests(
        _ txn: Transaction, _ tables: Tables, ring: KeyRing, upTo end: UInt64, chunk: Int
    ) throws -> [String: UInt64] {
        let folder = try scratchFolder()
        let path = folder + "/rebuild.mdb"
        defer {
            unlink(path)
            unlink(path + "-lock")
            rmdir(folder)
        }
        let scratch = try Environment(
            path: path, options: .init(maxDatabases: UInt32(Tables.names.count + 4)))
        let scratchTables = try scratch.write { try Tables($0, create: true) }
        var after: UInt64 = 0
        while after < end {
            let (applied, last) = try scratch.write { scratchTxn in
                var model = LMDBReadModel(txn: scratchTxn, tables: scratchTables, ring: ring)
                let limit = Int(min(UInt64(chunk), end - after))
                return try replay(from: txn, log: tables.log, ring: ring, after: after, limit: limit, into: &model)
            }
            guard let last, applied > 0 else { break }
            after = last
        }
        return try scratch.read { try digests($0, scratchTables) }
    }

    /// A new private folder under `TMPDIR` (or /tmp).
    static func scratchFolder() throws -> String {
        let base = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(base)/coachlog-verify-XXXXXX".utf8CString)
        guard
            let made = template.withUnsafeMutableBufferPointer({ buffer in buffer.baseAddress.flatMap { mkdtemp($0) } })
        else {
            let reason = String(cString: strerror(errno))
            throw StoreError(
                .unavailable,
                "cannot create a scratch folder in \(base) to rebuild the projections into: \(reason); set TMPDIR to a writable folder with room for them"
            )
        }
        return String(cString: made)
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

/// The hash chain check of one pass over the log: each event's hash must
/// follow from the one before it and its stored bytes, and every signed head
/// must match the chain where it was signed.
struct ChainCheck {
    let signed: [SignedHead]
    private let signedPositions: Set<UInt64>
    /// The chain as recomputed; after a mismatch it goes on from the stored
    /// hash, so that each changed event is reported, not everything after it.
    private var link = ChainHash.genesis
    /// What the recomputed chain holds where a head was signed.
    private var atSigned: [UInt64: ChainHash] = [0: .genesis]
    private(set) var firstBad: UInt64?

    init(signed: [SignedHead]) {
        self.signed = signed
        signedPositions = Set(signed.map(\.position))
    }

    mutating func bad(_ position: UInt64) { firstBad = min(firstBad ?? position, position) }

    /// Checks the event at `position`; the problem found, if any.
    mutating func follow(_ position: UInt64, _ value: UnsafeRawBufferPointer, stored: ChainHash?) -> String? {
        let computed = link.next(value)
        if signedPositions.contains(position) { atSigned[position] = computed }
        guard let stored else {
            bad(position)
            link = computed
            return "event \(position) has no chain hash"
        }
        guard stored == computed else {
            bad(position)
            link = stored
            return "event \(position) does not match its chain hash: it, or the event before it, was changed, removed or moved"
        }
        link = computed
        return nil
    }

    /// The problems of the chain's end and of the signed heads, after the pass.
    mutating func finish(head: UInt64, chained: UInt64, trustedKeys: [[UInt8]]) -> [String] {
        var problems: [String] = []
        if chained > head {
            problems.append("the chain holds hashes up to position \(chained), but the log ends at \(head): events \(head + 1)–\(chained) were removed")
            bad(head + 1)
        }
        var lastGood: UInt64 = 0
        let logHead = head
        for head in signed {
            let when = Timestamp(milliseconds: head.signedAtMilliseconds).iso8601
            let named = "the head signed at \(when) (position \(head.position))"
            guard head.isValid else {
                problems.append("\(named) does not carry a valid signature")
                continue
            }
            if !trustedKeys.isEmpty && !trustedKeys.contains(head.publicKey) {
                problems.append(
                    "\(named) is signed by key \(SignedHead.fingerprint(of: head.publicKey)), which is not among the keys trusted")
                continue
            }
            guard let computed = atSigned[head.position] else {
                problems.append(
                    "\(named) is beyond the log, which ends at \(logHead): events \(logHead + 1)–\(head.position) were removed")
                bad(logHead + 1)
                continue
            }
            if computed != head.hash {
                // The chain alone shows no more: the events were rewritten and chained again from some
                // position after the last head that matches; this one is the first shown to differ.
                problems.append(
                    "\(named) does not match the log: its hash there differs, so events \(lastGood + 1)–\(head.position) were rewritten and chained again from some position on"
                )
                bad(head.position)
            } else {
                lastGood = max(lastGood, head.position)
            }
        }
        return problems
    }
}

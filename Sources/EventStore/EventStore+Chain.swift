import CoachLogProtocol
import HashChain
import LMDB

extension EventStore {
    /// The head as of the last commit.
    public func chainHead() throws -> LogHead {
        do {
            return try environment.read { txn in try Self.chainHead(txn, tables) }
        } catch {
            throw StoreError.from(error)
        }
    }

    /// Why appends are refused: the open found the log changed behind the
    /// daemon's back (`checkChainAtOpen`). Nil for a sound log.
    public var tampering: String? { tamperingFound.withLock { $0 } }

    /// Signs the head with `key` and keeps the signed head in the store, in
    /// one synced transaction under the writer lock, so the head it signs is
    /// exactly the log's at that moment. Refused while the store loads (the
    /// check for tampering ends the load) and while the log shows tampering:
    /// a signature would vouch for it. When the head has not moved since
    /// `key` last signed it, that signed head is returned and nothing is
    /// written, so that asking often costs no writes.
    public func signHead(with key: SigningKey, now: Timestamp) throws -> SignedHead {
        do {
            try requireReadModel()
            try requireSoundChain()
            return try writer.withLock { state in
                let (head, latest) = try environment.read { txn in
                    (try Self.chainHead(txn, tables), try Self.latestSignedHead(txn, tables))
                }
                if let latest, latest.position == head.position, latest.hash == head.hash, latest.publicKey == key.publicKey {
                    return latest
                }
                let signed = try key.sign(position: head.position, hash: head.hash, signedAtMilliseconds: now.milliseconds)
                try environment.write { txn in
                    try txn.put(tables.signedHeads, key: bigEndianKey(signed.position), value: signed.storedValue)
                }
                return signed
            }
        } catch {
            throw StoreError.from(error)
        }
    }

    /// Every signed head the store keeps, by position.
    public func signedHeads() throws -> [SignedHead] {
        do {
            return try environment.read { txn in try Self.signedHeads(txn, tables) }
        } catch {
            throw StoreError.from(error)
        }
    }

    func requireSoundChain() throws {
        if let problem = tampering {
            // Not retried away: the message says what the operator must do first.
            throw StoreError(
                .unavailable,
                "coachlogd appends nothing to this log: \(problem). Reads still work; run `coachlogd verify` on a copy of the data folder and restore a backup that verifies (docs/operations.md, \"Tamper evidence\")"
            )
        }
    }

    static func chainHead(_ txn: Transaction, _ tables: Tables) throws -> LogHead {
        guard let last = try txn.last(tables.chain) else { return LogHead(position: 0, hash: .genesis) }
        guard let position = last.key.withUnsafeBytes({ decodeBigEndian($0) }), let hash = ChainHash(bytes: last.value)
        else { throw ByteReader.Corrupt() }
        return LogHead(position: position, hash: hash)
    }

    static func chainHash(at position: UInt64, _ txn: Transaction, _ tables: Tables) throws -> ChainHash? {
        guard position > 0 else { return .genesis }
        return try txn.withValue(tables.chain, key: bigEndianKey(position)) { ChainHash(bytes: $0) } ?? nil
    }

    static func latestSignedHead(_ txn: Transaction, _ tables: Tables) throws -> SignedHead? {
        guard let last = try txn.last(tables.signedHeads) else { return nil }
        guard let position = last.key.withUnsafeBytes({ decodeBigEndian($0) }),
            let head = SignedHead(position: position, storedValue: last.value)
        else { throw ByteReader.Corrupt() }
        return head
    }

    static func signedHeads(_ txn: Transaction, _ tables: Tables) throws -> [SignedHead] {
        var heads: [SignedHead] = []
        try txn.scan(tables.signedHeads) { key, value in
            guard let position = decodeBigEndian(key), let head = SignedHead(position: position, storedValue: value) else {
                throw ByteReader.Corrupt()
            }
            heads.append(head)
            return true
        }
        return heads
    }

    /// What an open can check without reading the whole log: the chain ends
    /// where the log ends, the last event's hash follows from the one before
    /// it, and the latest signed head is still in the log. A whole check is
    /// `verify`'s. Nil when all hold.
    static func checkChainAtOpen(_ txn: Transaction, _ tables: Tables) throws -> String? {
        let logHead = try head(txn, tables)
        let chained = try chainHead(txn, tables)
        if chained.position != logHead {
            return "the log ends at position \(logHead) but its hash chain at \(chained.position)"
        }
        let flushed = try checkpoint(txn, tables)
        if flushed > logHead {
            return "the log ends at position \(logHead) but its projections were written through \(flushed): events \(logHead + 1)–\(flushed) were removed"
        }
        if logHead > 0 {
            let previous = try chainHash(at: logHead - 1, txn, tables)
            let recomputed = try txn.withValue(tables.log, key: bigEndianKey(logHead)) { previous?.next($0) } ?? nil
            if recomputed != chained.hash { return "event \(logHead)'s hash does not follow from the events before it" }
        }
        if let signed = try latestSignedHead(txn, tables) {
            let position = signed.position
            if position > logHead {
                return "a head signed at position \(position) is beyond the log, which ends at \(logHead): events \(logHead + 1)–\(position) were removed"
            }
            if try chainHash(at: position, txn, tables) != signed.hash {
                return "the log at position \(position) differs from the head signed there"
            }
        }
        return nil
    }

    /// Hashes the events of a store older than format 7 (marked by
    /// `MetaKey.chainNext` in `openTables`) into `chain`, in chunks of
    /// `chainEvents`, each in its own transaction with the marker: crash-safe
    /// and resumable like `upgradeLog`. The chain of such a store vouches for
    /// its log from the upgrade on, not for what happened to it before.
    func extendChain(committed: inout Int) throws {
        while true {
            let more = try environment.write { txn -> Bool? in
                guard let next = try txn.withValue(tables.meta, key: MetaKey.chainNext, { decodeBigEndian($0) }) ?? nil
                else { return nil }
                guard var link = try Self.chainHash(at: next - 1, txn, tables) else { throw ByteReader.Corrupt() }
                var count = 0
                var last = next - 1
                var more = false
                var links: [(UInt64, ChainHash)] = []
                try txn.scan(tables.log, from: bigEndianKey(next)) { key, value in
                    if count == options.chunkEvents {
                        more = true
                        return false
                    }
                    guard let position = decodeBigEndian(key), position == last + 1 else { throw ByteReader.Corrupt() }
                    link = link.next(value)
                    links.append((position, link))
                    last = position
                    count += 1
                    return true
                }
                for (position, hash) in links {
                    try txn.put(tables.chain, key: bigEndianKey(position), value: hash.bytes, flags: .append)
                }
                if more {
                    try txn.put(tables.meta, key: MetaKey.chainNext, value: bigEndianKey(last + 1))
                } else {
                    try txn.delete(tables.meta, key: MetaKey.chainNext)
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

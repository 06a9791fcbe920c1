import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import CoachLogTestSupport
import Crypto
import Foundation
import HashChain
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The data file as LMDB's own command-line tools (Debian's lmdb-utils) see
/// it: every named database dumped with `mdb_dump -a`, edited as text, and
/// loaded into a new file with `mdb_load`, which then replaces the data
/// file. This is what someone holding the data folder can do without
/// coachlogd.
enum LMDBTools {
    struct Database {
        var header: [String]
        var records: [(key: String, value: String)]
    }

    static let dumpTool = "/usr/bin/mdb_dump"
    static let loadTool = "/usr/bin/mdb_load"

    /// Whether the tests that use them run: always under CI, which must have them.
    static var runs: Bool { unavailableReason == nil || ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Why the tools cannot run here; nil when they can.
    static var unavailableReason: String? {
        FileManager.default.isExecutableFile(atPath: dumpTool) && FileManager.default.isExecutableFile(atPath: loadTool)
            ? nil : "mdb_dump and mdb_load are missing (Debian's lmdb-utils; scripts/install-deps installs it)"
    }

    /// Every named database of the data file in `folder`, by name, in hexadecimal (`mdb_dump`'s default).
    static func dump(_ folder: String) throws -> [(name: String, database: Database)] {
        let result = Reliability.run(dumpTool, ["-n", "-a", folder + "/coachlog.mdb"])
        guard result.status == 0 else { throw HarnessError("mdb_dump failed: \(result.output)") }
        var databases: [(String, Database)] = []
        var header: [String] = []
        var records: [(String, String)] = []
        var pendingKey: String?
        var inData = false
        for line in result.output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if !inData {
                header.append(line)
                if line == "HEADER=END" { inData = true }
            } else if line == "DATA=END" {
                guard let name = header.first(where: { $0.hasPrefix("database=") })?.dropFirst("database=".count) else {
                    throw HarnessError("a database without a name in the dump")
                }
                databases.append((String(name), Database(header: header, records: records)))
                header = []
                records = []
                inData = false
            } else if line.hasPrefix(" ") {
                if let key = pendingKey {
                    records.append((key, String(line.dropFirst())))
                    pendingKey = nil
                } else {
                    pendingKey = String(line.dropFirst())
                }
            }
        }
        return databases
    }

    /// Loads `databases` into a new file with `mdb_load` and puts it in place of the data file in `folder`.
    static func replace(_ folder: String, with databases: [(name: String, database: Database)]) throws {
        var text = ""
        for (_, database) in databases {
            text += database.header.joined(separator: "\n") + "\n"
            for (key, value) in database.records { text += " \(key)\n \(value)\n" }
            text += "DATA=END\n"
        }
        let input = folder + "/edited.dump"
        let loaded = folder + "/loaded"
        try FileManager.default.createDirectory(atPath: loaded, withIntermediateDirectories: false)
        try text.write(toFile: input, atomically: false, encoding: .utf8)
        let result = Reliability.run(loadTool, ["-n", "-f", input, loaded + "/coachlog.mdb"])
        guard result.status == 0 else { throw HarnessError("mdb_load failed: \(result.output)") }
        unlink(folder + "/coachlog.mdb-lock")
        guard rename(loaded + "/coachlog.mdb", folder + "/coachlog.mdb") == 0 else { throw HarnessError("rename failed") }
        try FileManager.default.removeItem(atPath: loaded)
        unlink(input)
    }

    /// Dumps, lets `body` edit, loads back.
    static func edit(_ folder: String, _ body: (inout [String: Database]) throws -> Void) throws {
        let dumped = try dump(folder)
        var byName = Dictionary(uniqueKeysWithValues: dumped.map { ($0.name, $0.database) })
        try body(&byName)
        try replace(folder, with: dumped.map { ($0.name, byName[$0.name] ?? $0.database) })
    }

    /// A log key: the position as 8 bytes big-endian, in hexadecimal.
    static func key(_ position: Int) -> String { String(format: "%016x", position) }
}

extension LMDBTools.Database {
    func value(at position: Int) -> String? { records.first { $0.key == LMDBTools.key(position) }?.value }

    mutating func set(_ position: Int, _ value: String) {
        if let i = records.firstIndex(where: { $0.key == LMDBTools.key(position) }) {
            records[i].value = value
        } else {
            records.append((LMDBTools.key(position), value))
            records.sort { $0.key < $1.key }
        }
    }

    mutating func remove(_ position: Int) { records.removeAll { $0.key == LMDBTools.key(position) } }
}

/// Edits made behind the daemon's back with LMDB's own tools are each found
/// by `coachlogd verify` (on the stopped store) and by `coachlog
/// verify-export` (offline, on an export the daemon then serves), both
/// naming the first bad position; the chain still verifies after `forget`
/// and after an upgrade from an older format; a signed head verifies with
/// the public key alone; a backup that does not verify is not restored.
@Suite("Tamper evidence: the hash chain", .serialized)
struct TamperEvidenceTests {
    /// 8 salespeople, each with one session opened and closed (no free text, so
    /// that an event moved to another position still decodes): 16 events.
    static func record(_ c: Connection, base: String = "2026-03-02T09:00:00Z") throws {
        for (i, name) in ["Avery", "Blake", "Casey", "Devon", "Emery", "Finley", "Gray", "Harper"].enumerated() {
            let at = Ev.time(base, plusMinutes: 60 * i)
            try c.append([
                Ev.open("s-\(name)", name, coach: "kim", at: at, newSalesperson: true),
                Ev.close("s-\(name)", name, at: Ev.time(at, plusMinutes: 30)),
            ])
        }
    }

    /// `coachlog` with the test's environment.
    static func coachlog(_ arguments: [String]) -> (status: Int32, output: String) {
        Reliability.run(Binaries.coachlog, arguments)
    }

    /// The store in `folder` as a daemon serves it, exported, then checked offline.
    static func verifyExport(_ sandbox: Sandbox, _ folder: String, head: String? = nil) throws -> (status: Int32, output: String) {
        let socket = folder + ".sock"
        let daemon = try sandbox.start(data: folder, socket: socket, log: "export")
        let file = folder + ".jsonl"
        let exported = coachlog(["export", file, "--socket", socket])
        #expect(exported.status == 0, "export: \(exported.output)")
        #expect(daemon.stop() == 0)
        return coachlog(["verify-export", file] + (head.map { ["--head", $0] } ?? []))
    }

    /// A copy of the store in `base` to tamper with.
    static func copy(_ sandbox: Sandbox, _ base: String, _ name: String) throws -> String {
        let folder = sandbox.path(name)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        try FileManager.default.copyItem(atPath: base + "/coachlog.mdb", toPath: folder + "/coachlog.mdb")
        return folder
    }

    static func expectFound(_ result: (status: Int32, output: String), at position: Int, _ what: String) {
        #expect(result.status != 0, "\(what): not found: \(result.output)")
        #expect(result.output.contains("first bad position: \(position)\n"), "\(what): \(result.output)")
    }

    @Test(
        "one byte changed, an event deleted, two reordered, the tail truncated and other events appended: verify and verify-export each name the first bad position",
        .enabled(if: LMDBTools.runs))
    func editsWithLMDBTools() throws {
        try withSandbox { sandbox in
            let base = sandbox.path("base")
            let daemon = try sandbox.start(data: base)
            let c = try Connection(path: sandbox.socket)
            try Self.record(c)
            let signed = try c.checkpoint()
            #expect(signed.position == 16)
            #expect(daemon.stop() == 0)
            let untouched = Reliability.verify(data: base)
            #expect(untouched.status == 0, "\(untouched.output)")
            #expect(untouched.output.contains("the hash chain holds and 1 signed heads match it"), "\(untouched.output)")
            let clean = try Self.verifyExport(sandbox, try Self.copy(sandbox, base, "clean"), head: "16:\(signed.hash.hex)")
            #expect(clean.status == 0, "\(clean.output)")
            #expect(clean.output.contains("verified: 16 events"), "\(clean.output)")

            // One byte of event 5's data: the year of its time, 2026 → 2025.
            let byte = try Self.copy(sandbox, base, "byte")
            try LMDBTools.edit(byte) { tables in
                let value = try #require(tables["log"]?.value(at: 5))
                let year = "2026-".utf8.map { String(format: "%02x", $0) }.joined()
                let range = try #require(value.range(of: year), "event 5 holds no time")
                tables["log"]?.set(5, value.replacingCharacters(in: range, with: "323032352d"))
            }
            Self.expectFound(Reliability.verify(data: byte), at: 5, "one byte")
            Self.expectFound(try Self.verifyExport(sandbox, byte), at: 5, "one byte, export")

            // Event 7 deleted.
            let deleted = try Self.copy(sandbox, base, "deleted")
            try LMDBTools.edit(deleted) { tables in tables["log"]?.remove(7) }
            Self.expectFound(Reliability.verify(data: deleted), at: 7, "deleted")
            Self.expectFound(try Self.verifyExport(sandbox, deleted), at: 7, "deleted, export")

            // Events 3 and 9 swapped (their hashes stay where they were).
            let reordered = try Self.copy(sandbox, base, "reordered")
            try LMDBTools.edit(reordered) { tables in
                let (three, nine) = (try #require(tables["log"]?.value(at: 3)), try #require(tables["log"]?.value(at: 9)))
                tables["log"]?.set(3, nine)
                tables["log"]?.set(9, three)
            }
            Self.expectFound(Reliability.verify(data: reordered), at: 3, "reordered")
            Self.expectFound(try Self.verifyExport(sandbox, reordered), at: 3, "reordered, export")

            // The tail from 13 on cut off, and other events appended in its place: the store's own events 1–4
            // again, with their hashes, as a copy of another log's tail would come.
            let truncated = try Self.copy(sandbox, base, "truncated")
            try LMDBTools.edit(truncated) { tables in
                for (offset, source) in (1...4).enumerated() {
                    let value = try #require(tables["log"]?.value(at: source))
                    let hash = try #require(tables["chain"]?.value(at: source))
                    tables["log"]?.set(13 + offset, value)
                    tables["chain"]?.set(13 + offset, hash)
                }
            }
            Self.expectFound(Reliability.verify(data: truncated), at: 13, "truncated and appended")
            Self.expectFound(try Self.verifyExport(sandbox, truncated), at: 13, "truncated and appended, export")
        }
    }

    @Test(
        "a tail cut off behind the daemon's back: the daemon appends nothing more to that log, and verify names where it was cut",
        .enabled(if: LMDBTools.runs))
    func truncatedTail() throws {
        try withSandbox { sandbox in
            let daemon = try sandbox.start()
            let c = try Connection(path: sandbox.socket)
            try Self.record(c)
            _ = try c.checkpoint()  // kept in the store
            #expect(daemon.stop() == 0)
            try LMDBTools.edit(sandbox.data) { tables in
                for position in 12...16 {
                    tables["log"]?.remove(position)
                    tables["chain"]?.remove(position)
                }
            }
            Self.expectFound(Reliability.verify(data: sandbox.data), at: 12, "truncated")

            // The daemon starts and serves reads, but refuses to extend the log, saying why.
            let restarted = try sandbox.start()
            let r = try Connection(path: sandbox.socket)
            #expect(try r.head() == 11)
            let refusal = r.refusal(.append, ["events": .array([Ev.open("s-Quinn", "Quinn", coach: "kim", newSalesperson: true)])])
            #expect(refusal?.code == .unavailable, "\(String(describing: refusal))")
            #expect(refusal?.message.contains("events 12–16 were removed") == true, "\(String(describing: refusal))")
            #expect(refusal?.message.contains("coachlogd verify") == true)
            #expect(r.refusal(.checkpoint)?.code == .unavailable)
            #expect(restarted.stop() == 0)
        }
    }

    @Test(
        "a format number set back, which would have an edited log hashed again as an upgrade, is refused",
        .enabled(if: LMDBTools.runs))
    func formatSetBack() throws {
        try withSandbox { sandbox in
            let daemon = try sandbox.start()
            try Self.record(try Connection(path: sandbox.socket))
            #expect(daemon.stop() == 0)
            let before = try Data(contentsOf: URL(fileURLWithPath: sandbox.data + "/coachlog.mdb"))
            try LMDBTools.edit(sandbox.data) { tables in
                let key = "format".utf8.map { String(format: "%02x", $0) }.joined()
                let index = try #require(tables["meta"]?.records.firstIndex { $0.key == key })
                tables["meta"]?.records[index].value = "0000000000000006"
            }
            let edited = try Data(contentsOf: URL(fileURLWithPath: sandbox.data + "/coachlog.mdb"))
            #expect(edited != before)
            let refused = try sandbox.launch(["--data", sandbox.data, "--socket", sandbox.socket], socket: sandbox.socket, log: "setback")
            #expect(refused.waitForExit(timeout: 30) == 1)
            #expect(refused.stderr.contains("format number was set back"), "\(refused.stderr)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: sandbox.data + "/coachlog.mdb")) == edited, "left untouched")
        }
    }

    @Test("a log rewritten from some position on and chained again is caught by a head kept elsewhere")
    func rewrittenAndChainedAgain() throws {
        try withSandbox { sandbox in
            let daemon = try sandbox.start()
            let c = try Connection(path: sandbox.socket)
            try Self.record(c)
            _ = try c.backup(to: sandbox.path("at16.mdb"))
            for name in ["Indigo", "Jordan"] { try c.append([Ev.open("s-\(name)", name, coach: "kim", newSalesperson: true)]) }
            let signed = try c.checkpoint()  // kept elsewhere: the operator's witness
            #expect(signed.position == 18)
            #expect(daemon.stop() == 0)

            // The rewrite: the store rolled back to the backup and other events written in place of 17 and 18.
            // The log is consistent in itself, and so are the signed heads it holds (the backup's, at 16).
            let rolledBack = Reliability.run(DaemonProcess.binaryPath, ["restore", sandbox.path("at16.mdb"), "--data", sandbox.data])
            #expect(rolledBack.status == 0, "\(rolledBack.output)")
            let again = try sandbox.start()
            let a = try Connection(path: sandbox.socket)
            for name in ["Kendall", "Logan"] { try a.append([Ev.open("s-\(name)", name, coach: "kim", newSalesperson: true)]) }
            #expect(try a.head() == 18)
            #expect(again.stop() == 0)
            let inItself = Reliability.verify(data: sandbox.data)
            #expect(inItself.status == 0, "\(inItself.output)")
            let witnessed = try Self.verifyExport(sandbox, sandbox.data, head: "18:\(signed.hash.hex)")
            Self.expectFound(witnessed, at: 18, "rewritten, against the head kept elsewhere")
            #expect(witnessed.output.contains("rewritten"), "\(witnessed.output)")
        }
    }

    @Test("the chain still verifies after forget, and a head signed before it still matches")
    func afterForget() throws {
        try withSandbox { sandbox in
            let daemon = try sandbox.start()
            let c = try Connection(path: sandbox.socket)
            try History.load(into: c)
            let before = try c.checkpoint()
            _ = try c.request(.forget, ["salesperson": "ana"])
            try Self.record(c)
            let after = try c.checkpoint()
            #expect(after.position > before.position)
            #expect(daemon.stop() == 0)
            let verified = Reliability.verify(data: sandbox.data)
            #expect(verified.status == 0, "\(verified.output)")
            #expect(verified.output.contains("2 signed heads match it"), "\(verified.output)")
            let exported = try Self.verifyExport(sandbox, sandbox.data, head: "\(before.position):\(before.hash.hex)")
            #expect(exported.status == 0, "\(exported.output)")
        }
    }

    @Test("a store of an older format is hashed at its upgrade, and then verifies")
    func afterUpgrade() throws {
        try withSandbox { sandbox in
            let folder = sandbox.path("old")
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
            try FileManager.default.copyItem(atPath: VerifyReadOnlyTests.fixture, toPath: folder + "/coachlog.mdb")
            let daemon = try sandbox.start(data: folder)
            let c = try Connection(path: sandbox.socket)
            let head = try c.request(.stats)["head"]
            #expect(head?["position"]?.int ?? 0 > 0)
            try c.append([Ev.open("after-upgrade", "zed", coach: "kim", newSalesperson: true)])
            #expect(daemon.stop() == 0)
            let verified = Reliability.verify(data: folder)
            #expect(verified.status == 0, "\(verified.output)")
            let exported = try Self.verifyExport(sandbox, folder)
            #expect(exported.status == 0, "\(exported.output)")
        }
    }

    /// Protocol.md §4.6's signed message, built here from the reply's fields alone.
    static func message(_ reply: CheckpointReply) -> [UInt8] {
        var bytes = Array("coachlog checkpoint 1\n".utf8)
        withUnsafeBytes(of: reply.position.bigEndian) { bytes += $0 }
        bytes += reply.hash.bytes
        withUnsafeBytes(of: reply.signedAt.milliseconds.bigEndian) { bytes += $0 }
        return bytes
    }

    @Test("a signed head verifies with the daemon's public key alone, and matches the head stats reports")
    func signedHeadVerifiesWithThePublicKey() throws {
        try withSandbox { sandbox in
            try sandbox.start()
            let c = try Connection(path: sandbox.socket)
            let empty = try c.checkpoint()
            #expect(empty.position == 0 && empty.hash.hex == String(repeating: "0", count: 64))
            try Self.record(c)
            let signed = try c.checkpoint()
            let stats = try c.request(.stats)
            #expect(stats["head"]?["position"]?.int == Int64(signed.position))
            #expect(stats["head"]?["hash"]?.string == signed.hash.hex)
            let key = try Curve25519.Signing.PublicKey(rawRepresentation: try #require(HexDigits.bytes(signed.publicKey)))
            let signature = try #require(HexDigits.bytes(signed.signature))
            #expect(key.isValidSignature(signature, for: Self.message(signed)))
            var forged = Self.message(signed)
            forged[forged.count - 9] ^= 1
            #expect(!key.isValidSignature(signature, for: forged))
            // The public key is the one in the signing key file the daemon was given.
            let seed = try #require(HexDigits.bytes(try String(contentsOfFile: TestSigningKey.path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
            #expect(try Curve25519.Signing.PrivateKey(rawRepresentation: seed).publicKey.rawRepresentation == key.rawRepresentation)
        }
    }

    @Test(
        "a backup carries its signed head; coachlogd restore puts it in place only if it verifies, unless --unverified",
        .enabled(if: LMDBTools.runs))
    func restoreVerifies() throws {
        try withSandbox { sandbox in
            let daemon = try sandbox.start()
            let c = try Connection(path: sandbox.socket)
            try Self.record(c)
            let backup = try c.backup(to: sandbox.path("backup.mdb"))
            let signed = try #require(backup.signedHead)
            #expect(signed.position == backup.position)
            #expect(signed.signedHead?.isValid == true)
            try c.append([Ev.open("later", "later", coach: "kim", newSalesperson: true)])
            #expect(daemon.stop() == 0)

            let good = sandbox.path("restored")
            let restored = Reliability.run(DaemonProcess.binaryPath, ["restore", sandbox.path("backup.mdb"), "--data", good])
            #expect(restored.status == 0, "\(restored.output)")
            #expect(restored.output.contains("the hash chain holds"), "\(restored.output)")
            let served = try sandbox.start(data: good, socket: sandbox.path("r.sock"))
            #expect(try Connection(path: sandbox.path("r.sock")).head() == Int64(backup.position))
            #expect(served.stop() == 0)

            // The backup edited with LMDB's tools: one byte of event 4.
            let edited = sandbox.path("edited")
            try FileManager.default.createDirectory(atPath: edited, withIntermediateDirectories: false)
            try FileManager.default.copyItem(atPath: sandbox.path("backup.mdb"), toPath: edited + "/coachlog.mdb")
            try LMDBTools.edit(edited) { tables in
                let value = try #require(tables["log"]?.value(at: 4))
                let year = "2026-".utf8.map { String(format: "%02x", $0) }.joined()
                let range = try #require(value.range(of: year))
                tables["log"]?.set(4, value.replacingCharacters(in: range, with: "323032372d"))
            }
            let before = try Data(contentsOf: URL(fileURLWithPath: sandbox.data + "/coachlog.mdb"))
            let refused = Reliability.run(DaemonProcess.binaryPath, ["restore", edited + "/coachlog.mdb", "--data", sandbox.data])
            #expect(refused.status == 1, "\(refused.output)")
            #expect(refused.output.contains("does not verify"), "\(refused.output)")
            #expect(refused.output.contains("--unverified"), "\(refused.output)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: sandbox.data + "/coachlog.mdb")) == before, "nothing changed")
            let forced = Reliability.run(
                DaemonProcess.binaryPath, ["restore", edited + "/coachlog.mdb", "--data", sandbox.data, "--unverified"])
            #expect(forced.status == 0, "\(forced.output)")
            #expect(forced.output.contains("WITHOUT verification"), "\(forced.output)")
            let kept = try FileManager.default.contentsOfDirectory(atPath: sandbox.data).filter { $0.hasPrefix("coachlog.mdb.replaced-") }
            #expect(kept.count == 1, "the replaced data file is kept: \(kept)")
        }
    }
}

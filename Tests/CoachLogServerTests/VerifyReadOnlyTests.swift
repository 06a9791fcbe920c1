import CoachLogTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `coachlogd verify` reads a stopped store and changes nothing: not on a
/// current store, and not on an older one, which it reports as needing an
/// upgrade (exit 2) instead of upgrading it.
@Suite("coachlogd verify is read-only", .serialized)
struct VerifyReadOnlyTests {
    /// A store written by coachlogd at commit ce88b84 (store format 2), shared with the EventStore tests.
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("EventStoreTests/Fixtures/format2-store.mdb").path

    /// The data file's bytes and modification time: what "changed nothing" is checked on.
    struct Fingerprint: Equatable {
        var bytes: Data
        var modified: Int
        var modifiedNanoseconds: Int

        init(_ path: String) throws {
            bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            var st = stat()
            guard stat(path, &st) == 0 else { throw HarnessError("cannot stat \(path)") }
            modified = st.st_mtim.tv_sec
            modifiedNanoseconds = st.st_mtim.tv_nsec
        }
    }

    /// The fixture with its projection version set back from 2 to 1: a store whose projections an older
    /// coachlogd built. LMDB pages carry no checksum, and a meta value follows its key in the leaf node,
    /// so changing that one byte is a valid edit of the store.
    static func withOlderProjections(_ store: Data) throws -> Data {
        let key = Data("projectionVersion".utf8)
        var bytes = store
        let found = try #require(bytes.range(of: key), "the fixture has no projectionVersion")
        #expect(bytes.range(of: key, in: found.upperBound..<bytes.endIndex) == nil, "projectionVersion appears twice")
        let value = found.upperBound..<(found.upperBound + 8)
        try #require(Array(bytes[value]) == [0, 0, 0, 0, 0, 0, 0, 2], "unexpected value \(Array(bytes[value]))")
        bytes[value.upperBound - 1] = 1
        return bytes
    }

    static func files(in folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }

    @Test(
        "verify changes no byte of an older store and says it needs an upgrade (exit 2); after the daemon upgraded it, verify passes and still changes nothing"
    )
    func verifyNeverWrites() throws {
        try withSandbox { sandbox in
            let original = try Data(contentsOf: URL(fileURLWithPath: Self.fixture))
            let older: [(String, Data)] = [
                ("older projections", try Self.withOlderProjections(original)), ("store format 2", original),
            ]
            for (name, content) in older {
                let data = sandbox.path("data-\(name.replacingOccurrences(of: " ", with: "-"))")
                try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: false)
                let file = data + "/coachlog.mdb"
                try content.write(to: URL(fileURLWithPath: file))
                let before = try Fingerprint(file)
                let verification = Reliability.verify(data: data)
                #expect(verification.status == 2, "\(name): exit \(verification.status): \(verification.output)")
                #expect(verification.output.contains("needs an upgrade"), "\(name): \(verification.output)")
                #expect(
                    verification.output.contains("start coachlogd"), "\(name): says what to do: \(verification.output)")
                #expect(try Fingerprint(file) == before, "\(name): verify changed the data file")
                // Nothing created either: no LMDB lock file (MDB_NOLOCK), no folder lock file.
                #expect(Self.files(in: data) == ["coachlog.mdb"], "\(name): \(Self.files(in: data))")
            }

            // The daemon upgrades the store at startup; while it runs, verify refuses and leaves it alone.
            let data = sandbox.path("data-store-format-2")
            let file = data + "/coachlog.mdb"
            let daemon = try sandbox.start(data: data, log: "upgrade")
            let busy = Reliability.verify(data: data)
            #expect(busy.status == 1 && busy.output.contains("in use"), "verify on a running daemon: \(busy.output)")
            #expect(daemon.isRunning)
            #expect(daemon.stop() == 0, "\(daemon.stderr)")
            let upgraded = try Fingerprint(file)
            #expect(upgraded.bytes != original, "the daemon did not upgrade the store")
            let verification = Reliability.verify(data: data)
            #expect(verification.status == 0, "after the upgrade: exit \(verification.status): \(verification.output)")
            #expect(verification.output.contains("consistent: 19 events, 2 salespeople"), "\(verification.output)")
            #expect(try Fingerprint(file) == upgraded, "verify changed an upgraded store")
        }
    }

    @Test("verify of a folder without a store creates nothing and says so")
    func verifyOfAnEmptyFolder() throws {
        try withSandbox { sandbox in
            let missing = sandbox.path("nothing-here")
            let verification = Reliability.verify(data: missing)
            #expect(verification.status == 1, "exit \(verification.status): \(verification.output)")
            #expect(verification.output.contains("no CoachLog store"), "\(verification.output)")
            #expect(!FileManager.default.fileExists(atPath: missing), "verify created \(missing)")
        }
    }
}

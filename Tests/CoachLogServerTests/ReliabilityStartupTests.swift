import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import CoachLogTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Reliability: unusable data folders and files", .serialized)
struct ReliabilityStartupTests {
    static let nobody: uid_t = 65534
    static var canDropPrivileges: Bool {
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: DaemonProcess.setpriv)
    }

    /// Everything inside `folder`, recursively ([] if it is missing).
    static func contents(_ folder: String) -> [String] {
        (FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? []).sorted()
    }

    enum Unwritable: String, CaseIterable, CustomTestStringConvertible {
        case rootOwned0700 = "a root-owned 0700 folder"
        case ownOwned0500 = "the daemon user's own 0500 folder"
        case uncreatable = "a folder to create under a root-owned 0755 folder"
        var testDescription: String { rawValue }
    }

    @Test(
        "an unwritable data folder: the daemon exits non-zero at once, says why, and creates nothing",
        .enabled(if: canDropPrivileges, "skipped: needs root and setpriv to run the daemon as uid 65534"),
        arguments: Unwritable.allCases)
    func unwritableFolder(_ kind: Unwritable) throws {
        try withSandbox { sandbox in
            // The sandbox itself must be searchable by uid 65534; nothing in it is writable by it.
            chmod(sandbox.root, 0o755)
            var data = sandbox.data
            switch kind {
            case .rootOwned0700:
                try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: false)
                chmod(data, 0o700)
            case .ownOwned0500:
                try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: false)
                chown(data, Self.nobody, gid_t(Self.nobody))
                chmod(data, 0o500)
            case .uncreatable:
                data = sandbox.path("parent/data")
                try FileManager.default.createDirectory(atPath: sandbox.path("parent"), withIntermediateDirectories: false)
                chmod(sandbox.path("parent"), 0o755)
            }
            let before = Self.contents(sandbox.root).filter { !$0.hasSuffix(".stderr") }
            let socket = sandbox.path("s.sock")
            let started = Date()
            let daemon = try sandbox.launch(
                ["--reuid", "\(Self.nobody)", "--regid", "\(Self.nobody)", "--clear-groups", "--",
                 DaemonProcess.binaryPath, "--data", data, "--socket", socket],
                socket: socket, executable: DaemonProcess.setpriv, log: "unwritable")
            // It gives up instead of retrying: the bound is generous because a loaded CI machine
            // took 8.5 s just to start and stop the process (0.5 s when quiet).
            let status = daemon.waitForExit(timeout: 30)
            let seconds = Date().timeIntervalSince(started)
            #expect(status != nil && status != 0, "status \(status.map(String.init) ?? "none (still running)")")
            #expect(seconds < 20, "took \(seconds) s to give up")
            let stderr = daemon.stderr
            #expect(stderr.contains(data), "names the folder: \(stderr)")
            #expect(stderr.contains("Permission denied"), "says why: \(stderr)")
            #expect(!stderr.contains("Fatal error") && !stderr.contains("Stack dump"), "crashed: \(stderr)")
            let after = Self.contents(sandbox.root).filter { !$0.hasSuffix(".stderr") }
            #expect(after == before, "created \(Set(after).subtracting(before).sorted())")
            #expect(!FileManager.default.fileExists(atPath: socket))
            print("unwritable data folder (\(kind.rawValue)): exit \(status ?? -1) in \(String(format: "%.2f", seconds)) s: \(stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }

    enum Foreign: String, CaseIterable, CustomTestStringConvertible {
        case randomBytes = "64 KiB of random bytes"
        case randomWithMagic = "random bytes with LMDB's magic number where LMDB looks for it"
        case text = "a plain text file"
        case shortText = "a text file shorter than an LMDB header"
        var testDescription: String { rawValue }

        func bytes() -> [UInt8] {
            var rng = SplitMix64(seed: Reliability.seed(20_260_304))
            switch self {
            case .randomBytes: return (0..<65_536).map { _ in UInt8.random(in: 0...255, using: &rng) }
            case .randomWithMagic:
                var b = (0..<65_536).map { _ in UInt8.random(in: 0...255, using: &rng) }
                b.replaceSubrange(16..<20, with: [0xDE, 0xC0, 0xEF, 0xBE])
                return b
            case .text:
                let lines = (1...400).map { "Coaching notes, week \($0): ask Ana about the referral plan.\n" }
                return Array(lines.joined().utf8)
            case .shortText: return Array("hello\n".utf8)
            }
        }
    }

    @Test("a data file that is not a CoachLog store: the daemon refuses to start, says why, leaves it unchanged",
          arguments: Foreign.allCases)
    func foreignFile(_ kind: Foreign) throws {
        try withSandbox { sandbox in
            try FileManager.default.createDirectory(atPath: sandbox.data, withIntermediateDirectories: false)
            let file = sandbox.data + "/coachlog.mdb"
            let original = Data(kind.bytes())
            try original.write(to: URL(fileURLWithPath: file))
            let attributes = try FileManager.default.attributesOfItem(atPath: file)

            let daemon = try sandbox.launch(
                ["--data", sandbox.data, "--socket", sandbox.socket], socket: sandbox.socket, log: "foreign")
            let status = daemon.waitForExit(timeout: 10)
            #expect(status != nil && status != 0, "status \(status.map(String.init) ?? "none (still running)")")
            let stderr = daemon.stderr
            #expect(stderr.contains("not a CoachLog store"), "says why: \(stderr)")
            #expect(stderr.contains(file), "names the file: \(stderr)")
            #expect(!socketAccepts(sandbox.socket))

            // `verify` refuses it too; neither touched the file.
            let verification = Reliability.verify(data: sandbox.data)
            #expect(verification.status == 1 && verification.output.contains("not a CoachLog store"), "\(verification.output)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == original, "the file's bytes changed")
            let now = try FileManager.default.attributesOfItem(atPath: file)
            #expect(now[.size] as? Int == original.count)
            #expect(now[.modificationDate] as? Date == attributes[.modificationDate] as? Date, "the file was written to")
            print("foreign data file (\(kind.rawValue)): exit \(status ?? -1): \(stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }
}

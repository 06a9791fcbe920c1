import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import CoachLogTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Whether this run may mount a tmpfs (root, with the capability): probed once with a throwaway mount.
enum Tmpfs {
    static let available: Bool = {
        guard getuid() == 0 else { return false }
        guard let folder = try? makeTemporaryFolder(prefix: "clrel-probe") else { return false }
        defer { rmdir(folder) }
        guard mount(folder, size: "1m") else { return false }
        unmount(folder)
        return true
    }()

    static let mountTool = FileManager.default.isExecutableFile(atPath: "/usr/bin/mount") ? "/usr/bin/mount" : "/bin/mount"
    static let umountTool = FileManager.default.isExecutableFile(atPath: "/usr/bin/umount") ? "/usr/bin/umount" : "/bin/umount"

    static func mount(_ folder: String, size: String) -> Bool {
        Reliability.run(mountTool, ["-t", "tmpfs", "-o", "size=\(size),mode=0700", "tmpfs", folder]).status == 0
    }

    static func resize(_ folder: String, size: String) -> (status: Int32, output: String) {
        Reliability.run(mountTool, ["-o", "remount,size=\(size)", folder])
    }

    @discardableResult
    static func unmount(_ folder: String) -> Bool {
        if Reliability.run(umountTool, [folder]).status == 0 { return true }
        return Reliability.run(umountTool, ["-l", folder]).status == 0
    }
}

@Suite("Reliability: storage faults", .serialized)
struct ReliabilityStorageTests {
    @Test(
        "disk full: appends are refused as unavailable, nothing acknowledged is lost, and appends resume once space is freed",
        .enabled(if: Tmpfs.available, "skipped: needs root and permission to mount a tmpfs (mount -t tmpfs)"))
    func diskFull() throws {
        try withSandbox { sandbox in
            let data = sandbox.data
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: false)
            try #require(Tmpfs.mount(data, size: "4m"), "mount -t tmpfs -o size=4m failed")
            defer { Tmpfs.unmount(data) }
            let daemon = try sandbox.start(log: "diskfull")
            let c = try Connection(path: sandbox.socket)
            var rng = SplitMix64(seed: Reliability.seed(20_260_303))
            var planner = AppendPlanner(prefix: "full", people: 3)

            // Large appends until the disk is full (4 MB holds about a thousand 3,000-character notes).
            var acknowledged: [String] = []
            var refusal: (append: PlannedAppend, error: ProtocolError)?
            for _ in 0..<5_000 {
                let append = planner.plan(&rng, textLength: 3_000)
                do {
                    let result = try c.request(.append, append.fields)
                    planner.acknowledged(append, streamVersion: result["streamVersion"]?.int ?? -1)
                    acknowledged += append.eventIds
                } catch ClientError.refused(let error) {
                    refusal = (append, error)
                    break
                }
            }
            let (refused, error) = try #require(refusal, "4 MB never filled up after \(acknowledged.count) events")
            #expect(error.code == .unavailable, "disk full gave \(error)")
            #expect(error.message.contains("disk") && error.message.contains("full"), "message: \(error.message)")
            #expect(daemon.isRunning, "the daemon died on a full disk: \(daemon.stderr)")

            // Reads still work; the log is exactly the acknowledged events (the refused append wrote nothing).
            var log = try c.readAll()
            #expect(Reliability.logProblems(log).isEmpty)
            #expect(Self.difference(log, acknowledged) == "", "after the disk filled up")

            // Free space without restarting: the refused append, resent with the same eventIds, now goes in
            // as a new append, and more follow.
            let resized = Tmpfs.resize(data, size: "64m")
            try #require(resized.status == 0, "remount,size=64m failed: \(resized.output)")
            let result = try c.request(.append, refused.fields)
            #expect(result["replayed"] == .bool(false), "the refused append had been stored after all")
            planner.acknowledged(refused, streamVersion: result["streamVersion"]?.int ?? -1)
            acknowledged += refused.eventIds
            for _ in 0..<50 {
                let append = planner.plan(&rng, textLength: 3_000)
                let result = try c.request(.append, append.fields)
                planner.acknowledged(append, streamVersion: result["streamVersion"]?.int ?? -1)
                acknowledged += append.eventIds
            }
            log = try c.readAll()
            #expect(Reliability.logProblems(log).isEmpty)
            #expect(Self.difference(log, acknowledged) == "", "after space was freed")
            #expect(daemon.stop() == 0, "\(daemon.stderr)")
            let verification = Reliability.verify(data: data)
            #expect(verification.status == 0, "verify after disk full: \(verification.output)")
            print("disk full: \(log.count) events acknowledged and kept; refused with: \(error.message)")
        }
    }

    /// "" when the log's eventIds are exactly `expected`, in order; else what differs.
    static func difference(_ log: [JSONValue], _ expected: [String]) -> String {
        let ids = log.map { $0["eventId"]?.string ?? "" }
        if ids == expected { return "" }
        let missing = Set(expected).subtracting(ids)
        let extra = Set(ids).subtracting(expected)
        return "\(ids.count) events, \(expected.count) acknowledged; missing \(missing.sorted().prefix(10)); "
            + "never acknowledged \(extra.sorted().prefix(10))"
    }
}

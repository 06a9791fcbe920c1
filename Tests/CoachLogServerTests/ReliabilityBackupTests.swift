import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import CoachLogTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Reliability: backups under load", .serialized)
struct ReliabilityBackupTests {
    @Test("backups taken while 64 connections append each pass verify and hold a gapless prefix of the live log")
    func backupsUnderLoad() throws {
        raiseOpenFileLimit()
        let seed = Reliability.seed(20_260_302)
        let connections = 64
        let backupCount = Reliability.longRun ? 24 : 6
        try withSandbox { sandbox in
            let daemon = try sandbox.start(log: "backup")
            let socket = sandbox.socket
            let stop = Locked(false)
            let acknowledged = Locked(0)
            let failures = Locked<[String]>([])
            let workers = (0..<connections).map { writer in
                Worker {
                    var rng = SplitMix64(seed: seed &+ UInt64(writer))
                    var planner = AppendPlanner(prefix: "b\(writer)", people: 1)
                    do {
                        let c = try Connection(path: socket)
                        // At least 10 appends each; then on until the backups are taken.
                        var sent = 0
                        while sent < 10 || !stop.value {
                            let append = planner.plan(&rng)
                            let result = try c.request(.append, append.fields)
                            planner.acknowledged(append, streamVersion: result["streamVersion"]?.int ?? -1)
                            acknowledged.mutate { $0 += append.events.count }
                            sent += 1
                        }
                    } catch {
                        failures.mutate { $0.append("writer \(writer): \(error)") }
                    }
                }
            }
            var joined = false
            defer {
                stop.value = true
                if !joined { for worker in workers { worker.join(timeout: 60) } }
            }

            // The backups, at seeded intervals, while the 64 connections write.
            let c = try Connection(path: socket)
            try Reliability.waitUntil("the writers' first appends") { (try? c.head()) ?? 0 >= 200 }
            var rng = SplitMix64(seed: seed)
            var backups: [(path: String, position: Int64, bytes: Int64)] = []
            for k in 0..<backupCount {
                usleep(UInt32(Int.random(in: 20...150, using: &rng) * 1000))
                let path = sandbox.path("backup-\(k).mdb")
                let result = try c.request(.backup, ["path": .string(path)])
                backups.append((path, result["position"]?.int ?? -1, result["bytes"]?.int ?? -1))
            }
            let headAfterBackups = try c.head()
            stop.value = true
            for worker in workers { #expect(worker.join(timeout: 60), "a writer did not finish") }
            joined = true
            #expect(failures.value.isEmpty, "\(failures.value.prefix(5))")

            let live = try c.readAll()
            #expect(Reliability.logProblems(live).isEmpty, "live log: \(Reliability.logProblems(live))")
            #expect(live.count == acknowledged.value, "every acknowledged event is in the live log")
            #expect(daemon.stop() == 0, "the daemon did not stop cleanly: \(daemon.stderr)")
            let positions = backups.map(\.position)
            #expect(positions == positions.sorted(), "later backups cover at least as much: \(positions)")
            #expect(positions.allSatisfy { $0 > 0 && $0 <= headAfterBackups }, "\(positions)")
            #expect(positions.contains { $0 < Int64(live.count) }, "a backup taken under load is behind the final head")

            // Each backup, alone in a fresh folder as coachlog.mdb: verify, then read it through a daemon.
            var verified = 0
            for (k, backup) in backups.enumerated() {
                let folder = sandbox.path("restore-\(k)")
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
                try FileManager.default.copyItem(atPath: backup.path, toPath: folder + "/coachlog.mdb")
                let verification = Reliability.verify(data: folder)
                #expect(verification.status == 0, "backup \(k): verify failed: \(verification.output)")
                #expect(verification.output.contains("consistent: \(backup.position) events"), "backup \(k): \(verification.output)")
                let restoredSocket = sandbox.path("r\(k).sock")
                let restored = try sandbox.start(data: folder, socket: restoredSocket, log: "restore")
                let log = try Connection(path: restoredSocket).readAll()
                #expect(restored.stop() == 0)
                #expect(Int64(log.count) == backup.position, "backup \(k) holds \(log.count) events, reported \(backup.position)")
                let prefix = Array(live.prefix(log.count))
                let sameIds = log.map { $0["eventId"] } == prefix.map { $0["eventId"] }
                #expect(sameIds, "backup \(k): not the same eventIds at the same positions as the live log")
                #expect(log == prefix, "backup \(k): events differ from the live log's prefix")
                if verification.status == 0 && sameIds && Int64(log.count) == backup.position { verified += 1 }
            }
            print("""
                backup under load (seed \(seed)): \(connections) connections appended \(live.count) events; \
                backups verified \(verified)/\(backups.count) at positions \(positions) \
                (sizes \(backups.map(\.bytes)) bytes)
                """)
        }
    }
}

import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import Foundation
import Testing

@Suite("coachlogd backup and restore")
struct BackupRestoreTests {
    @Test("a backup taken while writes go on restores every projection and the log")
    func backupThenRestore() throws {
        try withSandbox { sandbox in
            let first = try sandbox.start()
            let c = try Connection(path: sandbox.socket)
            try History.load(into: c)

            // Backup A is taken while another connection appends: 100 sessions of one salesperson,
            // an hour apart, each opened and closed in one append (one open session at a time).
            let socket = sandbox.socket
            let busyAppends = 100
            let busyAcknowledged = Locked(0)
            let busy = Worker {
                guard let w = try? Connection(path: socket) else { return }
                for i in 0..<busyAppends {
                    let opened = Ev.time("2026-03-20T08:00:00Z", plusMinutes: 60 * i)
                    let closed = Ev.time(opened, plusMinutes: 30)
                    let events = [Ev.open("busy-\(i)", "busy", coach: "pat", at: opened), Ev.close("busy-\(i)", "busy", at: closed)]
                    guard (try? w.append(events)) != nil else { return }
                    busyAcknowledged.mutate { $0 += 1 }
                }
            }
            let during = try c.request(.backup, ["path": .string(sandbox.path("a.mdb"))])
            #expect(busy.join())
            #expect(busyAcknowledged.value == busyAppends, "every busy append must be acknowledged")
            let coveredA = try #require(during["position"]?.int)
            #expect(coveredA >= Int64(History.eventCount))

            // Backup B once the writes are done.
            let after = try c.request(.backup, ["path": .string(sandbox.path("b.mdb"))])
            let projections = try History.allProjections(c)
            let busyView = try c.query("sessions", ["salesperson": "busy"])
            let log = try c.readAll()
            #expect(log.count == History.eventCount + 2 * busyAppends)
            #expect(after["position"]?.int == Int64(log.count))
            #expect(first.stop() == 0)

            // New daemons on fresh folders holding only a backup file as coachlog.mdb.
            func restore(_ file: String, _ name: String) throws -> Connection {
                let folder = sandbox.path(name)
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
                try FileManager.default.copyItem(atPath: sandbox.path(file), toPath: folder + "/coachlog.mdb")
                try sandbox.start(data: folder, socket: sandbox.path(name + ".sock"))
                return try Connection(path: sandbox.path(name + ".sock"))
            }
            let b = try restore("b.mdb", "rb")
            #expect(try b.head() == Int64(log.count))
            let restoredProjections = try History.allProjections(b)
            for (label, _, _) in History.queries {
                #expect(restoredProjections[label] == projections[label], "\(label) differs after restore")
            }
            #expect(try b.query("sessions", ["salesperson": "busy"]) == busyView)
            #expect(try b.readAll() == log)
            // The restored store takes new appends after the copied head.
            let next = try b.append([Ev.close("ana-s3", "ana")])
            #expect(next["positions"]?[0]?.int == Int64(log.count) + 1)

            // The backup taken during writes is a consistent prefix of the log.
            let a = try restore("a.mdb", "ra")
            #expect(try a.head() == coveredA)
            #expect(try a.readAll() == Array(log.prefix(Int(coveredA))))
            #expect(try a.query("sessions", ["salesperson": "ana"]) == projections["sessions-ana"])
        }
    }
}

import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import CoachLogTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("coachlogd start and stop")
struct LifecycleTests {
    func isSocket(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFSOCK
    }

    func mode(_ path: String) -> UInt32? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        return UInt32(st.st_mode) & 0o777
    }

    @Test("a stale socket left by SIGKILL is replaced; acknowledged appends survive")
    func staleSocket() throws {
        try withSandbox { sandbox in
            let first = try sandbox.start()
            let c = try Connection(path: sandbox.socket)
            try History.load(into: c)
            first.kill()
            #expect(isSocket(sandbox.socket), "SIGKILL leaves the socket file behind")
            #expect(!socketAccepts(sandbox.socket))

            try sandbox.start()
            let again = try Connection(path: sandbox.socket)
            #expect(try again.head() == Int64(History.eventCount))
            #expect(try again.query("sessions", ["salesperson": "ana"])["openSession"] == "ana-s3")
            #expect(try again.append([Ev.close("ana-s3", "ana")])["positions"]?[0]?.int == Int64(History.eventCount) + 1)
        }
    }

    @Test("a second daemon on the same socket or the same data folder exits non-zero with a clear message")
    func secondDaemonRefused() throws {
        try withSandbox { sandbox in
            let running = try sandbox.start()
            let c = try Connection(path: sandbox.socket)
            try c.append([Ev.open("s1", "ana", coach: "kim")])

            let sameSocket = try sandbox.launch(
                ["--data", sandbox.path("other-data"), "--socket", sandbox.socket], socket: sandbox.socket)
            let status1 = sameSocket.waitForExit(timeout: 15)
            #expect(status1 != nil && status1 != 0)
            #expect(sameSocket.stderr.contains("already serving"), "stderr: \(sameSocket.stderr)")
            #expect(sameSocket.stderr.contains(sandbox.socket))

            let sameData = try sandbox.launch(
                ["--data", sandbox.data, "--socket", sandbox.path("t.sock")], socket: sandbox.path("t.sock"))
            let status2 = sameData.waitForExit(timeout: 15)
            #expect(status2 != nil && status2 != 0)
            #expect(sameData.stderr.contains("already in use"), "stderr: \(sameData.stderr)")
            #expect(!FileManager.default.fileExists(atPath: sandbox.path("t.sock")))

            // The first daemon is unharmed: its socket is still there and it still answers.
            #expect(running.isRunning)
            #expect(try c.head() == 1)
            let fresh = try Connection(path: sandbox.socket)
            #expect(try fresh.request(.hello)["server"] == "coachlogd")
        }
    }

    @Test("SIGTERM with pipelined appends in flight: exit 0, socket removed, every acknowledged append kept")
    func cleanShutdown() throws {
        try withSandbox { sandbox in
            let daemon = try sandbox.start()
            let c = try Connection(path: sandbox.socket)
            try c.append([Ev.open("sd-s", "sd", coach: "kim", at: "2026-03-10T09:00:00Z")])
            var bytes: [UInt8] = []
            let count = 3000
            for i in 0..<count {
                bytes += line(.integer(Int64(i)), "append", ["events": [
                    Ev.commit("sd-c\(i)", "sd-s", "sd", kind: "better", due: "2026-04-01", at: "2026-03-10T10:00:00Z"),
                ]])
            }
            let sender = Unchecked(c)
            let payload = bytes
            let worker = Worker { _ = try? sender.value.sendRaw(payload) }

            // SIGTERM once the first replies are in: later ones are still in flight.
            var acknowledged: [Int64: Int64] = [:]  // request id -> position
            var refused = 0
            var signalled = false
            while true {
                let reply: Reply.Decoded
                do { reply = try c.nextReply() } catch { break }  // the daemon closed the connection
                switch reply {
                case .ok(let id, let result):
                    if let i = id.int, let p = result["positions"]?[0]?.int { acknowledged[i] = p }
                case .error(_, let e):
                    #expect(e.code == .unavailable, "\(e)")
                    refused += 1
                case .event: break
                }
                if !signalled && acknowledged.count >= 20 {
                    kill(daemon.pid, SIGTERM)
                    signalled = true
                }
            }
            worker.join(timeout: 10)
            #expect(signalled)
            #expect(daemon.waitForExit(timeout: 20) == 0, "stderr: \(daemon.stderr)")
            #expect(!FileManager.default.fileExists(atPath: sandbox.socket), "the socket file is removed")
            print("clean shutdown: \(acknowledged.count) of \(count) appends acknowledged, \(refused) refused")

            try sandbox.start()
            let after = try Connection(path: sandbox.socket)
            let stored = try after.readAll(salesperson: "sd")
            let byPosition = Dictionary(uniqueKeysWithValues: stored.compactMap { e in e["position"]?.int.map { ($0, e) } })
            for (i, position) in acknowledged {
                #expect(byPosition[position]?["data"]?["commitmentId"]?.string == "sd-c\(i)", "acknowledged append \(i) lost")
            }
            #expect(stored.count >= acknowledged.count + 1)
        }
    }

    @Test("the socket file's mode is 0660 by default and follows --socket-mode")
    func socketMode() throws {
        try withSandbox { sandbox in
            let first = try sandbox.start()
            #expect(mode(sandbox.socket) == 0o660)
            #expect(first.stop() == 0)
            #expect(!FileManager.default.fileExists(atPath: sandbox.socket))
            try sandbox.start(socket: sandbox.path("p.sock"), extra: ["--socket-mode", "0600"])
            #expect(mode(sandbox.path("p.sock")) == 0o600)
        }
    }
}

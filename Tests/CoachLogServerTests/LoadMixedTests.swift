import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import CoachLogTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// LoadTests covers 1,000 connections that each say hello, and pipelining with a reading client;
/// this suite holds them all open at once while slow readers and a subscriber that never reads
/// push on the daemon's memory, and checks everyone else keeps being served.
@Suite("coachlogd mixed load", .serialized)
struct LoadMixedTests {
    static let text = String(repeating: "Practise the opening question. ", count: 32)  // ~1 KB

    @Test("1,000 connections held, slow readers, a never-reading subscriber under appends: bounded memory, others served, subscriber cut off")
    func mixedLoad() throws {
        raiseOpenFileLimit()
        let idleCount = FuzzSettings.long ? 4_000 : 1_000
        let slowReaders = FuzzSettings.long ? 16 : 4
        let pipelinedPerReader = FuzzSettings.long ? 1_000 : 300
        let stalledReaders = FuzzSettings.long ? 16 : 4
        let pipelinedPerStalled = 1_000
        try withSandbox { sandbox in
            let daemon = try sandbox.startForFuzz(name: "load")
            defer { daemon.stop() }
            let monitor = RSSMonitor(pid: daemon.pid)
            let writer = try Connection(path: sandbox.socket)
            try writer.append([Ev.open("ld-s", "ld", coach: "kim")])
            for a in 0..<20 {
                try writer.append((0..<100).map { Ev.insight("ld-s", "ld", topic: "selfConcept", text: "\(a)-\($0) " + Self.text) })
            }
            let seeded = try writer.head()

            // 1. Idle connections, all open at once, each answered once.
            var idle: [Connection] = []
            idle.reserveCapacity(idleCount)
            for _ in 0..<idleCount { idle.append(try Connection(path: sandbox.socket)) }
            for (i, c) in idle.enumerated() { try c.send(Request(id: .integer(Int64(i)), op: .hello)) }
            for (i, c) in idle.enumerated() {
                guard case .ok(let id, _) = try c.receive(), id == .integer(Int64(i)) else {
                    Issue.record("idle connection \(i) was not answered")
                    return
                }
            }

            // A prober: how long a fresh client waits for hello (answered on the event loop) and for
            // stats (run on the thread pool, behind other clients' reads), all through the load.
            let stop = Locked(false)
            let socket = sandbox.socket
            let latencies = Locked<(hello: [Double], stats: [Double])>(([], []))
            let prober = Worker {
                while !stop.value {
                    var started = Date()
                    let c = try? Connection(path: socket)
                    let hello = (try? c?.request(.hello)["server"]) == "coachlogd"
                    let helloTime = hello ? Date().timeIntervalSince(started) : .infinity
                    started = Date()
                    let stats = (try? c?.request(.stats)["position"]) != nil
                    let statsTime = stats ? Date().timeIntervalSince(started) : .infinity
                    latencies.mutate {
                        $0.hello.append(helloTime)
                        $0.stats.append(statsTime)
                    }
                    usleep(100_000)
                }
            }

            // 2. Slow readers pipeline hundreds of reads of 50 events (~60 KB a reply) and read nothing
            //    for now; stalled ones pipeline 1,000 reads of 200 events (~250 KB a reply, 250 MB in all)
            //    and will read only the first. The daemon must hold back, not compute and buffer them all.
            var readers = try (0..<(slowReaders + stalledReaders)).map { _ in try Connection(path: sandbox.socket) }
            var senders: [Worker] = []
            for (n, c) in readers.enumerated() {
                let stalled = n >= slowReaders
                let limit: JSONValue = stalled ? 200 : 50
                var payload: [UInt8] = []
                for i in 0..<(stalled ? pipelinedPerStalled : pipelinedPerReader) {
                    let after = JSONValue.integer(Int64((n * 37 + i) % 1500))
                    payload += line(.integer(Int64(i)), "read", ["after": after, "limit": limit])
                }
                let connection = Unchecked(c)
                let bytes = payload
                senders.append(Worker { try? connection.value.sendRaw(bytes) })
            }

            // 3. A subscriber from the start of the log that never reads, with a small receive buffer.
            let subscriber = try RawClient(path: sandbox.socket)
            var small: Int32 = 4096
            _ = setsockopt(subscriber.fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
            try subscriber.send(line("never-reads", "subscribe", ["after": 0]))
            do {
                try DaemonProcessWait.until { (try? writer.request(.stats)["subscribers"]?.int) == 1 }
            } catch {
                stop.value = true
                let rss = monitor.maximumKiB / 1024
                Issue.record("stats did not show the subscriber within 10 s: other clients are not served (\(rss) MiB resident)")
                return
            }
            let held = try writer.request(.stats)["connections"]?.int ?? 0
            #expect(held >= Int64(idleCount + slowReaders + stalledReaders + 2), "connections held: \(held)")

            // 4. Appends flow until the subscriber is cut off.
            let appended = Locked(0)
            let appender = Worker {
                guard let c = try? Connection(path: socket) else { return }
                var a = 0
                while !stop.value {
                    let events = (0..<50).map { Ev.insight("ld-s", "ld", topic: "identityRole", text: "live \(a)-\($0) " + Self.text) }
                    guard let result = try? c.append(events), result["positions"]?.array.count == 50 else { break }
                    appended.mutate { $0 += 50 }
                    a += 1
                }
            }
            let started = Date()
            let cutOff = (try? DaemonProcessWait.until(timeout: FuzzSettings.long ? 120 : 25) {
                (try? writer.request(.stats)["subscribers"]?.int) == 0 || monitor.killed
            }) != nil
            let cutOffAfter = Date().timeIntervalSince(started)
            usleep(500_000)  // appends and probes go on a little after the cut-off
            stop.value = true
            #expect(appender.join(timeout: FuzzSettings.joinSeconds) && prober.join(timeout: FuzzSettings.joinSeconds))
            #expect(!monitor.killed, "coachlogd went past \(4 * FuzzSettings.rssBoundKiB / 1024) MiB and was killed")
            #expect(cutOff, "the subscriber that never reads was not cut off within \(Int(cutOffAfter)) s")

            // 5. The subscriber's connection was closed; what it can still read is events, then the reason.
            let leftover = try #require(subscriber.readToEnd(timeout: 15), "the never-reading subscriber was not disconnected")
            var events = 0
            var reasons: [ProtocolError] = []
            for l in framedLines(leftover) {
                switch try? Reply.Decoded(line: l) {
                case .event?: events += 1
                case .error(_, let e)?: reasons.append(e)
                default: break
                }
            }
            #expect(reasons.allSatisfy { $0.code == .unavailable && $0.message.contains("subscription ended") }, "\(reasons)")

            // 6. The slow readers now read, slowly: every reply, in order. The stalled ones read one and leave.
            let readerFailures = Locked<[String]>([])
            let drains = readers.enumerated().map { n, c in
                let connection = Unchecked(c)
                let count = n < slowReaders ? pipelinedPerReader : 1
                return Worker {
                    for i in 0..<count {
                        usleep(2_000)
                        guard let raw = try? connection.value.readLine(),
                            raw.starts(with: Array(#"{"id":\#(i),"ok":true,"result":{"events":[{"#.utf8))
                        else {
                            readerFailures.mutate { $0.append("reader \(n), reply \(i)") }
                            return
                        }
                        if i % 25 == 0, WireReply.parse(raw).0?.result?["events"]?.array.isEmpty != false {
                            readerFailures.mutate { $0.append("reader \(n), reply \(i): malformed") }
                        }
                    }
                }
            }
            for d in drains { #expect(d.join(timeout: FuzzSettings.joinSeconds)) }
            #expect(readerFailures.value.isEmpty, "\(readerFailures.value.prefix(5))")
            for s in senders { #expect(s.join(timeout: 10)) }
            readers.removeAll()  // the stalled ones hang up with hundreds of reads unanswered

            // 7. Everyone still connected is served; stats works and counts them; nothing was lost.
            for (i, c) in idle.enumerated() { try c.send(Request(id: .integer(Int64(i)), op: .stats)) }
            var stillServed = 0
            for (i, c) in idle.enumerated() {
                if case .ok(let id, let r) = try c.receive(), id == .integer(Int64(i)), r["position"] != nil { stillServed += 1 }
            }
            #expect(stillServed == idleCount)
            let stats = try writer.request(.stats)
            #expect((stats["connections"]?.int ?? 0) >= Int64(idleCount + 1))
            #expect(stats["subscribers"]?.int == 0)
            #expect(stats["position"]?.int == seeded + Int64(appended.value))
            #expect(daemon.isRunning)

            let rss = monitor.stop()
            let worstHello = latencies.value.hello.max() ?? .infinity
            let worstStats = latencies.value.stats.max() ?? .infinity
            print("mixed load: \(held) connections held by the daemon (\(idleCount) idle, \(slowReaders) "
                + "slow readers × \(pipelinedPerReader) pipelined reads, \(stalledReaders) stalled × \(pipelinedPerStalled), "
                + "1 subscriber that never reads, a writer, an appender, a prober); \(appended.value) events appended; "
                + "subscriber cut off after " + String(format: "%.1f s", cutOffAfter) + " (\(events) events and "
                + "\(reasons.isEmpty ? "no reason line" : "the unavailable reason") readable); \(latencies.value.hello.count) probes, "
                + "slowest hello \(Int(worstHello * 1000)) ms, stats \(Int(worstStats * 1000)) ms; max RSS \(rss / 1024) MiB")
            #expect(latencies.value.hello.count >= 3)
            #expect(worstHello < 2, "a fresh client waited \(worstHello) s for hello during the load")
            #expect(worstStats < 2, "a fresh client waited \(worstStats) s for stats during the load")
            #expect(rss < FuzzSettings.rssBoundKiB, "daemon RSS \(rss) KiB")
        }
    }
}

import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import CoachLogTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension Connection {
    /// The next reply line, checked against the wire contract.
    func wireReply(sourceLocation: SourceLocation = #_sourceLocation) throws -> WireReply {
        guard let raw = try readLine() else { throw HarnessError("coachlogd closed the connection") }
        let (reply, reason) = WireReply.parse(raw)
        guard let reply else { throw HarnessError("malformed reply (\(reason ?? "")): \(String(decoding: raw.prefix(300), as: UTF8.self))") }
        return reply
    }
}

@Suite("coachlogd fuzz: huge lines, hang-ups, pipelining", .serialized)
struct FuzzEdgeTests {
    /// `count` bytes of noise without a newline: NUL, control bytes, invalid UTF-8, quotes, braces.
    static func noise(_ count: Int, seed: UInt64) -> [UInt8] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            let b = rng.byte()
            return b == 0x0A ? 0x00 : b
        }
    }

    @Test("a 10 MiB line gets too_large and the connection stays usable; memory stays bounded")
    func tenMebibyteLines() throws {
        try withSandbox { sandbox in
            let daemon = try sandbox.startForFuzz(name: "long-lines")
            defer { daemon.stop() }
            let monitor = RSSMonitor(pid: daemon.pid)
            let c = try Connection(path: sandbox.socket)
            let tenMiB = 10 << 20
            // A valid-looking request 10 MiB long, and a normal one in the same write.
            let big = Array(#"{"id":1,"op":"hello","client":""#.utf8) + Array(repeating: 0x78, count: tenMiB) + Array(#""}"#.utf8)
            try c.sendRaw(big + [0x0A] + line(2, "hello"))
            let first = try c.wireReply()
            #expect(first.error?.code == .tooLarge && first.id == .null, "\(String(describing: first.error))")
            #expect(try c.wireReply().result?["server"] == "coachlogd", "the request after the long line is answered")

            // 10 MiB of noise sent in pieces, then a newline and a normal request.
            let noise = Self.noise(tenMiB, seed: 0x10_0000)
            for start in stride(from: 0, to: noise.count, by: 1 << 20) { try c.sendRaw(Array(noise[start..<(start + (1 << 20))])) }
            try c.sendRaw([0x0A] + line("after-noise", "stats"))
            #expect(try c.wireReply().error?.code == .tooLarge)
            #expect(try c.wireReply().id == "after-noise")

            // Four connections at once, each 10 MiB; two hang up halfway.
            let socket = sandbox.socket
            let failures = Locked<[String]>([])
            let workers = (0..<4).map { n in
                Worker {
                    do {
                        let other = try Connection(path: socket)
                        try other.sendRaw(Array(big[..<(n < 2 ? big.count / 2 : big.count)]))
                        if n < 2 { return }  // half a 10 MiB line, then the connection is dropped
                        try other.sendRaw([0x0A] + line(.integer(Int64(n)), "hello"))
                        let tooLarge = try other.wireReply()
                        let hello = try other.wireReply()
                        if tooLarge.error?.code != .tooLarge || hello.id != .integer(Int64(n)) {
                            failures.mutate { $0.append("connection \(n): \(tooLarge), \(hello)") }
                        }
                    } catch { failures.mutate { $0.append("connection \(n): \(error)") } }
                }
            }
            for w in workers { #expect(w.join(timeout: 30)) }
            #expect(failures.value.isEmpty, "\(failures.value)")
            #expect(try c.request(.hello)["server"] == "coachlogd")
            #expect(daemon.isRunning)
            let rss = monitor.stop()
            print("10 MiB lines: max RSS \(rss / 1024) MiB")
            #expect(rss < FuzzSettings.rssBoundKiB, "daemon RSS \(rss) KiB after 60 MiB of over-long lines")
        }
    }

    @Test("half a line then a hang-up, replies to a half-closed connection, appends left unread: no crash, nothing torn")
    func hangUps() throws {
        try withSandbox { sandbox in
            let daemon = try sandbox.startForFuzz(name: "hang-ups")
            defer { daemon.stop() }
            let c = try Connection(path: sandbox.socket)
            try c.append([Ev.open("hu-s", "hu", coach: "kim")])
            let halves = [
                Array(#"{"id":1,"op":"hel"#.utf8), Array(#"{"id":2,"op":"append","events":[{"type":"InsightNoted","data":{"#.utf8),
                Array(#"{"id":3,"op":"stats"}"#.utf8), [0xC0, 0xFF, 0x00], Array(repeating: 0x5B, count: 10_000), [],
            ]
            for (n, half) in halves.enumerated() {
                for _ in 0..<20 {
                    let raw = try RawClient(path: sandbox.socket)
                    try raw.send(half)
                    _ = raw  // closed when it goes out of scope
                }
                // The same, with the write side shut first: no reply to half a line, then the daemon closes.
                let raw = try RawClient(path: sandbox.socket)
                try raw.send(line(.integer(Int64(n)), "hello") + half)
                shutdown(raw.fd, Int32(SHUT_WR))
                let bytes = try #require(raw.readToEnd(timeout: 10), "the daemon did not close a half-closed connection")
                let replies = framedLines(bytes).map { WireReply.parse(Array($0)).0 }
                #expect(replies.count == 1 && replies.first??.id == .integer(Int64(n)), "half line \(n): \(replies)")
            }
            // Appends pipelined, then a hang-up without reading: each is committed whole or not at all.
            let before = try c.head()
            let events = (0..<300).map { i in Ev.insight("hu-s", "hu", topic: "selfConcept", text: "unread \(i)") }
            do {
                let raw = try RawClient(path: sandbox.socket)
                try raw.send(events.enumerated().flatMap { i, e in line(.integer(Int64(i)), "append", ["events": [e]]) })
            }
            // A subscriber that hangs up is dropped from the hub.
            do {
                let raw = try RawClient(path: sandbox.socket)
                try raw.send(line("sub", "subscribe", ["after": 0]))
                try DaemonProcessWait.until { (try? c.request(.stats)["subscribers"]?.int) == 1 }
            }
            try DaemonProcessWait.until { (try? c.request(.stats)["connections"]?.int) == 1 }
            try DaemonProcessWait.until { (try? c.request(.stats)["subscribers"]?.int) == 0 }
            let stored = try c.readAll(after: before)
            let after = try c.head()
            #expect(stored.count == Int(after - before) && after - before <= 300)
            #expect(Set(stored.compactMap { $0["data"]?["text"]?.string }).count == stored.count, "no event stored twice")
            #expect(try c.request(.hello)["server"] == "coachlogd")
            #expect(daemon.isRunning)
            print("hang-ups: \(halves.count * 21) half lines; \(after - before) of 300 unread appends were committed before the hang-up")
        }
    }

    @Test("thousands of requests pipelined without reading, then all read: in order, each answered, others still served")
    func pipelinedWithoutReading() throws {
        let count = FuzzSettings.long ? 50_000 : 5_000
        try withSandbox { sandbox in
            let daemon = try sandbox.startForFuzz(name: "pipelined")
            defer { daemon.stop() }
            let monitor = RSSMonitor(pid: daemon.pid)
            let setup = try Connection(path: sandbox.socket)
            try setup.append([Ev.open("pl-s", "pl", coach: "kim")])
            var rng = SplitMix64(seed: 0x919E)
            var payload: [UInt8] = []
            var expected: [(LineExpectation, mustSucceed: Bool)] = []
            for i in 0..<count {
                let id: JSONValue = i % 3 == 0 ? .string("p\(i)") : .integer(Int64(i))
                var bytes: [UInt8]
                var ok = true
                switch rng.below(10) {
                case 0..<4: bytes = line(id, "hello")
                case 4..<6: bytes = line(id, "stats")
                case 6..<8: bytes = line(id, "read", ["limit": 5])
                case 8: bytes = line(id, "query", ["projection": "sessions", "salesperson": "pl"])
                default:
                    bytes = (0..<rng.below(60)).map { _ in rng.pick(Array(#"{}[]":,01ae\"#.utf8) + [0x00, 0xFF]) } + [0x0A]
                    ok = false
                }
                payload += bytes
                expected += framedLines(bytes).map { (LineExpectation(line: $0), ok) }
            }
            let c = try Connection(path: sandbox.socket)
            let sender = Unchecked(c)
            let bytes = payload
            let sent = Locked<Bool>(false)
            let writer = Worker {
                try? sender.value.sendRaw(bytes)
                sent.value = true
            }
            // Not reading for a while: the daemon must hold back (backpressure), not buffer without bound,
            // and keep serving everyone else.
            var slowest = 0.0
            for _ in 0..<10 {
                usleep(100_000)
                let started = Date()
                #expect(try Connection(path: sandbox.socket).request(.hello)["server"] == "coachlogd")
                slowest = max(slowest, Date().timeIntervalSince(started))
            }
            let blocked = !sent.value
            var answered = 0
            for (n, (expectation, mustSucceed)) in expected.enumerated() {
                let reply = try c.wireReply()
                if let problem = expectation.problem(with: reply) { Issue.record("line \(n): \(problem)"); break }
                if mustSucceed && reply.error != nil { Issue.record("line \(n): \(String(describing: reply.error))"); break }
                answered += 1
            }
            #expect(writer.join(timeout: FuzzSettings.joinSeconds))
            #expect(answered == expected.count)
            #expect(try c.request(.hello)["server"] == "coachlogd", "the connection is still usable")
            let rss = monitor.stop()
            print("pipelined \(count) requests (\(expected.count) lines) unread for 1 s: writer \(blocked ? "held back" : "finished"); "
                + "all answered in order; slowest hello meanwhile \(Int(slowest * 1000)) ms; max RSS \(rss / 1024) MiB")
            #expect(slowest < 2, "other clients must keep being served")
            #expect(rss < FuzzSettings.rssBoundKiB)
            #expect(daemon.isRunning)
        }
    }
}

import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import CoachLogTestSupport
import Foundation
import Testing

@Suite("coachlogd operations")
struct OperationTests {
    @Test("hello names the server, protocol 1 and every op")
    func hello() throws {
        try withSandbox { sandbox in
            try sandbox.start()
            let c = try Connection(path: sandbox.socket)
            let r = try c.request(.hello, ["client": "tests"])
            #expect(r["server"] == "coachlogd")
            #expect(r["protocol"] == 1)
            #expect(r["version"]?.string?.isEmpty == false)
            #expect(Set(r["ops"]?.array.compactMap(\.string) ?? [])
                == ["hello", "append", "read", "query", "subscribe", "backup", "stats", "forget", "checkpoint"])
            #expect(r["readOnly"] == false)
            #expect(r["head"]?["position"] == 0)
            #expect(r["head"]?["hash"]?.string == String(repeating: "0", count: 64))
        }
    }

    @Test("append: positions, streamVersion, expectedVersion and idempotent retries")
    func append() throws {
        try withSandbox { sandbox in
            try sandbox.start()
            let c = try Connection(path: sandbox.socket)
            // Opened on 03-02, so that the commitments recorded in it without `at` are made that day
            // (its time: it began more than a day ago) and may be due on 03-09.
            let open = Ev.open("s1", "ana", coach: "kim", at: "2026-03-02T09:00:00Z", eventId: "e-1")
            let first = try c.append([open], expectedVersion: 0)
            #expect(first["positions"] == [1])
            #expect(first["streamVersion"] == 1)
            #expect(first["replayed"] == false)

            let other = try c.append([Ev.open("t1", "ben", coach: "lee")])
            #expect(other["positions"] == [2])
            #expect(other["streamVersion"] == 1)

            let batch = [
                Ev.commit("c1", "s1", "ana", kind: "more", due: "2026-03-09", eventId: "e-2"),
                Ev.commit("c2", "s1", "ana", kind: "better", due: "2026-03-09", eventId: "e-3"),
            ]
            let second = try c.append(batch, expectedVersion: 1)
            #expect(second["positions"] == [3, 4])
            #expect(second["streamVersion"] == 3)

            // A stale expectedVersion is a conflict and writes nothing.
            let stale = c.refusal(.append, [
                "events": [Ev.close("s1", "ana")], "expectedVersion": 1,
            ])
            #expect(stale?.code == .conflict)
            #expect(try c.head() == 4)

            // The same append again (same eventIds and content): the original positions, replayed.
            let retry = try c.append(batch, expectedVersion: 1)
            #expect(retry["positions"] == [3, 4])
            #expect(retry["streamVersion"] == 3)
            #expect(retry["replayed"] == true)
            let retryFirst = try c.append([open])
            #expect(retryFirst["positions"] == [1])
            #expect(retryFirst["replayed"] == true)
            #expect(try c.head() == 4)

            // The same eventId with other content is a conflict.
            let reused = c.refusal(.append, ["events": [Ev.open("s9", "ana", coach: "kim", at: "2026-03-02T09:00:00Z", eventId: "e-1")]])
            #expect(reused?.code == .conflict)
            let stats = try c.request(.stats)
            #expect(stats["events"] == 4)
            #expect(stats["salespeople"] == 2)
        }
    }

    @Test("read: after, limit, salesperson and next")
    func read() throws {
        try withSandbox { sandbox in
            try sandbox.start()
            let c = try Connection(path: sandbox.socket)
            try History.load(into: c)
            let total = Int64(History.eventCount)

            let page = try c.request(.read, ["after": 0, "limit": 2])
            #expect(page["events"]?.array.map { $0["position"] } == [1, 2])
            #expect(page["next"] == 2)
            let envelope = try #require(page["events"]?[0])
            #expect(envelope["type"] == "SessionOpened")
            #expect(envelope["salesperson"] == "ana")
            #expect(envelope["streamVersion"] == 1)
            #expect(envelope["eventId"]?.string?.isEmpty == false)
            #expect(envelope["recordedAt"]?.string?.hasSuffix("Z") == true)
            #expect(envelope["data"]?["sessionId"] == "ana-s1")
            #expect(envelope["data"]?["at"] == "2026-03-02T09:00:00Z")

            let rest = try c.request(.read, ["after": 2])
            #expect(rest["events"]?.array.map { $0["position"]?.int } == Array(3...total).map { Optional($0) })
            #expect(rest["next"]?.int == total)
            let end = try c.request(.read, ["after": .integer(total)])
            #expect(end["events"] == [])
            #expect(end["next"]?.int == total)

            let ben = try c.request(.read, ["salesperson": "ben"])
            let benEvents = ben["events"]?.array ?? []
            #expect(benEvents.count == 6)
            #expect(benEvents.allSatisfy { $0["salesperson"] == "ben" })
            #expect(benEvents.map { $0["streamVersion"]?.int } == (1...6).map { Optional($0) })
            #expect(benEvents.map { $0["position"]?.int } == [8, 9, 10, 19, 20, 21])
            let benPage = try c.request(.read, ["salesperson": "ben", "after": 8, "limit": 2])
            #expect(benPage["events"]?.array.map { $0["position"] } == [9, 10])
            #expect(benPage["next"] == 10)
        }
    }

    @Test("stats: position, events, salespeople and connections")
    func stats() throws {
        try withSandbox { sandbox in
            try sandbox.start()
            let c = try Connection(path: sandbox.socket)
            let empty = try c.request(.stats)
            #expect(empty["position"] == 0)
            #expect(empty["events"] == 0)
            #expect(empty["salespeople"] == 0)
            // (The harness's readiness probe may not be counted out yet: wait for it.)
            try DaemonProcessWait.until { (try? c.request(.stats)["connections"]) == 1 }
            try History.load(into: c)
            let others = try (0..<3).map { _ in try Connection(path: sandbox.socket) }
            for o in others { _ = try o.request(.hello) }
            let s = try c.request(.stats)
            #expect(s["position"]?.int == Int64(History.eventCount))
            #expect(s["events"]?.int == Int64(History.eventCount))
            #expect(s["salespeople"] == 2)
            #expect(s["connections"] == 4)
            others[0].finishSending()
            try DaemonProcessWait.until { (try? c.request(.stats)["connections"]) == 3 }
            #expect((s["uptimeSeconds"]?.double ?? -1) >= 0)
            #expect((s["storeBytes"]?.int ?? 0) > 0)
        }
    }

    @Test("backup writes a consistent copy and never overwrites")
    func backup() throws {
        try withSandbox { sandbox in
            try sandbox.start()
            let c = try Connection(path: sandbox.socket)
            try History.load(into: c)
            let path = sandbox.path("copy.mdb")
            let r = try c.request(.backup, ["path": .string(path)])
            let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int
            #expect(r["bytes"]?.int == size.map(Int64.init))
            #expect((size ?? 0) > 0)
            #expect(r["position"]?.int == Int64(History.eventCount))
            #expect(c.refusal(.backup, ["path": .string(path)])?.code == .badRequest)
            #expect(c.refusal(.backup, ["path": "relative.mdb"])?.code == .badRequest)
            #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int == size)
        }
    }

    @Test("subscribe: ok, then history, then live events, with a type filter")
    func subscribe() throws {
        try withSandbox { sandbox in
            try sandbox.start()
            let writer = try Connection(path: sandbox.socket)
            try History.load(into: writer)
            let all = try Connection(path: sandbox.socket)
            let stream = try all.subscribe(after: 20)
            let closes = try Connection(path: sandbox.socket)
            let closed = try closes.subscribe(types: ["SessionClosed"])
            for expected in Int64(21)...Int64(History.eventCount) {
                #expect(try stream.nextEvent()?["position"]?.int == expected)
            }
            var history: [String] = []
            for _ in 0..<4 { history.append(try closed.nextEvent()?["data"]?["sessionId"]?.string ?? "?") }
            #expect(history == ["ana-s1", "ben-s1", "ana-s2", "ben-s2"])

            try writer.append([Ev.close("ana-s3", "ana", at: "2026-03-23T10:00:00Z")])
            let live = try #require(try stream.nextEvent())
            #expect(live["position"]?.int == Int64(History.eventCount) + 1)
            #expect(live["type"] == "SessionClosed")
            let liveClosed = try #require(try closed.nextEvent())
            #expect(liveClosed["position"] == live["position"])
            #expect(try writer.request(.stats)["subscribers"] == 2)
        }
    }
}

import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import CoachLogTestSupport
import Foundation
import Testing

@Suite("coachlogd under load")
struct LoadTests {
    @Test("500 pipelined requests in one write: replies in order, each query sees the appends before it")
    func pipelining() throws {
        try withSandbox { sandbox in
            try sandbox.start()
            let c = try Connection(path: sandbox.socket)
            // Each append opens a session for a new salesperson; the queries and reads ask about
            // the salesperson of the latest append before them, so they fail (not_found, or no
            // events) unless they see it.
            var bytes: [UInt8] = []
            var expected: [(id: JSONValue, kind: String, person: Int, appendsBefore: Int)] = []
            var appends = 0
            var last = 0
            for i in 0..<500 {
                let id: JSONValue = i % 2 == 0 ? .integer(Int64(i)) : .string("r\(i)")
                if i % 10 == 0 && i > 0 {
                    bytes += line(id, "query", ["projection": "sessions", "salesperson": .string("pp-\(last)")])
                    expected.append((id, "sessions", last, appends))
                } else if i % 10 == 5 {
                    bytes += line(id, "read", ["salesperson": .string("pp-\(last)")])
                    expected.append((id, "read", last, appends))
                } else if i % 10 == 7 {
                    bytes += line(id, "query", ["projection": "cadence", "asOf": "2026-03-31"])
                    expected.append((id, "cadence", last, appends))
                } else {
                    let e = Ev.open("pp-s\(i)", "pp-\(i)", coach: "kim", at: "2026-03-10T09:00:00Z")
                    bytes += line(id, "append", ["events": [e]])
                    expected.append((id, "append", i, appends))
                    appends += 1
                    last = i
                }
            }
            // One write, from another thread, while this one reads the replies.
            let sender = Unchecked(c)
            let payload = bytes
            let sent = Locked<String?>(nil)
            let worker = Worker {
                do { try sender.value.sendRaw(payload) } catch { sent.value = "\(error)" }
            }
            var lastPosition: Int64 = 0
            for (index, e) in expected.enumerated() {
                let reply = try c.nextReply()
                guard case .ok(let id, let result) = reply else {
                    Issue.record("request \(index) (\(e.kind)) failed: \(reply)")
                    continue
                }
                #expect(id == e.id, "reply \(index) out of order")
                switch e.kind {
                case "sessions":
                    #expect(result["openSession"]?.string == "pp-s\(e.person)", "query \(index)")
                case "read":
                    let events = result["events"]?.array ?? []
                    #expect(events.map { $0["data"]?["sessionId"] } == [.string("pp-s\(e.person)")], "read \(index)")
                case "cadence":
                    // Every append before it, and maybe some pipelined after it (same group commit).
                    #expect(result["salespeople"]?.array.count ?? 0 >= e.appendsBefore, "cadence \(index)")
                default:
                    let position = result["positions"]?[0]?.int ?? -1
                    #expect(position == lastPosition + 1)
                    #expect(result["streamVersion"] == 1)
                    lastPosition = position
                }
            }
            #expect(worker.join())
            #expect(sent.value == nil)
            #expect(try c.head() == Int64(appends))
        }
    }

    @Test("1,000 concurrent connections")
    func thousandConnections() throws {
        raiseOpenFileLimit()
        try withSandbox { sandbox in
            try sandbox.start()
            var connections: [Connection] = []
            connections.reserveCapacity(1000)
            for _ in 0..<1000 { connections.append(try Connection(path: sandbox.socket)) }
            for (i, c) in connections.enumerated() {
                try c.send(Request(id: .integer(Int64(i)), op: .hello))
            }
            var answered = 0
            for (i, c) in connections.enumerated() {
                if case .ok(let id, let result) = try c.receive(), id == .integer(Int64(i)), result["protocol"] == 1 {
                    answered += 1
                }
            }
            #expect(answered == 1000)
            let stats = try connections[0].request(.stats)
            #expect((stats["connections"]?.int ?? 0) >= 1000)
            // Connections that leave are counted out.
            connections.removeLast(900)
            try DaemonProcessWait.until { (try? connections[0].request(.stats)["connections"]?.int) == 100 }
        }
    }
}

import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import Foundation
import Testing

@Suite("coachlogd under load")
struct LoadTests {
    @Test("500 pipelined requests in one write: replies in order, queries see preceding appends")
    func pipelining() throws {
        try withSandbox { sandbox in
            try sandbox.start()
            let c = try Connection(path: sandbox.socket)
            var bytes: [UInt8] = []
            var expected: [(id: JSONValue, kind: String, commitmentsBefore: Int)] = []
            var commitments = 0
            for i in 0..<500 {
                let id: JSONValue = i % 2 == 0 ? .integer(Int64(i)) : .string("r\(i)")
                if i == 0 {
                    bytes += line(id, "append", ["events": [Ev.open("pipe-s", "pipe", coach: "kim", at: "2026-03-10T09:00:00Z")]])
                    expected.append((id, "open", 0))
                } else if i % 10 == 0 {
                    bytes += line(id, "query", ["projection": "openCommitments", "salesperson": "pipe", "asOf": "2026-03-31"])
                    expected.append((id, "query", commitments))
                } else if i % 10 == 5 {
                    bytes += line(id, "read", ["salesperson": "pipe"])
                    expected.append((id, "read", commitments))
                } else {
                    let e = Ev.commit("pipe-c\(i)", "pipe-s", "pipe", kind: "more", due: "2026-04-15", at: "2026-03-10T10:00:00Z")
                    bytes += line(id, "append", ["events": [e]])
                    expected.append((id, "append", commitments))
                    commitments += 1
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
                case "query":
                    #expect(result["count"]?.int == Int64(e.commitmentsBefore), "query \(index)")
                case "read":
                    #expect(result["events"]?.array.count == e.commitmentsBefore + 1, "read \(index)")
                default:
                    let position = result["positions"]?[0]?.int ?? -1
                    #expect(position == lastPosition + 1)
                    #expect(result["streamVersion"]?.int == Int64(e.commitmentsBefore + 1))
                    lastPosition = position
                }
            }
            #expect(worker.join())
            #expect(sent.value == nil)
            #expect(try c.head() == Int64(commitments + 1))
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

import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import CoachLogTestSupport
import Foundation
import Testing

/// `query` with `minPosition` against a running daemon: the reply waits for an append made on
/// another connection, and a position never reached ends in `unavailable` giving the lag.
@Suite("query minPosition and stats projectedPosition")
struct MinPositionQueryTests {
    @Test("a query waits until the daemon reaches minPosition, then answers with that event")
    func waitsForAnotherConnectionsAppend() throws {
        try withSandbox { sandbox in
            try sandbox.start()
            let reader = try Connection(path: sandbox.socket)
            let writer = try Connection(path: sandbox.socket)
            _ = try writer.append([Ev.open("s1", "ana", coach: "kim")])
            let head = try writer.head()
            // Sent before the append it asks for: answered at once it would be not_found (zed has no session).
            try reader.send(Request(id: "q", op: .query, fields: [
                "projection": "sessions", "salesperson": "zed", "minPosition": .integer(head + 1),
            ]))
            let appended = try writer.append([Ev.open("z1", "zed", coach: "kim")])
            #expect(appended["positions"] == [.integer(head + 1)])
            let reply = try reader.receive()
            guard case .ok(let id, let result) = reply else {
                Issue.record("expected the sessions of zed, got \(reply)")
                return
            }
            #expect(id == "q")
            #expect(result["sessions"]?.array.count == 1)
        }
    }

    @Test("a position not reached within the bound is unavailable, and the message gives the lag")
    func timesOutWithTheLag() throws {
        try withSandbox { sandbox in
            try sandbox.start()
            let c = try Connection(path: sandbox.socket)
            _ = try c.append([Ev.open("s1", "ana", coach: "kim")])
            let refusal = c.refusal(.query, ["projection": "cadence", "minPosition": 1000])
            #expect(refusal?.code == .unavailable)
            #expect(refusal?.message.contains("head 1") == true)
            #expect(refusal?.message.contains("minPosition 1000") == true)
            // The connection goes on: a reached position answers as without it.
            let answered = try c.request(.query, ["projection": "cadence", "minPosition": 1])
            #expect(answered["scope"] == [:])
        }
    }

    @Test("stats reports projectedPosition next to position")
    func statsReportsTheProjectedPosition() throws {
        try withSandbox { sandbox in
            try sandbox.start()
            let c = try Connection(path: sandbox.socket)
            let empty = try c.request(.stats)
            #expect(empty["projectedPosition"] == 0)
            _ = try c.append([Ev.open("s1", "ana", coach: "kim")])
            _ = try c.append([Ev.open("t1", "ben", coach: "lee")])
            let s = try c.request(.stats)
            #expect(s["position"] == 2)
            #expect(s["projectedPosition"] == s["position"])
        }
    }
}

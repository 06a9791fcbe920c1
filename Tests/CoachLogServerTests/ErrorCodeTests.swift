import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import CoachLogTestSupport
import Foundation
import Testing

/// Every error code the daemon can give, each from a real situation.
@Suite("coachlogd error codes")
struct ErrorCodeTests {
    /// Sends `bytes` raw and returns the decoded reply, then checks the connection still answers hello.
    func rawReply(_ c: Connection, _ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws
        -> (id: JSONValue, error: ProtocolError?)
    {
        try c.sendRaw(bytes)
        let reply = try c.nextReply()
        let still = try c.request(.hello)
        #expect(still["server"] == "coachlogd", "connection unusable after \(reply)", sourceLocation: sourceLocation)
        switch reply {
        case .error(let id, let error): return (id, error)
        case .ok(let id, _), .event(let id, _): return (id, nil)
        }
    }

    @Test("bad_request for malformed lines; the connection stays usable")
    func badRequest() throws {
        try withSandbox { sandbox in
            try sandbox.start()
            let c = try Connection(path: sandbox.socket)
            let malformed = try rawReply(c, Array(#"{"id":1,"op":"hello""#.utf8) + [0x0A])
            #expect(malformed.error?.code == .badRequest)
            #expect(malformed.id == .null)
            let invalidUTF8 = try rawReply(c, Array(#"{"id":2,"op":"hello","client":""#.utf8) + [0xFF, 0xFE, 0x22, 0x7D, 0x0A])
            #expect(invalidUTF8.error?.code == .badRequest)
            let notObject = try rawReply(c, Array("[1,2,3]\n".utf8))
            #expect(notObject.error?.code == .badRequest)
            let wrongType = try rawReply(c, line(4, "read", ["after": "x"]))
            #expect(wrongType.error?.code == .badRequest)
            #expect(wrongType.id == 4)
            #expect(wrongType.error?.message.contains("after") == true)
            let unknownField = try rawReply(c, line("five", "stats", ["verbose": true]))
            #expect(unknownField.error?.code == .badRequest)
            #expect(unknownField.id == "five")
            let noOp = try rawReply(c, Array(#"{"id":6}"#.utf8) + [0x0A])
            #expect(noOp.error?.code == .badRequest)
            #expect(noOp.id == 6)
            let noEvents = try rawReply(c, line(7, "append", ["events": "many"]))
            #expect(noEvents.error?.code == .badRequest)
            let crlf = try rawReply(c, Array("{\"id\":8,\"op\":\"hello\"}\r\n".utf8))
            #expect(crlf.error == nil)
            #expect(crlf.id == 8)
        }
    }

    @Test("unknown_op echoes the id")
    func unknownOp() throws {
        try withSandbox { sandbox in
            try sandbox.start()
            let c = try Connection(path: sandbox.socket)
            let reply = try rawReply(c, line("x-1", "fly"))
            #expect(reply.error?.code == .unknownOp)
            #expect(reply.id == "x-1")
            #expect(reply.error?.message.contains("hello") == true)
        }
    }

    @Test("validation names the rule and writes nothing; conflict; not_found")
    func validationConflictNotFound() throws {
        try withSandbox { sandbox in
            try sandbox.start()
            let c = try Connection(path: sandbox.socket)
            let noSession = c.refusal(.append, ["events": [Ev.commit("c1", "nope", "ana", kind: "more", due: "2026-03-09")]])
            #expect(noSession?.code == .validation)
            #expect(noSession?.rule == "session.exists")
            try c.append([Ev.open("s1", "ana", coach: "kim"), Ev.close("s1", "ana")])
            let closed = c.refusal(.append, ["events": [Ev.insight("s1", "ana", topic: "selfConcept", text: "late")]])
            #expect(closed?.rule == "session.closed")
            let badKind = c.refusal(.append, ["events": [Ev.open("s2", "ana", coach: "kim"),
                                                         Ev.commit("c2", "s2", "ana", kind: "louder", due: "2026-03-09")]])
            #expect(badKind?.code == .validation)
            #expect(badKind?.rule?.isEmpty == false)
            let twoStreams = c.refusal(.append, ["events": [Ev.open("s3", "ana", coach: "kim"), Ev.open("s4", "ben", coach: "kim")]])
            #expect(twoStreams?.rule == "append.oneStream")
            #expect(try c.head() == 2, "a refused append must write nothing")

            let conflict = c.refusal(.append, ["events": [Ev.open("s5", "ana", coach: "kim")], "expectedVersion": 7])
            #expect(conflict?.code == .conflict)
            #expect(try c.head() == 2)

            #expect(c.refusal(.query, ["projection": "sessions", "salesperson": "nobody"])?.code == .notFound)
            #expect(c.refusal(.query, ["projection": "followThrough", "coach": "nobody"])?.code == .notFound)
            #expect(c.refusal(.query, ["projection": "nope"])?.code == .badRequest)
        }
    }

    @Test("too_large for a line over --max-line-bytes; the connection stays usable")
    func tooLarge() throws {
        try withSandbox { sandbox in
            try sandbox.start(extra: ["--max-line-bytes", "2048"])
            let c = try Connection(path: sandbox.socket)
            #expect(try c.request(.hello)["maxLineBytes"] == 2048)
            let big = line(1, "hello", ["client": .string(String(repeating: "x", count: 3000))])
            // The long line and a normal one in the same write.
            try c.sendRaw(big + line(2, "hello"))
            guard case .error(let id, let error) = try c.nextReply() else {
                Issue.record("expected too_large")
                return
            }
            #expect(error.code == .tooLarge)
            #expect(id == .null)
            guard case .ok(let id2, _) = try c.nextReply() else {
                Issue.record("the request after a too long line was not answered")
                return
            }
            #expect(id2 == 2)
            // A much longer line, sent in pieces, then a normal request.
            let huge = line(3, "hello", ["client": .string(String(repeating: "y", count: 200_000))])
            try c.sendRaw(Array(huge[..<100_000]))
            try c.sendRaw(Array(huge[100_000...]))
            guard case .error(_, let error3) = try c.nextReply() else {
                Issue.record("expected too_large")
                return
            }
            #expect(error3.code == .tooLarge)
            #expect(try c.request(.hello)["server"] == "coachlogd", "the connection is still usable")
        }
    }

    @Test("forbidden: the read-only socket refuses append and backup")
    func forbidden() throws {
        try withSandbox { sandbox in
            let readOnly = sandbox.path("ro.sock")
            try sandbox.start(extra: ["--read-only-socket", readOnly])
            try DaemonProcessWait.until { socketAccepts(readOnly) }
            let main = try Connection(path: sandbox.socket)
            try main.append([Ev.open("s1", "ana", coach: "kim")])
            let ro = try Connection(path: readOnly)
            let hello = try ro.request(.hello)
            #expect(hello["readOnly"] == true)
            #expect(hello["ops"]?.array.contains("append") == false)
            let refused = ro.refusal(.append, ["events": [Ev.open("s2", "ana", coach: "kim")]])
            #expect(refused?.code == .forbidden)
            #expect(ro.refusal(.backup, ["path": .string(sandbox.path("b.mdb"))])?.code == .forbidden)
            #expect(try ro.request(.read)["events"]?.array.count == 1)
            #expect(try ro.query("sessions", ["salesperson": "ana"])["openSession"] == "s1")
            #expect(try main.head() == 1)
        }
    }
}

enum DaemonProcessWait {
    /// Polls `condition` for up to `timeout` seconds.
    static func until(timeout: Double = 10, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            if Date() > deadline { throw HarnessError("condition not met within \(timeout) s") }
            usleep(20_000)
        }
    }
}

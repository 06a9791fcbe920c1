import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import CoachLogTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Roles against the real daemon, each peer a process under its own uid
/// (`PeerClient`): what each role may do, what it is refused, what it can
/// never learn, SIGHUP reloads, refusal counts and the audit log.
@Suite("Access by role from peer credentials", .serialized)
struct AccessRoleTests {
    static let dana: UInt32 = 20001, robin: UInt32 = 20002, sam: UInt32 = 20003
    static let dashboardUser: UInt32 = 20004, dashboardGroup: UInt32 = 20010, stranger: UInt32 = 20005

    static let accessFile = """
        # Roles for the test: the test process (root) by name, the rest by number.
        user root  operator
        user 20001 coach Dana Lee
        user 20002 coach Robin Fox
        user 20003 salesperson Sam Park
        group 20010 dashboard
        """

    /// Two coaching relationships, with marker strings in every free-text field.
    static func record(_ c: Connection) throws {
        for (person, coach, tag) in [("Sam Park", "Dana Lee", "sam"), ("Kim Ode", "Robin Fox", "kim")] {
            try c.append([
                Ev.open("s-\(tag)", person, coach: coach, topics: ["selfConcept"]),
                Ev.goal("g-\(tag)", "s-\(tag)", person, text: "MARK-\(tag)-goal", area: "MARK-\(tag)-area", at: nil),
                Ev.commit("c-\(tag)", "s-\(tag)", person, kind: "more", due: "2099-01-01", text: "MARK-\(tag)-commit"),
                Ev.insight("s-\(tag)", person, topic: "identityRole", text: "MARK-\(tag)-insight"),
            ])
        }
    }

    /// Sets up the sandbox so that other uids can reach the socket, and writes the access file.
    static func prepare(_ sandbox: Sandbox) throws -> String {
        chmod(sandbox.root, 0o755)
        let path = sandbox.path("access")
        try accessFile.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test(
        "each role: what it may do, what it is refused, what it never learns; SIGHUP reloads for live connections; refusals counted and audited",
        .enabled(if: PeerClient.runs, "skipped: \(PeerClient.unavailableReason ?? "")"))
    func roles() throws {
        try withSandbox { sandbox in
            let access = try Self.prepare(sandbox)
            let readOnly = sandbox.path("ro.sock")
            let daemon = try sandbox.start(extra: [
                "--access-file", access, "--socket-mode", "0666", "--read-only-socket", readOnly,
            ])
            chmod(readOnly, 0o666)
            #expect(daemon.stderr.contains("access by role from \(access)"), "\(daemon.stderr)")
            let op = try Connection(path: sandbox.socket)
            try Self.record(op)
            #expect(try op.hello().role == "operator")
            var refused = 0
            /// Expects `forbidden` naming the role, and counts it.
            func expectForbidden(_ peer: PeerClient, _ opName: String, _ fields: [String: JSONValue] = [:], role: String,
                                 sourceLocation: SourceLocation = #_sourceLocation) throws {
                let reply = try peer.request(opName, fields)
                #expect(reply["error"]?["code"] == "forbidden", "\(opName) \(fields): \(reply)", sourceLocation: sourceLocation)
                let message = reply["error"]?["message"]?.stringValue ?? ""
                #expect(message.contains("\(role) may"), "names the role and what it may do: \(message)", sourceLocation: sourceLocation)
                refused += 1
            }
            func expectOK(_ peer: PeerClient, _ opName: String, _ fields: [String: JSONValue] = [:],
                          sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue {
                let reply = try peer.request(opName, fields)
                #expect(reply["ok"] == true, "\(opName) \(fields): \(reply)", sourceLocation: sourceLocation)
                return reply["result"] ?? .null
            }

            // Coach Dana Lee: Sam Park's record, nothing of Kim Ode's, by any op or parameter.
            let dana = try PeerClient(uid: Self.dana, gid: Self.dana, socket: sandbox.socket)
            let danaHello = try expectOK(dana, "hello")
            #expect(danaHello["role"] == "coach Dana Lee")
            #expect(danaHello["ops"] == ["hello", "append", "read", "query", "subscribe"])
            let samLog = try expectOK(dana, "read", ["salesperson": "Sam Park"])
            #expect(samLog["events"]?.arrayValue?.count == 4)
            #expect(JSONWriter.string(samLog).contains("MARK-sam-insight"))
            let danaRole = "coach Dana Lee"
            try expectForbidden(dana, "read", role: danaRole)
            try expectForbidden(dana, "read", ["after": 4], role: danaRole)
            try expectForbidden(dana, "read", ["salesperson": "Kim Ode"], role: danaRole)
            try expectForbidden(dana, "read", ["salesperson": "Kim Ode", "after": 4, "limit": 1], role: danaRole)
            // Paging Sam's stream past his events never reaches Kim's.
            let page = try expectOK(dana, "read", ["salesperson": "Sam Park", "after": 2, "limit": 1])
            #expect(page["events"]?[0]?["salesperson"] == "Sam Park")
            try expectForbidden(dana, "subscribe", role: danaRole)
            try expectForbidden(dana, "subscribe", ["salesperson": "Kim Ode", "types": ["InsightNoted"]], role: danaRole)
            for projection in ["followThrough", "openCommitments", "cadence", "team"] {
                try expectForbidden(dana, "query", ["projection": .string(projection)], role: danaRole)
                try expectForbidden(dana, "query", ["projection": .string(projection), "coach": "Robin Fox"], role: danaRole)
                _ = try expectOK(dana, "query", ["projection": .string(projection), "coach": "Dana Lee"])
            }
            try expectForbidden(dana, "query", ["projection": "team", "coach": "Dana Lee", "asOf": "2020-01-01"], role: danaRole)
            for projection in ["followThrough", "openCommitments", "cadence", "goals", "topics", "sessions", "prep"] {
                try expectForbidden(dana, "query", ["projection": .string(projection), "salesperson": "Kim Ode"], role: danaRole)
                _ = try expectOK(dana, "query", ["projection": .string(projection), "salesperson": "Sam Park"])
            }
            try expectForbidden(dana, "stats", role: danaRole)
            try expectForbidden(dana, "backup", ["path": .string(sandbox.path("dana.backup"))], role: danaRole)
            #expect(!FileManager.default.fileExists(atPath: sandbox.path("dana.backup")))
            // Appends: in her own sessions, and sessions she opens in the same append; nowhere else.
            _ = try expectOK(dana, "append", ["events": [Ev.insight("s-sam", "Sam Park", topic: "selfConcept", text: "MARK-dana-note")]])
            _ = try expectOK(dana, "append", ["events": [
                Ev.open("s-lou", "Lou Tan", coach: "Dana Lee"),
                Ev.goal("g-lou", "s-lou", "Lou Tan", text: "MARK-lou-goal", area: nil, at: nil),
            ]])
            try expectForbidden(dana, "append", ["events": [Ev.insight("s-kim", "Kim Ode", topic: "selfConcept", text: "x")]], role: danaRole)
            try expectForbidden(dana, "append", ["events": [Ev.open("s-x", "Max Roe", coach: "Robin Fox")]], role: danaRole)
            // Opening a session with Robin Fox's salesperson would make Dana Lee his coach: a hand-over is the operator's.
            try expectForbidden(dana, "append", ["events": [Ev.open("s-take", "Kim Ode", coach: "Dana Lee")]], role: danaRole)
            try expectForbidden(dana, "forget", ["salesperson": "Sam Park"], role: danaRole)
            try expectForbidden(dana, "append", ["events": [Ev.close("s-kim", "Kim Ode")]], role: danaRole)
            try expectForbidden(
                dana, "append",
                ["events": [Ev.event("SalespersonMerged", ["salesperson": "Kim Ode", "into": "Sam Park"])]], role: danaRole)
            // Subscribed to Sam: his history and live events, never Kim's.
            let subscription = try dana.send(["op": "subscribe", "salesperson": "Sam Park"])
            #expect(try dana.line()["ok"] == true)
            for _ in 0..<5 { #expect(try dana.line()["event"]?["salesperson"] == "Sam Park") }
            try op.append([Ev.insight("s-kim", "Kim Ode", topic: "personalGoals", text: "MARK-kim-live")])
            try op.append([Ev.insight("s-sam", "Sam Park", topic: "personalGoals", text: "MARK-sam-live")])
            let live = try dana.line()
            #expect(live["id"] == subscription && live["event"]?["data"]?["text"] == "MARK-sam-live")
            #expect(!dana.transcript.joined().contains("MARK-kim"), "coach Dana Lee learnt something of Kim Ode's")
            #expect(!dana.transcript.joined().contains("Kim Ode\",\"type"))

            // On the read-only socket a role never gains anything, and the socket still refuses writes.
            let danaReadOnly = try PeerClient(uid: Self.dana, gid: Self.dana, socket: readOnly)
            try expectForbidden(danaReadOnly, "read", ["salesperson": "Kim Ode"], role: danaRole)
            let roAppend = try danaReadOnly.request("append", ["events": [Ev.close("s-sam", "Sam Park")]])
            #expect(roAppend["error"]?["code"] == "forbidden")
            refused += 1
            _ = try expectOK(danaReadOnly, "query", ["projection": "goals", "salesperson": "Sam Park"])

            // Salesperson Sam Park: his own record, read only.
            let sam = try PeerClient(uid: Self.sam, gid: Self.sam, socket: sandbox.socket)
            let samRole = "salesperson Sam Park"
            #expect(try expectOK(sam, "hello")["ops"] == ["hello", "read", "query", "subscribe"])
            #expect(JSONWriter.string(try expectOK(sam, "read", ["salesperson": "Sam Park"])).contains("MARK-sam-goal"))
            _ = try expectOK(sam, "query", ["projection": "prep", "salesperson": "Sam Park"])
            try expectForbidden(sam, "read", role: samRole)
            try expectForbidden(sam, "read", ["salesperson": "Kim Ode"], role: samRole)
            try expectForbidden(sam, "query", ["projection": "followThrough"], role: samRole)
            try expectForbidden(sam, "query", ["projection": "team", "coach": "Dana Lee"], role: samRole)
            try expectForbidden(sam, "subscribe", role: samRole)
            try expectForbidden(sam, "append", ["events": [Ev.close("s-sam", "Sam Park")]], role: samRole)
            try expectForbidden(sam, "stats", role: samRole)
            try expectForbidden(sam, "backup", ["path": .string(sandbox.path("sam.backup"))], role: samRole)
            _ = try sam.send(["op": "subscribe", "salesperson": "Sam Park", "types": ["GoalStated"]])
            #expect(try sam.line()["ok"] == true)
            #expect(try sam.line()["event"]?["data"]?["text"] == "MARK-sam-goal")
            #expect(!sam.transcript.joined().contains("MARK-kim"))

            // Dashboard (by its primary group): every figure at every scope, no free text anywhere.
            let board = try PeerClient(uid: Self.dashboardUser, gid: Self.dashboardGroup, socket: sandbox.socket)
            #expect(try expectOK(board, "hello")["role"] == "dashboard")
            _ = try expectOK(board, "stats")
            let all = try expectOK(board, "read")
            #expect((all["events"]?.arrayValue?.count ?? 0) >= 10)
            #expect(all["events"]?[1]?["data"]?["goalId"] == "g-sam" && all["events"]?[1]?["data"]?["text"] == .null)
            for projection in ["followThrough", "openCommitments", "cadence", "team"] {
                _ = try expectOK(board, "query", ["projection": .string(projection)])
            }
            for projection in ["goals", "topics", "sessions", "prep", "openCommitments"] {
                _ = try expectOK(board, "query", ["projection": .string(projection), "salesperson": "Kim Ode"])
            }
            let openRows = try expectOK(board, "query", ["projection": "openCommitments"])
            #expect(openRows["commitments"]?.arrayValue?.count == 2 && openRows["commitments"]?[0]?["text"] == .null)
            _ = try board.send(["op": "subscribe"])
            #expect(try board.line()["ok"] == true)
            for _ in 0..<13 { #expect(try board.line()["event"] != nil) }
            try expectForbidden(board, "append", ["events": [Ev.close("s-sam", "Sam Park")]], role: "dashboard")
            try expectForbidden(board, "backup", ["path": .string(sandbox.path("board.backup"))], role: "dashboard")
            try expectForbidden(board, "forget", ["salesperson": "Kim Ode"], role: "dashboard")
            #expect(!board.transcript.joined().contains("MARK-"), "the dashboard saw free text")

            // A group named in the access file by name (the name of gid 65534 here, such as nogroup).
            if let nameOfGroup = Self.groupName(65534) {
                try (Self.accessFile + "\ngroup \(nameOfGroup) dashboard\n").write(toFile: access, atomically: true, encoding: .utf8)
                kill(daemon.pid, SIGHUP)
                let grouped = try PeerClient(uid: 20006, gid: 65534, socket: sandbox.socket)
                #expect(try Self.eventually { try grouped.request("hello")["result"]?["role"] == "dashboard" })
                try Self.accessFile.write(toFile: access, atomically: true, encoding: .utf8)
                kill(daemon.pid, SIGHUP)
                #expect(try Self.eventually { try grouped.request("hello")["result"]?["role"] == "unknown peer" })
            }

            // An unknown peer: hello only.
            let stranger = try PeerClient(uid: Self.stranger, gid: Self.stranger, socket: sandbox.socket)
            let strangerHello = try expectOK(stranger, "hello")
            #expect(strangerHello["role"] == "unknown peer" && strangerHello["ops"] == ["hello"])
            for (opName, fields) in [("read", [:]), ("query", ["projection": "cadence"]), ("stats", [:]),
                                     ("subscribe", ["salesperson": "Sam Park"]), ("append", ["events": [Ev.close("s-sam", "Sam Park")]]),
                                     ("backup", ["path": .string(sandbox.path("stranger.backup"))]),
                                     ("forget", ["salesperson": "Sam Park"])]
                as [(String, [String: JSONValue])]
            {
                try expectForbidden(stranger, opName, fields, role: "unknown peer")
            }

            // SIGHUP: the live connection of the unknown peer becomes a dashboard's on its next request.
            try (Self.accessFile + "\nuser 20005 dashboard\n").write(toFile: access, atomically: true, encoding: .utf8)
            kill(daemon.pid, SIGHUP)
            #expect(try Self.eventually { try stranger.request("hello")["result"]?["role"] == "dashboard" })
            _ = try expectOK(stranger, "stats")
            // A malformed file keeps the previous one in force, and the log says which line is wrong.
            try (Self.accessFile + "\nuser 20005 superuser\n").write(toFile: access, atomically: true, encoding: .utf8)
            kill(daemon.pid, SIGHUP)
            #expect(try Self.eventually { daemon.stderr.contains("line 7: unknown role \"superuser\"") }, "\(daemon.stderr)")
            #expect(daemon.stderr.contains("previous access file stays in force"))
            #expect(try expectOK(stranger, "hello")["role"] == "dashboard")
            _ = try expectOK(dana, "query", ["projection": "prep", "salesperson": "Sam Park"])
            #expect(daemon.isRunning)

            // Sam Park's next session is with Robin Fox: Dana Lee's subscription ends with forbidden before
            // it carries that session, and her connection stays usable.
            try op.append([Ev.close("s-sam", "Sam Park")])
            #expect(try dana.line()["event"]?["type"] == "SessionClosed")
            try op.append([Ev.open("s-sam2", "Sam Park", coach: "Robin Fox"), Ev.insight("s-sam2", "Sam Park", topic: "selfConcept", text: "MARK-robin-sam")])
            let ended = try dana.line()
            #expect(ended["id"] == subscription && ended["error"]?["code"] == "forbidden", "\(ended)")
            refused += 1
            try expectForbidden(dana, "read", ["salesperson": "Sam Park"], role: danaRole)
            try expectForbidden(dana, "append", ["events": [Ev.insight("s-sam2", "Sam Park", topic: "selfConcept", text: "x")]], role: danaRole)
            #expect(!dana.transcript.joined().contains("MARK-robin-sam"))

            // The operator may do everything, backup included.
            #expect(try op.backup(to: sandbox.path("operator.backup")).bytes > 0)

            // stats counts every refusal.
            let stats = try op.stats()
            #expect(stats.refusals == refused, "stats.refusals \(stats.refusals), refusals seen \(refused)")

            // The audit log: every refusal, and every read of a record by someone other than an operator or its person.
            #expect(daemon.stop() == 0)
            let auditPath = sandbox.data + "/audit.log"
            var info = stat()
            #expect(stat(auditPath, &info) == 0 && info.st_mode & 0o777 == 0o600)
            let lines = try String(contentsOfFile: auditPath, encoding: .utf8).split(separator: "\n").map { try JSONParser.parse(Array($0.utf8)) }
            #expect(lines.filter { $0["allowed"] == false }.count == refused)
            #expect(lines.allSatisfy { $0["uid"] != 0 }, "the operator is not audited")
            #expect(lines.contains {
                $0["uid"] == .integer(Int64(Self.dana)) && $0["role"] == "coach Dana Lee" && $0["op"] == "read"
                    && $0["subject"] == "salesperson Sam Park" && $0["allowed"] == true && $0["pid"] == .integer(Int64(dana.pid))
            })
            #expect(lines.contains { $0["role"] == "dashboard" && $0["op"] == "query" && $0["allowed"] == true })
            #expect(!lines.contains { $0["uid"] == .integer(Int64(Self.sam)) && $0["allowed"] == true }, "a person's own reads are not audited")
            #expect(lines.allSatisfy { $0["time"]?.stringValue != nil && $0["op"]?.stringValue != nil })
            print("access roles: \(refused) refusals counted and audited, \(lines.count) audit lines")
        }
    }

    @Test(
        "without an access file everyone is an operator (said at start); a malformed access file stops the start naming the line",
        .enabled(if: PeerClient.runs, "skipped: \(PeerClient.unavailableReason ?? "")"))
    func singleUserAndMalformed() throws {
        try withSandbox { sandbox in
            chmod(sandbox.root, 0o755)
            let daemon = try sandbox.start(extra: ["--socket-mode", "0666"])
            #expect(daemon.stderr.contains("single-user mode"), "\(daemon.stderr)")
            let peer = try PeerClient(uid: Self.stranger, gid: Self.stranger, socket: sandbox.socket)
            #expect(try peer.request("hello")["result"]?["role"] == "operator")
            #expect(try peer.refusalCode("stats") == nil)
            #expect(daemon.stop() == 0)
            #expect(!FileManager.default.fileExists(atPath: sandbox.data + "/audit.log"))

            let bad = sandbox.path("bad-access")
            try "user root operator\ngroup staff coach\n".write(toFile: bad, atomically: true, encoding: .utf8)
            let refused = try sandbox.launch(
                ["--data", sandbox.data, "--socket", sandbox.path("bad.sock"), "--access-file", bad], socket: nil)
            #expect(refused.waitForExit(timeout: 10) == 1)
            #expect(refused.stderr.contains("line 2: the coach role needs the name"), "\(refused.stderr)")
        }
    }

    static func groupName(_ gid: gid_t) -> String? {
        guard let entry = getgrgid(gid), let name = entry.pointee.gr_name else { return nil }
        return String(cString: name)
    }

    static func eventually(timeout: Double = 5, _ condition: () throws -> Bool) throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return true }
            usleep(50_000)
        }
        return false
    }
}

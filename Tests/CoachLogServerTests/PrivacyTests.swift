import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import CoachLogTestSupport
import Foundation
import Testing

/// Encryption at rest and erasure, against the real daemon: marker strings in
/// every name and free-text field never reach the data file, a backup or
/// LMDB's own dump; `forget` erases one salesperson from every reply, export
/// and later backup and leaves every count as it was.
@Suite("privacy: encryption at rest and forget", .serialized)
struct PrivacyTests {
    /// The salesperson who asks to be forgotten, and everything that names them.
    static let zed = "Zed Markzedname"
    /// Zed's name, texts, and the other spelling merged into Zed (the same person) with its reason.
    static let zedMarkers = [
        "Markzedname", "MKGOALTEXT", "MKAREA", "MKCOMMITTEXT", "MKNOTETEXT", "MKINSIGHTTEXT", "MKREASONTEXT",
        "MKNOTEFIX", "MKAMENDTEXT", "MKGOALFIX", "MKWITHDRAWN", "Markaliasname", "MKMERGEREASON",
    ]
    /// Names and texts of everyone else, which stay readable but never on disk in clear.
    static let otherMarkers = ["Markcoachname", "Markyaraname", "MKYARATEXT"]
    static let coach = "Kim Markcoachname"
    static let alias = "Zed Markaliasname"
    static let yara = "Yara Markyaraname"

    static func at(_ day: Int, _ minutes: Int = 0) -> String {
        Ev.time("2026-03-02T09:00:00Z", plusMinutes: (day - 1) * 24 * 60 + minutes)
    }

    /// Two weeks of Zed (every free-text field, every correction that carries text),
    /// a second spelling merged into Zed, and Yara with the same coach.
    static func record(_ c: Connection) throws {
        try c.append([
            Ev.open("z1", zed, coach: coach, at: at(1), topics: ["personalGoals"]),
            Ev.goal("zg1", "z1", zed, text: "MKGOALTEXT lead a team", area: "MKAREA", at: at(1, 5)),
            Ev.goal("zg2", "z1", zed, text: "MKGOALTEXT two", area: nil, at: at(1, 6)),
            Ev.commit("zc1", "z1", zed, kind: "more", due: "2026-03-09", text: "MKCOMMITTEXT calls", at: at(1, 10)),
            Ev.commit("zc2", "z1", zed, kind: "better", due: "2026-03-09", text: "MKCOMMITTEXT demos", at: at(1, 11)),
            Ev.commit("zc3", "z1", zed, kind: "different", due: "2026-03-09", text: "MKCOMMITTEXT three", at: at(1, 12)),
            Ev.insight("z1", zed, topic: "selfConcept", text: "MKINSIGHTTEXT confident", at: at(1, 20)),
            Ev.close("z1", zed, at: at(1, 60)),
        ])
        var review = Ev.review("zc1", "z2", zed, outcome: "kept", at: at(8, 5))
        if case .object(var o) = review, case .object(var d)? = o["data"] {
            d["note"] = "MKNOTETEXT well done"
            o["data"] = .object(d)
            review = .object(o)
        }
        try c.append([
            Ev.open("z2", zed, coach: coach, at: at(8)),
            review,
            Ev.review("zc2", "z2", zed, outcome: "partial", at: at(8, 6)),
            Ev.event(
                "ReviewCorrected",
                ["commitmentId": "zc2", "salesperson": .string(zed), "note": "MKNOTEFIX", "reason": "MKREASONTEXT",
                 "at": .string(at(8, 7))]),
            Ev.event(
                "CommitmentAmended",
                ["commitmentId": "zc3", "salesperson": .string(zed), "text": "MKAMENDTEXT", "at": .string(at(8, 8))]),
            Ev.event(
                "CommitmentWithdrawn",
                ["commitmentId": "zc3", "salesperson": .string(zed), "reason": "MKWITHDRAWN", "at": .string(at(8, 9))]),
            Ev.event("GoalAmended", ["goalId": "zg1", "salesperson": .string(zed), "text": "MKGOALFIX", "at": .string(at(8, 10))]),
            Ev.close("z2", zed, at: at(8, 60)),
        ])
        try c.append([
            Ev.open("a1", alias, coach: coach, at: at(3), newSalesperson: true),
            Ev.close("a1", alias, at: at(3, 30)),
        ])
        try c.append([
            Ev.event("SalespersonMerged", ["salesperson": .string(alias), "into": .string(zed), "reason": "MKMERGEREASON"])
        ])
        try c.append([
            Ev.open("y1", yara, coach: coach, at: at(2)),
            Ev.commit("yc1", "y1", yara, kind: "more", due: "2026-03-10", text: "MKYARATEXT", at: at(2, 5)),
            Ev.close("y1", yara, at: at(2, 30)),
            Ev.open("y2", yara, coach: coach, at: at(9)),
            Ev.review("yc1", "y2", yara, outcome: "missed", at: at(9, 5)),
            Ev.close("y2", yara, at: at(9, 30)),
        ])
    }

    /// The figures that must not change when Zed is forgotten.
    static func figures(_ c: Connection) throws -> [String: JSONValue] {
        let asOf: JSONValue = "2026-03-20T00:00:00Z"
        var figures: [String: JSONValue] = [:]
        for (label, scope) in [("coach", ["coach": JSONValue.string(coach)]), ("org", [:])] {
            var parameters = scope
            parameters["asOf"] = asOf
            parameters["weeks"] = 4
            let f = try c.query("followThrough", parameters)
            for key in ["reviewed", "kept", "partial", "missed", "rate", "weightedRate"] { figures["\(label).\(key)"] = f[key] }
            figures["\(label).byKind"] = f["byKind"]
            let cadence = try c.query("cadence", scope.merging(["asOf": asOf]) { a, _ in a })
            figures["\(label).cadence.sessions"] = .integer(
                Int64(cadence["rows"]?.array.reduce(0) { $0 + Int($1["sessions"]?.int ?? 0) } ?? -1))
        }
        return figures
    }

    static func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

    static func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        let n = Array(needle.utf8)
        guard n.count <= haystack.count else { return false }
        return (0...(haystack.count - n.count)).contains { i in haystack[i] == n[0] && Array(haystack[i..<(i + n.count)]) == n }
    }

    /// mdb_dump's printable form of every database in `file` (a copy of a store).
    static func dump(_ file: String) throws -> String? {
        let tool = "/usr/bin/mdb_dump"
        guard FileManager.default.isExecutableFile(atPath: tool) else {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                throw HarnessError("mdb_dump is missing (Debian's lmdb-utils); scripts/install-deps installs it")
            }
            return nil
        }
        let result = Reliability.run(tool, ["-n", "-a", "-p", file])
        guard result.status == 0 else { throw HarnessError("mdb_dump failed: \(result.output)") }
        return result.output
    }

    @Test("no name and no free text is stored in clear: the data file, a backup and mdb_dump hold no marker")
    func nothingInClear() throws {
        try withSandbox { sandbox in
            let daemon = try sandbox.start()
            let c = try Connection(path: sandbox.socket)
            try Self.record(c)
            // Replies carry every text: the markers were really recorded.
            let log = JSONWriter.string(.array(try c.readAll()))
            for marker in Self.zedMarkers + Self.otherMarkers { #expect(log.contains(marker), "\(marker) was recorded") }
            _ = try c.request(.backup, ["path": .string(sandbox.path("backup.mdb"))])
            #expect(daemon.stop() == 0)
            for file in [sandbox.data + "/coachlog.mdb", sandbox.path("backup.mdb")] {
                let raw = try Self.bytes(file)
                for marker in Self.zedMarkers + Self.otherMarkers {
                    #expect(!Self.contains(raw, marker), "\(marker) is in clear in \(file)")
                }
                if let dump = try Self.dump(file) {
                    for marker in Self.zedMarkers + Self.otherMarkers {
                        #expect(!dump.contains(marker), "mdb_dump of \(file) shows \(marker)")
                    }
                }
            }
            // Without its master key the store is refused, with a message that says what is needed.
            let folder = sandbox.path("restored")
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
            try FileManager.default.copyItem(atPath: sandbox.path("backup.mdb"), toPath: folder + "/coachlog.mdb")
            let keyless = try sandbox.launch(
                ["--data", folder, "--socket", sandbox.path("r.sock"), "--master-key", sandbox.path("keys/none.key")],
                socket: sandbox.path("r.sock"), log: "keyless")
            #expect(keyless.waitForExit(timeout: 15).map { $0 != 0 } == true)
            #expect(keyless.stderr.contains("master key"), "\(keyless.stderr)")
            #expect(!FileManager.default.fileExists(atPath: sandbox.path("keys/none.key")), "no key made for a sealed store")
            // With a different key it is refused too, naming the fingerprint it needs.
            let otherKey = sandbox.path("other.key")
            try (String(repeating: "ab", count: 32) + "\n").write(toFile: otherKey, atomically: true, encoding: .utf8)
            let wrong = try sandbox.launch(
                ["--data", folder, "--socket", sandbox.path("r.sock"), "--master-key", otherKey],
                socket: sandbox.path("r.sock"), log: "wrongkey")
            #expect(wrong.waitForExit(timeout: 15).map { $0 != 0 } == true)
            #expect(wrong.stderr.contains("fingerprint"), "\(wrong.stderr)")
        }
    }

    @Test("started the README's way with no key, the daemon creates one (0600) in the user's configuration folder, says where, and reuses it")
    func defaultKeyIsCreated() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: DaemonProcess.setpriv) else {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                Issue.record("CI must run as root with setpriv, to start the daemon as another user")
            }
            return
        }
        try withSandbox { sandbox in
            // As uid 65534, whose default key lives under $XDG_CONFIG_HOME (root's is /etc/coachlog).
            chmod(sandbox.root, 0o755)
            let home = sandbox.path("home")
            try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: false)
            chown(home, 65534, 65534)
            let socket = home + "/s.sock"
            let key = home + "/config/coachlog/master.key"
            let environment = [
                "COACHLOG_MASTER_KEY": "", "COACHLOG_SIGNING_KEY": "", "XDG_CONFIG_HOME": home + "/config", "HOME": home,
            ]
            let arguments = [
                "--reuid", "65534", "--regid", "65534", "--clear-groups", "--", DaemonProcess.binaryPath, "--data",
                home + "/data", "--socket", socket,
            ]
            let first = try sandbox.launch(
                arguments, socket: socket, environment: environment, executable: DaemonProcess.setpriv, log: "newkey")
            try first.waitUntilReady()
            var st = stat()
            #expect(stat(key, &st) == 0 && st.st_mode & 0o777 == 0o600 && st.st_uid == 65534, "a 0600 key at \(key)")
            #expect(stat(home + "/config/coachlog", &st) == 0 && st.st_mode & 0o777 == 0o700)
            #expect(first.stderr.contains("created a new master key at \(key)"), "\(first.stderr)")
            // The signing key (signed heads) is kept the same way, beside it.
            #expect(stat(home + "/config/coachlog/signing.key", &st) == 0 && st.st_mode & 0o777 == 0o600 && st.st_uid == 65534)
            #expect(first.stderr.contains("created a new signing key at \(home)/config/coachlog/signing.key"), "\(first.stderr)")
            let c = try Connection(path: socket)
            try c.append([Ev.open("s1", Self.zed, coach: Self.coach)])
            #expect(first.stop() == 0)
            let made = try Self.bytes(key)
            let second = try sandbox.launch(
                arguments, socket: socket, environment: environment, executable: DaemonProcess.setpriv, log: "samekey")
            try second.waitUntilReady()
            #expect(!second.stderr.contains("created"), "\(second.stderr)")
            #expect(try Connection(path: socket).readAll().first?["salesperson"]?.string == Self.zed)
            #expect(try Self.bytes(key) == made)
            #expect(second.stop() == 0)
        }
    }

    @Test("forget erases one salesperson from every reply, export and later backup; the counts stay")
    func forgetErases() throws {
        try withSandbox { sandbox in
            let daemon = try sandbox.start()
            let c = try Connection(path: sandbox.socket)
            try Self.record(c)
            let before = try Self.figures(c)
            let eventsBefore = try c.readAll()

            let reply = try c.request(.forget, ["salesperson": .string(Self.zed)])
            #expect(reply["forgotten"] == true)
            let pseudonym = try #require(reply["pseudonym"]?.string)
            #expect(pseudonym.hasPrefix("erased-") && pseudonym.count == 23)
            let position = try #require(reply["position"]?.int)
            // The spelling merged into Zed is the same person: forgotten with Zed.
            let aliases = reply["aliases"]?.array.compactMap(\.string) ?? []
            #expect(aliases.count == 1 && aliases.allSatisfy { $0.hasPrefix("erased-") && $0 != pseudonym })

            // The counts are the same, whoever asks.
            #expect(try Self.figures(c) == before)

            // The log: same events, Zed's under the pseudonym, marked, their text null.
            let events = try c.readAll()
            #expect(events.count == eventsBefore.count + 2)
            let text = JSONWriter.string(.array(events))
            for marker in Self.zedMarkers { #expect(!text.contains(marker), "read shows \(marker)") }
            let zeds = events.filter { $0["salesperson"]?.string == pseudonym }
            #expect(zeds.count == 17, "every event of Zed's stream, and the forget")
            #expect(zeds.allSatisfy { $0["erased"] == true })
            let goal = try #require(zeds.first { $0["type"] == "GoalStated" })
            #expect(goal["data"]?["text"] == .null && goal["data"]?["area"] == .null)
            #expect(events.suffix(2).allSatisfy { $0["type"] == "SalespersonForgotten" })
            #expect(events.suffix(2).first?["position"]?.int == position)
            // The merge, in the merged name's stream: both names by pseudonym, its reason erased.
            let merge = try #require(events.first { $0["type"] == "SalespersonMerged" })
            #expect(merge["data"]?["into"]?.string == pseudonym && merge["salesperson"]?.string == aliases.first)
            #expect(merge["data"]?["reason"] == .null && merge["erased"] == true)
            #expect(events.filter { $0["salesperson"]?.string == aliases.first }.count == 4)

            // Projections under the pseudonym, text null; the name itself is unknown now.
            let goals = try c.query("goals", ["salesperson": .string(pseudonym)])
            #expect(goals["goals"]?.array.count == 2)
            #expect(goals["goals"]?.array.allSatisfy { $0["text"] == .null && $0["area"] == .null } == true)
            #expect(c.refusal(.query, ["projection": "goals", "salesperson": .string(Self.zed)])?.code == .notFound)
            for (projection, scope) in [
                ("prep", ["salesperson": JSONValue.string(pseudonym)]), ("team", ["coach": .string(Self.coach)]),
                ("openCommitments", ["coach": .string(Self.coach)]), ("cadence", ["coach": .string(Self.coach)]),
            ] {
                let answer = JSONWriter.string(try c.query(projection, scope.merging(["asOf": "2026-03-20T00:00:00Z"]) { a, _ in a }))
                for marker in Self.zedMarkers { #expect(!answer.contains(marker), "\(projection) shows \(marker)") }
            }

            // A subscription from the start sees the same.
            let stream = try Connection(path: sandbox.socket).subscribe(after: 0)
            var seen: [JSONValue] = []
            while seen.count < events.count, let e = try stream.nextEvent() { seen.append(e) }
            #expect(seen == events)

            // The CLI's exports (a client like any other): the event log and the commitments table.
            for format in [["export"], ["export", "--format", "csv"]] {
                let export = Reliability.run(Binaries.coachlog, ["--socket", sandbox.socket] + format)
                #expect(export.status == 0, "\(export.output)")
                #expect(export.output.contains(pseudonym), "\(format) names Zed by pseudonym")
                for marker in Self.zedMarkers { #expect(!export.output.contains(marker), "\(format) shows \(marker)") }
            }

            // An export replayed into a new store: everyone else's events come back; the forgotten
            // person's cannot (their texts are gone), and the import says so.
            let exportFile = sandbox.path("export.jsonl")
            #expect(Reliability.run(Binaries.coachlog, ["--socket", sandbox.socket, "export", exportFile]).status == 0)
            try sandbox.start(data: sandbox.path("imported"), socket: sandbox.path("i.sock"))
            let imported = Reliability.run(Binaries.coachlog, ["--socket", sandbox.path("i.sock"), "import", exportFile])
            #expect(imported.status == 0, "\(imported.output)")
            #expect(imported.output.contains("skipped 21 events of forgotten salespeople"), "\(imported.output)")
            let importedLog = try Connection(path: sandbox.path("i.sock")).readAll()
            #expect(importedLog.count == events.count - 21 && importedLog.allSatisfy { $0["salesperson"]?.string == Self.yara })

            // Idempotent, by name or by pseudonym; writes nothing.
            let again = try c.request(.forget, ["salesperson": .string(Self.zed)])
            #expect(again["forgotten"] == false && again["position"] == .null)
            let byPseudonym = try c.request(.forget, ["salesperson": .string(pseudonym)])
            #expect(byPseudonym["forgotten"] == false && byPseudonym["pseudonym"]?.string == pseudonym)
            #expect(try c.head() == position + 1, "the two SalespersonForgotten events, and nothing since")

            // A new session for the same name starts a new record, with a stream of its own.
            let fresh = try c.append([Ev.open("z9", Self.zed, coach: Self.coach, at: "2026-03-16T09:00:00Z")])
            #expect(fresh["streamVersion"] == 1)
            #expect(try c.readAll(salesperson: Self.zed).count == 1)

            // A backup taken now restores the erasure, and the counts.
            _ = try c.request(.backup, ["path": .string(sandbox.path("after.mdb"))])
            let figures = try Self.figures(c)
            #expect(daemon.stop() == 0)
            let verified = Reliability.verify(data: sandbox.data)
            #expect(verified.status == 0, "\(verified.output)")
            let folder = sandbox.path("restored")
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
            try FileManager.default.copyItem(atPath: sandbox.path("after.mdb"), toPath: folder + "/coachlog.mdb")
            try sandbox.start(data: folder, socket: sandbox.path("r.sock"))
            let r = try Connection(path: sandbox.path("r.sock"))
            let restored = JSONWriter.string(.array(try r.readAll()))
            for marker in Self.zedMarkers.dropFirst() { #expect(!restored.contains(marker), "the restored backup shows \(marker)") }
            #expect(try r.readAll(salesperson: pseudonym).count == 17)
            // A coach's name is no salesperson's record: nothing to forget.
            #expect(r.refusal(.forget, ["salesperson": .string(Self.coach)])?.code == .notFound)
            #expect(try Self.figures(r) == figures)
        }
    }

    @Test("forget while the same salesperson's appends race it: each append lands wholly before or wholly after")
    func forgetUnderConcurrentAppends() throws {
        try withSandbox { sandbox in
            let daemon = try sandbox.start()
            let c = try Connection(path: sandbox.socket)
            let name = "Race Markracename"
            try c.append([Ev.open("r0", name, coach: Self.coach, at: "2026-03-01T08:00:00Z"), Ev.close("r0", name)])
            let socket = sandbox.socket
            let acknowledged = Locked(0)
            let stop = Locked(false)
            let writers = (0..<4).map { w in
                Worker {
                    guard let conn = try? Connection(path: socket) else { return }
                    var i = 0
                    while !stop.value {
                        i += 1
                        let id = "r\(w)-\(i)"
                        let opened = Ev.time("2026-03-01T09:00:00Z", plusMinutes: w * 10_000 + i)
                        // An open session blocks the next one: open and close in one append.
                        if (try? conn.append([Ev.open(id, name, coach: Self.coach, at: opened), Ev.close(id, name)])) != nil {
                            acknowledged.mutate { $0 += 1 }
                        }
                    }
                }
            }
            try Reliability.waitUntil("appends under way") { acknowledged.value > 20 }
            let reply = try c.request(.forget, ["salesperson": .string(name)])
            let forgetAt = try #require(reply["position"]?.int)
            let pseudonym = try #require(reply["pseudonym"]?.string)
            let afterForget = acknowledged.value
            try Reliability.waitUntil("appends after the forget") { acknowledged.value > afterForget + 20 }
            stop.value = true
            for w in writers { #expect(w.join()) }

            let events = try c.readAll()
            let erased = events.filter { $0["salesperson"]?.string == pseudonym }
            let live = events.filter { $0["salesperson"]?.string == name }
            #expect(erased.count + live.count == events.count)
            #expect(erased.allSatisfy { ($0["position"]?.int ?? 0) <= forgetAt && $0["erased"] == true })
            #expect(live.allSatisfy { ($0["position"]?.int ?? 0) > forgetAt && $0["erased"] == nil })
            // Two events per acknowledged append, plus r0's two and the forget; no gap in either stream.
            #expect(events.count == 2 * acknowledged.value + 3)
            #expect(erased.compactMap { $0["streamVersion"]?.int } == Array(1...Int64(erased.count)))
            #expect(live.compactMap { $0["streamVersion"]?.int } == Array(1...Int64(live.count)))
            #expect(daemon.stop() == 0)
            let verified = Reliability.verify(data: sandbox.data)
            #expect(verified.status == 0, "\(verified.output)")
        }
    }

    @Test("kill -9 during forget: afterwards the key is either whole or gone, never half")
    func killDuringForget() throws {
        try withSandbox { sandbox in
            var generator = SplitMix64(seed: Reliability.seed(12))
            let name = "Kill Markkillname"
            var gone = 0
            for round in 0..<5 {
                let daemon = try sandbox.start()
                let c = try Connection(path: sandbox.socket)
                let person = "\(name) \(round)"
                // Enough records that the reload after the commit takes a moment.
                for week in 0..<40 {
                    let opened = Ev.time("2026-01-05T09:00:00Z", plusMinutes: week * 7 * 24 * 60)
                    try c.append([
                        Ev.open("k\(round)-\(week)", person, coach: Self.coach, at: opened),
                        Ev.commit("kc\(round)-\(week)", "k\(round)-\(week)", person, kind: "more", due: "2026-12-01",
                                  text: "MKKILLTEXT \(week)", at: opened),
                        Ev.close("k\(round)-\(week)", person, at: Ev.time(opened, plusMinutes: 30)),
                    ])
                }
                let fd = try connectUnix(sandbox.socket)
                let request = line(1, "forget", ["salesperson": .string(person)])
                _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
                usleep(UInt32(generator.next() % 4_000))
                daemon.kill()
                close(fd)
                _ = daemon.waitForExit(timeout: 10)
                let verified = Reliability.verify(data: sandbox.data)
                #expect(verified.status == 0, "round \(round): \(verified.output)")
                let again = try sandbox.start()
                let r = try Connection(path: sandbox.socket)
                let named = try r.readAll(salesperson: person)
                let all = try r.readAll()
                if named.isEmpty {
                    // Gone: no event names them, one more SalespersonForgotten, no text of theirs left.
                    gone += 1
                    let text = JSONWriter.string(.array(all))
                    #expect(!text.contains(person) && !text.contains("MKKILLTEXT"), "round \(round)")
                } else {
                    // Whole: every event still readable under the name, with its text.
                    #expect(named.count == 120, "round \(round)")
                    #expect(named.filter { $0["type"] == "CommitmentMade" }.allSatisfy {
                        $0["data"]?["text"]?.string?.hasPrefix("MKKILLTEXT") == true
                    })
                    // Finish the erasure, so that later rounds start from a known state.
                    #expect(try r.request(.forget, ["salesperson": .string(person)])["forgotten"] == true)
                    gone += 1
                }
                #expect(try r.readAll().filter { $0["type"] == "SalespersonForgotten" }.count == gone)
                #expect(again.stop() == 0)
            }
        }
    }
}

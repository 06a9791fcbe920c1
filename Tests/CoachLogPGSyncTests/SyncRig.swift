import CoachLogClient
import CoachLogJSON
import CoachLogPGSync
import CoachLogProtocol
import CoachLogTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A real coachlogd, a real PostgreSQL and the real `coachlog-pgsync`
/// binary, on temporary folders, with the checks every test makes: the
/// `events` table equals the daemon's log, and the projection tables agree
/// with the daemon's own query results.
final class SyncRig: @unchecked Sendable {
    let folder: TemporaryFolder
    let postgres: PostgresServer
    private(set) var daemon: DaemonProcess
    var socket: String { folder.path + "/d.sock" }
    var data: String { folder.path + "/data" }
    private var exporterRuns = 0

    /// `daemonArguments` gets the rig's folder and returns extra arguments for coachlogd.
    init(daemonArguments: (String) throws -> [String] = { _ in [] }) throws {
        folder = TemporaryFolder(prefix: "coachlog-pgsync")
        postgres = try PostgresServer()
        daemon = try DaemonProcess.start(
            data: folder.path + "/data", socket: folder.path + "/d.sock", extra: try daemonArguments(folder.path),
            stderrPath: folder.path + "/daemon.log", watchdogSeconds: 900)
    }

    deinit {
        daemon.kill()
        postgres.stop()
    }

    func connect() throws -> Connection { try Connection(path: socket) }

    /// Stops the daemon (SIGTERM) and starts it again on the same folder.
    func restartDaemon() throws {
        #expect(daemon.stop() == 0)
        daemon = try DaemonProcess.start(
            data: data, socket: socket, stderrPath: folder.path + "/daemon-\(Date().timeIntervalSince1970).log",
            watchdogSeconds: 900)
    }

    /// Starts the exporter (as `uid`, with setpriv, when given); its stderr goes to a file of its own for each run.
    func startExporter(_ extra: [String] = [], socket: String? = nil, uid: UInt32? = nil) throws -> DaemonProcess {
        exporterRuns += 1
        let command = [Binaries.path("coachlog-pgsync"), "--socket", socket ?? self.socket, "--postgres", postgres.url] + extra
        let full = uid.map { ["/usr/bin/setpriv", "--reuid=\($0)", "--regid=\($0)", "--clear-groups", "--"] + command } ?? command
        return try DaemonProcess(
            arguments: Array(full.dropFirst()), socketPath: nil, stderrPath: folder.path + "/pgsync-\(exporterRuns).log",
            executable: full[0], watchdogSeconds: 900)
    }

    /// Runs the exporter to its end (for refusals), returning its status and stderr.
    func runExporterToEnd(_ extra: [String] = [], socket: String? = nil, uid: UInt32? = nil) throws
        -> (status: Int32?, stderr: String)
    {
        let exporter = try startExporter(extra, socket: socket, uid: uid)
        let status = exporter.waitForExit(timeout: 60)
        if status == nil { exporter.kill() }
        return (status, exporter.stderr)
    }

    /// What `coachlog-pgsync --status` prints.
    func status() throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binaries.path("coachlog-pgsync"))
        process.arguments = ["--status", "--socket", socket, "--postgres", postgres.url]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    func head() throws -> UInt64 { try connect().stats().position }

    /// (position, projected_position) in `sync_state`, or nil before the schema exists.
    func checkpoint(schema: String = "coachlog") -> (UInt64, UInt64)? {
        guard let row = try? postgres.psql("SELECT position, projected_position FROM \(schema).sync_state"),
            case let parts = row.split(separator: "\t"), parts.count == 2, let a = UInt64(parts[0]), let b = UInt64(parts[1])
        else { return nil }
        return (a, b)
    }

    /// Waits until the copy and its projections reach `position`; the seconds it took.
    @discardableResult
    func waitForCopy(upTo position: UInt64, exporter: DaemonProcess?, timeout: Double = 300) throws -> Double {
        let start = Date()
        while Date().timeIntervalSince(start) < timeout {
            if let (p, projected) = checkpoint(), p >= position, projected >= position { return Date().timeIntervalSince(start) }
            if let exporter, !exporter.isRunning {
                throw HarnessError("coachlog-pgsync exited (\(exporter.process.terminationStatus)): \(exporter.stderr)")
            }
            usleep(20_000)
        }
        throw HarnessError(
            "the copy did not reach \(position) in \(timeout) s (at \(String(describing: checkpoint()))): \(exporter?.stderr ?? "")")
    }

    // MARK: Checks

    /// Every event of the daemon's log, as `read` returns it. Read over a bare socket rather than a
    /// `Connection`: the harness checks every line a `Connection` reads against the schema, which
    /// the rest of the suite does for `read` already, and which would cost minutes for these
    /// repeated whole-log reads.
    func daemonLog() throws -> [JSONValue] {
        let fd = try connectUnix(socket)
        defer { close(fd) }
        var buffer: [UInt8] = []
        var events: [JSONValue] = []
        var after: Int64 = 0
        while true {
            let request = Array("{\"id\":1,\"op\":\"read\",\"after\":\(after),\"limit\":10000}\n".utf8)
            guard request.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == request.count else {
                throw HarnessError("cannot send read to \(socket)")
            }
            var line: [UInt8]
            while true {
                if let newline = buffer.firstIndex(of: 0x0A) {
                    line = Array(buffer[..<newline])
                    buffer.removeSubrange(...newline)
                    break
                }
                var chunk = [UInt8](repeating: 0, count: 1 << 16)
                let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                guard n > 0 else { throw HarnessError("coachlogd closed the connection during read") }
                buffer += chunk[..<n]
            }
            let reply = try JSONParser.parse(line)
            let batch = reply["result"]?["events"]?.arrayValue ?? []
            events += batch
            guard batch.count == 10_000, let next = reply["result"]?["next"]?.integerValue else { return events }
            after = next
        }
    }

    /// The `events` table equals the daemon's log up to the checkpoint (or `upTo`), field by field:
    /// no gap, no duplicate, nothing beyond it. Free text is null unless `withText`.
    func expectCopyEqualsLog(withText: Bool = false, upTo: UInt64? = nil, sourceLocation: SourceLocation = #_sourceLocation)
        throws
    {
        let copied = try postgres.psql(
            """
            SELECT position, event_id, type, salesperson, stream_version,
                (extract(epoch FROM recorded_at) * 1000)::bigint, data::text, erased
            FROM coachlog.events ORDER BY position
            """
        ).split(separator: "\n", omittingEmptySubsequences: true)
        let limit = upTo ?? checkpoint()?.0 ?? 0
        let log = try daemonLog().filter { UInt64($0["position"]?.integerValue ?? 0) <= limit }
        #expect(copied.count == log.count, "rows in events vs the daemon's log up to \(limit)", sourceLocation: sourceLocation)
        for (row, event) in zip(copied, log) {
            let f = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 8 else {
                Issue.record("unreadable row \(row)", sourceLocation: sourceLocation)
                return
            }
            var data = event["data"] ?? .null
            if !withText, case .object(var o) = data {
                for key in ExportedEvent.freeTextMembers where o[key] != nil { o[key] = .null }
                data = .object(o)
            }
            let recorded = Timestamp(iso8601: event["recordedAt"]?.stringValue ?? "")?.milliseconds
            let same =
                f[0] == String(event["position"]?.integerValue ?? -1) && f[1] == event["eventId"]?.stringValue
                && f[2] == event["type"]?.stringValue && f[3] == event["salesperson"]?.stringValue
                && f[4] == String(event["streamVersion"]?.integerValue ?? -1) && Int64(f[5]) == recorded
                && (try? JSONParser.parse(Array(f[6].utf8))).map { sameJSON($0, data) } == true
                && f[7] == ((event["erased"]?.boolValue ?? false) ? "t" : "f")
            #expect(same, "row \(row) vs \(JSONWriter.string(event))", sourceLocation: sourceLocation)
            if !same { return }
        }
    }

    /// The projection tables agree with the daemon's own answers for every salesperson.
    func expectProjectionsMatchQueries(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let c = try connect()
        func query(_ fields: [String: JSONValue]) throws -> JSONValue { try c.request(.query, fields) }
        /// Rows of a query, grouped by their first column (the salesperson), the rest tab-joined.
        func grouped(_ sql: String) throws -> [String: [String]] {
            var result: [String: [String]] = [:]
            for line in try postgres.psql(sql).split(separator: "\n") {
                let fields = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                result[fields[0], default: []].append(fields.count > 1 ? fields[1] : "")
            }
            return result
        }
        let cadenceRows = try grouped(
            "SELECT salesperson, coach || E'\\t' || sessions || E'\\t' || last_session || E'\\t' || coalesce(mean_gap_days::text, 'null') FROM coachlog.cadence")
        let sessionRows = try grouped(
            """
            SELECT salesperson, session_id || E'\\t' || coach || E'\\t' || CASE WHEN closed_at IS NULL THEN 'open' ELSE 'closed' END
                || E'\\t' || topics::text
            FROM coachlog.sessions ORDER BY salesperson, position
            """)
        let tallies = try grouped(
            """
            SELECT salesperson, kind || E'\\t' || count(*) FILTER (WHERE outcome = 'kept') || E'\\t'
                || count(*) FILTER (WHERE outcome = 'partial') || E'\\t' || count(*) FILTER (WHERE outcome = 'missed')
            FROM coachlog.reviews GROUP BY salesperson, kind
            """)
        let topicRows = try grouped(
            """
            SELECT salesperson, topic || E'\\t' || coalesce(last_covered::text, '') FROM coachlog.topic_coverage
            ORDER BY salesperson, array_position(ARRAY['selfConcept','identityRole','personalGoals','behavioralReflection'], topic)
            """)
        let cadence = try query(["projection": "cadence"])["salespeople"]?.arrayValue ?? []
        #expect(
            Set(cadenceRows.keys) == Set(cadence.compactMap { $0["salesperson"]?.stringValue }),
            "cadence rows name the daemon's people", sourceLocation: sourceLocation)
        for row in cadence {
            guard let name = row["salesperson"]?.stringValue else { continue }
            let gap = row["meanGapDays"]?.doubleValue.map { "\($0)" } ?? "null"
            let expected = "\(row["coach"]?.stringValue ?? "")\t\(row["sessions"]?.integerValue ?? -1)\t\(row["lastSession"]?.stringValue ?? "")"
            let fields = (cadenceRows[name]?.first ?? "").split(separator: "\t").map(String.init)
            #expect(fields.prefix(3).joined(separator: "\t") == expected, "cadence of \(name)", sourceLocation: sourceLocation)
            #expect(
                fields.count == 4 && (fields[3] == gap || Double(fields[3]).map { abs($0 - (Double(gap) ?? .nan)) < 1e-9 } == true),
                "mean gap of \(name): \(fields) vs \(gap)", sourceLocation: sourceLocation)

            let sessions = try query(["projection": "sessions", "salesperson": .string(name)])["sessions"]?.arrayValue ?? []
            let expectedSessions = sessions.map {
                "\($0["sessionId"]?.stringValue ?? "")\t\($0["coach"]?.stringValue ?? "")\t\($0["closedAt"]?.isNull == true ? "open" : "closed")\t{\(($0["topics"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ","))}"
            }
            #expect(sessionRows[name] ?? [] == expectedSessions, "sessions of \(name)", sourceLocation: sourceLocation)

            let follow = try query(["projection": "followThrough", "salesperson": .string(name)])
            let expectedTallies = ["better", "different", "more"].compactMap { kind -> String? in
                guard let k = follow["byKind"]?[kind], (k["reviewed"]?.integerValue ?? 0) > 0 else { return nil }
                return ([kind] + ["kept", "partial", "missed"].map { String(k[$0]?.integerValue ?? -1) }).joined(separator: "\t")
            }
            #expect((tallies[name] ?? []).sorted() == expectedTallies, "follow-through of \(name)", sourceLocation: sourceLocation)

            let topics = try query(["projection": "topics", "salesperson": .string(name)])["lastCovered"]
            let expectedTopics = ["selfConcept", "identityRole", "personalGoals", "behavioralReflection"].map {
                "\($0)\t\(topics?[$0]?.stringValue ?? "")"
            }
            #expect(topicRows[name] ?? [] == expectedTopics, "topics of \(name)", sourceLocation: sourceLocation)
        }
        let open = try query(["projection": "openCommitments"])["commitments"]?.arrayValue ?? []
        let expectedOpen = open.map {
            [$0["commitmentId"], $0["salesperson"], $0["coach"], $0["kind"], $0["due"], $0["goalId"]]
                .map { $0?.stringValue ?? "" }.joined(separator: "\t")
        }.sorted()
        let myOpen = try postgres.psql(
            "SELECT commitment_id, salesperson, coach, kind, due, coalesce(goal_id, '') FROM coachlog.open_commitments"
        ).split(separator: "\n").map(String.init).sorted()
        #expect(myOpen == expectedOpen, "open commitments", sourceLocation: sourceLocation)
        let everyone = try query(["projection": "followThrough"])
        let weekly = try postgres.psql("SELECT coalesce(sum(reviewed), 0), coalesce(sum(kept), 0) FROM coachlog.follow_through_weekly")
        #expect(
            weekly == "\(everyone["reviewed"]?.integerValue ?? -1)\t\(everyone["kept"]?.integerValue ?? -1)",
            "the weekly view adds up to the organisation's follow-through", sourceLocation: sourceLocation)
    }
}

/// Coaching histories appended through the socket: sessions with topics, goals, commitments with
/// and without goals, reviews of every outcome, insights, and the corrections that change what
/// counts (a corrected review, an amended kind, a withdrawal, a voided session, a merge).
struct HistoryWriter {
    var random: SplitMix64
    let tag: String
    /// Each person's latest commitment, reviewed at their next session.
    var open: [Int: String] = [:]

    init(seed: UInt64, tag: String) {
        random = SplitMix64(seed: seed)
        self.tag = tag
    }

    func name(_ person: Int) -> String { "sp-\(tag)\(person)" }

    /// `weeks` weekly sessions for each of `people`, one append per person (one stream per append).
    mutating func write(people: Range<Int>, weeks: Int, to connection: Connection, firstWeek: Int = 0) throws {
        for person in people {
            var events: [JSONValue] = []
            for week in firstWeek..<(firstWeek + weeks) { events += session(person: person, week: week) }
            try append(events, to: connection)
        }
    }

    mutating func session(person: Int, week: Int) -> [JSONValue] {
        let sp = JSONValue.string(name(person))
        let day = Self.day(week)
        let sid = JSONValue.string("s-\(tag)\(person)-\(week)")
        let topics = ["selfConcept", "identityRole", "personalGoals", "behavioralReflection"]
        var events: [JSONValue] = [
            event("SessionOpened", [
                "sessionId": sid, "salesperson": sp, "coach": .string("coach \(person % 3)"), "at": .string(day + "T09:00:00Z"),
                "topics": .array([.string(random.pick(topics))]), "newSalesperson": true,
            ])
        ]
        if let last = open[person] {
            let previous = JSONValue.string(last)
            events.append(
                event("CommitmentReviewed", [
                    "commitmentId": previous, "sessionId": sid, "salesperson": sp,
                    "outcome": .string(random.pick(["kept", "partial", "missed"])), "note": "Tab\there, \"quoted\" \\ back",
                    "at": .string(day + "T09:10:00Z"),
                ]))
            if random.percent(20) {
                events.append(event("ReviewCorrected", ["commitmentId": previous, "salesperson": sp, "outcome": "kept", "reason": "misheard"]))
            }
        }
        if open[person] == nil {
            events.append(
                event("GoalStated", [
                    "goalId": .string("g-\(tag)\(person)"), "sessionId": sid, "salesperson": sp, "text": "Lead a team",
                    "area": "leadership", "at": .string(day + "T09:15:00Z"),
                ]))
        }
        let cid = JSONValue.string("c-\(tag)\(person)-\(week)")
        var made: [String: JSONValue] = [
            "commitmentId": cid, "sessionId": sid, "salesperson": sp, "kind": .string(random.pick(["more", "better", "different"])),
            "text": "Call\nmore people", "at": .string(day + "T09:20:00Z"),
        ]
        if random.percent(40) { made["goalId"] = .string("g-\(tag)\(person)") }
        events.append(event("CommitmentMade", made))
        open[person] = "c-\(tag)\(person)-\(week)"
        if random.percent(15) { events.append(event("CommitmentAmended", ["commitmentId": cid, "salesperson": sp, "kind": "better"])) }
        if random.percent(10) {
            let extra = JSONValue.string("x-\(tag)\(person)-\(week)")
            events.append(event("CommitmentMade", [
                "commitmentId": extra, "sessionId": sid, "salesperson": sp, "kind": "more", "text": "Extra",
                "at": .string(day + "T09:25:00Z"),
            ]))
            events.append(event("CommitmentWithdrawn", ["commitmentId": extra, "salesperson": sp, "reason": "changed plan"]))
        }
        events.append(event("InsightNoted", [
            "sessionId": sid, "salesperson": sp, "topic": .string(random.pick(topics)), "text": "Noticed something",
            "at": .string(day + "T09:30:00Z"),
        ]))
        events.append(event("SessionClosed", ["sessionId": sid, "salesperson": sp, "at": .string(day + "T10:00:00Z")]))
        return events
    }

    /// A session opened by mistake and voided (with what was recorded in it).
    func voidedSession(person: Int, week: Int) -> [JSONValue] {
        let sp = JSONValue.string(name(person))
        let sid = JSONValue.string("v-\(tag)\(person)-\(week)")
        return [
            event("SessionOpened", ["sessionId": sid, "salesperson": sp, "coach": "coach 9", "at": .string(Self.day(week) + "T11:00:00Z")]),
            event("CommitmentMade", [
                "commitmentId": .string("vc-\(tag)\(person)-\(week)"), "sessionId": sid, "salesperson": sp, "kind": "more",
                "text": "Void me", "at": .string(Self.day(week) + "T11:10:00Z"),
            ]),
            event("SessionVoided", ["sessionId": sid, "salesperson": sp, "reason": "wrong person"]),
        ]
    }

    func merge(_ person: Int, into other: Int) -> [JSONValue] {
        [event("SalespersonMerged", ["salesperson": .string(name(person)), "into": .string(name(other)), "reason": "same person"])]
    }

    static func day(_ week: Int) -> String {
        // Mondays from 2026-01-05, as UTC dates.
        let start = Timestamp(iso8601: "2026-01-05T00:00:00Z")?.milliseconds ?? 0
        return String(Timestamp(milliseconds: start + Int64(week) * 7 * Timestamp.millisecondsPerDay).iso8601.prefix(10))
    }

    func event(_ type: String, _ data: [String: JSONValue]) -> JSONValue {
        .object(["type": .string(type), "data": .object(data)])
    }

    func append(_ events: [JSONValue], to connection: Connection) throws {
        _ = try connection.request(.append, ["events": .array(events)])
    }
}

/// Runs `body` on a thread of its own until `stop` is set: a live appender beside a test.
final class BackgroundWriter: @unchecked Sendable {
    private let stopFlag = NSLock()
    private var stopped = false
    private let done = DispatchSemaphore(value: 0)
    private(set) var failure: (any Error)?
    private(set) var rounds = 0

    init(_ body: @escaping @Sendable (Int) throws -> Void) {
        let thread = Thread { [self] in
            var round = 0
            while !isStopped {
                do {
                    try body(round)
                } catch {
                    failure = error
                    break
                }
                round += 1
                rounds = round
            }
            done.signal()
        }
        thread.start()
    }

    private var isStopped: Bool { stopFlag.withLock { stopped } }

    func stop() {
        stopFlag.withLock { stopped = true }
        done.wait()
    }
}

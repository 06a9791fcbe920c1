import ArgumentParser
import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import EventStore
import Sealing
import Foundation

@main
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coachlog-bench",
        abstract: "Measures CoachLog: durable appends, the engine's ceiling, queries, rebuild, cold start, memory, backup, dashboard pages.",
        discussion: "Run the release build: swift build -c release && .build/release/coachlog-bench --output bench.json")

    @Option(help: "Events in the large store (queries, rebuild, cold start, backup).") var events = 1_000_000
    @Option(help: "Salespeople in the organisation.") var salespeople = 2000
    @Option(help: "Coaches in the organisation.") var coaches = 100
    @Option(help: "Concurrent connections for the append workload, comma-separated.") var connections = "1,16,64,256"
    @Option(help: "Seconds per measured run.") var seconds = 5.0
    @Option(help: "Appends per second to prepare requests for in workload A (more than the daemon can take).") var maximumRate = 80_000
    @Flag(help: "A small, quick run that only checks every workload works (for CI).") var smoke = false
    @Option(
        help: "Which workloads to run, comma-separated from A,B,C,D,E,F,G,H,I (default: A to H; I, coachlog-pgsync into a private PostgreSQL, runs only when named).")
    var workloads = "A,B,C,D,E,F,G,H"
    @Option(help: "Also write the figures as JSON to this file.") var output: String?
    @Flag(
        inversion: .prefixedNo,
        help: "Run the Redis Streams peer (redis-server and redis-benchmark on PATH) right after workload A at 64 connections (default: on, off with --smoke). Asked for explicitly with CI=true, a missing Redis fails the run.")
    var peers: Bool?

    mutating func run() throws {
        if smoke {
            events = min(events, 4000)
            salespeople = min(salespeople, 60)
            coaches = min(coaches, 6)
            seconds = min(seconds, 0.5)
        }
        let duration = Duration.milliseconds(Int64(seconds * 1000))
        let clientCounts = connections.split(separator: ",").compactMap { Int($0) }
        // Requests prepared for each of `n` connections in workload A (and G, with 64).
        let requestsPerRun = Int(Double(maximumRate) * seconds)
        let perClient = { (n: Int) in max(100, requestsPerRun / n + 50) }
        // The organisation of A and B: its weeks end before today, however many they use.
        let today = BenchCommand.now.day
        let weeksA = clientCounts.map { Organisation.weeks(events: perClient($0), people: salespeople / $0) }.max() ?? 1
        let ceilingTarget = smoke ? 2000 : 200_000
        let weeksB = Organisation.weeks(events: ceilingTarget / min(64, max(1, salespeople)) + 1, people: salespeople / 64)
        let organisation = Organisation(
            salespeople: salespeople, coaches: coaches,
            firstMonday: Organisation.firstMonday(weeks: max(weeksA, weeksB), before: today))
        var report = Report()
        var selected = Set(workloads.uppercased().split(separator: ",").map(String.init))
        // I needs PostgreSQL: without it the run goes on without I, except with CI=true, which fails.
        if selected.contains("I"), let reason = PostgresProcess.unavailableReason {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                throw BenchError("workload I was asked for with CI=true, but \(reason)")
            }
            Swift.print("workload I not run: \(reason)")
            report.add("I", "coachlog-pgsync into PostgreSQL", ["notRun": .string(reason)])
            selected.remove("I")
        }
        let scratch = temporaryFolder("run")
        defer { removeFolder(scratch) }

        // B (disk): the raw fsync rate of the data folder's disk.
        let fsync = fsyncRate(folder: scratch, duration: duration)
        report.add("B", "raw fdatasync rate of the data disk", ["perSecond": .double(fsync)])

        // The event JSON of the peer and the probe: a CommitmentMade, as workload A appends it (~300 bytes).
        let peerEvent = Self.peerEvent(organisation)

        // P: the bare-LMDB probe, on the same disk as the daemons' data folders, in the same run as A.
        if selected.contains("A") {
            let probe = try bareLMDBProbe(folder: scratch, value: Array(peerEvent.utf8), duration: duration)
            var j = probe.json.objectValue ?? [:]
            j["valueBytes"] = .integer(Int64(peerEvent.utf8.count))
            j["fsyncPerSecond"] = .double(fsync)
            j["ofFsyncRate"] = .double(fsync > 0 ? probe.perSecond / fsync : 0)
            report.add("P", "bare LMDB: one put per synced commit", .object(j))
        }
        let runPeers = peers ?? !smoke
        let peersAskedFor = peers == true
        let secondsPerRun = seconds
        var redisDone = false
        func redisRun(_ appends64: Double) throws {
            guard runPeers, !redisDone else { return }
            redisDone = true
            try Self.runRedis(event: peerEvent, appends64: appends64, seconds: secondsPerRun, explicit: peersAskedFor, into: &report)
        }

        // A: durable one-event appends over the socket.
        var appends64: Double = 0
        var peakDuringA = 0
        var anonDuringA = 0
        for n in clientCounts where selected.contains("A") || selected.contains("F") {
            let folder = temporaryFolder("a\(n)")
            defer { removeFolder(folder) }
            // Requests are built before the clock starts, so that the clients
            // spend their time sending, as redis-benchmark's do.
            let lines = (0..<n).map { client in
                var stream = organisation.stream(client: client, of: n)
                return Lines((0..<perClient(n)).compactMap { _ in stream.next().map { appendLine($0, id: client) } })
            }
            let daemon = try DaemonProcess(data: folder + "/data", socket: folder + "/s.sock")
            let (m, anon) = try daemon.peakAnonymousBytes {
                try closedLoop(socket: daemon.socket, clients: n, duration: duration) { client in
                    let mine = lines[client]
                    return { mine.next() }
                }
            }
            peakDuringA = max(peakDuringA, daemon.peakResidentBytes)
            anonDuringA = max(anonDuringA, anon)
            daemon.stop()
            var j = m.json.objectValue ?? [:]
            j["connections"] = .integer(Int64(n))
            j["ofFsyncRate"] = .double(fsync > 0 ? m.perSecond / fsync : 0)
            let probe = report.rows.first { $0.workload == "P" }?.figures["perSecond"]?.doubleValue ?? 0
            if n == 1, probe > 0 { j["ofProbe"] = .double(m.perSecond / probe) }
            if n > 64, appends64 > 0 { j["of64Connections"] = .double(m.perSecond / appends64) }
            report.add("A", "durable appends, \(n) connection\(n == 1 ? "" : "s")", .object(j))
            // The peer right after A at 64 connections, so that both meet the same disk and neighbours.
            if n == 64 {
                appends64 = m.perSecond
                try redisRun(appends64)
            }
        }
        if selected.contains("A") { try redisRun(appends64) }

        // B: the engine ceiling: the same events through EventStore, 100 per commit, one sync each.
        if selected.contains("B") {
            let folder = temporaryFolder("b")
            defer { removeFolder(folder) }
            let store = try EventStore(
                directory: folder + "/data", options: .init(masterKey: DaemonProcess.masterKey(data: folder + "/data")))
            var prepared: [PreparedAppend] = []
            var streams = (0..<64).map { organisation.stream(client: $0, of: 64) }
            let target = ceilingTarget
            while prepared.count < target {
                for k in streams.indices {
                    if let e = streams[k].next() { prepared.append(try AppendRequest(events: [e]).prepare()) }
                }
            }
            let start = ContinuousClock.now
            var index = 0
            let now = BenchCommand.now
            while index < prepared.count, ContinuousClock.now - start < duration * 4 {
                for r in try store.commit(Array(prepared[index..<min(index + 100, prepared.count)]), now: now) { _ = try r.get() }
                index += 100
            }
            let rate = Double(min(index, prepared.count)) / BenchCommand.elapsed(since: start)
            report.add(
                "B", "engine ceiling: EventStore, batches of 100, one sync each",
                ["perSecond": .double(rate), "events": .integer(Int64(min(index, prepared.count))),
                 "appends64OverCeiling": .double(rate > 0 ? appends64 / rate : 0)])
        }

        // The large store for C, D, E, G, H, I.
        guard !selected.isDisjoint(with: ["C", "D", "E", "F", "G", "H", "I"]) else { return try finish(report) }
        let big = temporaryFolder("big")
        defer { removeFolder(big) }
        // The large store's organisation: whole weeks loaded, then room for G's appends, all before today.
        let weeksLoaded = organisation.weeks(holding: events)
        let weeksG = Organisation.weeks(events: perClient(64), people: salespeople / 64)
        let large = Organisation(
            salespeople: salespeople, coaches: coaches, firstMonday: Organisation.firstMonday(weeks: weeksLoaded + weeksG, before: today))
        let sessions = large.sessions(weeks: weeksLoaded)
        // Queries look back from the end of the loaded weeks, as a coach would the Monday after.
        let asOf = JSONValue.string(large.firstMonday.adding(days: 7 * weeksLoaded).iso8601)
        var loadedHead: UInt64 = 0
        do {
            let store = try EventStore(
                directory: big + "/data", options: .init(masterKey: DaemonProcess.masterKey(data: big + "/data")))
            let start = ContinuousClock.now
            try load(sessions, into: store)
            // The tables behind the log written now, so that D times the rebuild alone.
            try store.flush()
            let loaded = try store.headPosition()
            loadedHead = loaded
            report.add("load", "loaded the large store", [
                "events": .integer(Int64(loaded)), "seconds": .double(BenchCommand.elapsed(since: start)),
                "storeBytes": .integer(Int64(try store.statistics().fileBytes)),
            ])
            // D: rebuild.
            if selected.contains("D") {
                let rebuildStart = ContinuousClock.now
                try store.rebuildProjections()
                let rebuildSeconds = BenchCommand.elapsed(since: rebuildStart)
                report.add("D", "projection rebuild", [
                    "events": .integer(Int64(loaded)), "seconds": .double(rebuildSeconds),
                    "eventsPerSecond": .double(Double(loaded) / rebuildSeconds),
                ])
            }
        }

        // E: cold start on the large store.
        let daemon = try DaemonProcess(data: big + "/data", socket: big + "/s.sock")
        // The first query after start that includes every stored event (minPosition: the loaded head):
        // the projections are caught up when it is answered.
        let firstQuery: [String: JSONValue] = [
            "projection": "followThrough", "salesperson": "sp0", "weeks": 4, "asOf": asOf, "minPosition": .integer(Int64(loadedHead)),
        ]
        let firstQuerySeconds = try daemon.secondsToFirstAnswer(query: firstQuery)
        report.add("E", "cold start", [
            "seconds": .double(daemon.startupSeconds), "firstQuerySeconds": .double(firstQuerySeconds),
        ])

        // C: queries with 16 connections.
        let queries: [(String, @Sendable (Int, Int) -> [String: JSONValue])] = [
            ("followThrough, one salesperson", { _, k in ["projection": "followThrough", "salesperson": .string("sp\(k % organisation.salespeople)"), "weeks": 4, "asOf": asOf] }),
            ("followThrough, one coach", { _, k in ["projection": "followThrough", "coach": .string("coach\(k % organisation.coaches)"), "weeks": 4, "asOf": asOf] }),
            ("followThrough, whole organisation", { _, _ in ["projection": "followThrough", "weeks": 4, "asOf": asOf] }),
            ("openCommitments, one salesperson", { _, k in ["projection": "openCommitments", "salesperson": .string("sp\(k % organisation.salespeople)"), "asOf": asOf] }),
            ("cadence, one coach", { _, k in ["projection": "cadence", "coach": .string("coach\(k % organisation.coaches)"), "asOf": asOf] }),
            ("cadence, whole organisation", { _, _ in ["projection": "cadence", "asOf": asOf] }),
            ("openCommitments, one coach", { _, k in ["projection": "openCommitments", "coach": .string("coach\(k % organisation.coaches)"), "asOf": asOf] }),
            ("team, one coach", { _, k in ["projection": "team", "coach": .string("coach\(k % organisation.coaches)"), "weeks": 4, "asOf": asOf] }),
            ("team, whole organisation", { _, _ in ["projection": "team", "weeks": 4, "asOf": asOf] }),
            ("team, whole organisation, trendWeeks 12", { _, _ in ["projection": "team", "weeks": 4, "trendWeeks": 12, "asOf": asOf] }),
        ]
        var anonDuringC = 0
        for (name, fields) in queries where selected.contains("C") {
            let (m, anon) = try daemon.peakAnonymousBytes {
                // Built before the clock starts, one per salesperson or coach, then cycled.
                let lines = (0..<organisation.salespeople).map { k in Request(id: 1, op: .query, fields: fields(0, k)).encoded() }
                return try closedLoop(socket: daemon.socket, clients: 16, duration: duration) { client in
                    let counter = Counter(start: client * 7919)
                    return { lines[counter.next() % lines.count] }
                }
            }
            anonDuringC = max(anonDuringC, anon)
            report.add("C", "query \(name), 16 connections", m.json)
        }
        let peakDuringC = daemon.peakResidentBytes
        if selected.contains("F") {
            report.add("F", "peak resident memory of the daemon", [
                "duringAppendsBytes": .integer(Int64(peakDuringA)), "duringQueriesBytes": .integer(Int64(peakDuringC)),
                "maxMiB": .double(Double(max(peakDuringA, peakDuringC)) / 1_048_576),
                "anonymousDuringAppendsBytes": .integer(Int64(anonDuringA)),
                "anonymousDuringQueriesBytes": .integer(Int64(anonDuringC)),
                "anonymousMaxMiB": .double(Double(max(anonDuringA, anonDuringC)) / 1_048_576),
            ])
        }

        // H: the dashboard's pages on the same daemon, before G appends to the store.
        if selected.contains("H") { try dashboardLatency(daemon: daemon, large: large, asOf: asOf, into: &report) }

        // I: coachlog-pgsync on the same daemon; its live appends are new salespeople's, apart from G's and the crash's.
        if selected.contains("I") { try pgsyncWorkload(daemon: daemon, large: large, weeksLoaded: weeksLoaded, weeks: weeksG, into: &report) }

        // G and the crash after it change the store: last, and only when asked for.
        guard selected.contains("G") else { return try finish(report) }

        // G: backup of the large store while 64 connections append.
        let backupResult = BackupOutcome()
        let socket = daemon.socket
        let delay = UInt32(min(1.0, seconds / 4) * 1_000_000)
        let backupThread = Thread {
            usleep(delay)
            let start = ContinuousClock.now
            do {
                let r = try Connection(path: socket).request(.backup, ["path": .string(big + "/backup.mdb")])
                backupResult.set(seconds: BenchCommand.elapsed(since: start), result: r)
            } catch {
                backupResult.set(seconds: BenchCommand.elapsed(since: start), result: .string("\(error)"))
            }
        }
        backupThread.start()
        let during = try closedLoop(socket: daemon.socket, clients: 64, duration: duration) { client in
            // Each salesperson's next week after the loaded ones, up to the week before today's.
            var stream = large.stream(client: client, of: 64)
            stream.week = weeksLoaded
            stream.endWeek = weeksLoaded + weeksG
            let locked = LockedStream(stream)
            return { locked.next().map { appendLine($0, id: client) } }
        }
        while !backupResult.done { usleep(10_000) }
        let (backupSeconds, backupReply) = backupResult.value
        report.add("G", "backup of the large store while 64 connections append", [
            "seconds": .double(backupSeconds), "bytes": backupReply["bytes"] ?? .null, "position": backupReply["position"] ?? .null,
            "reply": backupReply["bytes"] == nil ? backupReply : .null, "appendsPerSecondMeanwhile": .double(during.perSecond),
            "appendErrors": .integer(Int64(during.errors)),
        ])

        // E after a crash: kill -9 while 64 connections append, then start again.
        try crashAndRestart(daemon: daemon, large: large, weeksLoaded: weeksLoaded, weeks: weeksG, asOf: asOf, into: &report)

        try finish(report)
    }

    func finish(_ report: Report) throws {
        report.print()
        let summary = Summary(report)
        summary.print()
        if let output {
            try Data(JSONWriter.bytes(report.json(summary: summary.json, parameters: [
                "events": .integer(Int64(events)), "salespeople": .integer(Int64(salespeople)),
                "coaches": .integer(Int64(coaches)), "secondsPerRun": .double(seconds), "smoke": .bool(smoke),
                "peers": .bool(peers ?? !smoke),
            ])) + [0x0A]).write(to: URL(fileURLWithPath: output))
        }
    }

    static func elapsed(since start: ContinuousClock.Instant) -> Double { (ContinuousClock.now - start).inSeconds }

    /// The wall clock, as the daemon reads it for its guardrails.
    static var now: Timestamp { Timestamp(milliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))) }
}

/// Request lines prepared in advance for one client thread.
/// @unchecked Sendable: each instance is read by exactly one thread.
final class Lines: @unchecked Sendable {
    private let lines: [[UInt8]]
    private var index = 0
    init(_ lines: [[UInt8]]) { self.lines = lines }
    func next() -> [UInt8]? {
        guard index < lines.count else { return nil }
        defer { index += 1 }
        return lines[index]
    }
}

/// A stream of one-event appends shared safely with a client thread.
final class LockedStream: @unchecked Sendable {
    // @unchecked: `stream` is only touched under `lock`.
    private let lock = NSLock()
    private var stream: Organisation.Stream
    init(_ stream: Organisation.Stream) { self.stream = stream }
    func next() -> ProposedEvent? {
        lock.lock()
        defer { lock.unlock() }
        return stream.next()
    }
}

final class Counter: @unchecked Sendable {
    // @unchecked: `value` is only touched under `lock`.
    private let lock = NSLock()
    private var value: Int
    init(start: Int) { value = start }
    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}

final class BackupOutcome: @unchecked Sendable {
    // @unchecked: fields are only touched under `lock`.
    private let lock = NSLock()
    private var stored: (Double, JSONValue)?
    func set(seconds: Double, result: JSONValue) {
        lock.lock()
        stored = (seconds, result)
        lock.unlock()
    }
    var done: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stored != nil
    }
    var value: (Double, JSONValue) {
        lock.lock()
        defer { lock.unlock() }
        return stored ?? (0, .null)
    }
}

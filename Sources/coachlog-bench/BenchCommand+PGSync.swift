import CoachLogClient
import CoachLogJSON
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension BenchCommand {
    /// Issue 14's targets for coachlog-pgsync: the backlog's load rate, and the lag behind live appends.
    static let pgsyncBacklogTarget = 50_000.0
    static let pgsyncLagP99TargetMs = 1000.0

    static let pgsyncBacklogRow = "coachlog-pgsync backlog load, start to caught up"
    static let pgsyncCeilingRow = "PostgreSQL ceiling: INSERT INTO … SELECT * FROM events"
    static let pgsyncLiveRow = "coachlog-pgsync live lag, 64 connections appending"
    static let pgsyncAloneRow = "64 connections appending, coachlog-pgsync stopped"

    /// I: coachlog-pgsync on the large store's daemon, into a fresh private PostgreSQL.
    ///
    /// 1. The backlog: coachlog-pgsync started on the whole log, timed from its start (its replay
    ///    included) until `sync_state` shows both the events and the projection tables at the
    ///    daemon's head, polled every 50 ms.
    /// 2. The ceiling, right after in the same PostgreSQL: the same rows copied by PostgreSQL
    ///    itself into a table with the same columns and indexes (`INSERT … SELECT`, one
    ///    statement, no client at all).
    /// 3. The live lag: 64 connections append new salespeople's sessions for `seconds` while
    ///    coachlog-pgsync follows; then the time it takes to catch up, and, in SQL over the events
    ///    of the run, `exported_at - recorded_at` (the insert's time ÷ the daemon's commit time, one
    ///    machine clock) at p50, p99 and max. The same 64 connections then append for `seconds`
    ///    with coachlog-pgsync stopped, the daemon's append rate with no subscriber, as its ratio.
    func pgsyncWorkload(daemon: DaemonProcess, large: Organisation, weeksLoaded: Int, weeks: Int, into report: inout Report) throws {
        let duration = Duration.milliseconds(Int64(seconds * 1000))
        let pg = try PostgresProcess(folder: temporaryFolder("pg"))
        defer { pg.stop() }
        let session = try pg.session()
        defer { session.close() }
        let control = try Connection(path: daemon.socket)
        let head = try control.stats().position

        // 1. The backlog.
        let before = CPUSample(daemon: daemon, postgres: pg, sync: nil)
        let start = ContinuousClock.now
        let sync = try PGSyncProcess(socket: daemon.socket, url: pg.url, log: pg.folder + "/pgsync.log")
        defer { sync.stop() }
        var firstRow: Double?
        var exported: Double?
        var caughtUp = 0.0
        var polls = 0
        while true {
            let state = try Self.syncState(session)
            let t = BenchCommand.elapsed(since: start)
            polls += 1
            if let state {
                if state.position > 0, firstRow == nil { firstRow = t }
                if state.position >= head, exported == nil { exported = t }
                if state.position >= head, state.projected >= head {
                    caughtUp = t
                    break
                }
            }
            guard sync.isRunning else { throw BenchError("workload I: coachlog-pgsync exited during the backlog: \(sync.log.suffix(3000))") }
            guard t < 3600 else { throw BenchError("workload I: coachlog-pgsync did not load the backlog within an hour: \(sync.log.suffix(3000))") }
            usleep(50_000)
        }
        let backlogCPU = CPUSample(daemon: daemon, postgres: pg, sync: sync).since(before, seconds: caughtUp)
        let counts = try session.rows(
            "SELECT " + ["events", "sessions", "reviews", "open_commitments", "cadence", "topic_coverage"]
                .map { "(SELECT count(*) FROM coachlog.\($0))" }.joined(separator: ", ")
        ).first?.compactMap { Int64($0) } ?? []
        guard counts.first == Int64(head) else {
            throw BenchError("workload I: coachlog.events holds \(counts.first.map(String.init) ?? "nothing") rows after the backlog, not \(head)")
        }
        let tableBytes = try session.rows("SELECT pg_total_relation_size('coachlog.events')").first?.first.flatMap { Int64($0) } ?? 0

        // 2. The ceiling: PostgreSQL copying the same rows into the same table shape by itself.
        try pg.psql("CREATE TABLE coachlog.ceiling (LIKE coachlog.events INCLUDING ALL)")
        try pg.psql("CHECKPOINT")
        let ceilingCPUBefore = pg.cpuSeconds
        let ceilingStart = ContinuousClock.now
        _ = try session.rows("INSERT INTO coachlog.ceiling SELECT * FROM coachlog.events")
        let ceilingSeconds = BenchCommand.elapsed(since: ceilingStart)
        let ceilingCPU = pg.cpuSeconds - ceilingCPUBefore
        let copied = try session.rows("SELECT count(*) FROM coachlog.ceiling").first?.first.flatMap { Int64($0) } ?? 0
        guard copied == Int64(head) else { throw BenchError("workload I: the ceiling's INSERT copied \(copied) rows, not \(head): \(pg.log.suffix(2000))") }
        try pg.psql("DROP TABLE coachlog.ceiling")
        try pg.psql("CHECKPOINT")
        let ceilingRate = Double(head) / ceilingSeconds
        let backlogRate = Double(head) / caughtUp
        let backlogWrites = try Self.tableWrites(session, eventsAfter: 0)

        report.add("I", Self.pgsyncCeilingRow, [
            "events": .integer(Int64(head)), "seconds": .double(ceilingSeconds), "eventsPerSecond": .double(ceilingRate),
            "postgresCpuSeconds": .double(ceilingCPU),
        ])
        report.add("I", Self.pgsyncBacklogRow, [
            "events": .integer(Int64(head)), "seconds": .double(caughtUp), "eventsPerSecond": .double(backlogRate),
            "firstRowSeconds": firstRow.map(JSONValue.double) ?? .null, "exportedSeconds": exported.map(JSONValue.double) ?? .null,
            "ceilingEventsPerSecond": .double(ceilingRate), "ofCeiling": .double(backlogRate / ceilingRate),
            "targetEventsPerSecond": .double(Self.pgsyncBacklogTarget),
            "cpuSeconds": backlogCPU.seconds, "cpuCores": backlogCPU.cores, "polls": .integer(Int64(polls)),
            "rows": .object(Dictionary(uniqueKeysWithValues: zip(
                ["events", "sessions", "reviews", "open_commitments", "cadence", "topic_coverage"], counts.map(JSONValue.integer)))),
            "eventsTableBytes": .integer(tableBytes), "postgres": .string(pg.version), "batchEvents": .integer(Int64(PGSyncProcess.batchEvents)),
            "transactions": .integer(backlogWrites.batches),
            "transactionsWithEvents": .integer(backlogWrites.withEvents),
            "meanEventsPerTransaction": .double(backlogWrites.withEvents > 0 ? Double(head) / Double(backlogWrites.withEvents) : 0),
            "projectionRowsInserted": .integer(backlogWrites.projectionInserted),
            "projectionRowsDeleted": .integer(backlogWrites.projectionDeleted),
        ])

        // 3. Live: new salespeople's sessions (week 0 on, after the loaded weeks: every append keeps the
        // rules), people 2n..<4n, apart from G's (0..<n, the next week) and the crash's (n..<2n).
        let newcomers = Organisation(
            salespeople: 4 * large.salespeople, coaches: large.coaches, firstMonday: large.firstMonday.adding(days: 7 * weeksLoaded))
        let streams = (0..<64).map { client in
            var s = Organisation.Stream(
                organisation: newcomers, people: Array(stride(from: 2 * large.salespeople + client, to: newcomers.salespeople, by: 64)))
            s.endWeek = max(1, weeks)
            return LockedStream(s)
        }
        let socket = daemon.socket
        let appendRun = {
            try closedLoop(socket: socket, clients: 64, duration: duration) { client in
                let stream = streams[client]
                return { stream.next().map { appendLine($0, id: client) } }
            }
        }
        let p0 = try control.stats().position
        let liveBefore = CPUSample(daemon: daemon, postgres: pg, sync: sync)
        let liveStart = ContinuousClock.now
        let live = try appendRun()
        let stopped = ContinuousClock.now
        let p1 = try control.stats().position
        var exportedCatchUp: Double?
        var catchUp = 0.0
        while true {
            let state = try Self.syncState(session)
            let t = BenchCommand.elapsed(since: stopped)
            if let state {
                if state.position >= p1, exportedCatchUp == nil { exportedCatchUp = t }
                if state.position >= p1, state.projected >= p1 {
                    catchUp = t
                    break
                }
            }
            guard sync.isRunning else { throw BenchError("workload I: coachlog-pgsync exited during the live run: \(sync.log.suffix(3000))") }
            guard t < 600 else { throw BenchError("workload I: coachlog-pgsync did not catch up within 600 s of the appends' end: \(sync.log.suffix(3000))") }
            usleep(10_000)
        }
        let liveCPU = CPUSample(daemon: daemon, postgres: pg, sync: sync).since(liveBefore, seconds: BenchCommand.elapsed(since: liveStart))
        let lag = try session.rows(
            """
            SELECT n, extract(epoch FROM p[1]) * 1000, extract(epoch FROM p[2]) * 1000, extract(epoch FROM p[3]) * 1000,
                extract(epoch FROM mx) * 1000, extract(epoch FROM mn) * 1000
            FROM (SELECT count(*) AS n,
                    percentile_disc(ARRAY[0.5, 0.9, 0.99]) WITHIN GROUP (ORDER BY exported_at - recorded_at) AS p,
                    max(exported_at - recorded_at) AS mx, min(exported_at - recorded_at) AS mn
                FROM coachlog.events WHERE position > \(p0) AND position <= \(p1)) s
            """
        ).first ?? []
        guard lag.count == 6, let lagEvents = Int64(lag[0]), lagEvents == Int64(p1 - p0) else {
            throw BenchError("workload I: the lag query answered \(lag) for the \(p1 - p0) events \(p0 + 1)…\(p1)")
        }
        let ms = lag.dropFirst().map { Double($0) ?? .nan }
        let liveWrites = try Self.tableWrites(session, eventsAfter: p0)

        // The same connections with no exporter following: the daemon's own append rate, right after.
        sync.stop()
        let alone = try appendRun()
        var aloneJSON = alone.json.objectValue ?? [:]
        aloneJSON["appended"] = .integer(Int64(alone.operations))
        report.add("I", Self.pgsyncAloneRow, .object(aloneJSON))

        var j = live.json.objectValue ?? [:]
        j["appended"] = .integer(Int64(p1 - p0))
        j["lagEvents"] = .integer(lagEvents)
        j["lagP50ms"] = .double(ms[0])
        j["lagP90ms"] = .double(ms[1])
        j["lagP99ms"] = .double(ms[2])
        j["lagMaxMs"] = .double(ms[3])
        j["lagMinMs"] = .double(ms[4])
        j["catchUpSeconds"] = .double(catchUp)
        j["exportedCatchUpSeconds"] = exportedCatchUp.map(JSONValue.double) ?? .null
        // The share of the run's wall time in which pgsync had the run's events: 1 means it kept up.
        j["keptUp"] = .double(live.seconds / (live.seconds + catchUp))
        j["withoutExporterPerSecond"] = .double(alone.perSecond)
        j["ofWithoutExporter"] = .double(alone.perSecond > 0 ? live.perSecond / alone.perSecond : 0)
        if let a64 = report.rows.first(where: { $0.name == "durable appends, 64 connections" })?.figures["perSecond"]?.doubleValue, a64 > 0 {
            j["ofA64"] = .double(live.perSecond / a64)
        }
        let liveBatches = liveWrites.batches - backlogWrites.batches
        j["transactions"] = .integer(liveBatches)
        j["transactionsWithEvents"] = .integer(liveWrites.withEvents)
        j["meanEventsPerTransaction"] = .double(liveWrites.withEvents > 0 ? Double(p1 - p0) / Double(liveWrites.withEvents) : 0)
        j["projectionRowsInserted"] = .integer(liveWrites.projectionInserted - backlogWrites.projectionInserted)
        j["projectionRowsDeleted"] = .integer(liveWrites.projectionDeleted - backlogWrites.projectionDeleted)
        j["cpuSeconds"] = liveCPU.seconds
        j["cpuCores"] = liveCPU.cores
        j["targetLagP99ms"] = .double(Self.pgsyncLagP99TargetMs)
        report.add("I", Self.pgsyncLiveRow, .object(j))
    }

    /// What coachlog-pgsync's transactions wrote: the transactions that inserted the events after
    /// `eventsAfter` (their distinct `xmin`, exact), and from PostgreSQL's statistics, so far: its
    /// transactions (each updates `sync_state` once, projection rewrites alone too), and the projection
    /// tables' inserted and deleted rows. An idle backend reports its statistics up to 10 s late, so
    /// this waits (at most 15 s) until they count at least the transactions seen in `xmin`.
    static func tableWrites(_ session: PostgresProcess.Session, eventsAfter: UInt64) throws
        -> (withEvents: Int64, batches: Int64, projectionInserted: Int64, projectionDeleted: Int64)
    {
        let withEvents = try session.rows(
            "SELECT count(DISTINCT xmin::text) FROM coachlog.events WHERE position > \(eventsAfter)"
        ).first?.first.flatMap { Int64($0) } ?? 0
        let allWithEvents = try session.rows("SELECT count(DISTINCT xmin::text) FROM coachlog.events").first?.first.flatMap { Int64($0) } ?? 0
        let deadline = ContinuousClock.now + .seconds(15)
        while true {
            let row = try session.rows(
                """
                SELECT coalesce(sum(n_tup_upd) FILTER (WHERE relname = 'sync_state'), 0),
                    coalesce(sum(n_tup_ins) FILTER (WHERE relname NOT IN ('sync_state', 'events')), 0),
                    coalesce(sum(n_tup_del) FILTER (WHERE relname NOT IN ('sync_state', 'events')), 0)
                FROM pg_stat_user_tables WHERE schemaname = 'coachlog'
                """
            ).first?.compactMap { Int64($0) } ?? []
            guard row.count == 3 else { throw BenchError("workload I: pg_stat_user_tables answered \(row)") }
            if row[0] >= allWithEvents || ContinuousClock.now >= deadline { return (withEvents, row[0], row[1], row[2]) }
            usleep(200_000)
        }
    }

    /// `sync_state`'s exported and projected positions, or nil before coachlog-pgsync has created it.
    static func syncState(_ session: PostgresProcess.Session) throws -> (position: UInt64, projected: UInt64)? {
        guard let row = try session.rows("SELECT position, projected_position FROM coachlog.sync_state").first, row.count == 2,
            let position = UInt64(row[0]), let projected = UInt64(row[1])
        else { return nil }
        return (position, projected)
    }
}

/// A coachlog-pgsync started from the folder this benchmark runs from, its log in a file.
final class PGSyncProcess: @unchecked Sendable {
    // @unchecked: `process` and `logPath` are set once, in `init`.
    private let process = Process()
    private let logPath: String
    /// Its default, given explicitly so that the report states it.
    static let batchEvents = 10_000

    init(socket: String, url: String, log: String) throws {
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let binary = folder.appendingPathComponent("coachlog-pgsync")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw BenchError("workload I needs coachlog-pgsync next to the bench (\(binary.path)): swift build -c release")
        }
        logPath = log
        process.executableURL = binary
        process.arguments = [
            "--socket", socket, "--postgres", url, "--batch-events", String(Self.batchEvents), "--log-level", "info",
        ]
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    var isRunning: Bool { process.isRunning }
    var pid: pid_t { process.processIdentifier }
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// SIGTERM (it finishes its transaction and stops), SIGKILL after 30 s.
    func stop() {
        guard process.isRunning else { return }
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + .seconds(30)
        while process.isRunning, ContinuousClock.now < deadline { usleep(10_000) }
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// CPU seconds of the processes of workload I and of the whole machine, at one moment.
struct CPUSample {
    var sync: Double
    var postgres: Double
    var daemon: Double
    var bench: Double
    /// Seconds of all cores: busy (user, nice, system, irq, softirq, steal) and waiting for I/O.
    var machineBusy: Double
    var machineIOWait: Double

    init(daemon: DaemonProcess, postgres: PostgresProcess, sync: PGSyncProcess?) {
        self.sync = sync.map { ProcessCPU.seconds($0.pid) } ?? 0
        self.postgres = postgres.cpuSeconds
        self.daemon = ProcessCPU.seconds(daemon.process.processIdentifier)
        bench = ProcessCPU.seconds(getpid(), includingReaped: true)
        let fields = ((try? String(contentsOfFile: "/proc/stat", encoding: .utf8))?.split(separator: "\n").first ?? "")
            .split(separator: " ").dropFirst().compactMap { Double($0) }
        // cpu  user nice system idle iowait irq softirq steal …
        let at = { (i: Int) in i < fields.count ? fields[i] : 0 }
        machineBusy = (at(0) + at(1) + at(2) + at(5) + at(6) + at(7)) / ProcessCPU.ticksPerSecond
        machineIOWait = at(4) / ProcessCPU.ticksPerSecond
    }

    /// The CPU seconds spent since `earlier`, and as cores (÷ the wall seconds between them).
    func since(_ earlier: CPUSample, seconds wall: Double) -> (seconds: JSONValue, cores: JSONValue) {
        let spent: [(String, Double)] = [
            ("coachlog-pgsync", sync - earlier.sync), ("postgres", postgres - earlier.postgres), ("coachlogd", daemon - earlier.daemon),
            ("coachlog-bench", bench - earlier.bench), ("machineBusy", machineBusy - earlier.machineBusy),
            ("machineIOWait", machineIOWait - earlier.machineIOWait),
        ]
        return (
            .object(Dictionary(uniqueKeysWithValues: spent.map { ($0.0, JSONValue.double($0.1)) })),
            .object(Dictionary(uniqueKeysWithValues: spent.map { ($0.0, JSONValue.double(wall > 0 ? $0.1 / wall : 0)) }))
        )
    }
}

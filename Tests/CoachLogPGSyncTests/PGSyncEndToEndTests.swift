import CoachLogClient
import CoachLogJSON
import CoachLogTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real binaries against a real PostgreSQL: backlog, live follow, kills of the exporter and of
/// PostgreSQL, a daemon restart, refusals, and `forget` reaching the copy.
@Suite(.serialized, .enabled(if: PostgresServer.runs, "needs PostgreSQL: \(PostgresServer.unavailableReason ?? "")"))
struct PGSyncEndToEndTests {
    @Test func backlogThenLiveEventsMatchTheLogAndTheQueries() throws {
        let rig = try SyncRig()
        let c = try rig.connect()
        var writer = HistoryWriter(seed: 14, tag: "a")
        try writer.write(people: 0..<24, weeks: 6, to: c)
        try writer.append(writer.voidedSession(person: 3, week: 7), to: c)
        try writer.append(writer.merge(5, into: 6), to: c)
        let exporter = try rig.startExporter()
        defer { exporter.kill() }
        let seconds = try rig.waitForCopy(upTo: try rig.head(), exporter: exporter)
        print("backlog of \(try rig.head()) events copied in \(seconds) s (debug build)")
        try rig.expectCopyEqualsLog()
        try rig.expectProjectionsMatchQueries()

        // Live: each append is in PostgreSQL well within a second.
        var lags: [Double] = []
        for week in 7..<10 {
            for person in [0, 1, 7] {
                try writer.append(writer.session(person: person, week: week), to: c)
                lags.append(try rig.waitForCopy(upTo: try rig.head(), exporter: exporter))
            }
        }
        print("live lag per append (debug build, seconds): \(lags.map { String(format: "%.3f", $0) })")
        #expect(lags.allSatisfy { $0 < 5 }, "live appends reach PostgreSQL promptly: \(lags)")
        try rig.expectCopyEqualsLog()
        try rig.expectProjectionsMatchQueries()

        // Every example of docs/analytics.md runs against the copy, and the ones over the record return rows.
        let guide = try String(contentsOfFile: Repository.path("docs/analytics.md"), encoding: .utf8)
        let examples = guide.components(separatedBy: "```sql\n").dropFirst().compactMap { $0.components(separatedBy: "```").first }
        #expect(examples.count >= 8)
        for sql in examples {
            let rows = try rig.postgres.psql(sql)
            if sql.contains("coachlog.reviews") || sql.contains("coachlog.sessions") || sql.contains("sync_status") {
                #expect(!rows.isEmpty, "no rows from \(sql)")
            }
        }

        let status = try rig.status()
        let head = try rig.head()
        #expect(status.contains("exported: \(head)\nprojected: \(head)\ndaemon: \(head)\nlag: 0 events"), "\(status)")
        #expect(exporter.stop() == 0, "SIGTERM stops it cleanly: \(exporter.stderr)")
        #expect(exporter.stderr.contains("stopped; PostgreSQL holds events up to \(try rig.head())"), "\(exporter.stderr)")
    }

    @Test func sigkillAtRandomMomentsLosesNothingAndDuplicatesNothing() throws {
        let rig = try SyncRig()
        let c = try rig.connect()
        var writer = HistoryWriter(seed: 99, tag: "k")
        try writer.write(people: 0..<60, weeks: 10, to: c)
        var random = SplitMix64(seed: UInt64(Date().timeIntervalSince1970))
        var kills: [String] = []
        // Live appends all along, so that kills land in the backlog and in live follow alike.
        let socket = rig.socket
        let live = BackgroundWriter { round in
            var w = HistoryWriter(seed: UInt64(round), tag: "live")
            try w.write(people: round..<(round + 1), weeks: 2, to: try Connection(path: socket))
            usleep(30_000)
        }
        for _ in 0..<12 {
            let exporter = try rig.startExporter(["--batch-events", "200"])
            let wait = 50 + random.below(1200)
            usleep(UInt32(wait) * 1000)
            exporter.kill()
            let at = rig.checkpoint()
            kills.append("\(wait) ms → \(at.map { "\($0.0)" } ?? "no schema yet") of \(try rig.head())")
            // Whatever was committed is an exact prefix of the log.
            try rig.expectCopyEqualsLog()
        }
        live.stop()
        #expect(live.failure == nil, "\(String(describing: live.failure))")
        print("SIGKILLs of coachlog-pgsync (wait → checkpoint): \(kills)")
        let exporter = try rig.startExporter()
        defer { exporter.kill() }
        try rig.waitForCopy(upTo: try rig.head(), exporter: exporter)
        try rig.expectCopyEqualsLog()
        #expect(UInt64(try rig.postgres.psql("SELECT count(*) FROM coachlog.events")) == (try rig.head()))
        try rig.expectProjectionsMatchQueries()
    }

    @Test func postgresKilledAndTheDaemonRestartedLoseNothing() throws {
        let rig = try SyncRig()
        let c = try rig.connect()
        var writer = HistoryWriter(seed: 7, tag: "p")
        try writer.write(people: 0..<10, weeks: 4, to: c)
        let exporter = try rig.startExporter()
        defer { exporter.kill() }
        try rig.waitForCopy(upTo: try rig.head(), exporter: exporter)

        // PostgreSQL crashes while events keep coming; the exporter waits and catches up.
        let socket = rig.socket
        let live = BackgroundWriter { round in
            var w = HistoryWriter(seed: UInt64(round), tag: "live")
            try w.write(people: round..<(round + 1), weeks: 1, to: try Connection(path: socket))
            usleep(20_000)
        }
        usleep(300_000)
        rig.postgres.kill()
        usleep(1_500_000)
        let restart = Date()
        try rig.postgres.start()
        print("PostgreSQL restarted in \(Date().timeIntervalSince(restart)) s")
        usleep(300_000)
        live.stop()
        #expect(live.failure == nil, "\(String(describing: live.failure))")
        let caughtUp = try rig.waitForCopy(upTo: try rig.head(), exporter: exporter, timeout: 120)
        print("caught up \(caughtUp) s after the appends stopped")
        #expect(exporter.stderr.contains("trying again"), "the exporter reported the outage: \(exporter.stderr)")
        try rig.expectCopyEqualsLog()
        try rig.expectProjectionsMatchQueries()

        // The daemon restarts under appends: the exporter subscribes again after what it has, and
        // what it had read but not yet written is not lost.
        let appending = BackgroundWriter { round in
            var w = HistoryWriter(seed: UInt64(round), tag: "restart")
            try? w.write(people: round..<(round + 1), weeks: 1, to: try Connection(path: socket))
            usleep(5_000)
        }
        usleep(300_000)
        try rig.restartDaemon()
        usleep(300_000)
        appending.stop()
        try writer.write(people: 0..<3, weeks: 1, to: try rig.connect(), firstWeek: 30)
        try rig.waitForCopy(upTo: try rig.head(), exporter: exporter, timeout: 120)
        try rig.expectCopyEqualsLog()
        try rig.expectProjectionsMatchQueries()

        // PostgreSQL loses its last transactions under the running exporter (as a failover to a
        // replica that lagged, or a restore, would): it exports them again from the older checkpoint.
        try rig.postgres.psql(
            """
            BEGIN;
            LOCK TABLE coachlog.sync_state, coachlog.events IN ACCESS EXCLUSIVE MODE;
            SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = 'coachlog' AND pid <> pg_backend_pid();
            DELETE FROM coachlog.events WHERE position > 100;
            UPDATE coachlog.sync_state SET position = 100, projected_position = 0,
                event_id = (SELECT event_id FROM coachlog.events WHERE position = 100);
            COMMIT;
            """)
        try writer.write(people: 3..<5, weeks: 1, to: try rig.connect(), firstWeek: 31)
        try rig.waitForCopy(upTo: try rig.head(), exporter: exporter, timeout: 120)
        #expect(exporter.stderr.contains("checkpoint went back"), "\(exporter.stderr)")
        try rig.expectCopyEqualsLog()
        try rig.expectProjectionsMatchQueries()
        #expect(exporter.isRunning)
    }

    @Test func aSchemaItDidNotCreateOrAnotherLogIsRefusedAndLeftAlone() throws {
        let rig = try SyncRig()
        var writer = HistoryWriter(seed: 3, tag: "r")
        try writer.write(people: 0..<4, weeks: 3, to: try rig.connect())

        try rig.postgres.psql("CREATE SCHEMA theirs; CREATE TABLE theirs.events (x int); INSERT INTO theirs.events VALUES (1)")
        let foreign = try rig.runExporterToEnd(["--schema", "theirs"])
        #expect(foreign.status == 1)
        #expect(foreign.stderr.contains("schema theirs") && foreign.stderr.contains("was not created by coachlog-pgsync"), "\(foreign.stderr)")
        #expect(try rig.postgres.psql("SELECT count(*) FROM theirs.events") == "1")

        let exporter = try rig.startExporter()
        try rig.waitForCopy(upTo: try rig.head(), exporter: exporter)
        #expect(exporter.stop() == 0)
        let copied = try rig.postgres.psql("SELECT count(*) FROM coachlog.events")

        // A daemon restored from an older backup: its log ends before the checkpoint.
        let older = TemporaryFolder(prefix: "coachlog-older")
        let olderDaemon = try DaemonProcess.start(
            data: older.path + "/data", socket: older.path + "/d.sock", stderrPath: older.path + "/daemon.log")
        defer { olderDaemon.kill() }
        var few = HistoryWriter(seed: 3, tag: "r")
        try few.write(people: 0..<1, weeks: 1, to: try Connection(path: older.path + "/d.sock"))
        let behind = try rig.runExporterToEnd([], socket: older.path + "/d.sock")
        #expect(behind.status == 1)
        #expect(behind.stderr.contains("ends at position") && behind.stderr.contains("older backup"), "\(behind.stderr)")

        // Another log as long as the copy: recognised by the eventId at the checkpoint.
        try few.write(people: 1..<8, weeks: 3, to: try Connection(path: older.path + "/d.sock"))
        let other = try rig.runExporterToEnd([], socket: older.path + "/d.sock")
        #expect(other.status == 1)
        #expect(other.stderr.contains("is not the one this schema copies"), "\(other.stderr)")
        #expect(try rig.postgres.psql("SELECT count(*) FROM coachlog.events") == copied, "nothing was written")

        // Switching free text on for a schema filled without it.
        let mixed = try rig.runExporterToEnd(["--include-text"])
        #expect(mixed.status == 1)
        #expect(mixed.stderr.contains("filled without free text"), "\(mixed.stderr)")
    }

    @Test func forgetErasesTheNameAndTextsFromTheCopy() throws {
        let rig = try SyncRig()
        let c = try rig.connect()
        var writer = HistoryWriter(seed: 5, tag: "f")
        try writer.write(people: 0..<5, weeks: 4, to: c)
        try writer.append(writer.merge(1, into: 2), to: c)
        let exporter = try rig.startExporter(["--include-text"])
        defer { exporter.kill() }
        try rig.waitForCopy(upTo: try rig.head(), exporter: exporter)
        try rig.expectCopyEqualsLog(withText: true)
        #expect(try rig.postgres.psql("SELECT count(*) FROM coachlog.events WHERE salesperson = 'sp-f2'") != "0")

        let reply = try c.request(.forget, ["salesperson": "sp-f2"])
        let pseudonym = try #require(reply["pseudonym"]?.stringValue)
        // A later event of someone else, so the copy moves on past the forget.
        try writer.write(people: 0..<1, weeks: 1, to: c, firstWeek: 9)
        try rig.waitForCopy(upTo: try rig.head(), exporter: exporter)
        try rig.expectCopyEqualsLog(withText: true)
        try rig.expectProjectionsMatchQueries()
        for table in ["events", "sessions", "reviews", "open_commitments", "cadence", "topic_coverage"] {
            let named = try rig.postgres.psql(
                "SELECT count(*) FROM coachlog.\(table) t WHERE t::text LIKE '%sp-f2%' OR t::text LIKE '%sp-f1%'")
            #expect(named == "0", "\(table) still names the forgotten person")
        }
        #expect(try rig.postgres.psql("SELECT count(*) FROM coachlog.cadence WHERE salesperson = '\(pseudonym)'") == "1")
        let texts = try rig.postgres.psql(
            "SELECT count(*) FROM coachlog.events WHERE erased AND (data->>'text' IS NOT NULL OR data->>'note' IS NOT NULL)")
        #expect(texts == "0")
        #expect(try rig.postgres.psql("SELECT count(*) FROM coachlog.events WHERE erased") != "0")
        // Others keep their texts.
        #expect(try rig.postgres.psql("SELECT count(*) FROM coachlog.events WHERE salesperson = 'sp-f0' AND data->>'text' IS NOT NULL") != "0")
    }

    @Test(
        "as the dashboard role it exports no text even with --include-text; a user without a role is refused",
        .enabled(if: getuid() == 0 || ProcessInfo.processInfo.environment["CI"] == "true", "needs root, to run it under other uids"))
    func followsTheDaemonsRoles() throws {
        #expect(getuid() == 0, "runs as root, to start the exporter under other uids")
        let dashboardUser: UInt32 = 20311
        let stranger: UInt32 = 20312
        let rig = try SyncRig { folder in
            chmod(folder, 0o755)  // other users reach the socket inside it
            let access = folder + "/access"
            try "user root operator\nuser \(dashboardUser) dashboard\n".write(toFile: access, atomically: true, encoding: .utf8)
            return ["--access-file", access, "--socket-mode", "0666"]
        }
        var writer = HistoryWriter(seed: 11, tag: "d")
        try writer.write(people: 0..<4, weeks: 3, to: try rig.connect())

        let refused = try rig.runExporterToEnd(uid: stranger)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("refused this exporter") && refused.stderr.contains("dashboard role"), "\(refused.stderr)")
        #expect(try rig.postgres.psql("SELECT count(*) FROM pg_namespace WHERE nspname = 'coachlog'") == "0", "nothing was created")

        let exporter = try rig.startExporter(["--include-text"], uid: dashboardUser)
        defer { exporter.kill() }
        try rig.waitForCopy(upTo: try rig.head(), exporter: exporter)
        // The daemon shows this user no text, so the copy holds none: as the log without text.
        try rig.expectCopyEqualsLog(withText: false)
        #expect(try rig.postgres.psql("SELECT count(*) FROM coachlog.events WHERE data->>'text' IS NOT NULL OR data->>'note' IS NOT NULL") == "0")
        try rig.expectProjectionsMatchQueries()
    }

    @Test func stopsPromptlyWhilePostgresIsDownAndRefusesAMissingDatabase() throws {
        let rig = try SyncRig()
        var writer = HistoryWriter(seed: 21, tag: "s")
        try writer.write(people: 0..<3, weeks: 2, to: try rig.connect())
        let missing = try rig.runExporterToEnd(["--postgres", rig.postgres.url.replacingOccurrences(of: "///coachlog", with: "///nowhere")])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("create the database first"), "\(missing.stderr)")

        let exporter = try rig.startExporter()
        try rig.waitForCopy(upTo: try rig.head(), exporter: exporter)
        rig.postgres.kill()
        try writer.write(people: 0..<1, weeks: 1, to: try rig.connect(), firstWeek: 5)
        usleep(1_500_000)
        let asked = Date()
        #expect(exporter.stop(timeout: 10) == 0, "\(exporter.stderr)")
        #expect(Date().timeIntervalSince(asked) < 5, "SIGTERM is not held up by the retries")
        #expect(exporter.stderr.contains("stopped"), "\(exporter.stderr)")
        try rig.postgres.start()
        // The event it could not write comes with the next start.
        let again = try rig.startExporter()
        defer { again.kill() }
        try rig.waitForCopy(upTo: try rig.head(), exporter: again)
        try rig.expectCopyEqualsLog()
    }
}

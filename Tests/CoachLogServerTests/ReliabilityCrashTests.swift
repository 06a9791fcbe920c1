import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import CoachLogTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Reliability: SIGKILL during concurrent appends", .serialized)
struct ReliabilityCrashTests {
    @Test("SIGKILLed at random moments, restarted on the same folder and socket: nothing acknowledged is lost")
    func killLoop() throws {
        let seed = Reliability.seed(20_260_301)
        // The long variant's time grows with the square of the kills (each check reads the whole log).
        let kills = Reliability.longRun ? 120 : 24
        let appenders = Reliability.longRun ? 6 : 4
        print("crash loop: seed \(seed) (replay with COACHLOG_TEST_SEED=\(seed)), \(kills) kills, \(appenders) appenders")
        try withSandbox { sandbox in
            var daemon = try sandbox.start(log: "crash")
            let gate = CrashGate()
            let ledger = CrashLedger(appenders: appenders)
            let socket = sandbox.socket
            let workers = (0..<appenders).map { appender in
                Worker { runCrashAppender(appender, seed: seed, socket: socket, gate: gate, ledger: ledger) }
            }
            var joined = false
            defer {
                // Only when the test ended early (a semaphore is signalled once; a second join would wait).
                gate.stop()
                if !joined { for worker in workers { worker.join(timeout: 30) } }
            }
            gate.open(1)
            var rng = SplitMix64(seed: seed)
            var survived = 0
            var staleSockets = 0
            var totals = CrashCheck(log: [], entries: [])
            var verified = 0
            // Kills that fell after a log commit and before the flush of the tables behind it.
            var unflushedAtKill = 0
            for cycle in 1...kills {
                // Mostly some tens of milliseconds of appends; every fourth kill comes almost at once.
                let delay = cycle % 4 == 0 ? Int.random(in: 0...5, using: &rng) : Int.random(in: 20...250, using: &rng)
                usleep(UInt32(delay * 1000))
                daemon.kill()
                let status = daemon.waitForExit(timeout: 10)
                try #require(status == 128 + SIGKILL, "cycle \(cycle): the daemon ended with \(status.map(String.init) ?? "nothing"), not SIGKILL")
                if Reliability.isSocketFile(socket) { staleSockets += 1 }

                // The stopped store must be consistent.
                let verification = Reliability.verify(data: sandbox.data)
                #expect(verification.status == 0, "cycle \(cycle): verify failed: \(verification.output)")
                if verification.status == 0 { verified += 1 }
                if verification.output.contains("not yet in the projection tables") { unflushedAtKill += 1 }

                // Same folder, same socket (the stale socket file is replaced by the daemon).
                daemon = try sandbox.start(log: "crash")
                survived += 1
                let reader = try Connection(path: socket)
                let log = try reader.readAll()
                let check = CrashCheck(log: log, entries: ledger.snapshot.entries)
                #expect(check.problems.isEmpty, "cycle \(cycle) (delay \(delay) ms): \(check.problems.prefix(10))")
                totals.inDoubtPresent += check.inDoubtPresent
                totals.inDoubtAbsent += check.inDoubtAbsent
                totals.inDoubtPartial += check.inDoubtPartial
                totals.inDoubtMultiEvent += check.inDoubtMultiEvent
                totals.lostEvents = max(totals.lostEvents, check.lostEvents)
                if !check.problems.isEmpty { break }
                gate.open(cycle + 1)
            }

            // Let the appenders run on the last daemon, then stop them: they finish their append.
            usleep(200_000)
            gate.stop()
            for worker in workers { #expect(worker.join(timeout: 60), "an appender did not finish") }
            joined = true
            let (entries, problems) = ledger.snapshot
            #expect(problems.isEmpty, "\(problems.prefix(5))")
            let log = try Connection(path: socket).readAll()
            let final = CrashCheck(log: log, entries: entries)
            #expect(final.problems.isEmpty, "final check: \(final.problems.prefix(10))")
            let appends = entries.reduce(0) { $0 + $1.count }
            let unacknowledged = entries.reduce(0) { $0 + $1.filter { !$0.acknowledged }.count }
            #expect(final.acknowledgedEvents > 100, "too few appends got through to mean anything")
            #expect(daemon.stop() == 0, "the last daemon did not stop cleanly: \(daemon.stderr)")
            let last = Reliability.verify(data: sandbox.data)
            #expect(last.status == 0, "final verify: \(last.output)")

            print("""
                crash loop (seed \(seed)): crashes survived \(survived)/\(kills); verify passed after \(verified) kills \
                (\(unflushedAtKill) of them between a log commit and the flush behind it); \
                stale sockets replaced \(staleSockets); appends \(appends), events in log \(log.count), \
                acknowledged events \(final.acknowledgedEvents), acknowledged events lost \(max(totals.lostEvents, final.lostEvents)); \
                unacknowledged appends seen after a kill: wholly stored \(totals.inDoubtPresent), wholly absent \
                \(totals.inDoubtAbsent), half stored \(totals.inDoubtPartial + final.inDoubtPartial) \
                (\(totals.inDoubtMultiEvent) of them multi-event); retries answered as replays \(final.replayedRetries); \
                left unacknowledged at the end \(unacknowledged)
                """)
            #expect(survived == kills)
            #expect(unflushedAtKill > 0, "no kill fell between a log commit and the flush of the tables behind it")
            #expect(staleSockets == kills, "SIGKILL leaves the socket file; each restart must replace it")
            #expect(max(totals.lostEvents, final.lostEvents) == 0)
        }
    }
}

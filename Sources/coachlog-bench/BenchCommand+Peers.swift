import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension BenchCommand {
    /// The event of the peer and the probe: salesperson 1's first CommitmentMade, as
    /// workload A sends it inside `events` (`{"type":…,"data":{…}}`, ~300 bytes).
    static func peerEvent(_ organisation: Organisation) -> String {
        let event = organisation.session(1, week: 0).first { $0.type == "CommitmentMade" }
        return JSONWriter.string(["type": .string(event?.type ?? "CommitmentMade"), "data": event?.data ?? .null])
    }

    /// Redis Streams with `requests` sized like A's run: a row "P" with its rate and A(64) ÷ Redis,
    /// or with `notRun` saying why. A missing Redis fails the run only when asked for with CI=true.
    static func runRedis(event: String, appends64: Double, seconds: Double, explicit: Bool, into report: inout Report) throws {
        let name = "Redis Streams XADD, 64 connections, appendfsync always"
        guard let peer = RedisPeer.find() else {
            if explicit, ProcessInfo.processInfo.environment["CI"] == "true" {
                throw BenchError("--peers was asked for with CI=true, but redis-server or redis-benchmark is not on PATH (apt packages redis-server, redis-tools)")
            }
            report.add("P", name, ["notRun": "redis-server or redis-benchmark is not on PATH (apt packages redis-server, redis-tools)"])
            return
        }
        let requests = max(20_000, Int(appends64 * seconds))
        let (rate, line) = try peer.xaddRate(event: event, clients: 64, requests: requests)
        report.add("P", name, [
            "perSecond": .double(rate), "requests": .integer(Int64(requests)), "eventBytes": .integer(Int64(event.utf8.count)),
            "appends64OverRedis": appends64 > 0 ? .double(appends64 / rate) : .null, "redisBenchmark": .string(line),
        ])
    }

    /// kill -9 of `daemon` while 64 connections append new salespeople's sessions
    /// (week 0 of people who have none: every append keeps the rules), then a
    /// fresh start on the same folder: seconds to the first `hello` and the first answered query.
    func crashAndRestart(
        daemon: DaemonProcess, large: Organisation, weeksLoaded: Int, weeks: Int, asOf: JSONValue, into report: inout Report
    ) throws {
        let newcomers = Organisation(
            salespeople: 2 * large.salespeople, coaches: large.coaches, firstMonday: large.firstMonday.adding(days: 7 * weeksLoaded))
        let streams = (0..<64).map { client in
            var s = Organisation.Stream(
                organisation: newcomers, people: Array(stride(from: large.salespeople + client, to: newcomers.salespeople, by: 64)))
            s.endWeek = max(1, weeks)
            return LockedStream(s)
        }
        let socket = daemon.socket
        let data = daemon.dataFolder
        let load = Thread {
            // The connections break at the kill: their error is the expected end of this load.
            _ = try? closedLoop(socket: socket, clients: 64, duration: .seconds(600)) { client in
                let stream = streams[client]
                return { stream.next().map { appendLine($0, id: client) } }
            }
        }
        load.start()
        usleep(UInt32(min(1.0, seconds / 4) * 1_000_000))
        let before = (try? Connection(path: socket).request(.stats))?["position"]?.integerValue ?? 0
        daemon.kill9()
        let again = try DaemonProcess(data: data, socket: socket)
        defer { again.stop() }
        let firstQuery = try again.secondsToFirstAnswer(query: [
            "projection": "followThrough", "salesperson": "sp0", "weeks": 4, "asOf": asOf,
        ])
        let after = try Connection(path: socket).request(.stats)["position"]?.integerValue ?? 0
        report.add("E", "cold start after kill -9 during appends", [
            "seconds": .double(again.startupSeconds), "firstQuerySeconds": .double(firstQuery),
            "positionBeforeKill": .integer(before), "positionAfterRestart": .integer(after),
        ])
    }
}

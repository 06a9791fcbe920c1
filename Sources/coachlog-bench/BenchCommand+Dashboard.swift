import CoachLogClient
import CoachLogDashboard
import CoachLogJSON
import CoachLogProtocol
import Foundation
import Histogram

extension BenchCommand {
    /// The dashboard's target: the overview for the whole organisation at p99, in milliseconds.
    static let overviewP99TargetMs = 100.0

    /// H: the dashboard's page latency. First the ceiling, coachlogd's own answer to the
    /// overview's queries for the whole organisation, sent pipelined on one connection as the
    /// dashboard sends them; then a coachlog-dashboard on the same daemon, its pages fetched one
    /// at a time on one keep-alive connection. Each item runs for `seconds` after a short
    /// warm-up. Every page is asked `asOf` the end of the loaded weeks, as the queries are.
    func dashboardLatency(daemon: DaemonProcess, large: Organisation, asOf: JSONValue, into report: inout Report) throws {
        let duration = Duration.milliseconds(Int64(seconds * 1000))
        let warmUp = Duration.milliseconds(Int64(min(1.0, seconds / 5) * 1000))
        let asOfText = asOf.stringValue ?? ""

        // The ceiling: exactly the dashboard's overview queries (PageLoader's own list), pipelined.
        let queries = PageLoader.overviewQueries(scope: .everyone, asOf: AsOf(parsing: asOfText))
        let request = queries.enumerated().flatMap { Request(id: .integer(Int64($0.offset + 1)), body: .query($0.element)).encoded() }
        let connection = try Connection(path: daemon.socket)
        let ceiling = try sequential(warmUp: warmUp, duration: duration) {
            try connection.sendRaw(request)
            var bytes = 0
            for _ in queries {
                guard let reply = try connection.readLine() else { throw BenchError("workload H: coachlogd closed the connection") }
                guard reply.firstRange(of: Array(#""ok":true"#.utf8)) != nil else {
                    throw BenchError("workload H: coachlogd refused one of the overview's queries: \(String(decoding: reply.prefix(300), as: UTF8.self))")
                }
                bytes += reply.count + 1
            }
            return bytes
        }
        var c = ceiling.json.objectValue ?? [:]
        c["queries"] = .array(queries.map { (try? JSONParser.parse(Request(id: 1, body: .query($0)).encoded().dropLast())) ?? .null })
        report.add("H", "overview's \(queries.count) queries straight to coachlogd, pipelined", .object(c))
        let ceilingP99 = ceiling.measurement.micros(99)

        let dashboard = try DashboardProcess(daemonSocket: daemon.socket)
        defer { dashboard.stop() }
        let http = try HTTPConnection(port: dashboard.port)
        let pages: [(name: String, path: String, ofCeiling: Bool)] = [
            ("GET / (overview, whole organisation, HTML)", "/?asOf=\(asOfText)", true),
            ("GET /api/overview (whole organisation, JSON)", "/api/overview?asOf=\(asOfText)", true),
            ("GET /?coach=\(large.coach(0)) (one coach's people, HTML)", "/?coach=\(large.coach(0))&asOf=\(asOfText)", false),
            ("GET /salespeople/\(large.name(0)) (HTML)", "/salespeople/\(large.name(0))?asOf=\(asOfText)", false),
            ("GET /overdue (whole organisation, HTML)", "/overdue?asOf=\(asOfText)", false),
        ]
        for page in pages {
            let m = try sequential(warmUp: warmUp, duration: duration) {
                let response = try http.get(page.path)
                guard response.status == 200 else {
                    throw BenchError(
                        "workload H: GET \(page.path) answered \(response.status) \(response.reason): \(String(decoding: response.body.prefix(300), as: UTF8.self))")
                }
                return response.body.count
            }
            var j = m.json.objectValue ?? [:]
            j["path"] = .string(page.path)
            if page.ofCeiling {
                j["daemonP99us"] = .double(ceilingP99)
                j["p99OverDaemonP99"] = .double(ceilingP99 > 0 ? m.measurement.micros(99) / ceilingP99 : 0)
            }
            report.add("H", page.name, .object(j))
        }
    }
}

/// One item of workload H: its latencies and the bytes of its last answer.
struct SequentialMeasurement {
    var measurement: Measurement
    var bytes: Int

    var json: JSONValue {
        var j = measurement.json.objectValue ?? [:]
        j["p90us"] = .double(measurement.micros(90))
        j["maxUs"] = .double(Double(measurement.latency.max) / 1000)
        j["bytes"] = .integer(Int64(bytes))
        return .object(j)
    }
}

/// Runs `exchange` one at a time on this thread, unmeasured for `warmUp`, then
/// measured for `duration`; `exchange` returns the bytes it received and throws to stop the run.
func sequential(warmUp: Duration, duration: Duration, _ exchange: () throws -> Int) throws -> SequentialMeasurement {
    let warmUpEnd = ContinuousClock.now + warmUp
    var bytes = 0
    repeat { bytes = try exchange() } while ContinuousClock.now < warmUpEnd
    var latency = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
    var count = 0
    let start = ContinuousClock.now
    let deadline = start + duration
    repeat {
        let sent = ContinuousClock.now
        bytes = try exchange()
        _ = latency.record(UInt64(max(0, (ContinuousClock.now - sent).inSeconds * 1e9)))
        count += 1
    } while ContinuousClock.now < deadline
    return SequentialMeasurement(
        measurement: Measurement(operations: count, seconds: BenchCommand.elapsed(since: start), latency: latency, errors: 0), bytes: bytes)
}

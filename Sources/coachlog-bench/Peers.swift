import Foundation
import Histogram
import LMDB

#if canImport(Glibc)
import Glibc
#endif

/// The bare-LMDB probe: the most a one-event durable append can cost on this
/// disk with LMDB's default (fully synced) commit. Each transaction puts one
/// event-sized value under the next sequential 8-byte big-endian key with
/// MDB_APPEND and commits, so every commit writes one leaf page (plus the
/// branch pages above it) and flushes twice, data then meta. CoachLog's
/// one-connection append rate divided by this is what issue 11 calls its overhead.
func bareLMDBProbe(folder: String, value: [UInt8], duration: Duration) throws -> Measurement {
    let path = folder + "/probe.mdb"
    defer {
        unlink(path)
        unlink(path + "-lock")
    }
    let environment = try Environment(path: path, options: .init(mapSize: 1 << 32))
    let log = try environment.openDatabase("log")
    var latency = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
    var position: UInt64 = 0
    let start = ContinuousClock.now
    let deadline = start + duration
    while ContinuousClock.now < deadline {
        position += 1
        let key = withUnsafeBytes(of: position.bigEndian) { Array($0) }
        let began = ContinuousClock.now
        try environment.write { txn in try txn.put(log, key: key, value: value, flags: .append) }
        _ = latency.record(UInt64(max(0, (ContinuousClock.now - began).inSeconds * 1e9)))
    }
    return Measurement(operations: Int(position), seconds: (ContinuousClock.now - start).inSeconds, latency: latency, errors: 0)
}

/// Redis Streams as the peer of workload A: a private `redis-server` (its own
/// temporary folder and Unix socket, `appendonly yes`, `appendfsync always`,
/// no snapshots) loaded by `redis-benchmark` sending `XADD` of the event JSON
/// CoachLog appends, over the same number of connections.
struct RedisPeer {
    let server: String
    let benchmark: String

    /// The peer if both programs are on PATH, else nil.
    static func find() -> RedisPeer? {
        guard let server = executableOnPath("redis-server"), let benchmark = executableOnPath("redis-benchmark") else { return nil }
        return RedisPeer(server: server, benchmark: benchmark)
    }

    /// `XADD`s per second with `clients` connections and `requests` requests in all,
    /// and the redis-benchmark line it was read from.
    func xaddRate(event: String, clients: Int, requests: Int) throws -> (perSecond: Double, line: String) {
        let folder = temporaryFolder("redis")
        defer { removeFolder(folder) }
        let socket = folder + "/redis.sock"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: server)
        process.arguments = [
            "--port", "0", "--unixsocket", socket, "--unixsocketperm", "700", "--dir", folder,
            "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--daemonize", "no",
            "--logfile", folder + "/redis.log",
        ]
        try process.run()
        defer {
            // SIGTERM: redis-server flushes its append-only file and exits.
            if process.isRunning { kill(process.processIdentifier, SIGTERM) }
            process.waitUntilExit()
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while !FileManager.default.fileExists(atPath: socket) {
            guard process.isRunning, ContinuousClock.now < deadline else {
                let log = (try? String(contentsOfFile: folder + "/redis.log", encoding: .utf8)) ?? ""
                throw BenchError("redis-server did not open \(socket): \(log.suffix(400))")
            }
            usleep(10_000)
        }
        let load = Process()
        load.executableURL = URL(fileURLWithPath: benchmark)
        load.arguments = ["-s", socket, "-c", "\(clients)", "-n", "\(requests)", "-q", "XADD", "coachlog", "*", "event", event]
        let pipe = Pipe()
        load.standardOutput = pipe
        load.standardError = FileHandle.nullDevice
        try load.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        load.waitUntilExit()
        // -q prints progress lines ending in \r, then "XADD ...: 95366.41 requests per second, p50=...".
        let lines = output.split(whereSeparator: { $0 == "\r" || $0 == "\n" }).map(String.init)
        guard let line = lines.last(where: { $0.contains("requests per second") }),
            let rate = Self.requestsPerSecond(in: line)
        else { throw BenchError("redis-benchmark printed no rate (status \(load.terminationStatus)): \(output.suffix(400))") }
        // The line repeats the whole command; keep what it measured.
        let measured = line.range(of: "}: ", options: .backwards).map { String(line[$0.upperBound...]) } ?? line
        return (rate, measured.trimmingCharacters(in: .whitespaces))
    }

    /// The number before "requests per second".
    static func requestsPerSecond(in line: String) -> Double? {
        guard let range = line.range(of: " requests per second") else { return nil }
        let before = line[..<range.lowerBound]
        let number = before.reversed().prefix { $0.isNumber || $0 == "." }
        return Double(String(number.reversed()))
    }
}

func executableOnPath(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    for folder in path.split(separator: ":") {
        let candidate = "\(folder)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}

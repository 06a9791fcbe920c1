import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import EventStore
import Foundation
import Histogram

#if canImport(Glibc)
import Glibc
#endif

/// Throughput and latency of one measured run.
struct Measurement {
    var operations: Int
    var seconds: Double
    var latency: Histogram<UInt64>
    var errors: Int

    var perSecond: Double { seconds > 0 ? Double(operations) / seconds : 0 }
    func micros(_ percentile: Double) -> Double { Double(latency.valueAtPercentile(percentile)) / 1000 }

    var json: JSONValue {
        [
            "operations": .integer(Int64(operations)), "seconds": .double(seconds), "perSecond": .double(perSecond),
            "p50us": .double(micros(50)), "p99us": .double(micros(99)), "p999us": .double(micros(99.9)),
            "errors": .integer(Int64(errors)),
        ]
    }
}

/// Runs `clients` threads; each sends requests built by `next(client)` one at
/// a time (send, wait for the reply) until `duration` is over or it runs dry.
func closedLoop(
    socket: String, clients: Int, duration: Duration, next: @escaping @Sendable (_ client: Int) -> (@Sendable () -> [UInt8]?)
) throws -> Measurement {
    let results = Collector()
    let group = DispatchGroup()
    let start = ContinuousClock.now
    let deadline = start + duration
    for client in 0..<clients {
        group.enter()
        let producer = next(client)
        let thread = Thread {
            defer { group.leave() }
            var local = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
            var count = 0
            var failed = 0
            var failure: (any Error)?
            do {
                let connection = try Connection(path: socket)
                while ContinuousClock.now < deadline, let line = producer() {
                    let sent = ContinuousClock.now
                    try connection.sendRaw(line)
                    guard let reply = try connection.readLine() else { throw BenchError("the daemon closed the connection") }
                    _ = local.record(UInt64(max(0, (ContinuousClock.now - sent).inSeconds * 1e9)))
                    if reply.firstRange(of: Array(#""ok":true"#.utf8)) == nil { failed += 1 }
                    count += 1
                }
            } catch {
                failure = error
            }
            results.add(local, operations: count, errors: failed, failure: failure)
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
    group.wait()
    return try results.measurement(seconds: (ContinuousClock.now - start).inSeconds)
}

/// Gathers the client threads' figures. @unchecked Sendable: every access holds `lock`.
final class Collector: @unchecked Sendable {
    private let lock = NSLock()
    private var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
    private var operations = 0
    private var errors = 0
    private var failure: (any Error)?

    func add(_ h: Histogram<UInt64>, operations: Int, errors: Int, failure: (any Error)?) {
        lock.lock()
        defer { lock.unlock() }
        histogram.add(h)
        self.operations += operations
        self.errors += errors
        if let failure { self.failure = failure }
    }

    func measurement(seconds: Double) throws -> Measurement {
        lock.lock()
        defer { lock.unlock() }
        if let failure { throw failure }
        return Measurement(operations: operations, seconds: seconds, latency: histogram, errors: errors)
    }
}

/// A one-event append request line.
func appendLine(_ event: ProposedEvent, id: Int) -> [UInt8] {
    Request(id: .integer(Int64(id)), op: .append, fields: ["events": [["type": .string(event.type), "data": event.data]]]).encoded()
}

/// Writes whole sessions straight into a store, in big group commits, to
/// prepare a large store quickly.
func load(_ sessions: [[ProposedEvent]], into store: EventStore) throws {
    let now = BenchCommand.now
    var index = 0
    while index < sessions.count {
        let batch = try sessions[index..<min(index + 500, sessions.count)].map { try AppendRequest(events: $0).prepare() }
        for result in try store.commit(batch, now: now) { _ = try result.get() }
        index += 500
    }
}

/// fdatasync()s per second on the disk holding `folder`.
func fsyncRate(folder: String, duration: Duration) -> Double {
    let path = folder + "/fsync-probe"
    let fd = open(path, O_RDWR | O_CREAT, 0o600)
    defer {
        close(fd)
        unlink(path)
    }
    let page = [UInt8](repeating: 7, count: 4096)
    let start = ContinuousClock.now
    var count = 0
    while ContinuousClock.now - start < duration {
        _ = page.withUnsafeBytes { pwrite(fd, $0.baseAddress, 4096, off_t((count % 16) * 4096)) }
        fdatasync(fd)
        count += 1
    }
    return Double(count) / (ContinuousClock.now - start).inSeconds
}

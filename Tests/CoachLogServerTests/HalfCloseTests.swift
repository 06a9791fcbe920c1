import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import CoachLogTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Protocol.md: the daemon answers every complete request line it received,
/// then closes. What `printf … | socat - UNIX-CONNECT:…` and batch scripts do:
/// send everything, `shutdown(SHUT_WR)`, then read.
///
/// The replies of one trial add up to more than a socket's send buffer (about
/// 200 KiB), and the client starts reading only after the half-close, and then
/// slowly: so the daemon sees the end of the input while it still holds
/// replies the socket could not take yet.
@Suite("coachlogd answers every line before a half-close")
struct HalfCloseTests {
    static let requests = 1_000
    static let trials = 20

    @Test(
        "1,000 pipelined requests in one write, then shutdown(SHUT_WR): every reply arrives, in order, in each of 20 trials",
        arguments: ["hello", "append", "query"])
    func everyLineIsAnswered(op: String) throws {
        try withSandbox { sandbox in
            try sandbox.start(watchdogSeconds: 300)
            let setup = try Connection(path: sandbox.socket)
            try History.load(into: setup)
            var counts: [Int] = []
            for trial in 0..<Self.trials {
                let requests = Self.batch(op, trial: trial)
                let raw = try RawClient(path: sandbox.socket)
                raw.setSendTimeout(seconds: 30)  // a stuck daemon fails the test instead of hanging it
                try raw.send(requests.flatMap(\.line))
                #expect(shutdown(raw.fd, Int32(SHUT_WR)) == 0)
                let bytes = try #require(raw.readSlowlyToEnd(timeout: 60), "\(op) trial \(trial): the daemon did not close")
                let replies = framedLines(bytes).map { WireReply.parse(Array($0)).0 }
                counts.append(replies.count)
                #expect(replies.count == requests.count, "\(op) trial \(trial): \(replies.count) of \(requests.count) replies")
                var lastPosition: Int64 = 0
                for (index, (request, reply)) in zip(requests, replies).enumerated() {
                    guard let reply, reply.id == request.id, let result = reply.result else {
                        Issue.record("\(op) trial \(trial): reply \(index) is \(String(describing: reply)), for id \(request.id)")
                        break
                    }
                    if op == "append" {
                        // Committed in request order: positions only grow.
                        let position = result["positions"]?[0]?.int ?? 0
                        #expect(position > lastPosition, "\(op) trial \(trial): reply \(index)")
                        lastPosition = position
                    }
                }
            }
            print("half-close \(op): \(Self.trials) trials of \(Self.requests) requests; replies per trial \(counts)")
        }
    }

    struct Sent {
        var id: JSONValue
        var line: [UInt8]
    }

    /// One trial's lines. Ids are long enough that the replies overflow the
    /// socket's send buffer while the requests still fit in one write.
    static func batch(_ op: String, trial: Int) -> [Sent] {
        (0..<requests).map { i in
            let id = JSONValue.string("\(op)-\(trial)-\(i)-" + String(repeating: "x", count: op == "append" ? 160 : 40))
            switch op {
            case "append":
                // A whole session (opened and closed) in each append, for one of 20 salespeople of the
                // trial, hourly: every append is valid on its own, whatever was committed before it.
                let session = "hc-s-\(trial)-\(i)"
                let person = "hc\(trial)p\(i % 20)"
                let opened = Ev.time("2026-03-10T09:00:00Z", plusMinutes: 60 * i)
                let events = [
                    Ev.open(session, person, coach: "kim", at: opened),
                    Ev.close(session, person, at: Ev.time(opened, plusMinutes: 30)),
                ]
                return Sent(id: id, line: line(id, "append", ["events": .array(events)]))
            case "query":
                // Mostly answered on the event loop, one in ten on the thread pool (coach-wide).
                let fields: [String: JSONValue] =
                    switch i % 10 {
                    case 0: ["projection": "cadence", "coach": "kim", "asOf": "2026-03-31"]
                    case 1, 4, 7: ["projection": "openCommitments", "salesperson": "ana", "asOf": "2026-03-31"]
                    case 2, 5, 8: ["projection": "followThrough", "salesperson": "ana", "asOf": "2026-03-31"]
                    default: ["projection": "sessions", "salesperson": "ana"]
                    }
                return Sent(id: id, line: line(id, "query", fields))
            default:
                return Sent(id: id, line: line(id, op))
            }
        }
    }
}

extension RawClient {
    /// Reads until the daemon closes, 4 KiB a millisecond at most, so that the
    /// daemon's side of the socket stays full; nil on timeout.
    func readSlowlyToEnd(timeout: Double) -> [UInt8]? {
        let deadline = Date().addingTimeInterval(timeout)
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1024)
        usleep(50_000)
        while Date() < deadline {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, 1000)
            if ready < 0 && errno != EINTR { return received }
            if ready <= 0 { continue }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return received  // ECONNRESET: the daemon is gone, which counts as closed
            }
            if n == 0 { return received }
            received.append(contentsOf: chunk[0..<n])
            usleep(1000)
        }
        return nil
    }

    /// Makes a blocked `send` fail after `seconds` instead of waiting forever.
    func setSendTimeout(seconds: Int) {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }
}

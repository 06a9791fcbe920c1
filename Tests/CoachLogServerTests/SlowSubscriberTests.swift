import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import CoachLogTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("coachlogd slow subscribers")
struct SlowSubscriberTests {
    @Test("unavailable: a subscriber that never reads is cut off; writers are not held up")
    func subscriberThatNeverReadsIsCutOff() throws {
        try withSandbox { sandbox in
            let daemon = try sandbox.start()
            let writer = try Connection(path: sandbox.socket)
            try writer.append([Ev.open("flood-s", "flood", coach: "kim")])

            // Subscribe on a raw socket whose reads are bounded in time, then never read.
            let slow = try RawClient(path: sandbox.socket)
            var small: Int32 = 4096
            _ = setsockopt(slow.fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
            try slow.send(line("slow", "subscribe", ["after": 1]))
            try DaemonProcessWait.until { (try? writer.request(.stats)["subscribers"]) == 1 }

            // About 30 MB of events: far beyond the daemon's 16 MiB bound on unsent output.
            let text = String(repeating: "All work and no play. ", count: 180)  // 3,960 characters
            let perAppend = 200
            let appends = 36
            let started = Date()
            for a in 0..<appends {
                let events = (0..<perAppend).map { i in
                    Ev.insight("flood-s", "flood", topic: "selfConcept", text: "\(a)-\(i) " + text)
                }
                try writer.append(events)
                if (try writer.request(.stats)["subscribers"]?.int) == 0 { break }
            }
            let total = try writer.head()
            try DaemonProcessWait.until(timeout: 20) { (try? writer.request(.stats)["subscribers"]) == 0 }
            #expect(Date().timeIntervalSince(started) < 40)

            // The daemon closed the connection: read what is there, bounded in time.
            let bytes = try #require(slow.readToEnd(timeout: 15), "the daemon did not close the slow subscriber")
            let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: true)
            var events = 0
            var errors: [ProtocolError] = []
            for l in lines {
                switch try? Reply.Decoded(line: l) {
                case .event?: events += 1
                case .error(_, let e)?: errors.append(e)
                default: break  // the ok reply, or a line cut short by the close
                }
            }
            #expect(Int64(events) < total - 1, "the slow subscriber was sent everything, so it was not cut off")
            #expect(errors.allSatisfy { $0.code == .unavailable })
            #expect(daemon.stderr.contains("subscription cut off"))
            if errors.isEmpty {
                // The error line was queued behind the unsent events, which the close discarded.
                print("slow subscriber: connection closed after \(events) events, without the error line")
            }

            // A subscriber that reads is served, and the writer still works.
            let reader = try Connection(path: sandbox.socket)
            let stream = try reader.subscribe(after: UInt64(total - 3))
            #expect(try stream.nextEvent()?["position"]?.int == total - 2)
            #expect(try writer.append([Ev.close("flood-s", "flood")])["positions"]?[0]?.int == total + 1)
        }
    }
}

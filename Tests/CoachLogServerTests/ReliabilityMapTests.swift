import CoachLogClient
import CoachLogJSON
import Foundation
import Testing

@Suite("Reliability: a full memory map", .serialized)
struct ReliabilityMapTests {
    @Test("a daemon started with a tiny map grows it and acknowledges every append")
    func mapGrows() throws {
        try withSandbox { sandbox in
            try sandbox.start(extra: ["--initial-map-bytes", "65536"])
            let c = try Connection(path: sandbox.socket)
            var acknowledged = 0
            let note = String(repeating: "Prospecting mornings are protected. ", count: 20)
            // Forty weekly sessions, each opened, noted and closed in one append of 11 events.
            for week in 0..<40 {
                let opened = Ev.time("2026-01-05T09:00:00Z", plusMinutes: week * 7 * 24 * 60)
                var events = [Ev.open("m-\(week)", "maya", coach: "lee", at: opened)]
                for k in 0..<9 {
                    events.append(Ev.insight("m-\(week)", "maya", topic: "selfConcept", text: "\(week)-\(k) \(note)"))
                }
                events.append(Ev.close("m-\(week)", "maya", at: Ev.time(opened, plusMinutes: 60)))
                let reply = try c.append(events)
                acknowledged += reply["positions"]?.arrayValue?.count ?? 0
            }
            let stats = try c.request(.stats)
            #expect(acknowledged == 440)
            #expect(stats["position"]?.integerValue == 440)
            #expect((stats["mapBytes"]?.integerValue ?? 0) > 65536, "the map never grew: \(stats)")
            let all = try c.request(.read, ["after": 0, "limit": 1000])
            #expect(all["events"]?.arrayValue?.count == 440)
        }
    }
}

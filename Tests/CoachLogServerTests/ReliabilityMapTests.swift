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
            for week in 0..<40 {
                var events = [Ev.open("m-\(week)", "maya", coach: "lee")]
                for k in 0..<10 {
                    events.append(Ev.insight("m-\(week)", "maya", topic: "selfConcept", text: "\(week)-\(k) \(note)"))
                }
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

import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import Foundation
import Testing

@Suite("coachlogd subscriptions whose client hangs up")
struct SubscriptionHangUpTests {
    @Test("a client that subscribes and hangs up at once leaves no subscription behind")
    func hangUpRightAfterSubscribing() throws {
        try withSandbox { sandbox in
            try sandbox.start()
            let writer = try Connection(path: sandbox.socket)
            try writer.append([Ev.open("h-1", "hana", coach: "lee")])
            for round in 0..<40 {
                let c = try Connection(path: sandbox.socket)
                // Half the time behind an append, so the subscription is made after the append commits.
                var bytes: [UInt8] = []
                if round % 2 == 0 {
                    bytes += Request(id: 1, op: .append, fields: ["events": [Ev.insight("h-1", "hana", topic: "selfConcept", text: "round \(round)")]]).encoded()
                }
                bytes += Request(id: 2, op: .subscribe, fields: ["after": 0]).encoded()
                try c.sendRaw(bytes)
            }  // each connection closes here, before reading anything
            // Live events keep flowing; nobody may be left registered to buffer them.
            for k in 0..<20 { try writer.append([Ev.insight("h-1", "hana", topic: "identityRole", text: "after \(k)")]) }
            try DaemonProcessWait.until(timeout: 10) { (try? writer.request(.stats)["subscribers"]) == 0 }
            #expect(try writer.request(.stats)["subscribers"]?.integerValue == 0)
        }
    }
}

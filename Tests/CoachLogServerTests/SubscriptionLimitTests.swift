import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import Testing

@Suite("coachlogd subscription limit")
struct SubscriptionLimitTests {
    @Test("a connection holds at most 16 subscriptions; the 17th gets unavailable and the connection stays usable")
    func seventeenthSubscriptionIsRefused() throws {
        try withSandbox { sandbox in
            try sandbox.start()
            let c = try Connection(path: sandbox.socket)
            for k in 1...17 { try c.send(Request(id: .integer(Int64(k)), op: .subscribe, fields: ["after": 0])) }
            var oks = 0
            var refused: ProtocolError?
            for _ in 1...17 {
                switch try c.receive() {
                case .ok: oks += 1
                case .error(let id, let error):
                    #expect(id == .integer(17))
                    refused = error
                case .event: break
                }
            }
            #expect(oks == 16)
            #expect(refused?.code == .unavailable)
            #expect(refused?.message.contains("16 subscriptions") == true)
            #expect(try c.request(.hello)["server"]?.stringValue == "coachlogd")
        }
    }
}

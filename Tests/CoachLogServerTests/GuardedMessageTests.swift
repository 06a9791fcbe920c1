import CoachLogProtocol
import Testing

@testable import CoachLogServer

@Suite("error messages for roles that may not read everyone")
struct GuardedMessageTests {
    @Test("the look-alike guardrail names no one; other refusals are left as they are")
    func lookalikeNamesNoOne() {
        let similar = ProtocolError(
            .validation, "no salesperson is named \"kim ode\"; did you mean \"Kim Ode\"? If this is a new person, confirm it",
            rule: "salesperson.similar")
        let guarded = RequestRouter.withoutOthersNames(similar)
        #expect(!guarded.message.contains("Kim Ode") && guarded.message.contains("newSalesperson"))
        #expect(guarded.code == .validation && guarded.rule == "salesperson.similar")
        let closed = ProtocolError(.validation, "session \"s1\" is closed", rule: "session.closed")
        #expect(RequestRouter.withoutOthersNames(closed).message == closed.message)
    }
}

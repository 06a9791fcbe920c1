import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import CoachLogTestSupport
import Testing

/// Issue 9's contract bugs, through the real daemon.
@Suite("coachlogd: names byte-exact everywhere, dates inside the format")
struct ContractEdgeTests {
    static let composed = "Ren\u{E9}e"  // é as one scalar (NFC)
    static let decomposed = "Rene\u{301}e"  // e + combining acute (NFD): canonically equal, other bytes

    @Test("canonically equivalent names: history, live events and projections agree, byte for byte")
    func namesAreByteExact() throws {
        try withSandbox { sandbox in
            try sandbox.start()
            let c = try Connection(path: sandbox.socket)
            _ = try c.append([
                Ev.open("nfc-1", Self.composed, coach: "lee", at: "2026-03-02T09:00:00Z"),
                Ev.close("nfc-1", Self.composed, at: "2026-03-02T10:00:00Z"),
            ])
            let live = try Connection(path: sandbox.socket)
            let stream = try live.subscribe(after: 0, salesperson: Self.composed)
            // The other spelling looks like the same person: the daemon asks (salesperson.similar)
            // until the request confirms a new one.
            let unconfirmed = Ev.open("nfd-1", Self.decomposed, coach: "kim", at: "2026-03-03T09:00:00Z")
            #expect(c.refusal(.append, ["events": [unconfirmed]])?.rule == "salesperson.similar")
            _ = try c.append([Ev.open("nfd-1", Self.decomposed, coach: "kim", at: "2026-03-03T09:00:00Z", newSalesperson: true)])
            _ = try c.append([Ev.open("nfc-2", Self.composed, coach: "lee", at: "2026-03-04T09:00:00Z")])
            // Live: only the composed spelling's events (two sessions), never the other one's.
            let expected = ["SessionOpened nfc-1", "SessionClosed nfc-1", "SessionOpened nfc-2"]
            var seen: [String] = []
            while seen.count < expected.count, let e = try stream.nextEvent() {
                seen.append("\(e["type"]?.stringValue ?? "?") \(e["data"]?["sessionId"]?.stringValue ?? "?")")
            }
            #expect(seen == expected)
            // History agrees.
            let history = try c.read(salesperson: Self.composed)
            #expect(history.events.map { "\($0.type.rawValue) \($0.data["sessionId"]?.stringValue ?? "?")" } == expected)
            // Projections: two people, each with their own coach.
            let cadence = try c.cadence(asOf: AsOf(parsing: "2026-03-10"))
            #expect(cadence.salespeople.count == 2)
            #expect(try c.sessions(salesperson: Self.decomposed).sessions.map(\.sessionId) == ["nfd-1"])
            #expect(try c.sessions(salesperson: Self.composed).coach == "lee")
        }
    }

    @Test("an idempotent retry must repeat the stored bytes: canonically equal text is other content")
    func retryComparesBytes() throws {
        try withSandbox { sandbox in
            try sandbox.start()
            let c = try Connection(path: sandbox.socket)
            let open = ProposedEvent(
                type: "SessionOpened", data: ["sessionId": "s1", "salesperson": "dana", "coach": "lee", "at": "2026-03-02T09:00:00Z"],
                eventId: "e-open")
            _ = try c.append([open])
            let goal = { (text: String) in
                ProposedEvent(
                    type: "GoalStated", data: ["goalId": "g1", "sessionId": "s1", "salesperson": "dana", "text": .string(text)],
                    eventId: "e-goal")
            }
            let first = try c.append([goal("Become caf\u{E9} owner")])
            #expect(try c.append([goal("Become caf\u{E9} owner")]).positions == first.positions)
            let error = #expect(throws: ClientError.self) { try c.append([goal("Become cafe\u{301} owner")]) }
            guard case .refused(let refusal)? = error else { return }
            #expect(refusal.code == .conflict)
        }
    }

    @Test(
        "dates outside 1970-01-01…9999-12-01 are refused, so every date written has a four-digit year",
        arguments: [
            (["asOf": "9999-12-31"] as [String: JSONValue]), ["asOf": "0001-01-01", "weeks": 520], ["asOf": "1969-12-31T23:00:00Z"],
        ])
    func datesOutOfRange(_ fields: [String: JSONValue]) throws {
        try withSandbox { sandbox in
            try sandbox.start()
            let c = try Connection(path: sandbox.socket)
            var query = fields
            query["projection"] = "followThrough"
            let error = #expect(throws: ClientError.self) { try c.request(.query, query) }
            guard case .refused(let refusal)? = error else { return }
            #expect(refusal.code == .badRequest)
            #expect(refusal.message.contains("1970-01-01") && refusal.message.contains("9999-12-01"))
            // The edges themselves are fine and their windows stay in the format.
            for asOf in ["9999-12-01", "1970-01-01"] {
                let r = try c.followThrough(weeks: 520, asOf: AsOf(parsing: asOf))
                for t in [r.window.from, r.window.to, r.previous?.window.from] {
                    let text = t?.iso8601 ?? "0000-00-00T00:00:00Z"
                    #expect(text.count >= 20 && text.first != "-" && text.prefix(4).allSatisfy(\.isNumber), "\(text)")
                }
            }
        }
    }

    @Test("data that is missing, null or not an object is bad_request; a field inside it is validation")
    func dataShape() throws {
        try withSandbox { sandbox in
            try sandbox.start()
            let c = try Connection(path: sandbox.socket)
            for data in [nil, JSONValue.null, "x", [1]] as [JSONValue?] {
                var event: [String: JSONValue] = ["type": "SessionClosed"]
                event["data"] = data
                let error = #expect(throws: ClientError.self) { try c.request(.append, ["events": [.object(event)]]) }
                guard case .refused(let refusal)? = error else { continue }
                #expect(refusal.code == .badRequest, "\(String(describing: data))")
            }
            let error = #expect(throws: ClientError.self) {
                try c.request(.append, ["events": [["type": "SessionClosed", "data": ["sessionId": "s1"]]]])
            }
            guard case .refused(let refusal)? = error else { return }
            #expect(refusal.code == .validation && refusal.rule == "field.required")
        }
    }
}

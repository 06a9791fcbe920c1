import CoachLogJSON
import CoachLogProtocol
import Testing

/// `query`'s `minPosition`: a position every projection takes, typed, and refused with a clear
/// `bad_request` when it is not one.
@Suite struct MinPositionTests {
    func body(_ fields: [String: JSONValue]) throws(ProtocolError) -> RequestBody {
        try Request(id: 1, op: .query, fields: fields).body()
    }

    @Test func everyProjectionTakesAPosition() throws {
        for name in ["followThrough", "openCommitments", "cadence", "team"] {
            let q = try body(["projection": .string(name), "minPosition": 42])
            guard case .query(let query) = q else { Issue.record("\(name): not a query"); continue }
            #expect(query.minPosition == 42)
        }
        for name in ["goals", "topics", "sessions", "prep"] {
            let q = try body(["projection": .string(name), "salesperson": "dana", "minPosition": 0])
            guard case .query(let query) = q else { Issue.record("\(name): not a query"); continue }
            #expect(query.minPosition == 0)
        }
        #expect(try body(["projection": "cadence", "minPosition": .null]) == .query(ProjectionQuery(.cadence)))
        #expect(try body(["projection": "cadence"]) == .query(ProjectionQuery(.cadence, minPosition: nil)))
    }

    @Test func anythingButAPositionIsABadRequest() {
        for bad: JSONValue in [-1, 1.5, "7", true, [1], ["at": 1]] {
            #expect {
                try body(["projection": "cadence", "minPosition": bad])
            } throws: { error in
                let e = error as? ProtocolError
                return e?.code == .badRequest && e?.message.contains("\"minPosition\" must be a position") == true
            }
        }
    }

    @Test func aQueryWritesItsMinPositionBackOnTheWire() throws {
        let q = ProjectionQuery(.followThrough, scope: .coach("lee"), weeks: 4, minPosition: 9)
        let line = Request(id: 1, body: .query(q))
        #expect(line.fields["minPosition"] == 9)
        #expect(try line.body() == .query(q))
    }
}

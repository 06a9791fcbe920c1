import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import CoachLogTestSupport
import Foundation
import Testing

@Suite("coachlogd subscriptions under concurrent appends")
struct SubscribeConcurrencyTests {
    @Test("history then live: no gap, no duplicate; a filtered subscription sees exactly its salesperson")
    func historyThenLive() throws {
        try withSandbox { sandbox in
            try sandbox.start()
            let people = ["sub-a", "sub-b", "sub-c"]
            let setup = try Connection(path: sandbox.socket)
            // History: 300 events (each append a whole session, opened and closed).
            for round in 0..<50 {
                for p in people {
                    try setup.append([Ev.open("\(p)-h\(round)", p, coach: "kim"), Ev.close("\(p)-h\(round)", p)])
                }
            }
            let initial = try setup.head()
            #expect(initial == 300)

            // Writers keep appending (1 to 3 events per append) until told to stop.
            let stop = Locked(false)
            let failures = Locked<[String]>([])
            let socket = sandbox.socket
            let writers = people.map { p in
                Worker {
                    do {
                        let c = try Connection(path: socket)
                        var session = LiveSessions(salesperson: p)
                        var n = 0
                        while !stop.value {
                            _ = try c.append((0..<(n % 3 + 1)).map { _ in session.next() })
                            n += 1
                        }
                    } catch {
                        failures.mutate { $0.append("\(p): \(error)") }
                    }
                }
            }
            try DaemonProcessWait.until { ((try? setup.head()) ?? 0) > initial + 30 }

            let allConnection = try Connection(path: sandbox.socket)
            let all = try allConnection.subscribe(after: 0)
            let onlyB = try Connection(path: sandbox.socket)
            let bStream = try onlyB.subscribe(after: 0, salesperson: "sub-b")
            let atSubscribe = try setup.head()

            // Read while the writers go on, well past the head at subscribe time.
            var positions: [Int64] = []
            while positions.last ?? 0 < atSubscribe + 150 {
                guard let e = try all.nextEvent(), let p = e["position"]?.int else { break }
                positions.append(p)
            }
            stop.value = true
            for w in writers { #expect(w.join()) }
            #expect(failures.value.isEmpty, "\(failures.value)")
            let head = try setup.head()
            #expect(head > atSubscribe + 150, "appends went on after the subscription started")
            while positions.last ?? 0 < head {
                guard let e = try all.nextEvent(), let p = e["position"]?.int else { break }
                positions.append(p)
            }
            #expect(positions.count == Int(head), "every event exactly once")
            #expect(positions == Array(1...head), "positions strictly increasing by 1")

            let expectedB = try setup.readAll(salesperson: "sub-b").compactMap { $0["position"]?.int }
            var seenB: [JSONValue] = []
            while (seenB.last?["position"]?.int ?? 0) < (expectedB.last ?? 0) {
                guard let e = try bStream.nextEvent() else { break }
                seenB.append(e)
            }
            #expect(seenB.allSatisfy { $0["salesperson"] == "sub-b" })
            #expect(seenB.compactMap { $0["position"]?.int } == expectedB)
            #expect(seenB.compactMap { $0["streamVersion"]?.int } == (1...Int64(expectedB.count)).map { $0 })
        }
    }
}

/// One salesperson's live events, valid one after another whatever the appends' sizes:
/// open a session, note an insight, close it, open the next.
struct LiveSessions {
    let salesperson: String
    private var sessions = 0
    private var step = 0

    init(salesperson: String) { self.salesperson = salesperson }

    mutating func next() -> JSONValue {
        defer { step = (step + 1) % 3 }
        switch step {
        case 0:
            sessions += 1
            return Ev.open(sessionId, salesperson, coach: "kim")
        case 1: return Ev.insight(sessionId, salesperson, topic: "selfConcept", text: "live \(sessions)")
        default: return Ev.close(sessionId, salesperson)
        }
    }

    private var sessionId: String { "\(salesperson)-l\(sessions)" }
}

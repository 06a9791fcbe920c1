import CoachLogTestSupport
import Testing

@testable import CoachLogServer

/// The connection's rules as plain values: events in, actions out, no socket.
@Suite("ConnectionStateMachine")
struct ConnectionStateMachineTests {
    typealias Machine = ConnectionStateMachine<String, String>
    typealias Action = Machine.Action

    static func machine(inFlight: Int = 8, subscriptions: Int = 16) -> Machine {
        Machine(limits: .init(maximumInFlight: inFlight, maximumSubscriptions: subscriptions))
    }

    @Test("replies are handed out in request order whatever order requests complete in")
    func repliesInRequestOrder() {
        var m = Self.machine()
        for name in ["a0", "a1", "a2"] { m.lineReceived(.request(name, .append)) }
        #expect(m.actions() == [.start(sequence: 0, "a0"), .start(sequence: 1, "a1"), .start(sequence: 2, "a2")])
        m.complete(2, "r2")
        #expect(m.actions() == [])
        m.complete(0, "r0")
        #expect(m.actions() == [.write(["r0"], startSubscriptions: true)])
        m.complete(1, "r1")
        #expect(m.actions() == [.write(["r1", "r2"], startSubscriptions: true)])
    }

    @Test("a reply known at once keeps its place between requests")
    func immediateRepliesKeepTheirPlace() {
        var m = Self.machine()
        m.lineReceived(.request("h0", .inline))
        m.lineReceived(.reply("bad line"))
        m.lineReceived(.request("h2", .inline))
        // The bad line is answered at once but waits behind request 0; request 2 starts meanwhile.
        #expect(m.actions() == [.start(sequence: 0, "h0"), .start(sequence: 2, "h2")])
        m.complete(2, "r2")
        m.complete(0, "r0")
        #expect(m.actions() == [.write(["r0", "bad line", "r2"], startSubscriptions: true)])
    }

    @Test("at most maximumInFlight lines unanswered: nothing more starts and the socket is not read")
    func inFlightBound() {
        var m = Self.machine(inFlight: 2)
        for name in ["a0", "a1", "a2"] { m.lineReceived(.request(name, .append)) }
        m.readRequested()
        #expect(m.actions() == [.start(sequence: 0, "a0"), .start(sequence: 1, "a1")])
        m.complete(0, "r0")
        // One slot is free, but a line still waits: it starts, and reading waits for it.
        #expect(m.actions() == [.write(["r0"], startSubscriptions: true), .start(sequence: 2, "a2")])
        m.complete(1, "r1")
        #expect(m.actions() == [.write(["r1"], startSubscriptions: true), .read])
        #expect(m.actions() == [], "one read per request")
    }

    @Test("nothing starts and nothing is read while the socket is not writable")
    func writability() {
        var m = Self.machine()
        m.writabilityChanged(isWritable: false)
        m.lineReceived(.request("h0", .inline))
        m.readRequested()
        #expect(m.actions() == [])
        m.writabilityChanged(isWritable: true)
        #expect(m.actions() == [.start(sequence: 0, "h0"), .read])
        m.readRequested()
        m.writabilityChanged(isWritable: false)
        m.complete(0, "r0")
        #expect(m.actions() == [.write(["r0"], startSubscriptions: true)], "replies go out; reading waits")
        m.writabilityChanged(isWritable: true)
        #expect(m.actions() == [.read])
    }

    @Test("one pool request at a time; lines behind it wait in order")
    func onePoolRequestAtATime() {
        var m = Self.machine()
        m.lineReceived(.request("q0", .pooled))
        m.lineReceived(.request("q1", .pooled))
        m.lineReceived(.request("h2", .inline))
        #expect(m.actions() == [.start(sequence: 0, "q0")])
        m.complete(0, "r0")
        #expect(m.actions() == [.write(["r0"], startSubscriptions: true), .start(sequence: 1, "q1"), .start(sequence: 2, "h2")])
    }

    @Test("a request runs after every earlier append of the connection; later appends are not held back")
    func ownWritesBarrier() {
        var m = Self.machine()
        m.lineReceived(.request("a0", .append))
        m.lineReceived(.request("q1", .pooled))
        m.lineReceived(.request("h2", .inline))
        m.lineReceived(.request("a3", .append))
        m.lineReceived(.request("h4", .inline))
        #expect(m.actions() == [.start(sequence: 0, "a0"), .start(sequence: 3, "a3")])
        m.complete(0, "r0")
        #expect(m.actions() == [.write(["r0"], startSubscriptions: true), .start(sequence: 1, "q1"), .start(sequence: 2, "h2")])
        // h4 came after a3: it waits for a3 only.
        m.complete(3, "r3")
        #expect(m.actions() == [.start(sequence: 4, "h4")])
        // A failed append releases its followers too (the reply is an error, still a completion).
        var n = Self.machine()
        n.lineReceived(.request("a0", .append))
        n.lineReceived(.request("h1", .inline))
        #expect(n.actions() == [.start(sequence: 0, "a0")])
        n.complete(0, "conflict")
        #expect(n.actions() == [.write(["conflict"], startSubscriptions: true), .start(sequence: 1, "h1")])
    }

    @Test("subscriptions over the limit are refused; one that failed frees its place")
    func subscriptionLimit() {
        var m = Self.machine(subscriptions: 2)
        for name in ["s0", "s1", "s2"] { m.lineReceived(.request(name, .subscribe)) }
        #expect(
            m.actions() == [
                .start(sequence: 0, "s0"), .start(sequence: 1, "s1"), .refuseSubscription(sequence: 2, "s2"),
            ])
        m.complete(2, "refused")
        m.complete(1, "bad filter")
        m.complete(0, "ok0", subscribes: true)
        #expect(m.actions() == [.write(["ok0", "bad filter", "refused"], startSubscriptions: true)])
        // One live subscription, one place left.
        m.lineReceived(.request("s3", .subscribe))
        m.lineReceived(.request("s4", .subscribe))
        #expect(m.actions() == [.start(sequence: 3, "s3"), .refuseSubscription(sequence: 4, "s4")])
    }

    @Test("after the client finishes sending: every line answered, then one close")
    func halfClose() {
        var m = Self.machine()
        m.lineReceived(.request("a0", .append))
        m.lineReceived(.request("h1", .inline))
        #expect(m.actions() == [.start(sequence: 0, "a0")])
        m.inputClosed()
        #expect(m.actions() == [], "a0 and h1 are not answered yet")
        m.complete(0, "r0")
        #expect(m.actions() == [.write(["r0"], startSubscriptions: true), .start(sequence: 1, "h1")])
        m.complete(1, "r1")
        #expect(m.actions() == [.write(["r1"], startSubscriptions: true), .close])
        m.readRequested()
        m.lineReceived(.request("late", .inline))
        #expect(m.actions() == [], "closing: nothing more")
    }

    @Test("a live subscription keeps a half-closed connection open")
    func subscriptionOutlivesHalfClose() {
        var m = Self.machine()
        m.lineReceived(.request("s0", .subscribe))
        #expect(m.actions() == [.start(sequence: 0, "s0")])
        m.complete(0, "ok", subscribes: true)
        m.inputClosed()
        #expect(m.actions() == [.write(["ok"], startSubscriptions: true)])
        #expect(m.channelInactive() == [])
        #expect(m.actions() == [])
    }

    @Test("draining: live subscriptions end, nothing more is read, what was read is answered, then close")
    func draining() {
        var m = Self.machine()
        m.lineReceived(.request("s0", .subscribe))
        #expect(m.actions() == [.start(sequence: 0, "s0")])
        m.complete(0, "ok0", subscribes: true)
        #expect(m.actions() == [.write(["ok0"], startSubscriptions: true)])
        m.lineReceived(.request("s1", .subscribe))
        m.lineReceived(.request("q2", .pooled))
        #expect(m.actions() == [.start(sequence: 1, "s1"), .start(sequence: 2, "q2")])
        m.drainRequested()
        m.readRequested()
        #expect(m.actions() == [.cancelSubscriptions])
        // A subscription answered while draining is cancelled, not started.
        m.complete(1, "ok1", subscribes: true)
        #expect(m.actions() == [.write(["ok1"], startSubscriptions: false)])
        m.complete(2, "r2")
        #expect(m.actions() == [.write(["r2"], startSubscriptions: false), .close])
    }

    @Test("when the channel goes away: unwritten replies are handed back, later completions are unwanted")
    func channelInactive() {
        var m = Self.machine()
        m.lineReceived(.request("q0", .pooled))
        m.lineReceived(.request("s1", .subscribe))
        m.lineReceived(.request("q2", .pooled))
        #expect(m.actions() == [.start(sequence: 0, "q0"), .start(sequence: 1, "s1")])
        m.complete(1, "ok1", subscribes: true)
        #expect(m.channelInactive() == ["ok1"])
        let late = m.requestCompleted(sequence: 0, reply: "r0", subscribes: false)
        #expect(!late, "nobody is left to read it")
        #expect(m.actions() == [])
    }

    /// Random lines, completions in random order, writability flapping, reads
    /// asked for at random: the invariants hold at every step, and in the end
    /// every line is answered once, in order, followed by one close.
    @Test("random schedules keep every rule", arguments: 0..<40)
    func randomSchedules(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let limit = 1 + Int(random.next() % 6)
        var m = Self.machine(inFlight: limit, subscriptions: 3)
        let kinds: [Machine.Kind] = [.inline, .append, .pooled, .subscribe]
        let count = 40 + Int(random.next() % 60)
        var lines: [(name: String, kind: Machine.Kind?)] = []
        for i in 0..<count {
            if random.next() % 8 == 0 {
                lines.append(("bad\(i)", nil))
            } else {
                lines.append(("l\(i)", kinds[Int(random.next() % 4)]))
            }
        }
        var fed = 0
        var running: [Int: (name: String, kind: Machine.Kind)] = [:]
        var written: [String] = []
        var appendsStartedUnanswered: [Int] = []
        var subscriptions = 0  // asked for and not refused or failed
        var closed = false
        var steps = 0
        while !closed && steps < 100_000 {
            steps += 1
            switch random.next() % 6 {
            case 0 where fed < lines.count:
                let (name, kind) = lines[fed]
                m.lineReceived(kind.map { .request(name, $0) } ?? .reply("reply-\(name)"))
                fed += 1
                if fed == lines.count { m.inputClosed() }
            case 1 where !running.isEmpty:
                let sequence = Array(running.keys)[Int(random.next() % UInt64(running.count))]
                let (name, kind) = running.removeValue(forKey: sequence)!
                appendsStartedUnanswered.removeAll { $0 == sequence }
                // Subscriptions succeed two times in three; the live ones end when the client hangs up.
                let subscribes = kind == .subscribe && random.next() % 3 != 0
                if kind == .subscribe && !subscribes { subscriptions -= 1 }
                m.complete(sequence, "reply-\(name)", subscribes: subscribes)
            case 2: m.writabilityChanged(isWritable: random.next() % 3 != 0)
            case 3: m.readRequested()
            case 4 where fed == lines.count && running.isEmpty: m.writabilityChanged(isWritable: true)
            default: break
            }
            while let action = m.nextAction() {
                switch action {
                case .start(let sequence, let name), .refuseSubscription(let sequence, let name):
                    guard let kind = lines.first(where: { $0.name == name })?.kind else {
                        Issue.record("seed \(seed): started \(name), which is no request")
                        return
                    }
                    if case .start = action, kind != .append {
                        #expect(
                            appendsStartedUnanswered.allSatisfy { $0 > sequence },
                            "seed \(seed): \(name) ran before an earlier append completed")
                    }
                    if case .refuseSubscription = action {
                        running[sequence] = (name, .inline)  // answered with a refusal
                    } else {
                        if kind == .append { appendsStartedUnanswered.append(sequence) }
                        if kind == .subscribe { subscriptions += 1 }
                        running[sequence] = (name, kind)
                    }
                    #expect(subscriptions <= 3, "seed \(seed): \(subscriptions) subscriptions")
                    if case .start = action, kind == .pooled {
                        let pooled = running.values.filter { $0.kind == .pooled }.count
                        #expect(pooled <= 1, "seed \(seed): \(pooled) pool requests at once")
                    }
                    #expect(running.count <= limit, "seed \(seed): \(running.count) running, limit \(limit)")
                case .write(let replies, _): written += replies
                case .read: break
                case .cancelSubscriptions: Issue.record("seed \(seed): no drain was asked for")
                case .close: closed = true
                }
            }
            // A live subscription keeps the connection: the client hangs up once all is answered.
            if fed == lines.count && running.isEmpty && written.count == lines.count && !closed {
                _ = m.channelInactive()
                closed = true
            }
        }
        #expect(closed, "seed \(seed): stuck after \(steps) steps")
        #expect(written == lines.map { "reply-\($0.name)" }, "seed \(seed): replies out of order or missing")
    }
}

extension ConnectionStateMachine {
    /// Reports a completion that someone is still waiting for.
    mutating func complete(
        _ sequence: Int, _ reply: Reply, subscribes: Bool = false, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let wanted = requestCompleted(sequence: sequence, reply: reply, subscribes: subscribes)
        #expect(wanted, "the reply to \(sequence) was unwanted", sourceLocation: sourceLocation)
    }

    /// Every action available now, in order.
    mutating func actions() -> [Action] {
        var all: [Action] = []
        while let next = nextAction() { all.append(next) }
        return all
    }
}

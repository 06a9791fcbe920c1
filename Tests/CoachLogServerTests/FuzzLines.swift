import CoachLogJSON
import CoachLogTestSupport

/// Seeded request lines for the daemon: garbage, pathological JSON, valid reads and queries,
/// valid appends (which the daemon acknowledges), appends with broken data, and byte-level
/// mutations of all of these. Never `subscribe` or `backup` (a stray backup would write files).
struct DaemonFuzzer {
    var rng: SplitMix64
    /// Salespeople whose session `<name>-s` is open (set up by the test, opened at `sessionOpened`).
    let people: [String]
    /// When the test opened the sessions of `people`.
    static let sessionOpened = "2026-03-02T09:00:00Z"
    /// Makes ids unique across connections.
    let tag: String
    private var counter = 0
    private var usedEvents: [JSONValue] = []

    init(seed: UInt64, tag: String, people: [String]) {
        rng = SplitMix64(seed: seed)
        self.tag = tag
        self.people = people
    }

    static let hugeNumbers = [
        "1e999", "-1e999", "99999999999999999999999", "9223372036854775808", "-9223372036854775809", "1e-999",
        String(repeating: "9", count: 70), "1.7976931348623159e308", "-0",
    ]
    static let poison: [[UInt8]] = [
        [0x00], [0x01], [0x1B], [0x7F], [0x0D], [0x80], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF5], [0xFF],
        [0xEF, 0xBB, 0xBF], Array(#"\uD800"#.utf8), Array(#"\q"#.utf8), Array("\"".utf8), Array("}".utf8),
    ]
    static let odd: [JSONValue] = [
        .null, true, 0, -1, .integer(Int64.max), .double(1e300), .double(-0.5), "", "  ", "\u{0}", .array([]), [1, "a"],
        .object([:]), ["sessionId": "x"], .string(String(repeating: "é", count: 300)),
    ]
    static let dates = ["2026-03-01", "2026-02-30", "2026-13-01", "26-01-01", "", "0000-01-01", "9999-12-31", "2026-3-1"]
    static let instants = [
        "2026-03-02T09:00:00Z", "2026-03-02T25:00:00Z", "yesterday", "2026-03-02T09:00:00.123456789+23:59",
        "9999-12-31T23:59:59.999-23:59", "0001-01-01T00:00:00+23:59", "2026-03-02T09:00", "2026-03-02 09:00:00Z",
    ]

    mutating func fresh(_ kind: String) -> String {
        counter += 1
        return "\(tag)-\(kind)\(counter)"
    }

    mutating func text() -> String {
        rng.pick(["Call ten prospects", "Ask for referrals 😀", "Préparer la démo", "Line\nbreak", "tab\there", "x"])
            + " \(rng.below(1000))"
    }

    /// A valid event for an open session, as the daemon accepts it.
    mutating func validEvent(_ person: String) -> JSONValue {
        let session = "\(person)-s"
        var data: [String: JSONValue] = ["sessionId": .string(session), "salesperson": .string(person)]
        let type: String
        switch rng.below(3) {
        case 0:
            type = "InsightNoted"
            data["topic"] = .string(rng.pick(["selfConcept", "identityRole", "personalGoals", "behavioralReflection"]))
            data["text"] = .string(text())
        case 1:
            type = "GoalStated"
            data["goalId"] = .string(fresh("g"))
            data["text"] = .string(text())
            if rng.percent(50) { data["area"] = .string(rng.pick(["income", "leadership", "balance"])) }
        default:
            type = "CommitmentMade"
            data["commitmentId"] = .string(fresh("c"))
            data["kind"] = .string(rng.pick(["more", "better", "different"]))
            data["text"] = .string(text())
            data["due"] = "2026-04-01"
        }
        if rng.percent(30) { data["at"] = "2026-03-02T09:30:00Z" }
        var event: [String: JSONValue] = ["type": .string(type), "data": .object(data)]
        if rng.percent(20) { event["eventId"] = .string(fresh("e")) }
        return .object(event)
    }

    /// One valid append (one salesperson), sometimes a replay of an earlier eventId.
    mutating func validAppend() -> [String: JSONValue] {
        if rng.percent(10), !usedEvents.isEmpty {
            // A retry: same eventId and content, so the daemon answers with the original positions.
            return ["id": .string(fresh("a")), "op": "append", "events": [rng.pick(usedEvents)]]
        }
        let person = rng.pick(people)
        let events = (0..<rng.below(3) + 1).map { _ in validEvent(person) }
        usedEvents += events.filter { $0["eventId"] != nil }
        return ["id": .string(fresh("a")), "op": "append", "events": .array(events)]
    }

    /// A valid-looking append with one or more things wrong in its data or shape.
    mutating func brokenAppend() -> [String: JSONValue] {
        var request = validAppend()
        var events = request["events"]?.arrayValue ?? []
        for _ in 0..<rng.below(2) + 1 {
            let n = rng.below(events.count)
            guard case .object(var event) = events[n], case .object(var data)? = event["data"] else { continue }
            let key = rng.pick(Array(data.keys))
            switch rng.below(17) {
            case 0: data.removeValue(forKey: key)
            case 1: data[rng.pick(["zzz", "Text", "notes", ""])] = rng.pick(Self.odd)
            case 2: data[key] = rng.pick(Self.odd)
            case 3: data["text"] = .string(rng.pick(["", "   ", " padded ", String(repeating: "a", count: 4001)]))
            case 4: data["due"] = rng.percent(80) ? .string(rng.pick(Self.dates)) : 20_260_101
            case 5: data["at"] = rng.percent(80) ? .string(rng.pick(Self.instants)) : .double(1e300)
            case 6: data[rng.pick(["kind", "topic", "outcome"])] = .string(rng.pick(["louder", "SelfConcept", "done", "kept"]))
            case 7: event["type"] = rng.pick(["SessionOpen", "sessionopened", "", 5, .null, "SessionClosed", "CommitmentReviewed"] as [JSONValue])
            case 8: event["data"] = rng.pick([.array([]), "data", .null, 1] as [JSONValue])
            case 9: data["sessionId"] = .string(rng.pick(["nope", "\(rng.pick(people))-s", "", "s\u{0}"]))
            case 10: data["salesperson"] = .string(rng.pick(["other", String(repeating: "n", count: 201), "a\u{0}b", " ana"]))
            case 11: event["eventId"] = rng.pick([7, "", .string(String(repeating: "e", count: 129)), .array([])] as [JSONValue])
            case 12: event[rng.pick(["meta", "Type", "position"])] = 1
            case 13: data["extra"] = .array([.array([.array([.array([.array([.object(["deep": 1e300]) ])])])])])
            case 14: request["expectedVersion"] = rng.pick([-1, "1", 1.5, .double(1e30), 0, 100_000, .null] as [JSONValue])
            case 15:
                event["type"] = "SessionOpened"
                data = sessionOpening()
            default: request[rng.pick(["force", "Events", "events2"])] = true
            }
            if case .object = event["data"] ?? .null { event["data"] = .object(data) }
            events[n] = .object(event)
        }
        switch rng.below(12) {
        case 0: request["events"] = rng.pick([.array([]), "many", .null, .object([:]), .array([1])] as [JSONValue])
        case 1: request["events"] = .array(events + [validEvent(rng.pick(people))])  // maybe two salespeople
        case 2: request["events"] = .array(Array(repeating: validEvent(rng.pick(people)), count: 1001))
        case 3 where !events.isEmpty: request["events"] = .array(events + [events[0]])  // duplicate eventId, maybe
        default: request["events"] = .array(events)
        }
        return request
    }

    /// The data of a SessionOpened the guardrails mostly refuse: a second session for a salesperson whose
    /// session is open (session.alreadyOpen), a name that differs from one of them only by case,
    /// spacing or accents (salesperson.similar, unless confirmed), a close before the open.
    mutating func sessionOpening() -> [String: JSONValue] {
        let person = rng.pick(people)
        let name: String =
            switch rng.below(4) {
            case 0: person
            case 1: person.uppercased()
            case 2: String(person.map { $0 == "-" ? " " : $0 })
            default: String(person.map { $0 == "e" ? "\u{E9}" : $0 })
            }
        var data: [String: JSONValue] = ["sessionId": .string(fresh("s")), "salesperson": .string(name), "coach": "kim"]
        if rng.percent(50) { data["at"] = .string(rng.pick(Self.instants)) }
        if rng.percent(10) { data["newSalesperson"] = rng.pick([true, false, "yes", 1] as [JSONValue]) }
        return data
    }

    /// hello, stats, read and query, with valid and invalid parameters.
    mutating func otherRequest() -> [String: JSONValue] {
        var r: [String: JSONValue] = ["id": rng.percent(50) ? .integer(Int64(rng.below(1 << 20))) : .string(fresh("q"))]
        switch rng.below(4) {
        case 0:
            r["op"] = "hello"
            if rng.percent(30) { r[rng.pick(["client", "verbose"])] = .string(text()) }
        case 1:
            r["op"] = "stats"
            if rng.percent(20) { r["verbose"] = true }
        case 2:
            r["op"] = "read"
            r["limit"] = rng.pick([1, 5, 20, 0, 10_001, -3, "5", 2.5] as [JSONValue])
            r["after"] = rng.pick([0, 10, .integer(Int64(rng.below(5000))), -1, .double(1e30), "0", .null] as [JSONValue])
            if rng.percent(30) { r["salesperson"] = .string(rng.pick(people + ["nobody"])) }
        default:
            r["op"] = "query"
            r["projection"] = .string(rng.pick(["followThrough", "openCommitments", "cadence", "goals", "topics",
                                                "sessions", "nope", ""]))
            if rng.percent(70) { r["salesperson"] = .string(rng.pick(people + ["nobody"])) }
            if rng.percent(20) { r["coach"] = rng.pick(["kim", "nobody", 3] as [JSONValue]) }
            if rng.percent(30) { r["weeks"] = rng.pick([1, 4, 520, 521, 0, -2, 2.5, .double(1e30)] as [JSONValue]) }
            if rng.percent(30) { r["asOf"] = .string(rng.pick(Self.dates + Self.instants)) }
            if rng.percent(10) { r["overdue"] = rng.pick([true, "yes"] as [JSONValue]) }
        }
        return r
    }
}

extension DaemonFuzzer {
    static let jsonish = Array(#"{}[]":,0123456789-+.eEtruefalsnl\ u"#.utf8) + [0x20, 0x09, 0x0D]

    /// One input line, `\n` included (random bytes may hold more newlines: the daemon sees several lines).
    mutating func nextLine() -> [UInt8] {
        var bytes: [UInt8]
        switch rng.below(100) {
        case 0..<8: bytes = (0..<rng.below(200)).map { _ in rng.byte() }
        case 8..<13: bytes = (0..<rng.below(200)).map { _ in rng.pick(Self.jsonish) }
        case 13..<14: bytes = deeplyNested()
        case 14..<18:
            let template = rng.pick([
                #"{"id":N,"op":"hello"}"#, #"{"id":1,"op":"read","after":N}"#, #"{"id":1,"op":"read","limit":N}"#,
                #"{"id":"n","op":"append","events":[{"type":"InsightNoted","data":{"at":N}}]}"#, "[N]",
                #"{"id":1,"op":"query","projection":"followThrough","weeks":N}"#, #"{"id":2,"op":"append","expectedVersion":N}"#,
            ])
            bytes = Array(template.split(separator: "N", omittingEmptySubsequences: false)
                .joined(separator: rng.pick(Self.hugeNumbers)).utf8)
        case 18..<35: bytes = JSONWriter.bytes(.object(otherRequest()))
        case 35..<62: bytes = JSONWriter.bytes(.object(validAppend()))
        case 62..<85: bytes = JSONWriter.bytes(.object(brokenAppend()))
        default:
            bytes = JSONWriter.bytes(.object(rng.percent(50) ? validAppend() : otherRequest()))
            for _ in 0..<rng.below(3) + 1 { mutate(&bytes) }
        }
        return bytes + [0x0A]
    }

    mutating func mutate(_ bytes: inout [UInt8]) {
        let at = rng.below(bytes.count + 1)
        switch rng.below(7) {
        case 0 where !bytes.isEmpty: bytes[min(at, bytes.count - 1)] ^= 1 << UInt8(rng.below(8))
        case 1 where !bytes.isEmpty: bytes[min(at, bytes.count - 1)] = rng.byte()
        case 2: bytes.insert(contentsOf: rng.pick(Self.poison), at: at)
        case 3: bytes.removeSubrange(at..<min(bytes.count, at + rng.below(8) + 1))
        case 4: bytes.removeSubrange(at...)
        case 5: bytes.insert(contentsOf: Array(rng.pick(Self.hugeNumbers).utf8), at: at)
        default: bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + rng.below(16) + 1)], at: at)
        }
    }

    /// 10,000 levels of arrays or objects, alone or as a field, closed or not.
    mutating func deeplyNested(levels: Int = 10_000) -> [UInt8] {
        let objects = rng.percent(50)
        let open = objects ? Array(String(repeating: #"{"a":"#, count: levels).utf8) : Array(repeating: 0x5B, count: levels)
        let close: [UInt8] = rng.percent(80) ? Array(repeating: objects ? 0x7D : 0x5D, count: levels) : []
        let inner = open + [0x31] + close
        switch rng.below(3) {
        case 0: return inner
        case 1: return Array(#"{"id":"deep","op":"read","after":"#.utf8) + inner + [0x7D]
        default: return Array(#"{"id":"deep","op":"append","events":[{"type":"InsightNoted","data":"#.utf8) + inner + Array("}]}".utf8)
        }
    }
}

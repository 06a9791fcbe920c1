import CoachLogJSON
import CoachLogTestSupport
import CoachLogProtocol
import CoachingDomain
import EventStore
import LMDB
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Bytes written as hex, spaces ignored: `hex("02 01 0a")`.
func hex(_ text: String) -> [UInt8] {
    let digits = Array(text.utf8.filter { $0 != UInt8(ascii: " ") })
    func nibble(_ c: UInt8) -> UInt8 { c <= UInt8(ascii: "9") ? c - UInt8(ascii: "0") : c - UInt8(ascii: "a") + 10 }
    return stride(from: 0, to: digits.count - 1, by: 2).map { nibble(digits[$0]) << 4 | nibble(digits[$0 + 1]) }
}

func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
}

/// What is stored is fixed by explicit codes, never by the order of Swift `case`s:
/// these literal bytes change only if a stored code or layout changes, which
/// needs a new store format and an upgrade of older stores.
@Suite struct StorageCodeTests {
    /// One event of each type, each commitment kind, outcome and topic, with fixed ids and times.
    static func history() -> [[ProposedEvent]] {
        func event(_ id: String, _ type: String, _ data: JSONValue) -> ProposedEvent {
            ProposedEvent(type: type, data: data, eventId: id)
        }
        let s1: JSONValue = "s1"
        let s2: JSONValue = "s2"
        return [
            [
                event(
                    "e1", "SessionOpened",
                    [
                        "sessionId": s1, "salesperson": "ana", "coach": "lee",
                        "topics": ["behavioralReflection", "selfConcept"], "at": "2026-09-07T09:00:00Z",
                    ]),
                event(
                    "e2", "GoalStated",
                    [
                        "goalId": "g1", "sessionId": s1, "salesperson": "ana", "text": "Lead", "area": "career",
                        "at": "2026-09-07T09:01:00Z",
                    ]),
                event(
                    "e3", "CommitmentMade",
                    [
                        "commitmentId": "c1", "sessionId": s1, "salesperson": "ana", "kind": "more", "text": "T",
                        "due": "2026-09-14", "goalId": "g1", "at": "2026-09-07T09:02:00Z",
                    ]),
                event(
                    "e4", "CommitmentMade",
                    [
                        "commitmentId": "c2", "sessionId": s1, "salesperson": "ana", "kind": "better", "text": "T",
                        "due": "2026-09-14", "at": "2026-09-07T09:03:00Z",
                    ]),
                event(
                    "e5", "CommitmentMade",
                    [
                        "commitmentId": "c3", "sessionId": s1, "salesperson": "ana", "kind": "different", "text": "T",
                        "due": "2026-09-14", "at": "2026-09-07T09:04:00Z",
                    ]),
                event(
                    "e6", "InsightNoted",
                    [
                        "sessionId": s1, "salesperson": "ana", "topic": "selfConcept", "text": "T",
                        "at": "2026-09-07T09:05:00Z",
                    ]),
                event(
                    "e7", "InsightNoted",
                    [
                        "sessionId": s1, "salesperson": "ana", "topic": "identityRole", "text": "T",
                        "at": "2026-09-07T09:06:00Z",
                    ]),
                event(
                    "e8", "InsightNoted",
                    [
                        "sessionId": s1, "salesperson": "ana", "topic": "personalGoals", "text": "T",
                        "at": "2026-09-07T09:07:00Z",
                    ]),
                event(
                    "e9", "InsightNoted",
                    [
                        "sessionId": s1, "salesperson": "ana", "topic": "behavioralReflection", "text": "T",
                        "at": "2026-09-07T09:08:00Z",
                    ]),
                event("e10", "SessionClosed", ["sessionId": s1, "salesperson": "ana", "at": "2026-09-07T10:00:00Z"]),
            ],
            [
                event(
                    "e11", "SessionOpened",
                    [
                        "sessionId": s2, "salesperson": "ana", "coach": "lee",
                        "topics": ["identityRole", "personalGoals"], "at": "2026-09-14T09:00:00Z",
                    ]),
                event(
                    "e12", "CommitmentReviewed",
                    [
                        "commitmentId": "c1", "sessionId": s2, "salesperson": "ana", "outcome": "kept",
                        "at": "2026-09-14T09:01:00Z",
                    ]),
                event(
                    "e13", "CommitmentReviewed",
                    [
                        "commitmentId": "c2", "sessionId": s2, "salesperson": "ana", "outcome": "partial",
                        "at": "2026-09-14T09:02:00Z",
                    ]),
                event(
                    "e14", "CommitmentReviewed",
                    [
                        "commitmentId": "c3", "sessionId": s2, "salesperson": "ana", "outcome": "missed",
                        "at": "2026-09-14T09:03:00Z",
                    ]),
            ],
        ]
    }

    /// Each envelope: version 2, the event type's code, eventId, salesperson, stream version, recordedAt
    /// (t0 = 2026-09-07T09:00:00Z = 0x0000_01a0_7b18_8680 ms), then the canonical data as JSON.
    static let envelopeHeaders: [[UInt8]] = [
        hex("02 01 02 6531 03 616e61 01 000001a07b188680"),  // SessionOpened = 1
        hex("02 02 02 6532 03 616e61 02 000001a07b188680"),  // GoalStated = 2
        hex("02 03 02 6533 03 616e61 03 000001a07b188680"),  // CommitmentMade = 3
        hex("02 03 02 6534 03 616e61 04 000001a07b188680"),
        hex("02 03 02 6535 03 616e61 05 000001a07b188680"),
        hex("02 05 02 6536 03 616e61 06 000001a07b188680"),  // InsightNoted = 5
        hex("02 05 02 6537 03 616e61 07 000001a07b188680"),
        hex("02 05 02 6538 03 616e61 08 000001a07b188680"),
        hex("02 05 02 6539 03 616e61 09 000001a07b188680"),
        hex("02 06 03 653130 03 616e61 0a 000001a07b188680"),  // SessionClosed = 6
        hex("02 01 03 653131 03 616e61 0b 000001a09f250a80"),  // recorded at t0 + 7 days
        hex("02 04 03 653132 03 616e61 0c 000001a09f250a80"),  // CommitmentReviewed = 4
        hex("02 04 03 653133 03 616e61 0d 000001a09f250a80"),
        hex("02 04 03 653134 03 616e61 0e 000001a09f250a80"),
    ]

    /// `byPerson` and `insights` entries (key → value), in key order.
    static let records: [(table: String, key: [UInt8], value: [UInt8])] = [
        // Commitments (tag C): id, salesperson, session, KIND, due day, goalId?, made at, position, voided,
        // withdrawn at?, text position, review? (session, OUTCOME, at, position, note position).
        // more = 1 / kept = 1, better = 2 / partial = 2, different = 3 / missed = 3.
        (
            "byPerson", hex("616e61 00 43 0000000000000003"),
            hex(
                "02 6331 03 616e61 02 7331 01 00000000000050e6 01 02 6731 000001a07b1a5b40 03 00 00 03"
                    + " 01 02 7332 01 000001a09f25f4e0 0c 0c")
        ),
        (
            "byPerson", hex("616e61 00 43 0000000000000004"),
            hex(
                "02 6332 03 616e61 02 7331 02 00000000000050e6 00 000001a07b1b45a0 04 00 00 04"
                    + " 01 02 7332 02 000001a09f26df40 0d 0d")
        ),
        (
            "byPerson", hex("616e61 00 43 0000000000000005"),
            hex(
                "02 6333 03 616e61 02 7331 03 00000000000050e6 00 000001a07b1c3000 05 00 00 05"
                    + " 01 02 7332 03 000001a09f27c9a0 0e 0e")
        ),
        // Goal (tag G): id, salesperson, session, area?, at, position, text position, STATUS (active = 1,
        // achieved = 2, dropped = 3), status at?, voided.
        (
            "byPerson", hex("616e61 00 47 0000000000000002"),
            hex("02 6731 03 616e61 02 7331 01 06 636172656572 000001a07b1970e0 02 02 01 00 00")
        ),
        // Sessions (tag S): id, salesperson, coach, opened at, closed?, TOPIC MASK (bit = code - 1), position, voided.
        // s1: selfConcept (1) + behavioralReflection (4) = 0x09; s2: identityRole (2) + personalGoals (3) = 0x06.
        (
            "byPerson", hex("616e61 00 53 0000000000000001"),
            hex("02 7331 03 616e61 03 6c6565 000001a07b188680 01 000001a07b4f7500 09 01 00")
        ),
        (
            "byPerson", hex("616e61 00 53 000000000000000b"),
            hex("02 7332 03 616e61 03 6c6565 000001a09f250a80 00 06 0b 00")
        ),
        // Insights: salesperson, session, TOPIC, at, position, voided. selfConcept 1, identityRole 2, personalGoals 3,
        // behavioralReflection 4.
        ("insights", hex("616e61 00 0000000000000006"), hex("03 616e61 02 7331 01 000001a07b1d1a60 06 00")),
        ("insights", hex("616e61 00 0000000000000007"), hex("03 616e61 02 7331 02 000001a07b1e04c0 07 00")),
        ("insights", hex("616e61 00 0000000000000008"), hex("03 616e61 02 7331 03 000001a07b1eef20 08 00")),
        ("insights", hex("616e61 00 0000000000000009"), hex("03 616e61 02 7331 04 000001a07b1fd980 09 00")),
    ]

    @Test func storedBytesMatchTheGoldenCodes() throws {
        let folder = TemporaryFolder()
        do {
            let store = try EventStore(directory: folder.path)
            // The second week is recorded a week later: its events may not lie more than a day ahead of the clock.
            for (week, events) in Self.history().enumerated() {
                try store.append(AppendRequest(events: events), now: t0.adding(days: 7 * Int64(week)))
            }
            try store.flush()
        }
        let env = try Environment(
            path: folder.path + "/" + EventStore.dataFileName, options: .init(maxDatabases: 16, readOnlySnapshot: true))
        try env.read { txn in
            let log = try txn.openDatabase("log", create: false)
            var index = 0
            try txn.scan(log) { _, value in
                defer { index += 1 }
                guard index < Self.envelopeHeaders.count else { return false }
                let header = Self.envelopeHeaders[index]
                let data = JSONWriter.bytes(Self.canonical(Self.history().joined().map { $0 }[index]))
                #expect(
                    Array(value) == header + data, "event \(index + 1): \(hexString(Array(value.prefix(header.count))))"
                )
                return true
            }
            #expect(index == Self.envelopeHeaders.count)
            for table in ["byPerson", "insights"] {
                let expected = Self.records.filter { $0.table == table }
                var rows: [(key: [UInt8], value: [UInt8])] = []
                try txn.scan(try txn.openDatabase(table, create: false)) { key, value in
                    rows.append((Array(key), Array(value)))
                    return true
                }
                #expect(rows.count == expected.count, "\(table): \(rows.count) rows")
                for (row, golden) in zip(rows, expected) {
                    #expect(row.key == golden.key, "\(table) key \(hexString(row.key))")
                    #expect(row.value == golden.value, "\(table) \(hexString(row.key)): \(hexString(row.value))")
                }
            }
        }
    }

    static func canonical(_ event: ProposedEvent) -> JSONValue {
        (try? CoachingEvent(type: event.type, data: event.data).canonicalData) ?? .null
    }

    /// A byte that is no code (0, as in a zeroed page, or one past the last) is a corrupt
    /// record: a storage error naming the problem, never a trap or a wrong case.
    @Test(arguments: [UInt8(0), 15, 0xFF])
    func unknownEventTypeCodeIsACorruptRecord(_ code: UInt8) throws {
        let folder = TemporaryFolder()
        do {
            let store = try EventStore(directory: folder.path)
            try store.append(open("dana", "s1"))
            try store.flush()
        }
        try Self.patch(folder.path, table: "log", key: hex("0000000000000001")) { $0[1] = code }
        let store = try EventStore(directory: folder.path)
        #expect {
            _ = try store.read(after: 0, limit: 10)
        } throws: { error in
            (error as? StoreError)?.kind == .storage && "\(error)".contains("cannot be decoded")
        }
    }

    @Test(arguments: [UInt8(0), 4, 0xFF])
    func unknownKindOrOutcomeCodeIsACorruptRecord(_ code: UInt8) throws {
        let folder = TemporaryFolder()
        do {
            let store = try EventStore(directory: folder.path)
            try store.append(open("dana", "s1"), commit("dana", "s1", "c1"))
            try store.flush()
        }
        // The kind byte follows "c1", "dana" and "s1": 3 + 5 + 3 bytes in.
        try Self.patch(folder.path, table: "byPerson", key: hex("64616e61 00 43 0000000000000002")) { $0[11] = code }
        let report = try EventStore.verify(directory: folder.path)
        #expect(report.problems == ["projection table byPerson differs from a rebuild from the log"])
        // The tables are derived: an open that cannot read them rebuilds them from the log.
        let store = try EventStore(directory: folder.path, options: .init())
        #expect(try store.query { try $0.commitments(of: "dana") }.map(\.kind) == [.more])
        #expect(try store.verify().isConsistent)
    }

    @Test func unknownTopicBitIsACorruptRecord() throws {
        let folder = TemporaryFolder()
        do {
            let store = try EventStore(directory: folder.path)
            try store.append(open("dana", "s1"))
            try store.flush()
        }
        // sessionId, salesperson, coach, openedAt, closed flag, then the topic mask.
        try Self.patch(folder.path, table: "byPerson", key: hex("64616e61 00 53 0000000000000001")) {
            $0[3 + 5 + 4 + 8 + 1] = 0x10
        }
        #expect(try !EventStore.verify(directory: folder.path).isConsistent)
        let store = try EventStore(directory: folder.path)
        #expect(try store.query { try $0.sessions(of: "dana") }.count == 1)
        #expect(try store.verify().isConsistent)
    }

    /// Changes one stored value in place (the store must be closed).
    /// The type byte of each stored envelope after `after`, read straight from the log.
    static func typeBytes(_ folder: String, after: UInt64) throws -> [UInt8] {
        let env = try Environment(
            path: folder + "/" + EventStore.dataFileName, options: .init(maxDatabases: 16, readOnlySnapshot: true))
        return try env.read { txn in
            var codes: [UInt8] = []
            try txn.scan(try txn.openDatabase("log", create: false)) { key, value in
                if key.reduce(UInt64(0), { $0 << 8 | UInt64($1) }) > after { codes.append(value[1]) }
                return true
            }
            return codes
        }
    }

    static func patch(_ folder: String, table: String, key: [UInt8], _ change: (inout [UInt8]) -> Void) throws {
        let env = try Environment(path: folder + "/" + EventStore.dataFileName, options: .init(maxDatabases: 16))
        try env.write { txn in
            let database = try txn.openDatabase(table, create: false)
            var value = try #require(try txn.get(database, key: key), "no \(table) entry \(hexString(key))")
            change(&value)
            try txn.put(database, key: key, value: value)
        }
    }
}

/// The corrections' type codes, 7 to 14, as stored (issue 10 added them; format 4).
@Suite struct CorrectionCodeTests {
    @Test func correctionTypesHaveTheirOwnCodes() throws {
        let folder = TemporaryFolder()
        let at = "2026-09-07T09:30:00Z"
        let events: [(String, JSONValue, UInt8)] = [
            ("ReviewCorrected", ["commitmentId": "c1", "salesperson": "ana", "outcome": "missed", "at": "2026-09-14T09:10:00Z"], 7),
            ("CommitmentAmended", ["commitmentId": "c2", "salesperson": "ana", "text": "T2", "at": .string(at)], 8),
            ("CommitmentMade", ["commitmentId": "c4", "sessionId": "s2", "salesperson": "ana", "kind": "more", "text": "T", "at": "2026-09-14T09:20:00Z"], 3),
            ("CommitmentWithdrawn", ["commitmentId": "c4", "salesperson": "ana", "at": "2026-09-14T09:21:00Z"], 9),
            ("GoalAmended", ["goalId": "g1", "salesperson": "ana", "text": "Lead more", "at": .string(at)], 12),
            ("GoalAchieved", ["goalId": "g1", "salesperson": "ana", "at": .string(at)], 13),
            ("SessionVoided", ["sessionId": "s2", "salesperson": "ana", "at": .string(at)], 10),
            ("SessionOpened", ["sessionId": "b1", "salesperson": "bo", "coach": "lee", "at": .string(at)], 1),
            ("SessionClosed", ["sessionId": "b1", "salesperson": "bo", "at": .string(at)], 6),
            ("SessionOpened", ["sessionId": "c1x", "salesperson": "cy", "coach": "lee", "at": .string(at)], 1),
            ("GoalStated", ["goalId": "g9", "sessionId": "c1x", "salesperson": "cy", "text": "x", "at": .string(at)], 2),
            ("GoalDropped", ["goalId": "g9", "salesperson": "cy", "at": .string(at)], 14),
            ("SessionClosed", ["sessionId": "c1x", "salesperson": "cy", "at": .string(at)], 6),
            ("SalespersonMerged", ["salesperson": "bo", "into": "cy", "at": .string(at)], 11),
        ]
        do {
            let store = try EventStore(directory: folder.path)
            let now = t0.adding(days: 14)
            for (week, batch) in StorageCodeTests.history().enumerated() {
                _ = try store.append(AppendRequest(events: batch), now: t0.adding(days: 7 * Int64(week)))
            }
            for (type, data, _) in events {
                _ = try store.append(AppendRequest(events: [ProposedEvent(type: type, data: data)]), now: now)
            }
            let (stored, _) = try store.read(after: 14, limit: 100)
            #expect(stored.map(\.type.rawValue) == events.map(\.0))
            // The projections kept through every correction equal a rebuild from the log.
            let report = try store.verify()
            #expect(report.isConsistent, "\(report)")
        }
        let codes = try StorageCodeTests.typeBytes(folder.path, after: 14)
        #expect(codes == events.map(\.2))
    }
}

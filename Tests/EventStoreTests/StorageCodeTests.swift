import CoachLogJSON
import CoachLogTestSupport
import CoachLogProtocol
import CoachingDomain
import EventStore
import Foundation
import LMDB
import Sealing
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

    /// Each envelope (version 3): the event type's code, eventId, the salesperson's id (`<ana>`), stream version,
    /// recordedAt (t0 = 2026-09-07T09:00:00Z = 0x0000_01a0_7b18_8680 ms); then the clear part, length first
    /// (canonical JSON without salesperson and free text, the coach as "#" and the hex digits of their id),
    /// the mask of free-text members present (text 1, note 2, reason 4, area 8) and those members, sealed.
    static let envelopes: [(header: String, clear: String, textMask: UInt8, texts: String?)] = [
        (  // SessionOpened = 1
            "03 01 02 6531 <ana> 01 000001a07b188680",
            ##"{"at":"2026-09-07T09:00:00Z","coach":"#<lee>","sessionId":"s1","topics":["selfConcept","behavioralReflection"]}"##,
            0, nil
        ),
        (  // GoalStated = 2
            "03 02 02 6532 <ana> 02 000001a07b188680",
            #"{"at":"2026-09-07T09:01:00Z","goalId":"g1","sessionId":"s1"}"#, 0x09, #"{"area":"career","text":"Lead"}"#
        ),
        (  // CommitmentMade = 3
            "03 03 02 6533 <ana> 03 000001a07b188680",
            #"{"at":"2026-09-07T09:02:00Z","commitmentId":"c1","due":"2026-09-14","goalId":"g1","kind":"more","sessionId":"s1"}"#,
            0x01, #"{"text":"T"}"#
        ),
        (
            "03 03 02 6534 <ana> 04 000001a07b188680",
            #"{"at":"2026-09-07T09:03:00Z","commitmentId":"c2","due":"2026-09-14","kind":"better","sessionId":"s1"}"#,
            0x01, #"{"text":"T"}"#
        ),
        (
            "03 03 02 6535 <ana> 05 000001a07b188680",
            #"{"at":"2026-09-07T09:04:00Z","commitmentId":"c3","due":"2026-09-14","kind":"different","sessionId":"s1"}"#,
            0x01, #"{"text":"T"}"#
        ),
        (  // InsightNoted = 5
            "03 05 02 6536 <ana> 06 000001a07b188680",
            #"{"at":"2026-09-07T09:05:00Z","sessionId":"s1","topic":"selfConcept"}"#, 0x01, #"{"text":"T"}"#
        ),
        (
            "03 05 02 6537 <ana> 07 000001a07b188680",
            #"{"at":"2026-09-07T09:06:00Z","sessionId":"s1","topic":"identityRole"}"#, 0x01, #"{"text":"T"}"#
        ),
        (
            "03 05 02 6538 <ana> 08 000001a07b188680",
            #"{"at":"2026-09-07T09:07:00Z","sessionId":"s1","topic":"personalGoals"}"#, 0x01, #"{"text":"T"}"#
        ),
        (
            "03 05 02 6539 <ana> 09 000001a07b188680",
            #"{"at":"2026-09-07T09:08:00Z","sessionId":"s1","topic":"behavioralReflection"}"#, 0x01, #"{"text":"T"}"#
        ),
        (  // SessionClosed = 6
            "03 06 03 653130 <ana> 0a 000001a07b188680", #"{"at":"2026-09-07T10:00:00Z","sessionId":"s1"}"#, 0, nil
        ),
        (  // recorded at t0 + 7 days
            "03 01 03 653131 <ana> 0b 000001a09f250a80",
            ##"{"at":"2026-09-14T09:00:00Z","coach":"#<lee>","sessionId":"s2","topics":["identityRole","personalGoals"]}"##,
            0, nil
        ),
        (  // CommitmentReviewed = 4
            "03 04 03 653132 <ana> 0c 000001a09f250a80",
            #"{"at":"2026-09-14T09:01:00Z","commitmentId":"c1","outcome":"kept","sessionId":"s2"}"#, 0, nil
        ),
        (
            "03 04 03 653133 <ana> 0d 000001a09f250a80",
            #"{"at":"2026-09-14T09:02:00Z","commitmentId":"c2","outcome":"partial","sessionId":"s2"}"#, 0, nil
        ),
        (
            "03 04 03 653134 <ana> 0e 000001a09f250a80",
            #"{"at":"2026-09-14T09:03:00Z","commitmentId":"c3","outcome":"missed","sessionId":"s2"}"#, 0, nil
        ),
    ]

    /// `byPerson` and `insights` entries (key → value), in key order. People are their ids (`<ana>`, `<lee>`);
    /// `<area>` is the goal's area sealed deterministically with ana's data key.
    static let records: [(table: String, key: String, value: String)] = [
        // Commitments (tag C): id, salesperson, session, KIND, due day, goalId?, made at, position, voided,
        // withdrawn at?, text position, review? (session, OUTCOME, at, position, note position).
        // more = 1 / kept = 1, better = 2 / partial = 2, different = 3 / missed = 3.
        (
            "byPerson", "<ana> 00 43 0000000000000003",
            "02 6331 <ana> 02 7331 01 00000000000050e6 01 02 6731 000001a07b1a5b40 03 00 00 03"
                + " 01 02 7332 01 000001a09f25f4e0 0c 0c"
        ),
        (
            "byPerson", "<ana> 00 43 0000000000000004",
            "02 6332 <ana> 02 7331 02 00000000000050e6 00 000001a07b1b45a0 04 00 00 04"
                + " 01 02 7332 02 000001a09f26df40 0d 0d"
        ),
        (
            "byPerson", "<ana> 00 43 0000000000000005",
            "02 6333 <ana> 02 7331 03 00000000000050e6 00 000001a07b1c3000 05 00 00 05"
                + " 01 02 7332 03 000001a09f27c9a0 0e 0e"
        ),
        // Goal (tag G): id, salesperson, session, area? (sealed, length first: 6 bytes + 28), at, position,
        // text position, STATUS (active = 1, achieved = 2, dropped = 3), status at?, voided.
        ("byPerson", "<ana> 00 47 0000000000000002", "02 6731 <ana> 02 7331 01 22 <area> 000001a07b1970e0 02 02 01 00 00"),
        // Sessions (tag S): id, salesperson, coach, opened at, closed?, TOPIC MASK (bit = code - 1), position, voided.
        // s1: selfConcept (1) + behavioralReflection (4) = 0x09; s2: identityRole (2) + personalGoals (3) = 0x06.
        ("byPerson", "<ana> 00 53 0000000000000001", "02 7331 <ana> <lee> 000001a07b188680 01 000001a07b4f7500 09 01 00"),
        ("byPerson", "<ana> 00 53 000000000000000b", "02 7332 <ana> <lee> 000001a09f250a80 00 06 0b 00"),
        // Insights: salesperson, session, TOPIC, at, position, voided. selfConcept 1, identityRole 2, personalGoals 3,
        // behavioralReflection 4.
        ("insights", "<ana> 00 0000000000000006", "<ana> 02 7331 01 000001a07b1d1a60 06 00"),
        ("insights", "<ana> 00 0000000000000007", "<ana> 02 7331 02 000001a07b1e04c0 07 00"),
        ("insights", "<ana> 00 0000000000000008", "<ana> 02 7331 03 000001a07b1eef20 08 00"),
        ("insights", "<ana> 00 0000000000000009", "<ana> 02 7331 04 000001a07b1fd980 09 00"),
    ]

    /// A person as the `keys` table holds them: id → 1, wrapped data key, sealed name (each length first).
    struct StoredPerson {
        var id: [UInt8]
        var key: DataKey
    }

    /// Everyone in the `keys` table of a closed store, by the name their entry opens to with the tests' master key.
    static func people(_ folder: String) throws -> [String: StoredPerson] {
        let env = try Environment(
            path: folder + "/" + EventStore.dataFileName, options: .init(maxDatabases: 16, readOnlySnapshot: true))
        return try env.read { txn in
            var people: [String: StoredPerson] = [:]
            try txn.scan(try txn.openDatabase("keys", create: false)) { key, value in
                let id = Array(key)
                let person = PersonID(id.reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
                // Live entry 1; a wrapped key is 32 bytes + 28, both lengths one varint byte.
                let entry = Array(value)
                try #require(
                    entry.count > 63 && entry[0] == 1 && entry[1] == 32 + 28 && Int(entry[62]) == entry.count - 63,
                    "keys \(hexString(id)): \(hexString(entry))")
                let wrapped = Array(entry[2..<62])
                let sealedName = Array(entry.dropFirst(63))
                let dataKey = try DataKey.unwrap(wrapped, by: testMasterKey, for: person)
                let name = try #require(dataKey.open(sealedName, context: Array("coachlog name".utf8) + id))
                #expect(sealedName.count == name.count + DataKey.overhead)
                people[String(decoding: name, as: UTF8.self)] = StoredPerson(id: id, key: dataKey)
                return true
            }
            return people
        }
    }

    /// Golden hex with `<name>` placeholders replaced by the hex digits of the given bytes.
    static func golden(_ text: String, _ values: [String: [UInt8]]) -> [UInt8] {
        hex(values.reduce(text) { $0.replacingOccurrences(of: "<\($1.key)>", with: hexString($1.value)) })
    }

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
        // Ids are drawn at random: the golden bytes name people by the ids this store drew.
        let people = try Self.people(folder.path)
        #expect(Set(people.keys) == ["ana", "lee"])
        let ana = try #require(people["ana"])
        let lee = try #require(people["lee"])
        let area = ana.key.sealDeterministic(Array("career".utf8), context: Array("coachlog area".utf8) + ana.id + [0, 0, 0, 0, 0, 0, 0, 2] + Array("g1".utf8))
        let ids = ["ana": ana.id, "lee": lee.id, "area": area]
        let env = try Environment(
            path: folder.path + "/" + EventStore.dataFileName, options: .init(maxDatabases: 16, readOnlySnapshot: true))
        try env.read { txn in
            let log = try txn.openDatabase("log", create: false)
            var index = 0
            try txn.scan(log) { key, value in
                defer { index += 1 }
                guard index < Self.envelopes.count else { return false }
                let golden = Self.envelopes[index]
                let clear = Array(golden.clear.replacingOccurrences(of: "<lee>", with: hexString(lee.id)).utf8)
                precondition(clear.count < 128, "a one-byte length")
                let expected = Self.golden(golden.header, ids) + [UInt8(clear.count)] + clear + [golden.textMask]
                let stored = Array(value)
                let prefix = Array(stored.prefix(expected.count))
                #expect(
                    prefix == expected,
                    "event \(index + 1): \(hexString(prefix)) = \(String(decoding: prefix, as: UTF8.self))")
                // The free text: sealed (nonce, ciphertext, tag), bound to the position and the person.
                let sealed = Array(stored.dropFirst(expected.count))
                if let texts = golden.texts.map({ Array($0.utf8) }) {
                    #expect(sealed.count == texts.count + DataKey.overhead, "event \(index + 1)")
                    #expect(!hexString(sealed).contains(hexString(texts)), "event \(index + 1): text in clear")
                    let context = Array("coachlog text".utf8) + Array(key) + ana.id
                    #expect(ana.key.open(sealed, context: context) == texts, "event \(index + 1)")
                    #expect(ana.key.open(sealed, context: Array("coachlog text".utf8) + hex("00000000000000ff") + ana.id) == nil)
                } else {
                    #expect(sealed.isEmpty, "event \(index + 1): \(hexString(sealed))")
                }
                return true
            }
            #expect(index == Self.envelopes.count)
            for table in ["byPerson", "insights"] {
                let expected = Self.records.filter { $0.table == table }
                var rows: [(key: [UInt8], value: [UInt8])] = []
                try txn.scan(try txn.openDatabase(table, create: false)) { key, value in
                    rows.append((Array(key), Array(value)))
                    return true
                }
                #expect(rows.count == expected.count, "\(table): \(rows.count) rows")
                for (row, golden) in zip(rows, expected) {
                    #expect(row.key == Self.golden(golden.key, ids), "\(table) key \(hexString(row.key))")
                    #expect(
                        row.value == Self.golden(golden.value, ids), "\(table) \(hexString(row.key)): \(hexString(row.value))")
                }
            }
            // streamIndex: salesperson id, 0, position → stream version; the coach has no stream.
            var streamRows: [[UInt8]] = []
            try txn.scan(try txn.openDatabase("streamIndex", create: false)) { key, value in
                streamRows.append(Array(key) + Array(value))
                return true
            }
            #expect(
                streamRows
                    == (1...14).map { Self.golden("<ana> 00 \(hexString(Self.bigEndian(UInt64($0)))) \(hexString(Self.bigEndian(UInt64($0))))", ids) })
        }
    }

    static func bigEndian(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (56 - 8 * UInt64($0))) } }

    static func canonical(_ event: ProposedEvent) -> JSONValue {
        (try? CoachingEvent(type: event.type, data: event.data).canonicalData) ?? .null
    }

    /// A byte that is no code (0, as in a zeroed page, or one past the last) is a corrupt
    /// record: a storage error naming the problem, never a trap or a wrong case.
    @Test(arguments: [UInt8(0), 16, 0xFF])
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
        // The kind byte follows "c1", dana's id and "s1": 3 + 8 + 3 bytes in.
        let dana = try #require(try Self.people(folder.path)["dana"]).id
        try Self.patch(folder.path, table: "byPerson", key: dana + hex("00 43 0000000000000002")) { $0[14] = code }
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
        // sessionId, salesperson id, coach id, openedAt, closed flag, then the topic mask.
        let dana = try #require(try Self.people(folder.path)["dana"]).id
        try Self.patch(folder.path, table: "byPerson", key: dana + hex("00 53 0000000000000001")) {
            $0[3 + 8 + 8 + 8 + 1] = 0x10
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

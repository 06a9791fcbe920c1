import CoachLogJSON
import CoachLogProtocol
import CoachLogTestSupport
import CoachingDomain
import EventStore
import Foundation
import LMDB
import Sealing
import Testing

/// Format 6 keeps no name and no free text in clear: the data file is useless
/// without the master key, a store refuses any other key, and forgetting a
/// salesperson (destroying their data key) erases their name and text for good
/// while every count stays.
@Suite struct SealingTests {
    /// Names and texts that occur nowhere else, so that finding one in the file
    /// can only mean it was stored in clear.
    static let salesperson = "Marlowe-sp-7f3a"
    static let merged = "Quintessa-sp-91bd"
    static let coach = "Thaddeus-coach-c2e8"
    static let texts = [
        "goal-text-5d1c", "goal-area-0be7", "commitment-text-a44f", "insight-text-19c3", "review-note-e2b0",
        "merge-reason-6f58",
    ]
    static var markers: [String] { [salesperson, merged, coach] + texts }

    /// One event of each kind that carries a name or a free text.
    static func history() -> [ProposedEvent] {
        func event(_ type: String, _ data: JSONValue) -> ProposedEvent { ProposedEvent(type: type, data: data) }
        let sp = JSONValue.string(salesperson)
        return [
            open(salesperson, "s1", coach: coach),
            event(
                "GoalStated",
                [
                    "goalId": "g1", "sessionId": "s1", "salesperson": sp, "text": .string(texts[0]),
                    "area": .string(texts[1]), "at": "2026-09-07T09:01:00Z",
                ]),
            event(
                "CommitmentMade",
                [
                    "commitmentId": "c1", "sessionId": "s1", "salesperson": sp, "kind": "more",
                    "text": .string(texts[2]), "due": "2026-09-14", "goalId": "g1", "at": "2026-09-07T09:02:00Z",
                ]),
            event(
                "InsightNoted",
                [
                    "sessionId": "s1", "salesperson": sp, "topic": "selfConcept", "text": .string(texts[3]),
                    "at": "2026-09-07T09:03:00Z",
                ]),
            close(salesperson, "s1"),
            open(salesperson, "s2", coach: coach, at: "2026-09-14T09:00:00Z"),
            event(
                "CommitmentReviewed",
                [
                    "commitmentId": "c1", "sessionId": "s2", "salesperson": sp, "outcome": "kept",
                    "note": .string(texts[4]), "at": "2026-09-14T09:01:00Z",
                ]),
            close(salesperson, "s2", at: "2026-09-14T10:00:00Z"),
            open(merged, "m1", coach: coach),
            close(merged, "m1"),
            event(
                "SalespersonMerged",
                ["salesperson": .string(merged), "into": sp, "reason": .string(texts[5]), "at": "2026-09-15T09:00:00Z"]),
        ]
    }

    static func dataFile(_ folder: TemporaryFolder) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: folder.path + "/" + EventStore.dataFileName))
    }

    static func markersIn(_ bytes: Data) -> [String] {
        markers.filter { bytes.range(of: Data($0.utf8)) != nil }
    }

    /// A store holding `history()`, flushed and closed.
    static func store() throws -> TemporaryFolder {
        let folder = TemporaryFolder()
        let store = try EventStore(directory: folder.path)
        for event in history() { try store.append(event) }
        try store.flush()
        return folder
    }

    @Test func theDataFileHoldsNoNameAndNoFreeText() throws {
        let folder = try Self.store()
        let bytes = try Self.dataFile(folder)
        #expect(Self.markersIn(bytes) == [], "stored in clear")
        // Not vacuous: the store holds every one of them, and gives them back with its key.
        let store = try EventStore(directory: folder.path)
        let events = try store.read(after: 0, limit: 100).events
        #expect(events.count == Self.history().count)
        let served = events.map { JSONWriter.string($0.json) }.joined(separator: "\n")
        for marker in Self.markers { #expect(served.contains(marker), "\(marker) is not read back") }
        let goal = try store.query { try $0.goals(of: Self.salesperson) }
        #expect(goal.map(\.area) == [Self.texts[1]])
        // A rebuild of the tables (the goal area sealed again) writes nothing in clear either.
        #expect(try store.verify().isConsistent)
    }

    @Test func aStoreOpensOnlyWithItsOwnMasterKey() throws {
        let folder = try Self.store()
        let before = try Self.dataFile(folder)
        let wrong = MasterKey.random()
        for attempt in ["open", "verify"] {
            #expect {
                if attempt == "open" {
                    _ = try EventStore(directory: folder.path, options: EventStore.Options(masterKey: wrong))
                } else {
                    _ = try EventStore.verify(directory: folder.path, masterKey: wrong)
                }
            } throws: { error in
                // Names both keys, so that an operator can tell which key file the store needs.
                guard let error = error as? StoreError else { return false }
                let message = "\(error)"
                return error.kind == .format && message.contains("fingerprint")
                    && message.contains(testMasterKey.fingerprint) && message.contains(wrong.fingerprint)
            }
        }
        // Refusing changes nothing: the store still opens with its own key.
        #expect(try Self.dataFile(folder) == before)
        let store = try EventStore(directory: folder.path)
        #expect(try store.read(after: 0, limit: 100).events.count == Self.history().count)
    }

    /// Everything the queries count, by salesperson name as the store shows it.
    struct Counts: Equatable {
        var sessions, goals, commitments, reviewed, insights, people: Int

        init(_ store: EventStore, _ name: String) throws {
            (sessions, goals, commitments, reviewed, insights, people) = try store.query { model in
                let commitments = try model.commitments(of: name)
                return (
                    try model.sessions(of: name).count, try model.goals(of: name).count, commitments.count,
                    commitments.filter { $0.review != nil }.count, try model.insights(of: name).count,
                    try model.people().count
                )
            }
        }
    }

    @Test func forgetShowsThePseudonymAndNullTextsAndKeepsTheCounts() throws {
        let folder = try Self.store()
        let pseudonym: String
        var aliases: [String] = []
        let counts: Counts
        do {
            let store = try EventStore(directory: folder.path)
            counts = try Counts(store, Self.salesperson)
            #expect(counts.sessions == 2 && counts.goals == 1 && counts.commitments == 1 && counts.insights == 1, "\(counts)")
            // The merged name is the same person: forgetting it alone is refused, pointing at the name it became.
            #expect {
                _ = try store.forget(salesperson: Self.merged, now: clock)
            } throws: { error in
                (error as? StoreError)?.rule == "forget.merged" && "\(error)".contains(Self.salesperson)
            }
            // A coach's name is no salesperson's record.
            #expect(throws: StoreError.self) { _ = try store.forget(salesperson: Self.coach, now: clock) }
            let outcome = try store.forget(salesperson: Self.salesperson, now: clock)
            pseudonym = try #require(outcome.pseudonym)
            #expect(pseudonym.hasPrefix("erased-") && pseudonym.count == "erased-".count + 16, "\(pseudonym)")
            #expect(outcome.events.map(\.type) == [.salespersonForgotten, .salespersonForgotten])
            #expect(outcome.events.map(\.position) == [12, 13] && outcome.aliases.count == 1)
            aliases = outcome.aliases
            try Self.expectForgotten(store, pseudonym: pseudonym, counts: counts)
            // Forgetting again, by the pseudonym, writes nothing.
            let again = try store.forget(salesperson: pseudonym, now: clock)
            #expect(again.events.isEmpty && again.pseudonym == pseudonym)
            #expect(try store.headPosition() == 13)
        }
        // The key is gone from the file, not only from memory: the person's entry is a lone 0.
        let entries = try Self.keyEntries(folder)
        #expect(entries.count == 3)
        #expect(Set(entries.filter { $0.value == [0] }.map { "erased-" + hexString($0.key) }) == Set([pseudonym] + aliases))
        #expect(entries.filter { $0.value != [0] }.allSatisfy { $0.value.first == 1 })
        let store = try EventStore(directory: folder.path)
        try Self.expectForgotten(store, pseudonym: pseudonym, counts: counts)
        // `forget` rewrites the goal records whose area it can no longer open, as a rebuild would write them.
        let report = try store.verify()
        #expect(report.isConsistent, "\(report)")
        // A name that comes back is a new person, with its own id.
        try store.append(open(Self.salesperson, "s9", coach: Self.coach, at: "2026-09-21T09:00:00Z"))
        #expect(try store.query { try $0.sessions(of: Self.salesperson) }.count == 1)
        #expect(try Counts(store, pseudonym).sessions == counts.sessions)
    }

    /// A refused append leaves no name behind: neither the look-alike it was
    /// refused for, nor a retry of a forgotten person's event, keeps a keys entry.
    @Test func refusedAppendsKeepNoName() throws {
        let folder = TemporaryFolder()
        do {
            let store = try EventStore(directory: folder.path)
            try store.append(open("dana", "s1"))
            #expect(throws: StoreError.self) { try store.append(open("Dana", "s2", coach: "someone new")) }
            // In one batch with an append that succeeds: only the refused one's names go.
            let results = try store.commit(
                [try AppendRequest(events: [open("DANA", "s3", coach: "another")]).prepare(),
                 try AppendRequest(events: [open("lou", "s4", coach: "lee")]).prepare()], now: clock)
            #expect(results.map { (try? $0.get()) != nil } == [false, true])
        }
        #expect(try Self.keyEntries(folder).count == 3, "dana, lee and lou; no Dana, DANA, someone new or another")
        let store = try EventStore(directory: folder.path)
        #expect(try store.read(after: 0, limit: 10).events.map(\.salesperson) == ["dana", "lou"])
    }

    /// The `keys` table of a closed store, raw.
    static func keyEntries(_ folder: TemporaryFolder) throws -> [(key: [UInt8], value: [UInt8])] {
        let env = try Environment(
            path: folder.path + "/" + EventStore.dataFileName, options: .init(maxDatabases: 16, readOnlySnapshot: true))
        return try env.read { txn in
            var entries: [(key: [UInt8], value: [UInt8])] = []
            try txn.scan(try txn.openDatabase("keys", create: false)) { key, value in
                entries.append((Array(key), Array(value)))
                return true
            }
            return entries
        }
    }

    static func expectForgotten(_ store: EventStore, pseudonym: String, counts: Counts) throws {
        let events = try store.read(after: 0, limit: 100).events
        // One SalespersonForgotten for them, one for the name merged into them (the same person).
        #expect(events.count == history().count + 2)
        let own = events.filter { $0.salesperson == pseudonym }
        // Their sessions, goal, commitment, insight, review and the forget itself.
        #expect(own.count == 9, "\(events.map(\.salesperson))")
        for event in own {
            #expect(event.erased, "event \(event.position)")
            #expect(event.data["salesperson"] == .string(pseudonym), "event \(event.position)")
            for member in EventType.freeTextFields {
                if let text = event.data[member] { #expect(text == .null, "event \(event.position) \(member)") }
            }
        }
        #expect(events.suffix(2).allSatisfy { $0.type == .salespersonForgotten })
        // Texts were there (null, not missing): the goal's text and area, the commitment's, the insight's, the note.
        #expect(own.compactMap { $0.data["text"] }.count == 3 && own.compactMap { $0.data["area"] }.count == 1)
        #expect(own.compactMap { $0.data["note"] }.count == 1)
        // The name merged into them is forgotten with them: its merge event shows two pseudonyms, no reason.
        let merge = try #require(events.first { $0.type == .salespersonMerged })
        #expect(merge.erased && merge.salesperson.hasPrefix("erased-") && merge.salesperson != pseudonym)
        #expect(merge.data["into"] == .string(pseudonym) && merge.data["reason"] == .null)
        #expect(events.filter { $0.type == .sessionOpened }.allSatisfy { $0.data["coach"] == .string(coach) })
        // Nothing of them is served any more.
        let served = events.map { JSONWriter.string($0.json) }.joined(separator: "\n")
        for marker in [salesperson, merged] + texts.prefix(6) { #expect(!served.contains(marker), "\(marker) still served") }
        #expect(try Counts(store, pseudonym) == counts)
        #expect(try store.query { try $0.goals(of: pseudonym) }.map(\.area) == [nil])
        #expect(try store.query { try $0.sessions(of: salesperson) }.isEmpty)
    }
}

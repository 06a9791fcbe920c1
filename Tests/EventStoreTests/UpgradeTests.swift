import CoachLogJSON
import CoachLogTestSupport
import CoachLogProtocol
import CoachingDomain
import EventStore
import Foundation
import LMDB
import Testing

/// A store written by the previous format (coachlogd at commit ce88b84: store
/// format 2, enum positions on disk) is upgraded in place at open, also when
/// the upgrade is interrupted, and reads back the same events and projections.
@Suite struct UpgradeTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// A fresh data folder holding a copy of the format-2 fixture.
    static func format2Store() throws -> TemporaryFolder {
        let folder = TemporaryFolder()
        let bytes = try Data(contentsOf: fixtures.appendingPathComponent("format2-store.mdb"))
        try bytes.write(to: URL(fileURLWithPath: folder.path + "/" + EventStore.dataFileName))
        return folder
    }

    static func dataFile(_ folder: TemporaryFolder) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: folder.path + "/" + EventStore.dataFileName))
    }

    /// The events as the ce88b84 daemon read them back from the fixture (its `read` reply).
    static func goldenEvents() throws -> [JSONValue] {
        let line = try Data(contentsOf: fixtures.appendingPathComponent("format2-events.jsonl"))
        let reply = try JSONParser.parse(Array(line.prefix { $0 != UInt8(ascii: "\n") }))
        return try #require(reply["result"]?["events"]?.arrayValue)
    }

    /// Every event reads back byte for byte as the old daemon served it, and
    /// every projection record is what the fold of those events gives.
    static func expectSameHistory(_ store: EventStore) throws {
        let golden = try goldenEvents()
        let events = try store.read(after: 0, limit: 100).events
        #expect(events.count == 19 && golden.count == 19)
        for (event, old) in zip(events, golden) {
            // The hash is new: the chain starts at the upgrade. Everything the old daemon served is unchanged.
            var shown = event
            #expect(shown.hash != nil, "event \(event.position) has no hash")
            shown.hash = nil
            #expect(JSONWriter.string(shown.json) == JSONWriter.string(old), "event \(event.position)")
        }
        var memory = InMemoryReadModel()
        for event in events {
            try CoachingRules.apply(
                event.decoded(), position: event.position, recordedAt: event.recordedAt, to: &memory)
        }
        func sortedTopics(_ sessions: [SessionRecord]) -> [SessionRecord] {
            sessions.map {
                var s = $0; s.topics.sort(); return s
            }
        }
        let jose = "Jos\u{E9}"
        for person in ["dana", jose] {
            try store.query { model throws in
                #expect(sortedTopics(try model.sessions(of: person)) == sortedTopics(memory.sessions(of: person)))
                #expect(try model.goals(of: person) == memory.goals(of: person))
                #expect(try model.commitments(of: person) == memory.commitments(of: person))
                #expect(try model.insights(of: person) == memory.insights(of: person))
            }
        }
        try store.query { model throws in
            #expect(try model.people() == memory.people())
            // The enums by name, as the old daemon was given them.
            let dana = try model.commitments(of: "dana")
            #expect(dana.map(\.kind) == [.more, .better, .different])
            #expect(dana.map { $0.review?.outcome } == [.kept, .partial, .missed])
            #expect(try model.commitments(of: jose).map { $0.review?.outcome } == [.kept])
            #expect(try model.sessions(of: jose).first?.topics == [.identityRole, .behavioralReflection])
            #expect(try model.sessions(of: "dana").first?.topics == [.selfConcept, .personalGoals])
            #expect(try model.insights(of: "dana").map(\.topic) == [.identityRole, .selfConcept])
            #expect(try model.insights(of: jose).map(\.topic) == [.behavioralReflection, .personalGoals])
        }
    }

    /// The meta entries and the first byte of every envelope, read without the store.
    static func layout(_ folder: TemporaryFolder) throws -> (
        format: UInt64?, upgrading: Bool, envelopeVersions: Set<UInt8>
    ) {
        let env = try Environment(
            path: folder.path + "/" + EventStore.dataFileName, options: .init(maxDatabases: 16, readOnlySnapshot: true))
        return try env.read { txn in
            let meta = try txn.openDatabase("meta", create: false)
            let format = try txn.get(meta, key: Array("format".utf8)).map {
                $0.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            }
            let upgrading = try txn.get(meta, key: Array("upgradeNext".utf8)) != nil
            var versions: Set<UInt8> = []
            try txn.scan(try txn.openDatabase("log", create: false)) { _, value in
                versions.insert(value[0])
                return true
            }
            return (format, upgrading, versions)
        }
    }

    @Test func format2StoreIsUpgradedInPlaceAtOpen() throws {
        let folder = try Self.format2Store()
        let original = try Self.dataFile(folder)
        #expect(try Self.layout(folder).envelopeVersions == [1])
        // verify reads it and reports the upgrade it needs, changing nothing.
        let before = try EventStore.verify(directory: folder.path)
        #expect(before.upgradeNeeded?.contains("store format 2") == true, "\(before)")
        #expect(!before.isConsistent)
        #expect(try Self.dataFile(folder) == original)
        do {
            let store = try EventStore(directory: folder.path)
            try Self.expectSameHistory(store)
            #expect(try store.verify().isConsistent)
            // A retry of an event stored before the upgrade is still recognised.
            let retry = ProposedEvent(
                type: "SessionOpened",
                data: [
                    "sessionId": "s-dana-1", "salesperson": "dana", "coach": "lee", "at": "2026-09-07T09:00:00Z",
                    "topics": ["selfConcept", "personalGoals"],
                ], eventId: "fx-01")
            let replay = try store.append(retry)
            #expect(replay.replayed && replay.positions == [1])
            // And the store goes on: new events get the next position.
            #expect(try store.append(commit("dana", "s-dana-2", "c-dana-9", due: "2026-09-21", at: "2026-09-14T09:30:00Z")).positions == [20])
        }
        let layout = try Self.layout(folder)
        #expect(layout.format == EventStore.formatVersion && !layout.upgrading && layout.envelopeVersions == [3])
        let after = try EventStore.verify(directory: folder.path)
        #expect(after.isConsistent, "\(after)")
        #expect(after.events == 20 && after.salespeople == 2)
    }

    struct Interrupted: Error {}

    /// The texts the fixture holds in clear, as format 2 stored them.
    static let clearTexts = ["Lead the team", "Call ten lapsed customers", "Prepare each call", "Block Friday mornings", "career"]

    /// The upgrade seals the old clear text, and the compacted copy that replaces the file leaves
    /// none of it in the pages the conversion freed; an interrupted sealing copies again at the next open.
    @Test func upgradeLeavesNoClearTextInTheFile() throws {
        let folder = try Self.format2Store()
        let before = try Self.dataFile(folder)
        for text in Self.clearTexts { #expect(before.range(of: Data(text.utf8)) != nil, "the fixture holds \(text)") }
        do {
            let store = try EventStore(directory: folder.path)
            try store.flush()
        }
        let after = try Self.dataFile(folder)
        for text in Self.clearTexts { #expect(after.range(of: Data(text.utf8)) == nil, "\(text) is still in clear") }
        // Interrupted after its first chunk: the next open finishes the conversion and the copy.
        let interrupted = try Self.format2Store()
        struct Stop: Error {}
        let options = EventStore.Options(chunkEvents: 4, afterChunk: { if $0 == 1 { throw Stop() } })
        #expect(throws: (any Error).self) { _ = try EventStore(directory: interrupted.path, options: options) }
        do {
            let store = try EventStore(directory: interrupted.path)
            try Self.expectSameHistory(store)
        }
        let resumed = try Self.dataFile(interrupted)
        for text in Self.clearTexts { #expect(resumed.range(of: Data(text.utf8)) == nil, "\(text) is still in clear") }
    }

    /// An upgrade of 19 events in chunks of 4 commits 5 log chunks, 5 chunks hashing the log into the
    /// chain, then 5 projection chunks. Stopped after each of them in turn (the state a crash between two
    /// transactions leaves; a crash inside one leaves the state before it), the store still opens and
    /// finishes the work.
    @Test(arguments: 1...15)
    func interruptedUpgradeResumesAtTheNextOpen(_ stopAfter: Int) throws {
        let folder = try Self.format2Store()
        let options = EventStore.Options(
            chunkEvents: 4,
            afterChunk: { committed in
                if committed == stopAfter { throw Interrupted() }
            })
        #expect(throws: StoreError.self) { _ = try EventStore(directory: folder.path, options: options) }
        let layout = try Self.layout(folder)
        #expect(layout.format == EventStore.formatVersion)
        #expect(layout.upgrading == (stopAfter < 5), "upgrade marker after \(stopAfter) chunks")
        // Part converted, part not, while the upgrade runs.
        #expect(layout.envelopeVersions == (stopAfter < 5 ? [1, 3] : [3]))
        // verify says what is unfinished and leaves it so.
        let interrupted = try Self.dataFile(folder)
        let report = try EventStore.verify(directory: folder.path)
        #expect((report.upgradeNeeded != nil) == (stopAfter <= 10), "\(report)")
        // Stopped while folding the log into the new projections: a store whose tables end
        // before its log, as a killed daemon leaves it, which verify accepts.
        if stopAfter > 10 { #expect(report.isConsistent && report.unflushed == UInt64(max(0, 19 - 4 * (stopAfter - 10))), "\(report)") }
        #expect(try Self.dataFile(folder) == interrupted)
        let store = try EventStore(directory: folder.path, options: .init(chunkEvents: 4))
        try Self.expectSameHistory(store)
        #expect(try store.verify().isConsistent)
        #expect(try Self.layout(folder).envelopeVersions == [3])
    }

    @Test func reasonsVerifyGivesForAnUnfinishedStore() throws {
        var reasons: [String] = []
        for stopAfter in [1, 5, 6, 10, 11] {
            let folder = try Self.format2Store()
            let options = EventStore.Options(chunkEvents: 4, afterChunk: { if $0 == stopAfter { throw Interrupted() } })
            _ = try? EventStore(directory: folder.path, options: options)
            let report = try EventStore.verify(directory: folder.path)
            reasons.append(report.upgradeNeeded ?? "unflushed \(report.unflushed)")
        }
        #expect(
            reasons[0].contains("upgrade to store format \(EventStore.formatVersion) stopped before event 5"),
            "\(reasons[0])")
        #expect(reasons[1].contains("stopped before hashing event 1"), "\(reasons[1])")
        #expect(reasons[2].contains("stopped before hashing event 5"), "\(reasons[2])")
        #expect(reasons[3].contains("projections are version 2"), "\(reasons[3])")
        #expect(reasons[4] == "unflushed 15", "\(reasons[4])")
    }
}

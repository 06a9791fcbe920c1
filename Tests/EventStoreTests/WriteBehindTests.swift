import CoachLogJSON
import CoachLogProtocol
import CoachLogTestSupport
import CoachingDomain
import EventStore
import Testing

/// The tables behind the log: a store closed at any moment between a log
/// commit and a flush (what a crash leaves) opens with every acknowledged
/// event in its queries, its indexes and, after a flush, its tables.
@Suite struct WriteBehindTests {
    /// Commits `history` in random group commits with random flushes between them.
    static func load(_ store: EventStore, _ history: [[ProposedEvent]], seed: UInt64) throws -> UInt64 {
        var rng = SplitMix64(seed: seed)
        var index = 0
        var head: UInt64 = 0
        while index < history.count {
            let size = Int.random(in: 1...16, using: &rng)
            let batch = try history[index..<min(index + size, history.count)].map { try AppendRequest(events: $0).prepare() }
            for result in try store.commit(batch, now: clock) { head = try result.get().positions.last ?? head }
            if Int.random(in: 0..<8, using: &rng) == 0 { try store.flush() }
            index += size
        }
        return head
    }

    static func figures(_ store: EventStore) throws -> [String] {
        let asOf = AsOf(parsing: "2026-10-01")!
        return try store.query { model in
            [
                "\(try Projections.followThrough(scope: .everyone, weeks: 8, asOf: asOf, model: model))",
                "\(try Projections.team(scope: .coach("kim"), weeks: 4, asOf: asOf, model: model))",
                "\(try Projections.openCommitments(scope: .everyone, overdueOnly: false, asOf: asOf, model: model))",
                "\(try Projections.cadence(scope: .everyone, asOf: asOf, model: model))",
            ]
        }
    }

    @Test func aStoreClosedBeforeItsFlushOpensWithEveryEvent() throws {
        let folder = TemporaryFolder()
        let history = generateHistory(seed: 7, salespeople: 10, weeks: 30)
        var head: UInt64 = 0
        var before: [String] = []
        do {
            let store = try EventStore(directory: folder.path)
            head = try Self.load(store, history, seed: 3)
            before = try Self.figures(store)
            #expect(store.unflushedEvents > 0, "the last events are written behind, not yet flushed")
        }
        // What a kill leaves: the log holds every event, the tables stop at the checkpoint.
        let stopped = try EventStore.verify(directory: folder.path)
        #expect(stopped.isConsistent, "\(stopped.problems)")
        #expect(stopped.unflushed > 0 && stopped.events == head)

        let reopened = try EventStore(directory: folder.path)
        #expect(reopened.unflushedEvents == 0, "an open folds the tail and flushes it")
        #expect(try Self.figures(reopened) == before)
        let report = try reopened.verify()
        #expect(report.isConsistent && report.unflushed == 0, "\(report.problems)")
        let incremental = try reopened.projectionDump()
        try reopened.rebuildProjections()
        #expect(try reopened.projectionDump() == incremental)
    }

    @Test func eventIdsAndStreamVersionsOfUnflushedEventsStillCount() throws {
        let folder = TemporaryFolder()
        var first: AppendResult?
        do {
            let store = try EventStore(directory: folder.path)
            try store.append(open("ana", "s1"))
            try store.flush()
            first = try store.append(
                AppendRequest(events: [ProposedEvent(type: "CommitmentMade", data: commit("ana", "s1", "c1").data, eventId: "e-1")]),
                now: clock)
            // Not flushed: the retry and the version check must still see it.
            let retry = try store.append(
                AppendRequest(events: [ProposedEvent(type: "CommitmentMade", data: commit("ana", "s1", "c1").data, eventId: "e-1")]),
                now: clock)
            #expect(retry.replayed && retry.positions == first?.positions)
            #expect(throws: StoreError.self) { try store.append(close("ana", "s1"), expectedVersion: 1) }
            #expect(store.unflushedEvents == 1)
        }
        let store = try EventStore(directory: folder.path)
        let retry = try store.append(
            AppendRequest(events: [ProposedEvent(type: "CommitmentMade", data: commit("ana", "s1", "c1").data, eventId: "e-1")]),
            now: clock)
        #expect(retry.replayed && retry.positions == first?.positions && retry.streamVersion == 2)
        try store.append(close("ana", "s1"), expectedVersion: 2)
        #expect(try store.read(after: 0, limit: 10, salesperson: "ana").events.map(\.position) == [1, 2, 3])
    }

    @Test func readingOneSalespersonCoversTheUnflushedTail() throws {
        let folder = TemporaryFolder()
        let store = try EventStore(directory: folder.path)
        try store.append(open("ana", "s1"))
        try store.append(open("bo", "s2"))
        try store.flush()
        try store.append(commit("ana", "s1", "c1"))
        try store.append(commit("bo", "s2", "c2"))
        #expect(try store.read(after: 0, limit: 10, salesperson: "ana").events.map(\.position) == [1, 3])
        #expect(try store.read(after: 1, limit: 10, salesperson: "bo").events.map(\.position) == [2, 4])
        #expect(try store.read(after: 0, limit: 1, salesperson: "bo").events.map(\.position) == [2])
    }

    @Test(arguments: [1, 2, 5])
    func anOpenInterruptedWhileFoldingTheTailResumes(_ stopAfter: Int) throws {
        let folder = TemporaryFolder()
        let history = generateHistory(seed: 11, salespeople: 4, weeks: 6)
        var before: [String] = []
        do {
            let store = try EventStore(directory: folder.path)
            _ = try Self.load(store, history, seed: 5)
            before = try Self.figures(store)
        }
        struct Stop: Error {}
        let options = EventStore.Options(chunkEvents: 7, afterChunk: { if $0 == stopAfter { throw Stop() } })
        #expect(throws: StoreError.self) { _ = try EventStore(directory: folder.path, options: options) }
        let stopped = try EventStore.verify(directory: folder.path)
        #expect(stopped.isConsistent, "\(stopped.problems)")
        let store = try EventStore(directory: folder.path)
        #expect(try Self.figures(store) == before)
        #expect(try store.verify().isConsistent)
    }

    @Test func aDeferredStoreRefusesUntilLoadedAndRebuildsWithoutLoading() throws {
        let folder = TemporaryFolder()
        var before: [String] = []
        do {
            let store = try EventStore(directory: folder.path)
            _ = try Self.load(store, generateHistory(seed: 5, salespeople: 3, weeks: 4), seed: 9)
            before = try Self.figures(store)
        }
        var options = EventStore.Options()
        options.deferringReadModel = true
        do {
            let waiting = try EventStore(directory: folder.path, options: options)
            #expect { _ = try waiting.query { try $0.people() } } throws: { ($0 as? StoreError)?.kind == .unavailable }
            #expect { try waiting.append(open("zed", "s-z")) } throws: { ($0 as? StoreError)?.kind == .unavailable }
            try waiting.loadReadModel()
            #expect(try Self.figures(waiting) == before)
        }
        // `coachlogd rebuild`'s way: never loaded, rebuilt from the log alone.
        let rebuilding = try EventStore(directory: folder.path, options: options)
        try rebuilding.rebuildProjections()
        #expect(try Self.figures(rebuilding) == before)
        #expect(try rebuilding.verify().isConsistent)
    }
}

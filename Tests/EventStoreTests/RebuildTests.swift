import CoachLogJSON
import CoachLogTestSupport
import CoachLogProtocol
import CoachingDomain
import EventStore
import Testing

@Suite struct RebuildTests {
    @Test func incrementalProjectionsEqualAFullRebuild() throws {
        let folder = TemporaryFolder()
        let store = try EventStore(directory: folder.path)
        let history = generateHistory(seed: 42, salespeople: 12, weeks: 40)
        var rng = SplitMix64(seed: 99)
        var index = 0
        var memory = InMemoryReadModel()
        var position: UInt64 = 0
        // Group commits of random sizes, as the daemon makes them.
        while index < history.count {
            let size = Int.random(in: 1...16, using: &rng)
            let batch = try history[index..<min(index + size, history.count)].map {
                try AppendRequest(events: $0).prepare()
            }
            for result in try store.commit(batch, now: clock) { _ = try result.get() }
            for append in batch {
                for event in append.events {
                    position += 1
                    try memory.record(event.event, position: position, recordedAt: clock)
                }
            }
            index += size
        }
        #expect(position > 3000)
        let incremental = try store.projectionDump()
        let asOf = AsOf(parsing: "2026-10-01")!
        let storeFigures = try store.query { try Projections.followThrough(scope: .everyone, weeks: 8, asOf: asOf, model: $0) }
        let memoryFigures = try Projections.followThrough(scope: .everyone, weeks: 8, asOf: asOf, model: memory)
        #expect(storeFigures == memoryFigures)
        let storeOpen = try store.query { try Projections.openCommitments(scope: .coach("kim"), overdueOnly: false, asOf: asOf, model: $0) }
        #expect(storeOpen == (try Projections.openCommitments(scope: .coach("kim"), overdueOnly: false, asOf: asOf, model: memory)))

        try store.rebuildProjections()
        let rebuilt = try store.projectionDump()
        #expect(rebuilt.keys.sorted() == incremental.keys.sorted())
        for (name, rows) in incremental {
            #expect(rows.count > 0 || name == "insights", "table \(name) is empty")
            #expect(rebuilt[name] == rows, "table \(name) differs after a rebuild")
        }
    }
}

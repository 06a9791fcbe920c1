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

@Suite struct DurabilityTests {
    @Test func dataSurvivesCloseAndReopen() throws {
        let folder = TemporaryFolder()
        var before: (UInt64, [String: [[UInt8]]], [EventEnvelope])
        do {
            let store = try EventStore(directory: folder.path)
            try store.append(open("dana", "s1"), commit("dana", "s1", "c1"))
            before = try store.snapshot()
        }
        let reopened = try EventStore(directory: folder.path)
        let after = try reopened.snapshot()
        #expect(after.0 == 2)
        #expect(before.1 == after.1)
        #expect(before.2 == after.2)
        #expect(try reopened.append(commit("dana", "s1", "c2")).positions == [3])
    }

    @Test func secondOpenOfTheSameFolderIsRefused() throws {
        let folder = TemporaryFolder()
        let store = try EventStore(directory: folder.path)
        #expect {
            _ = try EventStore(directory: folder.path)
        } throws: { error in
            (error as? StoreError)?.kind == .locked && "\(error)".contains("already in use")
        }
        _ = store
    }

    @Test func foreignFileIsRefusedAndUntouched() throws {
        let folder = TemporaryFolder()
        let path = folder.path + "/" + EventStore.dataFileName
        let content = Array("this is not a database, it is a shopping list\n".utf8) + [UInt8](repeating: 7, count: 5000)
        let fd = Glibc.open(path, O_WRONLY | O_CREAT, 0o600)
        _ = content.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        Glibc.close(fd)
        #expect {
            _ = try EventStore(directory: folder.path)
        } throws: { error in
            (error as? StoreError)?.kind == .format && "\(error)".contains("not a CoachLog store")
        }
        var back = [UInt8](repeating: 0, count: content.count + 10)
        let rfd = Glibc.open(path, O_RDONLY)
        let n = read(rfd, &back, back.count)
        Glibc.close(rfd)
        #expect(Array(back[0..<n]) == content)
    }

    @Test func otherLMDBFileIsRefused() throws {
        let folder = TemporaryFolder()
        let path = folder.path + "/" + EventStore.dataFileName
        do {
            let env = try Environment(path: path)
            let db = try env.openDatabase("something")
            try env.write { txn in try txn.put(db, key: Array("k".utf8), value: Array("v".utf8)) }
        }
        #expect {
            _ = try EventStore(directory: folder.path)
        } throws: { error in
            (error as? StoreError)?.kind == .format && "\(error)".contains("not a CoachLog store")
        }
    }

    @Test func newerFormatIsRefused() throws {
        let folder = TemporaryFolder()
        do {
            let store = try EventStore(directory: folder.path)
            try store.append(open("dana", "s1"))
        }
        let path = folder.path + "/" + EventStore.dataFileName
        do {
            let env = try Environment(path: path)
            let meta = try env.openDatabase("meta", create: false)
            try env.write { txn in
                try txn.put(meta, key: Array("format".utf8), value: [0, 0, 0, 0, 0, 0, 0, 99])
            }
        }
        #expect {
            _ = try EventStore(directory: folder.path)
        } throws: { error in
            (error as? StoreError)?.kind == .format && "\(error)".contains("newer CoachLog")
        }
    }

    @Test func formatOneStoreIsUpgradedInPlace() throws {
        let folder = TemporaryFolder()
        do {
            let store = try EventStore(directory: folder.path)
            try store.append(open("dana", "s1"), commit("dana", "s1", "c1"))
        }
        let path = folder.path + "/" + EventStore.dataFileName
        do {
            // What format 1 looked like: versions kept in a `streams` table, and no hash chain.
            let env = try Environment(path: path)
            let meta = try env.openDatabase("meta", create: false)
            let streams = try env.openDatabase("streams")
            let chain = try env.openDatabase("chain", create: false)
            try env.write { txn in
                try txn.clear(chain)
                try txn.put(meta, key: Array("format".utf8), value: [0, 0, 0, 0, 0, 0, 0, 1])
                try txn.put(streams, key: Array("dana".utf8), value: [0, 0, 0, 0, 0, 0, 0, 2])
            }
        }
        do {
            let store = try EventStore(directory: folder.path)
            let result = try store.append(commit("dana", "s1", "c2"), expectedVersion: 2)
            #expect(result.streamVersion == 3)
            #expect(try store.verify().isConsistent)
        }
        let env = try Environment(path: path)
        let meta = try env.openDatabase("meta", create: false)
        let format = try env.read { try $0.get(meta, key: Array("format".utf8)) }
        #expect(format == [0, 0, 0, 0, 0, 0, 0, UInt8(EventStore.formatVersion)])
    }

    @Test func olderProjectionsAreRebuiltAtOpen() throws {
        let folder = TemporaryFolder()
        var before: [String: [[UInt8]]] = [:]
        do {
            let store = try EventStore(directory: folder.path)
            for events in generateHistory(seed: 5, salespeople: 3, weeks: 5) {
                try store.append(AppendRequest(events: events), now: clock)
            }
            before = try store.projectionDump()
        }
        do {
            // Pretend an older coachlogd wrote these projections, and scramble one table.
            let env = try Environment(path: folder.path + "/" + EventStore.dataFileName)
            let meta = try env.openDatabase("meta", create: false)
            let people = try env.openDatabase("people", create: false)
            try env.write { txn in
                try txn.put(meta, key: Array("projectionVersion".utf8), value: [0, 0, 0, 0, 0, 0, 0, 1])
                try txn.clear(people)
            }
        }
        let reopened = try EventStore(directory: folder.path)
        #expect(try reopened.projectionDump() == before)
        #expect(try reopened.verify().isConsistent)
    }

    @Test func fullMapGrowsInsteadOfFailing() throws {
        let folder = TemporaryFolder()
        let store = try EventStore(directory: folder.path, options: .init(mapSize: 64 * 1024))
        let history = generateHistory(seed: 7, salespeople: 5, weeks: 20)
        for events in history { try store.append(AppendRequest(events: events), now: clock) }
        let stats = try store.statistics()
        #expect(stats.mapBytes > 64 * 1024)
        #expect(stats.position == UInt64(history.reduce(0) { $0 + $1.count }))
    }

    /// A commit retried after the map grew writes the keys of the people its
    /// first attempt met (they were not committed): every name reads back
    /// after a reopen, whichever append the growth fell on.
    @Test func newPeopleKeepTheirKeysWhenTheMapGrows() throws {
        let folder = TemporaryFolder()
        var names: [String] = []
        do {
            let store = try EventStore(directory: folder.path, options: .init(mapSize: 64 * 1024))
            for i in 0..<400 {
                let name = "person-\(i)"
                names.append(name)
                try store.append(
                    AppendRequest(events: [
                        ProposedEvent(
                            type: "SessionOpened",
                            data: ["sessionId": .string("s\(i)"), "salesperson": .string(name), "coach": .string("coach-\(i % 7)")])
                    ]), now: clock)
            }
            #expect(try store.statistics().mapBytes > 64 * 1024, "the map grew")
        }
        let reopened = try EventStore(directory: folder.path)
        let events = try reopened.read(after: 0, limit: 1000).events
        #expect(events.map(\.salesperson) == names)
        #expect(try reopened.verify().isConsistent)
    }

    @Test func backupIsACompleteStore() throws {
        let folder = TemporaryFolder()
        let store = try EventStore(directory: folder.path)
        for events in generateHistory(seed: 3, salespeople: 4, weeks: 6) {
            try store.append(AppendRequest(events: events), now: clock)
        }
        let target = folder.path + "/backup.mdb"
        let result = try store.backup(to: target)
        #expect(result.position == (try store.headPosition()))
        #expect(result.bytes > 0)
        #expect(throws: StoreError.self) { try store.backup(to: target) }
        let restored = TemporaryFolder()
        #expect(link(target, restored.path + "/" + EventStore.dataFileName) == 0)
        let copy = try EventStore(directory: restored.path)
        #expect(try copy.snapshot().1 == (try store.snapshot().1))
        #expect(try copy.snapshot().2 == (try store.snapshot().2))
    }
}

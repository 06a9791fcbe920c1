import CoachLogJSON
import CoachLogTestSupport
import CoachLogProtocol
import CoachingDomain
import EventStore
import Foundation
import LMDB
import Testing

/// `EventStore.verify(directory:)`: a read-only check of a stopped store.
@Suite struct VerifyTests {
    static func history(into folder: TemporaryFolder) throws {
        let store = try EventStore(directory: folder.path)
        for events in generateHistory(seed: 11, salespeople: 4, weeks: 6) {
            try store.append(AppendRequest(events: events), now: clock)
        }
        // As a daemon leaves it when it stops: the tables behind the log written.
        try store.flush()
    }

    static func dataFile(_ folder: TemporaryFolder) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: folder.path + "/" + EventStore.dataFileName))
    }

    @Test func verifyOfACurrentStoreChangesNoByte() throws {
        let folder = TemporaryFolder()
        try Self.history(into: folder)
        let before = try Self.dataFile(folder)
        let report = try EventStore.verify(directory: folder.path)
        #expect(report.isConsistent && report.upgradeNeeded == nil, "\(report)")
        #expect(report.events > 100 && report.salespeople == 4)
        #expect(try Self.dataFile(folder) == before)
    }

    @Test func verifyRefusesAFolderAnOpenStoreHolds() throws {
        let folder = TemporaryFolder()
        do {
            let store = try EventStore(directory: folder.path)
            try store.append(open("dana", "s1"))
            #expect {
                _ = try EventStore.verify(directory: folder.path)
            } throws: { error in
                (error as? StoreError)?.kind == .locked && "\(error)".contains("in use by process \(getpid())")
            }
        }
        #expect(try EventStore.verify(directory: folder.path).isConsistent)
    }

    @Test func verifyFindsProjectionsThatDifferFromARebuild() throws {
        let folder = TemporaryFolder()
        try Self.history(into: folder)
        do {
            let env = try Environment(path: folder.path + "/" + EventStore.dataFileName)
            let insights = try env.openDatabase("insights", create: false)
            try env.write { txn in
                let first = try #require(try txn.last(insights))
                try txn.delete(insights, key: first.key)
            }
        }
        let report = try EventStore.verify(directory: folder.path)
        #expect(report.problems == ["projection table insights differs from a rebuild from the log"])
    }

    @Test func verifyOfAFolderWithoutAStoreCreatesNothing() throws {
        let folder = TemporaryFolder()
        let missing = folder.path + "/none"
        #expect {
            _ = try EventStore.verify(directory: missing)
        } throws: { error in
            "\(error)".contains("no CoachLog store")
        }
        #expect(!FileManager.default.fileExists(atPath: missing))
        #expect(throws: StoreError.self) { _ = try EventStore.verify(directory: folder.path) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }
}

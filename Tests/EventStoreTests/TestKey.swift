import EventStore
import Sealing

/// Every store these tests open is sealed with this one key, so that a test
/// can reopen a store as a daemon restart would.
let testMasterKey = MasterKey.random()

extension EventStore {
    convenience init(directory: String) throws {
        try self.init(directory: directory, options: Options())
    }

    static func verify(directory: String) throws -> VerificationReport {
        try verify(directory: directory, masterKey: testMasterKey)
    }
}

extension EventStore.Options {
    init(
        mapSize: Int = EventStore.Options.defaultMapSize, maximumMapSize: Int = 1 << 40, chunkEvents: Int = 100_000,
        afterChunk: (@Sendable (_ committed: Int) throws -> Void)? = nil
    ) {
        self.init(
            masterKey: testMasterKey, mapSize: mapSize, maximumMapSize: maximumMapSize, chunkEvents: chunkEvents,
            afterChunk: afterChunk)
    }
}

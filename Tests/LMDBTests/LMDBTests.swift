import CoachLogTestSupport
import LMDB
import Testing

#if canImport(Glibc)
import Glibc
#endif

private func temporaryFile() -> (folder: String, path: String) {
    let folder = try! makeTemporaryFolder(prefix: "lmdb-test")
    return (folder, folder + "/data.mdb")
}

private func cleanUp(_ folder: String) {
    unlink(folder + "/data.mdb")
    unlink(folder + "/data.mdb-lock")
    rmdir(folder)
}

private func key(_ s: String) -> [UInt8] { Array(s.utf8) }

@Suite struct LMDBTests {
    @Test func writesCommitAndThrowingBodiesAbort() throws {
        let (folder, path) = temporaryFile()
        defer { cleanUp(folder) }
        let env = try Environment(path: path)
        let db = try env.openDatabase("t")
        try env.write { txn in try txn.put(db, key: key("a"), value: key("1")) }
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try env.write { txn in
                try txn.put(db, key: key("b"), value: key("2"))
                throw Boom()
            }
        }
        #expect(try env.read { try $0.get(db, key: key("a")) } == key("1"))
        #expect(try env.read { try $0.get(db, key: key("b")) } == nil)
    }

    @Test func nestedTransactionRollsBackAlone() throws {
        let (folder, path) = temporaryFile()
        defer { cleanUp(folder) }
        let env = try Environment(path: path)
        let db = try env.openDatabase("t")
        struct Refused: Error {}
        try env.write { txn in
            try txn.put(db, key: key("outer"), value: key("1"))
            _ = try? txn.nested { child -> Void in
                try child.put(db, key: key("inner"), value: key("2"))
                throw Refused()
            }
            try txn.nested { child in try child.put(db, key: key("kept"), value: key("3")) }
        }
        let values = try env.read { txn in
            [try txn.get(db, key: key("outer")), try txn.get(db, key: key("inner")), try txn.get(db, key: key("kept"))]
        }
        #expect(values == [key("1"), nil, key("3")])
    }

    @Test func noOverwriteAndScansInKeyOrder() throws {
        let (folder, path) = temporaryFile()
        defer { cleanUp(folder) }
        let env = try Environment(path: path)
        let db = try env.openDatabase("t")
        try env.write { txn in
            for k in ["b/2", "a/1", "b/1", "c/1"] { try txn.put(db, key: key(k), value: key(k)) }
            #expect(try txn.put(db, key: key("a/1"), value: key("x"), flags: .noOverwrite) == false)
        }
        let (seen, kept, count, last) = try env.read { txn throws -> ([String], [UInt8]?, Int, [UInt8]?) in
            var seen: [String] = []
            try txn.scan(db, prefix: key("b/")) { k, _ in
                seen.append(String(decoding: k, as: UTF8.self))
                return true
            }
            return (seen, try txn.get(db, key: key("a/1")), try txn.count(db), try txn.last(db)?.key)
        }
        #expect(seen == ["b/1", "b/2"])
        #expect(kept == key("a/1"))
        #expect(count == 4)
        #expect(last == key("c/1"))
    }

    @Test func fullMapGrowsAndTheWriteIsRetried() throws {
        let (folder, path) = temporaryFile()
        defer { cleanUp(folder) }
        let env = try Environment(path: path, options: .init(mapSize: 32 * 1024))
        let db = try env.openDatabase("t")
        let value = [UInt8](repeating: 42, count: 1000)
        for i in 0..<500 {
            try env.write { txn in try txn.put(db, key: key("k\(i)"), value: value) }
        }
        #expect(env.mapSize > 32 * 1024)
        #expect(try env.read { try $0.count(db) } == 500)
    }

    @Test func errorsCarryLMDBsCodeAndMessage() throws {
        let (folder, path) = temporaryFile()
        defer { cleanUp(folder) }
        let env = try Environment(path: path)
        #expect {
            _ = try env.read { txn in try txn.openDatabase("missing", create: false) }
        } throws: { error in
            guard let e = error as? LMDBError else { return false }
            return e.code == LMDBError.notFound && e.isNotFound && e.description.contains("mdb_dbi_open(missing)")
        }
    }

    @Test func aFileThatIsNotLMDBIsRejected() throws {
        let (folder, path) = temporaryFile()
        defer { cleanUp(folder) }
        let fd = open(path, O_WRONLY | O_CREAT, 0o600)
        let junk = [UInt8](repeating: 0x41, count: 8192)
        _ = junk.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        #expect {
            _ = try Environment(path: path)
        } throws: { error in
            (error as? LMDBError)?.isInvalidFile == true
        }
    }

    @Test func deleteRemovesOneEntry() throws {
        let (folder, path) = temporaryFile()
        defer { cleanUp(folder) }
        let env = try Environment(path: path)
        let db = try env.openDatabase("t")
        try env.write { txn in
            try txn.put(db, key: key("a"), value: key("1"))
            try txn.put(db, key: key("b"), value: key("2"))
        }
        let removed = try env.write { txn in (try txn.delete(db, key: key("a")), try txn.delete(db, key: key("zz"))) }
        #expect(removed == (true, false))
        #expect(try env.read { [try $0.get(db, key: key("a")), try $0.get(db, key: key("b"))] } == [nil, key("2")])
    }

    /// What `coachlogd verify` relies on: MDB_RDONLY | MDB_NOLOCK changes no byte of the
    /// file, creates no lock file, and refuses write transactions.
    @Test func readOnlySnapshotWritesNothing() throws {
        let (folder, path) = temporaryFile()
        defer { cleanUp(folder) }
        do {
            let env = try Environment(path: path)
            let db = try env.openDatabase("t")
            try env.write { txn in try txn.put(db, key: key("a"), value: key("1")) }
        }
        unlink(path + "-lock")
        func contents() -> [UInt8] {
            let fd = open(path, O_RDONLY)
            defer { close(fd) }
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while case let n = read(fd, &buffer, buffer.count), n > 0 { bytes += buffer[0..<n] }
            return bytes
        }
        let before = contents()
        let env = try Environment(path: path, options: .init(readOnlySnapshot: true))
        let value = try env.read { txn in try txn.get(try txn.openDatabase("t", create: false), key: key("a")) }
        #expect(value == key("1"))
        #expect(throws: LMDBError.self) {
            try env.write { txn in try txn.put(try txn.openDatabase("t", create: false), key: key("b"), value: key("2")) }
        }
        #expect(contents() == before)
        #expect(access(path + "-lock", F_OK) != 0, "a lock file was created")
    }
}

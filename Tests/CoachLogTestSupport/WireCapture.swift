import CoachLogClient
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Records every line test clients read from a daemon, and checks them against
/// `Protocol.schema.json` when that daemon's `DaemonProcess` ends, so that every end-to-end test
/// also proves the daemon's output matches the documented contract.
///
/// Lines arrive through `Connection.lineObserver` (installed by the first `DaemonProcess`) and
/// through raw test clients calling `record`. They are kept per socket path in a file under
/// `/tmp/coachlog-wire-PID/`. When a daemon ends, the lines of its sockets are checked and every
/// invalid one becomes a test issue naming the line and the schema error; lines still unchecked
/// when the process exits are checked then, and an invalid one makes the process exit with 1.
///
/// Where the validator cannot run (python3 or jsonschema missing), nothing is recorded and a note
/// is printed, except under `CI=true`, where each daemon's end records an issue instead.
public enum WireCapture {
    /// Records one line (without its `\n`) read from the daemon at `socket`.
    public static func record(_ line: some Collection<UInt8>, socket: String) {
        guard enabled else { return }
        store.append(Array(line) + [0x0A], socket: socket)
    }

    /// Records the complete lines of a raw read from the daemon at `socket`; a last line without
    /// its `\n` (cut short when the connection closed) is left out.
    public static func record(stream bytes: [UInt8], socket: String) {
        guard enabled, let last = bytes.lastIndex(of: 0x0A) else { return }
        let lines = bytes[...last].split(separator: 0x0A, omittingEmptySubsequences: true)
        for line in lines { store.append(Array(line) + [0x0A], socket: socket) }
    }

    /// Installs the observer on `Connection` (once per process).
    public static func install() { _ = installed }

    /// Checks the lines recorded for `sockets` since their last check; each failure names the
    /// socket, the line and the schema error. Empty when everything matches.
    public static func check(sockets: [String]) -> [String] {
        guard let reason = SchemaValidator.unavailableReason else {
            var problems: [String] = []
            for (socket, file) in store.take(sockets) {
                defer { try? FileManager.default.removeItem(atPath: file) }
                do {
                    for failure in try SchemaValidator.check(file: file, kind: .server) {
                        problems.append("coachlogd at \(socket) wrote a line that does not match Protocol.schema.json, \(failure)")
                    }
                } catch {
                    problems.append("cannot check the lines of coachlogd at \(socket): \(error)")
                }
            }
            return problems
        }
        return SchemaValidator.isRequired ? ["cannot check the daemon's lines against Protocol.schema.json (CI=true): \(reason)"] : []
    }

    /// `check`, with every problem recorded as an issue of the running test (or, outside a test,
    /// kept for the check at process exit).
    public static func checkAndReport(sockets: [String]) {
        let problems = check(sockets: sockets)
        guard !problems.isEmpty else { return }
        if Test.current != nil {
            for problem in problems.prefix(10) { Issue.record(Comment(rawValue: problem)) }
            if problems.count > 10 { Issue.record(Comment(rawValue: "… and \(problems.count - 10) more lines")) }
        } else {
            store.keep(problems)
        }
    }

    // MARK: Internals

    private static let enabled: Bool = {
        if let reason = SchemaValidator.unavailableReason, !SchemaValidator.isRequired {
            FileHandle.standardError.write(Data("note: daemon lines are not checked against Protocol.schema.json: \(reason)\n".utf8))
            return false
        }
        return SchemaValidator.unavailableReason == nil
    }()

    private static let installed: Void = {
        guard enabled else { return }
        Connection.lineObserver = { socket, line in WireCapture.record(line, socket: socket) }
        atexit { WireCapture.checkAtExit() }
    }()

    private static let store = Store()

    /// Lines still unchecked when the test process ends: checked now; an invalid one fails the run.
    private static func checkAtExit() {
        let problems = store.keptProblems() + check(sockets: store.sockets())
        guard !problems.isEmpty else { return }
        for problem in problems { FileHandle.standardError.write(Data("error: \(problem)\n".utf8)) }
        _exit(1)
    }

    /// Captured lines per socket: a small buffer in memory, flushed to the socket's file.
    private final class Store: @unchecked Sendable {
        // @unchecked: every member is only touched under `lock`.
        private let lock = NSLock()
        private var files: [String: (path: String, handle: FileHandle, pending: [UInt8])] = [:]
        private var problems: [String] = []
        private var counter = 0
        private let folder = NSTemporaryDirectory() + "/coachlog-wire-\(getpid())"

        func append(_ bytes: [UInt8], socket: String) {
            lock.lock()
            defer { lock.unlock() }
            if files[socket] == nil {
                try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                counter += 1
                let path = "\(folder)/\(counter).lines"
                FileManager.default.createFile(atPath: path, contents: nil)
                guard let handle = FileHandle(forWritingAtPath: path) else { return }
                files[socket] = (path, handle, [])
            }
            files[socket]?.pending += bytes
            if let entry = files[socket], entry.pending.count >= 1 << 20 {
                try? entry.handle.write(contentsOf: entry.pending)
                files[socket]?.pending = []
            }
        }

        /// Closes and hands over the files of `sockets`; later lines go to new files.
        func take(_ sockets: [String]) -> [(socket: String, file: String)] {
            lock.lock()
            defer { lock.unlock() }
            var taken: [(String, String)] = []
            for socket in Set(sockets) {
                guard let entry = files.removeValue(forKey: socket) else { continue }
                try? entry.handle.write(contentsOf: entry.pending)
                try? entry.handle.close()
                taken.append((socket, entry.path))
            }
            return taken
        }

        func sockets() -> [String] {
            lock.lock()
            defer { lock.unlock() }
            return Array(files.keys)
        }

        func keep(_ more: [String]) {
            lock.lock()
            problems += more
            lock.unlock()
        }

        func keptProblems() -> [String] {
            lock.lock()
            defer { lock.unlock() }
            return problems
        }
    }
}

import CoachLogJSON
import CoachingDomain
import EventStore

#if canImport(Glibc)
import Glibc
#endif

/// A fresh temporary folder, removed when the test is done.
final class TemporaryFolder {
    let path: String

    init() {
        var template = Array("/tmp/coachlog-test-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        path = made.map { String(cString: $0) } ?? "/tmp/coachlog-test-fallback-\(getpid())"
    }

    deinit {
        removeTree(path)
    }
}

func removeTree(_ path: String) {
    guard let dir = opendir(path) else {
        unlink(path)
        return
    }
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
        }
        if name == "." || name == ".." { continue }
        let child = path + "/" + name
        var st = stat()
        if lstat(child, &st) == 0, st.st_mode & S_IFMT == S_IFDIR { removeTree(child) } else { unlink(child) }
    }
    closedir(dir)
    rmdir(path)
}

let t0 = Timestamp(iso8601: "2026-09-07T09:00:00Z")!

func ts(_ text: String) -> Timestamp { Timestamp(iso8601: text)! }

func open(_ salesperson: String, _ session: String, coach: String = "lee", at: String = "2026-09-07T09:00:00Z") -> ProposedEvent {
    ProposedEvent(
        type: "SessionOpened",
        data: ["sessionId": .string(session), "salesperson": .string(salesperson), "coach": .string(coach), "at": .string(at)])
}

func commit(
    _ salesperson: String, _ session: String, _ id: String, kind: String = "more", due: String = "2026-09-14",
    at: String = "2026-09-07T09:10:00Z"
) -> ProposedEvent {
    ProposedEvent(
        type: "CommitmentMade",
        data: [
            "commitmentId": .string(id), "sessionId": .string(session), "salesperson": .string(salesperson),
            "kind": .string(kind), "text": "Call two lapsed customers", "due": .string(due), "at": .string(at),
        ])
}

func review(_ salesperson: String, _ session: String, _ id: String, outcome: String, at: String) -> ProposedEvent {
    ProposedEvent(
        type: "CommitmentReviewed",
        data: [
            "commitmentId": .string(id), "sessionId": .string(session), "salesperson": .string(salesperson),
            "outcome": .string(outcome), "at": .string(at),
        ])
}

func close(_ salesperson: String, _ session: String, at: String = "2026-09-07T10:00:00Z") -> ProposedEvent {
    ProposedEvent(
        type: "SessionClosed",
        data: ["sessionId": .string(session), "salesperson": .string(salesperson), "at": .string(at)])
}

extension EventStore {
    @discardableResult
    func append(_ events: ProposedEvent..., expectedVersion: UInt64? = nil) throws -> AppendResult {
        try append(AppendRequest(events: events, expectedVersion: expectedVersion), now: t0)
    }

    /// Everything a failed append must leave alone.
    func snapshot() throws -> (UInt64, [String: [[UInt8]]], [EventEnvelope]) {
        (try headPosition(), try projectionDump(), try read(after: 0, limit: 10_000).events)
    }
}

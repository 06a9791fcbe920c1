import CoachLogJSON
import CoachLogProtocol
import Dispatch
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// The audit trail: one JSON line per refusal, and per read of a person's
/// record by anyone but an operator or that person (README "Audit log").
/// Lines are appended by one serial queue, so a request never waits for the
/// disk; the file is created with mode 0600 and opened with O_APPEND, so
/// every line is one write, whole, at the end.
final class AuditLog: Sendable {
    /// One audited request.
    struct Entry: Sendable {
        var time: Timestamp
        var uid: UInt32?
        var pid: Int32?
        var role: String
        var op: String
        var subject: String
        var allowed: Bool
        var reason: String?

        var line: [UInt8] {
            var o: [String: JSONValue] = [
                "time": .string(time.iso8601), "uid": uid.map { .integer(Int64($0)) } ?? .null,
                "pid": pid.map { .integer(Int64($0)) } ?? .null, "role": .string(role), "op": .string(op),
                "subject": .string(subject), "allowed": .bool(allowed),
            ]
            if let reason { o["reason"] = .string(reason) }
            var bytes = JSONWriter.bytes(.object(o))
            bytes.append(0x0A)
            return bytes
        }
    }

    let path: String
    private let descriptor: Int32
    private let queue = DispatchQueue(label: "coachlogd.audit")
    private let logger: Logger

    /// Opens (or creates, mode 0600) the file for appending.
    init(path: String, logger: Logger) throws(AuditLogError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw AuditLogError(
                message: "cannot open the audit log \(path): \(String(cString: strerror(errno))); give --audit-log a writable path")
        }
        // An older file keeps its mode on open: the trail names who read whose record, so it is the daemon's alone.
        _ = fchmod(fd, 0o600)
        self.path = path
        self.descriptor = fd
        self.logger = logger
    }

    func record(_ entry: Entry) {
        queue.async { [descriptor, logger] in
            let bytes = entry.line
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written != bytes.count {
                logger.error("audit log write failed (\(written) of \(bytes.count) bytes): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Waits until every line recorded so far is written (for tests and shutdown).
    func flush() { queue.sync {} }

    deinit { close(descriptor) }
}

struct AuditLogError: Error, Sendable, CustomStringConvertible {
    var message: String
    var description: String { message }
}

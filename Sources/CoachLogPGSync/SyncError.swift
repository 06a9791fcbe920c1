/// Why the exporter stopped or paused, each said so that an operator knows what to do.
///
/// `daemon` and `postgres` are passing faults (a restart, a broken connection): the exporter
/// waits, reconnects and resumes from its checkpoint. `refused` is a state it must not write
/// into (a schema it did not create, a checkpoint ahead of the daemon's log, another log
/// altogether): it stops, and says why.
public enum SyncError: Error, Sendable, Equatable, CustomStringConvertible {
    /// coachlogd is unreachable, restarting, or sent something unexpected.
    case daemon(String)
    /// PostgreSQL is unreachable, restarting, or failed a statement.
    case postgres(String)
    /// Writing would make the copy wrong; nothing was written.
    case refused(String)

    public var description: String {
        switch self {
        case .daemon(let m): return "coachlogd: \(m)"
        case .postgres(let m): return "PostgreSQL: \(m)"
        case .refused(let m): return m
        }
    }

    /// Whether waiting and trying again can help.
    public var isPassing: Bool {
        if case .refused = self { return false }
        return true
    }
}

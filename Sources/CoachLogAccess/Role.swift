import CoachLogProtocol

/// What a connection may do, decided from its peer's Unix credentials and the
/// access file (README "Access control"). Names are compared as the record
/// compares them: byte for byte (`sameKey`).
public enum Role: Sendable, Hashable, CustomStringConvertible {
    /// Everything, including `backup` and every op a later version adds.
    case `operator`
    /// Appends in the sessions this coach holds; reads, queries and subscribes
    /// for the salespeople this coach currently coaches.
    case coach(String)
    /// Reads, queries and subscribes to this salesperson's own record; writes nothing.
    case salesperson(String)
    /// `hello`, `stats`, `checkpoint`, every `query`, `read` and `subscribe`, all without free text.
    case dashboard
    /// A peer the access file does not name: `hello` only.
    case unknown

    /// How messages and the audit log name the role, e.g. `coach Dana Lee`.
    public var description: String {
        switch self {
        case .operator: return "operator"
        case .coach(let name): return "coach \(name)"
        case .salesperson(let name): return "salesperson \(name)"
        case .dashboard: return "dashboard"
        case .unknown: return "unknown peer"
        }
    }

    /// The role's name alone, as the audit log's `role` member and `hello` give it.
    public var kind: String {
        switch self {
        case .operator: return "operator"
        case .coach: return "coach"
        case .salesperson: return "salesperson"
        case .dashboard: return "dashboard"
        case .unknown: return "unknown"
        }
    }

    /// What the role may do, in the words of a refusal.
    public var allowance: String {
        switch self {
        case .operator: return "do everything"
        case .coach(let name):
            return
                "append only in sessions they hold, and read, query and subscribe only for the salespeople they currently coach "
                + "(read and subscribe with \"salesperson\", query with \"salesperson\" or \"coach\": \"\(name)\")"
        case .salesperson(let name):
            return "only hello, and read, query and subscribe for their own record (\"salesperson\": \"\(name)\")"
        case .dashboard: return "only hello, stats, checkpoint, query, read and subscribe, all without free text"
        case .unknown: return "only hello; ask the operator to add you to the access file"
        }
    }

    /// The ops the role may use at all (a coach or salesperson only for some records).
    /// Ops not named here are the operator's alone, also ops added later.
    public var operations: [Operation] {
        let allowed: Set<Operation>
        switch self {
        case .operator: return Operation.allCases
        case .coach: allowed = [.hello, .append, .read, .query, .subscribe]
        case .salesperson: allowed = [.hello, .read, .query, .subscribe]
        case .dashboard: allowed = [.hello, .read, .query, .subscribe, .stats, .checkpoint]
        case .unknown: allowed = [.hello]
        }
        return Operation.allCases.filter(allowed.contains)
    }

    /// Whether deciding a request of this role needs facts from the record.
    public var needsFacts: Bool {
        if case .coach = self { return true }
        return false
    }
}

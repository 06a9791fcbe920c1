import CoachLogProtocol

/// Who the dashboard shows the record to, as the daemon decided from the
/// dashboard process's peer credentials (`hello`'s `role`, Protocol.md §11).
/// The daemon enforces every rule; the viewer only spares the dashboard from
/// asking for what would be refused and says why a page is empty.
public enum Viewer: Sendable, Equatable, CustomStringConvertible {
    /// The operator (or a daemon without an access file): everything, texts included.
    case everyone
    /// The `dashboard` role: every number, no free text.
    case numbersOnly
    /// A coach: that coach's salespeople, texts included.
    case coach(String)
    /// A salesperson: their own record.
    case salesperson(String)
    /// A peer the access file does not name: nothing but `hello`.
    case nobody

    /// Reads `hello`'s role: `operator`, `dashboard`, `coach NAME`, `salesperson NAME` or
    /// `unknown peer`; no role (an older daemon) is the operator's.
    public init(role: String?) {
        guard let role, role != "operator" else {
            self = .everyone
            return
        }
        if role == "dashboard" {
            self = .numbersOnly
        } else if role.hasPrefix("coach ") {
            self = .coach(String(role.dropFirst("coach ".count)))
        } else if role.hasPrefix("salesperson ") {
            self = .salesperson(String(role.dropFirst("salesperson ".count)))
        } else {
            self = .nobody
        }
    }

    public var description: String {
        switch self {
        case .everyone: return "operator"
        case .numbersOnly: return "dashboard (numbers only)"
        case .coach(let name): return "coach \(name)"
        case .salesperson(let name): return "salesperson \(name)"
        case .nobody: return "not in the access file"
        }
    }

    /// Whether the daemon sends free text (notes, commitment texts, insights) to this viewer.
    public var seesText: Bool {
        switch self {
        case .everyone, .coach, .salesperson: return true
        case .numbersOnly, .nobody: return false
        }
    }

    /// Whether the whole organisation (and the coach picker) is visible.
    public var seesEveryone: Bool { self == .everyone || self == .numbersOnly }

    /// The team scope an overview without a `coach` parameter shows.
    public var defaultScope: Scope {
        if case .coach(let name) = self { return .coach(name) }
        return .everyone
    }
}

import CoachLogProtocol

/// The access file: which users and groups have which role. One mapping a line:
///
///     # comment
///     user  alice       operator
///     user  1001        coach Dana Lee
///     group 2000        dashboard
///     group sales-team  salesperson Sam Park
///
/// `user` or `group`, then a name or a number (all digits: a uid or gid), then
/// the role: `operator`, `dashboard`, `coach NAME` or `salesperson NAME` (NAME
/// is the rest of the line, spaces inside it kept, as the record spells it).
/// Blank lines and lines starting with `#` are ignored. A peer's role is that
/// of the first `user` line naming its uid or user name; failing that, that of
/// the first `group` line naming its primary or a supplementary group; failing
/// that, it is an unknown peer (`hello` only).
public struct AccessFile: Sendable, Equatable {
    /// Who one line is about.
    public enum Subject: Sendable, Hashable, CustomStringConvertible {
        case userName(String)
        case userID(UInt32)
        case groupName(String)
        case groupID(UInt32)

        public var description: String {
            switch self {
            case .userName(let n): return "user \(n)"
            case .userID(let id): return "user \(id)"
            case .groupName(let n): return "group \(n)"
            case .groupID(let id): return "group \(id)"
            }
        }

        var isUser: Bool {
            switch self {
            case .userName, .userID: return true
            case .groupName, .groupID: return false
            }
        }
    }

    /// One mapping, with the line it came from.
    public struct Entry: Sendable, Equatable {
        public var subject: Subject
        public var role: Role
        public var line: Int

        public init(subject: Subject, role: Role, line: Int) {
            self.subject = subject
            self.role = role
            self.line = line
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry]) { self.entries = entries }

    /// The role of a peer: user lines first, then group lines, each in file order.
    public func role(of peer: PeerIdentity) -> Role {
        for entry in entries where entry.subject.isUser {
            switch entry.subject {
            case .userID(let id) where id == peer.uid: return entry.role
            case .userName(let name) where name == peer.userName: return entry.role
            default: continue
            }
        }
        for entry in entries where !entry.subject.isUser {
            switch entry.subject {
            case .groupID(let id) where peer.groupIDs.contains(id): return entry.role
            case .groupName(let name) where peer.groupNames.contains(name): return entry.role
            default: continue
            }
        }
        return .unknown
    }

    /// Reads the file's text; a malformed line is an error naming it and what is wrong.
    public init(parsing text: String) throws(AccessFileError) {
        var entries: [Entry] = []
        var seen: [Subject: Int] = [:]
        // By `isNewline`: a file written on Windows ends its lines with "\r\n", one Character in Swift.
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let number = index + 1
            let line = raw.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            let entry = try Self.entry(line, number: number)
            if let earlier = seen[entry.subject] {
                throw AccessFileError(line: number, "\(entry.subject) is already given a role on line \(earlier); keep one of the two lines")
            }
            seen[entry.subject] = number
            entries.append(entry)
        }
        self.entries = entries
    }

    static func entry(_ line: Substring, number: Int) throws(AccessFileError) -> Entry {
        var rest = line
        let kind = rest.nextWord()
        let who = rest.nextWord()
        let roleWord = rest.nextWord()
        let name = rest.trimmingWhitespace()
        guard kind == "user" || kind == "group" else {
            throw AccessFileError(line: number, "it starts with \"\(kind)\"; a line starts with user or group")
        }
        guard !who.isEmpty else {
            throw AccessFileError(line: number, "\(kind) names nobody; write \(kind) NAME-OR-NUMBER ROLE")
        }
        let subject: Subject
        if who.allSatisfy(\.isASCIIDigit) {
            guard let id = UInt32(who) else {
                throw AccessFileError(line: number, "\(kind) id \(who) is too large for a \(kind == "user" ? "uid" : "gid")")
            }
            subject = kind == "user" ? .userID(id) : .groupID(id)
        } else {
            subject = kind == "user" ? .userName(String(who)) : .groupName(String(who))
        }
        let role: Role
        switch roleWord {
        case "operator", "dashboard":
            guard name.isEmpty else {
                throw AccessFileError(line: number, "the \(roleWord) role takes no name, but \"\(name)\" follows it")
            }
            role = roleWord == "operator" ? .operator : .dashboard
        case "coach", "salesperson":
            guard !name.isEmpty else {
                throw AccessFileError(line: number, "the \(roleWord) role needs the name the record uses, e.g. \(roleWord) Dana Lee")
            }
            role = roleWord == "coach" ? .coach(String(name)) : .salesperson(String(name))
        case "":
            throw AccessFileError(line: number, "\(subject) has no role; add operator, dashboard, coach NAME or salesperson NAME")
        default:
            throw AccessFileError(
                line: number, "unknown role \"\(roleWord)\"; use operator, dashboard, coach NAME or salesperson NAME")
        }
        return Entry(subject: subject, role: role, line: number)
    }
}

/// What a peer is, as the daemon resolved it from SO_PEERCRED and the system's user and group databases.
public struct PeerIdentity: Sendable, Equatable {
    public var uid: UInt32
    /// Nil when the uid has no entry in the user database.
    public var userName: String?
    /// The primary group and every supplementary group.
    public var groupIDs: [UInt32]
    /// The names of `groupIDs` that have one.
    public var groupNames: [String]

    public init(uid: UInt32, userName: String? = nil, groupIDs: [UInt32] = [], groupNames: [String] = []) {
        self.uid = uid
        self.userName = userName
        self.groupIDs = groupIDs
        self.groupNames = groupNames
    }
}

/// A malformed access file: the line and what is wrong with it.
public struct AccessFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var message: String

    public init(line: Int, _ message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { "line \(line): \(message)" }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        var s = self
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return s
    }

    /// Removes and returns the first word (up to whitespace); empty at the end.
    mutating func nextWord() -> Substring {
        self = trimmingWhitespace()
        let end = firstIndex(where: \.isWhitespace) ?? endIndex
        let word = self[startIndex..<end]
        self = self[end...]
        return word
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

import CoachLogAccess
import Testing

@Suite("The access file")
struct AccessFileTests {
    static let sample = """
        # CoachLog access file
        user  root        operator
        user  1001        coach Dana   Lee
          user sam        salesperson Sam Park

        group 2000        dashboard
        group leads       coach Robin Fox
        """

    @Test("reads users and groups by name and number, roles with names that keep their inner spaces; skips comments and blanks")
    func parses() throws {
        let file = try AccessFile(parsing: Self.sample)
        #expect(
            file.entries == [
                .init(subject: .userName("root"), role: .operator, line: 2),
                .init(subject: .userID(1001), role: .coach("Dana   Lee"), line: 3),
                .init(subject: .userName("sam"), role: .salesperson("Sam Park"), line: 4),
                .init(subject: .groupID(2000), role: .dashboard, line: 6),
                .init(subject: .groupName("leads"), role: .coach("Robin Fox"), line: 7),
            ])
        #expect(try AccessFile(parsing: "").entries.isEmpty)
        let crlf = try AccessFile(parsing: "# roles\r\nuser 7 coach Dana Lee\r\n\r\ngroup 8 dashboard\r\n")
        #expect(crlf.entries == [.init(subject: .userID(7), role: .coach("Dana Lee"), line: 2), .init(subject: .groupID(8), role: .dashboard, line: 4)])
    }

    @Test("a user line wins over group lines; groups match by primary or supplementary id or name; nobody else has a role")
    func resolves() throws {
        let file = try AccessFile(parsing: Self.sample)
        #expect(file.role(of: PeerIdentity(uid: 0, userName: "root", groupIDs: [2000])) == .operator)
        #expect(file.role(of: PeerIdentity(uid: 1001, groupIDs: [2000], groupNames: ["leads"])) == .coach("Dana   Lee"))
        #expect(file.role(of: PeerIdentity(uid: 1002, userName: "sam")) == .salesperson("Sam Park"))
        #expect(file.role(of: PeerIdentity(uid: 1003, groupIDs: [100, 2000])) == .dashboard)
        #expect(file.role(of: PeerIdentity(uid: 1004, groupIDs: [100], groupNames: ["users", "leads"])) == .coach("Robin Fox"))
        // The first matching group line, in file order.
        #expect(file.role(of: PeerIdentity(uid: 1005, groupIDs: [2000], groupNames: ["leads"])) == .dashboard)
        #expect(file.role(of: PeerIdentity(uid: 1006, userName: "eve", groupIDs: [100], groupNames: ["users"])) == .unknown)
    }

    @Test("a malformed line is an error naming the line and what is wrong", arguments: [
        ("user alice operator\nfriend bob operator", 2, "starts with \"friend\""),
        ("user", 1, "names nobody"),
        ("user alice", 1, "has no role"),
        ("user alice admin", 1, "unknown role \"admin\""),
        ("user alice coach", 1, "needs the name"),
        ("group 12 salesperson", 1, "needs the name"),
        ("user alice operator Alice", 1, "takes no name"),
        ("user 99999999999 dashboard", 1, "too large"),
        ("# ok\nuser 7 dashboard\n\nuser 7 operator", 4, "already given a role on line 2"),
    ])
    func malformed(text: String, line: Int, says: String) {
        #expect {
            try AccessFile(parsing: text)
        } throws: { error in
            guard let error = error as? AccessFileError else { return false }
            return error.line == line && error.message.contains(says) && error.description.hasPrefix("line \(line): ")
        }
    }
}

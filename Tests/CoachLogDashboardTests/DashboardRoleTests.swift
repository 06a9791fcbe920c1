import CoachLogTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Whether processes can be run under other uids here.
enum OtherUsers {
    static var unavailableReason: String? {
        if getuid() != 0 { return "needs root, to run the dashboard under other uids with setpriv" }
        if !FileManager.default.isExecutableFile(atPath: DaemonProcess.setpriv) { return "setpriv is not installed (util-linux)" }
        return nil
    }
    /// Where they can run; under CI=true a missing prerequisite fails instead of skipping.
    static var runs: Bool { unavailableReason == nil || ProcessInfo.processInfo.environment["CI"] == "true" }
}

/// What the dashboard shows follows coachlogd's access rules for the user it
/// runs as: the real binary under other uids (`setpriv`), the daemon with an
/// access file naming them.
@Suite(
    "The dashboard under the daemon's roles", .serialized,
    .enabled(if: OtherUsers.runs, "skipped: \(OtherUsers.unavailableReason ?? "")"))
struct DashboardRoleTests {
    static let dashboardUser: UInt32 = 20201, coachUser: UInt32 = 20202

    /// The seeded organisation behind an access file: the test (root) records as the operator.
    static func organisation() throws -> SeededOrganisation {
        if let reason = OtherUsers.unavailableReason { throw HarnessError(reason) }
        return try SeededOrganisation { folder in
            chmod(folder, 0o755)  // other users reach the socket inside it
            let access = folder + "/access"
            try """
                user root operator
                user \(dashboardUser) dashboard
                user \(coachUser) coach Lee Park
                """.write(toFile: access, atomically: true, encoding: .utf8)
            return ["--access-file", access, "--socket-mode", "0666"]
        }
    }

    static func start(_ organisation: SeededOrganisation, as uid: UInt32, name: String) throws -> DashboardProcess {
        let dashboard = try DashboardProcess(
            arguments: ["--socket", organisation.socket, "--listen", "127.0.0.1:0"], folder: organisation.folder.path, uid: uid,
            name: name)
        try dashboard.waitUntilListening()
        return dashboard
    }

    @Test("the dashboard role: every number, no free text, on the pages and in the API")
    func numbersOnly() throws {
        let organisation = try Self.organisation()
        let dashboard = try Self.start(organisation, as: Self.dashboardUser, name: "numbers")
        let overview = try SimpleHTTP.get(dashboard.base + "/?asOf=2026-10-19")
        #expect(overview.status == 200)
        #expect(overview.body.contains("Shown to: dashboard (numbers only)"))
        #expect(overview.body.contains("60 % <small>fair · 3 kept of 5 reviewed"))
        #expect(overview.body.contains("Ravi Shah") && overview.body.contains("Dana Reyes"))
        for path in ["/salespeople/Dana%20Reyes?asOf=2026-10-19", "/overdue?asOf=2026-10-19", "/api/salespeople/Dana%20Reyes?asOf=2026-10-19", "/api/overdue"] {
            let page = try SimpleHTTP.get(dashboard.base + path)
            #expect(page.status == 200, "\(path)")
            for marker in SeededOrganisation.freeTextMarkers {
                #expect(!page.body.contains(marker), "\(path) shows the free text \(marker)")
            }
        }
        let dana = try SimpleHTTP.get(dashboard.base + "/salespeople/Dana%20Reyes?asOf=2026-10-19")
        #expect(dana.body.contains("(not shown to this role)"))
        #expect(dana.body.contains("<strong class=\"flag\">Overdue</strong> by 3 days"), "the numbers are still there")
    }

    @Test("a coach's user: that coach's people with their texts, nobody else's")
    func coach() throws {
        let organisation = try Self.organisation()
        let dashboard = try Self.start(organisation, as: Self.coachUser, name: "coach")
        // A coach may ask for their team only as of today (the daemon's rule: the team changes), so the
        // overview of a past day is refused; their own salesperson's page of a past day is not.
        let overview = try SimpleHTTP.get(dashboard.base + "/")
        #expect(overview.status == 200)
        #expect(overview.body.contains("Lee Park&#39;s team"))
        #expect(overview.body.contains("Dana Reyes") && overview.body.contains("Sam Okafor"))
        #expect(!overview.body.contains("Ravi Shah"))
        #expect(!overview.body.contains("<select id=\"coach\""), "no coach picker for a coach")
        let dana = try SimpleHTTP.get(dashboard.base + "/salespeople/Dana%20Reyes")
        #expect(dana.status == 200)
        #expect(dana.body.contains("Write up one good call a week"))
        let past = try SimpleHTTP.get(dashboard.base + "/?asOf=2026-10-19")
        #expect(past.status == 403)
        #expect(past.body.contains("only as of today or later"))
        let danaThen = try SimpleHTTP.get(dashboard.base + "/salespeople/Dana%20Reyes?asOf=2026-10-19")
        #expect(danaThen.status == 200)
        #expect(danaThen.body.contains("<strong class=\"flag\">Overdue</strong> by 3 days"))
        let ravi = try SimpleHTTP.get(dashboard.base + "/salespeople/Ravi%20Shah")
        #expect(ravi.status == 403)
        #expect(!ravi.body.contains("Shadow a senior rep"))
        #expect(try SimpleHTTP.get(dashboard.base + "/?coach=Kim%20Ode").status == 403)
        #expect(try SimpleHTTP.get(dashboard.base + "/api/salespeople/Ravi%20Shah").status == 403)
        let overdue = try SimpleHTTP.get(dashboard.base + "/overdue")
        #expect(overdue.body.contains("2 overdue of 2 open"))
    }

    @Test("a user the access file does not name sees an explanation, not records")
    func stranger() throws {
        let organisation = try Self.organisation()
        let dashboard = try Self.start(organisation, as: 20299, name: "stranger")
        let page = try SimpleHTTP.get(dashboard.base + "/")
        #expect(page.status == 403)
        #expect(page.body.contains("to the access file"))
        #expect(!page.body.contains("Dana Reyes"))
    }
}

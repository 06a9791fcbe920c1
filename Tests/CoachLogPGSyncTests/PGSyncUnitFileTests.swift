import CoachLogTestSupport
import Foundation
import Testing

/// The exporter's shipped unit, checked by systemd's own tools against the built binaries: it
/// must verify cleanly next to coachlogd's units, and rate 2.0 or lower. Where systemd-analyze
/// is missing these are skipped, except under CI=true, where they fail.
@Suite("coachlog-pgsync's systemd unit")
struct PGSyncUnitFileTests {
    static let unit = "coachlog-pgsync.service"

    static var unavailableReason: String? {
        SystemdAnalyze.isInstalled ? nil : "\(SystemdAnalyze.path) is not installed (apt-get install systemd)"
    }
    static var runs: Bool { unavailableReason == nil || ProcessInfo.processInfo.environment["CI"] == "true" }

    static func source(_ name: String) throws -> String {
        try String(contentsOfFile: Repository.root + "/systemd/" + name, encoding: .utf8)
    }

    static func installUnits(into folder: String) throws {
        let units = [
            unit: try source(unit).replacingOccurrences(of: "/usr/local/bin/coachlog-pgsync", with: Binaries.path("coachlog-pgsync")),
            "coachlogd.service": try source("coachlogd.service").replacingOccurrences(
                of: "/usr/local/bin/coachlogd", with: Binaries.coachlogd),
            "coachlogd.socket": try source("coachlogd.socket"),
        ]
        for (name, text) in units { try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8) }
    }

    @Test("systemd-analyze verify passes on the exporter's unit next to coachlogd's", .enabled(if: runs))
    func verify() throws {
        if let reason = Self.unavailableReason { throw HarnessError(reason) }
        try Binaries.require(Binaries.path("coachlog-pgsync"))
        let folder = TemporaryFolder(prefix: "clpgsync-unit")
        defer { withExtendedLifetime(folder) {} }
        try Self.installUnits(into: folder.path)
        let result = try SystemdAnalyze.run([
            "verify", folder.path + "/" + Self.unit, folder.path + "/coachlogd.service", folder.path + "/coachlogd.socket",
        ])
        #expect(result.status == 0, "systemd-analyze verify: \(result.output)")
        #expect(!result.output.contains(Self.unit + ":"), "warnings about the exporter's unit: \(result.output)")
    }

    @Test("systemd-analyze security rates the exporter's unit 2.0 or lower", .enabled(if: runs))
    func security() throws {
        if let reason = Self.unavailableReason { throw HarnessError(reason) }
        let folder = TemporaryFolder(prefix: "clpgsync-unit")
        defer { withExtendedLifetime(folder) {} }
        try Self.installUnits(into: folder.path)
        let (exposure, line) = try SystemdAnalyze.exposure(ofUnitAt: folder.path + "/" + Self.unit)
        print("coachlog-pgsync.service: \(line)")
        #expect(exposure <= 2.0, "exposure \(exposure): \(line)")
    }

    @Test("the exporter keeps its own uid, runs as coachlog-pgsync in the socket's group, with the dashboard role")
    func identity() throws {
        let text = try Self.source(Self.unit)
        let settings = text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") && $0.contains("=") }
        #expect(!settings.contains { $0.hasPrefix("PrivateUsers=") }, "\(settings)")
        #expect(settings.contains("User=coachlog-pgsync") && settings.contains("Group=coachlog-pgsync"))
        #expect(settings.contains("SupplementaryGroups=coachlog"))
        #expect(settings.contains("ExecStart=/usr/local/bin/coachlog-pgsync --socket /run/coachlog/coachlog.sock"))
        #expect(settings.contains("EnvironmentFile=/etc/coachlog/pgsync.env"))
        #expect(settings.contains("Restart=on-failure"))
        #expect(text.contains("user coachlog-pgsync dashboard"))
        #expect(text.contains("COACHLOG_POSTGRES="))
        let sysusers = try Self.source("coachlog.sysusers").split(separator: "\n").map(String.init)
        #expect(sysusers.contains { $0.hasPrefix("u coachlog-pgsync ") } && sysusers.contains("m coachlog-pgsync coachlog"))
    }
}

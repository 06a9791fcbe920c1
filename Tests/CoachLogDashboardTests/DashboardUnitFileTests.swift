import CoachLogTestSupport
import Foundation
import Testing

/// The dashboard's shipped unit, checked by systemd's own tools against the
/// built binaries: it must verify cleanly next to coachlogd's units, and rate
/// 2.0 or lower. Where systemd-analyze is missing these are skipped, except
/// under CI=true, where they fail.
@Suite("the dashboard's systemd unit")
struct DashboardUnitFileTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let unit = "coachlog-dashboard.service"

    /// Why systemd-analyze cannot be run here, or nil when it can.
    static var unavailableReason: String? {
        SystemdAnalyze.isInstalled ? nil : "\(SystemdAnalyze.path) is not installed (apt-get install systemd)"
    }
    /// Run where they can; under CI=true a missing systemd-analyze fails instead of skipping.
    static var runs: Bool { unavailableReason == nil || ProcessInfo.processInfo.environment["CI"] == "true" }

    static func source(_ name: String) throws -> String {
        try String(contentsOf: repository.appendingPathComponent("systemd").appendingPathComponent(name), encoding: .utf8)
    }

    /// The dashboard's unit and the daemon's it names, with ExecStart pointing at the binaries under test.
    static func installUnits(into folder: String) throws {
        let units = [
            unit: try source(unit).replacingOccurrences(
                of: "/usr/local/bin/coachlog-dashboard", with: Binaries.path("coachlog-dashboard")),
            "coachlogd.service": try source("coachlogd.service").replacingOccurrences(
                of: "/usr/local/bin/coachlogd", with: Binaries.coachlogd),
            "coachlogd.socket": try source("coachlogd.socket"),
        ]
        for (name, text) in units {
            try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
        }
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        if let reason = unavailableReason { throw HarnessError(reason) }
        return try SystemdAnalyze.run(arguments)
    }

    /// The unit's settings (comments left out), as `Key=value` lines.
    static func settings() throws -> [String] {
        try source(unit).split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") && $0.contains("=") }
    }

    @Test("systemd-analyze verify passes on the dashboard's unit next to coachlogd's",
          .enabled(if: runs, "skipped: \(unavailableReason ?? "")"))
    func verify() throws {
        try Binaries.require(Binaries.path("coachlog-dashboard"))
        let folder = TemporaryFolder(prefix: "cldash-unit")
        defer { withExtendedLifetime(folder) {} }
        try Self.installUnits(into: folder.path)
        let result = try Self.run([
            "verify", folder.path + "/" + Self.unit, folder.path + "/coachlogd.service", folder.path + "/coachlogd.socket",
        ])
        #expect(result.status == 0, "systemd-analyze verify: \(result.output)")
        #expect(!result.output.contains(Self.unit + ":"), "warnings about the dashboard's unit: \(result.output)")
    }

    @Test("systemd-analyze security rates the dashboard's unit 2.0 or lower",
          .enabled(if: runs, "skipped: \(unavailableReason ?? "")"))
    func security() throws {
        let folder = TemporaryFolder(prefix: "cldash-unit")
        defer { withExtendedLifetime(folder) {} }
        try Self.installUnits(into: folder.path)
        if let reason = Self.unavailableReason { throw HarnessError(reason) }
        let (exposure, line) = try SystemdAnalyze.exposure(ofUnitAt: folder.path + "/" + Self.unit)
        #expect(exposure <= 2.0, "exposure \(exposure): \(line)")
    }

    @Test("the dashboard keeps its own uid for coachlogd (no PrivateUsers), runs as coachlog-dashboard in the socket's group, on loopback")
    func identity() throws {
        let settings = try Self.settings()
        // Under PrivateUsers= the daemon would read this service's uid as the overflow uid (nobody) and give it no role.
        #expect(!settings.contains { $0.hasPrefix("PrivateUsers=") }, "\(settings)")
        #expect(settings.contains("User=coachlog-dashboard"))
        #expect(settings.contains("Group=coachlog-dashboard"))
        // The socket's group, the one that may open it.
        let socket = try Self.source("coachlogd.socket")
        #expect(socket.contains("SocketGroup=coachlog\n") && socket.contains("SocketMode=0660"))
        #expect(settings.contains("SupplementaryGroups=coachlog"))
        let starts = settings.filter { $0.hasPrefix("ExecStart=") }
        #expect(
            starts == ["ExecStart=/usr/local/bin/coachlog-dashboard --socket /run/coachlog/coachlog.sock --listen 127.0.0.1:8080"],
            "\(starts)")
        #expect(settings.contains("IPAddressAllow=localhost") && settings.contains("IPAddressDeny=any"))
        #expect(settings.contains("RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6"))
        #expect(settings.contains("CapabilityBoundingSet="))
        #expect(settings.contains("Restart=on-failure"))
        #expect(settings.contains { $0.hasPrefix("After=") && $0.contains("coachlogd.socket") && $0.contains("coachlogd.service") })
        #expect(settings.contains { $0.hasPrefix("Wants=") && $0.contains("coachlogd.socket") })
        // The credential for listening beyond loopback is documented, commented out.
        let text = try Self.source(Self.unit)
        #expect(text.contains("#LoadCredential=dashboard.credentials:/etc/coachlog/dashboard.credentials"))
        #expect(text.contains("--credentials %d/dashboard.credentials"))
        #expect(text.contains("user coachlog-dashboard dashboard"))
    }

    @Test("sysusers makes the coachlog-dashboard user and puts it in the coachlog group")
    func sysusers() throws {
        let lines = try Self.source("coachlog.sysusers").split(separator: "\n").map(String.init)
            .filter { !$0.hasPrefix("#") && !$0.isEmpty }
        #expect(lines.contains { $0.hasPrefix("u coachlog ") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("u coachlog-dashboard ") }, "\(lines)")
        #expect(lines.contains("m coachlog-dashboard coachlog"), "\(lines)")
    }
}

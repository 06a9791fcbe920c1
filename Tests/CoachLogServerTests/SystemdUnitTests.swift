import CoachLogTestSupport
import Foundation
import Testing

/// The shipped unit files, checked by systemd's own tools against the built
/// binary: they must verify cleanly and the service must rate 2.0 or lower.
@Suite("systemd unit files")
struct SystemdUnitTests {
    static let analyze = SystemdAnalyze.path
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The units, with ExecStart pointing at the binary under test.
    static func installUnits(into folder: String) throws {
        for name in ["coachlogd.service", "coachlogd.socket"] {
            let source = repository.appendingPathComponent("systemd").appendingPathComponent(name)
            let text = try String(contentsOf: source, encoding: .utf8)
                .replacingOccurrences(of: "/usr/local/bin/coachlogd", with: DaemonProcess.binaryPath)
            try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
        }
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try SystemdAnalyze.run(arguments)
    }

    @Test("systemd-analyze verify passes on the service and the socket",
          .enabled(if: FileManager.default.isExecutableFile(atPath: analyze), "systemd-analyze is not installed"))
    func verify() throws {
        try withSandbox { sandbox in
            try Self.installUnits(into: sandbox.root)
            let result = try Self.run(["verify", sandbox.root + "/coachlogd.service", sandbox.root + "/coachlogd.socket"])
            #expect(result.status == 0, "systemd-analyze verify: \(result.output)")
            #expect(!result.output.contains("coachlogd.service:"), "warnings about the service: \(result.output)")
        }
    }

    @Test("systemd-analyze security rates the service 2.0 or lower",
          .enabled(if: FileManager.default.isExecutableFile(atPath: analyze), "systemd-analyze is not installed"))
    func security() throws {
        try withSandbox { sandbox in
            try Self.installUnits(into: sandbox.root)
            let (exposure, line) = try SystemdAnalyze.exposure(ofUnitAt: sandbox.root + "/coachlogd.service")
            #expect(exposure <= 2.0, "exposure \(exposure): \(line)")
        }
    }

    /// The service's settings (comments left out), as `Key=value` lines.
    static func serviceSettings() throws -> [String] {
        let text = try String(
            contentsOf: repository.appendingPathComponent("systemd").appendingPathComponent("coachlogd.service"), encoding: .utf8)
        return text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") && $0.contains("=") }
    }

    @Test("roles work under the unit: no PrivateUsers (peers keep their uids), the access file is read, reload sends SIGHUP, the master key is a credential")
    func accessSettings() throws {
        let settings = try Self.serviceSettings()
        // Under PrivateUsers= every peer outside the service's user namespace reads as the overflow uid (nobody).
        #expect(!settings.contains { $0.hasPrefix("PrivateUsers=") }, "\(settings)")
        let start = try #require(settings.first { $0.hasPrefix("ExecStart=") })
        #expect(start.contains("--access-file /etc/coachlog/access"), "\(start)")
        #expect(settings.contains("ExecReload=/bin/kill -HUP $MAINPID"))
        #expect(settings.contains("LoadCredential=master.key:/etc/coachlog/master.key"))
        // The audit log's default place (the data folder) is the one place the unit lets it write.
        #expect(settings.contains("StateDirectory=coachlog") && start.contains("--data /var/lib/coachlog"))
    }
}

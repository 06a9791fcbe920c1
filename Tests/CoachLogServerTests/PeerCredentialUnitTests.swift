import CoachLogJSON
import CoachLogTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// SO_PEERCRED through the systemd unit's settings. Roles need the peer's real
/// uid; the unit's `PrivateUsers=yes` used to put the daemon in a user
/// namespace, where every peer outside it reads as the overflow uid.
@Suite("Peer credentials under the unit's sandboxing", .serialized)
struct PeerCredentialUnitTests {
    static let unshare = "/usr/bin/unshare"
    static let systemdRun = "/usr/bin/systemd-run"
    static let access = "user 20001 coach Dana Lee\n"

    static func role(of uid: UInt32, socket: String) throws -> JSONValue? {
        let peer = try PeerClient(uid: uid, gid: uid, socket: socket)
        return try peer.request("hello")["result"]?["role"]
    }

    @Test(
        "what PrivateUsers=yes did: in a private user namespace a coach's uid reads as nobody and its role collapses; outside it the role holds",
        .enabled(
            if: PeerClient.runs && FileManager.default.isExecutableFile(atPath: unshare),
            "skipped: \(PeerClient.unavailableReason ?? "unshare (util-linux) is not installed")"))
    func privateUsersCollapsesRoles() throws {
        try withSandbox { sandbox in
            chmod(sandbox.root, 0o755)
            let access = sandbox.path("access")
            try Self.access.write(toFile: access, atomically: true, encoding: .utf8)
            let plain = try sandbox.start(extra: ["--access-file", access, "--socket-mode", "0666"])
            #expect(try Self.role(of: 20001, socket: sandbox.socket) == "coach Dana Lee")
            #expect(plain.stop() == 0)

            // The same daemon in a user namespace of its own, as PrivateUsers=yes ran it.
            let socket = sandbox.path("userns.sock")
            let namespaced = try sandbox.launch(
                ["--user", "--map-root-user", "--", DaemonProcess.binaryPath, "--data", sandbox.path("data2"), "--socket", socket,
                 "--access-file", access, "--socket-mode", "0666"],
                socket: socket, executable: Self.unshare, log: "userns")
            try namespaced.waitUntilReady()
            #expect(try Self.role(of: 20001, socket: socket) == "unknown peer")
            #expect(namespaced.stderr.contains("connection from uid 65534"), "\(namespaced.stderr)")
            #expect(namespaced.stop() == 0)
        }
    }

    /// The unit's [Service] settings that sandbox the process (not the ones that
    /// name its files, user, start command or credentials).
    static func sandboxingProperties() throws -> [String] {
        let skipped = [
            "ExecStart=", "ExecReload=", "User=", "Group=", "StateDirectory", "RuntimeDirectory", "LoadCredential=",
            "Restart", "Type=", "NotifyAccess=", "TimeoutStopSec=",
        ]
        return try SystemdUnitTests.serviceSettings().filter { line in
            !skipped.contains { line.hasPrefix($0) } && !line.hasPrefix("[") && !line.hasPrefix("Description=")
                && !line.hasPrefix("Documentation=") && !line.hasPrefix("Requires=") && !line.hasPrefix("After=")
                && !line.hasPrefix("WantedBy=")
        }
    }

    @Test(
        "under systemd with the unit's sandboxing settings, the daemon sees each peer's own uid and gives it its role",
        .enabled(
            if: FileManager.default.fileExists(atPath: "/run/systemd/system") && FileManager.default.isExecutableFile(atPath: systemdRun)
                && PeerClient.unavailableReason == nil,
            "skipped: systemd is not running as PID 1 here (a container), so a transient service cannot apply the unit's settings; the settings themselves are checked by SystemdUnitTests"))
    func underSystemd() throws {
        // /run, not /tmp: the unit's PrivateTmp= gives the service a /tmp of its own.
        let folder = "/run/coachlog-peercred-\(getpid())"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        chmod(folder, 0o755)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let access = folder + "/access"
        try Self.access.write(toFile: access, atomically: true, encoding: .utf8)
        let socket = folder + "/s.sock"
        let unit = "coachlog-peercred-\(getpid())"
        var arguments = ["--unit=\(unit)", "--collect", "--property=ReadWritePaths=\(folder)"]
        // The binary under test may live under /home (a CI checkout): read-only there instead of hidden.
        arguments += try Self.sandboxingProperties().map { $0 == "ProtectHome=yes" ? "ProtectHome=read-only" : $0 }
            .map { "--property=\($0)" }
        arguments += ["--", DaemonProcess.binaryPath, "--data", folder + "/data", "--socket", socket, "--access-file", access,
                      "--socket-mode", "0666"]
        let run = Process()
        run.executableURL = URL(fileURLWithPath: Self.systemdRun)
        run.arguments = arguments
        try run.run()
        run.waitUntilExit()
        #expect(run.terminationStatus == 0, "systemd-run \(arguments)")
        defer {
            let stop = Process()
            stop.executableURL = URL(fileURLWithPath: "/usr/bin/systemctl")
            stop.arguments = ["stop", unit]
            try? stop.run()
            stop.waitUntilExit()
        }
        let deadline = Date().addingTimeInterval(15)
        while !socketAccepts(socket) && Date() < deadline { usleep(100_000) }
        #expect(try Self.role(of: 20001, socket: socket) == "coach Dana Lee")
        #expect(try Self.role(of: 20002, socket: socket) == "unknown peer")
    }
}

import CoachLogClient
import CoachLogJSON
import CoachLogPOSIX
import CoachLogProtocol
import CoachLogTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A datagram socket standing in for systemd's notification socket.
final class NotifyListener {
    let fd: Int32
    let path: String

    init(path: String) throws {
        self.path = path
        do {
            fd = try POSIX.bindUnixSocket(path, type: Int32(SOCK_DGRAM.rawValue))
        } catch {
            throw HarnessError("\(error)")
        }
    }

    deinit { close(fd) }

    /// Collects messages until one contains `wanted` or `timeout` seconds pass.
    func waitFor(_ wanted: String, timeout: Double) -> [String] {
        var messages: [String] = []
        let deadline = Date().addingTimeInterval(timeout)
        var chunk = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 100) > 0 else { continue }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { continue }
            let message = String(decoding: chunk[0..<n], as: UTF8.self)
            messages.append(message)
            if message.split(separator: "\n").contains(Substring(wanted)) { break }
        }
        return messages
    }
}

@Suite("coachlogd under systemd")
struct SystemdTests {
    @Test("sd_notify: READY=1 once serving, STOPPING=1 on SIGTERM")
    func notify() throws {
        try withSandbox { sandbox in
            let listener = try NotifyListener(path: sandbox.path("notify"))
            let daemon = try sandbox.start(environment: ["NOTIFY_SOCKET": listener.path])
            let ready = listener.waitFor("READY=1", timeout: 10)
            #expect(ready.contains { $0.split(separator: "\n").contains("READY=1") }, "got \(ready)")
            // READY comes only once the socket is bound.
            #expect(socketAccepts(sandbox.socket))
            #expect(!ready.contains { $0.contains("STOPPING=1") })

            kill(daemon.pid, SIGTERM)
            let stopping = listener.waitFor("STOPPING=1", timeout: 10)
            #expect(stopping.contains { $0.split(separator: "\n").contains("STOPPING=1") }, "got \(stopping)")
            #expect(daemon.waitForExit(timeout: 15) == 0)
        }
    }

    static let socketActivate = "/usr/bin/systemd-socket-activate"

    @Test(
        "socket activation: serves the listening socket systemd passes",
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: SystemdTests.socketActivate),
            "systemd-socket-activate is not installed (apt-get install systemd); socket activation not tested"))
    func socketActivation() throws {
        try withSandbox { sandbox in
            let path = sandbox.path("act.sock")
            let activator = try sandbox.launch(
                ["-l", path, DaemonProcess.binaryPath, "--data", sandbox.data],
                socket: path, executable: Self.socketActivate)
            try activator.waitUntilReady()
            let c = try Connection(path: path)
            let hello = try c.request(.hello)
            #expect(hello["server"] == "coachlogd")
            let r = try c.append([Ev.open("s1", "ana", coach: "kim")])
            #expect(r["positions"] == [1])
            let other = try Connection(path: path)
            #expect(try other.head() == 1)
            #expect(activator.stderr.contains("inherited from systemd"), "stderr: \(activator.stderr)")
            #expect(activator.stop() == 0)
        }
    }
}

import CoachLogTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real `coachlog-dashboard` binary against the real daemon: start-up,
/// refusals of unsafe settings, graceful shutdown with a live page open.
@Suite("The coachlog-dashboard binary", .serialized)
struct DashboardProcessTests {
    @Test("serves the seeded organisation on the port it prints, and stops on SIGTERM with a live page open")
    func servesAndStops() throws {
        let organisation = try SeededOrganisation()
        let dashboard = try DashboardProcess(
            arguments: ["--socket", organisation.socket, "--listen", "127.0.0.1:0"], folder: organisation.folder.path)
        try dashboard.waitUntilListening()
        #expect(dashboard.stdout.contains("(coachlogd at \(organisation.socket), no credential)"))
        let page = try SimpleHTTP.get(dashboard.base + "/?asOf=2026-10-19")
        #expect(page.status == 200)
        #expect(page.body.contains("Dana Reyes") && page.body.contains("Sam Okafor") && page.body.contains("Ravi Shah"))
        #expect(page.headers["content-security-policy"]?.contains("default-src 'self'") == true)

        // A page following the live feed: the stream stays open until the dashboard stops.
        let events = try openEventStream(port: dashboard.port)
        defer { close(events) }
        var first = ""
        for _ in 0..<20 where !first.contains("retry: 2000") { first += readSome(events) }
        #expect(first.contains("retry: 2000"))
        let started = Date()
        #expect(dashboard.stop(timeout: 10) == 0, "graceful exit: \(dashboard.stderr)")
        #expect(Date().timeIntervalSince(started) < 8, "a graceful stop does not wait for the open event stream")
    }

    @Test("refuses to listen beyond loopback without a credential, and a credentials file others can read")
    func refusesUnsafeSettings() throws {
        let folder = TemporaryFolder(prefix: "coachlog-dashboard-refusals")
        let open = try DashboardProcess(
            arguments: ["--socket", folder.path + "/none.sock", "--listen", "0.0.0.0:0"], folder: folder.path, name: "open")
        let status = open.waitForExit()
        #expect(status != nil && status != 0)
        #expect(open.stderr.contains("not loopback"))
        #expect(open.stderr.contains("--credentials FILE"))

        let credentials = folder.path + "/credentials"
        try "bearer 0123456789abcdef0123\n".write(toFile: credentials, atomically: true, encoding: .utf8)
        chmod(credentials, 0o644)
        let readable = try DashboardProcess(
            arguments: ["--socket", folder.path + "/none.sock", "--listen", "0.0.0.0:0", "--credentials", credentials],
            folder: folder.path, name: "readable")
        #expect(readable.waitForExit() != 0)
        #expect(readable.stderr.contains("chmod 600 \(credentials)"))
    }

    @Test("beyond loopback with a credential: every request must carry it")
    func credentialRequired() throws {
        let organisation = try SeededOrganisation()
        let credentials = organisation.folder.path + "/credentials"
        let token = "0123456789abcdef0123"
        try "# the dashboard's token\nbearer \(token)\n".write(toFile: credentials, atomically: true, encoding: .utf8)
        chmod(credentials, 0o600)
        let dashboard = try DashboardProcess(
            arguments: ["--socket", organisation.socket, "--listen", "0.0.0.0:0", "--credentials", credentials],
            folder: organisation.folder.path)
        try dashboard.waitUntilListening()
        #expect(dashboard.stdout.contains("credential required"))
        #expect(try SimpleHTTP.get(dashboard.base + "/").status == 401)
        let page = try SimpleHTTP.get(dashboard.base + "/?asOf=2026-10-19", headers: ["Authorization": "Bearer \(token)"])
        #expect(page.status == 200)
        #expect(page.body.contains("Dana Reyes"))
    }

    @Test("with coachlogd stopped, pages say so with 503 and the dashboard keeps running")
    func daemonDown() throws {
        let organisation = try SeededOrganisation()
        let dashboard = try DashboardProcess(
            arguments: ["--socket", organisation.socket, "--listen", "127.0.0.1:0"], folder: organisation.folder.path)
        try dashboard.waitUntilListening()
        #expect(try SimpleHTTP.get(dashboard.base + "/?asOf=2026-10-19").status == 200)
        _ = organisation.daemon.stop()
        let page = try SimpleHTTP.get(dashboard.base + "/?asOf=2026-10-19")
        #expect(page.status == 503)
        #expect(page.body.contains("cannot reach coachlogd at \(organisation.socket)"))
        let metrics = try SimpleHTTP.get(dashboard.base + "/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.body.contains("coachlog_daemon_up 0"))
        #expect(dashboard.process.isRunning)
    }

    private func openEventStream(port: Int) throws -> Int32 {
        let fd = try SimpleHTTP.connect(port: port, timeout: 5)
        let request = Array("GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".utf8)
        _ = send(fd, request, request.count, 0)
        return fd
    }

    private func readSome(_ fd: Int32) -> String {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let n = recv(fd, &chunk, chunk.count, 0)
        return n > 0 ? String(decoding: chunk[0..<n], as: UTF8.self) : ""
    }
}

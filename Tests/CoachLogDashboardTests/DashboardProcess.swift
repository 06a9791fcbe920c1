import CoachLogTestSupport
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The real `coachlog-dashboard` binary, run as a child process (optionally
/// as another user, through `setpriv`, so that coachlogd sees that user's
/// uid and gives it that user's role). Its port is read from the line it
/// prints once it listens.
final class DashboardProcess {
    let process = Process()
    let stdoutPath: String
    let stderrPath: String
    private(set) var port = 0

    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Starts the dashboard with `arguments`; with `uid`, as that user (and group `gid`, plus `groups`).
    init(arguments: [String], folder: String, uid: UInt32? = nil, gid: UInt32? = nil, name: String = "dashboard") throws {
        let binary = Binaries.path("coachlog-dashboard")
        try Binaries.require(binary)
        stdoutPath = folder + "/\(name).stdout"
        stderrPath = folder + "/\(name).stderr"
        FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        FileManager.default.createFile(atPath: stderrPath, contents: nil)
        var prefix: [String] = ["--pdeathsig", "KILL"]
        if let uid { prefix += ["--reuid=\(uid)", "--regid=\(gid ?? uid)", "--clear-groups"] }
        if FileManager.default.isExecutableFile(atPath: DaemonProcess.setpriv) {
            process.executableURL = URL(fileURLWithPath: DaemonProcess.setpriv)
            process.arguments = prefix + ["--", binary] + arguments
        } else {
            guard uid == nil else { throw HarnessError("running the dashboard as uid \(uid ?? 0) needs setpriv (util-linux)") }
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments
        }
        var environment = ProcessInfo.processInfo.environment
        for key in environment.keys where key.hasPrefix("COACHLOG_") { environment.removeValue(forKey: key) }
        process.environment = environment
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        process.standardInput = FileHandle.nullDevice
        try ProcessLauncher.run(process)
    }

    /// Waits for the "listening on http://HOST:PORT" line and returns the port.
    @discardableResult
    func waitUntilListening(timeout: Double = 20) throws -> Int {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let text = stdout
            if let range = text.range(of: "listening on http://") {
                let rest = text[range.upperBound...]
                if let colon = rest.lastIndex(of: ":", before: rest.firstIndex(of: " ") ?? rest.endIndex),
                    let port = Int(rest[rest.index(after: colon)...].prefix { $0.isNumber })
                {
                    self.port = port
                    return port
                }
            }
            if !process.isRunning {
                throw HarnessError("coachlog-dashboard exited with \(process.terminationStatus) before listening: \(stderr)")
            }
            usleep(20_000)
        }
        throw HarnessError("coachlog-dashboard did not say it was listening within \(timeout) s: \(stdout) \(stderr)")
    }

    var base: String { "http://127.0.0.1:\(port)" }

    /// Sends SIGTERM and waits for the exit status (nil on timeout, after which it is killed).
    @discardableResult
    func stop(timeout: Double = 15) -> Int32? {
        guard process.isRunning else { return process.terminationStatus }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }

    /// Waits for the process to exit by itself (a refused start); nil on timeout.
    func waitForExit(timeout: Double = 15) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    deinit {
        if process.isRunning { _ = stop(timeout: 5) }
    }
}

extension Substring {
    func lastIndex(of character: Character, before end: Index) -> Index? {
        self[startIndex..<end].lastIndex(of: character)
    }
}

/// A small blocking HTTP/1.1 client for the tests (one request per connection), so that the
/// tests talk to the real dashboard over TCP as a browser would.
enum SimpleHTTP {
    struct Response {
        var status: Int
        var headers: [String: String]
        var body: String
    }

    static func get(_ url: String, headers: [String: String] = [:], timeout: Double = 10) throws -> Response {
        guard let parsed = URLComponents(string: url), let host = parsed.host, let port = parsed.port else {
            throw HarnessError("not an http URL: \(url)")
        }
        let path = (parsed.percentEncodedPath.isEmpty ? "/" : parsed.percentEncodedPath)
            + (parsed.percentEncodedQuery.map { "?" + $0 } ?? "")
        let fd = try connect(host: host, port: port, timeout: timeout)
        defer { close(fd) }
        var request = "GET \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        let bytes = Array(request.utf8)
        guard send(fd, bytes, bytes.count, 0) == bytes.count else { throw HarnessError("cannot send to \(url)") }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = recv(fd, &chunk, chunk.count, 0)
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { break }
            received += chunk[0..<n]
        }
        guard let split = find([13, 10, 13, 10], in: received) else { throw HarnessError("no HTTP response from \(url)") }
        let head = String(decoding: received[..<split], as: UTF8.self).components(separatedBy: "\r\n")
        guard let statusLine = head.first, statusLine.count >= 12, let status = Int(statusLine.dropFirst(9).prefix(3)) else {
            throw HarnessError("bad status line from \(url)")
        }
        var fields: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(received[(split + 4)...])
        if fields["transfer-encoding"]?.lowercased() == "chunked" { body = dechunk(body) }
        return Response(status: status, headers: fields, body: String(decoding: body, as: UTF8.self))
    }

    /// A TCP connection to `host:port` (IPv4) whose reads give up after `timeout` seconds; the caller closes it.
    static func connect(host: String = "127.0.0.1", port: Int, timeout: Double) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket: \(String(cString: strerror(errno)))") }
        var seconds = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &seconds, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host, &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw HarnessError("cannot connect to \(host):\(port): \(reason)")
        }
        return fd
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return start
        }
        return nil
    }

    static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while let lineEnd = find([13, 10], in: Array(bytes[index...])).map({ $0 + index }) {
            let size = Int(String(decoding: bytes[index..<lineEnd], as: UTF8.self), radix: 16) ?? 0
            if size == 0 { break }
            let start = lineEnd + 2
            out += bytes[start..<min(start + size, bytes.count)]
            index = start + size + 2
            if index >= bytes.count { break }
        }
        return out
    }
}

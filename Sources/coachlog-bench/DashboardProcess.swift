import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A coachlog-dashboard started from the folder this benchmark runs from, on
/// 127.0.0.1 at a port the system picks, against a daemon's socket.
final class DashboardProcess: @unchecked Sendable {
    // @unchecked: `process` and `port` are set once, in `init`.
    let process: Process
    /// The port it listens on, read from its "listening on" line.
    let port: Int

    init(daemonSocket: String) throws {
        let process = Process()
        self.process = process
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        process.executableURL = folder.appendingPathComponent("coachlog-dashboard")
        process.arguments = ["--socket", daemonSocket, "--listen", "127.0.0.1:0", "--log-level", "warning"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        // Reads standard output to its end (so that the pipe never fills), reporting the port once.
        let listening = ListeningLine()
        let reading = output.fileHandleForReading
        let reader = Thread {
            var text = ""
            while true {
                let data = reading.availableData
                if data.isEmpty { break }
                guard !listening.found else { continue }
                text += String(decoding: data, as: UTF8.self)
                if let port = Self.port(in: text) { listening.set(port) }
            }
            listening.set(nil)
        }
        reader.start()
        guard let port = listening.wait(seconds: 60) else {
            let running = process.isRunning
            Self.stop(process)
            throw BenchError(
                running
                    ? "coachlog-dashboard did not say where it listens within 60 s"
                    : "coachlog-dashboard exited during start-up (status \(process.terminationStatus))")
        }
        self.port = port
    }

    /// The port of `coachlog-dashboard listening on http://127.0.0.1:PORT (...)`, once the whole line is there.
    static func port(in text: String) -> Int? {
        let marker = "coachlog-dashboard listening on http://"
        guard let start = text.range(of: marker), let end = text[start.upperBound...].firstIndex(of: "\n") else { return nil }
        let address = text[start.upperBound..<end].prefix { $0 != " " && $0 != "/" }
        guard let colon = address.lastIndex(of: ":") else { return nil }
        return Int(address[address.index(after: colon)...])
    }

    /// SIGTERM, then SIGKILL if it has not stopped within 10 s.
    func stop() { Self.stop(process) }

    private static func stop(_ process: Process) {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = ContinuousClock.now + .seconds(10)
        while process.isRunning, ContinuousClock.now < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// The port from the dashboard's first line, handed from the reading thread. @unchecked Sendable: every access holds `lock`.
final class ListeningLine: @unchecked Sendable {
    private let lock = NSLock()
    private let signal = DispatchSemaphore(value: 0)
    private var port: Int?
    private var done = false

    var found: Bool { lock.lock(); defer { lock.unlock() }; return port != nil }

    /// The port, or nil at the end of output without one; only the first call counts.
    func set(_ port: Int?) {
        lock.lock()
        defer { lock.unlock() }
        guard !done else { return }
        done = true
        self.port = port
        signal.signal()
    }

    func wait(seconds: Double) -> Int? {
        guard signal.wait(timeout: .now() + seconds) == .success else { return nil }
        lock.lock()
        defer { lock.unlock() }
        return port
    }
}

/// A keep-alive HTTP/1.1 client on one TCP connection, enough for the
/// dashboard's pages: GET only, a body read by its Content-Length. Works on
/// bytes: in Swift, "\r\n" is one Character.
final class HTTPConnection {
    struct Response {
        var status: Int
        var reason: String
        /// Names as sent; compare them case-insensitively (`header(_:)`).
        var headers: [(name: String, value: String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    let host: String
    let port: Int
    private let fd: Int32
    /// Bytes received and not yet consumed.
    private var buffer: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: 1 << 16)

    private static let crlf: [UInt8] = [13, 10]
    private static let endOfHead: [UInt8] = [13, 10, 13, 10]

    init(host: String = "127.0.0.1", port: Int) throws {
        self.host = host
        self.port = port
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchError("socket(): \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        // A page that never comes fails the run instead of hanging it.
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(host)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            // deinit closes the socket.
            let reason = String(cString: strerror(errno))
            throw BenchError("could not connect to \(host):\(port): \(reason)")
        }
    }

    deinit { close(fd) }

    /// Sends `GET path` and reads the whole response (any status).
    func get(_ path: String) throws -> Response {
        try sendAll(Array("GET \(path) HTTP/1.1\r\nHost: \(host)\r\n\r\n".utf8))
        var headEnd: Int
        while true {
            if let range = buffer.firstRange(of: Self.endOfHead) {
                headEnd = range.lowerBound
                break
            }
            try fill(path)
        }
        let lines = Self.lines(buffer[..<headEnd])
        buffer.removeFirst(headEnd + Self.endOfHead.count)
        guard let statusLine = lines.first else { throw BenchError("GET \(path): an empty response head") }
        // HTTP/1.1 200 OK
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw BenchError("GET \(path): not an HTTP/1.x status line: \(statusLine)")
        }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { throw BenchError("GET \(path): a header line without a colon: \(line)") }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        var response = Response(status: status, reason: parts.count > 2 ? String(parts[2]) : "", headers: headers, body: [])
        guard let lengthText = response.header("Content-Length"), let length = Int(lengthText), length >= 0 else {
            throw BenchError(
                "GET \(path): the response has no Content-Length (Transfer-Encoding: \(response.header("Transfer-Encoding") ?? "none")); the bench's client reads bodies by length only")
        }
        while buffer.count < length { try fill(path) }
        response.body = Array(buffer[..<length])
        buffer.removeFirst(length)
        return response
    }

    /// The head's lines, split on the bytes CR LF.
    private static func lines(_ head: ArraySlice<UInt8>) -> [String] {
        var lines: [String] = []
        var rest = head
        while let range = rest.firstRange(of: crlf) {
            lines.append(String(decoding: rest[..<range.lowerBound], as: UTF8.self))
            rest = rest[range.upperBound...]
        }
        lines.append(String(decoding: rest, as: UTF8.self))
        return lines
    }

    private func sendAll(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw BenchError("sending to \(host):\(port): \(String(cString: strerror(errno)))") }
            sent += n
        }
    }

    private func fill(_ path: String) throws {
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                buffer.append(contentsOf: chunk[..<n])
                return
            }
            if n < 0, errno == EINTR { continue }
            if n == 0 { throw BenchError("GET \(path): coachlog-dashboard closed the connection mid-response") }
            throw BenchError("GET \(path): reading the response: \(String(cString: strerror(errno)))")
        }
    }
}

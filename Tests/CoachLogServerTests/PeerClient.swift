import CoachLogJSON
import CoachLogTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A protocol client running as another Unix user: a small relay process
/// (python3, which the suite already needs for the schema checks) started
/// with `setpriv --reuid --regid --clear-groups`, so the daemon sees that
/// uid and gid through SO_PEERCRED. Lines go to the socket through its
/// stdin and come back through its stdout.
final class PeerClient {
    static let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
    /// Why peers under other uids cannot be run here, or nil when they can.
    static var unavailableReason: String? {
        if getuid() != 0 { return "needs root, to run clients under other uids with setpriv" }
        if !FileManager.default.isExecutableFile(atPath: DaemonProcess.setpriv) { return "setpriv is not installed (util-linux)" }
        if python == nil { return "no python3 in /usr/bin or /usr/local/bin that other users can run" }
        return nil
    }
    /// Run where they can; under CI=true a missing prerequisite fails instead of skipping.
    static var runs: Bool { unavailableReason == nil || ProcessInfo.processInfo.environment["CI"] == "true" }

    static let relay = """
        import os, socket, sys, threading
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(sys.argv[1])
        def up():
            for line in sys.stdin.buffer:
                s.sendall(line)
            s.shutdown(socket.SHUT_WR)
        threading.Thread(target=up, daemon=True).start()
        for line in s.makefile("rb"):
            sys.stdout.buffer.write(line)
            sys.stdout.buffer.flush()
        os._exit(0)  # the daemon closed: end without waiting for the stdin thread
        """

    let uid: UInt32
    let socket: String
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var buffer: [UInt8] = []
    private var nextId = 1
    /// Every line read, for checks on everything this peer was told.
    private(set) var transcript: [String] = []

    init(uid: UInt32, gid: UInt32, socket: String) throws {
        if let reason = Self.unavailableReason { throw HarnessError("cannot run a peer as uid \(uid): \(reason)") }
        self.uid = uid
        self.socket = socket
        process.executableURL = URL(fileURLWithPath: DaemonProcess.setpriv)
        process.arguments = [
            "--reuid=\(uid)", "--regid=\(gid)", "--clear-groups", "--pdeathsig", "KILL", "--", Self.python ?? "python3", "-u", "-c",
            Self.relay, socket,
        ]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
    }

    deinit {
        try? input.fileHandleForWriting.close()
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// The relay's pid: the pid the daemon sees.
    var pid: Int32 { process.processIdentifier }

    func send(_ object: [String: JSONValue]) throws -> JSONValue {
        let id = JSONValue.integer(Int64(nextId))
        nextId += 1
        var o = object
        o["id"] = id
        var bytes = JSONWriter.bytes(.object(o))
        bytes.append(0x0A)
        try input.fileHandleForWriting.write(contentsOf: Data(bytes))
        return id
    }

    /// One request and its reply (`{"ok":…}`).
    func request(_ op: String, _ fields: [String: JSONValue] = [:]) throws -> JSONValue {
        var o = fields
        o["op"] = .string(op)
        _ = try send(o)
        return try line()
    }

    /// The error code of the reply, or nil when it succeeded.
    func refusalCode(_ op: String, _ fields: [String: JSONValue] = [:]) throws -> String? {
        let reply = try request(op, fields)
        return reply["ok"] == true ? nil : reply["error"]?["code"]?.stringValue
    }

    /// The next line from the daemon, parsed.
    func line(timeout: Double = 10) throws -> JSONValue {
        let deadline = Date().addingTimeInterval(timeout)
        let fd = output.fileHandleForReading.fileDescriptor
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            if let end = buffer.firstIndex(of: 0x0A) {
                let line = Array(buffer[..<end])
                buffer.removeFirst(end + 1)
                WireCapture.record(line, socket: socket)
                transcript.append(String(decoding: line, as: UTF8.self))
                return try JSONParser.parse(line)
            }
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { throw HarnessError("uid \(uid): no line from the daemon within \(timeout) s") }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, Int32(min(left, 1) * 1000) + 1) > 0 else { continue }
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw HarnessError("uid \(uid): the relay ended") }
            buffer.append(contentsOf: chunk[0..<n])
        }
    }
}

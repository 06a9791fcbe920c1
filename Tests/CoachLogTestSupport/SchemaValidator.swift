import Foundation

/// Checks protocol lines against `Protocol.schema.json` with python-jsonschema (the reference
/// implementation of JSON Schema 2020-12), through `scripts/check-wire-lines`. A validator of our
/// own could share our misreadings of the specification; the reference one cannot.
///
/// One long-lived `check-wire-lines --serve --strict` process per test process does the work, so
/// the schema is compiled once. `--strict` also refuses properties the schema does not describe:
/// the daemon's output must be documented exactly, even though clients must ignore unknown keys.
public enum SchemaValidator {
    /// Which definition a line is checked against.
    public enum Kind: String, Sendable {
        /// `#/$defs/ServerLine`: any line coachlogd writes.
        case server
        /// `#/$defs/Request`: a request line.
        case request
    }

    /// One line that does not match the schema.
    public struct Failure: Sendable, CustomStringConvertible {
        /// 1-based line number in the checked file.
        public var line: Int
        /// The line (shortened when long).
        public var text: String
        /// The schema errors, most specific first.
        public var errors: [String]

        public var description: String { "line \(line): \(errors.joined(separator: "; "))\n  \(text)" }
    }

    /// Why lines cannot be checked on this machine (python3 or its jsonschema package missing),
    /// or nil when they can. `scripts/install-deps` installs what is missing.
    public static let unavailableReason: String? = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import jsonschema; jsonschema.Draft202012Validator"]
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        do { try process.run() } catch { return "cannot run python3: \(error)" }
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus == 0 { return nil }
        let last = message.split(separator: "\n").last.map(String.init) ?? "status \(process.terminationStatus)"
        return "python3 with the jsonschema package (Draft 2020-12) is needed: \(last); run scripts/install-deps"
    }()

    /// True under CI (`CI=true`), where a validator that cannot run is a failure, not a skip.
    public static var isRequired: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Checks every line of `file` as `kind`; the lines that do not match.
    public static func check(file: String, kind: Kind) throws -> [Failure] {
        if let reason = unavailableReason { throw HarnessError(reason) }
        return try server.check(file: file, kind: kind)
    }

    /// Checks `lines` (without their `\n`) as `kind`; the failures, numbered from 1 in `lines`' order.
    public static func check(lines: [String], kind: Kind) throws -> [Failure] {
        let file = NSTemporaryDirectory() + "/coachlog-lines-\(getpid())-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: file))
        return try check(file: file, kind: kind)
    }

    private static let server = Server()

    /// The `--serve` process: one request `KIND PATH` per line in, one JSON answer per line out.
    private final class Server: @unchecked Sendable {
        // @unchecked: every member is only touched under `lock`.
        private let lock = NSLock()
        private var process: Process?
        private var input: FileHandle?
        private var output: FileHandle?
        private var buffer: [UInt8] = []

        func check(file: String, kind: Kind) throws -> [Failure] {
            lock.lock()
            defer { lock.unlock() }
            if process?.isRunning != true { try start() }
            guard let input, let output else { throw HarnessError("the schema validator is not running") }
            do {
                try input.write(contentsOf: Data("\(kind.rawValue) \(file)\n".utf8))
            } catch {
                process = nil
                throw HarnessError("cannot talk to scripts/check-wire-lines --serve: \(error)")
            }
            while !buffer.contains(0x0A) {
                let data = output.availableData
                if data.isEmpty {
                    process = nil
                    throw HarnessError("scripts/check-wire-lines --serve stopped before answering about \(file)")
                }
                buffer += data
            }
            let newline = buffer.firstIndex(of: 0x0A) ?? buffer.endIndex
            let answer = Array(buffer[..<newline])
            buffer.removeFirst(min(buffer.count, newline + 1))
            guard let object = try JSONSerialization.jsonObject(with: Data(answer)) as? [String: Any],
                let failures = object["failures"] as? [[String: Any]]
            else { throw HarnessError("unreadable answer from check-wire-lines: \(String(decoding: answer, as: UTF8.self))") }
            return failures.map { f in
                Failure(
                    line: f["line"] as? Int ?? 0, text: f["text"] as? String ?? "",
                    errors: f["errors"] as? [String] ?? [])
            }
        }

        private func start() throws {
            // A validator that died must fail a check, not kill the test process with SIGPIPE.
            signal(SIGPIPE, SIG_IGN)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", Repository.path("scripts/check-wire-lines"), "--serve", "--strict"]
            let input = Pipe()
            let output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            try process.run()
            self.process = process
            self.input = input.fileHandleForWriting
            self.output = output.fileHandleForReading
            buffer = []
        }
    }
}

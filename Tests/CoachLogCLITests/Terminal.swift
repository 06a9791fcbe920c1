import CoachLogTestSupport
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension CLI {
    /// Runs `coachlog ARGS` with its standard output on a pseudo-terminal and without NO_COLOR (plus `env`), as a
    /// person at a terminal would: the output it prints there, colour codes included, with the terminal's
    /// "\r\n" turned back into "\n".
    func runOnTerminal(_ args: [String], env: [String: String] = [:]) throws -> CLIResult {
        try Binaries.require(Binaries.coachlog)
        let master = PseudoTerminal.openMaster(O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard master >= 0, PseudoTerminal.grant(master) == 0, PseudoTerminal.unlock(master) == 0 else {
            if master >= 0 { close(master) }
            throw HarnessError("no pseudo-terminal: \(PseudoTerminal.lastError)")
        }
        defer { close(master) }
        var name = [CChar](repeating: 0, count: 128)
        guard PseudoTerminal.name(master, &name, name.count) == 0 else { throw HarnessError("ptsname_r: \(PseudoTerminal.lastError)") }
        let path = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let slave = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard slave >= 0 else { throw HarnessError("open \(path): \(PseudoTerminal.lastError)") }

        let errPath = sandbox.path("terminal-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        defer {
            try? err.close()
            try? FileManager.default.removeItem(atPath: errPath)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binaries.coachlog)
        process.arguments = args
        process.environment = childEnvironment(["COACHLOG_SOCKET": socket].merging(env) { $1 })
        process.standardOutput = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            close(slave)
            throw error
        }
        // Only the child holds the terminal now: reading ends (EIO) once it has exited and everything is read.
        close(slave)
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            var poller = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 100)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { continue }
            let n = read(master, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            output += buffer[0..<n]
        }
        let status = waitForExit(process, timeout: 5)
        let stdout = String(decoding: output, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return CLIResult(status: status, stdout: stdout, stderr: stderr)
    }
}

/// glibc's pseudo-terminal calls, which the Glibc module does not export (they sit behind _XOPEN_SOURCE),
/// looked up in the running program.
enum PseudoTerminal {
    private static func function<F>(_ name: String, as _: F.Type) -> F {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), name) else { fatalError("glibc has no \(name)") }
        return unsafeBitCast(symbol, to: F.self)
    }

    static let openMaster = function("posix_openpt", as: (@convention(c) (Int32) -> Int32).self)
    static let grant = function("grantpt", as: (@convention(c) (Int32) -> Int32).self)
    static let unlock = function("unlockpt", as: (@convention(c) (Int32) -> Int32).self)
    static let name = function("ptsname_r", as: (@convention(c) (Int32, UnsafeMutablePointer<CChar>, Int) -> Int32).self)

    static var lastError: String { String(cString: strerror(errno)) }
}

/// What the CLI prints around coloured text on a terminal.
enum Colour: String {
    case red = "31"
    case green = "32"
    case yellow = "33"

    func paint(_ text: String) -> String { "\u{1B}[\(rawValue)m\(text)\u{1B}[0m" }
}

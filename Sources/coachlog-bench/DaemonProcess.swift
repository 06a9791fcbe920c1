import CoachLogClient
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A coachlogd started from the folder this benchmark runs from.
final class DaemonProcess {
    let process = Process()
    let socket: String
    let started = ContinuousClock.now
    /// Time from spawn to the first `hello` reply.
    private(set) var startupSeconds = 0.0

    init(data: String, socket: String) throws {
        self.socket = socket
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        process.executableURL = folder.appendingPathComponent("coachlogd")
        process.arguments = ["--data", data, "--socket", socket, "--log-level", "warning"]
        try process.run()
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let c = try? Connection(path: socket), (try? c.request(.hello)) != nil {
                startupSeconds = Double((ContinuousClock.now - started).components.attoseconds) / 1e18
                    + Double((ContinuousClock.now - started).components.seconds)
                return
            }
            guard process.isRunning else { throw BenchError("coachlogd exited during start-up (status \(process.terminationStatus))") }
            usleep(500)
        }
        throw BenchError("coachlogd did not answer on \(socket) within 60 s")
    }

    /// Peak resident memory so far (VmHWM), in bytes.
    var peakResidentBytes: Int {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kb = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
            return kb * 1024
        }
        return 0
    }

    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
    }

    deinit { stop() }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

func temporaryFolder(_ tag: String) -> String {
    var template = Array("/tmp/coachlog-bench-\(tag)-XXXXXX".utf8CString)
    return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
}

func removeFolder(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}

import Foundation

/// `systemd-analyze`, for the tests of the shipped unit files.
public enum SystemdAnalyze {
    public static let path = "/usr/bin/systemd-analyze"

    /// Whether it is installed here.
    public static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: path) }

    /// Runs it with `arguments`; its exit status and its output (stdout and stderr together).
    public static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

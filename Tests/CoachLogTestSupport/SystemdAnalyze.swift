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

    /// `systemd-analyze security --offline=true` on a unit file: its overall exposure score and
    /// the line that gives it.
    public static func exposure(ofUnitAt unitPath: String) throws -> (score: Double, line: String) {
        let result = try run(["security", "--offline=true", unitPath])
        guard let line = result.output.split(separator: "\n").first(where: { $0.contains("Overall exposure level") }),
            let score = line.split(separator: " ").compactMap({ Double($0) }).first
        else { throw HarnessError("no exposure score from systemd-analyze security: \(result.output)") }
        return (score, String(line))
    }
}

import Foundation
import Testing

/// The CLI is a client of the contract only: its sources import the client and protocol modules (never the
/// domain), and read results through typed values, not by looking up wire field names in JSON.
@Suite struct CLISourceTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/coachlog")
    static let allowedImports: Set<String> = ["ArgumentParser", "CoachLogClient", "CoachLogProtocol", "CoachLogJSON", "Foundation", "Glibc"]

    static func files() throws -> [(name: String, text: String)] {
        let names = try FileManager.default.contentsOfDirectory(atPath: sources.path).filter { $0.hasSuffix(".swift") }.sorted()
        return try names.map { ($0, try String(contentsOf: sources.appendingPathComponent($0), encoding: .utf8)) }
    }

    @Test func importsOnlyTheClientAndTheProtocol() throws {
        let files = try Self.files()
        try #require(files.count >= 5, "no sources found in \(Self.sources.path)")
        for (name, text) in files {
            for line in text.split(separator: "\n") where line.hasPrefix("import ") {
                let module = String(line.dropFirst("import ".count)).trimmingCharacters(in: .whitespaces)
                #expect(Self.allowedImports.contains(module), "Sources/coachlog/\(name): \(line)")
            }
        }
    }

    @Test func readsNoWireFieldByName() throws {
        // `value["field"]` or `value?["field"]`: a JSON look-up by wire name; array literals start otherwise.
        let lookUp = try Regex(#"[\w\)\]\?]\[\"[A-Za-z]+\"\]"#)
        for (name, text) in try Self.files() {
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                #expect(line.firstMatch(of: lookUp) == nil, "Sources/coachlog/\(name):\(number + 1): \(line)")
            }
        }
    }
}

import Foundation

/// Files of this repository that tests read (the protocol document, its schema, scripts).
public enum Repository {
    /// The repository's root folder, found from this source file's compile-time path
    /// (`Tests/CoachLogTestSupport/Repository.swift`), so it is right in any checkout or worktree.
    public static let root: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }()

    /// The absolute path of `relative` inside the repository.
    public static func path(_ relative: String) -> String { root + "/" + relative }

    /// The text of a repository file.
    public static func text(_ relative: String) throws -> String {
        try String(contentsOfFile: path(relative), encoding: .utf8)
    }
}

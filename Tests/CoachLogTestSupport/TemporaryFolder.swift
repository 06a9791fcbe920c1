import CoachLogPOSIX

#if canImport(Glibc)
import Glibc
#endif

/// Creates a fresh, empty folder `/tmp/PREFIX-XXXXXX` (mkdtemp) and returns its path.
/// Keep `prefix` short where the folder will hold Unix sockets (their paths are limited to 107 bytes).
public func makeTemporaryFolder(prefix: String) throws -> String {
    var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
    guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
        throw HarnessError("mkdtemp failed: \(POSIX.errorMessage(errno))")
    }
    return String(cString: made)
}

/// A fresh temporary folder, removed with everything in it when the value is released.
public final class TemporaryFolder {
    /// The folder's absolute path.
    public let path: String

    /// Creates `/tmp/PREFIX-XXXXXX`; if that fails, uses a fixed fallback path (so tests fail on use, not here).
    public init(prefix: String = "coachlog-test") {
        path = (try? makeTemporaryFolder(prefix: prefix)) ?? "/tmp/\(prefix)-fallback-\(getpid())"
    }

    deinit {
        removeTree(path)
    }
}

/// Removes `path` and, if it is a folder, everything under it (symbolic links are removed, never followed).
public func removeTree(_ path: String) {
    guard let dir = opendir(path) else {
        unlink(path)
        return
    }
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
        }
        if name == "." || name == ".." { continue }
        let child = path + "/" + name
        var st = stat()
        if lstat(child, &st) == 0, st.st_mode & S_IFMT == S_IFDIR { removeTree(child) } else { unlink(child) }
    }
    closedir(dir)
    rmdir(path)
}

#if canImport(Glibc)
import Glibc
#endif

extension POSIX {
    /// The folder that holds `path`, as `dirname` says: `/a/b` → `/a`,
    /// `/b` → `/`, `b` → `.`; trailing slashes do not count. Pure string work:
    /// nothing is looked up on disk.
    public static func parentFolder(of path: String) -> String {
        var bytes = Array(path.utf8)
        while bytes.count > 1, bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return "." }
        var end = slash
        while end > 0, bytes[end - 1] == UInt8(ascii: "/") { end -= 1 }
        return end == 0 ? "/" : String(decoding: bytes[..<end], as: UTF8.self)
    }

    /// Creates the folder `path` and every missing folder above it, with
    /// `mode` (less the umask), like `mkdir -p`. Folders that exist are left
    /// as they are; something else in the way (a file) fails with ENOTDIR.
    /// An empty path names the current folder: nothing to do.
    public static func makeFolders(_ path: String, mode: mode_t) throws(SystemCallError) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, mode) == 0 { continue }
            let code = errno
            guard code == EEXIST else { throw SystemCallError("mkdir \(current)", code: code) }
            // EEXIST says nothing about what exists; stat follows a link to a folder, as mkdir -p does.
            var st = stat()
            guard stat(current, &st) == 0, st.st_mode & S_IFMT == S_IFDIR else {
                throw SystemCallError("mkdir \(current)", code: ENOTDIR)
            }
        }
    }
}

// glibc's malloc_trim(3), which the Glibc module map does not export (it is in malloc.h).
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: Int) -> Int32

extension POSIX {
    /// Returns memory that malloc holds but nobody uses to the system (glibc's
    /// `malloc_trim`): after a burst of short-lived allocations, such as
    /// loading a read model, so that the process's heap is what it keeps.
    public static func releaseFreedMemory() {
        _ = glibcMallocTrim(0)
    }
}

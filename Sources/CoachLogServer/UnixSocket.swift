import CoachLogProtocol

#if canImport(Glibc)
import Glibc
#endif

/// The few socket chores NIO does not do for us.
enum UnixSocket {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Makes `path` free to bind: creates its folder, replaces a stale socket
    /// left by a crash, and refuses if a live daemon answers there or if the
    /// path is something other than a socket.
    static func prepare(path: String) throws {
        guard path.utf8.count < 108 else {
            throw Failure(description: "socket path \(path) is too long (Unix sockets allow 107 bytes); choose a shorter --socket")
        }
        let folder = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        if !folder.isEmpty { try makeFolders(folder) }
        if folder == DefaultPaths.privateFallbackFolder {
            // Shared /tmp: someone else could have made this folder first.
            chmod(folder, 0o700)
            guard DefaultPaths.isPrivateFolder(folder) else {
                throw Failure(
                    description: "\(folder) is not a private folder of this user (someone else may own it); remove it or pass --socket")
            }
        }
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        guard st.st_mode & S_IFMT == S_IFSOCK else {
            throw Failure(description: "\(path) exists and is not a socket; remove it or choose another --socket")
        }
        if isLive(path) {
            throw Failure(
                description: "another coachlogd is already serving \(path); stop it first or choose another --socket")
        }
        unlink(path)
    }

    static func makeFolders(_ folder: String) throws {
        var current = folder.hasPrefix("/") ? "" : "."
        for component in folder.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw Failure(description: "cannot create the socket folder \(folder): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// True when something accepts connections at `path`.
    static func isLive(_ path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(path.utf8.prefix(raw.count - 1))
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return rc == 0
    }

    /// Sets the socket file's mode and, if given, its group.
    static func setPermissions(path: String, mode: UInt32, group: String?) throws {
        if let group {
            guard let entry = getgrnam(group) else {
                throw Failure(description: "group \(group) does not exist; create it or drop --socket-group")
            }
            if chown(path, uid_t.max, entry.pointee.gr_gid) != 0 {
                throw Failure(description: "cannot give \(path) to group \(group): \(String(cString: strerror(errno)))")
            }
        }
        if chmod(path, mode_t(mode)) != 0 {
            throw Failure(description: "cannot set the mode of \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Tells systemd about our state (`READY=1`, `STOPPING=1`) on `$NOTIFY_SOCKET`, if set.
    static func notifySystemd(_ state: String) {
        guard let socketText = getenv("NOTIFY_SOCKET") else { return }
        var path = Array(String(cString: socketText).utf8)
        guard !path.isEmpty else { return }
        if path[0] == UInt8(ascii: "@") { path[0] = 0 }  // abstract namespace
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let length = min(path.count, MemoryLayout.size(ofValue: address.sun_path) - 1)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path.prefix(length))
        }
        let addressLength = socklen_t(MemoryLayout<sa_family_t>.size + length)
        let message = Array(state.utf8)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { addr in
                message.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), addr, addressLength) }
            }
        }
    }
}

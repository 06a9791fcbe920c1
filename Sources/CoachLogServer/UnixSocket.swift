import CoachLogPOSIX
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
        let folder = POSIX.parentFolder(of: path)
        do {
            try POSIX.makeFolders(folder, mode: 0o755)
        } catch {
            throw Failure(description: "cannot create the socket folder \(folder): \(error.message)")
        }
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

    /// True when something accepts connections at `path`.
    static func isLive(_ path: String) -> Bool {
        guard let fd = try? POSIX.connectUnixSocket(path) else { return false }
        close(fd)
        return true
    }

    /// Sets the socket file's mode and, if given, its group.
    static func setPermissions(path: String, mode: UInt32, group: String?) throws {
        if let group {
            guard let entry = getgrnam(group) else {
                throw Failure(description: "group \(group) does not exist; create it or drop --socket-group")
            }
            if chown(path, uid_t.max, entry.pointee.gr_gid) != 0 {
                throw Failure(description: "cannot give \(path) to group \(group): \(POSIX.errorMessage(errno))")
            }
        }
        if chmod(path, mode_t(mode)) != 0 {
            throw Failure(description: "cannot set the mode of \(path): \(POSIX.errorMessage(errno))")
        }
    }

    /// Tells systemd about our state (`READY=1`, `STOPPING=1`) on `$NOTIFY_SOCKET`, if set.
    static func notifySystemd(_ state: String) {
        guard let socketText = getenv("NOTIFY_SOCKET") else { return }
        let path = String(cString: socketText)
        guard !path.isEmpty else { return }
        let address: UnixSocketAddress
        do {
            // systemd writes a name in the abstract namespace as "@name".
            address = try path.hasPrefix("@")
                ? UnixSocketAddress(abstractName: Array(path.utf8.dropFirst())) : UnixSocketAddress(path: path)
        } catch {
            return
        }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let message = Array(state.utf8)
        _ = address.withSockaddr { addr, length in
            message.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), addr, length) }
        }
    }
}

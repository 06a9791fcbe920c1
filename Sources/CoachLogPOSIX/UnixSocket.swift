#if canImport(Glibc)
import Glibc
#endif

/// A Unix socket address (`sockaddr_un`) for a path in the file system or a
/// name in Linux's abstract namespace, with its exact length.
public struct UnixSocketAddress: Sendable {
    /// The longest path `sun_path` holds with its terminating NUL (107 on Linux).
    public static let maximumPathBytes = MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1

    private let address: sockaddr_un
    private let length: socklen_t

    /// The socket file at `path`. Fails with ENAMETOOLONG past `maximumPathBytes`.
    public init(path: String) throws(SystemCallError) {
        let bytes = Array(path.utf8)
        guard bytes.count <= Self.maximumPathBytes else {
            throw SystemCallError(
                "sockaddr_un \(path)", code: ENAMETOOLONG,
                message: "the path is too long for a Unix socket (at most \(Self.maximumPathBytes) bytes)")
        }
        self.init(sunPath: bytes + [0])
    }

    /// `name` in the abstract namespace (a leading NUL, no file; what systemd
    /// writes as `@name`).
    public init(abstractName name: [UInt8]) throws(SystemCallError) {
        guard name.count <= Self.maximumPathBytes else {
            throw SystemCallError(
                "sockaddr_un @\(String(decoding: name, as: UTF8.self))", code: ENAMETOOLONG,
                message: "the name is too long for a Unix socket (at most \(Self.maximumPathBytes) bytes)")
        }
        self.init(sunPath: [0] + name)
    }

    private init(sunPath: [UInt8]) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: sunPath) }
        self.address = address
        self.length = socklen_t(MemoryLayout<sa_family_t>.size + sunPath.count)
    }

    /// Calls `body` with the address as the socket calls take it.
    public func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws -> R) rethrows -> R {
        try withUnsafePointer(to: address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { try body($0, length) }
        }
    }
}

extension POSIX {
    /// A new stream socket (close-on-exec) connected to the Unix socket at
    /// `path`. The caller closes it.
    public static func connectUnixSocket(_ path: String) throws(SystemCallError) -> Int32 {
        let address = try UnixSocketAddress(path: path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemCallError.last("socket") }
        guard address.withSockaddr({ connect(fd, $0, $1) }) == 0 else {
            let error = SystemCallError.last("connect \(path)")
            close(fd)
            throw error
        }
        return fd
    }

    /// A new socket of `type` (`SOCK_STREAM`, `SOCK_DGRAM`; close-on-exec)
    /// bound to `path` and not listening. The caller closes it and removes the file.
    public static func bindUnixSocket(_ path: String, type: Int32) throws(SystemCallError) -> Int32 {
        let address = try UnixSocketAddress(path: path)
        let fd = socket(AF_UNIX, type | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemCallError.last("socket") }
        guard address.withSockaddr({ bind(fd, $0, $1) }) == 0 else {
            let error = SystemCallError.last("bind \(path)")
            close(fd)
            throw error
        }
        return fd
    }
}

extension POSIX {
    /// Writes all of `bytes` to a connected socket, retrying after signals and
    /// short writes. A peer that left is an error (EPIPE), never a SIGPIPE.
    public static func sendAll(_ fd: Int32, _ bytes: [UInt8]) throws(SystemCallError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemCallError.last("send")
            }
            offset += n
        }
    }
}

import CoachLogPOSIX
import CoachLogTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("CoachLogPOSIX")
struct POSIXTests {
    @Test(
        "parentFolder works like dirname",
        arguments: [
            ("/run/coachlog/coachlog.sock", "/run/coachlog"), ("/a/b/", "/a"), ("/b", "/"), ("/", "/"), ("//a", "/"),
            ("b", "."), ("a/b", "a"), ("a//b", "a"), ("", "."), ("./s.sock", "."), ("/tmp/coachlog-0/x", "/tmp/coachlog-0"),
        ])
    func parentFolder(path: String, parent: String) {
        #expect(POSIX.parentFolder(of: path) == parent)
    }

    @Test("errorMessage and SystemCallError carry the C library's words")
    func messages() {
        #expect(POSIX.errorMessage(ENOENT) == "No such file or directory")
        errno = EACCES
        let error = SystemCallError.last("open /x")
        #expect(error.code == EACCES)
        #expect(error.description == "open /x: Permission denied")
        #expect(SystemCallError("x", code: EINVAL, message: "better words").message == "better words")
    }

    @Test("makeFolders creates every missing folder with the mode given, and leaves existing ones alone")
    func makeFolders() throws {
        let root = TemporaryFolder(prefix: "clposix")
        let deep = root.path + "/a/b//c/"
        try POSIX.makeFolders(deep, mode: 0o700)
        for folder in ["/a", "/a/b", "/a/b/c"] {
            var st = stat()
            #expect(stat(root.path + folder, &st) == 0)
            #expect(st.st_mode & S_IFMT == S_IFDIR)
            #expect(st.st_mode & 0o777 == 0o700 & ~currentUmask(), "\(folder)")
        }
        chmod(root.path + "/a", 0o755)
        try POSIX.makeFolders(deep, mode: 0o700)
        var st = stat()
        _ = stat(root.path + "/a", &st)
        #expect(st.st_mode & 0o777 == 0o755, "an existing folder keeps its mode")
        try POSIX.makeFolders("", mode: 0o700)
    }

    @Test("makeFolders fails with ENOTDIR when a file is in the way, naming where")
    func fileInTheWay() throws {
        let root = TemporaryFolder(prefix: "clposix")
        let file = root.path + "/file"
        let fd = open(file, O_CREAT | O_WRONLY, 0o600)
        #expect(fd >= 0)
        close(fd)
        for path in [file, file + "/below"] {
            #expect(throws: SystemCallError.self) { try POSIX.makeFolders(path, mode: 0o700) }
            do {
                try POSIX.makeFolders(path, mode: 0o700)
            } catch {
                #expect(error.code == ENOTDIR, "\(path): \(error)")
                #expect(error.call.hasPrefix("mkdir \(root.path)/file"))
            }
        }
    }

    @Test("a socket path longer than sun_path holds is refused before any system call")
    func addressLength() throws {
        #expect(UnixSocketAddress.maximumPathBytes == 107)
        _ = try UnixSocketAddress(path: "/" + String(repeating: "p", count: 106))
        do {
            _ = try UnixSocketAddress(path: "/" + String(repeating: "p", count: 107))
            Issue.record("a 108-byte path was accepted")
        } catch {
            #expect(error.code == ENAMETOOLONG)
            #expect(error.message.contains("at most 107 bytes"))
        }
        #expect(throws: SystemCallError.self) { try POSIX.connectUnixSocket("/" + String(repeating: "p", count: 200)) }
    }

    @Test("connectUnixSocket reaches a listening socket; nothing there and nobody listening are errors with errno")
    func connect() throws {
        let root = TemporaryFolder(prefix: "clposix")
        let path = root.path + "/s.sock"
        do {
            _ = try POSIX.connectUnixSocket(path)
            Issue.record("connected to nothing")
        } catch {
            #expect(error.code == ENOENT)
            #expect(error.call == "connect \(path)")
        }
        let listener = try POSIX.bindUnixSocket(path, type: Int32(SOCK_STREAM.rawValue))
        defer { close(listener) }
        do {
            _ = try POSIX.connectUnixSocket(path)
            Issue.record("connected to a socket that does not listen")
        } catch {
            #expect(error.code == ECONNREFUSED)
        }
        #expect(listen(listener, 1) == 0)
        let client = try POSIX.connectUnixSocket(path)
        defer { close(client) }
        #expect(fcntl(client, F_GETFD) & FD_CLOEXEC != 0)
        let server = accept(listener, nil, nil)
        defer { close(server) }
        #expect(server >= 0)
        #expect(send(client, "hi", 2, Int32(MSG_NOSIGNAL)) == 2)
        var received = [UInt8](repeating: 0, count: 2)
        #expect(recv(server, &received, 2, 0) == 2)
        #expect(received == Array("hi".utf8))
        #expect(throws: SystemCallError.self) { try POSIX.bindUnixSocket(path, type: Int32(SOCK_STREAM.rawValue)) }
    }

    @Test("an abstract-namespace address reaches a datagram socket bound to it (what systemd's @name means)")
    func abstractNamespace() throws {
        let name = Array("coachlog-posix-test-\(getpid())".utf8)
        let address = try UnixSocketAddress(abstractName: name)
        let receiver = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        defer { close(receiver) }
        #expect(address.withSockaddr { bind(receiver, $0, $1) } == 0)
        let sender = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        defer { close(sender) }
        let message = Array("READY=1".utf8)
        let sent = address.withSockaddr { addr, length in
            message.withUnsafeBytes { sendto(sender, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), addr, length) }
        }
        #expect(sent == message.count)
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = recv(receiver, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        #expect(n == message.count && Array(buffer.prefix(max(n, 0))) == message)
    }
}

/// The process's umask, read from /proc: umask() would change it for every test running meanwhile.
private func currentUmask() -> mode_t {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Umask:") }),
        let mask = mode_t(line.dropFirst("Umask:".count).trimmingCharacters(in: .whitespaces), radix: 8)
    else { return 0o022 }
    return mask
}

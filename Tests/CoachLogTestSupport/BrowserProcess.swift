import CoachLogPOSIX
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A browser child process started with `posix_spawn`, its DevTools pipe on fds 3 (commands) and 4 (replies).
///
/// Guarantees: the child gets only stdin and stdout on /dev/null, stderr into `stderrPath`, and the two pipe ends;
/// it leads its own process group, so `kill()` also ends the renderers and helpers it started, and is safe to call
/// repeatedly. If the test process dies, the kernel closes the command pipe and Chromium exits on
/// that end of file, so no browser outlives its test run.
final class BrowserProcess: @unchecked Sendable {
    // @unchecked: `status` is only touched under `lock`.
    let pid: pid_t
    let pipe: DevToolsPipe
    let stderrPath: String
    private let lock = NSLock()
    private var status: Int32?

    init(executable: String, arguments: [String], stderrPath: String) throws {
        self.stderrPath = stderrPath
        // Both pipes close on exec, and sit at fd 10 or above: dup2 onto 3 and 4 then always makes a fresh,
        // inheritable copy (a pipe already at fd 3 would keep its close-on-exec flag, or be clobbered by the other).
        let commands = try Self.makePipe()
        let replies = try Self.makePipe()
        defer {
            Glibc.close(commands.read)
            Glibc.close(replies.write)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, commands.read, 3)
        posix_spawn_file_actions_adddup2(&actions, replies.write, 4)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group (to end its helpers too), default SIGPIPE (the test process ignores it), no blocked signals.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)

        let argv = ([executable] + arguments).map { strdup($0) }
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, &attributes, argv + [nil], environ)
        guard result == 0 else {
            Glibc.close(commands.write)
            Glibc.close(replies.read)
            throw BrowserError.launchFailed("posix_spawn \(executable): \(POSIX.errorMessage(result))")
        }
        pid = child
        pipe = DevToolsPipe(writeFD: commands.write, readFD: replies.read)
    }

    /// Waits up to `timeout` for the child to end; true if it has. It is not reaped, so its pid (which is also its
    /// process group's id) cannot be reused before `kill()` has ended the group.
    func waitForExit(timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if hasExited { return true }
            if Date() >= deadline { return false }
            usleep(10_000)
        }
    }

    private var hasExited: Bool {
        lock.lock()
        defer { lock.unlock() }
        if status != nil { return true }
        var info = siginfo_t()
        let result = waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT)
        return result == 0 && info._sifields._sigchld.si_pid == pid
    }

    /// SIGKILLs the child's process group (its renderers and helpers too) and reaps the child; returns how it ended.
    @discardableResult
    func kill() -> String {
        lock.lock()
        defer { lock.unlock() }
        if status == nil {
            // The child is alive or a zombie, so the group id is still ours.
            Glibc.kill(-pid, SIGKILL)
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) < 0, errno == EINTR {}
            status = raw
        }
        guard let raw = status else { return "exit status unknown" }
        if raw & 0x7f == 0 { return "exit status \((raw >> 8) & 0xff)" }
        return "killed by signal \(raw & 0x7f)"
    }

    /// The last `lines` lines the child wrote on stderr.
    func stderrTail(lines: Int = 20) -> String {
        let text = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        let tail = text.split(separator: "\n", omittingEmptySubsequences: true).suffix(lines).joined(separator: "\n")
        return tail.isEmpty ? "(nothing on stderr)" : tail
    }

    private static func makePipe() throws -> (read: Int32, write: Int32) {
        // pipe2(O_CLOEXEC) is not visible to Swift (it needs _GNU_SOURCE): the unflagged fds live only until their
        // close-on-exec copies are made, a window in which a child another thread spawns could inherit them.
        var fds: [Int32] = [0, 0]
        guard Glibc.pipe(&fds) == 0 else {
            throw BrowserError.launchFailed("pipe: \(POSIX.errorMessage(errno))")
        }
        let read = fcntl(fds[0], F_DUPFD_CLOEXEC, 10)
        let write = fcntl(fds[1], F_DUPFD_CLOEXEC, 10)
        Glibc.close(fds[0])
        Glibc.close(fds[1])
        guard read >= 0, write >= 0 else {
            if read >= 0 { Glibc.close(read) }
            if write >= 0 { Glibc.close(write) }
            throw BrowserError.launchFailed("fcntl(F_DUPFD_CLOEXEC): \(POSIX.errorMessage(errno))")
        }
        return (read, write)
    }
}

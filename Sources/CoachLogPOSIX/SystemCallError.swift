#if canImport(Glibc)
import Glibc
#endif

/// A system call that failed: which one (and on what), its `errno`, and the
/// C library's words for it. Callers put `message` into errors of their own
/// that say what to do next.
public struct SystemCallError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The call and its object, e.g. `connect /run/coachlog/coachlog.sock`.
    public var call: String
    public var code: Int32
    /// `strerror(code)`, unless the caller had better words.
    public var message: String

    public init(_ call: String, code: Int32, message: String? = nil) {
        self.call = call
        self.code = code
        self.message = message ?? POSIX.errorMessage(code)
    }

    /// The error `errno` holds now: build it right after the call that failed.
    public static func last(_ call: String) -> SystemCallError {
        SystemCallError(call, code: errno)
    }

    public var description: String { "\(call): \(message)" }
}

/// The few POSIX chores the daemon, the client and the tests share.
public enum POSIX {
    /// The C library's message for an `errno` value, e.g. "No such file or directory".
    public static func errorMessage(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}

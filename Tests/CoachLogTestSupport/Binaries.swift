import Foundation

/// Why a test harness could not do its job (not a failure of the code under test).
public struct HarnessError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The built executables. `swift build --build-tests` puts `coachlog`, `coachlogd` and
/// `coachlog-bench` next to the test bundle executable, which is `/proc/self/exe`.
public enum Binaries {
    /// The folder holding the test bundle executable and the built products.
    public static let folder: String = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().path
    }()

    /// The path of the built product `name` (which may not exist).
    public static func path(_ name: String) -> String { folder + "/" + name }

    /// The `coachlog` command-line client.
    public static var coachlog: String { path("coachlog") }
    /// The `coachlogd` daemon.
    public static var coachlogd: String { path("coachlogd") }
    /// The `coachlog-bench` benchmark driver.
    public static var bench: String { path("coachlog-bench") }

    /// Throws unless `path` is an executable file.
    public static func require(_ path: String) throws {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw HarnessError("no executable at \(path); build it with `swift build --build-tests`")
        }
    }
}

/// One master key for every daemon the tests start, outside every data
/// folder, so that a test can restart a daemon or restore a backup into a new
/// folder as an operator would. The harnesses pass it as `COACHLOG_MASTER_KEY`
/// (a test may override it), so no test touches the default key location.
public enum TestMasterKey {
    public static let path: String = TestKeyFile.make("master.key")
}

/// One signing key for every daemon the tests start, kept like the master
/// key (`COACHLOG_SIGNING_KEY`), so that a restarted daemon signs with the
/// key its earlier signed heads were made with.
public enum TestSigningKey {
    public static let path: String = TestKeyFile.make("signing.key")
}

enum TestKeyFile {
    static func make(_ name: String) -> String {
        let folder = NSTemporaryDirectory() + "coachlog-test-keys-\(getuid())"
        let path = folder + "/" + name
        mkdir(folder, 0o700)
        // O_EXCL: made once, by whichever test process gets here first; 64 hex digits and a newline.
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd >= 0 {
            var generator = SystemRandomNumberGenerator()
            let digits = Array("0123456789abcdef".utf8)
            var text = (0..<64).map { _ in digits[Int(generator.next() as UInt8) & 15] }
            text.append(UInt8(ascii: "\n"))
            _ = write(fd, text, text.count)
            fsync(fd)
            close(fd)
        }
        return path
    }
}

import CoachLogProtocol
import CoachLogTestSupport
import Foundation
import Testing

@testable import CoachLogDashboard

#if canImport(Glibc)
import Glibc
#endif

/// The dashboard's pure parts, without a daemon: `--listen` and the loopback rule, the credentials file, the
/// viewer read from `hello`'s role, and the formatting of figures and texts on the pages.
@Suite("dashboard units")
struct DashboardUnitTests {
    // MARK: --listen

    static func configuration(_ listen: String, credentials: String? = nil) throws(ConfigurationError) -> DashboardConfiguration {
        try DashboardConfiguration(socketPath: "/tmp/s.sock", listen: listen, credentialsPath: credentials)
    }

    /// The message of the ConfigurationError `body` throws, or nil when it throws none.
    static func refusal(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as ConfigurationError {
            return error.description
        } catch {
            return "not a ConfigurationError: \(error)"
        }
    }

    @Test("--listen reads HOST:PORT, :PORT (loopback), [IPv6]:PORT and host names")
    func listenForms() throws {
        let plain = try Self.configuration("127.0.0.1:8080")
        #expect(plain.host == "127.0.0.1" && plain.port == 8080 && plain.isLoopback && plain.credentials == nil)
        #expect(plain.socketPath == "/tmp/s.sock")
        let portOnly = try Self.configuration(":9000")
        #expect(portOnly.host == "127.0.0.1" && portOnly.port == 9000 && portOnly.isLoopback)
        let six = try Self.configuration("[::1]:8080")
        #expect(six.host == "::1" && six.port == 8080 && six.isLoopback)
        let named = try Self.configuration("localhost:80")
        #expect(named.host == "localhost" && named.port == 80 && named.isLoopback)
        let other = try Self.configuration("127.0.0.2:8081")
        #expect(other.isLoopback)
    }

    @Test("beyond loopback without a credential is refused, naming --credentials")
    func beyondLoopbackNeedsCredentials() throws {
        let message = try #require(Self.refusal { _ = try Self.configuration("0.0.0.0:8080") })
        #expect(message.contains("--credentials"), "\(message)")
        #expect(message.contains("0.0.0.0:8080"), "\(message)")
        for host in ["0.0.0.0", "192.168.1.10", "[::]", "dashboard.example.com"] {
            #expect(Self.refusal { _ = try Self.configuration(host + ":8080") } != nil, "\(host)")
        }
        #expect(!DashboardConfiguration.isLoopback("0.0.0.0"))
        #expect(!DashboardConfiguration.isLoopback("::"))
        #expect(!DashboardConfiguration.isLoopback("128.0.0.1"))
        #expect(!DashboardConfiguration.isLoopback("127.0.0"))
        #expect(DashboardConfiguration.isLoopback("127.255.0.1"))
    }

    @Test("beyond loopback with a credentials file is accepted")
    func beyondLoopbackWithCredentials() throws {
        let folder = TemporaryFolder(prefix: "cldash-unit")
        defer { withExtendedLifetime(folder) {} }
        let path = try Self.credentialsFile(in: folder, "bearer 0123456789abcdefXYZ\n")
        let configuration = try Self.configuration("0.0.0.0:8080", credentials: path)
        #expect(!configuration.isLoopback)
        #expect(configuration.credentials == Credentials(bearerToken: "0123456789abcdefXYZ"))
    }

    @Test("a bad or missing port, or a malformed IPv6 address, is refused with what to write")
    func badListen() {
        for listen in ["127.0.0.1:http", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:", ":"] {
            let message = Self.refusal { _ = try Self.configuration(listen) }
            #expect(message?.contains("the port must be a number from 0 to 65535") == true, "\(listen): \(message ?? "accepted")")
        }
        for listen in ["127.0.0.1", "localhost", ""] {
            let message = Self.refusal { _ = try Self.configuration(listen) }
            #expect(message?.contains("give HOST:PORT") == true, "\(listen): \(message ?? "accepted")")
        }
        let six = Self.refusal { _ = try Self.configuration("[::1]8080") }
        #expect(six?.contains("[::1]:8080") == true, "\(six ?? "accepted")")
    }

    // MARK: Credentials

    static func credentialsFile(in folder: TemporaryFolder, _ text: String, mode: mode_t = 0o600) throws -> String {
        let path = folder.path + "/credentials"
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        guard chmod(path, mode) == 0 else { throw HarnessError("chmod \(path) failed") }
        return path
    }

    static func parse(_ text: String) throws(ConfigurationError) -> Credentials {
        try Credentials.parse(text, path: "/etc/coachlog/dashboard.credentials")
    }

    @Test("a bearer token and basic credentials are read; comments and blank lines are ignored")
    func credentialForms() throws {
        #expect(try Self.parse("bearer 0123456789abcdef") == Credentials(bearerToken: "0123456789abcdef"))
        #expect(try Self.parse("Bearer 0123456789abcdef\n") == Credentials(bearerToken: "0123456789abcdef"))
        #expect(try Self.parse("basic dana:correct-horse") == Credentials(user: "dana", password: "correct-horse"))
        let commented = """
            # the dashboard's credential, for the reverse proxy

            basic   lee:12345678:with-colon
            # rotated 2026-10-01

            """
        #expect(try Self.parse(commented) == Credentials(user: "lee", password: "12345678:with-colon"))
        #expect(try Self.parse("bearer 0123456789abcdef").scheme == "Bearer")
        #expect(try Self.parse("basic dana:correct-horse").scheme == "Basic")
    }

    @Test("two lines, none, a short token, a short password, no user or an unknown scheme are refused")
    func credentialRefusals() {
        let two = Self.refusal { _ = try Self.parse("bearer 0123456789abcdef\nbasic dana:correct-horse\n") }
        #expect(two?.contains("must hold one line") == true && two?.contains("it holds 2") == true, "\(two ?? "accepted")")
        let none = Self.refusal { _ = try Self.parse("# nothing yet\n\n") }
        #expect(none?.contains("it holds 0") == true, "\(none ?? "accepted")")
        let short = Self.refusal { _ = try Self.parse("bearer 0123456789abcde") }
        #expect(short?.contains("at least 16 characters") == true, "\(short ?? "accepted")")
        let spaced = Self.refusal { _ = try Self.parse("bearer 01234567 89abcdefgh") }
        #expect(spaced?.contains("without spaces") == true, "\(spaced ?? "accepted")")
        let shortPassword = Self.refusal { _ = try Self.parse("basic dana:1234567") }
        #expect(shortPassword?.contains("8 characters or more") == true, "\(shortPassword ?? "accepted")")
        #expect(Self.refusal { _ = try Self.parse("basic :correct-horse") } != nil)
        #expect(Self.refusal { _ = try Self.parse("basic dana-correct-horse") } != nil)
        let scheme = Self.refusal { _ = try Self.parse("token 0123456789abcdef") }
        #expect(scheme?.contains("`bearer` or `basic`") == true, "\(scheme ?? "accepted")")
    }

    @Test("load reads a file only its owner may read, and refuses one others may read, naming chmod 600")
    func credentialFileMode() throws {
        let folder = TemporaryFolder(prefix: "cldash-unit")
        defer { withExtendedLifetime(folder) {} }
        let path = try Self.credentialsFile(in: folder, "# ours\nbearer 0123456789abcdef\n")
        #expect(try Credentials.load(path: path) == Credentials(bearerToken: "0123456789abcdef"))
        #expect(chmod(path, 0o400) == 0)
        #expect(try Credentials.load(path: path) == Credentials(bearerToken: "0123456789abcdef"))
        for mode: mode_t in [0o644, 0o640, 0o604] {
            #expect(chmod(path, mode) == 0)
            let message = Self.refusal { _ = try Credentials.load(path: path) }
            #expect(message?.contains("chmod 600 \(path)") == true, "mode \(String(mode, radix: 8)): \(message ?? "accepted")")
            #expect(message?.contains("mode \(String(mode, radix: 8))") == true, "\(message ?? "accepted")")
        }
        let missing = Self.refusal { _ = try Credentials.load(path: folder.path + "/absent") }
        #expect(missing?.contains("cannot read the credentials file") == true, "\(missing ?? "accepted")")
    }

    @Test("accepts is true only for the exact Authorization header")
    func accepts() {
        let bearer = Credentials(bearerToken: "0123456789abcdef")
        #expect(bearer.accepts("Bearer 0123456789abcdef"))
        #expect(bearer.accepts("bearer 0123456789abcdef"), "the scheme's name is case-insensitive (RFC 9110)")
        for header in [
            nil, "", "Bearer", "Bearer ", "Bearer 0123456789abcde", "Bearer 0123456789abcdefg",
            "Bearer 0123456789abcdeF", " Bearer 0123456789abcdef", "Bearer 0123456789abcdef ", "Basic 0123456789abcdef",
        ] {
            #expect(!bearer.accepts(header), "\(header ?? "nil")")
        }
        let basic = Credentials(user: "dana", password: "correct-horse")
        let encoded = Data("dana:correct-horse".utf8).base64EncodedString()
        #expect(basic.accepts("Basic " + encoded))
        #expect(!basic.accepts("Basic " + Data("dana:correct-horsE".utf8).base64EncodedString()))
        #expect(!basic.accepts("Basic " + Data("Dana:correct-horse".utf8).base64EncodedString()))
        #expect(!basic.accepts("Bearer " + encoded))
        #expect(!basic.accepts(nil))
    }

    // MARK: Viewer

    @Test("the viewer follows hello's role", arguments: [
        ("operator", Viewer.everyone, true, true),
        ("dashboard", Viewer.numbersOnly, false, true),
        ("coach Dana Lee", Viewer.coach("Dana Lee"), true, false),
        ("salesperson Sam Park", Viewer.salesperson("Sam Park"), true, false),
        ("unknown peer", Viewer.nobody, false, false),
    ])
    func viewer(role: String, expected: Viewer, seesText: Bool, seesEveryone: Bool) {
        let viewer = Viewer(role: role)
        #expect(viewer == expected)
        #expect(viewer.seesText == seesText)
        #expect(viewer.seesEveryone == seesEveryone)
    }

    @Test("no role (an older daemon) is the operator's; a coach's overview is that coach's people")
    func viewerDefaults() {
        #expect(Viewer(role: nil) == .everyone)
        #expect(Viewer(role: "coach") == .nobody)
        #expect(Viewer(role: "") == .nobody)
        #expect(Viewer(role: "coach Dana Lee").defaultScope == .coach("Dana Lee"))
        #expect(Viewer(role: "operator").defaultScope == .everyone)
        #expect(Viewer(role: "dashboard").defaultScope == .everyone)
        #expect(Viewer(role: "salesperson Sam Park").defaultScope == .everyone)
        #expect(Viewer.coach("Dana Lee").description == "coach Dana Lee")
        #expect(Viewer.numbersOnly.description == "dashboard (numbers only)")
    }

    // MARK: Format

    @Test("percent rounds to whole percent; nothing reviewed is a dash")
    func percent() {
        #expect(Format.percent(nil) == "—")
        #expect(Format.percent(0) == "0 %")
        #expect(Format.percent(1) == "100 %")
        #expect(Format.percent(2.0 / 3.0) == "67 %")
        #expect(Format.percent(1.0 / 3.0) == "33 %")
    }

    @Test("points carry their sign (a true minus sign), and say which way in words")
    func points() {
        #expect(Format.points(nil) == "—")
        #expect(Format.points(0.12) == "+12 pts")
        #expect(Format.points(-1.0 / 3.0) == "\u{2212}33 pts")
        #expect(Format.points(0) == "0 pts")
        #expect(Format.points(0.004) == "0 pts")
        #expect(Format.direction(0.12) == "up")
        #expect(Format.direction(-0.5) == "down")
        #expect(Format.direction(0.001) == "steady")
        #expect(Format.direction(nil) == "no comparison")
    }

    @Test("html escapes & < > \" and ' and leaves the rest")
    func html() {
        #expect(Format.html("Tom & Jerry's <b>\"deal\"</b>") == "Tom &amp; Jerry&#39;s &lt;b&gt;&quot;deal&quot;&lt;/b&gt;")
        #expect(Format.html("Dana Reyes · ü") == "Dana Reyes · ü")
        #expect(Format.html("&amp;") == "&amp;amp;")
        #expect(Format.html("") == "")
    }

    @Test("urlComponent percent-encodes all but RFC 3986's unreserved characters, as UTF-8")
    func urlComponent() {
        #expect(Format.urlComponent("Dana Reyes/ü") == "Dana%20Reyes%2F%C3%BC")
        #expect(Format.urlComponent("a-b.c_d~e") == "a-b.c_d~e")
        #expect(Format.urlComponent("?&=#%+") == "%3F%26%3D%23%25%2B")
        #expect(Format.salespersonPath("Dana Reyes", asOf: nil) == "/salespeople/Dana%20Reyes")
        #expect(Format.salespersonPath("Dana Reyes", asOf: "2026-10-19") == "/salespeople/Dana%20Reyes?asOf=2026-10-19")
    }
}

import Foundation
import Hummingbird

/// The credential a browser must present when the dashboard listens beyond
/// loopback: a bearer token or HTTP basic credentials, read from a file that
/// only its owner may read (the file holds a secret that opens coaching records).
///
/// The file has one line, `bearer TOKEN` or `basic USER:PASSWORD`; blank lines
/// and lines starting with `#` are ignored.
public struct Credentials: Sendable, Equatable {
    /// The exact `Authorization` header value that is accepted.
    let expectedHeader: [UInt8]
    /// `Bearer` or `Basic`, for the challenge of a 401.
    public let scheme: String

    /// Every request must carry `Authorization: Bearer TOKEN` (for scripts, or a proxy that adds it:
    /// a browser cannot send it with a page load).
    public init(bearerToken: String) {
        scheme = "Bearer"
        expectedHeader = Array(("Bearer " + bearerToken).utf8)
    }

    /// Every request must carry HTTP basic credentials: the browser asks for them once.
    public init(user: String, password: String) {
        scheme = "Basic"
        expectedHeader = Array(("Basic " + Data((user + ":" + password).utf8).base64EncodedString()).utf8)
    }

    /// Reads a credentials file; refuses one that others may read, or that does not say what it holds.
    public static func load(path: String) throws(ConfigurationError) -> Credentials {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw ConfigurationError("cannot read the credentials file \(path): \(String(cString: strerror(errno)))")
        }
        // systemd's LoadCredential= hands the service a root-owned copy that an ACL lets only this
        // service read, so its mode shows group bits (the ACL mask): there, systemd keeps it private.
        let systemdCredential = ProcessInfo.processInfo.environment["CREDENTIALS_DIRECTORY"].map { folder in
            !folder.isEmpty && path.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/")
        } ?? false
        guard systemdCredential || info.st_mode & 0o077 == 0 else {
            throw ConfigurationError(
                "the credentials file \(path) may be read by other users (mode \(String(info.st_mode & 0o777, radix: 8))); "
                    + "run `chmod 600 \(path)`")
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError("cannot read the credentials file \(path)")
        }
        return try parse(text, path: path)
    }

    static func parse(_ text: String, path: String) throws(ConfigurationError) -> Credentials {
        let lines = text.split(whereSeparator: \.isNewline).map { String($0).trimmingSpaces }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard lines.count == 1, let line = lines.first else {
            throw ConfigurationError(
                "the credentials file \(path) must hold one line, `bearer TOKEN` or `basic USER:PASSWORD`; it holds \(lines.count)")
        }
        let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
        let secret = parts.count == 2 ? parts[1].trimmingSpaces : ""
        switch parts.first?.lowercased() {
        case "bearer" where secret.count >= 16 && !secret.contains(" "):
            return Credentials(bearerToken: secret)
        case "bearer":
            throw ConfigurationError("the bearer token in \(path) must be at least 16 characters without spaces")
        case "basic":
            guard let colon = secret.firstIndex(of: ":"), colon != secret.startIndex,
                secret.distance(from: colon, to: secret.endIndex) > 8
            else {
                throw ConfigurationError("the basic credentials in \(path) must read USER:PASSWORD, with a password of 8 characters or more")
            }
            return Credentials(user: String(secret[..<colon]), password: String(secret[secret.index(after: colon)...]))
        default:
            throw ConfigurationError("the credentials file \(path) must start its line with `bearer` or `basic`")
        }
    }

    /// Whether a request's `Authorization` header is the expected one, compared in constant time
    /// (the scheme's name in any case, as RFC 9110 has it).
    public func accepts(_ header: String?) -> Bool {
        var header = header ?? ""
        if let space = header.firstIndex(of: " "), header[..<space].lowercased() == scheme.lowercased() {
            header = scheme + header[space...]
        }
        let given = Array(header.utf8)
        var difference = UInt8(given.count == expectedHeader.count ? 0 : 1)
        for index in expectedHeader.indices {
            difference |= expectedHeader[index] ^ (index < given.count ? given[index] : 0)
        }
        return difference == 0
    }
}

/// Asks for the credential on every request; a missing or wrong one gets 401 and nothing else.
struct CredentialsMiddleware<Context: RequestContext>: RouterMiddleware {
    let credentials: Credentials

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if credentials.accepts(request.headers[.authorization]) {
            return try await next(request, context)
        }
        var headers = HTTPFields()
        headers[.wwwAuthenticate] = credentials.scheme == "Basic" ? "Basic realm=\"CoachLog\", charset=\"UTF-8\"" : "Bearer realm=\"CoachLog\""
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(
            status: .unauthorized, headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(string: "This dashboard needs its credential: ask its operator.\n")))
    }
}

/// A start-up setting that cannot be used; the message says what to change.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// How the dashboard is run: which daemon socket, which address to listen
/// on, and the credential required beyond loopback.
public struct DashboardConfiguration: Sendable {
    /// coachlogd's socket.
    public var socketPath: String
    /// The address to listen on; loopback unless a credential is configured.
    public var host: String
    /// The port; 0 lets the system choose (the start line says which).
    public var port: Int
    /// Required when `host` is not loopback; optional on loopback.
    public var credentials: Credentials?

    /// Taken as given: `init(socketPath:listen:credentialsPath:)` is the one that checks the loopback rule.
    public init(socketPath: String, host: String = "127.0.0.1", port: Int = 8080, credentials: Credentials? = nil) {
        self.socketPath = socketPath
        self.host = host
        self.port = port
        self.credentials = credentials
    }

    /// Reads `--listen` (`HOST:PORT`, `[IPV6]:PORT` or `:PORT` for loopback) and the credentials file,
    /// and refuses to listen beyond loopback without a credential.
    public init(socketPath: String, listen: String, credentialsPath: String?) throws(ConfigurationError) {
        let (host, port) = try Self.parse(listen: listen)
        let credentials = try credentialsPath.map { path throws(ConfigurationError) in try Credentials.load(path: path) }
        if credentials == nil, !Self.isLoopback(host) {
            throw ConfigurationError(
                "coachlog-dashboard would listen on \(listen), which is not loopback, and coaching records would be open "
                    + "to anyone who can reach it: give --credentials FILE (a line `bearer TOKEN` or `basic USER:PASSWORD`, "
                    + "mode 600), or listen on 127.0.0.1 behind a reverse proxy (README, \"Dashboard\")")
        }
        self.init(socketPath: socketPath, host: host, port: port, credentials: credentials)
    }

    static func parse(listen: String) throws(ConfigurationError) -> (String, Int) {
        let text = listen.trimmingSpaces
        var host: Substring
        var portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw ConfigurationError("--listen \(listen): write an IPv6 address as [::1]:8080")
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        } else {
            throw ConfigurationError("--listen \(listen): give HOST:PORT, such as 127.0.0.1:8080")
        }
        if host.isEmpty { host = "127.0.0.1" }
        guard let port = Int(portText), (0...65_535).contains(port) else {
            throw ConfigurationError("--listen \(listen): the port must be a number from 0 to 65535")
        }
        return (String(host), port)
    }

    /// 127.0.0.0/8, ::1 and localhost.
    public static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }) else { return false }
        return parts[0] == "127"
    }

    public var isLoopback: Bool { Self.isLoopback(host) }
}

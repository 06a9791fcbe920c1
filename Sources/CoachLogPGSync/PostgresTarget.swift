import Foundation
import NIOSSL
import PostgresNIO

/// Where and how to reach PostgreSQL, parsed from a libpq-style URL:
/// `postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=MODE`, or for a local
/// socket `postgres:///DATABASE?host=/var/run/postgresql` (the folder holding
/// `.s.PGSQL.PORT`, as libpq takes it). Parsing is pure; the password can also
/// come from `PGPASSWORD` or a file, so that it need not sit on a command line.
public struct PostgresTarget: Sendable, Equatable {
    /// How TLS is used, with libpq's names.
    public enum TLSMode: String, Sendable, Equatable, CaseIterable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, without checking its certificate (libpq's default).
        case prefer
        /// TLS or no connection; the certificate is not checked.
        case require
        /// TLS, with the certificate checked against `sslrootcert` (or the system's CAs) and the host name.
        case verifyFull = "verify-full"
    }

    /// A TCP host, or nil for a Unix socket.
    public var host: String?
    public var port: Int
    /// The folder of the server's Unix socket, when `host` is nil.
    public var socketFolder: String?
    public var user: String
    public var password: String?
    public var database: String
    public var tls: TLSMode
    /// A CA bundle (PEM) for `verify-full`.
    public var rootCertificate: String?

    /// Why a URL was refused, said so that the user can fix it.
    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// Parses `url`. `defaultUser` stands in for a URL without a user (libpq uses the login name);
    /// `password` for one without a password.
    public init(url text: String, defaultUser: String, password fallbackPassword: String? = nil) throws(Invalid) {
        func invalid(_ why: String) -> Invalid {
            Invalid(
                description: "--postgres \(Self.redacted(text)): \(why); write it as postgres://USER@HOST:PORT/DATABASE "
                    + "or postgres:///DATABASE?host=/var/run/postgresql")
        }
        guard let url = URLComponents(string: text), let scheme = url.scheme,
            scheme == "postgres" || scheme == "postgresql"
        else { throw invalid("not a postgres:// URL") }
        var query: [String: String] = [:]
        for item in url.queryItems ?? [] {
            guard let value = item.value else { throw invalid("parameter \(item.name) has no value") }
            query[item.name] = value
        }
        let known: Set = ["host", "port", "user", "password", "dbname", "sslmode", "sslrootcert", "application_name"]
        if let unknown = query.keys.sorted().first(where: { !known.contains($0) }) {
            throw invalid("unknown parameter \(unknown) (known: \(known.sorted().joined(separator: ", ")))")
        }
        let rawHost = query["host"] ?? url.percentEncodedHost.flatMap { $0.removingPercentEncoding }
        let portText = query["port"] ?? url.port.map(String.init)
        guard let port = portText.map({ Int($0) }) ?? 5432, (1...65_535).contains(port) else {
            throw invalid("the port must be a number from 1 to 65535")
        }
        self.port = port
        if let rawHost, !rawHost.isEmpty {
            if rawHost.hasPrefix("/") {
                host = nil
                socketFolder = rawHost
            } else {
                host = rawHost
                socketFolder = nil
            }
        } else {
            host = nil
            socketFolder = "/var/run/postgresql"
        }
        user = query["user"] ?? url.user?.removingPercentEncoding ?? defaultUser
        guard !user.isEmpty else { throw invalid("no user name") }
        password = query["password"] ?? url.password?.removingPercentEncoding ?? fallbackPassword
        let path = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        database = query["dbname"] ?? (path.isEmpty ? user : (path.removingPercentEncoding ?? path))
        guard !database.contains("/") else { throw invalid("the database name cannot contain /") }
        let mode = query["sslmode"] ?? (socketFolder == nil ? "prefer" : "disable")
        guard let tls = TLSMode(rawValue: mode) else {
            throw invalid("sslmode \(mode) is not one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if socketFolder != nil, tls == .require || tls == .verifyFull {
            throw invalid("sslmode \(mode) needs a TCP host; a Unix socket carries no TLS")
        }
        self.tls = tls
        rootCertificate = query["sslrootcert"]
    }

    /// The URL with any password replaced by `***`, for messages and logs.
    public static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "(unreadable URL)" }
        if components.password != nil { components.password = "***" }
        if let items = components.queryItems, items.contains(where: { $0.name == "password" }) {
            components.queryItems = items.map { $0.name == "password" ? URLQueryItem(name: "password", value: "***") : $0 }
        }
        return components.string ?? "(unreadable URL)"
    }

    /// Where it connects, without secrets: `user@host:port/database` or `user@/folder/.s.PGSQL.port/database`.
    public var summary: String {
        if let host { return "\(user)@\(host):\(port)/\(database) (sslmode \(tls.rawValue))" }
        return "\(user)@\(socketPath)/\(database)"
    }

    /// The Unix socket file, libpq's way: the folder, then `.s.PGSQL.` and the port.
    public var socketPath: String { "\(socketFolder ?? "/var/run/postgresql")/.s.PGSQL.\(port)" }

    /// The postgres-nio configuration; builds the TLS context where one is needed.
    public func configuration() throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        if let host {
            let tlsSetting: PostgresConnection.Configuration.TLS
            switch tls {
            case .disable:
                tlsSetting = .disable
            case .prefer, .require:
                var c = TLSConfiguration.makeClientConfiguration()
                c.certificateVerification = .none
                let context = try NIOSSLContext(configuration: c)
                tlsSetting = tls == .prefer ? .prefer(context) : .require(context)
            case .verifyFull:
                var c = TLSConfiguration.makeClientConfiguration()
                c.certificateVerification = .fullVerification
                if let rootCertificate { c.trustRoots = .file(rootCertificate) }
                tlsSetting = .require(try NIOSSLContext(configuration: c))
            }
            configuration = .init(
                host: host, port: port, username: user, password: password, database: database, tls: tlsSetting)
        } else {
            configuration = .init(unixSocketPath: socketPath, username: user, password: password, database: database)
        }
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }
}

import HashChain

/// How the daemon serves. Limits are per connection unless said otherwise.
public struct ServerConfiguration: Sendable {
    public var socketPath: String
    /// Permission bits of the socket file (default 0660: owner and group).
    public var socketMode: UInt32
    /// Group to own the socket file, if not the daemon's.
    public var socketGroup: String?
    /// An extra socket that serves only hello, read, query, subscribe and stats.
    public var readOnlySocketPath: String?
    public var maximumLineBytes: Int
    /// Requests read from one connection whose replies are not yet sent; past
    /// it the connection is not read until replies drain.
    public var maximumInFlightPerConnection: Int
    /// Unsent subscription output after which a subscriber is cut off.
    public var maximumSubscriberPendingBytes: Int
    /// How long shutdown waits for in-flight requests.
    public var shutdownGraceSeconds: Int64
    /// A listening socket inherited from systemd (`LISTEN_FDS`), used instead of binding `socketPath`.
    public var inheritedListenerDescriptor: Int32?
    /// Signs the heads `checkpoint` and `backup` return; without it they are refused.
    public var signingKey: SigningKey?

    public init(
        socketPath: String, socketMode: UInt32 = 0o660, socketGroup: String? = nil, readOnlySocketPath: String? = nil,
        maximumLineBytes: Int = 1 << 20, maximumInFlightPerConnection: Int = 256,
        maximumSubscriberPendingBytes: Int = 16 << 20, shutdownGraceSeconds: Int64 = 10,
        inheritedListenerDescriptor: Int32? = nil, signingKey: SigningKey? = nil
    ) {
        self.signingKey = signingKey
        self.socketPath = socketPath
        self.socketMode = socketMode
        self.socketGroup = socketGroup
        self.readOnlySocketPath = readOnlySocketPath
        self.maximumLineBytes = maximumLineBytes
        self.maximumInFlightPerConnection = maximumInFlightPerConnection
        self.maximumSubscriberPendingBytes = maximumSubscriberPendingBytes
        self.shutdownGraceSeconds = shutdownGraceSeconds
        self.inheritedListenerDescriptor = inheritedListenerDescriptor
    }
}

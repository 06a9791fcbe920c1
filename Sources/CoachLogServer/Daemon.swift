import CoachLogPOSIX
import EventStore
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The coachlogd service: serves the protocol on a Unix socket until graceful
/// shutdown, then stops accepting, answers what is in flight, commits what is
/// queued, and removes its socket.
public final class Daemon: Service, Sendable {
    private let store: EventStore
    private let configuration: ServerConfiguration
    private let logger: Logger
    private let access: AccessControl
    private let channels = NIOLockedValueBox<[ObjectIdentifier: any Channel]>([:])

    /// `store` must be open (its read model loaded, or deferred: then the
    /// daemon loads it once its socket listens); the daemon owns it from here on.
    /// `access` decides roles (nil: single-user mode, everyone an operator).
    public init(store: EventStore, configuration: ServerConfiguration, logger: Logger, access: AccessControl? = nil) {
        self.access = access ?? AccessControl(singleUserWith: logger)
        self.store = store
        self.configuration = configuration
        self.logger = logger
    }

    public func run() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let pool = NIOThreadPool(numberOfThreads: max(2, System.coreCount))
        pool.start()
        let hub = SubscriptionHub()
        let writer = AppendWriter(store: store, hub: hub, logger: logger)
        writer.start()
        // A store opened with `deferringReadModel` loads while the socket already
        // answers `hello`; every other request waits for the load.
        let loaded = group.next().makePromise(of: Void.self)
        let router = RequestRouter(
            store: store, writer: writer, hub: hub, pool: pool, configuration: configuration, logger: logger,
            loaded: loaded.futureResult, access: access)
        // SIGHUP reads the access file again; connections stay open and use it from their next request.
        signal(SIGHUP, SIG_IGN)
        let reload = DispatchSource.makeSignalSource(signal: SIGHUP, queue: DispatchQueue(label: "coachlogd.sighup"))
        reload.setEventHandler { [access] in access.reload() }
        reload.resume()
        defer { reload.cancel() }

        var listeners: [any Channel] = []
        var boundPaths: [String] = []
        do {
            if let fd = configuration.inheritedListenerDescriptor {
                listeners.append(try await bootstrap(group: group, router: router, readOnly: false).withBoundSocket(fd).get())
                logger.info("serving on the socket inherited from systemd (fd \(fd))")
            } else {
                listeners.append(try await bind(configuration.socketPath, group: group, router: router, readOnly: false))
                boundPaths.append(configuration.socketPath)
            }
            if let readOnlyPath = configuration.readOnlySocketPath {
                listeners.append(try await bind(readOnlyPath, group: group, router: router, readOnly: true))
                boundPaths.append(readOnlyPath)
            }
            try await pool.runIfActive { try self.store.loadReadModel() }
            if let problem = store.tampering {
                logger.error(
                    "the event log was changed behind coachlogd's back: \(problem). Reads are served; appends, forget and checkpoint are refused. Stop coachlogd, run `coachlogd verify`, and restore a backup that verifies (`coachlogd restore`)"
                )
            }
            // The load's scratch (decoded records, fold buffers) is freed; hand it back.
            POSIX.releaseFreedMemory()
            loaded.succeed(())
        } catch {
            loaded.fail(error)
            for listener in listeners { try? await listener.close() }
            for path in boundPaths { unlink(path) }
            writer.stop()
            try? await pool.shutdownGracefully()
            try? await group.shutdownGracefully()
            throw error
        }
        let position = (try? store.headPosition()) ?? 0
        logger.info(
            "coachlogd \(RequestRouter.version) ready: data \(store.directory), socket \(configuration.socketPath), \(position) events")
        UnixSocket.notifySystemd("READY=1\nSTATUS=serving \(configuration.socketPath)")

        // Runs until SIGTERM/SIGINT (or the group's cancellation).
        try? await gracefulShutdown()

        UnixSocket.notifySystemd("STOPPING=1")
        logger.info("shutting down: no new connections; finishing in-flight requests")
        for listener in listeners { try? await listener.close() }
        for path in boundPaths { unlink(path) }
        await drainConnections(group: group)
        writer.stop()
        try? await pool.shutdownGracefully()
        try? await group.shutdownGracefully()
        access.audit?.flush()
        logger.info("stopped cleanly at position \((try? store.headPosition()) ?? 0)")
    }

    private func bootstrap(group: MultiThreadedEventLoopGroup, router: RequestRouter, readOnly: Bool) -> ServerBootstrap {
        let maximumLine = configuration.maximumLineBytes
        let logger = self.logger
        let channels = self.channels
        return ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 4096)
            .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                let key = ObjectIdentifier(channel)
                channels.withLockedValue { $0[key] = channel }
                channel.closeFuture.whenComplete { _ in _ = channels.withLockedValue { $0.removeValue(forKey: key) } }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(LineFrameDecoder(maximumLineBytes: maximumLine)))
                    try channel.pipeline.syncOperations.addHandler(
                        ConnectionHandler(router: router, readOnly: readOnly, logger: logger))
                }
            }
    }

    private func bind(
        _ path: String, group: MultiThreadedEventLoopGroup, router: RequestRouter, readOnly: Bool
    ) async throws -> any Channel {
        try UnixSocket.prepare(path: path)
        // bind() creates the socket file with the umask's mode, and it accepts
        // connections at once: create it with its final mode, so that nobody
        // can connect in between bind() and chmod().
        let previousMask = umask(mode_t(0o777 & ~configuration.socketMode))
        let channel: any Channel
        do {
            channel = try await bootstrap(group: group, router: router, readOnly: readOnly)
                .bind(unixDomainSocketPath: path).get()
            umask(previousMask)
        } catch {
            umask(previousMask)
            throw error
        }
        do {
            try UnixSocket.setPermissions(
                path: path, mode: configuration.socketMode,
                group: configuration.socketGroup)
        } catch {
            try? await channel.close()
            unlink(path)
            throw error
        }
        return channel
    }

    /// Asks every connection to finish and waits (bounded) for them to close.
    private func drainConnections(group: MultiThreadedEventLoopGroup) async {
        let open = channels.withLockedValue { Array($0.values) }
        guard !open.isEmpty else { return }
        for channel in open { channel.pipeline.fireUserInboundEventTriggered(DrainAndClose()) }
        let all = EventLoopFuture.andAllComplete(open.map(\.closeFuture), on: group.next())
        let deadline = group.next().scheduleTask(in: .seconds(configuration.shutdownGraceSeconds)) {
            for channel in open { channel.close(promise: nil) }
        }
        try? await all.get()
        deadline.cancel()
    }
}

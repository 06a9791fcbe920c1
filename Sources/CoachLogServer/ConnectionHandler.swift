import CoachLogJSON
import CoachLogProtocol
import Logging
import NIOCore

/// Asks a connection to finish what it has in flight and close.
struct DrainAndClose {}

/// One client connection: decodes request lines, answers them in request
/// order even when they complete out of order (pipelining), and applies
/// backpressure: it stops reading while too many replies are pending or the
/// socket's send buffer is full, so per-connection memory stays bounded.
final class ConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = Frame
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let router: RequestRouter
    private let readOnly: Bool
    private let logger: Logger
    private let maximumInFlight: Int

    private var nextSequence = 0
    private var nextToWrite = 0
    private var completed: [Int: Outcome] = [:]
    private var readPending = false
    private var draining = false
    private var inputClosed = false
    private var subscriptions: [Subscription] = []
    /// Completes when this connection's latest append has been answered.
    /// Other requests wait for it, so a client reads its own writes even
    /// when it pipelines; appends need no wait (the writer queue is FIFO).
    private var lastAppend: EventLoopFuture<Void>?

    init(router: RequestRouter, readOnly: Bool, logger: Logger) {
        self.router = router
        self.readOnly = readOnly
        self.logger = logger
        self.maximumInFlight = router.configuration.maximumInFlightPerConnection
    }

    private var inFlight: Int { nextSequence - nextToWrite }

    /// Who is on the other end (SO_PEERCRED): logged now, and what
    /// role-based access will be decided from.
    private(set) var peer: PeerCredentials?

    func channelActive(context: ChannelHandlerContext) {
        router.connections.withLockedValue { $0 += 1 }
        let readOnly = self.readOnly
        let logger = self.logger
        PeerCredentials.of(context.channel).assumeIsolated().whenSuccess { peer in
            self.peer = peer
            logger.info(
                "connection from uid \(peer.uid) gid \(peer.gid) pid \(peer.pid)\(readOnly ? " (read-only socket)" : "")")
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        router.connections.withLockedValue { $0 -= 1 }
        for s in subscriptions { s.cancel() }
        subscriptions = []
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let sequence = nextSequence
        nextSequence += 1
        let future: EventLoopFuture<Outcome>
        switch unwrapInboundIn(data) {
        case .tooLong:
            let limit = router.configuration.maximumLineBytes
            let error = ProtocolError(.tooLarge, "the line is longer than the limit of \(limit) bytes; send smaller requests")
            future = context.eventLoop.makeSucceededFuture(Outcome(bytes: Reply.error(id: .null, error), subscription: nil))
        case .line(let line):
            switch Request.decode(line.readableBytesView) {
            case .failure(let failure):
                future = context.eventLoop.makeSucceededFuture(
                    Outcome(bytes: Reply.error(id: failure.id, failure.error), subscription: nil))
            case .success(let request):
                let router = self.router
                let readOnly = self.readOnly
                let channel = context.channel
                if request.op == .append {
                    future = router.handle(request, readOnly: readOnly, channel: channel)
                    lastAppend = future.map { _ in }
                } else if let barrier = lastAppend {
                    future = barrier.flatMap { router.handle(request, readOnly: readOnly, channel: channel) }
                } else {
                    future = router.handle(request, readOnly: readOnly, channel: channel)
                }
            }
        }
        future.assumeIsolated().whenComplete { result in
            switch result {
            case .success(let outcome): self.completed[sequence] = outcome
            case .failure(let error):
                self.completed[sequence] = self.router.failure(.null, RequestRouter.protocolError(error))
            }
            self.writeReady(context: context)
        }
    }

    private func writeReady(context: ChannelHandlerContext) {
        var wrote = false
        while let outcome = completed.removeValue(forKey: nextToWrite) {
            nextToWrite += 1
            context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: outcome.bytes)), promise: nil)
            wrote = true
            if let s = outcome.subscription {
                subscriptions.append(s)
                context.flush()
                s.start()
            }
        }
        if wrote { context.flush() }
        if inFlight == 0 && (draining || (inputClosed && subscriptions.isEmpty)) {
            context.close(promise: nil)
            return
        }
        resumeReadingIfPossible(context: context)
    }

    private func resumeReadingIfPossible(context: ChannelHandlerContext) {
        if readPending, !draining, inFlight < maximumInFlight, context.channel.isWritable {
            readPending = false
            context.read()
        }
    }

    func read(context: ChannelHandlerContext) {
        if draining { return }
        if inFlight >= maximumInFlight || !context.channel.isWritable {
            readPending = true
            return
        }
        context.read()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        for s in subscriptions { s.writabilityChanged() }
        resumeReadingIfPossible(context: context)
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is DrainAndClose {
            draining = true
            for s in subscriptions { s.cancel() }
            subscriptions = []
            if inFlight == 0 { context.close(promise: nil) }
            return
        }
        if let event = event as? ChannelEvent, case .inputClosed = event {
            // The client finished sending: answer what it sent, then close
            // (a subscription keeps the connection until the client leaves).
            inputClosed = true
            if inFlight == 0 && subscriptions.isEmpty { context.close(promise: nil) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("connection error: \(error)")
        context.close(promise: nil)
    }
}

import CoachLogJSON
import CoachLogProtocol
import Logging
import NIOCore

/// Asks a connection to finish what it has in flight and close.
struct DrainAndClose {}

/// One client connection: decodes request lines, answers them in request
/// order even when they complete out of order (pipelining), and applies
/// backpressure: a request starts only while fewer than `maximumInFlight`
/// are unanswered and the socket's send buffer has room, and at most one of
/// the connection's requests runs on the shared thread pool at a time (read,
/// query, stats, backup). Lines already read wait in `waiting`, and the
/// socket is not read while any wait. So a client that pipelines thousands
/// of reads and does not read the replies holds about one result in the
/// daemon, not thousands, and cannot fill the pool ahead of other clients.
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
    private var isClosed = false
    /// Each subscription costs the writer a filter pass per commit and up to
    /// 16 MiB of buffer, so a connection may hold only a few.
    static let maximumSubscriptions = 16
    private var subscriptionCount: Int { subscriptions.count + completed.values.filter { $0.subscription != nil }.count }
    private var subscriptions: [Subscription] = []
    /// Lines read but not started yet, in order: a reply known without running
    /// anything (too long, not a request), or a request.
    private var waiting = CircularBuffer<Waiting>()
    private var poolRequestRunning = false
    /// Set while `advance` runs: futures that are already complete call back
    /// into it synchronously, and its loop picks up their work instead.
    private var advancing = false

    private enum Waiting {
        case reply([UInt8])
        case request(Request)
    }
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
        isClosed = true
        // Subscriptions whose ok reply was never written are registered too.
        for s in subscriptions + completed.values.compactMap(\.subscription) { s.cancel() }
        subscriptions = []
        completed = [:]
        waiting.removeAll()  // nobody is left to answer: don't run them
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .tooLong:
            let limit = router.configuration.maximumLineBytes
            let error = ProtocolError(.tooLarge, "the line is longer than the limit of \(limit) bytes; send smaller requests")
            waiting.append(.reply(Reply.error(id: .null, error)))
        case .line(let line):
            switch Request.decode(line.readableBytesView) {
            case .failure(let failure): waiting.append(.reply(Reply.error(id: failure.id, failure.error)))
            case .success(let request): waiting.append(.request(request))
            }
        }
        advance(context: context)
    }

    /// Operations that run on the shared thread pool; their results can be large.
    private static func usesPool(_ op: Operation) -> Bool {
        switch op {
        case .read, .query, .stats, .backup: return true
        case .hello, .append, .subscribe: return false
        }
    }

    private func canStart(_ item: Waiting, context: ChannelHandlerContext) -> Bool {
        guard inFlight < maximumInFlight, context.channel.isActive, context.channel.isWritable else { return false }
        if case .request(let request) = item, Self.usesPool(request.op), poolRequestRunning { return false }
        return true
    }

    private func start(_ item: Waiting, context: ChannelHandlerContext) {
        let sequence = nextSequence
        nextSequence += 1
        let future: EventLoopFuture<Outcome>
        var pooled = false
        switch item {
        case .reply(let bytes):
            future = context.eventLoop.makeSucceededFuture(Outcome(bytes: bytes, subscription: nil))
        case .request(let request) where request.op == .subscribe && subscriptionCount >= Self.maximumSubscriptions:
            let error = ProtocolError(
                .unavailable,
                "this connection already has \(Self.maximumSubscriptions) subscriptions; combine their filters or use another connection")
            future = context.eventLoop.makeSucceededFuture(Outcome(bytes: Reply.error(id: request.id, error), subscription: nil))
        case .request(let request):
            let router = self.router
            let readOnly = self.readOnly
            let channel = context.channel
            pooled = Self.usesPool(request.op)
            if pooled { poolRequestRunning = true }
            if request.op == .append {
                future = router.handle(request, readOnly: readOnly, channel: channel)
                lastAppend = future.map { _ in }
            } else if let barrier = lastAppend {
                future = barrier.flatMap { router.handle(request, readOnly: readOnly, channel: channel) }
            } else {
                future = router.handle(request, readOnly: readOnly, channel: channel)
            }
        }
        future.assumeIsolated().whenComplete { result in
            if pooled { self.poolRequestRunning = false }
            if self.isClosed {
                // The client left while this ran: nobody will read the reply.
                if case .success(let outcome) = result { outcome.subscription?.cancel() }
                return
            }
            switch result {
            case .success(let outcome): self.completed[sequence] = outcome
            case .failure(let error):
                self.completed[sequence] = self.router.failure(.null, RequestRouter.protocolError(error))
            }
            self.advance(context: context)
        }
    }

    /// Writes the replies that are next in order, starts what may start, and
    /// closes or resumes reading when that is due.
    private func advance(context: ChannelHandlerContext) {
        if advancing { return }
        advancing = true
        defer { advancing = false }
        var progressed = true
        while progressed {
            progressed = false
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
            while let next = waiting.first, canStart(next, context: context) {
                waiting.removeFirst()
                start(next, context: context)
                progressed = true
            }
        }
        if inFlight == 0 && waiting.isEmpty && (draining || (inputClosed && subscriptions.isEmpty)) {
            context.close(promise: nil)
            return
        }
        resumeReadingIfPossible(context: context)
    }

    private func resumeReadingIfPossible(context: ChannelHandlerContext) {
        if readPending, !draining, waiting.isEmpty, inFlight < maximumInFlight, context.channel.isWritable {
            readPending = false
            context.read()
        }
    }

    func read(context: ChannelHandlerContext) {
        if draining { return }
        if !waiting.isEmpty || inFlight >= maximumInFlight || !context.channel.isWritable {
            readPending = true
            return
        }
        context.read()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        for s in subscriptions { s.writabilityChanged() }
        advance(context: context)
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is DrainAndClose {
            draining = true
            for s in subscriptions { s.cancel() }
            subscriptions = []
            advance(context: context)
            return
        }
        if let event = event as? ChannelEvent, case .inputClosed = event {
            // The client finished sending: answer what it sent, then close
            // (a subscription keeps the connection until the client leaves).
            inputClosed = true
            advance(context: context)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("connection error: \(error)")
        context.close(promise: nil)
    }
}

import CoachLogJSON
import CoachLogProtocol
import Logging
import NIOCore

/// Asks a connection to finish what it has in flight and close.
struct DrainAndClose {}

/// What a connection asks of the rest of the daemon. `RequestRouter` is the
/// real one; tests drive a connection with their own.
protocol RequestResponding: AnyObject, Sendable {
    /// The reply to `request`. A failed future is answered as an internal error.
    /// `peer` is nil when the kernel could not say who it is (then only `hello` is allowed under an access file).
    func handle(_ request: Request, peer: PeerCredentials?, readOnly: Bool, channel: any Channel) -> EventLoopFuture<Outcome>
    /// Counts connections for `stats`.
    func connectionOpened()
    func connectionClosed()
}

/// One client connection, as a thin shell around `ConnectionStateMachine`:
/// it turns pipeline events into the machine's events and performs the
/// actions the machine hands out (start a request, write replies, read,
/// close). The rules (request order, the in-flight bound, one pool request
/// at a time, reading one's own writes, the subscription limit, draining and
/// half-close) are the machine's and are documented there.
///
/// So a client that pipelines thousands of reads and does not read the
/// replies holds about one result in the daemon, not thousands, and cannot
/// fill the pool ahead of other clients.
final class ConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = Frame
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Each subscription costs the writer a filter pass per commit and up to
    /// 16 MiB of buffer, so a connection may hold only a few.
    static let maximumSubscriptions = 16

    private let responder: any RequestResponding
    private let readOnly: Bool
    private let maximumLineBytes: Int
    private let logger: Logger
    private var machine: ConnectionStateMachine<Request, Outcome>
    private var subscriptions: [Subscription] = []
    /// Set while actions are performed: a request that completes at once
    /// reports back in the middle, and the loop picks up what that allows.
    private var performing = false

    init(
        responder: any RequestResponding, readOnly: Bool, maximumLineBytes: Int, maximumInFlight: Int, logger: Logger
    ) {
        self.responder = responder
        self.readOnly = readOnly
        self.maximumLineBytes = maximumLineBytes
        self.logger = logger
        self.machine = ConnectionStateMachine(
            limits: .init(maximumInFlight: maximumInFlight, maximumSubscriptions: Self.maximumSubscriptions))
    }

    convenience init(router: RequestRouter, readOnly: Bool, logger: Logger) {
        self.init(
            responder: router, readOnly: readOnly, maximumLineBytes: router.configuration.maximumLineBytes,
            maximumInFlight: router.configuration.maximumInFlightPerConnection, logger: logger)
    }

    /// Who is on the other end (SO_PEERCRED): logged now, and what each
    /// request's role is decided from (read once: it cannot change).
    private(set) var peer: PeerCredentials?

    func channelActive(context: ChannelHandlerContext) {
        responder.connectionOpened()
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
        responder.connectionClosed()
        // Subscriptions whose ok reply was never written are registered too.
        let orphans = machine.channelInactive().compactMap(\.subscription)
        for s in subscriptions + orphans { s.cancel() }
        subscriptions = []
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .tooLong:
            let error = ProtocolError(
                .tooLarge, "the line is longer than the limit of \(maximumLineBytes) bytes; send smaller requests")
            machine.lineReceived(.reply(Outcome(bytes: Reply.error(id: .null, error))))
        case .line(let line):
            switch Request.decode(line.readableBytesView) {
            case .failure(let failure):
                machine.lineReceived(.reply(Outcome(bytes: Reply.error(id: failure.id, failure.error))))
            case .success(let request):
                machine.lineReceived(.request(request, Self.kind(of: request.op)))
            }
        }
        performActions(context: context)
    }

    static func kind(of op: Operation) -> ConnectionStateMachine<Request, Outcome>.Kind {
        switch op {
        case .hello: return .inline
        case .append: return .append
        case .subscribe: return .subscribe
        case .read, .query, .stats, .backup, .forget, .checkpoint: return .pooled
        }
    }

    func read(context: ChannelHandlerContext) {
        machine.readRequested()
        performActions(context: context)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        machine.writabilityChanged(isWritable: context.channel.isWritable)
        for s in subscriptions { s.writabilityChanged() }
        performActions(context: context)
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is DrainAndClose {
            machine.drainRequested()
            performActions(context: context)
            return
        }
        if let event = event as? ChannelEvent, case .inputClosed = event {
            machine.inputClosed()
            performActions(context: context)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("connection error: \(error)")
        context.close(promise: nil)
    }

    // MARK: Performing the machine's actions

    private func performActions(context: ChannelHandlerContext) {
        if performing { return }
        performing = true
        defer { performing = false }
        while let action = machine.nextAction() {
            switch action {
            case .start(let sequence, let request):
                start(request, sequence: sequence, context: context)
            case .refuseSubscription(let sequence, let request):
                let error = ProtocolError(
                    .unavailable,
                    "this connection already has \(Self.maximumSubscriptions) subscriptions; combine their filters or use another connection"
                )
                _ = machine.requestCompleted(
                    sequence: sequence, reply: Outcome(bytes: Reply.error(id: request.id, error)), subscribes: false)
            case .write(let outcomes, let startSubscriptions):
                write(outcomes, startSubscriptions: startSubscriptions, context: context)
            case .read:
                context.read()
            case .cancelSubscriptions:
                for s in subscriptions { s.cancel() }
                subscriptions = []
            case .close:
                // close() drops what the socket has not taken yet: an empty
                // write completes only after every write before it has left.
                let flushed = context.eventLoop.makePromise(of: Void.self)
                context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0)), promise: flushed)
                flushed.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            }
        }
    }

    private func start(_ request: Request, sequence: Int, context: ChannelHandlerContext) {
        let future = responder.handle(request, peer: peer, readOnly: readOnly, channel: context.channel)
        future.assumeIsolated().whenComplete { result in
            let outcome: Outcome
            switch result {
            case .success(let o): outcome = o
            case .failure(let error):
                let failure = RequestRouter.protocolError(error)
                self.logger.error("request failed: \(failure.message)")
                outcome = Outcome(bytes: Reply.error(id: request.id, failure))
            }
            let wanted = self.machine.requestCompleted(
                sequence: sequence, reply: outcome, subscribes: outcome.subscription != nil)
            guard wanted else {
                // The client left while this ran: nobody will read the reply.
                outcome.subscription?.cancel()
                return
            }
            self.performActions(context: context)
        }
    }

    private func write(_ outcomes: [Outcome], startSubscriptions: Bool, context: ChannelHandlerContext) {
        for outcome in outcomes {
            context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: outcome.bytes)), promise: nil)
            guard let s = outcome.subscription else { continue }
            if startSubscriptions {
                subscriptions.append(s)
                // Its ok reply goes out before the first event line.
                context.flush()
                s.start()
            } else {
                s.cancel()
            }
        }
        context.flush()
    }
}

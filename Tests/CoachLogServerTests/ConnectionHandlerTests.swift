import CoachLogJSON
import CoachLogProtocol
import CoachLogTestSupport
import CoachingDomain
import EventStore
import Sealing
import Logging
import NIOCore
import NIOEmbedded
import NIOPosix
import Testing

@testable import CoachLogServer

/// ConnectionHandler and LineFrameDecoder in one pipeline, in process: lines
/// in as bytes, replies out as bytes, and a stand-in for the socket that can
/// refuse to take writes (a full send buffer) and counts reads.
@Suite("ConnectionHandler in an EmbeddedChannel")
struct ConnectionHandlerTests {
    struct Pipeline {
        let channel: EmbeddedChannel
        let socket: SocketStandIn

        init(responder: any RequestResponding, maximumInFlight: Int = 8, maximumLineBytes: Int = 256) throws {
            channel = EmbeddedChannel()
            socket = SocketStandIn()
            let handlers = channel.pipeline.syncOperations
            try handlers.addHandler(socket)
            try handlers.addHandler(ByteToMessageHandler(LineFrameDecoder(maximumLineBytes: maximumLineBytes)))
            try handlers.addHandler(
                ConnectionHandler(
                    responder: responder, readOnly: false, maximumLineBytes: maximumLineBytes,
                    maximumInFlight: maximumInFlight, logger: Logger(label: "test")))
            try channel.connect(to: SocketAddress(unixDomainSocketPath: "/tmp/embedded.sock")).wait()
        }

        func send(_ text: String) throws {
            try channel.writeInbound(channel.allocator.buffer(string: text))
        }

        /// The reply lines written so far, decoded.
        func replies() throws -> [Reply.Decoded] {
            var replies: [Reply.Decoded] = []
            while var buffer = try channel.readOutbound(as: ByteBuffer.self) {
                guard buffer.readableBytes > 0 else { continue }  // the write that close waits behind
                let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
                #expect(bytes.last == 0x0A, "a reply is one line")
                replies.append(try Reply.Decoded(line: bytes.dropLast()))
            }
            return replies
        }

        func ids() throws -> [JSONValue] {
            try replies().map {
                switch $0 {
                case .ok(let id, _), .error(let id, _), .event(let id, _): return id
                }
            }
        }

        func halfClose() {
            channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        }

        func setWritable(_ writable: Bool) {
            channel.isWritable = writable
            channel.pipeline.fireChannelWritabilityChanged()
        }
    }

    @Test("replies leave in request order when requests complete out of order")
    func repliesInRequestOrder() throws {
        let responder = ScriptedResponder()
        let p = try Pipeline(responder: responder)
        try p.send(#"{"id":"a0","op":"append"}"# + "\n" + #"{"id":"a1","op":"append"}"# + "\n")
        try p.send(#"{"id":"a2","op":"append"}"# + "\n")
        #expect(responder.waiting == ["a0", "a1", "a2"], "appends are not held back")
        responder.complete("a2")
        responder.complete("a1")
        #expect(try p.ids() == [], "nothing overtakes a0")
        responder.complete("a0")
        #expect(try p.ids() == ["a0", "a1", "a2"])
    }

    @Test("a read waits for the connection's earlier append; one pool request at a time")
    func ownWritesAndPool() throws {
        let responder = ScriptedResponder()
        let p = try Pipeline(responder: responder)
        try p.send(
            [#"{"id":"a0","op":"append"}"#, #"{"id":"r1","op":"read"}"#, #"{"id":"q2","op":"query"}"#]
                .joined(separator: "\n") + "\n")
        #expect(responder.waiting == ["a0"])
        responder.complete("a0")
        #expect(responder.waiting == ["r1"], "q2 waits for the pool")
        responder.complete("r1")
        #expect(responder.waiting == ["q2"])
        responder.complete("q2")
        #expect(try p.ids() == ["a0", "r1", "q2"])
    }

    /// The bug: close() dropped the replies the socket had not taken yet.
    @Test("after a half-close, close waits until every reply has left the socket")
    func halfCloseWaitsForWrites() throws {
        let responder = ScriptedResponder()
        let p = try Pipeline(responder: responder)
        p.socket.holding = true
        try p.send((0..<5).map { #"{"id":\#($0),"op":"hello"}"# + "\n" }.joined() + #"{"id":5,"op":"append"}"# + "\nhalf")
        p.halfClose()
        responder.complete("5")
        #expect(p.channel.isActive, "six replies are still in the socket's hands")
        #expect(p.socket.heldWrites >= 6)
        p.socket.release()
        #expect(try p.ids() == (0...5).map { JSONValue.integer(Int64($0)) })
        #expect(!p.channel.isActive, "closed once they left")
    }

    @Test("reading pauses at the in-flight limit and while the socket cannot take more")
    func readBackpressure() throws {
        let responder = ScriptedResponder()
        let p = try Pipeline(responder: responder, maximumInFlight: 2)
        try p.send((0..<3).map { #"{"id":"a\#($0)","op":"append"}"# + "\n" }.joined())
        let reads = p.socket.reads
        p.channel.read()
        #expect(p.socket.reads == reads, "two unanswered and one waiting: no read")
        responder.complete("a0")
        #expect(responder.waiting == ["a1", "a2"])
        #expect(p.socket.reads == reads, "still two unanswered")
        responder.complete("a1")
        #expect(p.socket.reads == reads + 1, "the read asked for earlier goes through")

        p.setWritable(false)
        try p.send(#"{"id":"h3","op":"hello"}"# + "\n")
        p.channel.read()
        #expect(p.socket.reads == reads + 1)
        responder.complete("a2")
        #expect(try p.ids() == ["a0", "a1", "a2"], "replies still go out: NIO queues them")
        p.setWritable(true)
        #expect(try p.ids() == ["h3"])
        #expect(p.socket.reads == reads + 2)
    }

    @Test("draining: what was read is answered, nothing more is read, then the connection closes")
    func draining() throws {
        let responder = ScriptedResponder()
        let p = try Pipeline(responder: responder)
        try p.send(#"{"id":"a0","op":"append"}"# + "\n" + #"{"id":"h1","op":"hello"}"# + "\n")
        p.channel.pipeline.fireUserInboundEventTriggered(DrainAndClose())
        let reads = p.socket.reads
        p.channel.read()
        #expect(p.socket.reads == reads)
        #expect(p.channel.isActive)
        responder.complete("a0")
        #expect(try p.ids() == ["a0", "h1"])
        #expect(!p.channel.isActive)
    }

    /// The real router over a real store: lines answered on the event loop.
    @Test("through the real RequestRouter: hello, a query, bad lines and an over-long line, in order, then close")
    func realRouter() throws {
        let folder = TemporaryFolder(prefix: "clconn")
        let store = try EventStore(
            directory: folder.path + "/data", options: .init(masterKey: .random(), mapSize: 1 << 24))
        let opened = ProposedEvent(
            type: "SessionOpened", data: ["sessionId": "s1", "salesperson": "ana", "coach": "kim"])
        let committed = try store.commit(
            [AppendRequest(events: [opened]).prepare()], now: Timestamp(milliseconds: 1_773_133_200_000))
        #expect((try? committed.first?.get()) != nil)
        let hub = SubscriptionHub()
        let logger = Logger(label: "test")
        // Neither started: nothing here goes to the writer or the pool.
        let router = RequestRouter(
            store: store, writer: AppendWriter(store: store, hub: hub, logger: logger), hub: hub,
            pool: NIOThreadPool(numberOfThreads: 1), configuration: ServerConfiguration(socketPath: "/unused"),
            logger: logger)
        let p = try Pipeline(responder: router, maximumLineBytes: 128)
        try p.send(#"{"id":1,"op":"hello"}"# + "\r\n" + #"{"id":2,"op":"query","projection":"ses"#)
        try p.send(#"sions","salesperson":"ana"}"# + "\nnot json\n" + String(repeating: "x", count: 200) + "\n")
        try p.send(#"{"id":3,"op":"teleport"}"# + "\n" + #"{"id":4,"op":"hello"}"# + "\n" + #"{"id":5,"op":"hel"#)
        p.halfClose()
        let replies = try p.replies()
        #expect(replies.count == 6, "\(replies)")
        guard replies.count == 6 else { return }
        if case .ok(1, let hello) = replies[0] { #expect(hello["server"] == "coachlogd") } else { Issue.record("\(replies[0])") }
        if case .ok(2, let sessions) = replies[1] { #expect(sessions["openSession"] == "s1") } else { Issue.record("\(replies[1])") }
        if case .error(.null, let error) = replies[2] { #expect(error.code == .badRequest) } else { Issue.record("\(replies[2])") }
        if case .error(.null, let error) = replies[3] { #expect(error.code == .tooLarge) } else { Issue.record("\(replies[3])") }
        if case .error(3, let error) = replies[4] { #expect(error.code == .unknownOp) } else { Issue.record("\(replies[4])") }
        if case .ok(4, _) = replies[5] {} else { Issue.record("\(replies[5])") }
        #expect(!p.channel.isActive, "closed after the last complete line; the half line got nothing")
        #expect(router.connections.withLockedValue { $0 } == 0)
    }
}

/// Answers `hello` at once and holds every other request until the test
/// completes it by id, so a test chooses the order requests finish in.
final class ScriptedResponder: RequestResponding, @unchecked Sendable {
    // @unchecked: used only on the EmbeddedEventLoop's thread, the test's.
    private var pending: [(id: String, request: Request, promise: EventLoopPromise<CoachLogServer.Outcome>)] = []
    private(set) var connections = 0

    /// Ids of the requests started and not completed, in the order they started.
    var waiting: [String] { pending.map(\.id) }

    func handle(_ request: Request, peer: PeerCredentials?, readOnly: Bool, channel: any Channel) -> EventLoopFuture<CoachLogServer.Outcome> {
        let answer = CoachLogServer.Outcome(bytes: Reply.ok(id: request.id, result: .string(request.op.rawValue)))
        if request.op == .hello { return channel.eventLoop.makeSucceededFuture(answer) }
        let promise = channel.eventLoop.makePromise(of: CoachLogServer.Outcome.self)
        pending.append((Self.name(request.id), request, promise))
        return promise.futureResult
    }

    func complete(_ id: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let index = pending.firstIndex(where: { $0.id == id }) else {
            Issue.record("\(id) is not running", sourceLocation: sourceLocation)
            return
        }
        let (_, request, promise) = pending.remove(at: index)
        promise.succeed(CoachLogServer.Outcome(bytes: Reply.ok(id: request.id, result: .string(request.op.rawValue))))
    }

    func connectionOpened() { connections += 1 }
    func connectionClosed() { connections -= 1 }

    static func name(_ id: JSONValue) -> String {
        switch id {
        case .string(let s): return s
        default: return JSONWriter.string(id)
        }
    }
}

/// Sits where the socket would: counts reads, and while `holding`, keeps
/// writes (and their promises) the way a full send buffer does.
final class SocketStandIn: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer

    var holding = false
    private(set) var reads = 0
    private var held: [(data: NIOAny, promise: EventLoopPromise<Void>?)] = []
    private var context: ChannelHandlerContext?

    var heldWrites: Int { held.count }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if holding { held.append((data, promise)) } else { context.write(data, promise: promise) }
    }

    func flush(context: ChannelHandlerContext) {
        if !holding { context.flush() }
    }

    func read(context: ChannelHandlerContext) {
        reads += 1
        context.read()
    }

    /// The client reads: everything held goes out, in order.
    func release() {
        holding = false
        guard let context else { return }
        let all = held
        held = []
        for write in all { context.write(write.data, promise: write.promise) }
        context.flush()
    }
}

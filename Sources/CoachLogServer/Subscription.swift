import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import EventStore
import Logging
import NIOCore
import NIOPosix

/// One `subscribe` request: history after `after`, then live events, with
/// no gap and no duplicate.
///
/// It registers with the hub *before* reading history, buffers live events
/// while history is sent, and skips anything at or below the position the
/// history read covered. Output is bounded: a client that stops reading is
/// cut off with an error line once `maximumPendingBytes` are unsent.
///
/// @unchecked Sendable: all mutable state is confined to `eventLoop`; the
/// only entry from other threads is `deliver`, which hops onto it.
final class Subscription: @unchecked Sendable {
    let filter: SubscriptionFilter
    private let eventLoop: any EventLoop
    private let channel: any Channel
    private let id: JSONValue
    /// `id` serialized once; every event line carries it.
    private let idBytes: [UInt8]
    private let store: EventStore
    private let pool: NIOThreadPool
    private let hub: SubscriptionHub
    private let logger: Logger
    private let maximumPendingBytes: Int
    static let historyPage = 1000
    static let maximumBufferedLiveEvents = 100_000

    private var cursor: UInt64
    private var deliveredThrough: UInt64
    private var catchingUp = true
    private var waitingForDrain = false
    private var buffered: [EventEnvelope] = []
    /// About how many bytes `buffered` will take as event lines. Live events
    /// held while history is sent count against `maximumPendingBytes` like
    /// queued output: a client that reads nothing stalls the history, and
    /// must be cut off however small its events are.
    private var bufferedBytes = 0
    /// Event lines the socket could not take yet; bounded by `maximumPendingBytes`.
    private var queue: [ByteBuffer] = []
    private var queuedBytes = 0
    private var closed = false

    init(
        id: JSONValue, after: UInt64, filter: SubscriptionFilter, channel: any Channel, store: EventStore,
        pool: NIOThreadPool, hub: SubscriptionHub, logger: Logger, maximumPendingBytes: Int
    ) {
        self.id = id
        self.idBytes = JSONWriter.bytes(id)
        self.cursor = after
        self.deliveredThrough = after
        self.filter = filter
        self.channel = channel
        self.eventLoop = channel.eventLoop
        self.store = store
        self.pool = pool
        self.hub = hub
        self.logger = logger
        self.maximumPendingBytes = maximumPendingBytes
    }

    /// Registers for live events. Call before the ok reply is sent.
    func register() { hub.add(self) }

    /// Starts sending history; call on the event loop right after the ok reply was written.
    func start() {
        eventLoop.preconditionInEventLoop()
        pumpHistory()
    }

    func cancel() {
        eventLoop.preconditionInEventLoop()
        closed = true
        hub.remove(self)
    }

    /// From the writer thread.
    func deliver(_ events: [EventEnvelope]) {
        eventLoop.execute { self.receive(events) }
    }

    private func receive(_ events: [EventEnvelope]) {
        guard !closed else { return }
        if catchingUp {
            buffered.append(contentsOf: events)
            bufferedBytes += events.reduce(0) { $0 + Self.estimatedLineBytes($1) }
            if buffered.count > Self.maximumBufferedLiveEvents {
                cutOff("more than \(Self.maximumBufferedLiveEvents) live events arrived while history was still being sent")
            } else if bufferedBytes + queuedBytes > maximumPendingBytes {
                cutOff("the client did not read \(bufferedBytes + queuedBytes) bytes of events")
            }
            return
        }
        send(events)
    }

    private func pumpHistory() {
        guard !closed else { return }
        let after = cursor
        let salesperson = filter.salesperson
        let store = self.store
        let page = pool.runIfActive(eventLoop: eventLoop) {
            try store.read(after: after, limit: Self.historyPage, salesperson: salesperson)
        }
        page.whenComplete { result in
            guard !self.closed else { return }
            switch result {
            case .failure(let error):
                self.cutOff("reading history failed: \(error)")
            case .success(let (events, next)):
                self.send(events.filter(self.filter.matches))
                self.cursor = next
                self.deliveredThrough = max(self.deliveredThrough, next)
                if events.count < Self.historyPage {
                    // Caught up with the snapshot at `next`: anything buffered beyond it is new.
                    self.catchingUp = false
                    let live = self.buffered
                    self.buffered = []
                    self.bufferedBytes = 0
                    self.send(live)
                } else if self.queue.isEmpty && self.channel.isWritable {
                    self.pumpHistory()
                } else {
                    // Read the next page only once the client has taken this one.
                    self.waitingForDrain = true
                }
            }
        }
    }

    private func send(_ events: [EventEnvelope]) {
        guard !closed, !events.isEmpty else { return }
        if let recheck = filter.recheck, let refusal = recheck() {
            end(refusal)
            return
        }
        var buffer = channel.allocator.buffer(capacity: events.count * 256)
        for e in events where e.position > deliveredThrough || catchingUp {
            if !catchingUp { deliveredThrough = e.position }
            buffer.writeBytes(Array(#"{"event":"#.utf8))
            buffer.writeBytes(JSONWriter.bytes(filter.withoutFreeText ? e.withoutFreeText().json : e.json))
            buffer.writeBytes(Array(#","id":"#.utf8))
            buffer.writeBytes(idBytes)
            buffer.writeBytes([UInt8(ascii: "}"), 0x0A])
        }
        let size = buffer.readableBytes
        guard size > 0 else { return }
        if queue.isEmpty && channel.isWritable {
            channel.writeAndFlush(buffer, promise: nil)
            return
        }
        queue.append(buffer)
        queuedBytes += size
        if queuedBytes > maximumPendingBytes {
            cutOff("the client did not read \(queuedBytes) bytes of events")
        }
    }

    /// About the length of `e`'s event line, without writing it.
    static func estimatedLineBytes(_ e: EventEnvelope) -> Int {
        func size(_ v: JSONValue) -> Int {
            switch v {
            case .string(let s): return s.utf8.count + 2
            case .array(let items): return items.reduce(2) { $0 + size($1) + 1 }
            case .object(let members): return members.reduce(2) { $0 + $1.key.utf8.count + 4 + size($1.value) }
            default: return 8
            }
        }
        return 160 + e.eventId.utf8.count + e.salesperson.utf8.count + size(e.data)
    }

    /// Called by the connection when the socket can take more output.
    func writabilityChanged() {
        eventLoop.preconditionInEventLoop()
        guard !closed else { return }
        var wrote = false
        while channel.isWritable, !queue.isEmpty {
            let next = queue.removeFirst()
            queuedBytes -= next.readableBytes
            channel.write(next, promise: nil)
            wrote = true
        }
        if wrote { channel.flush() }
        if waitingForDrain, queue.isEmpty, channel.isWritable {
            waitingForDrain = false
            pumpHistory()
        }
    }

    /// Ends a subscription the connection's role may no longer see: what was
    /// already allowed is still sent, then the `forbidden` end line; the
    /// connection stays open for other requests.
    private func end(_ refusal: String) {
        guard !closed else { return }
        closed = true
        hub.remove(self)
        logger.notice("subscription ended: \(refusal)")
        for buffer in queue { channel.write(buffer, promise: nil) }
        queue = []
        queuedBytes = 0
        let error = ProtocolError(.forbidden, "subscription ended: \(refusal)")
        channel.writeAndFlush(channel.allocator.buffer(bytes: Reply.error(id: id, error)), promise: nil)
    }

    private func cutOff(_ reason: String) {
        guard !closed else { return }
        closed = true
        hub.remove(self)
        logger.warning("subscription cut off: \(reason)")
        let error = ProtocolError(
            .unavailable,
            "subscription ended: \(reason); subscribe again with after set to the position of the last event you received")
        // Drop what the client did not take, so the reason is the next thing it
        // reads; give a client that reads nothing at all a few seconds, then close.
        queue = []
        queuedBytes = 0
        let channel = self.channel
        let deadline = channel.eventLoop.scheduleTask(in: .seconds(5)) { channel.close(promise: nil) }
        channel.writeAndFlush(channel.allocator.buffer(bytes: Reply.error(id: id, error))).whenComplete { _ in
            deadline.cancel()
            channel.close(promise: nil)
        }
    }
}

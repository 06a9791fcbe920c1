import NIOCore

/// The rules of one connection, as a value that does no I/O.
///
/// `ConnectionHandler` reports what happened (a line was decoded, a request
/// completed, the socket's writability changed, NIO asked to read, the client
/// finished sending, a drain was asked for, the channel went away) and then
/// performs the actions `nextAction()` hands out until it returns nil.
/// `Request` and `Reply` are whatever the shell runs and writes; the machine
/// only keeps them in order.
///
/// What it guarantees:
/// - Replies are handed out in request order, each once, whatever order the
///   requests complete in.
/// - At most `maximumInFlight` lines are read and unanswered at once, and a
///   line starts only while the socket is writable.
/// - At most one of the connection's `.pooled` requests runs at a time.
/// - A request other than an append runs only after every earlier append of
///   the connection completed, so a client reads its own writes; appends are
///   never held back (the writer commits them in order).
/// - At most `maximumSubscriptions` subscriptions: live ones and those asked
///   for and not yet answered; one more is refused.
/// - The socket is read only when no line waits, fewer than `maximumInFlight`
///   are unanswered and it is writable, and never while draining.
/// - `.close` comes once, and only after every line read got its reply handed
///   out: when the client finished sending and holds no live subscription, or
///   when a drain was asked for. The shell closes only after those replies
///   have left (closing a socket drops what it has not sent).
struct ConnectionStateMachine<Request, Reply> {
    /// How a request is scheduled.
    enum Kind: Equatable {
        /// Answered on the event loop, nothing to wait for (hello).
        case inline
        /// Queued to the single writer.
        case append
        /// Runs on the shared thread pool (read, query, stats, backup).
        case pooled
        /// Registers a subscription, started once its reply is written.
        case subscribe
    }

    /// A decoded line: a reply known at once (a line too long, or not a
    /// request), or a request to run.
    enum Line {
        case reply(Reply)
        case request(Request, Kind)
    }

    enum Action {
        /// Run the request and report its reply with `requestCompleted`.
        case start(sequence: Int, Request)
        /// The connection has all the subscriptions it may hold: report a
        /// refusal with `requestCompleted`.
        case refuseSubscription(sequence: Int, Request)
        /// Write these replies in this order, then flush. Start the
        /// subscriptions they carry, or cancel them when `startSubscriptions`
        /// is false (the connection is draining).
        case write([Reply], startSubscriptions: Bool)
        /// Pass the read request on to the socket.
        case read
        /// Cancel every live subscription (draining).
        case cancelSubscriptions
        /// Close, once what was written so far has left.
        case close
    }

    struct Limits {
        var maximumInFlight: Int
        var maximumSubscriptions: Int
    }

    private enum State { case open, closing, closed }

    let limits: Limits
    private var state = State.open
    private var waiting = CircularBuffer<Line>()
    /// Sequence numbers: the next line to start, and the next reply to hand out.
    private var nextSequence = 0
    private var nextToWrite = 0
    /// Started and not yet completed, with how each was scheduled.
    private var running: [Int: Kind] = [:]
    /// Completed, not yet handed out (an earlier request is still running).
    private var completed: [Int: (reply: Reply, subscribes: Bool)] = [:]
    /// Appends started and not completed, oldest first.
    private var runningAppends = CircularBuffer<Int>()
    /// Started while an earlier append was running: they run once none is.
    private var heldBack = CircularBuffer<(sequence: Int, request: Request)>()
    /// Released by the appends before them, to hand out as `.start` in order.
    private var released = CircularBuffer<(sequence: Int, request: Request)>()
    private var poolBusy = false
    /// Subscribe requests started and not yet written, and subscriptions live.
    private var pendingSubscriptions = 0
    private var liveSubscriptions = 0
    private var writable = true
    private var readPending = false
    private var inputIsClosed = false
    private var draining = false
    private var cancelPending = false

    init(limits: Limits) {
        self.limits = limits
    }

    /// Lines read and not yet answered.
    var inFlight: Int { nextSequence - nextToWrite + waiting.count }

    // MARK: Events

    mutating func lineReceived(_ line: Line) {
        guard state == .open else { return }
        waiting.append(line)
    }

    /// A started request is answered. `subscribes` says whether the reply
    /// carries a subscription to start. Returns false when nobody will read
    /// the reply (the channel is gone): the shell cancels what it carries.
    mutating func requestCompleted(sequence: Int, reply: Reply, subscribes: Bool) -> Bool {
        guard state != .closed, let kind = running.removeValue(forKey: sequence) else { return false }
        switch kind {
        case .pooled: poolBusy = false
        case .subscribe where !subscribes: pendingSubscriptions -= 1
        case .append:
            // The writer commits in order, so this is nearly always the first.
            if let index = runningAppends.firstIndex(of: sequence) { runningAppends.remove(at: index) }
            let oldest = runningAppends.first ?? Int.max
            while let next = heldBack.first, next.sequence < oldest { released.append(heldBack.removeFirst()) }
        case .inline, .subscribe: break
        }
        completed[sequence] = (reply, subscribes && kind == .subscribe)
        return true
    }

    mutating func writabilityChanged(isWritable: Bool) {
        writable = isWritable
    }

    /// NIO asks to read; `.read` passes it on when that is allowed.
    mutating func readRequested() {
        readPending = true
    }

    /// The client shut its sending side: answer what it sent, then close.
    mutating func inputClosed() {
        inputIsClosed = true
    }

    /// Shutdown: answer what was read, read no more, end subscriptions, close.
    mutating func drainRequested() {
        draining = true
        if liveSubscriptions > 0 {
            cancelPending = true
            liveSubscriptions = 0
        }
    }

    /// The channel is gone. Returns the replies that will never be written,
    /// in order, so the shell can cancel the subscriptions they carry.
    mutating func channelInactive() -> [Reply] {
        state = .closed
        let orphans = completed.sorted { $0.key < $1.key }.map(\.value.reply)
        completed = [:]
        running = [:]
        heldBack.removeAll()
        released.removeAll()
        runningAppends.removeAll()
        waiting.removeAll()
        return orphans
    }

    // MARK: Actions

    /// What to do next, or nil when there is nothing to do until the next event.
    mutating func nextAction() -> Action? {
        guard state == .open else { return nil }
        if cancelPending {
            cancelPending = false
            return .cancelSubscriptions
        }
        while true {
            if completed[nextToWrite] != nil {
                return .write(takeRepliesInOrder(), startSubscriptions: !draining)
            }
            if let next = released.popFirst() {
                return .start(sequence: next.sequence, next.request)
            }
            guard let line = waiting.first, canStart(line) else { break }
            waiting.removeFirst()
            let sequence = nextSequence
            nextSequence += 1
            switch line {
            case .reply(let reply):
                completed[sequence] = (reply, false)
            case .request(let request, .subscribe)
            where pendingSubscriptions + liveSubscriptions >= limits.maximumSubscriptions:
                running[sequence] = .inline
                return .refuseSubscription(sequence: sequence, request)
            case .request(let request, let kind):
                running[sequence] = kind
                if kind == .pooled { poolBusy = true }
                if kind == .subscribe { pendingSubscriptions += 1 }
                if kind == .append {
                    runningAppends.append(sequence)
                } else if !runningAppends.isEmpty {
                    heldBack.append((sequence, request))
                    continue
                }
                return .start(sequence: sequence, request)
            }
        }
        if inFlight == 0 && (draining || (inputIsClosed && liveSubscriptions == 0)) {
            state = .closing
            return .close
        }
        if readPending && !draining && waiting.isEmpty && inFlight < limits.maximumInFlight && writable {
            readPending = false
            return .read
        }
        return nil
    }

    private func canStart(_ line: Line) -> Bool {
        guard nextSequence - nextToWrite < limits.maximumInFlight, writable else { return false }
        if case .request(_, .pooled) = line, poolBusy { return false }
        return true
    }

    private mutating func takeRepliesInOrder() -> [Reply] {
        var replies: [Reply] = []
        while let done = completed.removeValue(forKey: nextToWrite) {
            nextToWrite += 1
            replies.append(done.reply)
            if done.subscribes {
                pendingSubscriptions -= 1
                if !draining { liveSubscriptions += 1 }
            }
        }
        return replies
    }
}

extension ConnectionStateMachine.Action: Equatable where Request: Equatable, Reply: Equatable {}

import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import CoachLogTestSupport
import Foundation

/// What the appenders sent, and which appends the daemon acknowledged. An append is recorded
/// just before it is first sent; until its ok reply it is "in doubt" (it may or may not be stored).
final class CrashLedger: @unchecked Sendable {
    // @unchecked: everything is behind `lock`.
    struct Entry: Sendable {
        var append: PlannedAppend
        var positions: [Int64]?
        var streamVersion: Int64?
        var replayed = false
        var attempts = 0
        var acknowledged: Bool { positions != nil }
    }

    private let lock = NSLock()
    private var entries: [[Entry]]
    private var problems: [String] = []

    init(appenders: Int) { entries = Array(repeating: [], count: appenders) }

    /// Records a send attempt; returns the entry's index (the same one while it is retried).
    func sending(_ appender: Int, _ append: PlannedAppend, index: Int?) -> Int {
        lock.lock()
        defer { lock.unlock() }
        if let index {
            entries[appender][index].attempts += 1
            return index
        }
        entries[appender].append(Entry(append: append, attempts: 1))
        return entries[appender].count - 1
    }

    func acknowledged(_ appender: Int, _ index: Int, result: JSONValue) {
        lock.lock()
        entries[appender][index].positions = result["positions"]?.array.compactMap(\.int) ?? []
        entries[appender][index].streamVersion = result["streamVersion"]?.int
        entries[appender][index].replayed = result["replayed"] == .bool(true)
        lock.unlock()
    }

    func problem(_ text: String) {
        lock.lock()
        problems.append(text)
        lock.unlock()
    }

    var snapshot: (entries: [[Entry]], problems: [String]) {
        lock.lock()
        defer { lock.unlock() }
        return (entries, problems)
    }
}

/// Lets appenders connect only to a daemon the test has checked: after a kill they wait until the
/// test has verified the stopped store, restarted the daemon and read the log back.
final class CrashGate: @unchecked Sendable {
    // @unchecked: everything is behind `condition`.
    private let condition = NSCondition()
    private var open = 0
    private var stopping = false

    /// Appenders may now connect to the daemon of `generation`.
    func open(_ generation: Int) {
        condition.lock()
        open = generation
        condition.broadcast()
        condition.unlock()
    }

    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    var isStopping: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopping
    }

    /// Waits until a daemon newer than `generation` is open and returns its generation;
    /// nil when the test is stopping and no newer one will come (or after 120 s).
    func wait(newerThan generation: Int) -> Int? {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date().addingTimeInterval(120)
        while open <= generation {
            if stopping || !condition.wait(until: deadline) { return nil }
        }
        return open
    }
}

/// One appender thread's loop: plan an append, send it until it is acknowledged (reconnecting and
/// resending the SAME eventIds after the daemon died), then plan the next, until the gate stops.
func runCrashAppender(
    _ appender: Int, seed: UInt64, socket: String, gate: CrashGate, ledger: CrashLedger, textLength: Int = 40
) {
    var rng = SplitMix64(seed: seed &+ UInt64(appender) &* 0x9E37_79B9)
    var planner = AppendPlanner(prefix: "w\(appender)", people: 2)
    var connection: Connection?
    var generation = 0
    var pending: PlannedAppend?
    var index: Int?
    var refusals = 0
    while true {
        if pending == nil {
            if gate.isStopping { return }
            pending = planner.plan(&rng, textLength: textLength)
            index = nil
        }
        guard let append = pending else { return }
        if connection == nil {
            guard let next = gate.wait(newerThan: generation) else { return }
            generation = next
            connection = try? Connection(path: socket)
            if connection == nil { continue }  // that daemon is already gone: wait for the next one
        }
        index = ledger.sending(appender, append, index: index)
        do {
            let result = try connection!.request(.append, append.fields)
            ledger.acknowledged(appender, index!, result: result)
            planner.acknowledged(append, streamVersion: result["streamVersion"]?.int ?? -1)
            pending = nil
        } catch ClientError.refused(let error) {
            // A refusal writes nothing. Only `unavailable` is expected (never here, in fact): retry it.
            refusals += 1
            if error.code != .unavailable || refusals > 100 {
                ledger.problem("appender \(appender): \(append.eventIds) refused: \(error)")
                return
            }
            usleep(10_000)
        } catch {
            connection = nil  // the daemon died: the append is in doubt until a retry is acknowledged
        }
    }
}

/// Counts of one whole-log check against the ledger.
struct CrashCheck {
    var problems: [String] = []
    var acknowledgedEvents = 0
    var lostEvents = 0
    var inDoubtPresent = 0
    var inDoubtAbsent = 0
    var inDoubtPartial = 0
    /// In-doubt appends of more than one event (where all-or-nothing means something).
    var inDoubtMultiEvent = 0
    var replayedRetries = 0

    /// Every acknowledged append is in `log` exactly once, where and as acknowledged; an append
    /// in doubt is wholly present or wholly absent; nothing else is in the log; each writer's appends
    /// are in the order it sent them; positions and versions have no gap.
    init(log: [JSONValue], entries: [[CrashLedger.Entry]]) {
        problems = Reliability.logProblems(log)
        var byId: [String: JSONValue] = [:]
        for event in log { if let id = event["eventId"]?.string { byId[id] = event } }
        var known = 0
        for (writer, list) in entries.enumerated() {
            var lastPosition: Int64 = 0
            for entry in list {
                let append = entry.append
                let found = append.eventIds.compactMap { byId[$0] }
                known += found.count
                if entry.replayed { replayedRetries += 1 }
                if entry.acknowledged {
                    acknowledgedEvents += append.eventIds.count
                    lostEvents += append.eventIds.count - found.count
                } else if found.isEmpty {
                    inDoubtAbsent += 1
                    if append.eventIds.count > 1 { inDoubtMultiEvent += 1 }
                    continue
                } else if found.count == append.eventIds.count {
                    inDoubtPresent += 1
                    if append.eventIds.count > 1 { inDoubtMultiEvent += 1 }
                } else {
                    inDoubtPartial += 1
                    problems.append("w\(writer): unacknowledged append \(append.eventIds) is half stored: \(found.count) events")
                    continue
                }
                guard found.count == append.eventIds.count else {
                    problems.append("w\(writer): acknowledged \(append.eventIds) lost \(append.eventIds.count - found.count) events")
                    continue
                }
                let positions = found.compactMap { $0["position"]?.int }
                if let acked = entry.positions, acked != positions {
                    problems.append("w\(writer): \(append.eventIds) acknowledged at \(acked), stored at \(positions)")
                }
                if let version = entry.streamVersion, found.last?["streamVersion"]?.int != version {
                    problems.append("w\(writer): \(append.eventIds) acknowledged version \(version), stored \(found.last?["streamVersion"] ?? .null)")
                }
                if positions != Array(positions.first!..<(positions.first! + Int64(positions.count))) {
                    problems.append("w\(writer): \(append.eventIds) not contiguous: \(positions)")
                }
                if positions.first! <= lastPosition { problems.append("w\(writer): \(append.eventIds) stored before an earlier append") }
                lastPosition = positions.last!
                for (event, sent) in zip(found, append.events) where event["type"] != sent["type"]
                    || event["salesperson"]?.string != append.salesperson || event["data"]?["text"] != sent["data"]?["text"]
                    || event["data"]?["sessionId"] != sent["data"]?["sessionId"] {
                    problems.append("w\(writer): event \(event["eventId"] ?? .null) stored with other content")
                }
            }
        }
        if known != log.count { problems.append("\(log.count - known) events in the log were never sent by the test") }
    }
}

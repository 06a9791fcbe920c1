import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import CoachLogTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Shared pieces of the reliability tests.
enum Reliability {
    /// `COACHLOG_LONG_TESTS=1` turns on the longer variants.
    static var longRun: Bool { ProcessInfo.processInfo.environment["COACHLOG_LONG_TESTS"] == "1" }

    /// The run's seed: `COACHLOG_TEST_SEED` if set (to replay a failure), else `fallback`.
    static func seed(_ fallback: UInt64) -> UInt64 {
        ProcessInfo.processInfo.environment["COACHLOG_TEST_SEED"].flatMap { UInt64($0) } ?? fallback
    }

    /// Runs a program to its end: exit status (128 + signal if killed) and stdout + stderr together.
    /// SIGKILLed after `timeout` seconds.
    static func run(_ executable: String, _ arguments: [String], timeout: Double = 60) -> (status: Int32, output: String) {
        let outputPath = NSTemporaryDirectory() + "/clrel-\(getpid())-\(UUID().uuidString).out"
        defer { unlink(outputPath) }
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        guard let sink = try? FileHandle(forWritingTo: URL(fileURLWithPath: outputPath)) else {
            return (-1, "cannot create \(outputPath)")
        }
        defer { try? sink.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        for key in environment.keys where key.hasPrefix("COACHLOG_") { environment.removeValue(forKey: key) }
        environment["COACHLOG_MASTER_KEY"] = TestMasterKey.path
        environment["COACHLOG_SIGNING_KEY"] = TestSigningKey.path
        process.environment = environment
        process.standardOutput = sink
        process.standardError = sink
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return (-1, "cannot run \(executable): \(error)") }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline { kill(process.processIdentifier, SIGKILL) }
            usleep(5_000)
        }
        process.waitUntilExit()
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return (status, output)
    }

    /// `coachlogd verify --data DIR` (the binary next to coachlogd's tests); the store must be stopped.
    static func verify(data: String) -> (status: Int32, output: String) {
        run(DaemonProcess.binaryPath, ["verify", "--data", data])
    }

    /// Polls `condition` for up to `timeout` seconds.
    static func waitUntil(timeout: Double = 15, _ what: String, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            if Date() > deadline { throw HarnessError("\(what): not within \(timeout) s") }
            usleep(10_000)
        }
    }

    static func isSocketFile(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFSOCK
    }

    /// What the whole-log invariants found: positions 1...N with no gap, unique eventIds, and each
    /// salesperson's stream versions 1, 2, 3, ... in position order. Empty when all hold.
    static func logProblems(_ log: [JSONValue]) -> [String] {
        var problems: [String] = []
        var seen: Set<String> = []
        var versions: [String: Int64] = [:]
        for (index, event) in log.enumerated() {
            let position = event["position"]?.int ?? -1
            if position != Int64(index + 1) { problems.append("event #\(index + 1) has position \(position)") }
            let id = event["eventId"]?.string ?? ""
            if !seen.insert(id).inserted { problems.append("eventId \(id) appears twice (position \(position))") }
            let person = event["salesperson"]?.string ?? ""
            let expected = versions[person, default: 0] + 1
            versions[person] = expected
            if event["streamVersion"]?.int != expected {
                problems.append("position \(position): \(person)'s version \(event["streamVersion"]?.int ?? -1), expected \(expected)")
            }
            if problems.count > 20 { break }
        }
        return problems
    }

    /// A text of exactly `length` characters, different for each `seed`.
    static func text(_ seed: Int, length: Int) -> String {
        let words = ["call", "listen", "plan", "ask", "follow", "review", "prepare", "close", "note", "reflect"]
        var s = "Note \(seed):"
        var i = seed
        while s.count < length {
            s += " " + words[i % words.count]
            i = i &* 31 &+ 7
            if i < 0 { i = -i }
        }
        return String(s.prefix(length)).trimmingCharacters(in: .whitespaces)
    }
}

/// A planned append of one salesperson's events, with client-chosen eventIds, that keeps the
/// coaching rules: a session is opened before anything refers to it, one session is open at a time
/// (the open one is closed before the next opens), closed sessions stay closed, times only move on
/// and a commitment is due after it is made.
struct PlannedAppend: Sendable {
    var salesperson: String
    var events: [JSONValue]
    var eventIds: [String]
    var expectedVersion: Int64?
    /// The salesperson's open session once this append is stored.
    var openAfter: String?

    var fields: [String: JSONValue] {
        var f: [String: JSONValue] = ["events": .array(events)]
        if let expectedVersion { f["expectedVersion"] = .integer(expectedVersion) }
        return f
    }
}

/// Plans valid appends for a few salespeople of one writer. Only advances once an append is acknowledged,
/// so it always knows each stream's version and open session exactly.
struct AppendPlanner {
    struct Person {
        var name: String
        var version: Int64 = 0
        var open: String?
        var sessions = 0
    }

    let prefix: String
    var people: [Person]
    private var nextId = 0

    init(prefix: String, people: Int) {
        self.prefix = prefix
        self.people = (0..<people).map { Person(name: "\(prefix)-p\($0)") }
    }

    private mutating func eventId() -> String {
        nextId += 1
        return "\(prefix)-e\(nextId)"
    }

    /// 1 to 4 events for one randomly chosen salesperson; about a third carry `expectedVersion`.
    mutating func plan(_ rng: inout SplitMix64, textLength: Int = 40) -> PlannedAppend {
        let index = Int.random(in: 0..<people.count, using: &rng)
        let person = people[index]
        // Each session an hour after the one before, and everything recorded in it after it opened.
        let at = Ev.time("2026-01-05T09:00:00Z", plusMinutes: 60 * person.sessions)
        let due = String(Ev.time(at, plusMinutes: 7 * 24 * 60).prefix(10))
        var events: [JSONValue] = []
        var ids: [String] = []
        var open = person.open
        func add(_ make: (String) -> JSONValue) {
            let id = eventId()
            ids.append(id)
            events.append(make(id))
        }
        func openSession() {
            let session = "\(person.name)-s\(person.sessions + 1)"
            add { Ev.open(session, person.name, coach: "coach-\(index % 3)", at: at, topics: ["selfConcept"], eventId: $0) }
            open = session
        }
        let roll = Int.random(in: 0..<10, using: &rng)
        if open == nil || roll == 9 {
            if let current = open { add { Ev.withId(Ev.close(current, person.name, at: at), $0) } }
            openSession()
        } else {
            let count = roll < 5 ? 1 : Int.random(in: 2...4, using: &rng)
            for _ in 0..<count {
                let n = nextId + 1
                if Bool.random(using: &rng) {
                    add { Ev.withId(Ev.insight(open!, person.name, topic: "personalGoals", text: Reliability.text(n, length: textLength), at: at), $0) }
                } else {
                    add { Ev.commit("\(person.name)-c\(n)", open!, person.name, kind: "more", due: due,
                                    text: Reliability.text(n, length: textLength), at: at, eventId: $0) }
                }
            }
        }
        let expected = Int.random(in: 0..<3, using: &rng) == 0 ? person.version : nil
        return PlannedAppend(salesperson: person.name, events: events, eventIds: ids, expectedVersion: expected, openAfter: open)
    }

    /// Records an acknowledged append.
    mutating func acknowledged(_ append: PlannedAppend, streamVersion: Int64) {
        guard let index = people.firstIndex(where: { $0.name == append.salesperson }) else { return }
        if people[index].open != append.openAfter { people[index].sessions += 1 }
        people[index].open = append.openAfter
        people[index].version = streamVersion
    }
}

extension Ev {
    /// `event` with an `eventId`.
    static func withId(_ event: JSONValue, _ eventId: String) -> JSONValue {
        guard case .object(var o) = event else { return event }
        o["eventId"] = .string(eventId)
        return .object(o)
    }
}

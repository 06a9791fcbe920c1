import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import Foundation
import Testing

/// What one fuzzing connection saw.
struct FuzzRun: Sendable {
    var inputs = 0
    var lines = 0
    var problems: [String] = []
    /// Positions the daemon acknowledged to appends (replays repeat earlier ones).
    var acknowledged: Set<Int64> = []
    var codes: [String: Int] = [:]
    var accepted = 0
}

/// Sends `count` fuzz inputs on one connection from a writer thread while this thread reads and
/// checks every reply, in order, against what the local decoder says the daemon must answer.
func runFuzzConnection(socket: String, seed: UInt64, tag: String, people: [String], count: Int) -> FuzzRun {
    var run = FuzzRun()
    var fuzzer = DaemonFuzzer(seed: seed, tag: tag, people: people)
    var payload: [UInt8] = []
    var expectations: [(LineExpectation, Int)] = []
    for input in 0..<count {
        var bytes = fuzzer.nextLine()
        var lines = framedLines(bytes)
        var expected = lines.map(LineExpectation.init(line:))
        // Never let a mutation become a subscribe (event lines would follow) or a backup (it writes files).
        if expected.contains(where: { if case .request(let r) = $0 { return r.op == .subscribe || r.op == .backup } else { return false } }) {
            bytes = Array(#"{"id":"swapped","op":"hello"}"#.utf8) + [0x0A]
            lines = framedLines(bytes)
            expected = lines.map(LineExpectation.init(line:))
        }
        payload += bytes
        expectations += expected.map { ($0, input) }
        run.inputs += 1
    }
    run.lines = expectations.count
    let connection: Connection
    do { connection = try Connection(path: socket) } catch {
        run.problems.append("connect: \(error)")
        return run
    }
    let sender = Unchecked(connection)
    let chunks = Unchecked(stride(from: 0, to: payload.count, by: 32_768).map { Array(payload[$0..<min(payload.count, $0 + 32_768)]) })
    let sendError = Locked<String?>(nil)
    let writer = Worker {
        do { for chunk in chunks.value { try sender.value.sendRaw(chunk) } } catch { sendError.value = "\(error)" }
    }
    var acknowledged: Set<Int64> = []
    for (index, (expectation, input)) in expectations.enumerated() {
        let raw: [UInt8]?
        do { raw = try connection.readLine() } catch {
            run.problems.append("line \(index): read failed: \(error)")
            break
        }
        guard let raw else {
            run.problems.append("line \(index) (input \(input)): the daemon closed the connection")
            break
        }
        let (parsed, reason) = WireReply.parse(raw)
        guard let reply = parsed else {
            run.problems.append("line \(index) (input \(input)): malformed reply (\(reason ?? "")): \(String(decoding: raw.prefix(300), as: UTF8.self))")
            continue
        }
        if let problem = expectation.problem(with: reply) {
            run.problems.append("\(tag) input \(input): \(problem)")
        }
        if let error = reply.error { run.codes[error.code.rawValue, default: 0] += 1 } else { run.accepted += 1 }
        if case .request(let request) = expectation, request.op == .append, let result = reply.result {
            let positions = result["positions"]?.arrayValue?.compactMap(\.integerValue) ?? []
            if positions.isEmpty { run.problems.append("\(tag) input \(input): an ok append without positions") }
            acknowledged.formUnion(positions)
        }
    }
    run.acknowledged = acknowledged
    if !writer.join(timeout: FuzzSettings.joinSeconds) { run.problems.append("\(tag): the writer did not finish") }
    if let error = sendError.value { run.problems.append("\(tag): send failed: \(error)") }
    return run
}

@Suite("coachlogd fuzz", .serialized)
struct FuzzDaemonTests {
    static let people = ["fz-ana", "fz-ben", "fz-cy", "fz-dee"]

    @Test("thousands of random and mutated lines over several connections: well-formed replies, documented codes, no crash, no leak, nothing rejected is stored")
    func fuzzedLines() throws {
        let connections = FuzzSettings.long ? 8 : 4
        let perConnection = FuzzSettings.long ? 12_000 : 2_500
        try withSandbox { sandbox in
            let daemon = try sandbox.startForFuzz(name: "fuzz")
            defer { daemon.stop() }
            let monitor = RSSMonitor(pid: daemon.pid)
            let setup = try Connection(path: sandbox.socket)
            var acknowledged: Set<Int64> = []
            for person in Self.people {
                // Opened at the fuzzer's session time, so that its valid events (at 09:30 or without
                // `at`, due 2026-04-01) fall inside the session and after it.
                let result = try setup.append([Ev.open("\(person)-s", person, coach: "kim", at: DaemonFuzzer.sessionOpened)])
                acknowledged.formUnion(result["positions"]?.array.compactMap(\.int) ?? [])
            }
            let runs = Locked<[FuzzRun]>([])
            let socket = sandbox.socket
            let started = Date()
            let workers = (0..<connections).map { n in
                Worker {
                    let run = runFuzzConnection(
                        socket: socket, seed: 0xF022_0000 + UInt64(n), tag: "k\(n)", people: Self.people, count: perConnection)
                    runs.mutate { $0.append(run) }
                }
            }
            for worker in workers { #expect(worker.join(timeout: FuzzSettings.joinSeconds), "a fuzzing connection did not finish") }
            let all = runs.value
            let problems = all.flatMap(\.problems)
            for problem in problems.prefix(12) { Issue.record("\(problem)") }
            #expect(problems.isEmpty, "\(problems.count) replies broke the contract")
            for run in all { acknowledged.formUnion(run.acknowledged) }

            // The daemon is alive and serving, and stored exactly the acknowledged appends.
            #expect(daemon.isRunning)
            let check = try Connection(path: sandbox.socket)
            #expect(try check.request(.hello)["server"] == "coachlogd")
            let stats = try check.request(.stats)
            let position = stats["position"]?.int ?? -1
            #expect(position == Int64(acknowledged.count), "stored events must be exactly the acknowledged ones")
            #expect(acknowledged == Set(1...max(1, position)), "acknowledged positions are 1...position")
            #expect(stats["events"]?.int == position)
            #expect(try check.readAll().count == Int(position))

            // LMDB maps the store: its pages count in VmRSS once touched, which is not a leak, so the
            // bound grows by the store's size (a few MiB here; ~60 MiB after the long run).
            let storeKiB = Int(stats["storeBytes"]?.int ?? 0) / 1024
            let anon = procStatusKiB(pid: daemon.pid, field: "RssAnon") ?? -1
            let rss = monitor.stop()
            let inputs = all.reduce(0) { $0 + $1.inputs }
            let lines = all.reduce(0) { $0 + $1.lines }
            var codes: [String: Int] = [:]
            for run in all { codes.merge(run.codes, uniquingKeysWith: +) }
            print("daemon fuzz: \(inputs) fuzz inputs tried (\(lines) lines) over \(connections) connections in "
                + String(format: "%.1f s", Date().timeIntervalSince(started)) + "; \(all.reduce(0) { $0 + $1.accepted }) accepted, "
                + "refused \(codes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")); \(position) events acknowledged and stored; max RSS \(rss / 1024) MiB "
                + "(now \(anon / 1024) MiB anonymous; store \(storeKiB / 1024) MiB)")
            #expect(rss > 0 && rss < FuzzSettings.rssBoundKiB + storeKiB, "daemon RSS \(rss) KiB, store \(storeKiB) KiB")
            #expect((codes["bad_request"] ?? 0) > inputs / 10 && (codes["validation"] ?? 0) > 0 && position > 100,
                    "the fuzz reaches the decoder, the rules and the store")
            #expect(!daemon.stderr.contains("internal error"), "\(daemon.stderr.suffix(2000))")
            #expect(daemon.stop() == 0, "coachlogd must still shut down cleanly after the fuzz")
        }
    }
}

import CoachLogJSON
import CoachLogPOSIX
import CoachLogProtocol
import HashChain
import CoachLogTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Protocol.md's examples, replayed in document order against a new coachlogd on an empty store:
/// every reply must be the documented one, except for the values the document lists as varying.
@Suite("Protocol.md examples replayed against coachlogd")
struct ProtocolReplayTests {
    /// The values that differ from run to run (Protocol.md's "varies" table). Each is still checked:
    /// its format, and where it can be, its value (a generated eventId encodes its recordedAt).
    static let variableFields: Set<String> = [
        "recordedAt", "eventId", "startedAt", "uptimeSeconds", "storeBytes", "usedBytes", "dataFolder", "bytes", "seconds",
        "hash", "stored", "signedAt", "publicKey", "signature",
    ]

    /// Examples that document WIRE_DECISIONS.md, which the daemon does not implement yet: they fail
    /// until the lead's changes are merged, and then must pass (an entry whose example passes is
    /// reported, so that this list only ever shrinks). Where the documented message was written
    /// before the code, align the document with the daemon's message.
    /// Examples documented ahead of the daemon, each with the decision it waits for; empty when the
    /// daemon does all the document says.
    static let awaitingWireDecisions: [String: String] = [:]

    @Test("Protocol.md's list of varying values is the list this test ignores")
    func variableFieldsAreDocumented() throws {
        #expect(try ProtocolDocument.load().variableFields == Self.variableFields)
    }

    @Test("every example request shows exactly one reply")
    func oneReplyPerRequest() throws {
        for exchange in try ProtocolDocument.load().exchanges {
            let replies = exchange.replies.filter { (try? JSONParser.parse($0.text))?.isEventLine != true }
            #expect(replies.count == 1, "Protocol.md line \(exchange.request.number): \(replies.count) replies shown")
        }
    }

    @Test("replayed in document order from an empty store, every reply is the documented one")
    func replay() throws {
        let document = try ProtocolDocument.load()
        let folder = TemporaryFolder(prefix: "clproto")
        let socket = folder.path + "/s.sock"
        let readOnly = folder.path + "/ro.sock"
        let data = folder.path + "/data"
        let daemon = try DaemonProcess.start(
            data: data, socket: socket, extra: ["--read-only-socket", readOnly], stderrPath: folder.path + "/daemon.stderr")
        defer { daemon.stop() }
        let deadline = Date().addingTimeInterval(10)
        while !socketAccepts(readOnly), Date() < deadline { usleep(20_000) }

        var replay = Replay(folder: folder.path, data: data, document: document)
        var failed: Set<String> = []
        for block in document.blocks {
            let path: String
            switch block.replay {
            case .no: continue
            case .mainSocket: path = socket
            case .readOnlySocket: path = readOnly
            }
            for problem in try replay.run(block, socket: path) {
                failed.insert(problem.label)
                let note = Self.awaitingWireDecisions[problem.label].map { "\n(expected until WIRE_DECISIONS.md \($0) is merged)" } ?? ""
                Issue.record(Comment(rawValue: problem.message + note))
            }
        }
        for label in Self.awaitingWireDecisions.keys.sorted() where !failed.contains(label) {
            Issue.record("example \(label) now passes: remove it from awaitingWireDecisions")
        }
    }
}

/// What one replay run knows: the eventIds clients chose (any other is generated), the backup paths.
struct Replay {
    struct Problem {
        var label: String
        var message: String
    }

    let folder: String
    let data: String
    let clientEventIds: Set<String>
    private var backups = 0

    init(folder: String, data: String, document: ProtocolDocument) {
        self.folder = folder
        self.data = data
        var ids: Set<String> = []
        for exchange in document.exchanges {
            for event in (try? JSONParser.parse(exchange.request.text))?["events"]?.arrayValue ?? [] {
                if let id = event["eventId"]?.stringValue { ids.insert(id) }
            }
        }
        clientEventIds = ids
    }

    /// Sends the block's requests on one connection, in order, and compares what comes back.
    mutating func run(_ block: ProtocolDocument.Block, socket: String) throws -> [Problem] {
        let client = try LineClient(path: socket)
        var problems: [Problem] = []
        var expectedEvents: [(line: ProtocolDocument.Line, label: String)] = []
        var events: [[UInt8]] = []
        for exchange in block.exchanges {
            let label = (try? JSONParser.parse(exchange.request.text))?["id"]?.stringValue ?? exchange.label
            for reply in exchange.replies where (try? JSONParser.parse(reply.text))?.isEventLine == true {
                expectedEvents.append((reply, label))
            }
            guard let expectedLine = exchange.replies.first(where: { (try? JSONParser.parse($0.text))?.isEventLine != true }) else {
                continue  // reported by oneReplyPerRequest
            }
            let (request, initialContext) = substitute(exchange.request.text)
            var context = initialContext
            var attempts = 0
            while true {
                try client.send(request)
                var reply: [UInt8]?
                while let line = client.readLine(timeout: 15) {
                    if (try? JSONParser.parse(line))?.isEventLine == true { events.append(line) } else {
                        reply = line
                        break
                    }
                }
                guard let reply else {
                    problems.append(Problem(label: label, message: "Protocol.md line \(exchange.request.number): no reply to \(exchange.request.text)"))
                    return problems
                }
                let differences = compare(expected: expectedLine.text, actual: reply, context: &context)
                // stats counts connections and subscriptions; earlier example connections close asynchronously.
                let settling = !differences.isEmpty && context.op == "stats" && attempts < 50
                    && differences.allSatisfy { $0.hasPrefix("result/connections") || $0.hasPrefix("result/subscribers") }
                if settling {
                    attempts += 1
                    usleep(100_000)
                    continue
                }
                if !differences.isEmpty {
                    problems.append(Problem(label: label, message: Self.describe(
                        number: expectedLine.number, request: exchange.request.text, expected: expectedLine.text,
                        actual: reply, differences: differences)))
                }
                break
            }
        }
        let deadline = Date().addingTimeInterval(5)
        while events.count < expectedEvents.count, Date() < deadline, let line = client.readLine(timeout: 1) {
            if (try? JSONParser.parse(line))?.isEventLine == true { events.append(line) }
        }
        for (index, expected) in expectedEvents.enumerated() {
            guard index < events.count else {
                problems.append(Problem(label: expected.label, message: "Protocol.md line \(expected.line.number): this event line never came"))
                continue
            }
            var context = Context(op: "subscribe")
            let differences = compare(expected: expected.line.text, actual: events[index], context: &context)
            if !differences.isEmpty {
                problems.append(Problem(label: expected.label, message: Self.describe(
                    number: expected.line.number, request: nil, expected: expected.line.text, actual: events[index],
                    differences: differences)))
            }
        }
        for extra in events.dropFirst(expectedEvents.count) {
            problems.append(Problem(label: "block at line \(block.number)", message: "Protocol.md block at line \(block.number): an event line the document does not show: \(String(decoding: extra, as: UTF8.self))"))
        }
        return problems
    }

    struct Context {
        var op: String?
        var backupPath: String?
    }

    /// The request to send: as documented, except a backup's path, which goes into the test's folder.
    mutating func substitute(_ text: String) -> (String, Context) {
        guard case .object(var request)? = try? JSONParser.parse(text) else { return (text, Context(op: nil)) }
        let op = request["op"]?.stringValue
        guard op == "backup" else { return (text, Context(op: op)) }
        backups += 1
        let path = "\(folder)/backup-\(backups).mdb"
        request["path"] = .string(path)
        return (JSONWriter.string(.object(request)), Context(op: op, backupPath: path))
    }

    static func describe(number: Int, request: String?, expected: String, actual: [UInt8], differences: [String]) -> String {
        var text = "Protocol.md line \(number) differs from coachlogd's reply:\n"
        text += differences.prefix(8).map { "  " + $0 }.joined(separator: "\n")
        if let request { text += "\nrequest:  \(request)" }
        text += "\ndocument: \(expected)\ndaemon:   \(String(decoding: actual, as: UTF8.self))"
        return text
    }

    /// The differences between a documented line and the daemon's, as `path: what` strings.
    func compare(expected: String, actual: [UInt8], context: inout Context) -> [String] {
        let want: JSONValue
        let got: JSONValue
        do { want = try JSONParser.parse(expected) } catch { return ["the documented line is not JSON: \(error)"] }
        do { got = try JSONParser.parse(actual) } catch { return ["the daemon's line is not JSON: \(error)"] }
        var differences: [String] = []
        diff(want, got, path: [], parent: [:], context: context, into: &differences)
        return differences
    }

    /// `parent` is the daemon's object holding `got` (an envelope's eventId is checked against its recordedAt).
    private func diff(
        _ want: JSONValue, _ got: JSONValue, path: [String], parent: [String: JSONValue], context: Context,
        into out: inout [String]
    ) {
        let where_ = path.joined(separator: "/")
        if let key = path.last, let problem = variable(key, want, got, path: path, parent: parent, context: context) {
            if !problem.isEmpty { out.append("\(where_): \(problem)") }
            return
        }
        switch (want, got) {
        case (.object(let w), .object(let g)):
            for key in Set(w.keys).union(g.keys).sorted() {
                switch (w[key], g[key]) {
                case (let a?, let b?): diff(a, b, path: path + [key], parent: g, context: context, into: &out)
                case (_?, nil): out.append("\((path + [key]).joined(separator: "/")): documented, but the daemon did not send it")
                case (nil, let b?): out.append("\((path + [key]).joined(separator: "/")): the daemon sent \(JSONWriter.string(b)), not documented")
                case (nil, nil): break
                }
            }
        case (.array(let w), .array(let g)) where w.count == g.count:
            for (index, pair) in zip(w, g).enumerated() {
                diff(pair.0, pair.1, path: path + ["\(index)"], parent: [:], context: context, into: &out)
            }
        default:
            if !sameJSON(want, got) { out.append("\(where_): documented \(JSONWriter.string(want)), daemon \(JSONWriter.string(got))") }
        }
    }

    /// For a value that varies: "" when the daemon's value has the right form, a problem otherwise;
    /// nil when `key` at `path` is not a varying value (compare it exactly).
    private func variable(
        _ key: String, _ want: JSONValue, _ got: JSONValue, path: [String], parent: [String: JSONValue], context: Context
    ) -> String? {
        let inEnvelope = path.contains("events") || path.first == "event"
        let inResult = path.count == 2 && path[0] == "result"
        switch key {
        case "recordedAt" where inEnvelope:
            return Timestamps.milliseconds(got.stringValue ?? "") == nil ? "not a timestamp: \(JSONWriter.string(got))" : ""
        case "eventId" where inEnvelope:
            guard let documented = want.stringValue, !clientEventIds.contains(documented) else { return nil }
            return generatedIdProblem(got, recordedAt: parent["recordedAt"]?.stringValue)
        case "startedAt" where inResult && context.op == "stats":
            return Timestamps.milliseconds(got.stringValue ?? "") == nil ? "not a timestamp: \(JSONWriter.string(got))" : ""
        case "uptimeSeconds" where inResult && context.op == "stats", "seconds" where inResult && context.op == "backup":
            return (got.doubleValue ?? -1) >= 0 ? "" : "not a number of seconds: \(JSONWriter.string(got))"
        case "storeBytes" where inResult && context.op == "stats", "usedBytes" where inResult && context.op == "stats",
            "bytes" where inResult && context.op == "backup":
            return (got.integerValue ?? 0) > 0 ? "" : "not a byte count: \(JSONWriter.string(got))"
        case "dataFolder" where inResult && context.op == "stats":
            return got.stringValue == data ? "" : "the daemon's data folder is \(data), not \(JSONWriter.string(got))"
        case "hash":
            // The empty log's head is the genesis value, the same in every run; every other hash varies.
            if want.stringValue == String(repeating: "0", count: 64) { return nil }
            return Self.isHex(got, digits: 64) ? "" : "not a chain hash: \(JSONWriter.string(got))"
        case "stored" where inEnvelope:
            return got.stringValue.flatMap(Base64.decode).map { $0.first == 3 ? "" : "not stored bytes of envelope version 3" }
                ?? "not base64: \(JSONWriter.string(got))"
        case "signedAt":
            return Timestamps.milliseconds(got.stringValue ?? "") == nil ? "not a timestamp: \(JSONWriter.string(got))" : ""
        case "publicKey":
            return Self.isHex(got, digits: 64) ? "" : "not a public key: \(JSONWriter.string(got))"
        case "signature":
            // Checked, not only its form: it must verify with the public key beside it.
            guard Self.isHex(got, digits: 128), let reply = try? CheckpointReply(wire: .object(parent.merging(["signature": got]) { $1 })),
                reply.signedHead?.isValid == true
            else { return "not a valid signature of the head beside it: \(JSONWriter.string(got))" }
            return ""
        case "path" where inResult && context.op == "backup":
            return got.stringValue == context.backupPath ? "" : "the backup was asked at \(context.backupPath ?? "?"), not \(JSONWriter.string(got))"
        default:
            return nil
        }
    }

    static func isHex(_ value: JSONValue, digits: Int) -> Bool {
        guard let text = value.stringValue, text.utf8.count == digits else { return false }
        return text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// A generated eventId must be a lowercase UUID version 7 whose first 48 bits are its recordedAt.
    private func generatedIdProblem(_ got: JSONValue, recordedAt: String?) -> String {
        guard let id = got.stringValue, let millis = UUIDv7.milliseconds(id) else {
            return "a generated eventId must be a lowercase UUID version 7, not \(JSONWriter.string(got))"
        }
        guard let recorded = recordedAt.flatMap(Timestamps.milliseconds), recorded == millis else {
            return "the generated eventId \(id) holds the time \(millis) ms, not its recordedAt \(recordedAt ?? "?")"
        }
        return ""
    }
}

/// Reading the times the daemon writes, and the time inside a UUID version 7.
enum Timestamps {
    /// Milliseconds since 1970 of `YYYY-MM-DDTHH:MM:SS[.mmm]Z`, or nil if `text` is not in that form.
    static func milliseconds(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        guard b.count == 20 || b.count == 24, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A,
            b.last == 0x5A
        else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var v: Int64 = 0
            for i in range {
                guard (0x30...0x39).contains(b[i]) else { return nil }
                v = v * 10 + Int64(b[i] - 0x30)
            }
            return v
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10), let hh = number(11..<13),
            let mm = number(14..<16), let ss = number(17..<19), (1...12).contains(m), (1...31).contains(d), hh < 24, mm < 60,
            ss < 60
        else { return nil }
        var millis: Int64 = 0
        if b.count == 24 {
            guard b[19] == 0x2E, let f = number(20..<23), f != 0 else { return nil }
            millis = f
        }
        // Days from the civil date (Howard Hinnant's algorithm).
        let yy = m <= 2 ? y - 1 : y
        let era = yy / 400
        let yoe = yy - era * 400
        let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1
        let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
        return ((days * 24 + hh) * 60 + mm) * 60_000 + ss * 1000 + millis
    }
}

enum UUIDv7 {
    /// The Unix milliseconds in a lowercase UUID version 7 (RFC 9562), or nil if `id` is not one.
    static func milliseconds(_ id: String) -> Int64? {
        let c = Array(id.utf8)
        guard c.count == 36, c[8] == 0x2D, c[13] == 0x2D, c[18] == 0x2D, c[23] == 0x2D, c[14] == UInt8(ascii: "7"),
            [UInt8(ascii: "8"), UInt8(ascii: "9"), UInt8(ascii: "a"), UInt8(ascii: "b")].contains(c[19]),
            c.enumerated().allSatisfy({ [8, 13, 18, 23].contains($0.offset) || (0x30...0x39).contains($0.element) || (0x61...0x66).contains($0.element) })
        else { return nil }
        let hex = String(decoding: c[0..<8] + c[9..<13], as: UTF8.self)
        return Int64(hex, radix: 16)
    }
}

/// A connection that sends raw request lines and reads daemon lines with a timeout, recording every
/// line it reads for the schema check (`WireCapture`).
final class LineClient {
    let fd: Int32
    let path: String
    private var buffer: [UInt8] = []

    init(path: String) throws {
        self.path = path
        fd = try connectUnix(path)
    }

    deinit { close(fd) }

    func send(_ line: String) throws {
        do {
            try POSIX.sendAll(fd, Array(line.utf8) + [0x0A])
        } catch {
            throw HarnessError("send: \(error.message)")
        }
    }

    /// The next line without its `\n`; nil at end of stream or after `timeout` seconds without one.
    func readLine(timeout: Double) -> [UInt8]? {
        let deadline = Date().addingTimeInterval(timeout)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = Array(buffer[..<newline])
                buffer.removeFirst(newline + 1)
                WireCapture.record(line, socket: path)
                return line
            }
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return nil }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, Int32(min(left, 1) * 1000) + 1)
            if ready < 0 && errno != EINTR { return nil }
            if ready <= 0 { continue }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return nil
            }
            if n == 0 { return nil }
            buffer.append(contentsOf: chunk[0..<n])
        }
    }
}

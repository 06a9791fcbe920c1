import ArgumentParser
import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import Foundation

/// One line of history: position, when, who, what.
func describe(_ e: JSONValue) -> [String] {
    let data = e["data"]
    let at = data?["at"]?.stringValue ?? e["recordedAt"]?.stringValue ?? ""
    var summary: String
    switch e["type"]?.stringValue {
    case "SessionOpened":
        let topics = (data?["topics"]?.arrayValue ?? []).compactMap(\.stringValue).map(TopicName.display).joined(separator: ",")
        summary = "\(Render.text(data?["sessionId"])) with \(Render.text(data?["coach"]))" + (topics.isEmpty ? "" : " · \(topics)")
    case "GoalStated": summary = "\(Render.text(data?["goalId"])): \(Render.text(data?["text"]))"
    case "CommitmentMade":
        summary = "\(Render.text(data?["commitmentId"])) \(Render.text(data?["kind"])): \(Render.text(data?["text"])) (due \(Render.text(data?["due"])))"
    case "CommitmentReviewed": summary = "\(Render.text(data?["commitmentId"])) \(Render.text(data?["outcome"]))"
    case "InsightNoted": summary = "\(TopicName.display(Render.text(data?["topic"]))): \(Render.text(data?["text"]))"
    case "SessionClosed": summary = "\(Render.text(data?["sessionId"]))"
    default: summary = ""
    }
    return [Render.int(e["position"]), at, Render.text(e["salesperson"]), Render.text(e["type"]), summary]
}

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log", abstract: "The recorded history, oldest first.",
        discussion: "Example:\n  coachlog log --salesperson dana")

    @Option(name: .long, help: "Only this salesperson's events.") var salesperson: String?
    @Option(name: .long, help: "Start after this position.") var after: UInt64 = 0
    @Option(name: .long, help: "At most this many events (default: all).") var limit: Int?

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }
    @OptionGroup var output: OutputOptions
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        let c = try connection.connect()
        var cursor = after
        var rows: [[String]] = []
        var remaining = limit ?? Int.max
        while remaining > 0 {
            var fields: [String: JSONValue] = [
                "after": .integer(Int64(clamping: cursor)), "limit": .integer(Int64(min(remaining, 1000))),
            ]
            if let salesperson { fields["salesperson"] = .string(salesperson) }
            let page = try c.request(.read, fields)
            let events = page["events"]?.arrayValue ?? []
            if output.json { printJSON(page) } else { rows += events.map(describe) }
            remaining -= events.count
            let next = UInt64(max(0, page["next"]?.integerValue ?? 0))
            if events.isEmpty || next <= cursor { break }
            cursor = next
        }
        if !output.json {
            if rows.isEmpty { return print("no events") }
            print(Render.table(["#", "at", "salesperson", "event", "details"], rows, numeric: [0]))
        }
    }
}

struct TailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail", abstract: "Follow new events live (Ctrl-C to stop).",
        discussion: "Example:\n  coachlog tail --salesperson dana")

    @Option(name: .long, help: "Only this salesperson's events.") var salesperson: String?
    @Option(name: .long, help: "Start after this position (default: now, only new events).") var after: UInt64?
    @OptionGroup var output: OutputOptions
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        let c = try connection.connect()
        let start = try after ?? UInt64(max(0, c.request(.stats)["position"]?.integerValue ?? 0))
        let stream = try c.subscribe(after: start, salesperson: salesperson)
        while let event = try stream.nextEvent() {
            let line = output.json ? JSONWriter.string(event) : describe(event).filter { !$0.isEmpty }.joined(separator: "  ")
            // Unbuffered, so that `coachlog tail | grep` shows events as they happen.
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
    }
}

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "The daemon's figures: position, events, people, connections, size.",
        discussion: "Example:\n  coachlog stats")

    @OptionGroup var output: OutputOptions
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        let r = try connection.connect().request(.stats)
        if output.json { return printJSON(r) }
        let mib = { (v: JSONValue?) in String(format: "%.1f MiB", Double(v?.integerValue ?? 0) / 1_048_576) }
        let rows: [[String]] = [
            ["server", "\(Render.text(r["server"])) \(Render.text(r["version"]))"],
            ["data folder", Render.text(r["dataFolder"])],
            ["position", Render.int(r["position"])],
            ["events", Render.int(r["events"])],
            ["salespeople", Render.int(r["salespeople"])],
            ["connections", Render.int(r["connections"])],
            ["subscribers", Render.int(r["subscribers"])],
            ["store size", mib(r["storeBytes"])],
            ["uptime", String(format: "%.0f s", r["uptimeSeconds"]?.doubleValue ?? 0)],
        ]
        print(Render.table(["", ""], rows))
    }
}

struct PingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ping", abstract: "Check that the daemon answers, and how fast.",
        discussion: "Example:\n  coachlog ping")

    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        let started = Date()
        let c = try connection.connect()
        let hello = try c.request(.hello)
        let ms = Date().timeIntervalSince(started) * 1000
        print("\(Render.text(hello["server"])) \(Render.text(hello["version"])) (protocol \(Render.int(hello["protocol"]))) at \(connection.path): \(String(format: "%.1f", ms)) ms")
    }
}

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Write a consistent copy of the store while the daemon keeps serving.",
        discussion: """
            The daemon writes the file, so the path must be writable by the daemon and must not exist.
            Restore: stop coachlogd, put the file in place of DATA/coachlog.mdb, start coachlogd.
            Example:
              coachlog backup /var/lib/coachlog/backups/2026-11-26.mdb
            """)

    @Argument(help: "Where to write the copy (a new file).") var path: String
    @OptionGroup var output: OutputOptions
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let r = try connection.connect().request(.backup, ["path": .string(absolute)])
        if output.json { return printJSON(r) }
        print("backup written to \(Render.text(r["path"])): \(Render.int(r["bytes"])) bytes, events through position \(Render.int(r["position"]))")
    }
}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write every event as JSON Lines, with its eventId (default: to standard output).",
        discussion: "Example:\n  coachlog export coaching-2026.jsonl")

    @Argument(help: "The file to write (must not exist).") var file: String?
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        let c = try connection.connect()
        var out = Data()
        var cursor: Int64 = 0
        var count = 0
        while true {
            let page = try c.request(.read, ["after": .integer(cursor), "limit": 1000])
            let events = page["events"]?.arrayValue ?? []
            for e in events {
                out.append(contentsOf: JSONWriter.bytes(e))
                out.append(0x0A)
            }
            count += events.count
            let next = page["next"]?.integerValue ?? cursor
            if events.isEmpty || next <= cursor { break }
            cursor = next
        }
        if let file {
            guard !FileManager.default.fileExists(atPath: file) else {
                throw ValidationError("\(file) already exists; choose a new file name")
            }
            try out.write(to: URL(fileURLWithPath: file))
            printError("exported \(count) events to \(file)")
        } else {
            FileHandle.standardOutput.write(out)
        }
    }
}

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Replay an export into the daemon; safe to run twice (events keep their eventIds).",
        discussion: "Example:\n  coachlog import coaching-2026.jsonl")

    @Argument(help: "A file written by `coachlog export`.") var file: String
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ValidationError("cannot read \(file)")
        }
        var requests: [[String: JSONValue]] = []
        for (number, line) in data.split(separator: 0x0A).enumerated() where !line.isEmpty {
            guard let e = try? JSONParser.parse(Array(line)), let type = e["type"]?.stringValue, var d = e["data"]?.objectValue,
                let eventId = e["eventId"]?.stringValue
            else {
                throw ValidationError("\(file):\(number + 1) is not an exported event (needs type, data and eventId)")
            }
            // Keep the original time of events that had no explicit `at`.
            if d["at"] == nil, let recordedAt = e["recordedAt"] { d["at"] = recordedAt }
            requests.append(["events": [["type": .string(type), "data": .object(d), "eventId": .string(eventId)]]])
        }
        let c = try connection.connect()
        var added = 0
        var present = 0
        // Pipelined in chunks: the daemon answers in order and commits them together.
        for chunk in stride(from: 0, to: requests.count, by: 256) {
            let slice = requests[chunk..<min(chunk + 256, requests.count)]
            for (offset, fields) in slice.enumerated() {
                try c.send(Request(id: .integer(Int64(chunk + offset + 1)), op: .append, fields: fields))
            }
            for _ in slice {
                switch try c.receive() {
                case .ok(_, let result): if result["replayed"]?.boolValue == true { present += 1 } else { added += 1 }
                case .error(let id, let error):
                    throw Refusal(message: "event \(Render.text(id)) of \(file) was refused: \(error.message); \(added) events were imported before it")
                case .event: continue
                }
            }
        }
        print("imported \(added) events from \(file); \(present) were already present")
    }
}

import ArgumentParser
import CoachLogClient
import CoachLogJSON
import CoachLogProtocol
import Foundation

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log", abstract: "The recorded history, oldest first, corrections included.",
        discussion: """
            Each line shows the event's texts and notes; a correction names what it corrects and, when the
            listing holds it, what it was. With --json: JSON Lines, one event envelope per line (Protocol.md).
            Example:
              coachlog log --salesperson dana
            """)

    @Option(name: .long, help: "Only this salesperson's events.") var salesperson: String?
    @Option(name: .long, help: "Start after this position.") var after: UInt64 = 0
    @Option(name: .long, help: "At most this many events (default: all).") var limit: Int?
    @Flag(name: .long, help: "Print JSON Lines: one event envelope per line, for scripts.") var json = false

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        let c = try connection.connect()
        var cursor = after
        var rows: [[String]] = []
        var memory = LogMemory()
        var remaining = limit ?? Int.max
        while remaining > 0 {
            let page = try c.read(after: cursor, limit: min(remaining, 1000), salesperson: salesperson)
            if json {
                var lines = Data()
                for event in page.events {
                    lines.append(contentsOf: JSONWriter.bytes(event.json))
                    lines.append(0x0A)
                }
                FileHandle.standardOutput.write(lines)
            } else {
                rows += page.events.map { describe($0, memory: &memory) }
            }
            remaining -= page.events.count
            if page.events.isEmpty || page.next <= cursor { break }
            cursor = page.next
        }
        if !json {
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
        let start = try after ?? c.stats().position
        let stream = try c.subscribe(SubscribeParameters(after: start, salesperson: salesperson))
        var memory = LogMemory()
        while let event = try stream.nextEnvelope() {
            let line =
                output.json ? JSONWriter.string(event.json) : describe(event, memory: &memory).filter { !$0.isEmpty }.joined(separator: "  ")
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
        let result = try connection.connect().request(.stats)
        if output.json { return printJSON(result) }
        let r = try typed(result, as: StatsReply.self)
        let rows: [[String]] = [
            ["server", "\(r.server) \(r.version)"],
            ["data folder", r.dataFolder],
            ["position", "\(r.position)"],
            ["head hash", r.head?.hash.hex ?? "-"],
            ["events", "\(r.events)"],
            ["salespeople", "\(r.salespeople)"],
            ["connections", "\(r.connections)"],
            ["subscribers", "\(r.subscribers)"],
            ["store size", String(format: "%.1f MiB", Double(r.storeBytes) / 1_048_576)],
            ["uptime", String(format: "%.0f s", r.uptimeSeconds)],
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
        let hello = try c.hello()
        let ms = Date().timeIntervalSince(started) * 1000
        print("\(hello.server) \(hello.version) (protocol \(hello.protocol)) at \(connection.path): \(String(format: "%.1f", ms)) ms")
    }
}

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Write a consistent copy of the store while the daemon keeps serving.",
        discussion: """
            The daemon writes the file, so the path must be writable by the daemon and must not exist.
            The copy holds the head the daemon signed just before it (shown here; keep it apart from the copy).
            Restore: stop coachlogd, run `coachlogd restore FILE --data DATA` (it checks the copy first), start coachlogd.
            Example:
              coachlog backup /var/lib/coachlog/backups/2026-11-26.mdb
            """)

    @Argument(help: "Where to write the copy (a new file).") var path: String
    @OptionGroup var output: OutputOptions
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let result = try connection.connect().request(.backup(BackupParameters(path: absolute)))
        if output.json { return printJSON(result) }
        let r = try typed(result, as: BackupReply.self)
        print("backup written to \(r.path): \(r.bytes) bytes, events through position \(r.position)")
        if let head = r.signedHead {
            print("signed head: \(head.position):\(head.hash.hex) (public key \(head.publicKey))")
        }
    }
}

struct ForgetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Erase one salesperson's name and free text for good, keeping their counts (operator only).",
        discussion: """
            The daemon destroys the salesperson's data key: from then on every reply, export and later backup shows
            them under a pseudonym, with their texts null. It cannot be undone, and it does not reach backups taken
            before it (see README.md, "What erasure cannot reach").
            Example:
              coachlog forget --salesperson "Dana Reyes"
            """)

    @Option(name: .long, help: "The salesperson to forget, exactly as recorded.") var salesperson: String
    @OptionGroup var output: OutputOptions
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        let result = try connection.connect().request(.forget(ForgetParameters(salesperson: salesperson)))
        if output.json { return printJSON(result) }
        let r = try typed(result, as: ForgetReply.self)
        if r.forgotten, let pseudonym = r.pseudonym {
            print("forgot \(salesperson): now \(pseudonym); their counts stay, their name and texts are gone")
        } else {
            print("nothing to forget: \(salesperson) is not on record (never recorded, or forgotten before)")
        }
    }
}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write every event as JSON Lines, with its eventId, or a CSV table for spreadsheets (default: to standard output).",
        discussion: """
            The JSON Lines carry each event's hash and stored bytes: `coachlog verify-export FILE` checks the file
            against the hash chain without the daemon.
            --format csv writes one table (RFC 4180, with a header row): --table commitments (the default) has one row
            per commitment with its review: commitment, salesperson, session, kind, text, goal, due, made_at, outcome,
            reviewed_at, note and status (open, reviewed, withdrawn or voided), each as corrected; --table sessions
            has session, salesperson, coach, opened, closed, topics and voided. Due dates and times are the daemon's.
            Examples:
              coachlog export coaching-2026.jsonl
              coachlog export --format csv --table sessions sessions.csv
            """)

    @Argument(help: "The file to write (must not exist).") var file: String?
    @Option(name: .long, help: "jsonl (every event, for `coachlog import`) or csv (one table).") var format: ExportFormat = .jsonl
    @Option(name: .long, help: "With --format csv: commitments (default) or sessions.") var table: CSVTable?
    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        if table != nil && format != .csv { throw ValidationError("--table goes with --format csv") }
        if let file, FileManager.default.fileExists(atPath: file) { throw ValidationError("\(file) already exists; choose a new file name") }
    }

    func run() throws {
        if format == .csv { return try exportCSV() }
        let c = try connection.connect()
        var out = Data()
        var cursor: UInt64 = 0
        var count = 0
        while true {
            // With the stored bytes, so that `coachlog verify-export` can check the file offline.
            let page = try c.read(after: cursor, limit: 1000, stored: true)
            for e in page.events {
                out.append(contentsOf: JSONWriter.bytes(e.json))
                out.append(0x0A)
            }
            count += page.events.count
            if page.events.isEmpty || page.next <= cursor { break }
            cursor = page.next
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

    func exportCSV() throws {
        let exporter = try CSVExporter(connection: try connection.connect())
        let chosen = table ?? .commitments
        let text = chosen == .commitments ? try exporter.commitmentsTable() : try exporter.sessionsTable()
        let count = chosen == .commitments ? exporter.facts.commitments.count : exporter.facts.sessions.count
        if let file {
            guard FileManager.default.createFile(atPath: file, contents: Data(text.utf8)) else {
                throw ValidationError("cannot write \(file)")
            }
            printError("exported \(count) \(chosen.rawValue) to \(file)")
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
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
        var events: [ProposedEvent] = []
        var erased = 0
        for (number, line) in data.split(separator: 0x0A).enumerated() where !line.isEmpty {
            guard let json = try? JSONParser.parse(Array(line)), let envelope = try? JSONValueDecoder().decode(EventEnvelope.self, from: json)
            else {
                throw ValidationError("\(file):\(number + 1) is not an exported event (an event envelope with its eventId, as `coachlog export` writes)")
            }
            // A forgotten salesperson's events have lost their texts: they cannot be recorded again.
            if envelope.erased || envelope.type == .salespersonForgotten {
                erased += 1
                continue
            }
            let event: CoachingEvent
            do {
                event = try envelope.decoded()
            } catch {
                throw ValidationError("\(file):\(number + 1) is not an exported event: \(error)")
            }
            // Keep the original time of events that had no explicit `at`.
            events.append(ProposedEvent(event.at == nil ? event.happened(at: envelope.recordedAt) : event, eventId: envelope.eventId))
        }
        let c = try connection.connect()
        var added = 0
        var present = 0
        // Pipelined in chunks: the daemon answers in order and commits them together.
        for chunk in stride(from: 0, to: events.count, by: 256) {
            let slice = events[chunk..<min(chunk + 256, events.count)]
            for (offset, event) in slice.enumerated() {
                try c.send(Request(id: .integer(Int64(chunk + offset + 1)), body: .append(AppendParameters(events: [event]))))
            }
            for _ in slice {
                switch try c.receive() {
                case .ok(_, let result): if try typed(result, as: AppendReply.self).replayed { present += 1 } else { added += 1 }
                case .error(let id, let error):
                    throw Refusal(message: "event \(JSONWriter.string(id)) of \(file) was refused: \(error.message); \(added) events were imported before it")
                case .event: continue
                }
            }
        }
        print("imported \(added) events from \(file); \(present) were already present")
        if erased > 0 {
            print("skipped \(erased) events of forgotten salespeople: their names and texts were erased, so they cannot be recorded again")
        }
    }
}

extension CoachingEvent {
    /// The same event, happening at `time`.
    func happened(at time: Timestamp) -> CoachingEvent {
        switch self {
        case .sessionOpened(var e): e.at = time; return .sessionOpened(e)
        case .goalStated(var e): e.at = time; return .goalStated(e)
        case .commitmentMade(var e): e.at = time; return .commitmentMade(e)
        case .commitmentReviewed(var e): e.at = time; return .commitmentReviewed(e)
        case .insightNoted(var e): e.at = time; return .insightNoted(e)
        case .sessionClosed(var e): e.at = time; return .sessionClosed(e)
        case .reviewCorrected(var e): e.at = time; return .reviewCorrected(e)
        case .commitmentAmended(var e): e.at = time; return .commitmentAmended(e)
        case .commitmentWithdrawn(var e): e.at = time; return .commitmentWithdrawn(e)
        case .sessionVoided(var e): e.at = time; return .sessionVoided(e)
        case .salespersonMerged(var e): e.at = time; return .salespersonMerged(e)
        case .goalAmended(var e): e.at = time; return .goalAmended(e)
        case .goalAchieved(var e): e.at = time; return .goalAchieved(e)
        case .goalDropped(var e): e.at = time; return .goalDropped(e)
        case .salespersonForgotten(var e): e.at = time; return .salespersonForgotten(e)
        }
    }
}

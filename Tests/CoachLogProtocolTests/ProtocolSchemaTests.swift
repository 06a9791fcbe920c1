import CoachLogJSON
import CoachLogProtocol
import CoachLogTestSupport
import Foundation
import Testing

/// The validator runs here, or must (CI=true): then a missing one fails instead of skipping.
let schemaValidatorRuns = SchemaValidator.unavailableReason == nil || SchemaValidator.isRequired

@Suite("Protocol.schema.json")
struct ProtocolSchemaTests {
    static func schema() throws -> JSONValue { try JSONParser.parse(Repository.text("Protocol.schema.json")) }

    static func definitions() throws -> [String: JSONValue] { try schema()["$defs"]?.objectValue ?? [:] }

    static func enumeration(_ name: String) throws -> [String] {
        try definitions()[name]?["enum"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    @Test("is JSON Schema 2020-12 with a named definition for every request, result, event, data and error")
    func namedDefinitions() throws {
        #expect(try Self.schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema")
        let names = Set(try Self.definitions().keys)
        let expected = [
            "Request", "HelloRequest", "AppendRequest", "ProposedEvent", "ReadRequest", "QueryRequest", "SubscribeRequest",
            "BackupRequest", "StatsRequest", "FollowThroughQuery", "OpenCommitmentsQuery", "CadenceQuery", "GoalsQuery",
            "TopicsQuery", "SessionsQuery", "ServerLine", "OkReply", "ErrorReply", "ErrorBody", "ErrorCode", "RuleId",
            "SubscriptionEventLine", "SubscriptionEndLine", "HelloResult", "AppendResult", "ReadResult", "SubscribeResult",
            "BackupResult", "StatsResult", "QueryResult", "FollowThroughReport", "OpenCommitmentsReport", "CadenceReport",
            "GoalsReport", "TopicsReport", "SessionsReport", "EventEnvelope", "Tally", "TeamQuery", "PrepQuery",
            "TeamReport", "PrepReport", "ForgetRequest", "ForgetResult",
        ]
        for name in expected { #expect(names.contains(name), "no $defs/\(name)") }
        for type in EventType.allCases.map(\.rawValue) {
            for suffix in ["Event", "Data"] { #expect(names.contains(type + suffix), "no $defs/\(type + suffix)") }
        }
        // What a client may append: every type but the one `forget` alone writes.
        for type in EventType.allCases where type != .salespersonForgotten {
            #expect(names.contains(type.rawValue + "DataInput"), "no $defs/\(type.rawValue)DataInput")
            #expect(names.contains("Proposed" + type.rawValue), "no $defs/Proposed\(type.rawValue)")
        }
    }

    @Test("its vocabularies are the code's: error codes, ops, event types, goal statuses and attention reasons")
    func vocabularies() throws {
        #expect(Set(try Self.enumeration("ErrorCode")) == Set(ErrorCode.allCases.map(\.rawValue)))
        #expect(try Self.enumeration("Op") == Operation.allCases.map(\.rawValue))
        #expect(try Self.enumeration("EventType") == EventType.allCases.map(\.rawValue))
        // In the order rows list them: heaviest first.
        #expect(try Self.enumeration("AttentionReason") == AttentionReason.allCases.map(\.rawValue))
        let goalStatus = try Self.definitions()["GoalRow"]?["properties"]?["status"]?["enum"]?.arrayValue?.compactMap(\.stringValue)
        #expect(goalStatus == GoalStatus.allCases.map(\.rawValue))
    }

    @Test("every event type has a row in Protocol.md's event tables, and a member in every schema choice of events")
    func eventTypesDocumented() throws {
        // A row of §4.3's tables: the type, then its data fields, `salesperson` among them.
        let rows = try Repository.text("Protocol.md").split(separator: "\n").filter { $0.contains("`salesperson`") }
        let definitions = try Self.definitions()
        func choices(_ name: String) -> Set<String> {
            Set(definitions[name]?["oneOf"]?.arrayValue?.compactMap { $0["$ref"]?.stringValue } ?? [])
        }
        for type in EventType.allCases.map(\.rawValue) {
            #expect(rows.contains { $0.hasPrefix("| `\(type)` | ") }, "Protocol.md has no event table row for \(type)")
            #expect(choices("EventEnvelope").contains("#/$defs/\(type)Event"), "EventEnvelope lacks \(type)Event")
            if type != EventType.salespersonForgotten.rawValue {
                #expect(choices("ProposedEvent").contains("#/$defs/Proposed\(type)"), "ProposedEvent lacks Proposed\(type)")
            }
        }
    }

    @Test("every projection has a query and a report in the schema's choices, the query taking exactly the fields the daemon accepts, and a row in Protocol.md's query table")
    func projections() throws {
        let definitions = try Self.definitions()
        func choices(_ name: String) -> Set<String> {
            Set(definitions[name]?["oneOf"]?.arrayValue?.compactMap { $0["$ref"]?.stringValue } ?? [])
        }
        let rows = try Repository.text("Protocol.md").split(separator: "\n")
        let samples: [String: JSONValue] = [
            "salesperson": .string("dana"), "coach": .string("lee"), "weeks": .integer(2), "asOf": .string("2026-10-01"),
            "overdue": .bool(true), "trendWeeks": .integer(12),
        ]
        for projection in ProjectionName.allCases.map(\.rawValue) {
            let name = projection.prefix(1).uppercased() + projection.dropFirst()
            #expect(choices("QueryRequest").contains("#/$defs/\(name)Query"), "QueryRequest lacks \(name)Query")
            #expect(choices("QueryResult").contains("#/$defs/\(name)Report"), "QueryResult lacks \(name)Report")
            #expect(definitions["\(name)Report"]?["properties"]?["projection"]?["const"]?.stringValue == projection)
            #expect(rows.contains { $0.hasPrefix("| `\(projection)` | ") }, "Protocol.md's query table has no row for \(projection)")
            let query = definitions["\(name)Query"]
            let properties = Set(query?["properties"]?.objectValue?.keys.map { $0 } ?? []).subtracting(["id", "op", "projection"])
            let required = (query?["required"]?.arrayValue?.compactMap(\.stringValue) ?? []).filter { samples[$0] != nil }
            // Each field alone (with the required ones): the daemon's decoder and the schema must agree.
            for field in samples.keys.sorted() {
                var fields: [String: JSONValue] = ["projection": .string(projection)]
                for r in required { fields[r] = samples[r] }
                fields[field] = samples[field]
                let accepted = (try? Request(id: .null, op: .query, fields: fields).body()) != nil
                #expect(accepted == properties.contains(field), "\(projection) with \(field): the daemon \(accepted ? "accepts" : "refuses") it, the schema's \(name)Query \(properties.contains(field) ? "lists" : "does not list") it")
            }
        }
    }

    /// Rule ids in the sources that no client can receive: `ProjectionQuery` refuses `weeks` out of
    /// range with bad_request before the domain's own check runs.
    /// Rules the domain keeps for direct callers, which the request decoder pre-empts on the wire:
    /// `weeks` out of range and data that is not an object are `bad_request` first.
    static let unreachableRules: Set<String> = ["query.weeks", "event.data"]

    @Test("every rule id the daemon can send is in the schema's RuleId and in Protocol.md's rule tables, and no other")
    func ruleIds() throws {
        let schemaRules = Set(try Self.enumeration("RuleId"))
        let documented = Self.documentedRules(try Repository.text("Protocol.md"))
        #expect(schemaRules == documented, "schema only: \(schemaRules.subtracting(documented).sorted()); Protocol.md only: \(documented.subtracting(schemaRules).sorted())")
        let inCode = try Self.rulesInSources().subtracting(Self.unreachableRules)
        #expect(inCode.subtracting(schemaRules).isEmpty, "sent by the code but not in the schema: \(inCode.subtracting(schemaRules).sorted())")
        #expect(schemaRules.subtracting(inCode).isEmpty, "in the schema but sent by no code: \(schemaRules.subtracting(inCode).sorted())")
    }

    /// The first cells of Protocol.md's table rows that name a rule id, such as `session.closed`.
    static func documentedRules(_ text: String) -> Set<String> {
        var rules: Set<String> = []
        for line in text.split(separator: "\n") where line.hasPrefix("| `") {
            let cell = line.dropFirst(3).prefix { $0 != "`" }
            let parts = cell.split(separator: ".")
            if parts.count == 2, parts.allSatisfy({ $0.allSatisfy(\.isLetter) }) { rules.insert(String(cell)) }
        }
        return rules
    }

    /// Every `rule: "x.y"` literal in Sources/.
    static func rulesInSources() throws -> Set<String> {
        var rules: Set<String> = []
        let sources = Repository.path("Sources")
        guard let files = FileManager.default.enumerator(atPath: sources) else { throw HarnessError("cannot list \(sources)") }
        for case let file as String in files where file.hasSuffix(".swift") {
            let text = try String(contentsOfFile: sources + "/" + file, encoding: .utf8)
            var rest = text[...]
            while let found = rest.range(of: "rule: \"") {
                let value = rest[found.upperBound...].prefix { $0 != "\"" }
                if value.contains(".") { rules.insert(String(value)) }
                rest = rest[found.upperBound...]
            }
        }
        return rules
    }
}

@Suite("Protocol.md examples against Protocol.schema.json", .enabled(if: schemaValidatorRuns))
struct ProtocolExampleSchemaTests {
    @Test("every daemon line shown in Protocol.md matches the schema (strictly: no undocumented key)")
    func daemonLines() throws {
        let lines = try ProtocolDocument.load().daemonLines
        #expect(lines.count > 40)
        let failures = try SchemaValidator.check(lines: lines.map(\.text), kind: .server)
        for failure in failures {
            let line = lines[failure.line - 1]
            Issue.record("Protocol.md line \(line.number) does not match Protocol.schema.json: \(failure.errors.joined(separator: "; "))\n  \(line.text)")
        }
    }

    /// Rules the schema cannot express (they relate events to each other): a request breaking one
    /// may or may not match the schema.
    static let rulesBeyondTheSchema: Set<String> = ["append.oneStream", "eventId.unique"]
    /// Rules of the record and guardrails: they depend on what is stored or on the daemon's clock, or
    /// compare fields the schema checks one by one (`merge.self`), so the request itself is well formed.
    static let recordRules: Set<String> = [
        "id.unique", "session.exists", "session.salesperson", "session.closed", "goal.exists", "goal.salesperson",
        "commitment.exists", "commitment.salesperson", "commitment.reviewedOnce", "review.laterSession",
        "at.future", "salesperson.merged", "session.alreadyOpen", "salesperson.similar", "session.beforeOpen",
        "session.closeBeforeOpen", "session.voided", "commitment.dueBeforeMade", "commitment.voided",
        "commitment.withdrawn", "commitment.reviewed", "correction.notReviewed", "salesperson.exists", "merge.self",
        "merge.target", "merge.openSession", "goal.closed",
    ]

    @Test("a request shown in Protocol.md matches the schema exactly when the daemon accepts its shape")
    func requests() throws {
        let ruleIds = Set(try ProtocolSchemaTests.enumeration("RuleId"))
        #expect(Self.recordRules.union(Self.rulesBeyondTheSchema).isSubset(of: ruleIds), "not rule ids: \(Self.recordRules.union(Self.rulesBeyondTheSchema).subtracting(ruleIds).sorted())")
        let exchanges = try ProtocolDocument.load().exchanges
        #expect(exchanges.count > 30)
        let failures = try SchemaValidator.check(lines: exchanges.map(\.request.text), kind: .request)
        let invalid = Dictionary(failures.map { ($0.line, $0) }, uniquingKeysWith: { first, _ in first })
        var checked = 0
        for (index, exchange) in exchanges.enumerated() {
            guard let replyLine = exchange.replies.first(where: { (try? JSONParser.parse($0.text))?.isEventLine != true }),
                let reply = try? JSONParser.parse(replyLine.text)
            else { continue }
            let code = reply["error"]?["code"]?.stringValue
            let rule = reply["error"]?["rule"]?.stringValue ?? ""
            let shouldMatch: Bool
            switch code {
            case nil: shouldMatch = true
            case "bad_request"?, "unknown_op"?: shouldMatch = false
            case "validation"? where Self.rulesBeyondTheSchema.contains(rule): continue
            case "validation"?: shouldMatch = Self.recordRules.contains(rule)
            default: shouldMatch = true  // conflict, not_found, forbidden, unavailable: about the store, not the shape
            }
            checked += 1
            let failure = invalid[index + 1]
            if shouldMatch {
                #expect(failure == nil, "Protocol.md line \(exchange.request.number) is accepted by the daemon but refused by the schema: \(failure?.errors.joined(separator: "; ") ?? "")")
            } else {
                #expect(failure != nil, "Protocol.md line \(exchange.request.number) is refused by the daemon (\(code ?? "") \(rule)) but matches the schema")
            }
        }
        #expect(checked > 30)
    }
}

@Suite("WireCapture: every line a daemon writes in the end-to-end tests is checked", .enabled(if: schemaValidatorRuns))
struct WireCaptureTests {
    @Test("an invalid line is reported with its text and the schema error; valid lines are not; each line once")
    func reportsInvalidLines() throws {
        let socket = "/nonexistent/wire-capture-test-\(UUID().uuidString).sock"
        WireCapture.install()
        WireCapture.record(Array(#"{"id":1,"ok":true,"result":{"positions":[1],"replayed":false,"streamVersion":1}}"#.utf8), socket: socket)
        WireCapture.record(stream: Array(#"{"id":2,"ok":true,"result":{"positions":[0],"replayed":false,"streamVersion":1}}"#.utf8) + [0x0A] + Array(#"{"id":3,"ok":tr"#.utf8), socket: socket)
        let problems = WireCapture.check(sockets: [socket])
        #expect(problems.count == 1, "\(problems)")
        #expect(problems.first?.contains(#""positions":[0]"#) == true, "the report quotes the line: \(problems)")
        #expect(problems.first?.contains("result/positions/0") == true, "the report names where the line is wrong: \(problems)")
        #expect(WireCapture.check(sockets: [socket]).isEmpty, "lines are checked once")
    }

    @Test("an undocumented key in a reply is reported (the daemon's output is checked strictly)")
    func strict() throws {
        let socket = "/nonexistent/wire-capture-test-\(UUID().uuidString).sock"
        WireCapture.install()
        WireCapture.record(Array(#"{"id":1,"ok":true,"result":{"subscribed":true,"paused":false}}"#.utf8), socket: socket)
        let problems = WireCapture.check(sockets: [socket])
        #expect(problems.count == 1 && problems[0].contains("paused"), "\(problems)")
    }
}

import CoachLogJSON
import CoachLogTestSupport

/// Protocol.md's examples, as the tests read them.
///
/// An example block is a ```` ```text ```` fence holding `> request` and `< daemon line` lines: one
/// connection. A `<!-- replay: … -->` comment just before the fence says how to replay it:
/// `no (reason)` for lines that cannot be reproduced (shown, checked against the schema, not
/// replayed), `read-only socket` for a block sent to the daemon's read-only socket.
struct ProtocolDocument {
    struct Line {
        /// 1-based line number in Protocol.md.
        var number: Int
        /// The line without its `> ` or `< ` marker.
        var text: String
    }

    /// One request and the daemon lines shown after it, up to the next request.
    struct Exchange {
        var request: Line
        var replies: [Line]

        /// The request's `id`, as written (for messages), or the line number when it has none.
        var label: String {
            guard let id = (try? JSONParser.parse(request.text))?["id"] else { return "line \(request.number)" }
            return JSONWriter.string(id)
        }
    }

    struct Block {
        enum Replay: Equatable {
            case mainSocket, readOnlySocket
            case no(reason: String)
        }

        var replay: Replay
        /// The fence's line number.
        var number: Int
        /// Daemon lines shown before any request (only in blocks that are not replayed).
        var leading: [Line]
        var exchanges: [Exchange]
    }

    var blocks: [Block]
    var text: String

    init(text: String) throws {
        self.text = text
        blocks = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var marker: String?
        var index = 0
        while index < lines.count {
            let trimmed = lines[index].trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("<!-- replay:"), let end = trimmed.range(of: "-->") {
                marker = String(trimmed[trimmed.index(trimmed.startIndex, offsetBy: 12)..<end.lowerBound])
                    .trimmingCharacters(in: .whitespaces)
                index += 1
                continue
            }
            guard trimmed == "```text" else {
                if !trimmed.isEmpty { marker = nil }
                index += 1
                continue
            }
            let replay: Block.Replay
            switch marker {
            case nil: replay = .mainSocket
            case "read-only socket"?: replay = .readOnlySocket
            case let other? where other.hasPrefix("no"): replay = .no(reason: other)
            case let other?: throw HarnessError("Protocol.md line \(index): unknown replay marker \"\(other)\"")
            }
            marker = nil
            var block = Block(replay: replay, number: index + 1, leading: [], exchanges: [])
            index += 1
            while index < lines.count, lines[index].trimmingCharacters(in: .whitespaces) != "```" {
                let line = lines[index].trimmingCharacters(in: .whitespaces)
                let number = index + 1
                index += 1
                if line.isEmpty { continue }
                if line.hasPrefix("> ") {
                    block.exchanges.append(Exchange(request: Line(number: number, text: String(line.dropFirst(2))), replies: []))
                } else if line.hasPrefix("< ") {
                    let reply = Line(number: number, text: String(line.dropFirst(2)))
                    if block.exchanges.isEmpty { block.leading.append(reply) } else { block.exchanges[block.exchanges.count - 1].replies.append(reply) }
                } else {
                    throw HarnessError("Protocol.md line \(number): an example line must start with \"> \" or \"< \": \(line)")
                }
            }
            index += 1
            blocks.append(block)
        }
    }

    static func load() throws -> ProtocolDocument {
        try ProtocolDocument(text: Repository.text("Protocol.md"))
    }

    var exchanges: [Exchange] { blocks.flatMap(\.exchanges) }

    /// Every daemon line shown, in document order.
    var daemonLines: [Line] { blocks.flatMap { $0.leading + $0.exchanges.flatMap(\.replies) } }

    /// The field names in the first column of the "varies" table at the top of the document.
    var variableFields: Set<String> {
        var names: Set<String> = []
        var inTable = false
        for line in text.split(separator: "\n") {
            if line.hasPrefix("| varies |") {
                inTable = true
                continue
            }
            guard inTable else { continue }
            guard line.hasPrefix("|") else { break }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false)
            guard cells.count > 2 else { continue }
            for piece in cells[1].split(separator: "`").enumerated() where piece.offset % 2 == 1 {
                names.insert(String(piece.element))
            }
        }
        return names
    }
}

/// Kinds of daemon line, from its keys.
extension JSONValue {
    var isEventLine: Bool { self["event"] != nil }
}

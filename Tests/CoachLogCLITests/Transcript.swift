import Foundation

/// A terminal transcript in a Markdown file: `$ coachlog …` lines and what they print, as README.md shows them.
///
/// A fenced block is a transcript when one of its lines starts with `$ coachlog`; in it, every `$ ` line is a
/// command (a trailing `\` continues it on the next line) and the lines up to the next command are its output,
/// without the blank lines that separate it from the next command.
struct Transcript {
    struct Step {
        /// 1-based line of the `$ ` line in the Markdown file.
        var line: Int
        /// The command as written, without `$ `.
        var text: String
        /// The words after `coachlog`, as a POSIX shell would pass them.
        var arguments: [String]
        var output: [String]
    }

    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    var steps: [Step] = []

    init(markdown: String) throws {
        let lines = markdown.components(separatedBy: "\n")
        var index = 0
        while index < lines.count {
            guard lines[index].hasPrefix("```") else {
                index += 1
                continue
            }
            let start = index + 1
            var end = start
            while end < lines.count, !lines[end].hasPrefix("```") { end += 1 }
            if lines[start..<end].contains(where: { $0.hasPrefix("$ coachlog") }) {
                steps += try Self.steps(lines, start..<end)
            }
            index = end + 1
        }
    }

    private static func steps(_ lines: [String], _ block: Range<Int>) throws -> [Step] {
        var steps: [Step] = []
        var index = block.lowerBound
        while index < block.upperBound {
            let line = lines[index]
            guard line.hasPrefix("$ ") else {
                guard line.isEmpty else {
                    throw Problem(description: "line \(index + 1): output before any `$ coachlog` command: \(line)")
                }
                index += 1
                continue
            }
            let number = index + 1
            var text = String(line.dropFirst(2))
            while text.hasSuffix("\\"), index + 1 < block.upperBound {
                index += 1
                text = String(text.dropLast()) + lines[index].trimmingCharacters(in: .whitespaces)
            }
            let words: [String]
            do {
                words = try shellWords(text)
            } catch let problem as Problem {
                throw Problem(description: "line \(number): \(problem.description): \(text)")
            }
            guard words.first == "coachlog" else {
                throw Problem(description: "line \(number): only coachlog commands can be replayed: \(text)")
            }
            index += 1
            var output: [String] = []
            while index < block.upperBound, !lines[index].hasPrefix("$ ") {
                output.append(lines[index])
                index += 1
            }
            while output.last?.isEmpty == true { output.removeLast() }
            steps.append(Step(line: number, text: text, arguments: Array(words.dropFirst()), output: output))
        }
        return steps
    }
}

/// The words a POSIX shell makes of `text`: blanks separate words; '…' is literal; "…" is literal except for
/// \" \\ \$ \`; a backslash outside quotes keeps the next character. Anything a shell would expand or redirect
/// (variables, globs, pipes, …) is refused, so that a transcript never means something else in a shell.
func shellWords(_ text: String) throws -> [String] {
    var words: [String] = []
    var word = ""
    var inWord = false
    var chars = text.makeIterator()
    while let c = chars.next() {
        switch c {
        case " ", "\t":
            if inWord { words.append(word) }
            word = ""
            inWord = false
        case "'":
            inWord = true
            while true {
                guard let q = chars.next() else { throw Transcript.Problem(description: "unterminated '") }
                if q == "'" { break }
                word.append(q)
            }
        case "\"":
            inWord = true
            while true {
                guard let q = chars.next() else { throw Transcript.Problem(description: "unterminated \"") }
                if q == "\"" { break }
                if q == "$" || q == "`" { throw Transcript.Problem(description: "\(q) inside \"…\" would be expanded") }
                if q == "\\" {
                    guard let escaped = chars.next() else { throw Transcript.Problem(description: "unterminated \"") }
                    if !"\"\\$`".contains(escaped) { word.append("\\") }
                    word.append(escaped)
                } else {
                    word.append(q)
                }
            }
        case "\\":
            guard let escaped = chars.next() else { throw Transcript.Problem(description: "a lone \\ at the end") }
            inWord = true
            word.append(escaped)
        case "$", "`", "|", "&", ";", "<", ">", "(", ")", "*", "?", "[", "]", "{", "}":
            throw Transcript.Problem(description: "unquoted \(c) means something to a shell")
        case "~" where !inWord, "#" where !inWord:
            throw Transcript.Problem(description: "unquoted \(c) at the start of a word means something to a shell")
        default:
            inWord = true
            word.append(c)
        }
    }
    if inWord { words.append(word) }
    return words
}

/// A line diff of `expected` against `actual` (longest common subsequence): "  " same, "- " only expected,
/// "+ " only actual.
func lineDiff(_ expected: [String], _ actual: [String]) -> [String] {
    let n = expected.count
    let m = actual.count
    // common[i][j]: length of the longest common subsequence of expected[i...] and actual[j...].
    var common = Array(repeating: Array(repeating: 0, count: m + 1), count: n + 1)
    for i in stride(from: n - 1, through: 0, by: -1) {
        for j in stride(from: m - 1, through: 0, by: -1) {
            common[i][j] = expected[i] == actual[j] ? common[i + 1][j + 1] + 1 : max(common[i + 1][j], common[i][j + 1])
        }
    }
    var diff: [String] = []
    var i = 0
    var j = 0
    while i < n || j < m {
        if i < n, j < m, expected[i] == actual[j] {
            diff.append("  " + expected[i])
            i += 1
            j += 1
        } else if i < n, j == m || common[i + 1][j] >= common[i][j + 1] {
            diff.append("- " + expected[i])
            i += 1
        } else {
            diff.append("+ " + actual[j])
            j += 1
        }
    }
    return diff
}

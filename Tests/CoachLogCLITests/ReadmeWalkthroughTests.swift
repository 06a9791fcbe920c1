import Foundation
import Testing

/// README.md's transcripts ("A coaching week with the CLI") replayed against a fresh daemon: every `$ coachlog …`
/// line is run in order, and what it prints must be, line for line, what README.md shows.
@Suite struct ReadmeWalkthroughTests {
    static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("README.md")

    /// Commands that record at "now" unless given `--at`, and reads that answer as of "now" unless given `--as-of`:
    /// in a transcript they must be pinned, or its output would depend on the day the test runs.
    static let recording: Set<String> = ["session", "goal", "commit", "review", "insight", "commitment", "merge"]
    static let asOfReads: Set<String> = ["followthrough", "open", "cadence", "topics"]

    @Test func readmeTranscriptsPrintWhatTheReadmeShows() throws {
        let transcript = try Transcript(markdown: String(contentsOf: Self.readme, encoding: .utf8))
        try #require(transcript.steps.count >= 10, "README.md should hold the CLI walkthrough; found \(transcript.steps.count) commands")
        #expect(
            transcript.steps.contains { $0.arguments.starts(with: ["review", "correct"]) }
                && transcript.steps.contains { $0.arguments.first == "log" },
            "the walkthrough shows a correction and the log that keeps both words")

        for step in transcript.steps {
            func gives(_ option: String) -> Bool { step.arguments.contains { $0 == option || $0.hasPrefix(option + "=") } }
            let command = step.arguments.first ?? ""
            if Self.recording.contains(command), !gives("--at") {
                Issue.record("README.md:\(step.line): give `--at` so that the walkthrough is reproducible: \(step.text)")
            }
            if Self.asOfReads.contains(command), !gives("--as-of") {
                Issue.record("README.md:\(step.line): give `--as-of` so that the walkthrough is reproducible: \(step.text)")
            }
        }

        try withDaemon { cli, _ in
            for step in transcript.steps {
                let result = try cli.run(step.arguments)
                var printed = result.lines + result.stderr.components(separatedBy: "\n")
                while printed.last?.isEmpty == true { printed.removeLast() }
                guard printed != step.output else { continue }
                let diff = lineDiff(step.output, printed).joined(separator: "\n")
                Issue.record(
                    """
                    README.md:\(step.line): `\(step.text)` printed something else (exit \(result.status); - README.md, + printed):
                    \(diff)
                    """)
            }
        }
    }

    @Test func transcriptsAreReadLikeAShellWould() throws {
        let markdown = """
            Text, then a block that is no transcript:

            ```sh
            $ printf 'x' | socat - UNIX-CONNECT:/tmp/s
            ```

            ```text
            $ coachlog goal "Lead a \\"team\\"" --salesperson 'dana o'\\''neil' --id g\\ 1
            goal g 1 recorded

            $ coachlog followthrough \\
                --weeks 2
            Follow-through

              rate 33%


            $ coachlog ping
            ```
            """
        let transcript = try Transcript(markdown: markdown)
        #expect(transcript.steps.map(\.line) == [8, 11, 18])
        #expect(transcript.steps.map(\.arguments) == [
            ["goal", "Lead a \"team\"", "--salesperson", "dana o'neil", "--id", "g 1"],
            ["followthrough", "--weeks", "2"],
            ["ping"],
        ])
        #expect(transcript.steps.map(\.output) == [["goal g 1 recorded"], ["Follow-through", "", "  rate 33%"], []])
    }

    @Test(arguments: [
        "$ coachlog open | head", "$ coachlog topics $USER", "$ coachlog goal \"$(date)\"", "$ coachlog export > x.jsonl",
        "$ coachlog goal \"unterminated", "$ coachlog log; rm -rf x", "$ coachlog backup ~/b.mdb", "$ coachlogd --data x",
    ])
    func transcriptsRefuseWhatOnlyAShellCouldRun(_ line: String) {
        #expect(throws: Transcript.Problem.self, "\(line)") {
            _ = try Transcript(markdown: "```text\n$ coachlog ping\n\n\(line)\n```\n")
        }
    }

    @Test func diffShowsWhatDiffers() {
        #expect(lineDiff(["a", "b", "c"], ["a", "b", "c"]) == ["  a", "  b", "  c"])
        #expect(lineDiff(["title", "  rate 33%", "end"], ["title", "  rate 0%", "end", "extra"]) == [
            "  title", "-   rate 33%", "+   rate 0%", "  end", "+ extra",
        ])
        #expect(lineDiff(["a", "b"], []) == ["- a", "- b"])
    }
}

import ArgumentParser
import CoachLogJSON
import CoachLogProtocol
import Foundation

#if canImport(Glibc)
import Glibc
#endif

struct VerifyExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-export",
        abstract: "Check an export against the log's hash chain, offline (no daemon needed).",
        discussion: """
            Every event's hash must follow from the event before it and its stored bytes, and what each line shows
            (eventId, type, stream version, time, the data's numbers, kinds and dates) must be what those bytes hold.
            --head checks the export against a head kept elsewhere (from `coachlog checkpoint`, a backup's reply,
            or `stats`): HASH, or POSITION:HASH. Exit status 0 when it verifies, 1 listing the problems and the first
            bad position.
            Examples:
              coachlog verify-export coaching-2026.jsonl
              coachlog verify-export coaching-2026.jsonl --head 1204:5f0c…
            """)

    @Argument(help: "A file written by `coachlog export` (JSON Lines).") var file: String
    @Option(name: .long, help: ArgumentHelp("A head the export must hold: HASH or POSITION:HASH.", valueName: "HEAD"))
    var head: String?

    func run() throws {
        var expected: ExpectedHead?
        if let head {
            guard let parsed = ExpectedHead(head) else {
                throw ValidationError("--head \(head) is not a head: give HASH (64 hexadecimal digits) or POSITION:HASH")
            }
            expected = parsed
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ValidationError("cannot read \(file)")
        }
        var verifier = ChainVerifier(expecting: expected)
        var number = 0
        for line in data.split(separator: 0x0A, omittingEmptySubsequences: true) {
            number += 1
            guard let json = try? JSONParser.parse(Array(line)),
                let envelope = try? JSONValueDecoder().decode(EventEnvelope.self, from: json)
            else {
                throw Refusal(
                    message: "\(file):\(number) is not an exported event (as `coachlog export` writes); nothing after it was checked")
            }
            verifier.check(envelope)
        }
        verifier.finish()
        let problems = verifier.problems
        guard let first = verifier.firstBadPosition else {
            print(
                "verified: \(verifier.position) events, positions 1–\(verifier.position); head \(verifier.position):\(verifier.link.hex)"
                    + (verifier.found.map { "; it holds the head given, at position \($0)" } ?? ""))
            print(
                "covered: every id, type, stream version, time, number, kind and date; each person shows one name throughout. Not covered: which name, and the free text (sealed apart, so that erasure keeps the chain)"
                    + (verifier.found == nil ? "; nor whether the export was cut short: give --head" : ""))
            return
        }
        for problem in problems.prefix(50) { print("problem: \(problem)") }
        if problems.count > 50 { print("… and \(problems.count - 50) more") }
        print("first bad position: \(first)")
        throw Refusal(message: "\(file) does not verify: \(problems.count) problems; the first bad position is \(first)")
    }
}

struct CheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Have the daemon sign the log's head, and print it to keep elsewhere as a witness.",
        discussion: """
            The daemon keeps the signed head too; `coachlogd verify` checks the log against every one it keeps, and
            `coachlog verify-export FILE --head POSITION:HASH` checks an export against one kept elsewhere.
            Example:
              coachlog checkpoint >> /srv/audit/coachlog-heads.jsonl
            """)

    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        let reply = try connection.connect().checkpoint()
        print(JSONWriter.string(try reply.wire))
    }
}

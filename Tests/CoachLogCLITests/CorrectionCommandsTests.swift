import CoachLogJSON
import Foundation
import Testing

/// Two weeks for dana (coach lee) with a mistake to correct, recorded through `coachlog` only:
///
/// s1 2026-09-07 [self-concept]   goal g1; c1 more (goal g1, due 09-14), c2 better (due 09-11), c3 different (due 09-14)
/// s2 2026-09-14 [reflection]     c1 reviewed missed by mistake (note "none called"); c4 more (due 09-21)
///
/// Ten events. Open on 2026-09-15 before any correction: c2 (4 days overdue), c3 (1 day overdue), c4.
enum CorrectionScenario {
    static let dana = ["--salesperson", "dana"]

    static func record(_ cli: CLI) throws {
        try cli.ok(["session", "open", "--coach", "lee", "--id", "s1", "--at", "2026-09-07T09:00:00Z", "--topics", "self-concept"] + dana)
        try cli.ok(["goal", "Lead a team", "--id", "g1", "--at", "2026-09-07T09:05:00Z"] + dana)
        try cli.ok(["commit", "more", "Call five lapsed customers", "--id", "c1", "--goal", "g1", "--at", "2026-09-07T09:10:00Z"] + dana)
        try cli.ok(["commit", "better", "Prepare every call", "--id", "c2", "--due", "2026-09-11", "--at", "2026-09-07T09:12:00Z"] + dana)
        try cli.ok(["commit", "different", "Ask for referals", "--id", "c3", "--at", "2026-09-07T09:14:00Z"] + dana)
        try cli.ok(["session", "close", "--at", "2026-09-07T10:00:00Z"] + dana)
        try cli.ok(["session", "open", "--coach", "lee", "--id", "s2", "--at", "2026-09-14T09:00:00Z", "--topics", "reflection"] + dana)
        try cli.ok(["review", "c1", "missed", "--note", "none called", "--at", "2026-09-14T09:05:00Z"] + dana)
        try cli.ok(["commit", "more", "Book two demos a day", "--id", "c4", "--at", "2026-09-14T09:10:00Z"] + dana)
        try cli.ok(["session", "close", "--at", "2026-09-14T10:00:00Z"] + dana)
    }

    /// The ids of the open commitments as of a day, from the daemon.
    static func openIds(_ cli: CLI, asOf: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String] {
        let open = try #require(
            parseJSON(try cli.ok(["open", "--salesperson", "dana", "--as-of", asOf, "--json"]), sourceLocation: sourceLocation),
            sourceLocation: sourceLocation)
        return open["commitments"]?.arrayValue?.compactMap { $0["commitmentId"]?.stringValue } ?? []
    }

    /// The line of the whole log (plain output) that shows the event at `position`.
    static func logLine(_ cli: CLI, _ position: Int) throws -> String {
        try cli.ok(["log"]).lines.first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("\(position)  ") } ?? ""
    }
}

/// Expects the whole log's line for the event at `position` to show `type` and then, as its details, `details`.
func expectLogLine(
    _ cli: CLI, _ position: Int, _ type: String, _ details: String, sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let line = try CorrectionScenario.logLine(cli, position)
    let columns = line.split(separator: "  ", omittingEmptySubsequences: true).map { $0.trimmingCharacters(in: .whitespaces) }
    let shown = columns.firstIndex(of: type).map { columns[($0 + 1)...].joined(separator: "  ") }
    #expect(shown == details, "log line \(position): \(line)", sourceLocation: sourceLocation)
}

/// Every correction command sends its event, prints what it recorded, and the daemon's views follow the latest
/// word while the log keeps both. Where a view must reflect a correction, these tests fail until the store
/// keeps the corrected fields.
@Suite struct CorrectionCommandsTests {
    let dana = CorrectionScenario.dana

    @Test func reviewCorrectCountsTheNewOutcomeAndNote() throws {
        try withDaemon { cli, _ in
            try CorrectionScenario.record(cli)
            let before = try #require(parseJSON(try cli.ok(["followthrough", "--salesperson", "dana", "--as-of", "2026-09-30", "--json"])))
            expectTally(before, Tally(kept: 0, partial: 0, missed: 1), "before")

            let corrected = try cli.ok(
                ["review", "correct", "c1", "K", "--note", "Called all five", "--reason", "reviewed the wrong one", "--at", "2026-09-14T09:30:00Z"]
                    + dana)
            #expect(
                corrected.stdout == "commitment c1 review corrected: kept, note \"Called all five\" (reason: reviewed the wrong one)\n",
                "\(corrected)")
            let after = try #require(parseJSON(try cli.ok(["followthrough", "--salesperson", "dana", "--as-of", "2026-09-30", "--json"])))
            expectTally(after, Tally(kept: 1, partial: 0, missed: 0), "after the correction")

            // The log keeps the review and shows the correction next to what it replaced.
            try expectLogLine(cli, 8, "CommitmentReviewed", "c1 missed · note: none called")
            try expectLogLine(
                cli, 11, "ReviewCorrected", "c1 review corrected: kept, was missed · note: Called all five (reason: reviewed the wrong one)")

            // A note alone, then an outcome alone.
            let note = try cli.ok(["review", "correct", "c1", "--note", "Called four, the fifth retired", "--at", "2026-09-14T09:31:00Z"] + dana)
            #expect(note.stdout == "commitment c1 review corrected: note \"Called four, the fifth retired\"\n", "\(note)")
            let partial = try cli.ok(["review", "correct", "c1", "part", "--at", "2026-09-14T09:32:00Z"] + dana)
            #expect(partial.stdout == "commitment c1 review corrected: partial\n", "\(partial)")
            let last = try #require(parseJSON(try cli.ok(["followthrough", "--salesperson", "dana", "--as-of", "2026-09-30", "--json"])))
            expectTally(last, Tally(kept: 0, partial: 1, missed: 0), "after the second correction")
        }
    }

    @Test func reviewCorrectRefusalsAndUsageErrors() throws {
        try withDaemon { cli, _ in
            try CorrectionScenario.record(cli)
            try cli.ok(["session", "open", "--salesperson", "omar", "--coach", "kim", "--id", "so1", "--at", "2026-09-08T09:00:00Z"])
            // The daemon's rules, with their ids.
            let refused: [([String], String)] = [
                (["review", "correct", "c2", "kept"] + dana, "[correction.notReviewed]"),
                (["review", "correct", "c1", "kept", "--salesperson", "omar"], "[commitment.salesperson]"),
                (["review", "correct", "c-none", "kept"] + dana, "[commitment.exists]"),
                (["review", "correct", "c1", "kept", "--at", "2027-06-01"] + dana, "[at.future]"),
            ]
            for (args, rule) in refused {
                let result = try cli.run(args)
                #expect(result.status == 1 && result.stderr.contains(rule) && result.stdout.isEmpty, "\(args): \(result)")
            }
            let notReviewed = try cli.run(["review", "correct", "c2", "kept"] + dana)
            #expect(notReviewed.stderr.hasSuffix("coachlog: to review it: coachlog review COMMITMENT OUTCOME --salesperson NAME\n"), "\(notReviewed)")
            // The command line's own shape.
            let usage: [([String], String)] = [
                (["review", "correct", "c1"] + dana, "give the right outcome (kept, partial or missed), --note, or both"),
                (["review", "correct", "c1", "maybe"] + dana, "the outcome must be kept, partial or missed, not \"maybe\""),
                (["review", "correct", "c1", "kept"], "--salesperson"),
            ]
            for (args, message) in usage {
                let result = try cli.run(args)
                #expect(result.status == 2 && result.stderr.contains(message) && result.stdout.isEmpty, "\(args): \(result)")
            }
            let stats = try #require(parseJSON(try cli.ok(["stats", "--json"])))
            #expect(stats["events"]?.integerValue == 11, "nothing refused was written")
        }
    }

    @Test func commitmentAmendChangesWhatTheViewsShow() throws {
        try withDaemon { cli, _ in
            try CorrectionScenario.record(cli)
            let amended = try cli.ok(
                ["commitment", "amend", "c3", "--text", "Ask for referrals", "--kind", "Bet", "--due", "2026-09-18", "--goal", "g1",
                 "--reason", "typo", "--at", "2026-09-14T09:20:00Z"] + dana)
            #expect(
                amended.stdout == "commitment c3 amended: text \"Ask for referrals\", kind better, due 2026-09-18, goal g1 (reason: typo)\n",
                "\(amended)")
            let open = try #require(parseJSON(try cli.ok(["open", "--salesperson", "dana", "--as-of", "2026-09-15", "--json"])))
            let c3 = try #require(open["commitments"]?.arrayValue?.first { $0["commitmentId"] == "c3" }, "\(open)")
            #expect(c3["text"] == "Ask for referrals", "\(c3)")
            #expect(c3["kind"] == "better", "\(c3)")
            #expect(c3["due"] == "2026-09-18", "\(c3)")
            #expect(c3["goalId"] == "g1", "\(c3)")
            // The plain view shows the text; the log shows the correction with what it replaced.
            let plain = try cli.ok(["open", "--salesperson", "dana", "--as-of", "2026-09-15"])
            #expect(plain.lines.contains { $0.hasPrefix("c3 ") && $0.hasSuffix("2026-09-18  open        Ask for referrals") }, "\(plain)")
            try expectLogLine(
                cli, 11, "CommitmentAmended",
                "c3 amended: text \"Ask for referrals\", was \"Ask for referals\" · kind better · due 2026-09-18 · goal g1 (reason: typo)")

            let refused: [([String], String)] = [
                (["commitment", "amend", "c3", "--due", "2026-09-01"] + dana, "[commitment.dueBeforeMade]"),
                (["commitment", "amend", "c3", "--goal", "g-none"] + dana, "[goal.exists]"),
            ]
            for (args, rule) in refused {
                let result = try cli.run(args)
                #expect(result.status == 1 && result.stderr.contains(rule), "\(args): \(result)")
            }
            let usage: [([String], String)] = [
                (["commitment", "amend", "c3"] + dana, "give what to correct: --text, --kind, --due or --goal"),
                (["commitment", "amend", "c3", "--kind", "sometimes"] + dana, "the kind must be more, better or different"),
                (["commitment", "amend", "c3", "--due", "2026-02-30"] + dana, "not a date in the form YYYY-MM-DD"),
            ]
            for (args, message) in usage {
                let result = try cli.run(args)
                #expect(result.status == 2 && result.stderr.contains(message), "\(args): \(result)")
            }
        }
    }

    @Test func withdrawnCommitmentIsNoLongerOpenAndCannotBeReviewed() throws {
        try withDaemon { cli, _ in
            try CorrectionScenario.record(cli)
            #expect(try CorrectionScenario.openIds(cli, asOf: "2026-09-15") == ["c2", "c3", "c4"])
            let withdrawn = try cli.ok(["commitment", "withdraw", "c2", "--reason", "recorded twice", "--at", "2026-09-14T09:20:00Z"] + dana)
            #expect(withdrawn.stdout == "commitment c2 withdrawn for dana (reason: recorded twice)\n", "\(withdrawn)")
            #expect(try CorrectionScenario.openIds(cli, asOf: "2026-09-15") == ["c3", "c4"])
            #expect(try CorrectionScenario.logLine(cli, 8).contains("c1 missed"))
            try expectLogLine(cli, 11, "CommitmentWithdrawn", "c2 withdrawn: Prepare every call (reason: recorded twice)")

            try cli.ok(["session", "open", "--coach", "lee", "--id", "s3", "--at", "2026-09-21T09:00:00Z"] + dana)
            let review = try cli.run(["review", "c2", "kept", "--at", "2026-09-21T09:05:00Z"] + dana)
            #expect(review.status == 1 && review.stderr.contains("[commitment.withdrawn]"), "\(review)")
            let reviewed = try cli.run(["commitment", "withdraw", "c1"] + dana)
            #expect(reviewed.status == 1 && reviewed.stderr.contains("[commitment.reviewed]"), "\(reviewed)")
            let twice = try cli.run(["commitment", "withdraw", "c2"] + dana)
            #expect(twice.status == 1 && twice.stderr.contains("[commitment.withdrawn]"), "\(twice)")
        }
    }

    @Test func voidedSessionLeavesEveryViewButStaysInTheLog() throws {
        try withDaemon { cli, _ in
            try CorrectionScenario.record(cli)
            let voided = try cli.ok(["session", "void", "s2", "--reason", "that was omar's session", "--at", "2026-09-14T11:00:00Z"] + dana)
            #expect(voided.stdout == "voided session s2 for dana (reason: that was omar's session)\n", "\(voided)")

            let sessions = try #require(parseJSON(try cli.ok(["sessions", "dana", "--json"])))
            #expect(sessions["sessions"]?.arrayValue?.compactMap { $0["sessionId"]?.stringValue } == ["s1"], "\(sessions)")
            // The review held in s2 is gone: c1 is open again; c4, made in s2, is gone.
            #expect(try CorrectionScenario.openIds(cli, asOf: "2026-09-15") == ["c2", "c1", "c3"])
            let follow = try #require(parseJSON(try cli.ok(["followthrough", "--salesperson", "dana", "--as-of", "2026-09-30", "--json"])))
            expectTally(follow, Tally(kept: 0, partial: 0, missed: 0), "after the void")
            let cadence = try #require(parseJSON(try cli.ok(["cadence", "--as-of", "2026-09-30", "--json"])))
            #expect(cadence["salespeople"]?.arrayValue?.first?["sessions"]?.integerValue == 1, "\(cadence)")
            #expect(cadence["salespeople"]?.arrayValue?.first?["lastSession"] == "2026-09-07", "\(cadence)")
            let topics = try #require(parseJSON(try cli.ok(["topics", "dana", "--as-of", "2026-09-30", "--json"])))
            #expect(topics["status"]?["behavioralReflection"] == "never", "\(topics)")

            // Still in the log, with the void after it.
            let log = try cli.ok(["log", "--salesperson", "dana"])
            #expect(log.lines.count == 12, "\(log)")
            try expectLogLine(cli, 11, "SessionVoided", "s2 voided, with everything recorded in it (reason: that was omar's session)")

            // Nothing more goes into a voided session, and it cannot be voided twice.
            let again = try cli.run(["session", "void", "s2"] + dana)
            #expect(again.status == 1 && again.stderr.contains("[session.voided]"), "\(again)")
            let other = try cli.run(["session", "void", "s1", "--salesperson", "omar"])
            #expect(other.status == 1, "\(other)")
        }
    }

    @Test func mergeJoinsTwoNamesIntoOnePerson() throws {
        try withDaemon { cli, _ in
            try CorrectionScenario.record(cli)
            try cli.ok(
                ["session", "open", "--salesperson", "Dana", "--coach", "lee", "--id", "s-ghost", "--new-salesperson",
                 "--at", "2026-09-21T09:00:00Z"])
            try cli.ok(["commit", "more", "Follow up every demo", "--salesperson", "Dana", "--id", "c-ghost", "--at", "2026-09-21T09:10:00Z"])
            let open = try cli.run(["merge", "Dana", "--into", "dana", "--at", "2026-09-21T09:30:00Z"])
            #expect(open.status == 1 && open.stderr.contains("[merge.openSession]"), "\(open)")
            #expect(open.stderr.hasSuffix("coachlog: close it (coachlog session close) or void it (coachlog session void SESSION) first\n"), "\(open)")
            try cli.ok(["session", "close", "--salesperson", "Dana", "--at", "2026-09-21T10:00:00Z"])
            let cadenceBefore = try #require(parseJSON(try cli.ok(["cadence", "--as-of", "2026-09-30", "--json"])))
            #expect(cadenceBefore["salespeople"]?.arrayValue?.count == 2)

            let merged = try cli.ok(["merge", "Dana", "--into", "dana", "--reason", "typed with a capital D", "--at", "2026-09-21T11:00:00Z"])
            #expect(merged.stdout == "merged Dana into dana (reason: typed with a capital D)\n", "\(merged)")
            let cadence = try #require(parseJSON(try cli.ok(["cadence", "--as-of", "2026-09-30", "--json"])))
            let rows = cadence["salespeople"]?.arrayValue ?? []
            #expect(rows.map { $0["salesperson"] } == ["dana"], "\(cadence)")
            #expect(rows.first?["sessions"]?.integerValue == 3, "\(cadence)")
            #expect(try CorrectionScenario.openIds(cli, asOf: "2026-09-22").contains("c-ghost"))

            // Recording under the merged name is refused, naming the name that stays.
            let ghost = try cli.run(["session", "open", "--salesperson", "Dana", "--coach", "lee", "--at", "2026-09-28T09:00:00Z"])
            #expect(ghost.status == 1 && ghost.stderr.contains("[salesperson.merged]") && ghost.stderr.contains("dana"), "\(ghost)")
            let itself = try cli.run(["merge", "dana", "--into", "dana"])
            #expect(itself.status == 1 && itself.stderr.contains("[merge.self]"), "\(itself)")
            let nobody = try cli.run(["merge", "zoe", "--into", "dana"])
            #expect(nobody.status == 1 && nobody.stderr.contains("[salesperson.exists]"), "\(nobody)")
            let usage = try cli.run(["merge", "Dana"])
            #expect(usage.status == 2 && usage.stderr.contains("--into"), "\(usage)")
            try expectLogLine(cli, 14, "SalespersonMerged", "Dana merged into dana (reason: typed with a capital D)")
        }
    }

    @Test func goalIsRestatedThenAchievedOrDropped() throws {
        try withDaemon { cli, _ in
            try CorrectionScenario.record(cli)
            let restated = try cli.ok(["goal", "amend", "g1", "Lead a team of five", "--reason", "made concrete", "--at", "2026-09-14T09:20:00Z"] + dana)
            #expect(restated.stdout == "goal g1 restated for dana: Lead a team of five (reason: made concrete)\n", "\(restated)")
            let achieved = try cli.ok(["goal", "achieved", "g1", "--at", "2026-09-20T12:00:00Z"] + dana)
            #expect(achieved.stdout == "goal g1 achieved on 2026-09-20 for dana\n", "\(achieved)")
            let goals = try #require(parseJSON(try cli.ok(["goals", "dana", "--json"])))
            let g1 = try #require(goals["goals"]?.arrayValue?.first, "\(goals)")
            #expect(g1["text"] == "Lead a team of five", "\(g1)")
            #expect(g1["status"] == "achieved", "\(g1)")
            #expect(g1["statusAt"] == "2026-09-20T12:00:00Z", "\(g1)")

            let closed = try cli.run(["goal", "dropped", "g1"] + dana)
            #expect(closed.status == 1 && closed.stderr.contains("[goal.closed]"), "\(closed)")
            let missing = try cli.run(["goal", "achieved", "g-none"] + dana)
            #expect(missing.status == 1 && missing.stderr.contains("[goal.exists]"), "\(missing)")
            try expectLogLine(cli, 11, "GoalAmended", "g1 restated: Lead a team of five (was \"Lead a team\") (reason: made concrete)")
            try expectLogLine(cli, 12, "GoalAchieved", "g1 achieved: Lead a team of five")

            // A second goal, dropped; `coachlog goal TEXT` still states one.
            try cli.ok(["session", "open", "--coach", "lee", "--id", "s3", "--at", "2026-09-21T09:00:00Z"] + dana)
            let stated = try cli.ok(["goal", "Buy a house", "--id", "g2", "--at", "2026-09-21T09:05:00Z"] + dana)
            #expect(stated.stdout == "goal g2 recorded for dana\n", "\(stated)")
            let dropped = try cli.ok(["goal", "dropped", "g2", "--reason", "changed her mind", "--at", "2026-09-21T09:06:00Z"] + dana)
            #expect(dropped.stdout == "goal g2 dropped on 2026-09-21 for dana (reason: changed her mind)\n", "\(dropped)")
        }
    }
}

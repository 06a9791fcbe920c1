import CoachLogJSON
@testable import CoachLogPGSync
import Testing

@Suite struct RowEncodingTests {
    @Test func rowsAreColumnsOfTextWithEmptyForNull() {
        var rows = TextRows(columns: 4)
        rows.text("a\tb")
        rows.text(nil)
        rows.integer(42)
        rows.bool(true)
        rows.endRow()
        #expect(rows.columns == [["a\tb"], [""], ["42"], ["t"]])
        #expect(rows.count == 1)
    }

    @Test func oneInsertCastsEachColumn() {
        let insert = Schema.projectionTables[4].insert
        #expect(
            insert
                == "INSERT INTO topic_coverage (salesperson, topic, last_covered) SELECT c0, c1, NULLIF(c2, '')::date "
                + "FROM unnest($1::text[], $2::text[], $3::text[]) AS t(c0, c1, c2)")
    }

    static let envelope: JSONValue = [
        "position": 7, "eventId": "e-7", "type": "CommitmentReviewed", "salesperson": "dana", "streamVersion": 3,
        "recordedAt": "2026-10-05T09:10:00.5Z",
        "data": [
            "commitmentId": "c1", "sessionId": "s2", "salesperson": "dana", "outcome": "kept", "note": "Tab\there",
        ],
    ]

    @Test func freeTextIsLeftOutUnlessAskedFor() throws {
        let event = try ExportedEvent(envelope: Self.envelope)
        var without = Schema.events.rows()
        event.encode(into: &without, includeText: false)
        let row = without.columns.map { $0.first ?? "?" }
        #expect(row.prefix(6) == ["7", "e-7", "CommitmentReviewed", "dana", "3", "2026-10-05T09:10:00.5Z"])
        #expect(row[6].contains(#""note":null"#))
        #expect(!row[6].contains("Tab"))
        #expect(row[7] == "f")
        var with = Schema.events.rows()
        event.encode(into: &with, includeText: true)
        #expect(with.columns[6].first?.contains(#""note":"Tab\there""#) == true)
        let (typed, _) = try event.decoded()
        if case .commitmentReviewed(let r) = typed { #expect(r.commitmentId == "c1") } else { Issue.record("\(typed)") }
    }

    @Test func anEnvelopeOffContractIsRefused() {
        #expect(throws: SyncError.self) { try ExportedEvent(envelope: ["position": 1]) }
    }

    @Test func schemaNamesArePlainIdentifiers() throws {
        #expect(try Schema(name: "coachlog").table("events") == "\"coachlog\".events")
        for bad in ["", "Coach", "1x", "pg_x", "a-b", "a\"b", String(repeating: "a", count: 64)] {
            #expect(throws: SyncError.self) { try Schema(name: bad) }
        }
    }

    @Test func aBatchIsCommittedWhenTheCheckpointShowsIt() {
        var batch = Batch(previous: 10, daemonPosition: 20)
        batch.last = 15
        #expect(Exporter.isCommitted(batch, at: Checkpoint(position: 15, eventId: nil, projectedPosition: 0, daemonPosition: 0)))
        #expect(!Exporter.isCommitted(batch, at: Checkpoint(position: 10, eventId: nil, projectedPosition: 0, daemonPosition: 0)))
        var projections = Batch(previous: 15, daemonPosition: 20)
        projections.projections = ProjectionRewrite(everyone: true, names: [], rows: AnalyticsRows(), position: 15)
        #expect(!Exporter.isCommitted(projections, at: Checkpoint(position: 15, eventId: nil, projectedPosition: 9, daemonPosition: 0)))
        #expect(Exporter.isCommitted(projections, at: Checkpoint(position: 15, eventId: nil, projectedPosition: 15, daemonPosition: 0)))
    }
}

/// A write to PostgreSQL that never answers is abandoned at its deadline, so
/// that the exporter can try again on a new connection.
@Suite("Deadlines on writes")
struct DeadlineTests {
    // The bound is loose on purpose: under the whole suite, the timer waits for a free thread of the
    // cooperative pool, which blocking tests hold for minutes; what matters is that an hour-long write
    // does not hold the caller for the hour.
    @Test(
        "work past its deadline is abandoned with a passing error; work within it returns its result",
        .timeLimit(.minutes(20)))
    func deadline() async {
        let started = ContinuousClock.now
        let hung = await Deadline.result(after: .milliseconds(200)) { try await Task.sleep(for: .seconds(3600)) }
        let waited = ContinuousClock.now - started
        guard case .failure(let error) = hung else {
            Issue.record("a hung write succeeded")
            return
        }
        #expect(error.isPassing, "\(error)")
        #expect(waited >= .milliseconds(200) && waited < .seconds(1800), "\(waited)")
        let quick = await Deadline.result(after: .seconds(30)) {}
        guard case .success = quick else {
            Issue.record("a quick write failed: \(quick)")
            return
        }
        let refused = await Deadline.result(after: .seconds(30)) { throw SyncError.refused("no") }
        guard case .failure(let error) = refused, !error.isPassing else {
            Issue.record("a refusal was not passed on: \(refused)")
            return
        }
    }
}

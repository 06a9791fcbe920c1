import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import Testing

/// Seeded random histories: the fold is a pure function of the log, and the numbers equal a plain recount.
@Suite struct PropertyTests {
    static let seeds: [UInt64] = [1, 0xC0AC_410C, 2_026]

    static func record(_ h: GeneratedHistory) throws -> InMemoryReadModel {
        var model = InMemoryReadModel()
        for (offset, e) in h.events.enumerated() {
            try model.record(try CoachingEvent(type: e.type, data: e.data), position: UInt64(offset + 1),
                             recordedAt: e.recordedAt)
        }
        return model
    }

    @Test(arguments: seeds)
    func rebuildingWithApplyAloneGivesTheSameModel(seed: UInt64) throws {
        let h = HistoryGenerator.generate(seed: seed, eventCount: 2_000)
        try #require(h.events.count >= 2_000)
        let recorded = try Self.record(h)
        #expect(try Self.record(h) == recorded)

        // Replay with `apply` only, once from the client's events and once from the stored canonical data.
        var fromEvents = InMemoryReadModel()
        var fromLog = InMemoryReadModel()
        for (offset, e) in h.events.enumerated() {
            let position = UInt64(offset + 1)
            try CoachingRules.apply(try CoachingEvent(type: e.type, data: e.data), position: position,
                                    recordedAt: e.recordedAt, to: &fromEvents)
            let stored = try #require(recorded.eventData(at: position))
            try CoachingRules.apply(try CoachingEvent(type: e.type, data: stored), position: position,
                                    recordedAt: e.recordedAt, to: &fromLog)
        }
        for rebuilt in [fromEvents, fromLog] {
            // `dataByPosition` is filled by `record` only (the store keeps the log itself), so compare the tables.
            #expect(rebuilt.sessionsById == recorded.sessionsById)
            #expect(rebuilt.goalsById == recorded.goalsById)
            #expect(rebuilt.commitmentsById == recorded.commitmentsById)
            #expect(rebuilt.insightsByPosition == recorded.insightsByPosition)
            #expect(rebuilt.peopleByName == recorded.peopleByName)
        }
        #expect(recorded.dataByPosition.count == h.events.count)
        #expect(recorded.commitmentsById.count == h.commitments.count)
        #expect(recorded.sessionsById.values.filter { !$0.voided }.count == h.sessions.count)
        // The history exercises every kind of event, corrections included, and some reviews. (Merges are
        // covered by CorrectionTests: a random history would rarely have a person to merge.)
        #expect(Set(h.events.map(\.type)) == Set(EventType.allCases.filter { $0 != .salespersonMerged && $0 != .salespersonForgotten }.map(\.rawValue)))
        #expect(h.commitments.filter { $0.review != nil }.count > 100)
    }

    /// Counts reviews by outcome for the commitments that pass `include`.
    static func recount(
        _ h: GeneratedHistory, _ include: (GeneratedHistory.Commitment, Timestamp) -> Bool
    ) -> (total: [Outcome: Int64], byKind: [CommitmentKind: [Outcome: Int64]]) {
        var total: [Outcome: Int64] = [:]
        var byKind: [CommitmentKind: [Outcome: Int64]] = [:]
        for c in h.commitments {
            guard !c.gone, let review = c.review, include(c, review.at) else { continue }
            total[review.outcome, default: 0] += 1
            byKind[c.kind, default: [:]][review.outcome, default: 0] += 1
        }
        return (total, byKind)
    }

    static func expectCounts(_ value: JSONValue?, _ counts: [Outcome: Int64], sourceLocation: SourceLocation = #_sourceLocation) {
        let kept = counts[.kept] ?? 0
        let partial = counts[.partial] ?? 0
        let missed = counts[.missed] ?? 0
        let reviewed = kept + partial + missed
        expectTally(value, reviewed: reviewed, kept: kept, partial: partial, missed: missed,
                    rate: reviewed == 0 ? nil : Double(kept) / Double(reviewed),
                    weightedRate: reviewed == 0 ? nil : (Double(kept) + 0.5 * Double(partial)) / Double(reviewed),
                    sourceLocation: sourceLocation)
    }

    @Test(arguments: seeds)
    func followThroughEqualsARecount(seed: UInt64) throws {
        let h = HistoryGenerator.generate(seed: seed, eventCount: 2_000)
        let model = try Self.record(h)
        let end = try asOf("2030-01-01")

        let all = try Projections.followThrough(scope: .everyone, weeks: nil, asOf: end, model: model)
        let expected = Self.recount(h) { _, _ in true }
        Self.expectCounts(try all.wire, expected.total)
        for kind in CommitmentKind.allCases {
            Self.expectCounts(all["byKind"]?[kind.rawValue], expected.byKind[kind] ?? [:])
        }
        for name in h.people {
            let one = try Projections.followThrough(scope: .salesperson(name), weeks: nil, asOf: end, model: model)
            Self.expectCounts(try one.wire, Self.recount(h) { c, _ in c.salesperson == name }.total)
        }
        let coaches = h.coaches(before: end.end)
        for coach in Set(coaches.values) {
            let r = try Projections.followThrough(scope: .coach(coach), weeks: nil, asOf: end, model: model)
            #expect(r["salespeople"]?.integerValue == Int64(coaches.values.filter { $0 == coach }.count))
            Self.expectCounts(try r.wire, Self.recount(h) { c, _ in coaches[c.salesperson] == coach }.total)
        }
    }

    @Test(arguments: seeds)
    func windowsAndOpenCommitmentsEqualARecount(seed: UInt64) throws {
        let h = HistoryGenerator.generate(seed: seed, eventCount: 2_000)
        let model = try Self.record(h)
        let span = Int(h.last.day.number - h.first.day.number)
        var windowed: Int64 = 0
        var switched = 0
        for step in 1...5 {
            let weeks = step
            let asOfDay = h.first.day.adding(days: span * step / 6)
            let at = try asOf(asOfDay.iso8601)
            let to = at.end
            let from = to.adding(days: -7 * Int64(weeks))
            let before = from.adding(days: -7 * Int64(weeks))
            let r = try Projections.followThrough(scope: .everyone, weeks: weeks, asOf: at, model: model)
            let current = Self.recount(h) { _, t in from <= t && t < to }
            Self.expectCounts(try r.wire, current.total)
            windowed += current.total.values.reduce(0, +)
            Self.expectCounts(r["previous"], Self.recount(h) { _, t in before <= t && t < from }.total)
            for kind in CommitmentKind.allCases {
                Self.expectCounts(r["byKind"]?[kind.rawValue], current.byKind[kind] ?? [:])
            }
            let weekly = try #require(r["weekly"]?.arrayValue)
            #expect(weekly.count == weeks)
            for (k, week) in weekly.enumerated() {
                let start = from.adding(days: 7 * Int64(k))
                Self.expectCounts(week, Self.recount(h) { _, t in start <= t && t < start.adding(days: 7) }.total)
            }

            let open = try Projections.openCommitments(scope: .everyone, overdueOnly: false, asOf: at, model: model)
            let openNow = h.commitments.filter { c in !c.gone && c.madeAt < to && (c.review.map { $0.at >= to } ?? true) }
            #expect(open["count"]?.integerValue == Int64(openNow.count))
            #expect(open["overdue"]?.integerValue == Int64(openNow.filter { $0.due < asOfDay }.count))
            let overdue = try Projections.openCommitments(scope: .everyone, overdueOnly: true, asOf: at, model: model)
            #expect(overdue["count"]?.integerValue == Int64(openNow.filter { $0.due < asOfDay }.count))

            // A coach's people as of this day, who may since have moved to another coach.
            let coaches = h.coaches(before: to)
            switched += coaches.filter { h.coaches(before: h.last.adding(days: 1))[$0.key] != $0.value }.count
            for coach in Set(coaches.values) {
                let c = try Projections.followThrough(scope: .coach(coach), weeks: nil, asOf: at, model: model)
                Self.expectCounts(try c.wire, Self.recount(h) { c, t in coaches[c.salesperson] == coach && t < to }.total)
            }
        }
        #expect(windowed > 50)
        #expect(switched > 0, "no salesperson changed coach after one of the asOf days")
    }
}

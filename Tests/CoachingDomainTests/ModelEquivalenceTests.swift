import CoachLogJSON
import CoachLogProtocol
import CoachLogTestSupport
import CoachingDomain
import Testing

/// Random histories, corrections and merges included, recorded into the
/// reference `InMemoryReadModel` and into an `IndexedReadModel` through
/// stacked `OverlayModel`s (an append layer in a batch layer, each sometimes
/// dropped): both sides accept and refuse the same events, every read and
/// every projection answers the same at random instants and windows, and the
/// records named by `takeChanges()` rebuild the reference's tables.
@Suite struct ModelEquivalenceTests {
    static let names = ["ana", "Ana", "ben", "jos\u{E9}", "jose\u{301}", "zo\u{EB}", "omar", "li"]
    static let coaches = ["kim", "lee", "pat", "Kim"]
    static let seeds: [UInt64] = Array(1...6) + [0xC0AC_410C, 2_026]

    struct Generator {
        var rng: SplitMix64
        var clock = Timestamp(milliseconds: 1_767_600_000_000)  // 2026-01-05T08:00:00Z
        var next = 0

        /// An instant for `at`: none, now, a little ahead (a coach's later time zone), or back-filled.
        mutating func at() -> JSONValue? {
            switch rng.below(100) {
            case ..<20: return nil
            case ..<60: return .string(clock.iso8601)
            case ..<78: return .string(Timestamp(milliseconds: clock.milliseconds + Int64(rng.below(22 * 3_600_000))).iso8601)
            default: return .string(Timestamp(milliseconds: clock.milliseconds - Int64(rng.below(4 * 86_400_000))).iso8601)
            }
        }

        mutating func id(_ prefix: String) -> String {
            next += 1
            return "\(prefix)\(next)"
        }

        /// A session of the name or of a name merged into it: mostly its open one.
        mutating func session(of name: String, in model: InMemoryReadModel) -> String {
            let names = [name] + (model.person(name)?.aliases ?? [])
            let all = names.flatMap { model.sessions(of: $0) }
            if let open = all.last(where: { $0.closedAt == nil && !$0.voided }), rng.percent(80) { return open.sessionId }
            if all.isEmpty || rng.percent(5) { return model.sessionsById.keys.map(\.string).sorted().first ?? "none" }
            return rng.pick(all).sessionId
        }

        mutating func commitment(of name: String, in model: InMemoryReadModel, reviewed: Bool?) -> String {
            let names = [name] + (model.person(name)?.aliases ?? [])
            let all = names.flatMap { model.commitments(of: $0) }.filter { reviewed == nil || ($0.review != nil) == reviewed }
            guard !all.isEmpty, rng.percent(95) else { return "c0" }
            return rng.pick(all).commitmentId
        }

        mutating func goal(of name: String, in model: InMemoryReadModel) -> String? {
            let names = [name] + (model.person(name)?.aliases ?? [])
            let all = names.flatMap { model.goals(of: $0) }
            return all.isEmpty ? nil : rng.pick(all).goalId
        }

        /// A candidate event; the rules decide whether it is recorded.
        mutating func event(in model: InMemoryReadModel) throws -> CoachingEvent {
            clock = Timestamp(milliseconds: clock.milliseconds + Int64(rng.below(6 * 3_600_000)))
            let name = rng.pick(ModelEquivalenceTests.names)
            let sp = JSONValue.string(name)
            var data: [String: JSONValue] = ["salesperson": sp]
            let type: String
            switch rng.below(100) {
            case ..<14:
                type = "SessionOpened"
                data["sessionId"] = .string(id("s"))
                data["coach"] = .string(rng.percent(85) ? ModelEquivalenceTests.coaches[name.utf8.count % 3] : rng.pick(ModelEquivalenceTests.coaches))
                data["topics"] = .array(Topic.allCases.filter { _ in rng.percent(30) }.map { .string($0.rawValue) })
                if rng.percent(80) { data["newSalesperson"] = true }
            case ..<22:
                type = "SessionClosed"
                data["sessionId"] = .string(session(of: name, in: model))
            case ..<28:
                type = "GoalStated"
                data["goalId"] = .string(id("g"))
                data["sessionId"] = .string(session(of: name, in: model))
                data["text"] = "A goal"
                if rng.percent(50) { data["area"] = .string(rng.pick(["income", "balance"])) }
            case ..<48:
                type = "CommitmentMade"
                data["commitmentId"] = .string(id("c"))
                data["sessionId"] = .string(session(of: name, in: model))
                data["kind"] = .string(rng.pick(CommitmentKind.allCases).rawValue)
                data["text"] = "A commitment"
                if rng.percent(70) { data["due"] = .string(clock.day.adding(days: rng.below(15) - 1).iso8601) }
                if rng.percent(30), let goal = goal(of: name, in: model) { data["goalId"] = .string(goal) }
            case ..<68:
                type = "CommitmentReviewed"
                data["commitmentId"] = .string(commitment(of: name, in: model, reviewed: false))
                data["sessionId"] = .string(session(of: name, in: model))
                data["outcome"] = .string(rng.pick(Outcome.allCases).rawValue)
                if rng.percent(30) { data["note"] = "A note" }
                if rng.percent(40) {
                    let event = try CoachingEvent(type: type, data: .object(data))
                    return event
                }
            case ..<76:
                type = "InsightNoted"
                data["sessionId"] = .string(session(of: name, in: model))
                data["topic"] = .string(rng.pick(Topic.allCases).rawValue)
                data["text"] = "An insight"
            case ..<80:
                type = "ReviewCorrected"
                data["commitmentId"] = .string(commitment(of: name, in: model, reviewed: true))
                if rng.percent(80) { data["outcome"] = .string(rng.pick(Outcome.allCases).rawValue) }
                if rng.percent(40) { data["note"] = "Corrected" }
            case ..<83:
                type = "CommitmentAmended"
                data["commitmentId"] = .string(commitment(of: name, in: model, reviewed: nil))
                if rng.percent(60) { data["kind"] = .string(rng.pick(CommitmentKind.allCases).rawValue) }
                if rng.percent(40) { data["text"] = "Amended" }
                if rng.percent(30) { data["due"] = .string(clock.day.adding(days: rng.below(10)).iso8601) }
                if rng.percent(20), let goal = goal(of: name, in: model) { data["goalId"] = .string(goal) }
                if data.count == 2 { data["text"] = "Amended" }
            case ..<86:
                type = "CommitmentWithdrawn"
                data["commitmentId"] = .string(commitment(of: name, in: model, reviewed: false))
            case ..<90:
                type = "SessionVoided"
                let names = [name] + (model.person(name)?.aliases ?? [])
                let all = names.flatMap { model.sessions(of: $0) }.filter { !$0.voided }
                data["sessionId"] = .string(all.isEmpty ? "none" : rng.pick(all).sessionId)
                data["reason"] = "wrong person"
            case ..<94:
                type = "SalespersonMerged"
                data["into"] = .string(rng.pick(ModelEquivalenceTests.names))
            default:
                type = rng.pick(["GoalAmended", "GoalAchieved", "GoalDropped"])
                data["goalId"] = .string(goal(of: name, in: model) ?? "g0")
                if type == "GoalAmended" { data["text"] = "Restated" }
            }
            if let at = at() { data["at"] = at }
            return try CoachingEvent(type: type, data: .object(data))
        }
    }

    struct Run {
        var reference = InMemoryReadModel()
        var indexed = IndexedReadModel()
        var flushed = InMemoryReadModel()
        var position: UInt64 = 0
        var accepted: [String: Int] = [:]
        var organisationDeclined = 0
        var organisationAnswered = 0
    }

    /// Writes behind what `takeChanges` names, as the store's flush does.
    static func flush(_ run: inout Run) {
        let changes = run.indexed.takeChanges()
        for id in changes.sessions { if let r = run.indexed.session(id.string) { run.flushed.put(r) } }
        for id in changes.goals { if let r = run.indexed.goal(id.string) { run.flushed.put(r) } }
        for id in changes.commitments { if let r = run.indexed.commitment(id.string) { run.flushed.put(r) } }
        for p in changes.insights { if let r = run.indexed.insight(at: p) { run.flushed.put(r) } }
        for name in changes.people { if let r = run.indexed.person(name.string) { run.flushed.put(r) } }
        #expect(run.indexed.takeChanges().isEmpty)
    }

    static func check(_ run: inout Run, rng: inout SplitMix64, first: Timestamp, last: Timestamp) {
        flush(&run)
        #expect(run.flushed.sessionsById == run.reference.sessionsById)
        #expect(run.flushed.goalsById == run.reference.goalsById)
        #expect(run.flushed.commitmentsById == run.reference.commitmentsById)
        #expect(run.flushed.insightsByPosition == run.reference.insightsByPosition)
        #expect(run.flushed.peopleByName == run.reference.peopleByName)
        #expect(run.indexed.peopleCount == run.reference.peopleByName.count)
        let candidate = WithText(model: run.indexed, data: run.reference.dataByPosition)
        expectSameReads(run.reference, candidate, names: names)
        for _ in 0..<2 {
            let span = max(1, last.milliseconds - first.milliseconds + 4 * 86_400_000)
            let t = Timestamp(milliseconds: first.milliseconds - 2 * 86_400_000 + Int64(rng.next() % UInt64(span)))
            let asOf = rng.percent(25) ? AsOf(end: t.day.adding(days: 1).start, text: t.day.iso8601) : AsOf.instant(t)
            let weeks = rng.percent(25) ? nil : 1 + rng.below(12)
            if run.indexed.organisationReviews(in: Window(from: nil, to: asOf.end)) == nil {
                run.organisationDeclined += 1
            } else {
                run.organisationAnswered += 1
            }
            expectSameProjections(run.reference, candidate, names: names, coaches: coaches, asOf: asOf, weeks: weeks)
        }
    }

    @Test(arguments: seeds)
    func indexedModelAnswersAsTheReference(seed: UInt64) throws {
        var gen = Generator(rng: SplitMix64(seed: seed))
        var rng = SplitMix64(seed: seed ^ 0x5EED)
        var run = Run()
        let first = gen.clock
        var batches = 0
        while run.position < 400 {
            batches += 1
            var batch = OverlayModel(base: run.indexed)
            var referenceBatch = run.reference
            var position = run.position
            for _ in 0..<(1 + rng.below(16)) {
                // A candidate the wire would refuse (a correction that changes nothing) is skipped.
                guard let event = try? gen.event(in: referenceBatch) else { continue }
                let now = gen.clock
                var reference = referenceBatch
                let expected = Result { try reference.record(event, position: position + 1, recordedAt: now) }
                var layer = OverlayModel(base: batch)
                let actual = Result {
                    try CoachingRules.validate(event, in: layer, now: now)
                    try CoachingRules.apply(event, position: position + 1, recordedAt: now, to: &layer)
                }
                switch (expected, actual) {
                case (.success, .success):
                    // Sometimes a later step of the append fails: its layer is dropped alone.
                    if rng.percent(8) { continue }
                    try layer.apply(to: &batch)
                    referenceBatch = reference
                    position += 1
                    run.accepted[event.type.rawValue, default: 0] += 1
                case (.failure(let a), .failure(let b)):
                    #expect(String(describing: a) == String(describing: b))
                default:
                    Issue.record("\(event.type.rawValue): reference \(expected), overlay \(actual)")
                }
            }
            if rng.percent(6) {
                // A non-empty batch answers as the reference would with it, its fast paths declined.
                expectSameReads(referenceBatch, batch, names: Self.names)
                let asOf = AsOf.instant(gen.clock)
                expectSameProjections(
                    referenceBatch, WithText(model: batch, data: referenceBatch.dataByPosition), names: Self.names,
                    coaches: Self.coaches, asOf: asOf, weeks: 2)
            }
            if rng.percent(8) { continue }  // the log commit failed: the whole batch is dropped
            try batch.apply(to: &run.indexed)
            run.reference = referenceBatch
            run.position = position
            if batches % 25 == 0 { Self.check(&run, rng: &rng, first: first, last: gen.clock) }
        }
        Self.check(&run, rng: &rng, first: first, last: gen.clock)
        // The history exercised every kind of event a client can append (the daemon alone writes
        // SalespersonForgotten), and both ways of counting the organisation.
        #expect(Set(run.accepted.keys) == Set(EventType.allCases.filter { $0 != .salespersonForgotten }.map(\.rawValue)), "\(run.accepted)")
        #expect(run.organisationAnswered > 0)
    }
}

import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import Testing

/// Cadence and topic coverage over `Scenario`.
///
/// Session days: dana 09-07, 09-14, 09-21, 09-28, 10-05, 10-12; omar 09-08, 09-15, 09-22, 10-06, 10-13, 10-16.
@Suite struct CadenceTopicsTests {
    let model: InMemoryReadModel

    init() throws { model = try Scenario.model() }

    @Test func cadenceOfEveryone() throws {
        let r = try Projections.cadence(scope: .everyone, asOf: try asOf("2026-10-18"), model: model)
        #expect(r["projection"] == "cadence")
        let rows = try #require(r["salespeople"]?.arrayValue)
        try #require(rows.count == 2)
        // dana: 6 sessions, last 10-12, 18 − 12 = 6 days ago; mean gap (10-12 − 09-07 = 35 days)/5 = 7
        #expect(rows[0] == [
            "salesperson": "dana", "coach": "lee", "sessions": 6, "lastSession": "2026-10-12", "daysSince": 6,
            "meanGapDays": .double(7.0), "status": "current",
        ])
        // omar: 6 sessions, last 10-16, 2 days ago; (10-16 − 09-08 = 38 days)/5 = 7.6; now coached by lee
        #expect(rows[1]["salesperson"] == "omar")
        #expect(rows[1]["coach"] == "lee")
        #expect(rows[1]["sessions"]?.integerValue == 6)
        #expect(rows[1]["lastSession"] == "2026-10-16")
        #expect(rows[1]["daysSince"]?.integerValue == 2)
        #expect(rows[1]["meanGapDays"]?.doubleValue == 38.0 / 5.0)
    }

    @Test func cadenceOfACoachAsOfAnEarlierDay() throws {
        let r = try Projections.cadence(scope: .coach("kim"), asOf: try asOf("2026-10-14"), model: model)
        let rows = try #require(r["salespeople"]?.arrayValue)
        try #require(rows.count == 1)
        // omar before o6: 5 sessions, last 10-13, 1 day ago; (10-13 − 09-08 = 35)/4 = 8.75
        #expect(rows[0]["salesperson"] == "omar")
        #expect(rows[0]["coach"] == "kim")
        #expect(rows[0]["sessions"]?.integerValue == 5)
        #expect(rows[0]["lastSession"] == "2026-10-13")
        #expect(rows[0]["daysSince"]?.integerValue == 1)
        #expect(rows[0]["meanGapDays"]?.doubleValue == 8.75)
        #expect(r["scope"] == ["coach": "kim"])
    }

    @Test func oneSessionHasNoMeanGap() throws {
        let r = try Projections.cadence(scope: .everyone, asOf: try asOf("2026-09-08"), model: model)
        let rows = try #require(r["salespeople"]?.arrayValue)
        try #require(rows.count == 2)
        // dana: 09-07, 1 day ago; omar: 09-08, today
        #expect(rows[0]["sessions"]?.integerValue == 1)
        #expect(rows[0]["daysSince"]?.integerValue == 1)
        #expect(rows[0]["meanGapDays"]?.isNull == true)
        #expect(rows[1]["daysSince"]?.integerValue == 0)
        #expect(rows[1]["meanGapDays"]?.isNull == true)
        // Before omar's session at 14:00Z he is not on record.
        let morning = try Projections.cadence(scope: .everyone, asOf: try asOf("2026-09-08T13:59:59Z"), model: model)
        #expect(morning["salespeople"]?.arrayValue?.count == 1)
    }

    @Test func topicsOfDana() throws {
        let r = try Projections.topics(salesperson: "dana", asOf: try asOf("2026-10-18"), model: model)
        // selfConcept: d1 topics 09-07, insight 09-21 → 09-21, 27 days (9 to 09-30 + 18)
        // identityRole: d4 09-28 → 20 days; personalGoals: d1 09-07, insight 10-12 → 6 days
        // behavioralReflection: d2 09-14, d5 10-05 → 13 days
        #expect(r["lastCovered"] == [
            "selfConcept": "2026-09-21", "identityRole": "2026-09-28", "personalGoals": "2026-10-12",
            "behavioralReflection": "2026-10-05",
        ])
        #expect(r["daysSince"] == ["selfConcept": 27, "identityRole": 20, "personalGoals": 6, "behavioralReflection": 13])
        #expect(r["salesperson"] == "dana")
        #expect(r["asOf"] == "2026-10-18")
    }

    @Test func topicsIgnoreWhatComesAfterAsOf() throws {
        // On 10-11 the personalGoals insight of 10-12 has not happened: last covered by d1 on 09-07, 34 days.
        let r = try Projections.topics(salesperson: "dana", asOf: try asOf("2026-10-11"), model: model)
        #expect(r["lastCovered"]?["personalGoals"] == "2026-09-07")
        #expect(r["daysSince"]?["personalGoals"]?.integerValue == 34)
        #expect(r["daysSince"]?["selfConcept"]?.integerValue == 20)
    }

    @Test func neverCoveredTopicsAreNull() throws {
        // omar: insight identityRole 09-15; o6 (10-16) lists behavioralReflection; the rest never.
        let r = try Projections.topics(salesperson: "omar", asOf: try asOf("2026-10-18"), model: model)
        #expect(r["lastCovered"] == [
            "selfConcept": nil, "identityRole": "2026-09-15", "personalGoals": nil, "behavioralReflection": "2026-10-16",
        ])
        // 09-15 → 10-18: 15 + 18 = 33 days; 10-16 → 10-18: 2 days
        #expect(r["daysSince"] == ["selfConcept": nil, "identityRole": 33, "personalGoals": nil, "behavioralReflection": 2])
        let before = try Projections.topics(salesperson: "omar", asOf: try asOf("2026-10-15"), model: model)
        #expect(before["lastCovered"]?["behavioralReflection"]?.isNull == true)
        #expect(before["daysSince"]?["identityRole"]?.integerValue == 30)
        #expect(throws: NotFound.self) {
            try Projections.topics(salesperson: "zoe", asOf: try asOf("2026-10-18"), model: model)
        }
    }
}

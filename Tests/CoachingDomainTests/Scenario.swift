import CoachLogJSON
import CoachLogProtocol
import CoachingDomain

/// Six weeks of coaching, used by the numbers tests. Every figure they check
/// is worked out by hand from this table.
///
/// dana, coached by lee, Mondays 09:00Z (reviews 09:30Z):
///
/// | session | date  | topics                     | reviews                      | commitments made (kind, due, goal)         |
/// |---------|-------|----------------------------|------------------------------|--------------------------------------------|
/// | d1      | 09-07 | selfConcept, personalGoals |                              | c-d1a more 09-13 g-d-income; c-d1b better 09-13 |
/// | d2      | 09-14 | behavioralReflection       | c-d1a kept, c-d1b partial    | c-d2a different 09-20 g-d-income            |
/// | d3      | 09-21 | (insight selfConcept)      | c-d2a missed                 | c-d3a more 09-27; c-d3b better 09-27 g-d-lead |
/// | d4      | 09-28 | identityRole               | c-d3a kept, c-d3b kept       | c-d4a different 10-04                      |
/// | d5      | 10-05 | behavioralReflection       | c-d4a partial                | c-d5a more 10-11; c-d5b better 10-11       |
/// | d6 open | 10-12 | (insight personalGoals)    | c-d5a kept                   | c-d6a different 10-18 g-d-lead             |
///
/// Goals: g-d-income (income, d1), g-d-lead (leadership, d3), g-d-balance (no area, d5).
/// d1...d5 are closed at 10:00Z, except d5, closed without `at` (recorded 10:05Z).
///
/// omar, coached by kim, then by lee in his latest session; 14:00Z (reviews 14:30Z):
///
/// | session | date        | topics                  | reviews                   | commitments made                     |
/// |---------|-------------|-------------------------|---------------------------|--------------------------------------|
/// | o1      | 09-08 Tue   |                         |                           | c-o1a more 09-14 g-o-income; c-o1b different 09-14 |
/// | o2      | 09-15       | (insight identityRole)  | c-o1a missed, c-o1b kept  | c-o2a better 09-21                   |
/// | o3      | 09-22       |                         | c-o2a partial             | c-o3a more 09-28; c-o3b different 10-04 g-o-income |
/// | o4      | 10-06       |                         | c-o3a kept, c-o3b missed  | c-o4a better 10-12                   |
/// | o5      | 10-13       |                         | c-o4a missed              | c-o5a more 10-19                     |
/// | o6 open | 10-16 Fri, lee | behavioralReflection | c-o5a kept                | c-o6a different 10-22; c-o6b better 10-20 |
///
/// o1...o5 are closed at 15:00Z.
enum Scenario {
    static func build() throws -> History {
        var h = History()
        // Week 1
        try h.open("d1", "dana", coach: "lee", at: "2026-09-07T09:00:00Z", topics: ["personalGoals", "selfConcept"])
        try h.goal("g-d-income", "d1", "dana", text: "  Earn 120k this year  ", area: "income", at: "2026-09-07T09:20:00Z")
        try h.commit("c-d1a", "d1", "dana", kind: "more", due: "2026-09-13", goal: "g-d-income", at: "2026-09-07T09:40:00Z")
        try h.commit("c-d1b", "d1", "dana", kind: "better", due: "2026-09-13", at: "2026-09-07T09:40:00Z",
                     text: "\tOpen with a question\n")
        try h.close("d1", "dana", at: "2026-09-07T10:00:00Z")
        try h.open("o1", "omar", coach: "kim", at: "2026-09-08T14:00:00Z")
        try h.goal("g-o-income", "o1", "omar", text: "Pay off the loan", area: "income", at: "2026-09-08T14:20:00Z")
        try h.commit("c-o1a", "o1", "omar", kind: "more", due: "2026-09-14", goal: "g-o-income", at: "2026-09-08T14:40:00Z")
        try h.commit("c-o1b", "o1", "omar", kind: "different", due: "2026-09-14", at: "2026-09-08T14:40:00Z")
        try h.close("o1", "omar", at: "2026-09-08T15:00:00Z")
        // Week 2
        try h.open("d2", "dana", coach: "lee", at: "2026-09-14T09:00:00Z", topics: ["behavioralReflection"])
        try h.review("c-d1a", "d2", "dana", outcome: "kept", at: "2026-09-14T09:30:00Z")
        try h.review("c-d1b", "d2", "dana", outcome: "partial", at: "2026-09-14T09:30:00Z")
        try h.commit("c-d2a", "d2", "dana", kind: "different", due: "2026-09-20", goal: "g-d-income", at: "2026-09-14T09:40:00Z")
        try h.close("d2", "dana", at: "2026-09-14T10:00:00Z")
        try h.open("o2", "omar", coach: "kim", at: "2026-09-15T14:00:00Z")
        try h.review("c-o1a", "o2", "omar", outcome: "missed", at: "2026-09-15T14:30:00Z")
        try h.review("c-o1b", "o2", "omar", outcome: "kept", at: "2026-09-15T14:30:00Z")
        try h.commit("c-o2a", "o2", "omar", kind: "better", due: "2026-09-21", at: "2026-09-15T14:40:00Z")
        try h.insight("o2", "omar", topic: "identityRole", at: "2026-09-15T14:50:00Z")
        try h.close("o2", "omar", at: "2026-09-15T15:00:00Z")
        // Week 3
        try h.open("d3", "dana", coach: "lee", at: "2026-09-21T09:00:00Z")
        try h.review("c-d2a", "d3", "dana", outcome: "missed", at: "2026-09-21T09:30:00Z")
        try h.goal("g-d-lead", "d3", "dana", text: "Lead the regional team", area: "leadership", at: "2026-09-21T09:20:00Z")
        try h.commit("c-d3a", "d3", "dana", kind: "more", due: "2026-09-27", at: "2026-09-21T09:40:00Z")
        try h.commit("c-d3b", "d3", "dana", kind: "better", due: "2026-09-27", goal: "g-d-lead", at: "2026-09-21T09:40:00Z")
        try h.insight("d3", "dana", topic: "selfConcept", at: "2026-09-21T09:50:00Z")
        try h.close("d3", "dana", at: "2026-09-21T10:00:00Z")
        try h.open("o3", "omar", coach: "kim", at: "2026-09-22T14:00:00Z")
        try h.review("c-o2a", "o3", "omar", outcome: "partial", at: "2026-09-22T14:30:00Z")
        try h.commit("c-o3a", "o3", "omar", kind: "more", due: "2026-09-28", at: "2026-09-22T14:40:00Z")
        try h.commit("c-o3b", "o3", "omar", kind: "different", due: "2026-10-04", goal: "g-o-income", at: "2026-09-22T14:40:00Z")
        try h.close("o3", "omar", at: "2026-09-22T15:00:00Z")
        // Week 4 (omar skips it)
        try h.open("d4", "dana", coach: "lee", at: "2026-09-28T09:00:00Z", topics: ["identityRole"])
        try h.review("c-d3a", "d4", "dana", outcome: "kept", at: "2026-09-28T09:30:00Z")
        try h.review("c-d3b", "d4", "dana", outcome: "kept", at: "2026-09-28T09:30:00Z")
        try h.commit("c-d4a", "d4", "dana", kind: "different", due: "2026-10-04", at: "2026-09-28T09:40:00Z")
        try h.close("d4", "dana", at: "2026-09-28T10:00:00Z")
        // Week 5
        try h.open("d5", "dana", coach: "lee", at: "2026-10-05T09:00:00Z", topics: ["behavioralReflection"])
        try h.review("c-d4a", "d5", "dana", outcome: "partial", at: "2026-10-05T09:30:00Z")
        try h.goal("g-d-balance", "d5", "dana", text: "Home by six", at: "2026-10-05T09:20:00Z")
        try h.commit("c-d5a", "d5", "dana", kind: "more", due: "2026-10-11", at: "2026-10-05T09:40:00Z")
        try h.commit("c-d5b", "d5", "dana", kind: "better", due: "2026-10-11", at: "2026-10-05T09:40:00Z")
        try h.add("SessionClosed", ["sessionId": "d5", "salesperson": "dana"], recordedAt: "2026-10-05T10:05:00Z")
        try h.open("o4", "omar", coach: "kim", at: "2026-10-06T14:00:00Z")
        try h.review("c-o3a", "o4", "omar", outcome: "kept", at: "2026-10-06T14:30:00Z")
        try h.review("c-o3b", "o4", "omar", outcome: "missed", at: "2026-10-06T14:30:00Z")
        try h.commit("c-o4a", "o4", "omar", kind: "better", due: "2026-10-12", at: "2026-10-06T14:40:00Z")
        try h.close("o4", "omar", at: "2026-10-06T15:00:00Z")
        // Week 6
        try h.open("d6", "dana", coach: "lee", at: "2026-10-12T09:00:00Z")
        try h.review("c-d5a", "d6", "dana", outcome: "kept", at: "2026-10-12T09:30:00Z")
        try h.commit("c-d6a", "d6", "dana", kind: "different", due: "2026-10-18", goal: "g-d-lead", at: "2026-10-12T09:40:00Z")
        try h.insight("d6", "dana", topic: "personalGoals", at: "2026-10-12T09:50:00Z")
        try h.open("o5", "omar", coach: "kim", at: "2026-10-13T14:00:00Z")
        try h.review("c-o4a", "o5", "omar", outcome: "missed", at: "2026-10-13T14:30:00Z")
        try h.commit("c-o5a", "o5", "omar", kind: "more", due: "2026-10-19", at: "2026-10-13T14:40:00Z")
        try h.close("o5", "omar", at: "2026-10-13T15:00:00Z")
        try h.open("o6", "omar", coach: "lee", at: "2026-10-16T14:00:00Z", topics: ["behavioralReflection"])
        try h.review("c-o5a", "o6", "omar", outcome: "kept", at: "2026-10-16T14:30:00Z")
        try h.commit("c-o6a", "o6", "omar", kind: "different", due: "2026-10-22", at: "2026-10-16T14:40:00Z")
        try h.commit("c-o6b", "o6", "omar", kind: "better", due: "2026-10-20", at: "2026-10-16T14:40:00Z")
        return h
    }

    static func model() throws -> InMemoryReadModel { try build().model }
}

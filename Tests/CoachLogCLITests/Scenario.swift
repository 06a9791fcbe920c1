import Testing

/// Four weeks of coaching for dana (coach lee, Mondays from 2026-09-07) and three sessions for omar
/// (coach kim, 2026-09-08, 09-22 and 09-29), recorded only through `coachlog`, with explicit ids and
/// times so that every number below can be computed by hand.
///
/// dana   s-d1 09-07 [self-concept]      c-d1 more (due 09-14, default, goal g-d1), c-d2 better (due 09-11),
///                                       c-d3 different (due 09-14, default); insight self-concept
///        s-d2 09-14 [identity-role]     c-d1 kept, c-d2 partial, c-d3 missed;
///                                       c-d4 more (due 09-21, default), c-d5 different (due 09-18)
///        s-d3 09-21 []                  c-d4 kept, c-d5 kept; c-d6 better (09-28, default),
///                                       c-d7 more (due 09-25, goal g-d1); insight reflection
///        s-d4 09-28 [reflection]        c-d6 missed; c-d8 different (due 10-05, default)
/// omar   s-o1 09-08 [identity, goals]   goal g-o1; c-o1 better (due 09-15, default), c-o2 more (due 09-20)
///        s-o2 09-22 []                  c-o1 kept, c-o2 kept; c-o3 different (09-29, default); insight goals
///        s-o3 09-29 08:00-04:00 []      c-o3 partial; c-o4 more (due 10-02), c-o5 better (10-06, default)
///
/// dana: 6 reviewed, 3 kept, 1 partial, 2 missed. omar: 3 reviewed, 2 kept, 1 partial.
/// Open on 2026-10-05: c-d7 (10 days overdue), c-o4 (3 days overdue), c-d8, c-o5.
enum Scenario {
    static let eventCount = 41

    static func record(_ cli: CLI) throws {
        let dana = ["--salesperson", "dana"]
        let omar = ["--salesperson", "omar"]

        // dana, week 1
        let opened = try cli.ok(
            ["session", "open", "--coach", "lee", "--id", "s-d1", "--at", "2026-09-07T09:00:00Z", "--topics", "self-concept"] + dana)
        #expect(opened.stdout == "opened session s-d1 for dana with lee\n")
        let goal = try cli.ok(
            ["goal", "Lead a team within two years", "--area", "leadership", "--id", "g-d1", "--at", "2026-09-07T09:05:00Z"] + dana)
        #expect(goal.stdout == "goal g-d1 recorded for dana\n")
        let c1 = try cli.ok(
            ["commit", "more", "Call five lapsed customers", "--id", "c-d1", "--goal", "g-d1", "--at", "2026-09-07T09:10:00Z"] + dana)
        #expect(c1.stdout == "commitment c-d1 (more) due 2026-09-14 recorded for dana\n", "default due: a week after the session")
        let c2 = try cli.ok(
            ["commit", "better", "Prepare every discovery call", "--id", "c-d2", "--due", "2026-09-11", "--at", "2026-09-07T09:12:00Z"]
                + dana)
        #expect(c2.stdout == "commitment c-d2 (better) due 2026-09-11 recorded for dana\n")
        let c3 = try cli.ok(["commit", "different", "Ask for referrals at close", "--id", "c-d3", "--at", "2026-09-07T09:14:00Z"] + dana)
        #expect(c3.stdout == "commitment c-d3 (different) due 2026-09-14 recorded for dana\n")
        let insight = try cli.ok(
            ["insight", "self-concept", "Sees herself as a closer, not a prospector", "--at", "2026-09-07T09:20:00Z"] + dana)
        #expect(insight.stdout == "insight on self-concept recorded for dana\n")
        let closed = try cli.ok(["session", "close", "--at", "2026-09-07T10:00:00Z"] + dana)
        #expect(closed.stdout == "closed session s-d1 for dana\n")

        // dana, week 2
        try cli.ok(["session", "open", "--coach", "lee", "--id", "s-d2", "--at", "2026-09-14T09:00:00Z", "--topics", "identity-role"] + dana)
        let kept = try cli.ok(["review", "c-d1", "kept", "--note", "Called all five", "--at", "2026-09-14T09:05:00Z"] + dana)
        #expect(kept.stdout == "commitment c-d1 reviewed: kept\n")
        try cli.ok(["review", "c-d2", "partial", "--at", "2026-09-14T09:06:00Z"] + dana)
        try cli.ok(["review", "c-d3", "missed", "--at", "2026-09-14T09:07:00Z"] + dana)
        let c4 = try cli.ok(["commit", "more", "Block two hours for prospecting", "--id", "c-d4", "--at", "2026-09-14T09:10:00Z"] + dana)
        #expect(c4.stdout == "commitment c-d4 (more) due 2026-09-21 recorded for dana\n")
        try cli.ok(
            ["commit", "different", "Open with the customer's goals", "--id", "c-d5", "--due", "2026-09-18", "--at", "2026-09-14T09:12:00Z"]
                + dana)
        try cli.ok(["session", "close", "--at", "2026-09-14T10:00:00Z"] + dana)

        // dana, week 3 (explicit --session on the first record)
        try cli.ok(["session", "open", "--coach", "lee", "--id", "s-d3", "--at", "2026-09-21T09:00:00Z"] + dana)
        try cli.ok(["review", "c-d4", "kept", "--session", "s-d3", "--at", "2026-09-21T09:05:00Z"] + dana)
        try cli.ok(["review", "c-d5", "kept", "--at", "2026-09-21T09:06:00Z"] + dana)
        try cli.ok(["commit", "better", "Update the CRM the same day", "--id", "c-d6", "--at", "2026-09-21T09:10:00Z"] + dana)
        try cli.ok(
            ["commit", "more", "Two referral asks a day", "--id", "c-d7", "--due", "2026-09-25", "--goal", "g-d1", "--at", "2026-09-21T09:12:00Z"]
                + dana)
        try cli.ok(["insight", "reflection", "Does better when she plans the week on Monday", "--at", "2026-09-21T09:20:00Z"] + dana)
        try cli.ok(["session", "close", "--at", "2026-09-21T10:00:00Z"] + dana)

        // dana, week 4
        try cli.ok(["session", "open", "--coach", "lee", "--id", "s-d4", "--at", "2026-09-28T09:00:00Z", "--topics", "reflection"] + dana)
        try cli.ok(["review", "c-d6", "missed", "--note", "Fell behind after the offsite", "--at", "2026-09-28T09:05:00Z"] + dana)
        let c8 = try cli.ok(["commit", "different", "Delegate the quote paperwork", "--id", "c-d8", "--at", "2026-09-28T09:10:00Z"] + dana)
        #expect(c8.stdout == "commitment c-d8 (different) due 2026-10-05 recorded for dana\n")
        try cli.ok(["session", "close", "--at", "2026-09-28T10:00:00Z"] + dana)

        // omar, every other week, then a week later
        try cli.ok(
            ["session", "open", "--coach", "kim", "--id", "s-o1", "--at", "2026-09-08T14:00:00Z", "--topics", "identity,goals"] + omar)
        try cli.ok(["goal", "Buy a house next year", "--area", "income", "--id", "g-o1", "--at", "2026-09-08T14:05:00Z"] + omar)
        let o1 = try cli.ok(
            ["commit", "better", "Send a recap after every demo", "--id", "c-o1", "--goal", "g-o1", "--at", "2026-09-08T14:10:00Z"] + omar)
        #expect(o1.stdout == "commitment c-o1 (better) due 2026-09-15 recorded for omar\n")
        try cli.ok(["commit", "more", "Book two demos a day", "--id", "c-o2", "--due", "2026-09-20", "--at", "2026-09-08T14:15:00Z"] + omar)
        try cli.ok(["session", "close", "--at", "2026-09-08T15:00:00Z"] + omar)

        try cli.ok(["session", "open", "--coach", "kim", "--id", "s-o2", "--at", "2026-09-22T14:00:00Z"] + omar)
        try cli.ok(["review", "c-o1", "kept", "--note", "Sent all eight", "--at", "2026-09-22T14:05:00Z"] + omar)
        try cli.ok(["review", "c-o2", "kept", "--at", "2026-09-22T14:06:00Z"] + omar)
        try cli.ok(["commit", "different", "Lead with questions, not slides", "--id", "c-o3", "--at", "2026-09-22T14:10:00Z"] + omar)
        try cli.ok(["insight", "goals", "Wants the house before the baby arrives", "--at", "2026-09-22T14:20:00Z"] + omar)
        try cli.ok(["session", "close", "--at", "2026-09-22T15:00:00Z"] + omar)

        try cli.ok(["session", "open", "--coach", "kim", "--id", "s-o3", "--at", "2026-09-29T08:00:00-04:00"] + omar)
        try cli.ok(["review", "c-o3", "partial", "--at", "2026-09-29T08:10:00-04:00"] + omar)
        try cli.ok(
            ["commit", "more", "Ask every customer for a referral", "--id", "c-o4", "--due", "2026-10-02", "--at", "2026-09-29T08:15:00-04:00"]
                + omar)
        let o5 = try cli.ok(["commit", "better", "Shorter proposals", "--id", "c-o5", "--at", "2026-09-29T08:20:00-04:00"] + omar)
        #expect(o5.stdout == "commitment c-o5 (better) due 2026-10-06 recorded for omar\n")
        try cli.ok(["session", "close", "--at", "2026-09-29T09:00:00-04:00"] + omar)
    }
}

import CoachLogJSON
import CoachLogProtocol
import CoachingDomain
import Testing

@Suite struct CanonicalDataTests {
    @Test func textIdsAndNamesAreTrimmed() throws {
        let event = try CoachingEvent(type: "CommitmentMade", data: [
            "commitmentId": " c1 ", "sessionId": "\ts1", "salesperson": " dana\n", "kind": " more ",
            "text": "  Call ten prospects \n", "due": " 2026-09-13 ", "goalId": "g1 ",
            "at": " 2026-09-07T11:40:00+02:00 ",
        ])
        #expect(event.canonicalData == [
            "commitmentId": "c1", "sessionId": "s1", "salesperson": "dana", "kind": "more", "text": "Call ten prospects",
            "due": "2026-09-13", "goalId": "g1", "at": "2026-09-07T09:40:00Z",
        ])
        #expect(event.salesperson == "dana")
        #expect(event.type == .commitmentMade)
        // Inner whitespace stays.
        let insight = try CoachingEvent(type: "InsightNoted", data: [
            "sessionId": "s1", "salesperson": "dana", "topic": "selfConcept", "text": " Sees  herself\nas a closer ",
        ])
        #expect(insight.canonicalData["text"] == "Sees  herself\nas a closer")
    }

    @Test func absentAndNullOptionalsAreOmitted() throws {
        let event = try CoachingEvent(type: "CommitmentReviewed", data: [
            "commitmentId": "c1", "sessionId": "s2", "salesperson": "dana", "outcome": "kept", "note": nil, "at": nil,
        ])
        #expect(event.canonicalData == ["commitmentId": "c1", "sessionId": "s2", "salesperson": "dana", "outcome": "kept"])
        #expect(event.at == nil)
        let open = try CoachingEvent(type: "SessionOpened", data: ["sessionId": "s1", "salesperson": "dana",
                                                                   "coach": "lee", "topics": []])
        #expect(open.canonicalData == ["sessionId": "s1", "salesperson": "dana", "coach": "lee"])
    }

    @Test func topicsAreDeduplicatedAndInTheirFixedOrder() throws {
        let event = try CoachingEvent(type: "SessionOpened", data: [
            "sessionId": "s1", "salesperson": "dana", "coach": "lee",
            "topics": ["behavioralReflection", "selfConcept", "behavioralReflection", "identityRole"],
        ])
        #expect(event.canonicalData["topics"] == ["selfConcept", "identityRole", "behavioralReflection"])
    }

    @Test func unknownFieldsAreRefused() {
        let error = #expect(throws: DomainError.self) {
            try CoachingEvent(type: "GoalStated", data: [
                "goalId": "g1", "sessionId": "s1", "salesperson": "dana", "text": "Grow", "priority": "high",
            ])
        }
        #expect(error?.rule == "field.unknown")
        #expect(error?.message.contains("priority") == true)
        // Field names are case-sensitive.
        let cased = #expect(throws: DomainError.self) {
            try CoachingEvent(type: "SessionClosed", data: ["sessionID": "s1", "sessionId": "s1", "salesperson": "dana"])
        }
        #expect(cased?.rule == "field.unknown")
    }

    @Test func equalEventsGiveByteEqualCanonicalData() throws {
        let a = try CoachingEvent(type: "SessionOpened", data: [
            "sessionId": "s1", "salesperson": "dana", "coach": "lee", "at": "2026-09-07T11:00:00+02:00",
            "topics": ["personalGoals", "selfConcept"],
        ])
        let b = try CoachingEvent(type: "SessionOpened", data: [
            "topics": ["selfConcept", "personalGoals", "selfConcept"], "coach": " lee ", "salesperson": "dana",
            "sessionId": "s1", "at": "2026-09-07T09:00:00.000Z",
        ])
        #expect(a == b)
        #expect(a.canonicalData == b.canonicalData)
        #expect(JSONWriter.bytes(a.canonicalData) == JSONWriter.bytes(b.canonicalData))
        #expect(JSONWriter.string(a.canonicalData)
            == #"{"at":"2026-09-07T09:00:00Z","coach":"lee","salesperson":"dana","sessionId":"s1","topics":["selfConcept","personalGoals"]}"#)
        // Different content, different bytes.
        let c = try CoachingEvent(type: "SessionOpened", data: ["sessionId": "s1", "salesperson": "dana", "coach": "kim"])
        #expect(JSONWriter.bytes(c.canonicalData) != JSONWriter.bytes(a.canonicalData))
    }

    @Test func canonicalDataDecodesToTheSameEvent() throws {
        let events: [(String, JSONValue)] = [
            ("SessionOpened", ["sessionId": "s1", "salesperson": "dana", "coach": "lee", "topics": ["identityRole"]]),
            ("GoalStated", ["goalId": "g1", "sessionId": "s1", "salesperson": "dana", "text": " Grow ", "area": "income"]),
            ("CommitmentMade", ["commitmentId": "c1", "sessionId": "s1", "salesperson": "dana", "kind": "different",
                                "text": "Ask", "due": "2026-09-13", "at": "2026-09-07T09:40:00.250Z"]),
            ("CommitmentReviewed", ["commitmentId": "c1", "sessionId": "s2", "salesperson": "dana",
                                    "outcome": "partial", "note": "Half"]),
            ("InsightNoted", ["sessionId": "s1", "salesperson": "dana", "topic": "personalGoals", "text": "Wants time"]),
            ("SessionClosed", ["sessionId": "s1", "salesperson": "dana", "at": "2026-09-07"]),
        ]
        for (type, data) in events {
            let event = try CoachingEvent(type: type, data: data)
            let again = try CoachingEvent(type: type, data: event.canonicalData)
            #expect(again == event, "\(type)")
            #expect(again.canonicalData == event.canonicalData, "\(type)")
            let envelope = EventEnvelope(position: 1, eventId: "e1", type: event.type, salesperson: event.salesperson,
                                         streamVersion: 1, recordedAt: Timestamp(milliseconds: 0), data: event.canonicalData)
            #expect(try envelope.decoded() == event)
        }
    }

    @Test func theModelKeepsCanonicalDataForText() throws {
        var h = History()
        try h.open("s1", "dana", coach: "lee", at: "2026-09-07T09:00:00Z")
        try h.goal("g1", "s1", "dana", text: "  Earn more  ", at: "2026-09-07T09:10:00Z")
        #expect(h.model.eventData(at: 2)?["text"] == "Earn more")
        #expect(h.model.eventData(at: 3) == nil)
    }
}

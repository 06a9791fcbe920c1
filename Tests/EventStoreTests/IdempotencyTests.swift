import CoachLogJSON
import CoachLogTestSupport
import CoachLogProtocol
import CoachingDomain
import EventStore
import Testing

/// Retries are recognised per event, byte for byte: text that differs only in
/// its Unicode spelling is other content, never a replay.
@Suite struct IdempotencyTests {
    /// A commitment whose text and ids use `é`, spelled as given.
    static func commitment(text: String, id: String = "evt-c1") -> ProposedEvent {
        var event = commit("dana", "s1", "c1")
        guard case .object(var fields) = event.data else { return event }
        fields["text"] = .string(text)
        event.data = .object(fields)
        event.eventId = id
        return event
    }

    @Test func retryWithACanonicallyEquivalentSpellingIsAConflict() throws {
        let folder = TemporaryFolder()
        let store = try EventStore(directory: folder.path)
        try store.append(open("dana", "s1"))
        let composed = "Caf\u{E9} visits on Fridays"  // é as one scalar
        let decomposed = "Cafe\u{301} visits on Fridays"  // e + combining accent: == in Swift, other bytes
        #expect(composed == decomposed && Array(composed.utf8) != Array(decomposed.utf8))
        let first = try store.append(Self.commitment(text: composed))
        #expect(!first.replayed)
        // The same bytes again: a replay.
        let same = try store.append(Self.commitment(text: composed))
        #expect(same.replayed && same.positions == first.positions)
        // Canonically equivalent but other bytes: a conflict, and nothing is written.
        let before = try store.snapshot()
        #expect {
            try store.append(Self.commitment(text: decomposed))
        } throws: { error in
            (error as? StoreError)?.kind == .conflict && "\(error)".contains("evt-c1")
        }
        let after = try store.snapshot()
        #expect(before.0 == after.0 && before.1 == after.1 && before.2 == after.2)
        // The stored text is still the composed spelling.
        let stored = try store.read(after: 0, limit: 10).events.last?.data["text"]?.stringValue
        #expect(stored.map { Array($0.utf8) } == Array(composed.utf8))
    }

    @Test func retryWithACanonicallyEquivalentIdInTheDataIsAConflict() throws {
        let folder = TemporaryFolder()
        let store = try EventStore(directory: folder.path)
        var opened = open("dana", "s-caf\u{E9}")
        opened.eventId = "evt-open"
        try store.append(opened)
        var retry = open("dana", "s-cafe\u{301}")
        retry.eventId = "evt-open"
        #expect {
            try store.append(retry)
        } throws: { error in
            (error as? StoreError)?.kind == .conflict
        }
        #expect(try store.headPosition() == 1)
    }

    @Test func replayedRetryReportsTheLargestStreamVersionOfItsEvents() throws {
        let folder = TemporaryFolder()
        let store = try EventStore(directory: folder.path)
        var events = [open("dana", "s1"), commit("dana", "s1", "c1"), commit("dana", "s1", "c2")]
        for index in events.indices { events[index].eventId = "evt-\(index + 1)" }
        let first = try store.append(AppendRequest(events: events), now: clock)
        #expect(first.streamVersion == 3)
        try store.append(commit("dana", "s1", "c3"))  // the stream moves on to version 4
        let reversed = try store.append(AppendRequest(events: events.reversed()), now: clock)
        #expect(reversed.replayed)
        #expect(reversed.positions == [3, 2, 1])
        #expect(reversed.streamVersion == 3)
        let subset = try store.append(AppendRequest(events: [events[1], events[0]]), now: clock)
        #expect(subset.replayed && subset.positions == [2, 1])
        #expect(subset.streamVersion == 2)
        // Stored and new eventIds mixed: a conflict.
        var fresh = commit("dana", "s1", "c9")
        fresh.eventId = "evt-new"
        #expect {
            try store.append(AppendRequest(events: [events[0], fresh]), now: clock)
        } throws: { error in
            (error as? StoreError)?.kind == .conflict
        }
        #expect(try store.headPosition() == 4)
    }
}

/// eventIds are keys compared byte for byte, with the documented shape.
@Suite struct EventIdShapeTests {
    @Test(arguments: ["evt 1", "evt\t1", "evt\u{7}1", "", String(repeating: "x", count: 129)])
    func malformedEventIdsAreRefused(_ id: String) throws {
        var event = open("dana", "s1")
        event.eventId = id
        #expect {
            try AppendRequest(events: [event]).prepare()
        } throws: { error in
            (error as? StoreError)?.rule == "eventId.format"
        }
    }

    @Test func canonicallyEquivalentEventIdsAreTwoIds() throws {
        var a = open("dana", "s1")
        a.eventId = "caf\u{E9}"
        var b = IdempotencyTests.commitment(text: "Call", id: "cafe\u{301}")
        b.eventId = "cafe\u{301}"
        // Not "appears twice": the two spellings are different keys.
        #expect(try AppendRequest(events: [a, b]).prepare().events.count == 2)
    }
}

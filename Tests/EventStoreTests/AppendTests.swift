import CoachLogJSON
import CoachLogTestSupport
import CoachLogProtocol
import CoachingDomain
import EventStore
import Testing

@Suite struct AppendTests {
    @Test func positionsAndStreamVersions() throws {
        let folder = TemporaryFolder()
        let store = try EventStore(directory: folder.path)
        let a = try store.append(open("dana", "s1"), commit("dana", "s1", "c1"))
        #expect(a.positions == [1, 2])
        #expect(a.streamVersion == 2)
        let b = try store.append(open("omar", "s2"))
        #expect(b.positions == [3])
        #expect(b.streamVersion == 1)
        let c = try store.append(commit("dana", "s1", "c2"), expectedVersion: 2)
        #expect(c.positions == [4])
        #expect(c.streamVersion == 3)
        let all = try store.read(after: 0, limit: 100)
        #expect(all.events.map(\.position) == [1, 2, 3, 4])
        #expect(all.events.map(\.streamVersion) == [1, 2, 1, 3])
        #expect(all.next == 4)
        let dana = try store.read(after: 1, limit: 100, salesperson: "dana")
        #expect(dana.events.map(\.position) == [2, 4])
        let page = try store.read(after: 0, limit: 2)
        #expect(page.events.map(\.position) == [1, 2])
        #expect(page.next == 2)
    }

    @Test func expectedVersionConflictWritesNothing() throws {
        let folder = TemporaryFolder()
        let store = try EventStore(directory: folder.path)
        try store.append(open("dana", "s1"))
        let before = try store.snapshot()
        #expect {
            try store.append(commit("dana", "s1", "c1"), expectedVersion: 0)
        } throws: { error in
            (error as? StoreError)?.kind == .conflict && "\(error)".contains("version 1")
        }
        let after = try store.snapshot()
        #expect(before.0 == after.0 && before.1 == after.1 && before.2 == after.2)
    }

    @Test func idempotentRetryReturnsOriginalPositions() throws {
        let folder = TemporaryFolder()
        let store = try EventStore(directory: folder.path)
        var e1 = open("dana", "s1")
        e1.eventId = "evt-1"
        var e2 = commit("dana", "s1", "c1")
        e2.eventId = "evt-2"
        let first = try store.append(e1, e2)
        try store.append(open("omar", "s9"))
        let retry = try store.append(e1, e2)
        #expect(retry.positions == first.positions)
        #expect(retry.streamVersion == 2)
        #expect(retry.replayed)
        #expect(try store.headPosition() == 3)
        // Same id, other content: conflict, nothing written.
        var changed = e2
        changed.data = commit("dana", "s1", "c1", kind: "better").data
        let before = try store.snapshot()
        #expect(throws: StoreError.self) { try store.append(e1, changed) }
        // Only some of the ids known: conflict too.
        var fresh = commit("dana", "s1", "c3")
        fresh.eventId = "evt-3"
        #expect(throws: StoreError.self) { try store.append(e1, fresh) }
        let after = try store.snapshot()
        #expect(before.0 == after.0 && before.1 == after.1 && before.2 == after.2)
    }

    @Test func multiEventAppendIsAtomic() throws {
        let folder = TemporaryFolder()
        let store = try EventStore(directory: folder.path)
        try store.append(open("dana", "s1"))
        let before = try store.snapshot()
        // The last event reviews a commitment in the session it was made in: invalid.
        #expect {
            try store.append(
                commit("dana", "s1", "c1"), commit("dana", "s1", "c2"),
                review("dana", "s1", "c1", outcome: "kept", at: "2026-09-07T09:20:00Z"))
        } throws: { error in
            (error as? StoreError)?.rule == "review.laterSession"
        }
        let after = try store.snapshot()
        #expect(before.0 == after.0 && before.1 == after.1 && before.2 == after.2)
        // And the ids it tried to use are still free.
        #expect(try store.append(commit("dana", "s1", "c1")).positions == [2])
    }

    @Test func everyRuleRefusesAndLeavesTheStoreUnchanged() throws {
        let folder = TemporaryFolder()
        let store = try EventStore(directory: folder.path)
        try store.append(open("dana", "s1"), commit("dana", "s1", "c1"))
        try store.append(open("omar", "o1", coach: "kim"))
        try store.append(close("dana", "s1"))
        let cases: [(ProposedEvent, String)] = [
            (open("dana", "s1"), "id.unique"),
            (commit("dana", "s1", "c9"), "session.closed"),
            (commit("dana", "nope", "c9"), "session.exists"),
            (commit("dana", "o1", "c9"), "session.salesperson"),
            (review("omar", "o1", "c1", outcome: "kept", at: "2026-09-14T09:00:00Z"), "commitment.salesperson"),
            (review("dana", "s1", "zz", outcome: "kept", at: "2026-09-14T09:00:00Z"), "commitment.exists"),
            (close("dana", "s1"), "session.closed"),
            (ProposedEvent(type: "Nonsense", data: [:]), "event.type"),
            (ProposedEvent(type: "SessionOpened", data: ["sessionId": "x", "salesperson": " ", "coach": "lee"]), "name.required"),
            (ProposedEvent(type: "SessionOpened", data: ["sessionId": "x", "salesperson": "a", "coach": "lee", "extra": 1]), "field.unknown"),
            (ProposedEvent(type: "InsightNoted", data: ["sessionId": "o1", "salesperson": "omar", "topic": "golf", "text": "x"]), "field.value"),
            (ProposedEvent(type: "GoalStated", data: ["goalId": "g", "sessionId": "o1", "salesperson": "omar", "text": "   "]), "text.required"),
            (commit("omar", "o1", "c9", due: "2026-02-30"), "field.date"),
        ]
        let before = try store.snapshot()
        for (event, rule) in cases {
            #expect {
                try store.append(event)
            } throws: { error in
                (error as? StoreError)?.kind == .validation && (error as? StoreError)?.rule == rule
            }
        }
        #expect {
            try store.append(open("zed", "z1"), open("yan", "y1"))
        } throws: { error in
            (error as? StoreError)?.rule == "append.oneStream"
        }
        let after = try store.snapshot()
        #expect(before.0 == after.0 && before.1 == after.1 && before.2 == after.2)
    }

    @Test func namesTooLongForAStorageKeyAreRefusedAlone() throws {
        let folder = TemporaryFolder()
        let store = try EventStore(directory: folder.path)
        // 180 characters passes the character limit but is 540 bytes of UTF-8: over LMDB's key limit.
        let longName = String(repeating: "語", count: 180)
        let batch = try [AppendRequest(events: [open("dana", "s1")]).prepare()]
        #expect {
            _ = try AppendRequest(events: [open(longName, "s2")]).prepare()
        } throws: { error in
            (error as? StoreError)?.rule == "name.length"
        }
        #expect(try store.commit(batch, now: clock).count == 1)
        #expect(try store.headPosition() == 1)
    }

    @Test func canonicallyEquivalentNamesAreDifferentSalespeople() throws {
        let folder = TemporaryFolder()
        let store = try EventStore(directory: folder.path)
        let composed = "Jos\u{E9}"  // é as one scalar
        let decomposed = "Jose\u{301}"  // e + combining accent: == in Swift, other bytes on disk
        try store.append(open(composed, "s1"))
        #expect {
            try store.append(commit(decomposed, "s1", "c1"))
        } throws: { error in
            (error as? StoreError)?.rule == "session.salesperson"
        }
        #expect(try store.headPosition() == 1)
    }

    @Test func groupCommitFailsOnlyTheInvalidAppend() throws {
        let folder = TemporaryFolder()
        let store = try EventStore(directory: folder.path)
        let batch = try [
            AppendRequest(events: [open("dana", "s1")]).prepare(),
            AppendRequest(events: [commit("dana", "missing", "c1")]).prepare(),
            AppendRequest(events: [open("omar", "o1")]).prepare(),
            AppendRequest(events: [commit("dana", "s1", "c1")]).prepare(),
        ]
        let results = try store.commit(batch, now: clock)
        #expect(try results[0].get().positions == [1])
        #expect(throws: StoreError.self) { try results[1].get() }
        #expect(try results[2].get().positions == [2])
        #expect(try results[3].get().positions == [3])
        #expect(try store.headPosition() == 3)
    }
}

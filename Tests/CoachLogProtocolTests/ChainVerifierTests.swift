import CoachLogJSON
import CoachLogProtocol
import HashChain
import Testing

/// The offline verifier (`coachlog verify-export`) on envelopes built here
/// byte by byte, as Protocol.md §4.6 lays them out: what each edit of an
/// export or a log is reported as.
@Suite("The hash chain, checked offline")
struct ChainVerifierTests {
    /// SHA-256 of 32 zero bytes and nothing else: the genesis value chained with an empty event.
    @Test("the chain is SHA-256 over the previous hash and the stored bytes, from 32 zero bytes")
    func knownValue() {
        #expect(ChainHash.genesis.hex == String(repeating: "0", count: 64))
        #expect(ChainHash.genesis.next([]).hex == "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925")
        // SHA-256("") is not it: the previous hash is part of the input.
        #expect(ChainHash.genesis.next([]).hex != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test("base64 round-trips every length and refuses what is not base64")
    func base64() {
        for n in 0..<40 {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes, "\(n) bytes")
        }
        #expect(Base64.encode(Array("any carnal pleas".utf8)) == "YW55IGNhcm5hbCBwbGVhcw==")
        #expect(Base64.decode("YW55*") == nil)
        #expect(Base64.decode("abc") == nil)
    }

    /// The stored bytes of a SessionClosed event: version 3, type 6, the eventId, person 7,
    /// the stream version, the time, `{"sessionId":…}` and no free text.
    static func stored(_ eventId: String, version: UInt64, at ms: Int64, session: String) -> [UInt8] {
        var bytes: [UInt8] = [3, 6, UInt8(eventId.utf8.count)] + Array(eventId.utf8)
        bytes += [0, 0, 0, 0, 0, 0, 0, 7]
        bytes.append(UInt8(version))
        withUnsafeBytes(of: ms.bigEndian) { bytes += $0 }
        let clear = Array("{\"sessionId\":\"\(session)\"}".utf8)
        bytes.append(UInt8(clear.count))
        bytes += clear
        bytes.append(0)
        return bytes
    }

    /// A chained log of `count` SessionClosed events.
    static func log(_ count: Int) -> [EventEnvelope] {
        var link = ChainHash.genesis
        return (1...count).map { i in
            let ms = Int64(1_770_000_000_000 + i * 60_000)
            let bytes = stored("e\(i)", version: UInt64(i), at: ms, session: "s\(i)")
            link = link.next(bytes)
            return EventEnvelope(
                position: UInt64(i), eventId: "e\(i)", type: .sessionClosed, salesperson: "dana", streamVersion: UInt64(i),
                recordedAt: Timestamp(milliseconds: ms), data: ["sessionId": .string("s\(i)"), "salesperson": "dana"],
                hash: link, stored: bytes)
        }
    }

    static func verify(_ events: [EventEnvelope], head: ExpectedHead? = nil) -> ChainVerifier {
        var verifier = ChainVerifier(expecting: head)
        for event in events { verifier.check(event) }
        verifier.finish()
        return verifier
    }

    @Test("an untouched log verifies, and holds its own head")
    func untouched() {
        let events = Self.log(8)
        let verifier = Self.verify(events, head: ExpectedHead(position: 8, hash: events[7].hash!))
        #expect(verifier.problems.isEmpty, "\(verifier.problems)")
        #expect(verifier.found == 8)
        #expect(verifier.link == events[7].hash)
    }

    @Test("one byte changed in one event's stored data: that event, and only it, is reported")
    func oneByte() {
        var events = Self.log(8)
        events[4].stored![events[4].stored!.count - 3] ^= 0x01
        let verifier = Self.verify(events)
        #expect(verifier.firstBadPosition == 5)
        #expect(Set(verifier.problems.map(\.position)) == [5])
    }

    @Test("what a line shows must be what its stored bytes hold")
    func shownFields() {
        var events = Self.log(8)
        events[2].data = ["sessionId": "forged", "salesperson": "dana"]
        events[5].recordedAt = Timestamp(milliseconds: 0)
        let verifier = Self.verify(events)
        #expect(verifier.firstBadPosition == 3)
        #expect(verifier.problems.map(\.description).contains { $0.contains("data.sessionId") })
        #expect(verifier.problems.map(\.description).contains { $0.hasPrefix("position 6") && $0.contains("recordedAt") })
    }

    @Test("one person number shows one name: a name changed in an export is found")
    func names() {
        var events = Self.log(8)
        #expect(Self.verify(events).problems.isEmpty)
        events[6].salesperson = "erin"
        let verifier = Self.verify(events)
        #expect(verifier.firstBadPosition == 7)
        #expect(verifier.problems.map(\.description).contains { $0.contains("\"erin\"") && $0.contains("\"dana\"") })
    }

    @Test("an event deleted, two reordered, the tail replaced: each names the first bad position")
    func edits() {
        var deleted = Self.log(8)
        deleted.remove(at: 3)
        #expect(Self.verify(deleted).firstBadPosition == 4)

        // Reordered with their positions kept in order: only the chain can tell.
        var swapped = Self.log(8)
        let (a, b) = (swapped[2], swapped[5])
        swapped[2] = b
        swapped[2].position = 3
        swapped[5] = a
        swapped[5].position = 6
        #expect(Self.verify(swapped).firstBadPosition == 3)

        // The tail from 6 on replaced by events of another log of the same length.
        let original = Self.log(8)
        var other = Self.log(9)
        other.removeFirst()
        for i in other.indices { other[i].position = UInt64(i + 1) }
        let replaced = Array(original.prefix(5)) + Array(other.suffix(3))
        #expect(Self.verify(replaced).firstBadPosition == 6)
    }

    @Test("a tail rewritten and chained again is caught only by a head kept elsewhere")
    func rewrittenTail() {
        let original = Self.log(8)
        let head = ExpectedHead(position: 8, hash: original[7].hash!)
        // Events 6–8 replaced and the chain recomputed from 5: consistent in itself.
        var rewritten = Array(original.prefix(5))
        var link = rewritten[4].hash!
        for i in 6...8 {
            let bytes = Self.stored("x\(i)", version: UInt64(i), at: 1_770_000_000_000, session: "x\(i)")
            link = link.next(bytes)
            rewritten.append(
                EventEnvelope(
                    position: UInt64(i), eventId: "x\(i)", type: .sessionClosed, salesperson: "dana", streamVersion: UInt64(i),
                    recordedAt: Timestamp(milliseconds: 1_770_000_000_000), data: ["sessionId": .string("x\(i)"), "salesperson": "dana"],
                    hash: link, stored: bytes))
        }
        #expect(Self.verify(rewritten).problems.isEmpty)
        let checked = Self.verify(rewritten, head: head)
        #expect(checked.firstBadPosition == 8, "\(checked.problems)")
        #expect(Self.verify(Array(original.prefix(6)), head: head).firstBadPosition == 7)
        #expect(Self.verify(original, head: ExpectedHead("5:\(original[4].hash!.hex)")).problems.isEmpty)
        #expect(ExpectedHead("nonsense") == nil)
    }

    @Test("a signed head verifies with the public key alone, and not once anything it covers changes")
    func signedHead() throws {
        let key = try #require(SigningKey(seed: Array(repeating: 7, count: 32)))
        let head = try key.sign(position: 8, hash: Self.log(8)[7].hash!, signedAtMilliseconds: 1_770_000_000_000)
        #expect(head.isSigned(by: key.publicKey))
        var moved = head
        moved.position = 7
        #expect(!moved.isSigned(by: key.publicKey))
        var later = head
        later.signedAtMilliseconds += 1
        #expect(!later.isSigned(by: key.publicKey))
        let other = try #require(SigningKey(seed: Array(repeating: 8, count: 32)))
        #expect(!head.isSigned(by: other.publicKey))
        #expect(SignedHead(position: 8, storedValue: head.storedValue) == head)
    }
}

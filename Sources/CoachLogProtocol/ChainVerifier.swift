import CoachLogJSON
import HashChain

/// Checks a sequence of events, as `read` returns them with `"stored": true`
/// or `coachlog export` writes them, against the hash chain, without the
/// daemon: each event's `hash` must follow from the previous one and its
/// `stored` bytes, and what the envelope shows (eventId, type, stream
/// version, time, the data's clear members) must be what those bytes hold.
///
/// Feed it the events of the whole log from position 1, in order. After a
/// mismatch it goes on from the event's own hash, so that each changed event
/// is reported, not every one after it.
///
/// What it cannot check: names and free text are sealed outside the hashed
/// bytes (so that erasure never breaks the chain). It checks that each person
/// number shows one name throughout, not which name; and a log cut short
/// verifies unless a head kept elsewhere (`ExpectedHead`) says how far it went.
public struct ChainVerifier: Sendable {
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var position: UInt64
        public var message: String
        public var description: String { "position \(position): \(message)" }
    }

    public private(set) var problems: [Problem] = []
    /// The hash of the last event checked (the genesis value before any).
    public private(set) var link = ChainHash.genesis
    /// The position of the last event checked.
    public private(set) var position: UInt64 = 0
    /// Where the expected head's hash was found.
    public private(set) var found: UInt64?
    private let expected: ExpectedHead?
    /// The name each person number was first shown with: names are sealed outside the chain, so the
    /// check is that one number always shows one name (a swapped or renamed person shows two).
    private var names: [UInt64: String] = [:]
    private var wanted: ChainHash? { expected?.hash }

    /// `expected`: a head kept elsewhere (a signed checkpoint) the events must hold.
    public init(expecting expected: ExpectedHead? = nil) { self.expected = expected }

    /// Checks the expected head, once every event was checked.
    public mutating func finish() {
        guard let expected else { return }
        if let found {
            if let position = expected.position, position != found {
                report(min(position, found), "the head's hash is at position \(found), not \(position)")
            }
        } else if let position = expected.position, position <= self.position {
            report(
                position,
                "the events up to \(position) are not the ones the head given was taken from: the chain itself holds, so they were rewritten from some position on, and \(position) is the last that can be bad"
            )
        } else {
            report(
                position + 1,
                "no event has the head's hash\(expected.position.map { " (position \($0))" } ?? ""): the events end at \(position), before the head, or were rewritten"
            )
        }
    }

    /// The first position shown to be changed, removed or moved; nil when none is.
    public var firstBadPosition: UInt64? { problems.map(\.position).min() }

    public mutating func check(_ event: EventEnvelope) {
        let p = event.position
        if p != position + 1 {
            if p > position + 1 {
                report(position + 1, "positions \(position + 1)–\(p - 1) are missing (the next event is \(p))")
            } else {
                report(p, "position \(p) comes after \(position): events were reordered or repeated")
            }
        }
        position = p
        guard let hash = event.hash else {
            report(p, "the event has no hash (exported from a coachlogd without the hash chain?)")
            return
        }
        defer {
            link = hash
            if hash == wanted, found == nil { found = p }
        }
        guard let stored = event.stored else {
            report(p, "the event has no stored bytes; export again with `coachlog export`, which asks for them")
            return
        }
        if link.next(stored) != hash {
            report(
                p,
                "its hash does not follow from the event before it and its stored bytes: this event or the one before it was changed, removed or moved"
            )
        }
        do {
            let envelope = try StoredEnvelope(bytes: stored)
            for field in Self.differences(event, envelope) {
                report(p, "its \(field) is not what its stored bytes hold")
            }
            name(envelope.person, event.salesperson, at: p)
            if case .object(let data) = event.data {
                for member in event.type.otherPersonFields {
                    guard case .string(let token)? = envelope.clear[member], token.hasPrefix("#"),
                        let id = UInt64(token.dropFirst(), radix: 16), case .string(let shown)? = data[member]
                    else { continue }
                    name(id, shown, at: p)
                }
            }
        } catch {
            report(p, "its stored bytes cannot be read: \(error)")
        }
    }

    private mutating func name(_ person: UInt64, _ shown: String, at position: UInt64) {
        guard let earlier = names[person] else {
            names[person] = shown
            return
        }
        if earlier != shown {
            report(
                position,
                "it shows person #\(String(person, radix: 16)) as \"\(shown)\", whom earlier events show as \"\(earlier)\": a name was changed")
        }
    }

    private mutating func report(_ position: UInt64, _ message: String) {
        problems.append(Problem(position: position, message: message))
    }

    /// The envelope's fields that differ from its stored bytes.
    static func differences(_ event: EventEnvelope, _ stored: StoredEnvelope) -> [String] {
        var fields: [String] = []
        if event.eventId != stored.eventId { fields.append("eventId") }
        if event.type != stored.type { fields.append("type") }
        if event.streamVersion != stored.streamVersion { fields.append("streamVersion") }
        if event.recordedAt != stored.recordedAt { fields.append("recordedAt") }
        guard case .object(let data) = event.data else { return fields + ["data"] }
        let people = Set(event.type.otherPersonFields)
        for (member, value) in stored.clear where !people.contains(member) {
            if data[member] != value { fields.append("data.\(member)") }
        }
        for (bit, member) in EventType.freeTextFields.enumerated() {
            if (data[member] != nil) != (stored.textMask & (1 << bit) != 0) { fields.append("data.\(member)") }
        }
        for member in data.keys.sorted()
        where member != "salesperson" && stored.clear[member] == nil && !EventType.freeTextFields.contains(member) {
            fields.append("data.\(member)")
        }
        return fields
    }
}

/// A head kept elsewhere that a log or an export must hold: its hash, and
/// where it was taken when known. Written `HASH` or `POSITION:HASH`.
public struct ExpectedHead: Sendable, Equatable {
    public var position: UInt64?
    public var hash: ChainHash

    public init(position: UInt64?, hash: ChainHash) {
        self.position = position
        self.hash = hash
    }

    /// Nil unless `text` is `HASH` or `POSITION:HASH`.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard let hash = ChainHash(hex: parts.count == 2 ? parts[1] : parts[0]) else { return nil }
        self.hash = hash
        if parts.count == 2 {
            guard let position = UInt64(parts[0]) else { return nil }
            self.position = position
        }
    }
}

import LMDB
import Sealing

/// The named LMDB databases of a CoachLog store.
///
/// - `meta`: format marker, format version, projection version, checkpoint,
///   and while an upgrade runs, the next position it converts.
/// - `log`: position (8-byte big-endian) → envelope. Append-only.
/// - `chain`: position → the event's chain hash (32 bytes): SHA-256 of the
///   previous event's hash and the event's `log` value, written in the same
///   transaction as the event (see `EventStore+Chain`).
/// - `signedHeads`: position → a head signed with the daemon's key
///   (`SignedHead.storedValue`): witnesses `verify` checks the chain against.
/// - `eventIds`: eventId → position of the event carrying it.
/// - `keys`: person id (8 bytes) → their data key wrapped by the master key and
///   their name sealed by it, or a lone 0 once forgotten (see `KeyRing`).
/// - `streamIndex`: person id, 0, position → stream version. Reads by
///   salesperson scan it; the last entry of a salesperson is their stream's
///   current version, so appending touches one page of it, not two tables.
/// - projections: `byPerson` (person id, 0, kind, position → session, goal or
///   commitment record), `sessions`, `goals`, `commitments` (id → its `byPerson`
///   key), `people` (by person id), `insights` (person id, 0, position → record).
///
/// No table holds a name or free text in clear: people are stored by id.
struct Tables: Sendable {
    let meta: Database
    let log: Database
    let eventIds: Database
    let streamIndex: Database
    let sessions: Database
    let goals: Database
    let commitments: Database
    let people: Database
    let insights: Database
    let byPerson: Database
    let keys: Database
    let chain: Database
    let signedHeads: Database

    /// The derived tables, by name: what a rebuild clears and recomputes.
    var projections: [(name: String, database: Database)] {
        [
            ("sessions", sessions), ("goals", goals), ("commitments", commitments), ("people", people),
            ("insights", insights), ("byPerson", byPerson),
        ]
    }

    static let names = [
        "meta", "log", "eventIds", "streamIndex", "sessions", "goals", "commitments", "people", "insights",
        "byPerson", "keys", "chain", "signedHeads",
    ]

    init(_ txn: Transaction, create: Bool) throws {
        meta = try txn.openDatabase("meta", create: create)
        log = try txn.openDatabase("log", create: create)
        eventIds = try txn.openDatabase("eventIds", create: create)
        streamIndex = try txn.openDatabase("streamIndex", create: create)
        sessions = try txn.openDatabase("sessions", create: create)
        goals = try txn.openDatabase("goals", create: create)
        commitments = try txn.openDatabase("commitments", create: create)
        people = try txn.openDatabase("people", create: create)
        insights = try txn.openDatabase("insights", create: create)
        byPerson = try txn.openDatabase("byPerson", create: create)
        keys = try txn.openDatabase("keys", create: create)
        chain = try txn.openDatabase("chain", create: create)
        signedHeads = try txn.openDatabase("signedHeads", create: create)
    }
}

enum MetaKey {
    static let marker = Array("coachlog.store".utf8)
    static let markerValue = Array("CoachLog event store".utf8)
    static let format = Array("format".utf8)
    static let projectionVersion = Array("projectionVersion".utf8)
    static let checkpoint = Array("checkpoint".utf8)
    /// Present only while `upgradeLog` converts the log: the next position to convert.
    static let upgradeNext = Array("upgradeNext".utf8)
    /// Present only while `extendChain` hashes the log of a store older than
    /// format 7: the next position to hash.
    static let chainNext = Array("chainNext".utf8)
    /// Present from the sealing of an older store until its compacted copy
    /// replaces the file (see `EventStore.sealOlderStore`).
    static let clearPages = Array("clearPages".utf8)
    /// The fingerprint of the master key that wraps the data keys.
    static let masterKey = Array("masterKey".utf8)
}

func personKey(_ person: PersonID, _ tag: UInt8? = nil, _ position: UInt64? = nil) -> [UInt8] {
    var key: [UInt8] = []
    key.reserveCapacity(18)
    key.append(contentsOf: person.bigEndianBytes)
    key.append(0)
    if let tag { key.append(tag) }
    if let position { key.append(contentsOf: bigEndianKey(position)) }
    return key
}

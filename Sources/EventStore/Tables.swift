import LMDB

/// The named LMDB databases of a CoachLog store.
///
/// - `meta`: format marker, format version, projection version, checkpoint,
///   and while an upgrade runs, the next position it converts.
/// - `log`: position (8-byte big-endian) → envelope. Append-only.
/// - `eventIds`: eventId → position of the event carrying it.
/// - `streamIndex`: salesperson, 0, position → stream version. Reads by
///   salesperson scan it; the last entry of a salesperson is their stream's
///   current version, so appending touches one page of it, not two tables.
/// - projections: `byPerson` (salesperson, 0, kind, position → session, goal or
///   commitment record), `sessions`, `goals`, `commitments` (id → its `byPerson`
///   key), `people` (by name), `insights` (salesperson, 0, position → record) and
///   `peopleByFold` (folded name, 0, name → nothing: the look-alike check's index).
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
    let peopleByFold: Database

    /// The derived tables, by name: what a rebuild clears and recomputes.
    var projections: [(name: String, database: Database)] {
        [
            ("sessions", sessions), ("goals", goals), ("commitments", commitments), ("people", people),
            ("insights", insights), ("byPerson", byPerson), ("peopleByFold", peopleByFold),
        ]
    }

    static let names = [
        "meta", "log", "eventIds", "streamIndex", "sessions", "goals", "commitments", "people", "insights",
        "byPerson", "peopleByFold",
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
        peopleByFold = try txn.openDatabase("peopleByFold", create: create)
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
}

func personKey(_ salesperson: String, _ tag: UInt8? = nil, _ position: UInt64? = nil) -> [UInt8] {
    var key: [UInt8] = []
    key.reserveCapacity(salesperson.utf8.count + 10)
    key.append(contentsOf: salesperson.utf8)
    key.append(0)
    if let tag { key.append(tag) }
    if let position { key.append(contentsOf: bigEndianKey(position)) }
    return key
}

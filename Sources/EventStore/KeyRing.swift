import CoachLogProtocol
import LMDB
import Sealing
import Synchronization

/// Every person the store knows (salespeople and coaches), by the number it
/// stores in place of their name, with their data key. Loaded from the
/// `keys` table at open, where each entry holds the data key wrapped by the
/// master key and the name sealed by the data key; a forgotten person's entry
/// holds neither.
///
/// Guarantees: an id, once given, is never given to another name; a name
/// maps to at most one live id (a forgotten name gets a new one when it comes
/// back); lookups are safe from any thread.
final class KeyRing: Sendable {
    let master: MasterKey

    struct Person: Sendable {
        /// Nil once forgotten.
        var name: String?
        var key: DataKey?
    }

    private struct State: Sendable {
        var ids: [ExactName: PersonID] = [:]
        var people: [PersonID: Person] = [:]
    }

    private let state = Mutex(State())

    init(master: MasterKey) {
        self.master = master
    }

    /// What decoding shows for a person: their name, or their pseudonym and
    /// no key once forgotten.
    struct Shown: Sendable {
        var name: String
        var key: DataKey?
        var erased: Bool { key == nil }
    }

    func shown(_ id: PersonID) throws -> Shown {
        guard let person = state.withLock({ $0.people[id] }) else {
            throw StoreError(.storage, "a record names person \(id.pseudonym), whom the keys table does not hold; restore from a backup")
        }
        guard let name = person.name, let key = person.key else { return Shown(name: id.pseudonym, key: nil) }
        return Shown(name: name, key: key)
    }

    /// The live id of `name`, or the id of a forgotten person's pseudonym
    /// (never a live person's: their pseudonym is not a name they go by).
    func id(of name: String) -> PersonID? {
        if let id = state.withLock({ $0.ids[ExactName(name)] }) { return id }
        if let id = PersonID(pseudonym: name), state.withLock({ $0.people[id].map { $0.key == nil } ?? false }) {
            return id
        }
        return nil
    }

    func key(of id: PersonID) -> DataKey? { state.withLock { $0.people[id]?.key } }

    /// The id and data key of a live name, in one look-up (the writer's per-append path).
    func live(_ name: String) -> (id: PersonID, key: DataKey)? {
        state.withLock { state in
            guard let id = state.ids[ExactName(name)], let key = state.people[id]?.key else { return nil }
            return (id, key)
        }
    }

    /// The id for a name that must be stored: nil for an unknown name, whose
    /// caller makes a `NewPerson` and `adds` it once it is durable.
    func idForStoring(_ name: String) throws -> PersonID {
        guard let id = id(of: name) else {
            throw StoreError(.storage, "no key is known for a name the read model holds; restart coachlogd to rebuild it")
        }
        return id
    }

    /// A person not yet in the keys table: the entry to write with the first
    /// event that names them.
    struct NewPerson: Sendable {
        var id: PersonID
        var name: String
        var key: DataKey
    }

    func makePerson(_ name: String) -> NewPerson {
        var id = PersonID.random()
        while state.withLock({ $0.people[id] != nil }) { id = PersonID.random() }
        return NewPerson(id: id, name: name, key: DataKey.random())
    }

    /// The id and key of `name`; a person new to the store gets them, with
    /// their keys entry written in `txn` and their id added to `added` (so
    /// that a transaction that does not commit can take them back: `remove`).
    func register(_ name: String, in txn: Transaction, keys: Database, added: inout [PersonID]) throws
        -> (id: PersonID, key: DataKey)
    {
        if let known = live(name) { return known }
        let person = makePerson(name)
        try txn.put(keys, key: person.id.bigEndianBytes, value: entry(person))
        add([person])
        added.append(person.id)
        return (person.id, person.key)
    }

    /// Records people whose entries are now durable.
    func add(_ people: some Sequence<NewPerson>) {
        state.withLock { state in
            for p in people {
                state.ids[ExactName(p.name)] = p.id
                state.people[p.id] = Person(name: p.name, key: p.key)
            }
        }
    }

    /// Undoes `add` for people whose entries were never committed.
    func remove(_ ids: [PersonID]) {
        guard !ids.isEmpty else { return }
        state.withLock { state in
            for id in ids {
                if let name = state.people.removeValue(forKey: id)?.name, state.ids[ExactName(name)] == id {
                    state.ids[ExactName(name)] = nil
                }
            }
        }
    }

    /// Drops a person's name and key from memory, after their entry's
    /// destruction is durable.
    func forget(_ id: PersonID) {
        state.withLock { state in
            if let name = state.people[id]?.name, state.ids[ExactName(name)] == id { state.ids[ExactName(name)] = nil }
            state.people[id] = Person(name: nil, key: nil)
        }
    }

    var count: Int { state.withLock { $0.people.count } }

    // MARK: Stored form

    static let liveEntry: UInt8 = 1
    static let forgottenEntry: UInt8 = 0

    func entry(_ person: NewPerson) -> [UInt8] {
        var w = ByteWriter()
        w.u8(Self.liveEntry)
        w.blob(person.key.wrapped(by: master, for: person.id))
        w.blob(person.key.seal(Array(person.name.utf8), context: Self.nameContext(person.id)))
        return w.bytes
    }

    static var forgottenEntryBytes: [UInt8] { [forgottenEntry] }

    static func nameContext(_ id: PersonID) -> [UInt8] { Array("coachlog name".utf8) + id.bigEndianBytes }

    /// Loads every entry of `keys`, unwrapping each key with the master key.
    func load(_ txn: Transaction, _ keys: Database) throws {
        var loaded = State()
        try txn.scan(keys) { k, value in
            guard let raw = decodeBigEndian(k) else { throw ByteReader.Corrupt() }
            let id = PersonID(raw)
            var r = ByteReader(value)
            switch try r.u8() {
            case Self.forgottenEntry:
                loaded.people[id] = Person(name: nil, key: nil)
            case Self.liveEntry:
                let wrapped = try r.blob()
                let key: DataKey
                do {
                    key = try DataKey.unwrap(wrapped, by: master, for: id)
                } catch {
                    // The fingerprint matched: the key is right, so the entry is damaged.
                    throw StoreError(
                        .storage,
                        "the keys table entry of person \(Hex.string(id.bigEndianBytes)) does not open with this store's master key: the file is damaged; run coachlogd verify and restore from a backup"
                    )
                }
                guard let name = key.open(try r.blob(), context: Self.nameContext(id)) else {
                    throw StoreError(
                        .storage,
                        "the sealed name of person \(Hex.string(id.bigEndianBytes)) does not open: the file is damaged; run coachlogd verify and restore from a backup"
                    )
                }
                let person = Person(name: String(decoding: name, as: UTF8.self), key: key)
                loaded.people[id] = person
                loaded.ids[ExactName(person.name ?? "")] = id
            default:
                throw ByteReader.Corrupt()
            }
            return true
        }
        state.withLock { $0 = loaded }
    }
}

import CoachLogJSON
import CoachLogPOSIX
import CoachLogProtocol
import CoachingDomain
import LMDB

/// The store's in-memory read model and the lock that guards it.
///
/// Guarantees: `model` changes only under `lock`'s write side, and only by
/// the store's single writer (which holds the writer mutex as well). Queries
/// read it under the read side, so each sees one whole batch or none of it.
/// The writer itself may read it without the lock: nobody else changes it.
final class ModelHolder: @unchecked Sendable {
    let lock = ReadWriteLock(preferringWriters: true)
    var model = IndexedReadModel()
    /// The position of the last event folded into `model`.
    var position: UInt64 = 0
    /// Set once the model holds the whole log (see `EventStore.loadReadModel`).
    var loaded = false
}

/// The in-memory model seen through its holder (never a copy of it: a copy
/// would make the writer's next change copy the whole model), with free text
/// read from the event log in `txn`.
///
/// Readers must hold the holder's read lock for as long as they use a view,
/// and take it before beginning `txn`, so that every record they see points
/// at events `txn` can read.
struct ModelView: CoachingReadModel {
    let holder: ModelHolder
    let txn: Transaction
    let log: Database
    let ring: KeyRing

    func session(_ id: String) throws -> SessionRecord? { try holder.model.session(id) }
    func goal(_ id: String) throws -> GoalRecord? { try holder.model.goal(id) }
    func commitment(_ id: String) throws -> CommitmentRecord? { try holder.model.commitment(id) }
    func person(_ salesperson: String) throws -> PersonRecord? { try holder.model.person(salesperson) }
    func sessions(of salesperson: String) throws -> [SessionRecord] { try holder.model.sessions(of: salesperson) }
    func goals(of salesperson: String) throws -> [GoalRecord] { try holder.model.goals(of: salesperson) }
    func commitments(of salesperson: String) throws -> [CommitmentRecord] {
        try holder.model.commitments(of: salesperson)
    }
    func insights(of salesperson: String) throws -> [InsightRecord] { try holder.model.insights(of: salesperson) }
    func reviews(of salesperson: String) throws -> [ReviewFact] { try holder.model.reviews(of: salesperson) }
    func people() throws -> [PersonRecord] { try holder.model.people() }
    func people(foldedAs key: String) throws -> [PersonRecord] { try holder.model.people(foldedAs: key) }

    func organisationReviews(in window: Window) throws -> (total: Tally, byKind: ByKind)? {
        holder.model.organisationReviews(in: window)
    }
    func organisationSalespeople(asOf: AsOf) throws -> Int? { holder.model.organisationSalespeople(asOf: asOf) }
    func people(coachedBy coach: String, asOf: AsOf) throws -> [PersonRecord]? {
        holder.model.people(coachedBy: coach, asOf: asOf)
    }

    func eventData(at position: UInt64) throws -> JSONValue? {
        try txn.withValue(log, key: bigEndianKey(position)) {
            // Queries read the log for free text only.
            try RecordCodec.decodeTexts(position: position, $0, ring: ring)
        }
    }
}

import CoachLogJSON
import CoachLogProtocol
import CoachingDomain

/// One event of the log as the exporter receives it: the envelope's members,
/// read straight from the subscription line (Protocol.md §4.1).
public struct ExportedEvent: Sendable, Equatable {
    public var position: UInt64
    public var eventId: String
    public var type: String
    public var salesperson: String
    public var streamVersion: UInt64
    public var recordedAt: String
    public var data: JSONValue
    public var erased: Bool

    /// The members that hold free text (`text`, `note`, `reason`, `area`): the ones the daemon
    /// shows as null to the dashboard role and after `forget`.
    public static let freeTextMembers = ["text", "note", "reason", "area"]

    public init(envelope: JSONValue) throws(SyncError) {
        guard case .object(let o) = envelope, let position = o["position"]?.integerValue, position > 0,
            let eventId = o["eventId"]?.stringValue, let type = o["type"]?.stringValue,
            let salesperson = o["salesperson"]?.stringValue, let streamVersion = o["streamVersion"]?.integerValue,
            let recordedAt = o["recordedAt"]?.stringValue, let data = o["data"], case .object = data
        else {
            throw SyncError.daemon("coachlogd sent an event envelope that does not match Protocol.md §4.1")
        }
        self.position = UInt64(position)
        self.eventId = eventId
        self.type = type
        self.salesperson = salesperson
        self.streamVersion = UInt64(max(streamVersion, 0))
        self.recordedAt = recordedAt
        self.data = data
        self.erased = o["erased"]?.boolValue ?? false
    }

    /// A `SalespersonForgotten` event (Protocol.md §5.8).
    public var isForgetting: Bool { type == EventType.salespersonForgotten.rawValue }

    /// The typed event and its commit time, for the fold.
    public func decoded() throws(SyncError) -> (event: CoachingEvent, recordedAt: Timestamp) {
        guard EventType(rawValue: type) != nil else {
            throw SyncError.refused(
                "event \(position) has type \(type), which this coachlog-pgsync does not know (a newer coachlogd); "
                    + "nothing from it on was written; upgrade coachlog-pgsync, then start it again")
        }
        guard let time = Timestamp(iso8601: recordedAt) else {
            throw SyncError.daemon("event \(position) has an unreadable recordedAt \"\(recordedAt)\"")
        }
        do {
            return (try CoachingEvent(type: type, data: data, history: true), time)
        } catch {
            throw SyncError.daemon("event \(position) (\(type)) cannot be read back: \(error.message)")
        }
    }

    /// One row of `events`, in the column order of `Schema.events`; without `includeText`
    /// every free-text member present is written as null.
    public func encode(into copy: inout TextRows, includeText: Bool) {
        copy.integer(position)
        copy.text(eventId)
        copy.text(type)
        copy.text(salesperson)
        copy.integer(streamVersion)
        copy.text(recordedAt)
        var data = data
        if !includeText, case .object(var o) = data {
            for key in Self.freeTextMembers where o[key] != nil { o[key] = .null }
            data = .object(o)
        }
        copy.text(JSONWriter.string(data))
        copy.bool(erased)
        copy.endRow()
    }
}

/// The projection tables' rows for a set of people, in the column order of `Schema`.
public struct AnalyticsRows: Sendable {
    public var sessions = Schema.projectionTables[0].rows()
    public var reviews = Schema.projectionTables[1].rows()
    public var openCommitments = Schema.projectionTables[2].rows()
    public var cadence = Schema.projectionTables[3].rows()
    public var topics = Schema.projectionTables[4].rows()

    /// Each table's rows, in the order of `Schema.projectionTables`.
    public var all: [TextRows] { [sessions, reviews, openCommitments, cadence, topics] }

    public init() {}

    public mutating func add(_ person: PersonAnalytics) {
        let name = person.salesperson
        for s in person.sessions {
            sessions.text(s.sessionId)
            sessions.text(name)
            sessions.text(s.coach)
            sessions.text(s.openedAt.iso8601)
            sessions.text(s.closedAt?.iso8601)
            sessions.words(s.topics.map(\.rawValue))
            sessions.bool(s.closedAt == nil)
            sessions.integer(s.position)
            sessions.endRow()
        }
        for c in person.reviewed {
            guard let review = c.review else { continue }
            reviews.text(c.commitmentId)
            reviews.text(name)
            reviews.text(c.kind.rawValue)
            reviews.text(review.outcome.rawValue)
            reviews.text(review.at.iso8601)
            reviews.text(review.sessionId)
            reviews.text(c.sessionId)
            reviews.text(c.goalId)
            reviews.text(c.madeAt.iso8601)
            reviews.text(c.due.description)
            reviews.integer(c.textPosition)
            reviews.integer(review.notePosition)
            reviews.endRow()
        }
        for c in person.open {
            openCommitments.text(c.commitmentId)
            openCommitments.text(name)
            openCommitments.text(person.coach)
            openCommitments.text(c.sessionId)
            openCommitments.text(c.kind.rawValue)
            openCommitments.text(c.due.description)
            openCommitments.text(c.goalId)
            openCommitments.text(c.madeAt.iso8601)
            openCommitments.integer(c.textPosition)
            openCommitments.endRow()
        }
        cadence.text(name)
        cadence.text(person.coach)
        cadence.integer(person.sessions.count)
        cadence.text(person.firstSession.description)
        cadence.text(person.lastSession.description)
        cadence.double(person.meanGapDays)
        cadence.endRow()
        for topic in Topic.allCases {
            topics.text(name)
            topics.text(topic.rawValue)
            topics.text(person.lastCovered[topic]?.description)
            topics.endRow()
        }
    }
}

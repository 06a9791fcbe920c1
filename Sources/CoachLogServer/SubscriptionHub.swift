import CoachLogProtocol
import CoachingDomain
import NIOConcurrencyHelpers

/// Which events a subscription wants.
struct SubscriptionFilter: Sendable {
    var salesperson: String?
    var types: Set<EventType>?
    /// Send every event without its free text (the dashboard role).
    var withoutFreeText = false
    /// Asked before each batch is sent: nil while the connection's role may
    /// still see these events, else why not (a coach whose salesperson is now
    /// someone else's); the subscription then ends with `forbidden`.
    var recheck: (@Sendable () -> String?)? = nil

    func matches(_ e: EventEnvelope) -> Bool {
        (salesperson.map { sameKey($0, e.salesperson) } ?? true) && (types?.contains(e.type) ?? true)
    }
}

/// Fans newly committed events out to live subscriptions. The writer calls
/// `publish` after each commit, in position order, so every subscriber sees
/// live events in order.
final class SubscriptionHub: Sendable {
    private let subscribers = NIOLockedValueBox<[ObjectIdentifier: Subscription]>([:])

    func add(_ s: Subscription) {
        subscribers.withLockedValue { $0[ObjectIdentifier(s)] = s }
    }

    func remove(_ s: Subscription) {
        _ = subscribers.withLockedValue { $0.removeValue(forKey: ObjectIdentifier(s)) }
    }

    var count: Int { subscribers.withLockedValue { $0.count } }

    func publish(_ events: [EventEnvelope]) {
        let current = subscribers.withLockedValue { Array($0.values) }
        for s in current {
            let matching = events.filter(s.filter.matches)
            if !matching.isEmpty { s.deliver(matching) }
        }
    }
}

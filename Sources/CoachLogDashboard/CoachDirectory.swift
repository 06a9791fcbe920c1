import CoachLogJSON
import CoachLogProtocol
import NIOConcurrencyHelpers

/// The coaches for the overview's picker. Learnt from every organisation-wide
/// team answer; when a page shows one coach's team and nothing is known yet,
/// or the log has moved on, one `cadence` query (a row per salesperson with
/// their coach) fills it.
public final class CoachDirectory: Sendable {
    private struct State {
        var coaches: [String] = []
        var position: UInt64?
    }
    private let state = NIOLockedValueBox(State())

    /// Empty: the first overview fills it.
    public init() {}

    /// Takes the coaches of an organisation-wide team answer, which included every event up to `position`.
    func update(from team: TeamReport, position: UInt64) -> [String] {
        let coaches = Self.distinct(team.salespeople.map(\.coach))
        state.withLockedValue { $0 = State(coaches: coaches, position: position) }
        return coaches
    }

    /// The coaches, asking the daemon only when the log moved since they were learnt.
    func coaches(gateway: DaemonGateway) async throws(PageError) -> [String] {
        let position = gateway.latestPosition
        if let known = state.withLockedValue({ $0.position == position && !$0.coaches.isEmpty ? $0.coaches : nil }) {
            return known
        }
        let value: JSONValue
        do {
            value = try await gateway.request(.query(ProjectionQuery(.cadence)))
        } catch {
            throw PageError(error)
        }
        guard let report = try? CadenceReport(wire: value) else {
            throw PageError(status: 502, "coachlogd sent a cadence answer this dashboard cannot read")
        }
        let coaches = Self.distinct(report.salespeople.map(\.coach))
        state.withLockedValue { $0 = State(coaches: coaches, position: position) }
        return coaches
    }

    static func distinct(_ names: [String]) -> [String] {
        Array(Set(names)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}

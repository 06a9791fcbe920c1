import CoachLogProtocol
import Prometheus

/// `/metrics` in Prometheus text format: the dashboard's own requests (counts
/// by route and status, latencies by route), the pages following the live
/// feed, and the daemon's `stats` figures, read when scraped.
public final class DashboardMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let buckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1), .seconds(2.5),
    ]
    let livePages: Gauge
    let daemonUp: Gauge
    let liveConnected: Gauge

    /// A registry with the dashboard's own gauges; request metrics appear as routes are served.
    public init() {
        livePages = registry.makeGauge(descriptor: Self.name("dashboard", "live", "pages", "Pages following the live feed now."))
        liveConnected = registry.makeGauge(
            descriptor: Self.name("dashboard", "live_feed", "connected", "1 when the live feed follows coachlogd, else 0."))
        daemonUp = registry.makeGauge(descriptor: Self.name("daemon", "up", "", "1 when coachlogd answered the last scrape, else 0."))
    }

    /// Counts one request and its time, labelled by route (the router's pattern, not the raw path).
    func record(route: String, status: Int, duration: Duration) {
        registry.makeCounter(
            descriptor: Self.name("dashboard", "requests", "total", "HTTP requests served by the dashboard."),
            labels: [("route", route), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: Self.name("dashboard", "request_duration", "seconds", "Time to serve a request, by route."),
            labels: [("route", route)], buckets: buckets
        ).record(duration)
    }

    /// Sets the daemon's figures from a `stats` answer: nil when the daemon could not be reached
    /// (`reachable` false), or when it refused stats to this dashboard's role.
    func record(stats: StatsReply?, reachable: Bool) {
        daemonUp.set(to: reachable ? 1 : 0)
        guard let stats else { return }
        let figures: [(String, String, String, Double)] = [
            ("position", "", "The position of the last event in the log.", Double(stats.position)),
            ("projected_position", "", "The position the projections have folded.", Double(stats.projectedPosition)),
            (
                "projection_lag", "events", "Events in the log not yet in the projections.",
                Double(stats.position - min(stats.position, stats.projectedPosition))
            ),
            ("events", "", "Events in the log.", Double(stats.events)),
            ("salespeople", "", "Salespeople on record.", Double(stats.salespeople)),
            ("connections", "", "Open client connections.", Double(stats.connections)),
            ("subscribers", "", "Live subscriptions.", Double(stats.subscribers)),
            ("refusals", "", "Requests refused by the access rules since coachlogd started.", Double(stats.refusals)),
            ("uptime", "seconds", "Seconds since coachlogd started.", stats.uptimeSeconds),
        ]
        for (name, unit, help, value) in figures {
            registry.makeGauge(descriptor: Self.name("daemon", name, unit, help)).set(to: value)
        }
    }

    func text() -> String { registry.emitToString() }

    /// `coachlog_SUBSYSTEM_NAME_UNIT`.
    private static func name(_ subsystem: String, _ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "coachlog", subsystem: subsystem, metricName: name, unitName: unit, helpText: help)
    }
}

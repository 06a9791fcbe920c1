import CoachLogDashboard
import CoachLogJSON
import CoachLogProtocol
import CoachLogTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// The routes and the JSON API, in process (Hummingbird's test client), against
/// a real coachlogd on a temporary socket holding `SeededOrganisation`.
@Suite("Dashboard routes against a real daemon", .serialized)
struct DashboardRouteTests {
    static func testing(
        credentials: Credentials? = nil, _ body: @Sendable (SeededOrganisation, any TestClientProtocol) async throws -> Void
    ) async throws {
        let organisation = try SeededOrganisation()
        let dashboard = Dashboard(
            configuration: DashboardConfiguration(socketPath: organisation.socket, credentials: credentials),
            logger: Logger(label: "dashboard-test"))
        let app = Application(router: dashboard.router())
        try await app.test(.router) { client in try await body(organisation, client) }
    }

    static func text(_ response: TestResponse) -> String { String(buffer: response.body) }

    static func json(_ response: TestResponse) throws -> JSONValue {
        try JSONParser.parse(Array(String(buffer: response.body).utf8))
    }

    @Test("the overview shows the organisation's totals and every salesperson, who needs attention first")
    func overview() async throws {
        try await Self.testing { _, client in
            try await client.execute(uri: "/?asOf=2026-10-19", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                let html = Self.text(response)
                #expect(html.contains("id=\"total-rate\" class=\"health-fair\">60 % <small>fair · 3 kept of 5 reviewed"))
                #expect(html.contains("id=\"total-weighted\">70 %"))
                #expect(html.contains("id=\"total-open\">3<"))
                #expect(html.contains(">3</a></dd>"), "3 overdue, linking to the overdue page")
                #expect(html.contains("id=\"total-previous\">— <small>of 0 reviewed"))
                // Rows: Sam (lapsed 48 days, 44 overdue) first; each with its figures in words, not only colour.
                let sam = try #require(html.range(of: "data-salesperson=\"Sam Okafor\""))
                let dana = try #require(html.range(of: "data-salesperson=\"Dana Reyes\""))
                let ravi = try #require(html.range(of: "data-salesperson=\"Ravi Shah\""))
                #expect(sam.lowerBound < dana.lowerBound && sam.lowerBound < ravi.lowerBound)
                #expect(html.contains("48 <span class=\"flag\">lapsed</span>"))
                #expect(html.contains("75 % <small>of 4</small>"))
                #expect(html.contains("<option value=\"Kim Ode\">Kim Ode</option><option value=\"Lee Park\">Lee Park</option>"))
                #expect(html.contains("<svg class=\"chart weekly\""))
                #expect(html.contains("<svg class=\"spark\""))
                #expect(html.contains("<script src=\"/assets/app.js\" defer></script>"))
                #expect(!html.contains("http://") && !html.contains("https://"), "nothing fetched from another site")
            }
            // One coach's people: Lee Park's team is Dana and Sam, 3 kept of 4.
            try await client.execute(uri: "/?coach=Lee%20Park&asOf=2026-10-19", method: .get) { response in
                let html = Self.text(response)
                #expect(response.status == .ok)
                #expect(html.contains("Lee Park&#39;s team"))
                #expect(html.contains("75 % <small>good · 3 kept of 4 reviewed"))
                #expect(!html.contains("data-salesperson=\"Ravi Shah\""))
                #expect(html.contains("<option value=\"Lee Park\" selected>"))
            }
            // The coach picker is a GET form: the browser writes the space as "+".
            try await client.execute(uri: "/?coach=Lee+Park&asOf=2026-10-19", method: .get) { response in
                #expect(response.status == .ok)
                #expect(Self.text(response).contains("Lee Park&#39;s team"))
            }
            try await client.execute(uri: "/api/overdue?coach=Kim+Ode&asOf=2026-10-19", method: .get) { response in
                let value = try Self.json(response)
                #expect(value["overdue"] == 1)
            }
            // The live refresh asks for the content alone.
            try await client.execute(uri: "/?asOf=2026-10-19&partial=1", method: .get) { response in
                let html = Self.text(response)
                #expect(html.hasPrefix("<div id=\"live-watch\" hidden data-watch=\"*\"></div>\n<h1>"))
                #expect(!html.contains("<html"))
            }
        }
    }

    @Test("the JSON API serves the same figures as the pages")
    func api() async throws {
        try await Self.testing { _, client in
            try await client.execute(uri: "/api/overview?asOf=2026-10-19", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                let value = try Self.json(response)
                #expect(value["team"]?["totals"]?["current"]?["kept"] == 3)
                #expect(value["team"]?["totals"]?["current"]?["reviewed"] == 5)
                #expect(value["team"]?["totals"]?["overdue"] == 3)
                #expect(value["team"]?["salespeople"]?[0]?["salesperson"] == "Sam Okafor")
                #expect(value["followThrough"]?["weekly"]?.arrayValue?.count == 12)
                #expect(value["coaches"] == ["Kim Ode", "Lee Park"])
                #expect(value["scope"] == [:])
            }
            try await client.execute(uri: "/api/salespeople/Dana%20Reyes?asOf=2026-10-19", method: .get) { response in
                #expect(response.status == .ok)
                let value = try Self.json(response)
                #expect(value["salesperson"] == "Dana Reyes")
                #expect(value["prep"]?["overdue"] == 1)
                #expect(value["prep"]?["dueForReview"]?[0]?["text"] == "Write up one good call a week")
                #expect(value["followThrough"]?["kept"] == 3)
                #expect(value["followThrough"]?["reviewed"] == 4)
                #expect(value["followThrough"]?["byKind"]?["different"]?["missed"] == 1)
                #expect(value["sessions"]?["sessions"]?.arrayValue?.count == 4)
                #expect(value["goals"]?["goals"]?[0]?["goalId"] == "g-d1")
                #expect(value["openCommitments"]?["overdue"] == 1)
            }
            try await client.execute(uri: "/api/overdue?asOf=2026-10-19", method: .get) { response in
                let value = try Self.json(response)
                #expect(value["overdue"] == 3)
                #expect(value["commitments"]?[0]?["commitmentId"] == "c-s1")
                #expect(value["commitments"]?[0]?["daysOverdue"] == 44)
            }
            // asOf makes past views reproducible: on 30 September only Dana's two reviews of the 28th counted.
            try await client.execute(uri: "/api/overview?asOf=2026-09-30", method: .get) { response in
                let value = try Self.json(response)
                #expect(value["team"]?["totals"]?["current"]?["reviewed"] == 2)
                #expect(value["team"]?["salespeople"]?.arrayValue?.count == 2, "Ravi had no session yet")
            }
        }
    }

    @Test("a salesperson's page opens on today's prep, then sessions, goals, open commitments, follow-through by kind, topics")
    func salesperson() async throws {
        try await Self.testing { _, client in
            try await client.execute(uri: "/salespeople/Dana%20Reyes?asOf=2026-10-19", method: .get) { response in
                #expect(response.status == .ok)
                let html = Self.text(response)
                let order = [
                    "For today's one-on-one", "id=\"sessions-heading\"", "id=\"goals-heading\"", "id=\"open-heading\"",
                    "id=\"kinds-heading\"", "id=\"topics-heading\"",
                ].map { html.range(of: $0)?.lowerBound }
                #expect(order.allSatisfy { $0 != nil }, "every section is there")
                let bounds = order.compactMap { $0 }
                #expect(bounds == bounds.sorted(), "prep comes first, then the rest in order")
                #expect(html.contains("Last session: 2026-10-12 with Lee Park, 7 days ago — <strong>still open</strong>"))
                #expect(html.contains("Write up one good call a week</td><td>Better</td><td>2026-10-16</td><td><strong class=\"flag\">Overdue</strong> by 3 days"))
                #expect(html.contains("Fridays went to renewals"))
                #expect(html.contains("Lead a team of five by 2028<ul class=\"serving\"><li>Ask every prospect for a referral <small>(kept 2026-09-28)</small>"))
                #expect(html.contains("class=\"kind-more\">100 % <small>2 kept of 2"))
                #expect(html.contains("class=\"kind-different\">0 % <small>0 kept of 1"))
                #expect(html.contains("<svg class=\"chart by-kind\""))
                #expect(html.contains("<time datetime=\"2026-09-21T09:00:00Z\">2026-09-21</time>"))
                #expect(html.contains("data-watch=\"[&quot;Dana Reyes&quot;]\""))
            }
            // Before her first session there is nothing to prepare from, and the page says so.
            try await client.execute(uri: "/salespeople/Dana%20Reyes?asOf=2026-09-01", method: .get) { response in
                #expect(response.status == .ok)
                let html = Self.text(response)
                #expect(html.contains("No session opened by this date"))
                #expect(!html.contains("2026-09-21</time>"), "sessions after asOf are not listed")
            }
        }
    }

    @Test("overdue commitments by coach, oldest first")
    func overdue() async throws {
        try await Self.testing { _, client in
            try await client.execute(uri: "/overdue?asOf=2026-10-19", method: .get) { response in
                #expect(response.status == .ok)
                let html = Self.text(response)
                #expect(html.contains("3 overdue of 3 open"))
                let kim = try #require(html.range(of: "Kim Ode <small>(1)</small>"))
                let lee = try #require(html.range(of: "Lee Park <small>(2)</small>"))
                #expect(kim.lowerBound < lee.lowerBound)
                let sam = try #require(html.range(of: "Book two demos a week"))
                let dana = try #require(html.range(of: "Write up one good call a week"))
                #expect(sam.lowerBound < dana.lowerBound, "oldest first")
            }
        }
    }

    @Test("bad input gets a clear error page or JSON error, and unknown people a 404")
    func errors() async throws {
        try await Self.testing { _, client in
            try await client.execute(uri: "/?asOf=last%20monday", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(Self.text(response).contains("asOf &quot;last monday&quot; is not a date (2026-10-19) or a timestamp"))
            }
            try await client.execute(uri: "/api/overview?asOf=9999-12-31", method: .get) { response in
                #expect(response.status == .badRequest)
                let value = try Self.json(response)
                #expect(value["error"]?["status"] == 400)
                #expect(value["error"]?["message"]?.stringValue?.contains("out of range") == true)
            }
            try await client.execute(uri: "/salespeople/Nobody", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(Self.text(response).contains("role=\"alert\""))
            }
            try await client.execute(uri: "/api/salespeople/Nobody", method: .get) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/?coach=Nobody%20Known", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test("names are escaped in pages and encoded in links, whatever they hold")
    func hostileNames() async throws {
        let name = "<b>O'Neil</b> & \"Co\"/50%"
        try await Self.testing { organisation, client in
            try organisation.append([E.open("s-x1", name, "Kim Ode", "2026-10-14T09:00:00Z", ["selfConcept"])])
            try await client.execute(uri: "/?asOf=2026-10-19", method: .get) { response in
                let html = Self.text(response)
                #expect(!html.contains(name))
                #expect(html.contains("&lt;b&gt;O&#39;Neil&lt;/b&gt; &amp; &quot;Co&quot;/50%"))
                #expect(html.contains("href=\"/salespeople/%3Cb%3EO%27Neil%3C%2Fb%3E%20%26%20%22Co%22%2F50%25?asOf=2026-10-19\""))
            }
            try await client.execute(
                uri: "/salespeople/%3Cb%3EO%27Neil%3C%2Fb%3E%20%26%20%22Co%22%2F50%25?asOf=2026-10-19", method: .get
            ) { response in
                #expect(response.status == .ok)
                let html = Self.text(response)
                #expect(html.contains("<h1>&lt;b&gt;O&#39;Neil&lt;/b&gt; &amp; &quot;Co&quot;/50%</h1>"))
                #expect(!html.contains(name))
            }
        }
    }

    @Test("assets are served from the binary, and /metrics in Prometheus text format")
    func assetsAndMetrics() async throws {
        try await Self.testing { _, client in
            try await client.execute(uri: "/assets/app.js", method: .get) { response in
                #expect(response.status == .ok)
                #expect(Self.text(response).contains("new EventSource(\"/events\")"))
            }
            try await client.execute(uri: "/assets/style.css", method: .get) { response in
                #expect(response.headers[.contentType] == "text/css; charset=utf-8")
            }
            try await client.execute(uri: "/?asOf=2026-10-19", method: .get)
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                let text = Self.text(response)
                #expect(text.contains("coachlog_daemon_up 1"))
                #expect(text.contains("coachlog_daemon_position 28"))
                #expect(text.contains("coachlog_daemon_projection_lag_events 0"))
                #expect(text.contains("coachlog_daemon_connections "))
                #expect(text.contains("coachlog_daemon_refusals 0"))
                #expect(text.contains("coachlog_dashboard_requests_total{route=\"/\",status=\"200\"} 1"))
                #expect(text.contains("coachlog_dashboard_request_duration_seconds_count{route=\"/\"} 1"))
            }
        }
    }

    @Test("with a credential configured, every route asks for it")
    func credentials() async throws {
        let token = "s3cret-token-for-the-test"
        try await Self.testing(credentials: Credentials(bearerToken: token)) { _, client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == "Bearer realm=\"CoachLog\"")
                #expect(!Self.text(response).contains("Dana"))
            }
            try await client.execute(uri: "/api/overview", method: .get, headers: [.authorization: "Bearer wrong"]) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/?asOf=2026-10-19", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                #expect(response.status == .ok)
            }
        }
        try await Self.testing(credentials: Credentials(user: "leader", password: "correct horse")) { _, client in
            let basic = "Basic " + Data("leader:correct horse".utf8).base64EncodedString()
            try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: basic]) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Basic") == true)
            }
        }
    }
}

extension JSONValue {
    /// The element at `index` of an array, for the tests' checks.
    subscript(index: Int) -> JSONValue? {
        guard let array = arrayValue, array.indices.contains(index) else { return nil }
        return array[index]
    }
}

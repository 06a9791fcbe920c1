import CoachLogJSON
import CoachLogTestSupport
import Foundation
import Testing

/// Each page in a real headless Chromium (Debian's `chromium`), from the real
/// dashboard binary against the real daemon: the rendered DOM holds the
/// expected names and figures and the charts; sorting works; after another
/// client appends, the open page shows the new figure without a reload. Each
/// page's screenshot goes to `.build/dashboard-screenshots/` (the overview's
/// is the one in README).
@Suite(
    "The dashboard in a real browser", .serialized,
    .enabled(if: HeadlessBrowser.runs, "skipped: \(HeadlessBrowser.unavailableReason ?? "")"))
struct DashboardBrowserTests {
    static let screenshots = Repository.path(".build/dashboard-screenshots")

    /// The seeded organisation, the dashboard on it, and a browser, closed whatever happens.
    static func withPage(_ body: (SeededOrganisation, DashboardProcess, HeadlessBrowser) throws -> Void) throws {
        let organisation = try SeededOrganisation()
        let dashboard = try DashboardProcess(
            arguments: ["--socket", organisation.socket, "--listen", "127.0.0.1:0"], folder: organisation.folder.path)
        try dashboard.waitUntilListening()
        let browser = try HeadlessBrowser.launch()
        defer { browser.close() }
        try FileManager.default.createDirectory(atPath: screenshots, withIntermediateDirectories: true)
        try body(organisation, dashboard, browser)
        let problems = browser.pageLog().filter { $0.hasPrefix("exception") || $0.contains("console.error") }
        #expect(problems.isEmpty, "the page logged errors: \(problems)")
    }

    static func text(_ browser: HeadlessBrowser, _ selector: String) throws -> String {
        try browser.evaluate("document.querySelector(\(JSONWriter.string(.string(selector))))?.textContent ?? ''").stringValue ?? ""
    }

    static func count(_ browser: HeadlessBrowser, _ selector: String) throws -> Int {
        let value = try browser.evaluate("document.querySelectorAll(\(JSONWriter.string(.string(selector)))).length")
        if case .integer(let n) = value { return Int(n) }
        if case .double(let n) = value { return Int(n) }
        return -1
    }

    static func liveConnected(_ browser: HeadlessBrowser) throws -> Bool {
        try browser.waitUntil("document.body.dataset.liveConnected === 'true'", timeout: 10)
    }

    /// Dana's session of 12 October is closed, and in her next one, on 16 October, the commitment due
    /// that day is reviewed, as another client (the CLI, say) would record it.
    static func nextSession(reviewing outcome: String) -> [JSONValue] {
        [
            E.close("s-d4", "Dana Reyes", "2026-10-12T10:00:00Z"),
            E.open("s-d5", "Dana Reyes", "Lee Park", "2026-10-16T09:00:00Z", ["personalGoals"]),
            E.review("c-d5", "s-d5", "Dana Reyes", outcome, at: "2026-10-16T09:05:00Z"),
        ]
    }

    @Test("the overview: totals, rows, charts and sorting; a review recorded elsewhere shows without a reload")
    func overview() throws {
        try Self.withPage { organisation, dashboard, browser in
            try browser.navigate(to: dashboard.base + "/?asOf=2026-10-19")
            #expect(try Self.text(browser, "h1") == "Everyone's follow-through")
            #expect(try Self.text(browser, "#total-rate").hasPrefix("60 %"))
            #expect(try Self.text(browser, "#total-rate").contains("3 kept of 5 reviewed"))
            #expect(try Self.text(browser, "#total-overdue") == "3")
            #expect(try Self.count(browser, "#team-table tbody tr") == 3)
            #expect(try Self.text(browser, "#team-table tbody tr:first-child th") == "Sam Okafor")
            #expect(try Self.count(browser, "svg.chart.weekly") == 1)
            #expect(try Self.count(browser, "svg.spark") == 3)
            // The chart draws a bar per week, and the rate of the weeks with reviews as points.
            #expect(try Self.count(browser, "svg.chart.weekly rect.reviewed") == 12)
            #expect(try Self.count(browser, "svg.chart.weekly circle.point") == 4)
            try browser.screenshot(to: Self.screenshots + "/overview.png")

            // Sorting by the header buttons, keyboard-reachable, with aria-sort.
            try browser.evaluate("document.querySelector('#team-table thead th:first-child button').click()")
            #expect(try Self.text(browser, "#team-table tbody tr:first-child th") == "Sam Okafor")
            #expect(try browser.evaluate("document.querySelector('#team-table thead th:first-child').getAttribute('aria-sort')") == "descending")
            try browser.evaluate("document.querySelector('#team-table thead th:first-child button').click()")
            #expect(try Self.text(browser, "#team-table tbody tr:first-child th") == "Dana Reyes")
            #expect(try browser.evaluate("document.querySelector('#team-table thead th:first-child').getAttribute('aria-sort')") == "ascending")
            #expect(try browser.evaluate("document.querySelector('#team-table thead button').tabIndex") == 0)

            // Live: Dana's overdue commitment is reviewed (kept, 16 October) by another client.
            #expect(try Self.liveConnected(browser))
            try browser.evaluate("window.notReloaded = true")
            let started = Date()
            try organisation.append(Self.nextSession(reviewing: "kept"))
            #expect(try browser.waitUntil("document.querySelector('#total-rate').textContent.startsWith('67 %')", timeout: 5))
            let seconds = Date().timeIntervalSince(started)
            // Within a second when the machine is free (the print below gives the figure); the bound leaves
            // room for a loaded test machine, where every process waits for the two cores.
            #expect(seconds < 3, "the page showed the new figure after \(seconds) s")
            #expect(try browser.evaluate("window.notReloaded === true") == true, "updated in place, not reloaded")
            #expect(try Self.text(browser, "#total-rate").contains("4 kept of 6 reviewed"))
            #expect(try Self.text(browser, "#total-overdue") == "2")
            #expect(
                try Self.text(browser, "#team-table tbody tr:first-child th") == "Dana Reyes",
                "the sort the reader chose is kept across the refresh")
            print("dashboard browser test: the overview showed an append from another client after \(seconds) s")
        }
    }

    @Test("a salesperson's page: prep first, the charts, and live updates of that person's record")
    func salesperson() throws {
        try Self.withPage { organisation, dashboard, browser in
            try browser.navigate(to: dashboard.base + "/salespeople/Dana%20Reyes?asOf=2026-10-19")
            #expect(try Self.text(browser, "h1") == "Dana Reyes")
            let headings = try browser.evaluate("Array.from(document.querySelectorAll('main h2')).map(h => h.textContent)")
            #expect(
                headings == [
                    "For today's one-on-one", "Sessions", "Goals", "Open commitments", "Follow-through by kind", "Topic coverage",
                ])
            #expect(try Self.text(browser, "#last-session").contains("still open"))
            #expect(try Self.text(browser, "#last-session").contains("2026-10-12"))
            #expect(try Self.text(browser, "table.due tbody").contains("Write up one good call a week"))
            #expect(try Self.text(browser, "table.due tbody").contains("Overdue by 3 days"))
            #expect(try Self.count(browser, "ol.timeline li") == 4)
            #expect(try Self.count(browser, "svg.chart.by-kind g.series") == 3)
            #expect(try Self.text(browser, ".kind-more").hasPrefix("100 %"))
            try browser.screenshot(to: Self.screenshots + "/salesperson.png")

            #expect(try Self.liveConnected(browser))
            let started = Date()
            try organisation.append(Self.nextSession(reviewing: "missed"))
            #expect(try browser.waitUntil("document.querySelector('main').textContent.includes('Nothing open to review')", timeout: 5))
            let seconds = Date().timeIntervalSince(started)
            #expect(seconds < 3, "the page showed the new record after \(seconds) s")
            #expect(try Self.text(browser, ".kind-better").hasPrefix("50 %"))
            print("dashboard browser test: the salesperson page showed an append after \(seconds) s")

            // A change to someone else leaves this page alone.
            let refreshes = try browser.evaluate("document.body.dataset.refreshes")
            try organisation.append([
                E.open("s-r3", "Ravi Shah", "Kim Ode", "2026-10-16T09:00:00Z", ["identityRole"]),
                E.review("c-r1", "s-r3", "Ravi Shah", "kept", at: "2026-10-16T09:05:00Z"),
            ])
            Thread.sleep(forTimeInterval: 1)
            #expect(try browser.evaluate("document.body.dataset.refreshes") == refreshes)
        }
    }

    @Test("the coach picker, then the overdue page, by coach, oldest first")
    func overdue() throws {
        try Self.withPage { _, dashboard, browser in
            // The picker is a plain GET form: the browser sends "Lee Park" as coach=Lee+Park.
            try browser.navigate(to: dashboard.base + "/?asOf=2026-10-19")
            try browser.evaluate("document.querySelector('#coach').value = 'Lee Park'; document.querySelector('form.picker').submit()")
            #expect(try browser.waitUntil("document.querySelector('h1') && document.querySelector('h1').textContent === \"Lee Park's team\"", timeout: 5))
            #expect(try Self.count(browser, "#team-table tbody tr") == 2)
            #expect(try browser.evaluate("location.search").stringValue?.contains("coach=Lee+Park") == true)

            try browser.navigate(to: dashboard.base + "/overdue?asOf=2026-10-19")
            #expect(try Self.text(browser, "p.lede").contains("3 overdue of 3 open"))
            let coaches = try browser.evaluate("Array.from(document.querySelectorAll('main h2')).map(h => h.firstChild.textContent.trim())")
            #expect(coaches == ["Kim Ode", "Lee Park"])
            #expect(try Self.text(browser, "section:nth-of-type(2) tbody tr:first-child").contains("Sam Okafor"))
            try browser.screenshot(to: Self.screenshots + "/overdue.png")
        }
    }
}

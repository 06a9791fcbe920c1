import CoachLogJSON
import CoachLogTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A page given inline, as a `data:` URL.
func dataURL(_ html: String) -> String {
    "data:text/html;charset=utf-8," + (html.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
}

/// One browser at a time: each starts a full Chromium, and the machine's cores are shared with the rest of the suite.
@Suite(
    "HeadlessBrowser drives a real Chromium", .serialized,
    .enabled(if: HeadlessBrowser.runs, "skipped: \(HeadlessBrowser.unavailableReason ?? "")"))
struct HeadlessBrowserTests {
    @Test("evaluate reads the DOM of a data: page, and returns JSON values by value")
    func evaluateReadsTheDOM() throws {
        let browser = try HeadlessBrowser.launch()
        defer { browser.close() }
        try browser.navigate(to: dataURL(#"<h1 id="title">Weekly team</h1><p class="n">3</p><p class="n">4</p>"#))
        #expect(try browser.evaluate("document.querySelector('#title').textContent") == "Weekly team")
        #expect(try browser.evaluate("[...document.querySelectorAll('.n')].map(p => Number(p.textContent))") == [3, 4])
        #expect(try browser.evaluate("({ok: true, name: 'dana'})") == ["ok": true, "name": "dana"])
        #expect(try browser.evaluate("Promise.resolve(7)") == 7)
        #expect(try browser.evaluate("undefined") == .null)
        #expect(try browser.evaluate("window.innerWidth") == 1280, "the 1280×900 window")
    }

    @Test("a JavaScript exception, thrown or a rejected promise, becomes a BrowserError with its text")
    func exceptionsBecomeErrors() throws {
        let browser = try HeadlessBrowser.launch()
        defer { browser.close() }
        let thrown = #expect(throws: BrowserError.self) { try browser.evaluate("throw new Error('boom')") }
        #expect(thrown.map { "\($0)" }?.contains("Error: boom") == true, "\(String(describing: thrown))")
        guard case .javaScript(let expression, _)? = thrown else {
            Issue.record("not a javaScript error: \(String(describing: thrown))")
            return
        }
        #expect(expression == "throw new Error('boom')")
        let rejected = #expect(throws: BrowserError.self) { try browser.evaluate("Promise.reject(new TypeError('late'))") }
        #expect(rejected.map { "\($0)" }?.contains("TypeError: late") == true, "\(String(describing: rejected))")
        let value = #expect(throws: BrowserError.self) { try browser.evaluate("throw 'plain'") }
        #expect(value.map { "\($0)" }?.contains("plain") == true, "\(String(describing: value))")
        // The page is still usable afterwards.
        #expect(try browser.evaluate("1 + 1") == 2)
    }

    @Test("console messages and uncaught page exceptions appear in pageLog")
    func pageLogCollectsConsoleAndExceptions() throws {
        let browser = try HeadlessBrowser.launch()
        defer { browser.close() }
        try browser.navigate(
            to: dataURL(
                """
                <script>console.log('hello', 42); console.error('bad thing')</script>
                <script>throw new Error('page boom')</script>
                """))
        _ = try browser.evaluate("console.warn('from evaluate')")
        let log = browser.pageLog()
        #expect(log.contains("console.log: hello 42"), "\(log)")
        #expect(log.contains("console.error: bad thing"), "\(log)")
        #expect(log.contains("console.warning: from evaluate"), "\(log)")
        #expect(log.contains { $0.hasPrefix("exception: ") && $0.contains("page boom") }, "\(log)")
    }

    @Test("waitUntil sees a value a timer sets after 300 ms, and gives up at its timeout")
    func waitUntilPolls() throws {
        let browser = try HeadlessBrowser.launch()
        defer { browser.close() }
        try browser.navigate(to: dataURL("<script>setTimeout(() => { window.ready = 'yes' }, 300)</script>"))
        let start = Date()
        // Throws (reading a property of undefined) until the timer ran: counts as not yet.
        #expect(try browser.waitUntil("window.ready.length === 3", timeout: 10))
        let waited = Date().timeIntervalSince(start)
        #expect(waited > 0.15 && waited < 5, "waited \(waited) s")
        let gaveUp = Date()
        #expect(try browser.waitUntil("window.never === true", timeout: 0.3) == false)
        #expect(Date().timeIntervalSince(gaveUp) >= 0.3)
    }

    @Test("screenshot writes a PNG of the whole page, taller than the window")
    func screenshotIsAFullPagePNG() throws {
        let browser = try HeadlessBrowser.launch()
        defer { browser.close() }
        let folder = TemporaryFolder(prefix: "coachlog-shot")
        try browser.navigate(
            to: dataURL(#"<body style="margin:0"><div style="height:2000px;background:linear-gradient(red,blue)">tall</div></body>"#))
        let path = folder.path + "/page.png"
        try browser.screenshot(to: path)
        let png = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "PNG signature")
        #expect(png.count > 1_000 && png.count < 20_000_000, "\(png.count) bytes")
        // IHDR: width and height, big-endian, at bytes 16 and 20.
        guard png.count > 24 else { return }
        let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }
        let height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 1280, "width \(width)")
        #expect(height == 2000, "height \(height)")
    }

    @Test("navigating twice works (a file:// page, then a data: page); a missing file is a navigation error")
    func navigatesTwice() throws {
        let browser = try HeadlessBrowser.launch()
        defer { browser.close() }
        let folder = TemporaryFolder(prefix: "coachlog-page")
        let file = folder.path + "/index.html"
        try "<title>First</title><p id=p>from a file</p>".write(toFile: file, atomically: true, encoding: .utf8)
        try browser.navigate(to: "file://" + file)
        #expect(try browser.evaluate("document.title") == "First")
        #expect(try browser.evaluate("document.getElementById('p').textContent") == "from a file")
        try browser.navigate(to: dataURL("<title>Second</title>"))
        #expect(try browser.evaluate("document.title") == "Second")
        #expect(try browser.evaluate("location.protocol") == "data:")
        let missing = #expect(throws: BrowserError.self) { try browser.navigate(to: "file://" + folder.path + "/none.html") }
        #expect(missing.map { "\($0)" }?.contains("ERR_FILE_NOT_FOUND") == true, "\(String(describing: missing))")
    }

    @Test("close is idempotent, ends the browser, and later calls fail clearly")
    func closeIsIdempotent() throws {
        let browser = try HeadlessBrowser.launch()
        let pid = browser.pid
        #expect(kill(pid, 0) == 0, "the browser runs")
        browser.close()
        browser.close()
        #expect(kill(pid, 0) == -1 && errno == ESRCH, "the browser process is gone (and reaped)")
        let error = #expect(throws: BrowserError.self) { try browser.evaluate("1") }
        #expect(error.map { "\($0)" }?.contains("closed") == true, "\(String(describing: error))")
    }

    @Test("a browser that dies is reported as exited, with how it ended")
    func deadBrowserIsReported() throws {
        let browser = try HeadlessBrowser.launch()
        defer { browser.close() }
        kill(browser.pid, SIGKILL)
        let error = #expect(throws: BrowserError.self) { try browser.evaluate("1", timeout: 10) }
        guard case .exited(let status, _)? = error else {
            Issue.record("not an exited error: \(String(describing: error))")
            return
        }
        #expect(status == "killed by signal 9")
        #expect(error.map { "\($0)" }?.hasPrefix("chromium exited (killed by signal 9); the end of its stderr:") == true)
    }
}

@Suite("The rule for a missing browser")
struct MissingBrowserRuleTests {
    @Test("without a browser a test skips outside CI and runs (to fail) under CI=true")
    func skipOutsideCIFailUnderCI() {
        #expect(HeadlessBrowser.runs(unavailableReason: nil, environment: [:]))
        #expect(HeadlessBrowser.runs(unavailableReason: nil, environment: ["CI": "true"]))
        #expect(!HeadlessBrowser.runs(unavailableReason: "no chromium", environment: [:]))
        #expect(!HeadlessBrowser.runs(unavailableReason: "no chromium", environment: ["CI": "false"]))
        #expect(HeadlessBrowser.runs(unavailableReason: "no chromium", environment: ["CI": "true"]))
        #expect(HeadlessBrowser.isRequired(environment: ["CI": "true"]))
        #expect(!HeadlessBrowser.isRequired(environment: ["CI": "1"]))
    }

    @Test("launching a binary that is not there fails, saying to apt-get install chromium")
    func missingBinaryFailsWithInstructions() {
        let error = #expect(throws: BrowserError.self) {
            try HeadlessBrowser.launch(executable: "/nonexistent/chromium")
        }
        guard case .unavailable(let reason)? = error else {
            Issue.record("not an unavailable error: \(String(describing: error))")
            return
        }
        #expect(reason.contains("/nonexistent/chromium"), "\(reason)")
        #expect(reason.contains("apt-get install chromium"), "\(reason)")
    }

    @Test("unavailableReason is nil exactly when a browser binary is found")
    func unavailableReasonMatchesTheBinary() {
        #expect((HeadlessBrowser.unavailableReason == nil) == (HeadlessBrowser.executable.map {
            FileManager.default.isExecutableFile(atPath: $0)
        } ?? false))
        if let reason = HeadlessBrowser.unavailableReason { #expect(reason.contains("apt-get install chromium")) }
    }
}

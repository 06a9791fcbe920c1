import CoachLogJSON
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real headless Chromium with one page, driven over the DevTools protocol on a pipe (no network port, no Node).
///
/// Guarantees: `launch()` returns a browser attached to a fresh page whose console messages, uncaught exceptions
/// and log entries are recorded from the start (`pageLog()`); every call is bounded by a timeout and fails with a
/// `BrowserError` that says what to do next (a browser that died reports the end of its stderr); `close()` (also run
/// by `deinit`) ends the browser and its helper processes and removes its temporary profile, and is idempotent.
///
/// Tests: use `HeadlessBrowser.runs` as the condition, so that a test skips where Chromium is missing, except under
/// CI (`CI=true`), where it runs and fails with `unavailableReason`:
///
///     @Test(.enabled(if: HeadlessBrowser.runs, "skipped: \(HeadlessBrowser.unavailableReason ?? "")"))
public final class HeadlessBrowser: @unchecked Sendable {
    // @unchecked: `process`, `folder` and `sessionId` are set once in init; `isClosed` is only touched under `lock`.
    private let process: BrowserProcess
    private let folder: String
    /// The DevTools session of the attached page; `send` addresses it.
    public let sessionId: String
    /// The browser's process id (also its process group's).
    public var pid: Int32 { process.pid }
    private let lock = NSLock()
    private var isClosed = false

    // MARK: Finding the browser, and the rule for tests

    /// Where Chromium is looked for, in order, after `$COACHLOG_CHROMIUM`.
    public static let candidates = [
        "/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome",
    ]

    /// The browser binary `launch()` runs: `$COACHLOG_CHROMIUM` when set, else the first of `candidates` found.
    public static var executable: String? {
        if let chosen = ProcessInfo.processInfo.environment["COACHLOG_CHROMIUM"], !chosen.isEmpty { return chosen }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Why no browser can be launched here (with what to do about it), or nil when a chromium binary is found.
    public static var unavailableReason: String? { unavailableReason(executable: executable) }

    static func unavailableReason(executable: String?) -> String? {
        if let executable, FileManager.default.isExecutableFile(atPath: executable) { return nil }
        let looked = executable.map { "\($0) is not an executable file" } ?? "no chromium in \(candidates.joined(separator: ", "))"
        return "the browser tests need Chromium: \(looked); install it with `apt-get install chromium` "
            + "(scripts/install-deps does), or set COACHLOG_CHROMIUM to its path"
    }

    /// True under CI (`CI=true`), where a missing browser fails the browser tests instead of skipping them.
    public static var isRequired: Bool { isRequired(environment: ProcessInfo.processInfo.environment) }

    /// Whether browser tests run here: wherever a browser is found, and always under CI (then failing at `launch()`).
    public static var runs: Bool { runs(unavailableReason: unavailableReason, environment: ProcessInfo.processInfo.environment) }

    /// The rule behind `isRequired`, for an explicit environment.
    public static func isRequired(environment: [String: String]) -> Bool { environment["CI"] == "true" }

    /// The rule behind `runs`, for an explicit reason and environment.
    public static func runs(unavailableReason: String?, environment: [String: String]) -> Bool {
        unavailableReason == nil || isRequired(environment: environment)
    }

    // MARK: Life cycle

    /// Starts headless Chromium (`executable` or `HeadlessBrowser.executable`) with a fresh temporary profile and a
    /// 1280×900 window, and attaches to a new blank page. `timeout` bounds the start.
    public static func launch(executable: String? = nil, timeout: Double = 30) throws -> HeadlessBrowser {
        let path = executable ?? Self.executable
        if let reason = unavailableReason(executable: path) { throw BrowserError.unavailable(reason) }
        guard let path else { throw BrowserError.unavailable("no chromium binary") }
        let folder = try makeTemporaryFolder(prefix: "coachlog-chromium")
        let process: BrowserProcess
        do {
            process = try BrowserProcess(
                executable: path, arguments: arguments(profile: folder + "/profile"), stderrPath: folder + "/stderr.log")
        } catch {
            removeTree(folder)
            throw error
        }
        let sessionId: String
        do {
            sessionId = try attachToNewPage(process.pipe, timeout: timeout)
        } catch {
            let failure = launchFailure(error, process: process)
            process.kill()
            removeTree(folder)
            throw failure
        }
        let browser = HeadlessBrowser(process: process, folder: folder, sessionId: sessionId)
        do {
            // Before any navigation, so that the page's first messages are recorded too.
            for domain in ["Page", "Runtime", "Log"] { _ = try browser.send("\(domain).enable", timeout: timeout) }
        } catch {
            browser.close()
            throw error
        }
        return browser
    }

    private init(process: BrowserProcess, folder: String, sessionId: String) {
        self.process = process
        self.folder = folder
        self.sessionId = sessionId
    }

    deinit { close() }

    /// Asks the browser to quit, then ends whatever is left of it and removes its profile. Idempotent.
    public func close() {
        lock.lock()
        let first = !isClosed
        isClosed = true
        lock.unlock()
        guard first else { return }
        if !process.pipe.isClosed { _ = try? process.pipe.call("Browser.close", timeout: 5) }
        _ = process.waitForExit(timeout: 5)
        process.kill()
        process.pipe.closeWriteEnd()
        process.pipe.waitUntilClosed(timeout: 2)
        removeTree(folder)
    }

    // MARK: Driving the page

    /// Loads `url` in the page and waits (up to `timeout`) for its load event. A same-document change (only the
    /// fragment differs) fires no load event: use `waitUntil` for those.
    public func navigate(to url: String, timeout: Double = 15) throws {
        let mark = process.pipe.eventCount
        let result = try send("Page.navigate", ["url": .string(url)], timeout: timeout)
        if let errorText = result["errorText"]?.stringValue, !errorText.isEmpty {
            throw BrowserError.navigation(url: url, reason: "\(errorText); check that the URL or file exists")
        }
        let loaded = try whileOpen("Page.loadEventFired") {
            try process.pipe.waitForEvent("Page.loadEventFired", sessionId: sessionId, after: mark, timeout: timeout)
        }
        if loaded == nil {
            throw BrowserError.navigation(url: url, reason: "the load event did not fire within \(timeout) s")
        }
    }

    /// The value of `expression` in the page (a promise is awaited), as JSON; `undefined` and values that are not
    /// JSON (functions, DOM nodes) come back as `.null`. A thrown exception becomes `BrowserError.javaScript`.
    public func evaluate(_ expression: String, timeout: Double = 10) throws -> JSONValue {
        let params: [String: JSONValue] = ["expression": .string(expression), "returnByValue": true, "awaitPromise": true]
        let result = try send("Runtime.evaluate", params, timeout: timeout)
        if let details = result["exceptionDetails"] {
            throw BrowserError.javaScript(expression: expression, text: Self.exceptionText(details))
        }
        guard let remote = result["result"] else {
            throw BrowserError.badReply(method: "Runtime.evaluate", reason: "no result")
        }
        return remote["value"] ?? .null
    }

    /// Polls `expression` every 50 ms until it is truthy (true) or `timeout` passes (false). An expression that
    /// throws counts as not yet true: what it reads may not exist yet.
    public func waitUntil(_ expression: String, timeout: Double) throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            do {
                // The newlines keep a trailing `//` comment in `expression` from swallowing the parenthesis.
                if try evaluate("!!(\n\(expression)\n)", timeout: max(1, min(10, timeout))) == .bool(true) { return true }
            } catch BrowserError.javaScript {
                // Not yet.
            }
            if Date() >= deadline { return false }
            usleep(50_000)
        }
    }

    /// Writes a PNG of the whole page (beyond the window when the page is taller) to `path`.
    public func screenshot(to path: String, timeout: Double = 30) throws {
        let metrics = try send("Page.getLayoutMetrics", timeout: timeout)
        let size = metrics["cssContentSize"] ?? metrics["contentSize"]
        let width = max(1, (size?["width"]?.doubleValue ?? 1280).rounded(.up))
        let height = max(1, (size?["height"]?.doubleValue ?? 900).rounded(.up))
        let clip: JSONValue = ["x": 0, "y": 0, "width": .double(width), "height": .double(height), "scale": 1]
        let shot = try send(
            "Page.captureScreenshot", ["format": "png", "captureBeyondViewport": true, "clip": clip], timeout: timeout)
        guard let encoded = shot["data"]?.stringValue, let png = Data(base64Encoded: encoded) else {
            throw BrowserError.badReply(method: "Page.captureScreenshot", reason: "no base64 data")
        }
        try png.write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// What the page reported so far, in order: `console.TYPE: ARGS` for console calls, `exception: TEXT` for uncaught
    /// exceptions, `log SOURCE LEVEL: TEXT` for browser log entries (network errors, interventions).
    public func pageLog() -> [String] {
        process.pipe.events().compactMap { event in
            guard event.sessionId == sessionId else { return nil }
            return Self.logLine(event)
        }
    }

    /// Sends any DevTools `method` to the page's session and returns the reply's result.
    public func send(_ method: String, _ params: [String: JSONValue] = [:], timeout: Double = 10) throws -> JSONValue {
        lock.lock()
        let closed = isClosed
        lock.unlock()
        if closed { throw BrowserError.pipeClosed(method: method) }
        return try whileOpen(method) { try process.pipe.call(method, params, sessionId: sessionId, timeout: timeout) }
    }

    // MARK: Helpers

    /// Runs `body`; a pipe that closed becomes `exited`, with how the browser ended and its stderr.
    private func whileOpen<T>(_ method: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch BrowserError.pipeClosed {
            throw BrowserError.exited(status: process.kill(), stderrTail: process.stderrTail())
        }
    }

    private static func arguments(profile: String) -> [String] {
        var arguments = [
            "--headless=new", "--remote-debugging-pipe", "--user-data-dir=\(profile)", "--window-size=1280,900",
            "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            // Containers give /dev/shm 64 MB, which a page can fill; /tmp instead.
            "--disable-dev-shm-usage",
            // Nothing reaches out to the network or the desktop (D-Bus keyring) while tests run.
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
            "--password-store=basic", "--use-mock-keychain", "--mute-audio",
            // Same screenshots on every machine.
            "--hide-scrollbars",
        ]
        // Chromium refuses to run as root with its sandbox on.
        if getuid() == 0 { arguments.append("--no-sandbox") }
        return arguments
    }

    /// Creates a blank page target and attaches to it (flattened: one pipe, `sessionId` on each message).
    private static func attachToNewPage(_ pipe: DevToolsPipe, timeout: Double) throws -> String {
        let target = try pipe.call("Target.createTarget", ["url": "about:blank"], timeout: timeout)
        guard let targetId = target["targetId"]?.stringValue else {
            throw BrowserError.badReply(method: "Target.createTarget", reason: "no targetId in \(JSONWriter.string(target))")
        }
        let attached = try pipe.call("Target.attachToTarget", ["targetId": .string(targetId), "flatten": true], timeout: timeout)
        guard let sessionId = attached["sessionId"]?.stringValue else {
            throw BrowserError.badReply(method: "Target.attachToTarget", reason: "no sessionId in \(JSONWriter.string(attached))")
        }
        return sessionId
    }

    /// A failed start, said with what the browser wrote on stderr (a timeout or closed pipe alone would not say why).
    private static func launchFailure(_ error: any Error, process: BrowserProcess) -> any Error {
        switch error {
        case BrowserError.pipeClosed:
            _ = process.waitForExit(timeout: 2)
            return BrowserError.exited(status: process.kill(), stderrTail: process.stderrTail())
        case BrowserError.timeout(let method, let seconds):
            return BrowserError.launchFailed(
                "no answer to \(method) within \(seconds) s; the end of its stderr:\n\(process.stderrTail())")
        default:
            return error
        }
    }

    /// The best text of an exception: its description (message and stack), its thrown value, or the summary.
    static func exceptionText(_ details: JSONValue) -> String {
        if let description = details["exception"]?["description"]?.stringValue { return description }
        if let value = details["exception"]?["value"] { return value.stringValue ?? JSONWriter.string(value) }
        return details["text"]?.stringValue ?? "an exception"
    }

    static func logLine(_ event: DevToolsEvent) -> String? {
        let params = event.params
        switch event.method {
        case "Runtime.consoleAPICalled":
            let args = (params["args"]?.arrayValue ?? []).map { arg -> String in
                if let value = arg["value"] { return value.stringValue ?? JSONWriter.string(value) }
                return arg["description"]?.stringValue ?? arg["type"]?.stringValue ?? "?"
            }
            return "console.\(params["type"]?.stringValue ?? "log"): \(args.joined(separator: " "))"
        case "Runtime.exceptionThrown":
            return "exception: \(exceptionText(params["exceptionDetails"] ?? .null))"
        case "Log.entryAdded":
            let entry = params["entry"] ?? .null
            let source = entry["source"]?.stringValue ?? "other"
            return "log \(source) \(entry["level"]?.stringValue ?? "info"): \(entry["text"]?.stringValue ?? "")"
        default:
            return nil
        }
    }
}

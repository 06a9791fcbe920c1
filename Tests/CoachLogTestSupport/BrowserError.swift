/// Why the headless browser could not do what a test asked. Each message says what went wrong and what to do next.
public enum BrowserError: Error, Sendable, CustomStringConvertible {
    /// No usable chromium binary on this machine.
    case unavailable(String)
    /// Chromium could not be started at all (spawning failed).
    case launchFailed(String)
    /// The browser exited or closed its end of the pipe: how it ended and the last lines of its stderr.
    case exited(status: String, stderrTail: String)
    /// No reply to the DevTools method within the timeout.
    case timeout(method: String, seconds: Double)
    /// The browser answered the method with a DevTools protocol error.
    case protocolError(method: String, message: String)
    /// The reply to the method lacked what the protocol promises.
    case badReply(method: String, reason: String)
    /// The page's JavaScript threw while evaluating the expression; `text` is the exception's description.
    case javaScript(expression: String, text: String)
    /// Navigation failed (the browser's error text) or the page did not finish loading in time.
    case navigation(url: String, reason: String)
    /// The pipe to the browser is closed. `HeadlessBrowser` reports this as `exited`, with the browser's stderr.
    case pipeClosed(method: String)

    public var description: String {
        switch self {
        case .unavailable(let reason):
            return reason
        case .launchFailed(let reason):
            return "could not start chromium: \(reason)"
        case .exited(let status, let tail):
            return "chromium exited (\(status)); the end of its stderr:\n\(tail)"
        case .timeout(let method, let seconds):
            return "no reply from chromium to \(method) within \(seconds) s; the page may be busy (a long-running script) "
                + "or the machine overloaded: retry with a longer timeout"
        case .protocolError(let method, let message):
            return "chromium refused \(method): \(message); check the method's parameters in the DevTools protocol"
        case .badReply(let method, let reason):
            return "unexpected reply from chromium to \(method): \(reason)"
        case .javaScript(let expression, let text):
            return "JavaScript threw while evaluating `\(Self.shortened(expression))`: \(text)"
        case .navigation(let url, let reason):
            return "navigation to \(Self.shortened(url)) failed: \(reason)"
        case .pipeClosed(let method):
            return "the DevTools pipe to chromium is closed (sending \(method)): the browser has exited or was closed"
        }
    }

    /// Long data: URLs and scripts would drown the message.
    static func shortened(_ text: String, limit: Int = 200) -> String {
        text.count <= limit ? text : String(text.prefix(limit)) + "…"
    }
}

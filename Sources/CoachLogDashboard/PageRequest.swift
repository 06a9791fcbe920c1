import CoachLogProtocol

/// Why a page cannot be shown, as the HTTP status and the words the reader sees.
public struct PageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status: 400, 403, 404 or 503.
    public var status: Int
    /// What went wrong and what to do next.
    public var message: String

    public init(status: Int, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { "\(status): \(message)" }

    /// The daemon's refusal, as the page's status.
    init(_ error: ProtocolError) {
        switch error.code {
        case .notFound: self.init(status: 404, error.message)
        case .forbidden: self.init(status: 403, "coachlogd does not let this dashboard see that: \(error.message)")
        case .badRequest, .validation: self.init(status: 400, error.message)
        case .unavailable: self.init(status: 503, "coachlogd is busy or still starting: \(error.message); reload in a moment")
        default: self.init(status: 502, "coachlogd answered with an error: \(error.message)")
        }
    }

    init(_ error: GatewayError) {
        switch error {
        case .refused(let refusal): self.init(refusal)
        case .unavailable(let reason): self.init(status: 503, reason)
        }
    }
}

/// A page's options from its URL: `asOf` (a date or a timestamp, as the
/// protocol takes it) and `coach` (the overview's coach picker).
public struct PageOptions: Sendable, Equatable {
    /// The moment the page is evaluated at; nil is now.
    public var asOf: AsOf?
    /// Only this coach's people; nil is the viewer's default scope.
    public var coach: String?
    /// Only the page's `<main>`, for the live refresh.
    public var partial: Bool

    public init(asOf: AsOf? = nil, coach: String? = nil, partial: Bool = false) {
        self.asOf = asOf
        self.coach = coach
        self.partial = partial
    }

    /// Reads the options; an `asOf` that cannot be read is a 400 that says what is accepted.
    public init(asOf asOfText: String?, coach: String?, partial: String?) throws(PageError) {
        let trimmed = asOfText?.trimmingSpaces
        if let trimmed, !trimmed.isEmpty {
            guard let parsed = AsOf(parsing: trimmed) else {
                throw PageError(
                    status: 400,
                    "asOf \"\(trimmed)\" is not a date (2026-10-19) or a timestamp (2026-10-19T17:00:00Z) "
                        + "\(Day.acceptedRangeText); correct it or leave it empty for now")
            }
            asOf = parsed
        } else {
            asOf = nil
        }
        let coachName = coach?.trimmingSpaces
        self.coach = (coachName?.isEmpty ?? true) ? nil : coachName
        self.partial = partial == "1" || partial == "true"
    }

    /// The `asOf` as the page's links carry it.
    public var asOfText: String? { asOf?.text }
}

extension String {
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}

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

    /// Reads the options from a URL's query string, as a browser's GET form sends it.
    public init(query: String?, partial: Bool = true) throws(PageError) {
        let fields = FormQuery.parse(query)
        try self.init(asOf: fields["asOf"], coach: fields["coach"], partial: partial ? fields["partial"] : nil)
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

/// A query string as HTML forms write it (`application/x-www-form-urlencoded`): `+` is a space and
/// `%XX` a byte, so the coach picker's "Lee Park", sent as `coach=Lee+Park`, reads as it was chosen.
enum FormQuery {
    static func parse(_ query: String?) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in (query ?? "").split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decode(parts[0])
            // The first of a repeated field wins, as it does in Hummingbird's own reading.
            if fields[name] == nil { fields[name] = parts.count > 1 ? decode(parts[1]) : "" }
        }
        return fields
    }

    static func decode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var utf8 = text.utf8.makeIterator()
        while let byte = utf8.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                let high = utf8.next(), low = utf8.next()
                if let high, let low, let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) {
                    bytes.append(value)
                } else {
                    // Not an escape: kept as written, so nothing is silently dropped.
                    bytes.append(byte)
                    if let high { bytes.append(high) }
                    if let low { bytes.append(low) }
                }
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

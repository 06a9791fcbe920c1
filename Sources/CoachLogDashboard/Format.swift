import CoachLogProtocol

/// How numbers and texts read on the pages: always as words and figures, so
/// nothing is told by colour alone.
enum Format {
    /// "67 %", or "—" when nothing was reviewed.
    static func percent(_ rate: Double?) -> String {
        guard let rate, rate.isFinite, abs(rate) < 1e6 else { return "—" }
        let whole = Int((rate * 100).rounded())
        // Made once: an organisation's overview writes tens of thousands of them.
        return (0...100).contains(whole) ? percents[whole] : "\(whole) %"
    }

    private static let percents = (0...100).map { "\($0) %" }

    /// A change in points with its sign: "+12 pts", "−33 pts", "0 pts", or "—".
    static func points(_ change: Double?) -> String {
        guard let change, change.isFinite, abs(change) < 1e6 else { return "—" }
        let points = Int((change * 100).rounded())
        if points > 0 { return "+\(points) pts" }
        if points < 0 { return "\u{2212}\(-points) pts" }
        return "0 pts"
    }

    /// "up", "down" or "steady" for a change, so the arrow has words too.
    static func direction(_ change: Double?) -> String {
        guard let change, change.isFinite, abs(change) < 1e6 else { return "no comparison" }
        let points = Int((change * 100).rounded())
        return points > 0 ? "up" : points < 0 ? "down" : "steady"
    }

    /// A rate for sorting: nothing reviewed sorts below 0 %.
    static func sortKey(_ rate: Double?) -> String {
        guard let rate, rate.isFinite, abs(rate) < 1e6 else { return "-1" }
        return String(Int((rate * 1000).rounded()))
    }

    /// A topic's name as a sales leader says it.
    static func topic(_ topic: Topic) -> String {
        switch topic {
        case .selfConcept: return "Self-concept"
        case .identityRole: return "Identity vs. role"
        case .personalGoals: return "Personal goals"
        case .behavioralReflection: return "Behavioral reflection"
        }
    }

    /// A commitment kind as the coaching method names it.
    static func kind(_ kind: CommitmentKind) -> String {
        switch kind {
        case .more: return "More"
        case .better: return "Better"
        case .different: return "Differently"
        }
    }

    /// The first 10 characters of a timestamp: its UTC date.
    static func date(_ timestamp: Timestamp) -> String { timestamp.day.iso8601 }

    /// "today", "1 day", "12 days".
    static func days(_ days: Int) -> String {
        days == 0 ? "today" : days == 1 ? "1 day" : "\(days) days"
    }

    /// Escapes text for HTML content and attribute values (both quote kinds).
    static func html(_ text: String) -> String {
        var needs = false
        for byte in text.utf8 where byte == 0x26 || byte == 0x3C || byte == 0x3E || byte == 0x22 || byte == 0x27 {
            needs = true
            break
        }
        guard needs else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Percent-encodes a path segment or query value (RFC 3986 unreserved characters pass).
    static func urlComponent(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let digits = Array("0123456789ABCDEF".unicodeScalars)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(digits[Int(byte >> 4)])
                out.unicodeScalars.append(digits[Int(byte & 15)])
            }
        }
        return out
    }

    /// A link to a salesperson's page, keeping the `asOf` of the page it is on.
    static func salespersonPath(_ name: String, asOf: String?) -> String {
        "/salespeople/" + urlComponent(name) + (asOf.map { "?asOf=" + urlComponent($0) } ?? "")
    }
}

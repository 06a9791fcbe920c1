/// An instant, in milliseconds since 1970-01-01T00:00:00Z.
///
/// The domain never reads a clock: "now" is always passed in, so every rule
/// and number is reproducible.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.milliseconds < b.milliseconds }

    public static let millisecondsPerDay: Int64 = 86_400_000

    /// The UTC calendar day this instant falls on.
    public var day: Day {
        // Clamped rather than trapping: a corrupt stored time must not crash a reader.
        Day(number: Int32(clamping: floorDivide(milliseconds, Timestamp.millisecondsPerDay)))
    }

    public func adding(days: Int64) -> Timestamp {
        Timestamp(milliseconds: milliseconds + days * Timestamp.millisecondsPerDay)
    }

    /// ISO 8601 in UTC: `2026-11-26T09:30:00Z`, with `.SSS` only when the milliseconds are not zero.
    public var iso8601: String {
        let day = self.day
        let msOfDay = milliseconds - Int64(day.number) * Timestamp.millisecondsPerDay
        let seconds = Int(msOfDay / 1000)
        let ms = Int(msOfDay % 1000)
        // Built byte by byte: this runs for every event and every result row.
        var out = day.isoBytes
        out.reserveCapacity(24)
        out.append(UInt8(ascii: "T"))
        appendDigits(seconds / 3600, 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(seconds / 60 % 60, 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(seconds % 60, 2, to: &out)
        if ms != 0 {
            out.append(UInt8(ascii: "."))
            appendDigits(ms, 3, to: &out)
        }
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    public var description: String { iso8601 }

    /// Parses `YYYY-MM-DD` (midnight UTC) or `YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM)`.
    public init?(iso8601 text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count >= 10, let day = Day(iso8601: String(decoding: bytes[0..<10], as: UTF8.self)) else { return nil }
        var ms = Int64(day.number) * Timestamp.millisecondsPerDay
        if bytes.count == 10 {
            self.init(milliseconds: ms)
            return
        }
        var i = 10
        guard bytes[i] == UInt8(ascii: "T") || bytes[i] == UInt8(ascii: "t") || bytes[i] == UInt8(ascii: " ") else { return nil }
        i += 1
        func number(_ width: Int) -> Int64? {
            guard i + width <= bytes.count else { return nil }
            var value: Int64 = 0
            for b in bytes[i..<(i + width)] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) else { return nil }
                value = value * 10 + Int64(b - UInt8(ascii: "0"))
            }
            i += width
            return value
        }
        guard let hour = number(2), hour < 24, i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
        i += 1
        guard let minute = number(2), minute < 60 else { return nil }
        var second: Int64 = 0
        var fraction: Int64 = 0
        if i < bytes.count, bytes[i] == UInt8(ascii: ":") {
            i += 1
            guard let s = number(2), s < 60 else { return nil }
            second = s
            if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
                i += 1
                var digits = 0
                while i < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) {
                    if digits < 3 { fraction = fraction * 10 + Int64(bytes[i] - UInt8(ascii: "0")) }
                    digits += 1
                    i += 1
                }
                guard digits > 0, digits <= 9 else { return nil }
                for _ in 0..<max(0, 3 - digits) { fraction *= 10 }
            }
        }
        ms += ((hour * 60 + minute) * 60 + second) * 1000 + fraction
        guard i < bytes.count else { return nil }
        switch bytes[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            i += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign: Int64 = bytes[i] == UInt8(ascii: "+") ? 1 : -1
            i += 1
            guard let oh = number(2), oh < 24, i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            guard let om = number(2), om < 60 else { return nil }
            ms -= sign * (oh * 60 + om) * 60_000
        default:
            return nil
        }
        guard i == bytes.count else { return nil }
        self.init(milliseconds: ms)
    }
}

/// A UTC calendar day, as days since 1970-01-01.
public struct Day: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var number: Int32

    public init(number: Int32) { self.number = number }

    public static func < (a: Day, b: Day) -> Bool { a.number < b.number }

    public var start: Timestamp { Timestamp(milliseconds: Int64(number) * Timestamp.millisecondsPerDay) }

    public func adding(days: Int) -> Day { Day(number: number + Int32(days)) }

    /// Parses exactly `YYYY-MM-DD`, rejecting impossible dates such as 2026-02-30.
    public init?(iso8601 text: String) {
        let b = Array(text.utf8)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
        func digits(_ range: Range<Int>) -> Int? {
            var v = 0
            for i in range {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b[i]) else { return nil }
                v = v * 10 + Int(b[i] - UInt8(ascii: "0"))
            }
            return v
        }
        guard let y = digits(0..<4), let m = digits(5..<7), let d = digits(8..<10), y >= 1, (1...12).contains(m),
            d >= 1, d <= Day.daysInMonth(year: y, month: m)
        else { return nil }
        self.init(number: Int32(Day.daysFromCivil(year: y, month: m, day: d)))
    }

    public var iso8601: String { String(decoding: isoBytes, as: UTF8.self) }

    var isoBytes: [UInt8] {
        let (y, m, d) = Day.civil(fromDays: Int(number))
        var out: [UInt8] = []
        out.reserveCapacity(24)
        appendDigits(y, 4, to: &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(m, 2, to: &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(d, 2, to: &out)
        return out
    }

    public var description: String { iso8601 }

    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

/// The moment a time-dependent query is evaluated at.
///
/// A date means "through the end of that UTC day"; a timestamp means "through
/// that instant". Everything after it is ignored, so a query with the same
/// `asOf` over the same log always gives the same answer.
public struct AsOf: Sendable, Hashable {
    /// The first instant that is *not* included.
    public var end: Timestamp
    /// The original text, echoed back in results.
    public var text: String

    public init(end: Timestamp, text: String) {
        self.end = end
        self.text = text
    }

    public init?(parsing text: String) {
        if let day = Day(iso8601: text) {
            self.init(end: day.adding(days: 1).start, text: text)
        } else if let instant = Timestamp(iso8601: text) {
            self.init(end: Timestamp(milliseconds: instant.milliseconds + 1), text: instant.iso8601)
        } else {
            return nil
        }
    }

    /// "Now", passed in by the shell.
    public static func instant(_ now: Timestamp) -> AsOf {
        AsOf(end: Timestamp(milliseconds: now.milliseconds + 1), text: now.iso8601)
    }

    /// The calendar day of `asOf` (used for "overdue" and "days since").
    public var day: Day { Timestamp(milliseconds: end.milliseconds - 1).day }

    public func includes(_ t: Timestamp) -> Bool { t < end }
}

func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

/// Appends `value` in decimal, zero-padded to at least `width` digits.
func appendDigits(_ value: Int, _ width: Int, to out: inout [UInt8]) {
    guard value >= 0 else {
        out.append(contentsOf: String(value).utf8)
        return
    }
    var digits: [UInt8] = []
    var v = value
    repeat {
        digits.append(UInt8(ascii: "0") + UInt8(v % 10))
        v /= 10
    } while v > 0
    for _ in digits.count..<max(width, digits.count) { out.append(UInt8(ascii: "0")) }
    out.append(contentsOf: digits.reversed())
}

extension Day {
    /// The first day a record or query may name: 1970-01-01.
    public static let earliestAccepted = Day(number: 0)
    /// The last day a record or query may name: 9999-12-01, so that every day
    /// the daemon derives from it (a default due date a week later, the end
    /// of an `asOf` day) still has a four-digit year, and so does every
    /// window start 2 × 520 weeks before the earliest.
    public static let latestAccepted = Day(number: Int32(Day.daysFromCivil(year: 9999, month: 12, day: 1)))
    /// How error messages name the accepted range.
    public static let acceptedRangeText = "between 1970-01-01 and 9999-12-01"

    /// Whether a client may name this day.
    public var isAccepted: Bool { (Day.earliestAccepted...Day.latestAccepted).contains(self) }
}

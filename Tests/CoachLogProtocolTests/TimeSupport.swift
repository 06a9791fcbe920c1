import CoachLogProtocol
import Testing

struct BadTime: Error { var text: String }

func timestamp(_ text: String) throws -> Timestamp {
    guard let t = Timestamp(iso8601: text) else { throw BadTime(text: text) }
    return t
}

func day(_ text: String) throws -> Day {
    guard let d = Day(iso8601: text) else { throw BadTime(text: text) }
    return d
}

func asOf(_ text: String) throws -> AsOf {
    guard let a = AsOf(parsing: text) else { throw BadTime(text: text) }
    return a
}

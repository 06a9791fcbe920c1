import CoachingDomain
import Testing

@Suite struct TimeTests {
    @Test func placeholder() {
        #expect(Day(iso8601: "2026-02-30") == nil)
    }
}

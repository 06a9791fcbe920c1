import CoachLogProtocol
import Testing

@Suite struct TimeTests {
    @Test(arguments: ["2026-02-30", "2026-02-29", "1900-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-09-00",
                      "0000-01-01", "2026-9-07", "2026/09/07", "2026-09-07 ", "20260907", "2026-09-0a", ""])
    func dayRejects(_ text: String) {
        #expect(Day(iso8601: text) == nil)
    }

    @Test func dayAcceptsRealDates() throws {
        #expect(Day(iso8601: "2028-02-29")?.iso8601 == "2028-02-29")
        #expect(Day(iso8601: "2000-02-29") != nil)  // divisible by 400: leap
        #expect(Day(iso8601: "1970-01-01")?.number == 0)
        #expect(Day(iso8601: "1969-12-31")?.number == -1)
        // 2026-09-07 00:00Z is 1_788_739_200 s after the epoch: 20_703 days.
        #expect(Day(iso8601: "2026-09-07")?.number == 20_703)
        #expect(Day(iso8601: "2028-03-01")?.number == (try day("2028-02-29")).number + 1)
        #expect(Day(iso8601: "2027-03-01")?.number == (try day("2027-02-28")).number + 1)
    }

    @Test func dayRoundTripsOverCenturies() {
        // Every 13th day from 1600-01-01 to about 2400: iso8601 parses back to the same day.
        let start = Day(iso8601: "1600-01-01")?.number ?? 0
        var count = 0
        for n in stride(from: start, to: start + 292_000, by: 13) {
            let d = Day(number: n)
            #expect(Day(iso8601: d.iso8601) == d, "\(d.iso8601)")
            count += 1
        }
        #expect(count > 22_000)
    }

    @Test func timestampOffsetsAndFractions() throws {
        let utc = try timestamp("2026-09-07T09:30:00Z")
        #expect(utc.milliseconds == 1_788_739_200_000 + (9 * 60 + 30) * 60_000)
        #expect(Timestamp(iso8601: "2026-09-07T11:30:00+02:00") == utc)
        #expect(Timestamp(iso8601: "2026-09-07T04:00:00-05:30") == utc)
        #expect(Timestamp(iso8601: "2026-09-07T09:30Z") == utc)  // seconds optional
        #expect(Timestamp(iso8601: "2026-09-07t09:30:00z") == utc)
        #expect(Timestamp(iso8601: "2026-09-07 09:30:00Z") == utc)
        // An offset that crosses midnight changes the UTC day.
        let crossing = try timestamp("2026-09-07T01:00:00+02:00")
        #expect(crossing.iso8601 == "2026-09-06T23:00:00Z")
        #expect(crossing.day.iso8601 == "2026-09-06")
        // Fractions: tenths, milliseconds, and finer digits truncated to the millisecond.
        #expect(Timestamp(iso8601: "2026-09-07T09:30:00.5Z")?.milliseconds == utc.milliseconds + 500)
        #expect(Timestamp(iso8601: "2026-09-07T09:30:00.123Z")?.milliseconds == utc.milliseconds + 123)
        #expect(Timestamp(iso8601: "2026-09-07T09:30:00.1239Z")?.milliseconds == utc.milliseconds + 123)
        #expect(Timestamp(iso8601: "2026-09-07T11:30:00.123456+02:00")?.milliseconds == utc.milliseconds + 123)
        #expect(Timestamp(iso8601: "2026-09-07T09:30:00.123456789Z")?.milliseconds == utc.milliseconds + 123)
        // A date alone is midnight UTC.
        #expect(Timestamp(iso8601: "2026-09-07")?.milliseconds == 1_788_739_200_000)
    }

    @Test(arguments: ["2026-09-07T09:30:00", "2026-09-07T24:00:00Z", "2026-09-07T09:60:00Z", "2026-09-07T09:30:60Z",
                      "2026-09-07T09:30:00.Z", "2026-09-07T09:30:00.1234567890Z", "2026-09-07T09:30:00+2:00",
                      "2026-09-07T09:30:00+24:00", "2026-09-07T09:30:00+02", "2026-09-07T09:30:00Zjunk",
                      "2026-09-07T", "2026-09-07X09:30:00Z", "2026-02-30T09:30:00Z", "2026-09-07T9:30:00Z"])
    func timestampRejects(_ text: String) {
        #expect(Timestamp(iso8601: text) == nil)
    }

    @Test func timestampIso8601RoundTrips() throws {
        #expect(try timestamp("2026-09-07T09:30:00.500Z").iso8601 == "2026-09-07T09:30:00.500Z")
        #expect(try timestamp("2026-09-07T09:30:00.000Z").iso8601 == "2026-09-07T09:30:00Z")
        #expect(try timestamp("2026-09-07T09:30:00.007Z").iso8601 == "2026-09-07T09:30:00.007Z")
        #expect(Timestamp(milliseconds: -1).iso8601 == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp(milliseconds: -1).day.iso8601 == "1969-12-31")
        var seed: UInt64 = 7
        for _ in 0..<2_000 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            // Any millisecond between 1900 and about 2180.
            let ms = Int64(seed >> 24) % 8_834_000_000_000 - 2_208_988_800_000
            let t = Timestamp(milliseconds: ms)
            #expect(Timestamp(iso8601: t.iso8601) == t, "\(t.iso8601)")
        }
    }

    @Test func asOfADateIncludesThatWholeUtcDay() throws {
        let a = try asOf("2026-10-12")
        #expect(a.text == "2026-10-12")
        #expect(a.end == (try timestamp("2026-10-13T00:00:00Z")))
        #expect(a.day.iso8601 == "2026-10-12")
        #expect(a.includes(try timestamp("2026-10-12T23:59:59.999Z")))
        #expect(!a.includes(try timestamp("2026-10-13T00:00:00Z")))
    }

    @Test func asOfATimestampIncludesThatInstantOnly() throws {
        let a = try asOf("2026-10-12T11:30:00+02:00")
        #expect(a.text == "2026-10-12T09:30:00Z")
        #expect(a.end.milliseconds == (try timestamp("2026-10-12T09:30:00Z")).milliseconds + 1)
        #expect(a.day.iso8601 == "2026-10-12")
        #expect(a.includes(try timestamp("2026-10-12T09:30:00Z")))
        #expect(!a.includes(try timestamp("2026-10-12T09:30:00.001Z")))
        // Late in the evening west of Greenwich is already the next UTC day.
        #expect(try asOf("2026-10-12T22:00:00-05:00").day.iso8601 == "2026-10-13")
        #expect(AsOf(parsing: "last week") == nil)
        #expect(AsOf(parsing: "2026-02-30") == nil)
        let now = AsOf.instant(try timestamp("2026-10-12T09:30:00Z"))
        #expect(now == a)
    }
}

@Suite struct AcceptedDateTests {
    @Test func theAcceptedRangeKeepsFourDigitYears() throws {
        #expect(Day.earliestAccepted.iso8601 == "1970-01-01")
        #expect(Day.latestAccepted.iso8601 == "9999-12-01")
        #expect(try day("9999-12-01").isAccepted && !(try day("9999-12-02")).isAccepted)
        #expect(try day("1970-01-01").isAccepted && !(try day("1969-12-31")).isAccepted)
        // The furthest a query reaches: the end of the latest day, and 2 × 520 weeks before the earliest.
        #expect(Day.latestAccepted.adding(days: 7).iso8601 == "9999-12-08")
        #expect(Day.earliestAccepted.adding(days: -2 * 520 * 7).iso8601.count == 10)
    }

    @Test(arguments: ["9999-12-31", "0001-01-01", "1969-12-31T23:59:59Z"])
    func queriesOutsideTheRangeAreBadRequests(_ asOf: String) throws {
        let request = Request(id: 1, op: .query, fields: ["projection": "followThrough", "asOf": .string(asOf), "weeks": 520])
        let error = #expect(throws: ProtocolError.self) { try request.body() }
        #expect(error?.code == .badRequest)
        #expect(error?.message.contains("between 1970-01-01 and 9999-12-01") == true)
    }
}

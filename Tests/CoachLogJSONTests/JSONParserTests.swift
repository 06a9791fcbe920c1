import CoachLogJSON
import Testing

@Suite struct JSONParserTests {
    @Test func placeholder() throws {
        #expect(try JSONParser.parse("1") == .integer(1))
    }
}

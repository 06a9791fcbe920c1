import CoachLogJSON
import CoachLogProtocol
import CoachLogTestSupport
import Testing

@Suite("Free text: the code's list and the schema agree")
struct FreeTextSchemaTests {
    @Test("every event data member a role without free text sees as null is EventEnvelope.freeTextMembers, and nothing else is")
    func eventDataMembers() throws {
        let definitions = try ProtocolSchemaTests.definitions()
        let shown: Set<String> = ["#/$defs/ShownText", "#/$defs/ShownWord"]
        for type in EventType.allCases.map(\.rawValue) {
            let properties = try #require(definitions[type + "Data"]?["properties"]?.objectValue, "no $defs/\(type)Data")
            for (name, schema) in properties {
                let isShown = schema["$ref"]?.stringValue.map(shown.contains) ?? false
                #expect(
                    isShown == EventEnvelope.freeTextMembers.contains(name),
                    "\(type)Data.\(name): the schema and EventEnvelope.freeTextMembers disagree about free text")
            }
        }
    }
}

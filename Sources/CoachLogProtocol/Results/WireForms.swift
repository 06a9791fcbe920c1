import CoachLogJSON

// Building blocks of the results' hand-written wire forms. Each one gives the
// exact `JSONValue` that `JSONValueEncoder` makes of the same member through
// Codable: an `Int` is an integer, a `Double` a double, a vocabulary enum its
// raw name, and a nil optional `null` (never left out).

extension JSONValue {
    static func int(_ value: Int) -> JSONValue { .integer(Int64(value)) }

    static func name<Name: RawRepresentable>(_ value: Name) -> JSONValue where Name.RawValue == String {
        .string(value.rawValue)
    }

    static func orNull(_ value: Int?) -> JSONValue { value.map(int) ?? .null }
    static func orNull(_ value: Double?) -> JSONValue { value.map(JSONValue.double) ?? .null }
    static func orNull(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
    static func orNull(_ value: (some JSONValueConvertible)?) -> JSONValue { value?.jsonValue ?? .null }

    static func list(_ values: [some JSONValueConvertible]) -> JSONValue { .array(values.map(\.jsonValue)) }
}

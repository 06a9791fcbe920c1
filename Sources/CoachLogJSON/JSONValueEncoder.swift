/// Encodes `Encodable` values into `JSONValue`, so that typed results share
/// one deterministic writer with everything else.
///
/// An optional that is nil is written as `null`, not left out: a wire
/// contract that says `"rate": null` when nothing was reviewed keeps saying
/// it, and clients never have to tell a missing field from an empty one.
/// Integers stay exact. A non-finite double cannot be JSON and is refused.
public struct JSONValueEncoder: Sendable {
    /// False only in tests: every value then goes through its `encode(to:)`,
    /// the reference a hand-written `jsonValue` is proved equal to.
    let usesHandWrittenForms: Bool

    public init() { usesHandWrittenForms = true }

    init(usesHandWrittenForms: Bool) { self.usesHandWrittenForms = usesHandWrittenForms }

    public func encode(_ value: some Encodable) throws -> JSONValue {
        try encodeValue(value, path: [], handWritten: usesHandWrittenForms)
    }
}

/// A type whose JSON form is written by hand for speed (an event envelope is
/// sent thousands of times a second): the encoder takes `jsonValue` as is.
public protocol JSONValueConvertible: Encodable {
    var jsonValue: JSONValue { get }
}

/// Coding paths are not tracked below the top: building one per member
/// would allocate for every field of every result, and the encoder's only
/// errors (a non-finite double, an integer beyond 64 bits) are programming
/// errors that the value in the message identifies.
///
/// One value being built. Results are encoded on the query hot path, so a
/// value's members are kept as finished `JSONValue`s (each member is encoded
/// completely before it is stored); only a nested container, which its
/// caller may still write to, is kept as a slot and finished at the end.
private final class Slot {
    enum Content {
        case scalar(JSONValue)
        case object([String: JSONValue])
        case array([JSONValue])
    }

    var content: Content = .scalar(.null)
    /// Nested containers handed out, finished into this value by `resolved`.
    var children: [(key: String?, slot: Slot)] = []

    var resolved: JSONValue {
        var value: JSONValue
        switch content {
        case .scalar(let v): value = v
        case .object(let members): value = .object(members)
        case .array(let items): value = .array(items)
        }
        guard !children.isEmpty else { return value }
        for child in children {
            switch (value, child.key) {
            case (.object(var members), let key?):
                members[key] = child.slot.resolved
                value = .object(members)
            case (.array(var items), nil):
                items.append(child.slot.resolved)
                value = .array(items)
            default:
                break
            }
        }
        return value
    }

    func makeObject() {
        if case .object = content { return }
        content = .object([:])
    }

    func makeArray() {
        if case .array = content { return }
        content = .array([])
    }

    func set(_ key: String, _ value: JSONValue) {
        guard case .object(var members) = content else {
            content = .object([key: value])
            return
        }
        content = .scalar(.null)  // release the dictionary so it is mutated in place
        members[key] = value
        content = .object(members)
    }

    func append(_ value: JSONValue) {
        guard case .array(var items) = content else {
            content = .array([value])
            return
        }
        content = .scalar(.null)
        items.append(value)
        content = .array(items)
    }
}

/// The JSON form of values that need no container (saves an encoder per field).
private func primitive(_ value: Any, path: [any CodingKey], handWritten: Bool) throws -> JSONValue? {
    switch value {
    case let v as String: return .string(v)
    case let v as Int: return .integer(Int64(v))
    case let v as Bool: return .bool(v)
    case let v as Double:
        guard v.isFinite else {
            throw EncodingError.invalidValue(v, .init(codingPath: path, debugDescription: "\(v) is not a JSON number"))
        }
        return .double(v)
    case let v as Int64: return .integer(v)
    case let v as UInt64:
        guard let i = Int64(exactly: v) else {
            throw EncodingError.invalidValue(v, .init(codingPath: path, debugDescription: "\(v) does not fit a JSON integer"))
        }
        return .integer(i)
    case let v as Int32: return .integer(Int64(v))
    case let v as UInt32: return .integer(Int64(v))
    case let v as JSONValue: return v
    case let v as any JSONValueConvertible where handWritten: return v.jsonValue
    // Vocabulary enums: their raw value is their wire name.
    case let v as any RawRepresentable:
        guard let name = v.rawValue as? String else { return nil }
        return .string(name)
    default: return nil
    }
}

/// Encodes one value completely and returns it.
private func encodeValue(_ value: some Encodable, path: [any CodingKey], handWritten: Bool) throws -> JSONValue {
    if let direct = try primitive(value, path: path, handWritten: handWritten) { return direct }
    let slot = Slot()
    try value.encode(to: SlotEncoder(slot: slot, codingPath: path, handWritten: handWritten))
    return slot.resolved
}

private struct SlotEncoder: Encoder {
    let slot: Slot
    let codingPath: [any CodingKey]
    let handWritten: Bool
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        slot.makeObject()
        let container = ObjectContainer<Key>(slot: slot, codingPath: codingPath, handWritten: handWritten)
        return KeyedEncodingContainer(container)
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        slot.makeArray()
        return ArrayContainer(slot: slot, codingPath: codingPath, handWritten: handWritten)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleContainer(slot: slot, codingPath: codingPath, handWritten: handWritten)
    }
}

private struct ObjectContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let slot: Slot
    let codingPath: [any CodingKey]
    let handWritten: Bool

    mutating func encodeNil(forKey key: Key) throws { slot.set(key.stringValue, .null) }
    mutating func encode(_ value: String, forKey key: Key) throws { slot.set(key.stringValue, .string(value)) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { slot.set(key.stringValue, .bool(value)) }
    mutating func encode(_ value: Int, forKey key: Key) throws { slot.set(key.stringValue, .integer(Int64(value))) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        slot.set(key.stringValue, try encodeValue(value, path: codingPath, handWritten: handWritten))
    }
    // Synthesized conformances call these for optionals: nil becomes null (see JSONValueEncoder).
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
        guard let value else { return try encodeNil(forKey: key) }
        try encode(value, forKey: key)
    }
    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try encodeOptional(value, key) }

    private mutating func encodeOptional<T: Encodable>(_ value: T?, _ key: Key) throws {
        guard let value else { return try encodeNil(forKey: key) }
        try encode(value, forKey: key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        let child = Slot()
        slot.children.append((key.stringValue, child))
        return SlotEncoder(slot: child, codingPath: codingPath, handWritten: handWritten).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = Slot()
        slot.children.append((key.stringValue, child))
        return SlotEncoder(slot: child, codingPath: codingPath, handWritten: handWritten).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let child = Slot()
        slot.children.append(("super", child))
        return SlotEncoder(slot: child, codingPath: codingPath, handWritten: handWritten)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let child = Slot()
        slot.children.append((key.stringValue, child))
        return SlotEncoder(slot: child, codingPath: codingPath, handWritten: handWritten)
    }
}

private struct ArrayContainer: UnkeyedEncodingContainer {
    let slot: Slot
    let codingPath: [any CodingKey]
    let handWritten: Bool
    var count: Int {
        if case .array(let items) = slot.content { return items.count + slot.children.count }
        return slot.children.count
    }

    mutating func encodeNil() throws { slot.append(.null) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        slot.append(try encodeValue(value, path: codingPath, handWritten: handWritten))
    }
    // Nested containers in arrays are finished after the directly encoded items; CoachLog's types use none.
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let child = Slot()
        let path = codingPath
        slot.children.append((nil, child))
        return SlotEncoder(slot: child, codingPath: path, handWritten: handWritten).container(keyedBy: keyType)
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let child = Slot()
        let path = codingPath
        slot.children.append((nil, child))
        return SlotEncoder(slot: child, codingPath: path, handWritten: handWritten).unkeyedContainer()
    }
    mutating func superEncoder() -> any Encoder {
        let child = Slot()
        let path = codingPath
        slot.children.append((nil, child))
        return SlotEncoder(slot: child, codingPath: path, handWritten: handWritten)
    }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let slot: Slot
    let codingPath: [any CodingKey]
    let handWritten: Bool

    mutating func encodeNil() throws { slot.content = .scalar(.null) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        slot.content = .scalar(try encodeValue(value, path: codingPath, handWritten: handWritten))
    }
}

/// The key of an array element, for error paths.
struct IndexKey: CodingKey {
    var index: Int
    init(index: Int) { self.index = index }
    init?(intValue: Int) { self.index = intValue }
    init?(stringValue: String) { nil }
    var stringValue: String { "[\(index)]" }
    var intValue: Int? { index }
}

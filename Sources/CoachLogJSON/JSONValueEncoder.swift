/// Encodes `Encodable` values into `JSONValue`, so that typed results share
/// one deterministic writer with everything else.
///
/// An optional that is nil is written as `null`, not left out: a wire
/// contract that says `"rate": null` when nothing was reviewed keeps saying
/// it, and clients never have to tell a missing field from an empty one.
/// Integers stay exact. A non-finite double cannot be JSON and is refused.
public struct JSONValueEncoder: Sendable {
    public init() {}

    public func encode(_ value: some Encodable) throws -> JSONValue {
        if let direct = try primitive(value, path: []) { return direct }
        let encoder = NodeEncoder(node: Node(), codingPath: [])
        try value.encode(to: encoder)
        return encoder.node.resolved
    }
}

/// A type whose JSON form is written by hand for speed (an event envelope is
/// sent thousands of times a second): the encoder takes `jsonValue` as is.
public protocol JSONValueConvertible: Encodable {
    var jsonValue: JSONValue { get }
}

/// One value being built. Containers nest and may be asked for again, so the
/// tree is made of references and turned into a `JSONValue` once, at the end.
private final class Node {
    enum Content {
        case value(JSONValue)
        case object([String: Node])
        case array([Node])
    }

    var content: Content = .value(.null)

    var resolved: JSONValue {
        switch content {
        case .value(let v): return v
        case .object(let members): return .object(members.mapValues(\.resolved))
        case .array(let items): return .array(items.map(\.resolved))
        }
    }

    func member(_ key: String) -> Node {
        let child = Node()
        if case .object(var members) = content {
            content = .value(.null)  // release the dictionary so it is mutated in place
            members[key] = child
            content = .object(members)
        } else {
            content = .object([key: child])
        }
        return child
    }

    func appended() -> Node {
        let child = Node()
        if case .array(var items) = content {
            content = .value(.null)
            items.append(child)
            content = .array(items)
        } else {
            content = .array([child])
        }
        return child
    }
}

/// The JSON form of values that need no container (saves an encoder per field).
private func primitive(_ value: Any, path: [any CodingKey]) throws -> JSONValue? {
    switch value {
    case let v as String: return .string(v)
    case let v as Bool: return .bool(v)
    case let v as Int: return .integer(Int64(v))
    case let v as Int64: return .integer(v)
    case let v as Int32: return .integer(Int64(v))
    case let v as UInt32: return .integer(Int64(v))
    case let v as UInt64:
        guard let i = Int64(exactly: v) else {
            throw EncodingError.invalidValue(v, .init(codingPath: path, debugDescription: "\(v) does not fit a JSON integer"))
        }
        return .integer(i)
    case let v as Double:
        guard v.isFinite else {
            throw EncodingError.invalidValue(v, .init(codingPath: path, debugDescription: "\(v) is not a JSON number"))
        }
        return .double(v)
    case let v as JSONValue: return v
    case let v as any JSONValueConvertible: return v.jsonValue
    default: return nil
    }
}

private func encode(_ value: some Encodable, into node: Node, path: [any CodingKey]) throws {
    if let direct = try primitive(value, path: path) {
        node.content = .value(direct)
        return
    }
    try value.encode(to: NodeEncoder(node: node, codingPath: path))
}

private struct NodeEncoder: Encoder {
    let node: Node
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object = node.content {} else { node.content = .object([:]) }
        return KeyedEncodingContainer(ObjectContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array = node.content {} else { node.content = .array([]) }
        return ArrayContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleContainer(node: node, codingPath: codingPath) }
}

private struct ObjectContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: Node
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws { node.member(key.stringValue).content = .value(.null) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try CoachLogJSON.encode(value, into: node.member(key.stringValue), path: codingPath + [key])
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
        NodeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        NodeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        NodeEncoder(node: node.member("super"), codingPath: codingPath)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        NodeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key])
    }
}

private struct ArrayContainer: UnkeyedEncodingContainer {
    let node: Node
    let codingPath: [any CodingKey]
    var count: Int {
        if case .array(let items) = node.content { return items.count }
        return 0
    }

    mutating func encodeNil() throws { node.appended().content = .value(.null) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        let path = codingPath + [IndexKey(index: count)]
        try CoachLogJSON.encode(value, into: node.appended(), path: path)
    }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let path = codingPath + [IndexKey(index: count)]
        return NodeEncoder(node: node.appended(), codingPath: path).container(keyedBy: keyType)
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = codingPath + [IndexKey(index: count)]
        return NodeEncoder(node: node.appended(), codingPath: path).unkeyedContainer()
    }
    mutating func superEncoder() -> any Encoder {
        let path = codingPath + [IndexKey(index: count)]
        return NodeEncoder(node: node.appended(), codingPath: path)
    }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let node: Node
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { node.content = .value(.null) }
    mutating func encode<T: Encodable>(_ value: T) throws { try CoachLogJSON.encode(value, into: node, path: codingPath) }
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

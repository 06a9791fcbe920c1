import CoachLogJSON
import CoachLogProtocol
import Sealing

/// An event's data split the way the log stores it (see `RecordCodec`): a
/// clear part with no name and no free text, and the free-text members,
/// which the writer seals with the salesperson's data key. Made on the
/// caller's thread, so that the single writer only seals and copies.
struct DataParts: Sendable, Equatable {
    /// The data without `salesperson` and free text; other people still by name.
    var clear: [String: JSONValue]
    /// `clear` serialized, when it names nobody (most events).
    var clearBytes: [UInt8]?
    /// Bit i set: `EventType.freeTextFields[i]` is present.
    var textMask: UInt8 = 0
    /// The free-text members as one JSON object; nil when there are none.
    var texts: [UInt8]?
    /// Names of other people in the data (a session's coach, a merge's target).
    var otherPeople: [String] = []

    init(_ type: EventType, data: JSONValue) {
        guard case .object(var fields) = data else {
            clear = [:]
            return
        }
        fields["salesperson"] = nil
        var texts: [String: JSONValue] = [:]
        for (bit, member) in EventType.freeTextFields.enumerated() {
            guard let value = fields.removeValue(forKey: member), !value.isNull else { continue }
            texts[member] = value
            textMask |= 1 << bit
        }
        self.texts = texts.isEmpty ? nil : JSONWriter.bytes(.object(texts))
        for member in type.otherPersonFields {
            if case .string(let name)? = fields[member] { otherPeople.append(name) }
        }
        clear = fields
        clearBytes = otherPeople.isEmpty ? JSONWriter.bytes(.object(fields)) : nil
    }

    /// The clear part as stored: other people by their ids.
    func storedClear(_ type: EventType, ids: (String) throws -> PersonID) rethrows -> [UInt8] {
        if let clearBytes { return clearBytes }
        var fields = clear
        for member in type.otherPersonFields {
            if case .string(let name)? = fields[member] { fields[member] = .string(RecordCodec.token(try ids(name))) }
        }
        return JSONWriter.bytes(.object(fields))
    }
}

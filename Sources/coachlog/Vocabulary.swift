import ArgumentParser
import CoachLogProtocol

/// The coaching topics under the names people type and read. The topics themselves are the protocol's
/// `Topic`; this is only how the CLI spells them.
enum TopicName {
    /// The name shown for each topic.
    static func display(_ topic: Topic) -> String {
        switch topic {
        case .selfConcept: return "self-concept"
        case .identityRole: return "identity-role"
        case .personalGoals: return "personal-goals"
        case .behavioralReflection: return "behavioral-reflection"
        }
    }

    /// Short names accepted besides the displayed and the wire names.
    static let shorthands: [String: Topic] = [
        "selfconcept": .selfConcept, "identity": .identityRole, "goals": .personalGoals, "reflection": .behavioralReflection,
    ]

    static let help = "self-concept, identity-role, personal-goals (goals) or behavioral-reflection (reflection)"

    /// The topic a typed name means: the displayed name, the wire name or a shorthand.
    static func topic(_ name: String) throws -> Topic {
        let typed = name.trimmingSpaces
        if let topic = Topic(rawValue: typed) ?? shorthands[typed] ?? Topic.allCases.first(where: { display($0) == typed }) {
            return topic
        }
        throw ValidationError("unknown topic \"\(name)\"; use \(help)")
    }
}

/// "more, better or different": a vocabulary's wire names as people read a list of choices.
func choices<Word: CaseIterable & RawRepresentable>(_: Word.Type) -> String where Word.RawValue == String {
    let names = Word.allCases.map(\.rawValue)
    guard let last = names.last, names.count > 1 else { return names.joined() }
    return names.dropLast().joined(separator: ", ") + " or " + last
}

/// The word of `Word` that `text` names, or a usage error listing the choices.
func word<Word: CaseIterable & RawRepresentable>(_ text: String, _: Word.Type, what: String) throws -> Word
where Word.RawValue == String {
    guard let word = Word(rawValue: text) else { throw ValidationError("the \(what) must be \(choices(Word.self)), not \"\(text)\"") }
    return word
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}

import CoachLogProtocol

/// Names that differ only by case, spacing or accents are probably one person
/// typed two ways ("Maria", "maria", "María", "ma ria").
public enum NameSimilarity {
    /// The existing name that `name` looks like, if any.
    static func lookalike(of name: String, in model: some CoachingReadModel) throws -> String? {
        try model.people(foldedAs: folded(name)).first { $0.hasSessions && $0.mergedInto == nil }?.salesperson
    }

    /// Lower case, no whitespace or punctuation spacing, no accents. The standard
    /// library has no Unicode decomposition without Foundation, so accents are
    /// removed by dropping combining marks and folding the precomposed Latin letters.
    public static func folded(_ name: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in name.lowercased().unicodeScalars {
            if scalar.properties.isWhitespace || scalar == "-" || scalar == "_" || scalar == "." { continue }
            if scalar.properties.generalCategory == .nonspacingMark { continue }
            out.append(contentsOf: baseLetter(scalar).unicodeScalars)
        }
        return String(out)
    }

    private static func baseLetter(_ s: Unicode.Scalar) -> String {
        switch s {
        case "à", "á", "â", "ã", "ä", "å", "ā", "ă", "ą": return "a"
        case "ç", "ć", "ĉ", "ċ", "č": return "c"
        case "ď", "đ": return "d"
        case "è", "é", "ê", "ë", "ē", "ĕ", "ė", "ę", "ě": return "e"
        case "ĝ", "ğ", "ġ", "ģ": return "g"
        case "ĥ", "ħ": return "h"
        case "ì", "í", "î", "ï", "ĩ", "ī", "ĭ", "į", "ı": return "i"
        case "ĵ": return "j"
        case "ķ": return "k"
        case "ĺ", "ļ", "ľ", "ŀ", "ł": return "l"
        case "ñ", "ń", "ņ", "ň": return "n"
        case "ò", "ó", "ô", "õ", "ö", "ø", "ō", "ŏ", "ő": return "o"
        case "ŕ", "ŗ", "ř": return "r"
        case "ś", "ŝ", "ş", "š", "ß": return s == "ß" ? "ss" : "s"
        case "ţ", "ť", "ŧ": return "t"
        case "ù", "ú", "û", "ü", "ũ", "ū", "ŭ", "ů", "ű", "ų": return "u"
        case "ŵ": return "w"
        case "ý", "ÿ", "ŷ": return "y"
        case "ź", "ż", "ž": return "z"
        case "æ": return "ae"
        case "œ": return "oe"
        default: return String(s)
        }
    }
}

import Foundation

/// The forms a school's ФИС ОКО login may take, as a district writes them: templates such as
/// «edu000000, sch000000», where 0 stands for any digit and every other character for itself.
/// Real exports carry more than `edu` and six digits (municipal files with `sch701000`, colleges
/// with `spo…`), so the forms are a district setting rather than a fixed rule; a template rather
/// than a regular expression so that a specialist can read and edit it.
public struct LoginPattern: Sendable, Equatable, CustomStringConvertible {
    public let templates: [String]

    /// The forms known from ФИС ОКО and municipal exports.
    public static let standard = LoginPattern(validTemplates: ["edu000000", "sch000000", "spo000000"])

    private init(validTemplates: [String]) { templates = validTemplates }

    /// Reads «edu000000, sch000000»; an error says what is wrong with the text, in Russian.
    public static func parse(_ text: String) -> Result<LoginPattern, LoginPatternError> {
        let parts = text.lowercased().split(whereSeparator: { $0 == "," || $0 == ";" || $0.isWhitespace }).map(String.init)
        guard !parts.isEmpty else { return .failure(LoginPatternError(description: "укажите хотя бы один вид логина, например edu000000.")) }
        for p in parts {
            guard p.contains("0") else {
                return .failure(LoginPatternError(description: "«\(p)» — в виде логина нет ни одной цифры 0 (0 обозначает любую цифру)."))
            }
            guard (4...32).contains(p.count), p.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
                return .failure(LoginPatternError(description: "«\(p)» — не вид логина: латинские буквы и цифры (0 — любая цифра), от 4 до 32 знаков."))
            }
        }
        return .success(LoginPattern(validTemplates: Array(NSOrderedSet(array: parts)) as? [String] ?? parts))
    }

    /// The setting as stored; nil or invalid text gives the standard forms.
    public init(setting: String?) {
        if let setting, case .success(let p) = Self.parse(setting) { self = p } else { self = .standard }
    }

    public func accepts(_ login: String) -> Bool {
        let l = Array(login.lowercased().utf8)
        return templates.contains { t in
            let t = Array(t.utf8)
            guard t.count == l.count else { return false }
            return zip(t, l).allSatisfy { a, b in a == 0x30 ? (0x30...0x39).contains(b) : a == b }
        }
    }

    /// «edu и шесть цифр» style: «edu000000 или sch000000, где 0 — любая цифра».
    public var explanation: String {
        "ожидается вид " + templates.joined(separator: " или ") + ", где 0 — любая цифра"
    }

    /// The setting's text: «edu000000, sch000000».
    public var description: String { templates.joined(separator: ", ") }
}

public struct LoginPatternError: Error, CustomStringConvertible, Equatable {
    public var description: String
}

import Foundation

/// The kinds of assessment procedure a district runs. The list is the district's (a setting it
/// can extend: «Всероссийская олимпиада», «PISA-подобное исследование» …); these are the defaults.
public enum ProcedureTypes {
    public static let defaults = ["ВПР", "Региональный мониторинг", "ВГР", "НИКО", "Муниципальная диагностика",
                                  "Школьная диагностика", "ОГЭ", "ЕГЭ"]

    /// The list's own spelling of `type` (case, spaces, ё/е and look-alike letters aside), or nil
    /// when the list does not have it.
    public static func match(_ type: String, in list: [String]) -> String? {
        let key = ResultsLayout.key(type)
        return list.first { ResultsLayout.key($0) == key }
    }

    /// A list as typed in the settings form: one type a line, blanks and repeats dropped.
    public static func parse(_ text: String) -> [String] {
        var seen = Set<String>()
        return text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && seen.insert(ResultsLayout.key($0)).inserted }
    }
}

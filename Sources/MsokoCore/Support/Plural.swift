import Foundation

/// Russian plural forms: «1 балл», «4 балла», «5 баллов», «21 работа», «181 обучающегося». One helper
/// for pages, messages and documents, so that no text says «4 баллов». Written by hand: the rule
/// is three lines, and Foundation's inflection does not cover Russian on Linux.
public enum Plural {
    /// The form for `n`: `one` for 1, 21, 31 … (not 11), `few` for 2–4, 22–24 … (not 12–14),
    /// `many` for the rest (0, 5–20, 25–30 …).
    public static func form(_ n: Int, _ one: String, _ few: String, _ many: String) -> String {
        let m100 = abs(n) % 100, m10 = abs(n) % 10
        if (11...14).contains(m100) { return many }
        if m10 == 1 { return one }
        if (2...4).contains(m10) { return few }
        return many
    }

    /// `n` and the word in its form, joined by a no-break space so that they never part at a line end.
    public static func count(_ n: Int, _ one: String, _ few: String, _ many: String) -> String {
        "\(n)\u{00A0}\(form(n, one, few, many))"
    }

    public static func works(_ n: Int) -> String { count(n, "работа", "работы", "работ") }
    public static func points(_ n: Int) -> String { count(n, "балл", "балла", "баллов") }
    public static func schools(_ n: Int) -> String { count(n, "школа", "школы", "школ") }
    public static func rows(_ n: Int) -> String { count(n, "строка", "строки", "строк") }
    public static func students(_ n: Int) -> String { count(n, "обучающийся", "обучающихся", "обучающихся") }
    public static func tasks(_ n: Int) -> String { count(n, "задание", "задания", "заданий") }
    public static func days(_ n: Int) -> String { count(n, "день", "дня", "дней") }

    /// «при 181 обучающемся / при 182 обучающихся» (prepositional case).
    public static func studentsPrepositional(_ n: Int) -> String { count(n, "обучающемся", "обучающихся", "обучающихся") }
}

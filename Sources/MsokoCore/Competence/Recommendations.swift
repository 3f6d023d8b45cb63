import Foundation

/// The library of methodical recommendations (roadmap 3.1, issue 16 §1): which recommendations
/// answer a gap — the same subject, the grade among theirs, the requirement's code among the codes
/// they address. Rules only; the library lives in the server.
public enum RecommendationMatch {
    /// Requirement codes as typed: «1.1, 2.3; 4.2.1» or one a line; letters allowed («ПР1.2»),
    /// duplicates dropped, order kept. Anything else is named in `problems`.
    public static func codes(_ text: String) -> (codes: [String], problems: [String]) {
        var out: [String] = []
        var problems: [String] = []
        var seen = Set<String>()
        for raw in text.split(whereSeparator: { $0 == "," || $0 == ";" || $0.isNewline || $0 == " " }) {
            let code = String(raw).trimmingCharacters(in: CharacterSet(charactersIn: ".")).trimmingCharacters(in: .whitespaces)
            if code.isEmpty { continue }
            guard code.count <= 20, code.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }), code.contains(where: \.isNumber) else {
                problems.append("«\(code.prefix(30))» — не похоже на код требования (например, 1.2 или 4.1.3)")
                continue
            }
            if seen.insert(code.lowercased()).inserted { out.append(code) }
        }
        return (out, problems)
    }

    /// Grades as typed: «4, 5», «5-7», «10–11»; 1…11 only.
    public static func grades(_ text: String) -> (grades: [Int], problems: [String]) {
        var out = Set<Int>()
        var problems: [String] = []
        for raw in text.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == " " }) {
            let part = String(raw).replacingOccurrences(of: "–", with: "-").replacingOccurrences(of: "—", with: "-")
            let ends = part.split(separator: "-").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            if ends.count == 1, let g = ends[0], (1...11).contains(g) { out.insert(g); continue }
            if ends.count == 2, let a = ends[0], let b = ends[1], (1...11).contains(a), (1...11).contains(b), a <= b { out.formUnion(a...b); continue }
            problems.append("«\(part.prefix(20))» — ожидаются классы от 1 до 11, например «4, 5» или «5-7»")
        }
        return (out.sorted(), problems)
    }

    /// How well a recommendation for `subject`, `grades` and `codes` answers a gap in `gapSubject`,
    /// grade `grade`, requirement `code`: nil when it does not; 3 for the code itself, 2 for a
    /// broader code («1.2» for «1.2.3»), 1 for a recommendation on the subject and grade with no codes.
    public static func score(subject: String, grades: [Int], codes: [String], gapSubject: String, grade: Int, code: String) -> Int? {
        guard Gaps.subjectKey(subject) == Gaps.subjectKey(gapSubject) else { return nil }
        guard grades.isEmpty || grades.contains(grade) else { return nil }
        if codes.isEmpty { return 1 }
        let c = code.lowercased()
        if codes.contains(where: { $0.lowercased() == c }) { return 3 }
        if codes.contains(where: { c.hasPrefix($0.lowercased() + ".") }) { return 2 }
        return nil
    }
}

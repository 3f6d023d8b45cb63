import Foundation

/// A draft order «Об итогах …» from a template the district edits as text (Настройки): `{ключ}`
/// placeholders filled from the analysis; every line is a paragraph: `# …` centred and bold, `- …`
/// an item of a list, any other justified; empty lines are skipped.
public enum OrderTemplate {
    /// The placeholders a template may use, with what they become.
    public static let keys: [(key: String, meaning: String)] = [
        ("орган", "наименование органа управления образованием"), ("район", "муниципальное образование"),
        ("дата", "дата приказа (сегодня)"), ("процедура", "вид процедуры и год, например «ВПР 2026»"), ("предмет", "предмет"),
        ("класс", "класс (параллель)"), ("учебный_год", "учебный год процедуры"), ("сроки", "даты проведения"),
        ("участников", "число работ"), ("школ", "число школ"), ("успеваемость", "успеваемость района"),
        ("качество", "качество знаний района"), ("доля_2", "доля отметок «2»"), ("средний_балл", "средний первичный балл и максимум"),
        ("дефициты", "требования, не освоенные в районе"), ("школы_поддержки", "школы, где «2» получили не меньше четверти работ (и не меньше трёх)"),
        ("срок_педсовета", "через месяц после процедуры"), ("ответственный", "кто контролирует исполнение"), ("подпись", "блок подписи района"),
    ]

    /// Placeholders in `template` that are not known, for the settings form to refuse.
    public static func unknownKeys(in template: String) -> [String] {
        let known = Set(keys.map(\.key))
        return placeholders(template).filter { !known.contains($0) }
    }

    static func placeholders(_ text: String) -> [String] {
        var out: [String] = []
        var rest = text[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            let key = String(rest[rest.index(after: open)..<close])
            if !out.contains(key) { out.append(key) }
            rest = rest[rest.index(after: close)...]
        }
        return out
    }

    public static func values(_ a: ResultsAnalysis, context: AnalyticalReport.Context, department: String, responsible: String, schoolYear: String) -> [String: String] {
        let d = a.district
        let spec = a.spec
        let weak = AnalyticalReport.deficitList([d], a)
        let deficits = weak.items.prefix(5).map { "«\($0.text)»" }
        let support = AnalyticalReport.supportSchools(a).map { $0.schoolName ?? $0.school ?? "" }
        return [
            "орган": department, "район": context.territory, "дата": context.today, "процедура": "\(spec.type) \(spec.year)",
            "предмет": spec.subject, "класс": String(spec.grade), "учебный_год": schoolYear,
            "сроки": context.dates.isEmpty ? "сроки по графику" : context.dates, "участников": String(d.participants), "школ": String(a.schools.count),
            "успеваемость": AnalyticalReport.pct(d.passRate), "качество": AnalyticalReport.pct(d.qualityRate), "доля_2": AnalyticalReport.pct(d.markShare(2)),
            "средний_балл": "\(AnalyticalReport.num(d.meanPrimaryScore)) из \(spec.maxScore)",
            "дефициты": deficits.isEmpty ? "заданий с низким выполнением на уровне района не выявлено"
                : deficits.joined(separator: ", ") + (weak.areDeficits ? "" : " (освоены слабее других требований)"),
            "школы_поддержки": support.isEmpty ? "по результатам анализа в школах" : support.joined(separator: ", "),
            "срок_педсовета": "1 июня \(spec.year)", "ответственный": responsible, "подпись": context.signature.joined(separator: "\n"),
        ]
    }

    /// The template with each `{ключ}` of `values` replaced, in one pass over the template: a value
    /// that itself holds «{…}» (typed by a user) is never filled again. Unknown keys stay as they are.
    public static func fill(_ template: String, values: [String: String]) -> String {
        var out = ""
        var rest = template[...]
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            out += rest[..<open]
            let key = String(rest[rest.index(after: open)..<close])
            if let v = values[key] {
                out += v
                rest = rest[rest.index(after: close)...]
            } else {
                out += "{"
                rest = rest[rest.index(after: open)...]
            }
        }
        out += rest
        return out
    }

    public static func document(_ text: String, title: String) -> DocxDocument {
        var doc = DocxDocument(title: title)
        for raw in text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if line.hasPrefix("# ") {
                doc.paragraph(String(line.dropFirst(2)), alignment: .center, bold: true)
            } else if line.hasPrefix("- ") {
                doc.add(DocxDocument.Paragraph(runs("— " + line.dropFirst(2))))
            } else {
                doc.add(DocxDocument.Paragraph(runs(line), alignment: line.contains("    ") ? .left : .both))
            }
        }
        return doc
    }

    /// A line's runs: text between `**` and `**` bold («**СЛУШАЛИ:** …» in a protocol); an unpaired
    /// `**` is kept as it is.
    static func runs(_ line: String) -> [DocxDocument.Run] {
        let parts = line.components(separatedBy: "**")
        guard parts.count >= 3 else { return [DocxDocument.Run(line)] }
        var out: [DocxDocument.Run] = []
        for (i, part) in parts.enumerated() {
            // An odd count of markers leaves the last part outside any pair: plain, marker restored.
            let closed = i % 2 == 1 && i < parts.count - 1
            let text = i % 2 == 1 && !closed ? "**" + part : part
            if !text.isEmpty { out.append(DocxDocument.Run(text, bold: closed)) }
        }
        return out
    }
}

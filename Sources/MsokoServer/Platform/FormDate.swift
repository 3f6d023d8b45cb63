import MsokoCore

/// A date typed into a form («ДД.ММ.ГГГГ» or ISO), with the problems named the way every form
/// names them: «Поле «…»: …».
enum FormDate {
    /// Empty: nil, and a problem when `required`. A date that does not read, or (with `notAfter`)
    /// one still to come, adds a problem. `place` goes before «поле» («Пункт 2, поле «Срок»»).
    static func parse(_ text: String?, field: String, place: String? = nil, required: Bool = false, notAfter: LocalDate? = nil,
                      errors: inout [String]) -> LocalDate? {
        let name = place.map { "\($0), поле «\(field)»" } ?? "Поле «\(field)»"
        let t = (text ?? "").trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty else {
            if required { errors.append("\(name): укажите дату.") }
            return nil
        }
        guard let d = LocalDate(typed: t) else { errors.append("\(name): «\(t)» — ожидается дата ДД.ММ.ГГГГ."); return nil }
        if let limit = notAfter, d > limit { errors.append("\(name): \(d.russian) ещё не наступило.") }
        return d
    }
}

/// A text field of a form, trimmed, with its problems named the same way: «Поле «…»: заполните.»
enum FormText {
    static func read(_ value: String?, _ field: String, max: Int, required: Bool, _ errors: inout [String], place: String? = nil) -> String {
        let name = place.map { "\($0), поле «\(field)»" } ?? "Поле «\(field)»"
        let t = (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if required && t.isEmpty { errors.append("\(name): заполните.") }
        if t.count > max { errors.append("\(name): не больше \(max) символов (сейчас \(t.count)).") }
        return t
    }
}

import MsokoCore

/// The gaps page of a school or a class: what the group has not mastered, who needs individual
/// work, and the same requirements in the cohort's other procedures. Codes only, never names.
struct GapsPage {
    /// A class's plan: the link to it, or the button that drafts it (for those who may); empty otherwise.
    var plan: HTML = ""
    var title: String
    var procedure: String
    /// nil: the school's page (with its classes).
    var className: String?
    var gaps: GroupGaps
    var classes: [(name: String, gaps: GroupGaps)]
    /// Per class, its gaps page (every role that opens a school's page opens its classes').
    var classLinks: [SiteURL]
    var followed: [FollowedRequirement]
    var xlsx: SiteURL
    var analysis: SiteURL
    /// «Что почитать»: the library of recommendations filtered to a requirement's code (nil for
    /// roles without the library).
    var library: (subject: String, grade: Int)? = nil

    func view(_ ctx: PageContext) -> HTML {
        var html: HTML = #"<h1>\#(title)</h1><p class="muted">\#(procedure)</p>"#
        html += #"<div class="no-print actions">\#(plan)<a class="btn secondary" href="\#(xlsx)">Таблицы (XLSX)</a> <a class="btn secondary" href="\#(analysis)">Анализ результатов</a></div>"#
        html += ctx.flash
        guard gaps.works > 0 else {
            html += .emptyState("Работ \(className == nil ? "школы" : "класса") в этой процедуре нет.", more: #"<p class="muted">Пробелы появятся после загрузки результатов.</p>"#)
            return html
        }
        guard !gaps.requirements.isEmpty else {
            html += .emptyState("В спецификации процедуры нет проверяемых требований.",
                                      more: #"<p class="muted">Пробелы считаются по требованиям (кодам КЭС): специалист Управления может добавить их в спецификацию процедуры — код и текст требования у каждого задания.</p>"#)
            return html
        }
        let systemic = gaps.systemic
        let individual = gaps.forIndividualWork
        html += #"<div class="grid" style="margin:16px 0">\#(HTML.stat(gaps.works, "работ"))\#(HTML.stat(gaps.requirements.count, "требований"))\#(HTML.stat(systemic.count, "системных дефицитов", systemic.isEmpty ? "ok" : "bad"))\#(HTML.stat(individual.count, "на индивидуальную работу"))</div>"#
        html += #"<p class="muted">Результаты показывают, какие умения требуют внимания; они не используются для оценки работы учителя. Обучающиеся — только по кодам участников.</p>"#
        if systemic.isEmpty {
            html += #"<p>Системных дефицитов нет: ни одно требование не осталось неосвоенным у половины обучающихся или больше.</p>"#
        } else {
            html += "<h2>Системные дефициты</h2><ul>"
            for f in systemic {
                html += #"<li><b>\#(f.requirement.code)</b> \#(f.requirement.text) — не освоили \#(AnalyticalReport.pct(f.notMasteredShare)) (\#(f.notMastered) из \#(f.works)); \#(f.requirement.tasks.count == 1 ? "задание" : "задания") \#(f.requirement.tasks.joined(separator: ", "))\#(library.map { #" · <a class="no-print" href="\#(RecommendationQuery.url(subject: $0.subject, grade: $0.grade, code: f.requirement.code))">что почитать</a>"# as HTML } ?? "")</li>"#
            }
            html += "</ul>"
        }
        html += "<h2>Требования</h2>\(HTML.figures(GapsTables.requirements(gaps)))"
        if className == nil && !classes.isEmpty {
            html += "<h2>Классы</h2>"
            html += HTML.table(head: #"<th>Класс</th><th class="num">Работ</th><th>Системные дефициты</th><th class="num">На индивидуальную работу</th>"#,
                               rows: zip(classes, classLinks).map { c, link in
                                   let name: HTML = #"<a href="\#(link)">\#(c.name)</a>"#
                                   let codes = c.gaps.systemic.map(\.requirement.code).joined(separator: ", ")
                                   return #"<tr><td>\#(name)</td><td class="num">\#(c.gaps.works)</td><td>\#(codes.isEmpty ? "нет" : codes)</td><td class="num">\#(c.gaps.forIndividualWork.count)</td></tr>"#
                               })
        }
        html += "<h2>Обучающиеся для индивидуальной работы</h2>"
        if individual.isEmpty {
            html += #"<p class="muted">Нет обучающихся, не освоивших \#(Gaps.individualMinimum) и более требований.</p>"#
        } else {
            html += HTML.figures(GapsTables.individual(gaps))
        }
        if className != nil { html += studentMatrix }
        if !followed.isEmpty {
            html += "<h2>Те же требования в других процедурах</h2>\(HTML.figures(GapsTables.followed(followed)))"
        }
        return html
    }

    /// Each student's completion of each requirement, not mastered and borderline marked (also in
    /// print: not mastered in bold, borderline in italics).
    var studentMatrix: HTML {
        let codes = HTML(gaps.requirements.map { #"<th class="num" title="\#($0.requirement.text)">\#($0.requirement.code)</th>"# as HTML })
        let head: HTML = #"<th>Код участника</th>\#(codes)<th class="num">Не освоено</th>"#
        let rows = gaps.students.map { s -> HTML in
            let cells = HTML(zip(s.completion, s.verdicts).map { c, v -> HTML in
                let style: HTML = v == .notMastered ? #" gap-no"# : v == .borderline ? #" gap-border"# : ""
                return #"<td class="num\#(style)">\#(Self.number(c))</td>"#
            })
            return #"<tr><td>\#(s.code)</td>\#(cells)<td class="num">\#(s.notMastered.count)</td></tr>"#
        }
        var html: HTML = "<h2>Обучающиеся</h2>"
        html += HTML.table(head: head, rows: rows, class: "gap-matrix")
        html += #"<p class="hint">Выполнение требования, % от максимального балла за его задания. <span class="gap-no">Не освоено</span> — ниже порога «на границе»; <span class="gap-border">на границе</span> — от 57 % до 60 % (Б) или от 28,5 % до 30 % (П, В).</p>"#
        return html
    }

    static func number(_ f: Double) -> String { String(Int((f * 100).rounded())) }
}

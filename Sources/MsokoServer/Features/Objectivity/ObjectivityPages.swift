import Foundation
import MsokoCore

/// A risk from 0 to 1 to two decimals, as on every objectivity page.
func riskText(_ r: Double) -> String { ReferenceTable.format((r * 100).rounded() / 100) }

/// A procedure's schools with signs of non-objective results (or all), by risk; filters by sign.
struct ObjectivityList {
    var procedure: Procedure
    var hasResults: Bool
    var risks: [GroupRisk]
    var settings: ObjectivitySettings
    var showAll: Bool
    var indicator: ObjectivitySignal.Indicator?


    var view: HTML {
        let pid = procedure.id!
        let base = Site.objectivity.url(pid)
        var html: HTML = #"<h1>Признаки необъективности</h1><p class="muted">\#(ProcedureStore.title(procedure))</p>"#
        html += #"<p class="hint">Для специалистов, управляющих качеством: не публикуется и не используется для оценки учителей. Признак — повод проверить (наблюдение, перепроверка работ, беседа с руководителем), а не вывод о нарушении.</p>"#
        guard hasResults else {
            html += .emptyState("Результатов пока нет.")
            return html
        }
        // A school's risk includes its classes': its entry alone says whether it has signs.
        let flagged = Set(risks.filter { $0.className == nil && $0.hasSigns(settings) }.map(\.school))
        html += #"<div class="actions no-print"><a class="btn" href="\#(Site.objectivityReport.url(pid))">Справка об объективности (DOCX)</a> <a class="btn secondary" href="\#(Site.observerAssignments.url(pid))">Наблюдатели</a> <a class="btn secondary" href="\#(Site.recheck.url(pid))">Перепроверка работ</a></div>"#
        html += showAll ? #"<p class="no-print"><a href="\#(base)">Только школы с признаками</a> · <strong>Все школы</strong></p>"#
                        : #"<p class="no-print"><strong>Только школы с признаками</strong> · <a href="\#(base.query(["all": "1"]))">Все школы</a></p>"#
        // Filter by sign: schools where that sign fired (in the school or a class).
        let present = ObjectivitySignal.Indicator.allCases.filter { i in risks.contains { $0.signals.contains { $0.indicator == i } } }
        if !present.isEmpty {
            let all: HTML = indicator == nil ? "<strong>любой</strong>" : #"<a href="\#(base.query(["all": showAll ? "1" : nil]))">любой</a>"#
            let each = present.map { i -> HTML in
                i == indicator ? "<strong>\(i.title)</strong>" : #"<a href="\#(base.query(["indicator": i.rawValue, "all": showAll ? "1" : nil]))">\#(i.title)</a>"#
            }
            html += #"<p class="no-print">Признак: \#(HTML([all] + each, separator: " · "))</p>"#
        }
        let withIndicator = { (school: String) in indicator.map { i in risks.contains { $0.school == school && $0.signals.contains { $0.indicator == i } } } ?? true }
        let shown = risks.filter { $0.className == nil && (showAll || flagged.contains($0.school)) && withIndicator($0.school) }
            // A school's risk already includes its classes' (the higher of its own and theirs).
            .sorted { ($0.risk, $1.schoolName ?? $1.school) > ($1.risk, $0.schoolName ?? $0.school) }
        if shown.isEmpty {
            html += .emptyState("Школ с признаками необъективности (риск от \(riskText(settings.riskThreshold))) нет.")
        } else {
            html += HTML.table(head: #"<th>Школа</th><th class="num">Работ</th><th class="num">Риск школы</th><th>Признаки</th><th>Классы с признаками</th>"#, rows: shown.map { s in
                let classes = risks.filter { $0.school == s.school && $0.className != nil && $0.hasSigns(settings) }
                    .map { "\($0.className ?? "") (\(riskText($0.risk)))" }.joined(separator: ", ")
                let weak = s.weakSignals(settings)
                let signs = s.note ?? (weak.isEmpty ? s.signals.map(\.indicator.title).joined(separator: ", ")
                                                    : "слабые: " + weak.map(\.indicator.title).joined(separator: ", "))
                let risk: HTML = s.hasSigns(settings) ? "<strong>\(riskText(s.risk))</strong>" : "\(riskText(s.risk))"
                return #"<tr><td><a href="\#(Site.objectivityCard.url(pid, s.school))">\#(s.schoolName ?? s.school)</a></td><td class="num">\#(s.participants)</td><td class="num">\#(risk)</td><td>\#(signs.isEmpty ? "—" : signs)</td><td>\#(classes.isEmpty ? "—" : classes)</td></tr>"#
            })
        }
        html += #"<p class="hint">Риск от 0 до 1 объединяет все признаки группы — и сработавшие, и те, что ниже своих порогов, — с учётом того, насколько различаются объективные школы района; риск школы — не ниже риска её классов. «Есть признаки» — от \#(riskText(settings.riskThreshold)) (порог в <a href="\#(Site.objectivityAcross.url)">настройках признаков</a>). Сравнение — с остальными школами района. Группы меньше \#(settings.minimumGroup) работ не оцениваются.</p>"#
        return html
    }
}

/// A school's card: its risk and signs, and each class's.
struct ObjectivityCard {
    var procedure: Procedure
    var school: GroupRisk
    var classes: [GroupRisk]
    var settings: ObjectivitySettings
    /// The works to look at, by participant code.
    var works: SuspiciousWorks.Found?

    func signals(_ r: GroupRisk) -> HTML {
        if let note = r.note { return #"<p class="muted">\#(note).</p>"# }
        func list(_ xs: [ObjectivitySignal]) -> HTML {
            let items = xs.map { x -> HTML in
                // An observer's record of violations is a fact, not a statistic: no z beside it.
                let z: HTML = x.indicator == .observerEffect && x.reference == 0 ? "" : #" <span class="muted">(z = \#(ReferenceTable.format((x.z * 10).rounded() / 10)))</span>"#
                return "<li><strong>\(x.indicator.title)</strong>: \(x.explanation)\(z)</li>"
            }
            return "<ul>\(items)</ul>"
        }
        var html: HTML = ""
        if let c = r.riskFromClass, r.hasSigns(settings) {
            html += #"<p>Риск школы определяется классом \#(c): признаки — в его разделе ниже.</p>"#
        }
        let weak = r.weakSignals(settings)
        if !r.signals.isEmpty {
            html += list(r.signals)
        } else if !weak.isEmpty {
            html += #"<p>Ни один признак не превышает своего порога, но вместе они дают риск выше порога. Слабые признаки (наибольший вклад):</p>"#
            html += list(weak)
        } else if r.riskFromClass == nil || !r.hasSigns(settings) {
            html += "<p>Признаков не выявлено.</p>"
        }
        return html
    }

    func section(_ heading: String, _ r: GroupRisk) -> HTML {
        #"<section class="card"><h2>\#(heading): риск \#(riskText(r.risk))\#(r.hasSigns(settings) ? " — есть признаки" : "")</h2>\#(signals(r))</section>"#
    }

    var view: HTML {
        var html: HTML = #"<h1>Объективность: \#(school.schoolName ?? school.school)</h1><p class="muted">\#(ProcedureStore.title(procedure))</p>"#
        html += section("Школа", school)
        for c in classes { html += section("Класс \(c.className ?? "")", c) }
        if let works { html += Self.worksSection(works) }
        html += #"<p class="hint">Сравнение — с остальными школами района. Признак — повод для проверки, а не вывод о нарушении; результаты не используются для оценки учителей.</p>"#
        return html
    }
}

extension ObjectivityCard {
    /// The works behind the signs, by participant code: what a specialist pulls from the archive.
    static func worksSection(_ f: SuspiciousWorks.Found) -> HTML {
        var html: HTML = "<section class=\"card\"><h2>Работы для проверки (по кодам участников)</h2>"
        guard !f.isEmpty else {
            html += "<p>Совпадающих работ, работ с нетипичным профилем и отметок выше журнальной на 2 и более нет.</p></section>"
            return html
        }
        func mark(_ v: Int?) -> String { v.map(String.init) ?? "—" }
        func rows(_ list: [SuspiciousWorks.Work]) -> [HTML] {
            list.map { w in #"<tr><td><code>\#(w.code)</code></td><td>\#(w.className)</td><td class="num">\#(w.primaryScore)</td><td class="num">\#(mark(w.mark))</td><td class="num">\#(mark(w.journalMark))</td><td><code>\#(w.pattern)</code></td></tr>"# }
        }
        let head: HTML = #"<th>Код</th><th>Класс</th><th class="num">Первичный балл</th><th class="num">Отметка</th><th class="num">По журналу</th><th>Баллы по заданиям</th>"#
        if !f.identical.isEmpty {
            html += "<h3>Совпадающие работы: одинаковые баллы по всем заданиям</h3>"
            html += HTML(f.identical.map { HTML.table(head: head, rows: rows($0)) }, separator: "")
        }
        if !f.misfits.isEmpty {
            html += "<h3>Нетипичный профиль: трудные задания выполнены, лёгкие — нет</h3>"
            html += HTML.table(head: head, rows: rows(f.misfits))
        }
        if !f.aboveJournal.isEmpty {
            html += "<h3>Отметка за работу выше журнальной на 2 и более</h3>"
            html += HTML.table(head: head, rows: rows(f.aboveJournal))
        }
        html += #"<p class="hint">Совпадения с нулём или с максимумом по всем заданиям не показываются: они объяснимы уровнем подготовки. Нетипичный профиль — согласованность баллов хуже, чем у большинства работ района с тем же первичным баллом (порог — в настройках признаков). Работа в списке — повод посмотреть бланк, а не вывод о нарушении.</p></section>"#
        return html
    }
}

/// Schools with signs in any procedure of the district, «повторно» where in two or more; the thresholds.
struct ObjectivityAcross {
    struct Row {
        var login: String
        var name: String
        var hits: [(procedure: UUID, title: String, risk: Double, signs: [String])]
    }

    var rows: [Row]
    var settings: ObjectivitySettings
    var canEdit: Bool

    func view(_ ctx: PageContext) -> HTML {
        var html: HTML = "<h1>Признаки необъективности по всем процедурам</h1>\(ctx.flash)"
        html += #"<p class="hint">Школы, где хотя бы в одной процедуре риск школы или её класса от \#(riskText(settings.riskThreshold)). «Повторно» — признаки в двух процедурах и более (в том числе в разные годы).</p>"#
        html += rows.isEmpty ? .emptyState("Школ с признаками нет.") : .table(head: "<th>Школа</th><th>Процедуры с признаками</th><th></th>", rows: rows.map { row in
            let items = row.hits.map { h -> HTML in
                #"<a href="\#(Site.objectivityCard.url(h.procedure, row.login))">\#(h.title)</a> — \#(riskText(h.risk)) (\#(h.signs.joined(separator: ", ")))"#
            }
            return "<tr><td>\(row.name)</td><td>\(HTML(items, separator: "<br>"))</td><td>\(row.hits.count > 1 ? "<strong>повторно</strong>" as HTML : "")</td></tr>"
        })
        html += thresholds(ctx)
        return html
    }

    func thresholds(_ ctx: PageContext) -> HTML {
        let fields = ObjectivitySettings.editable.map { f -> HTML in
            #"<label for="\#(f.name)">\#(f.title)</label><input type="text" inputmode="decimal" id="\#(f.name)" name="\#(f.name)" value="\#(ReferenceTable.format((settings.value(f.name) * 1000).rounded() / 1000))">"#
        }
        return """
        <section class="card no-print"><h2>Пороги признаков</h2><form method="post" action="\(Site.objectivityThresholds.url)">\(ctx.csrfField)\(fields)
        <div class="actions"><button class="btn" type="submit">Сохранить пороги</button></div>
        <div class="hint">Пороги признаков решают, какие признаки перечисляются на карточке и в справке; риск учитывает все признаки группы, и те, что ниже порогов. Значения по умолчанию подобраны на синтетических районах с подложенными манипуляциями и проверены на других, на которых не подбирались (docs/objectivity.md).</div></form></section>
        """
    }
}

import Fluent
import MsokoCore
import Vapor

/// The specialist's page of a procedure's re-check: the form to draw a sample, or the sample with
/// its discrepancies and the list to pull the paper originals by.
struct RecheckPage {
    struct Item {
        var code: String
        var school: String
        var className: String
        var participant: String
        var byRisk: Bool
        /// Re-scorers, with ✓ for those who have submitted.
        var scorers: [String]
    }

    struct Sample {
        var tasks: String
        var items: [Item]
        var submitted: Int
        var scorings: Int
        /// Agreement overall (first row) and per school, where any work is re-scored.
        var figures: [(name: String, figures: Recheck.Figures)]
        var taskNumbers: [String]
    }

    var procedure: Procedure
    var members: Int
    var sample: Sample?

    /// Four queries whatever the sample's size: members, sample, items, scorings (and the pairs).
    static func query(procedure p: Procedure, user: User, on db: Database) async throws -> RecheckPage {
        let mid = try user.requireMunicipalityID()
        let members = try await RecheckController.commissionMembers(mid, on: db).count
        guard let sample = try await RecheckSample.latest(of: p, municipalityID: mid, on: db) else {
            return RecheckPage(procedure: p, members: members, sample: nil)
        }
        let spec = try ProcedureStore.spec(of: p)
        let items = try await RecheckItem.query(on: db).filter(\.$sample.$id == sample.requireID()).with(\.$work).with(\.$school).all()
            .sorted { $0.blindCode < $1.blindCode }
        let scorings = try await RecheckScoring.query(on: db).filter(\.$item.$id ~~ items.compactMap(\.id)).with(\.$user).all()
        let byItem = Dictionary(grouping: scorings, by: { $0.$item.id })
        let pairs = try await sample.pairs(spec: spec, on: db)
        var figures: [(String, Recheck.Figures)] = []
        if !pairs.isEmpty {
            figures.append(("Все перепроверенные", Recheck.figures(pairs, spec: spec)))
            let names = Dictionary(items.map { ($0.school.login, $0.school.shortName) }, uniquingKeysWith: { a, _ in a })
            for school in Set(pairs.map(\.school)).sorted() {
                figures.append((names[school] ?? school, Recheck.figures(pairs.filter { $0.school == school }, spec: spec)))
            }
        }
        return RecheckPage(procedure: p, members: members, sample: Sample(
            tasks: sample.tasks.isEmpty ? "все" : sample.tasks.replacingOccurrences(of: ",", with: ", "),
            items: items.map { item in
                Item(code: item.blindCode, school: item.school.shortName, className: item.work.className, participant: item.work.code, byRisk: item.reason == "risk",
                     scorers: (byItem[item.id!] ?? []).map { "\($0.user.name)\($0.submittedAt != nil ? " ✓" : "")" })
            },
            submitted: scorings.filter { $0.submittedAt != nil }.count, scorings: scorings.count,
            figures: figures, taskNumbers: spec.tasks.map(\.number)))
    }
}

extension RecheckPage {
    func view(_ ctx: PageContext) -> HTML {
        let pid = procedure.id!
        var html: HTML = "<h1>Перепроверка работ: \(ProcedureStore.title(procedure))</h1>\(ctx.flash)"
        guard let sample else {
            html += """
            <section class="card"><h2>Выборка для муниципальной комиссии</h2>
            <p>Работы отбираются из классов с признаками необъективности (по убыванию риска, по очереди из каждого класса) и случайно из остальных — контрольная доля. Члены комиссии (\(members)) получают работы по слепым кодам.</p>
            <form method="post" action="\(Site.recheckCreate.url(pid))">\(ctx.csrfField)
            <label for="size">Работ в выборке</label><input type="number" id="size" name="size" min="1" max="1000" value="30" required>
            <label for="control">Контрольная (случайная) доля, %</label><input type="number" id="control" name="control" min="0" max="100" value="30" required>
            <label for="tasks">Задания для перепроверки (номера через запятую; пусто — все)</label><input type="text" id="tasks" name="tasks" placeholder="например: 8, 9.2, 10">
            <div class="check"><input type="checkbox" id="double" name="double" value="1"> <label for="double">Два независимых проверяющих на работу</label></div>
            <div class="actions"><button class="btn" type="submit">Сформировать выборку</button></div>
            </form></section>
            """
            return html
        }
        html += """
        <div class="actions no-print"><a class="btn" href="\(Site.recheckReport.url(pid))">Справка о перепроверке (DOCX)</a> <a class="btn secondary" href="\(Site.recheckOrder.url(pid))">Приказ о комиссии (DOCX)</a> <a class="btn secondary" href="\(Site.gradingErrors.url(pid))">Типичные ошибки оценивания (DOCX)</a> <a class="btn secondary" href="\(Site.seminars.url)">Семинары</a></div>
        <p>Выборка: \(Plural.works(sample.items.count)) (из них контрольных \(sample.items.filter { !$0.byRisk }.count)); перепроверяются задания: \(sample.tasks); проверок сдано \(sample.submitted) из \(sample.scorings).</p>
        """
        if let all = sample.figures.first?.figures {
            html += "<h2>Расхождения</h2>"
            html += HTML.table(head: #"<th></th><th class="num">Работ</th><th class="num">Школа − комиссия, балл</th><th class="num">Отметка изменилась</th><th class="num">κ</th><th class="num">κ взвеш.</th><th class="num">ICC</th>"#,
                               rows: sample.figures.map { name, f in
                                   #"<tr><td>\#(name)</td><td class="num">\#(f.works)</td><td class="num">\#(RecheckDocuments.number(f.meanDifference))</td><td class="num">\#(RecheckDocuments.share(f.markChanged))</td><td class="num">\#(RecheckDocuments.number(f.kappa))</td><td class="num">\#(RecheckDocuments.number(f.weightedKappa))</td><td class="num">\#(RecheckDocuments.number(f.icc))</td></tr>"#
                               })
            html += "<h2>По заданиям: школа − комиссия, средний балл</h2>"
            html += HTML.table(head: HTML(sample.taskNumbers.map { #"<th class="num">\#($0)</th>"# as HTML }),
                               rows: ["<tr>\(all.taskDifferences.map { #"<td class="num">\#(RecheckDocuments.number($0))</td>"# as HTML })</tr>"])
            html += #"<p class="hint">Положительная разница — школа поставила больше, чем комиссия. κ — согласие отметок (1 — полное), взвешенный κ учитывает, насколько отметки разошлись; ICC — согласие первичных баллов.</p>"#
        }
        html += #"<h2>Список для подбора оригиналов</h2><p class="hint">Только для специалиста: по этому списку достаются бумажные работы, на них пишется слепой код; членам комиссии видны лишь коды.</p>"#
        html += HTML.table(head: "<th>Слепой код</th><th>Школа</th><th>Класс</th><th>Код участника</th><th>Отбор</th><th>Проверяющие</th>", rows: sample.items.map { i in
            "<tr><td>\(i.code)</td><td>\(i.school)</td><td>\(i.className)</td><td>\(i.participant)</td><td>\(i.byRisk ? "признаки" : "контроль")</td><td>\(i.scorers.joined(separator: ", "))</td></tr>"
        })
        return html
    }
}

/// A commission member's works: blind codes only.
struct CommissionWorks {
    struct Row {
        var id: UUID
        var code: String
        var procedure: String
        var submitted: Bool
    }

    var rows: [Row]

    /// The member's own works, by blind code (never the school or its scores).
    static func query(member: User, on db: Database) async throws -> CommissionWorks {
        let scorings = try await RecheckScoring.query(on: db).filter(\.$user.$id == member.requireID())
            .with(\.$item) { $0.with(\.$sample) { $0.with(\.$procedure) } }.all()
        return CommissionWorks(rows: scorings.sorted { $0.item.blindCode < $1.item.blindCode }.map {
            Row(id: $0.id!, code: $0.item.blindCode, procedure: ProcedureStore.title($0.item.sample.procedure), submitted: $0.submittedAt != nil)
        })
    }

    func view(_ ctx: PageContext) -> HTML {
        let list: HTML = rows.isEmpty ? .emptyState("Работ на перепроверку пока нет.") : .table(head: "<th>Слепой код</th><th>Процедура</th><th>Состояние</th>", rows: rows.map { r in
            #"<tr><td><a href="\#(Site.scoring.url(r.id))">\#(r.code)</a></td><td>\#(r.procedure)</td><td>\#(r.submitted ? "сдано" : "не проверено")</td></tr>"#
        })
        return "<h1>Перепроверка: мои работы</h1>\(ctx.flash)\(list)"
    }
}

/// The blind scoring form of one work: the tasks the sample re-scores, without the school's scores.
struct ScoringForm {
    var id: UUID
    var code: String
    var procedure: String
    var locked: Bool
    /// (index in the specification, task number, maximum, value typed)
    var tasks: [(index: Int, number: String, max: Int, value: String)]
    var errors: [String]

    init(scoring s: RecheckScoring, spec: ProcedureSpec, values: [String], errors: [String]) {
        id = s.id!
        code = s.item.blindCode
        procedure = ProcedureStore.title(s.item.sample.procedure)
        locked = s.submittedAt != nil
        tasks = s.item.sample.rescoredTasks(spec).map { t in (t, spec.tasks[t].number, spec.tasks[t].max, t < values.count ? values[t] : "") }
        self.errors = errors
    }

    func view(_ ctx: PageContext) -> HTML {
        var html: HTML = "<h1>Работа \(code)</h1><p>\(procedure)</p>"
        if !errors.isEmpty { html += #"<div class="flash error" role="alert"><p>Баллы не сохранены:</p><ul>\#(errors.map { "<li>\($0)</li>" as HTML })</ul></div>"# }
        if locked { html += #"<div class="flash ok">Баллы сданы и больше не изменяются.</div>"# }
        html += #"<form method="post" action="\#(Site.scoringSave.url(id))">\#(ctx.csrfField)"#
        html += HTML.table(head: #"<th>Задание</th><th class="num">Макс.</th><th class="num">Балл</th>"#, rows: tasks.map { t in
            #"<tr><td>\#(t.number)</td><td class="num">\#(t.max)</td><td class="num"><input class="figure" type="text" inputmode="numeric" name="t\#(t.index)" aria-label="Задание \#(t.number)" value="\#(t.value)"\#(locked ? " disabled" as HTML : "")></td></tr>"#
        })
        if !locked { html += #"<p class="hint">Целое число от 0 до максимума или X, если задание не выполнялось. Баллы школы не показываются: проверка слепая.</p><div class="actions"><button class="btn" type="submit">Сдать баллы</button></div>"# }
        html += "</form>"
        return html
    }
}

import Fluent
import MsokoCore
import Vapor

/// The dossier of an interview with a school's head (measure 2.4, issue 15 §3): facts for the
/// conversation about the previous school year — the school's results with their dynamics (the same
/// procedure a year earlier), its signs of non-objective results, observers' acts, the commission's
/// re-check, the state of its gap plans and the open decisions addressed to it. About one school, for
/// those who see the interview; no other school is named and nothing is ranked.
struct InterviewDossier {
    struct Result {
        var procedure: Procedure
        var school: GroupFigures
        var district: GroupFigures
        /// The school's quality a year earlier in the same procedure (type, subject, grade), if it wrote it.
        var qualityBefore: Double?
    }

    struct Objectivity {
        var procedure: String
        var flagged: Bool
        var signs: [String]
    }

    struct Act {
        var procedure: String
        var place: String
        var date: String
        var violations: String
    }

    struct Recheck {
        var procedure: String
        var works: Int
        /// Mean (school − commission) primary points over the school's re-scored works.
        var meanDifference: Double
    }

    struct Plan {
        var id: UUID
        var title: String
        var items: Int
        var closed: Int
        var overdue: Int
    }

    var school: School
    var schoolYear: String
    var date: LocalDate
    var results: [Result] = []
    var objectivity: [Objectivity] = []
    var acts: [Act] = []
    var rechecks: [Recheck] = []
    var plans: [Plan] = []
    var decisions: [(Decision, DecisionStatus)] = []
    var owners: [UUID: User] = [:]

    /// The school year before the one `date` falls in: a September 2025 interview looks at 2024-2025.
    static func previousSchoolYear(_ date: LocalDate) -> String {
        let start = (date.month >= 9 ? date.year : date.year - 1) - 1
        return "\(start)-\(start + 1)"
    }

    static func query(_ l: LoadedMeeting, user: User, on db: Database) async throws -> InterviewDossier {
        guard let s = l.school else { throw AppError.notFound }
        let mid = l.viewer.municipalityID
        var d = InterviewDossier(school: s, schoolYear: previousSchoolYear(l.meeting.localDate), date: l.meeting.localDate)
        let all = try await Procedures.visible(to: user, on: db)
        let counts = try await ResultsQuery.worksPerProcedure(municipalityID: mid, schoolID: s.id, on: db)
        let ofYear = all.filter { $0.schoolYear == d.schoolYear && (counts[$0.id!] ?? 0) > 0 }
            .sorted { (ProcedureStore.title($0)) < (ProcedureStore.title($1)) }
        for p in ofYear {
            let (loaded, risks, settings) = try await AnalysisQuery.objectivity(procedure: p, municipalityID: mid, on: db)
            guard var g = loaded.analysis.schools.first(where: { $0.school == s.login }) else { continue }
            g.shownInFull = true
            var before: Double?
            if let earlier = all.first(where: { $0.type == p.type && $0.subject == p.subject && $0.grade == p.grade && $0.year == p.year - 1 }),
               (counts[earlier.id!] ?? 0) > 0 {
                before = try await AnalysisQuery.analysis(procedure: earlier, municipalityID: mid, on: db).schools.first { $0.school == s.login }?.qualityRate
            }
            d.results.append(Result(procedure: p, school: g, district: loaded.analysis.district, qualityBefore: before))
            let own = risks.filter { $0.school == s.login }
            let flagged = own.first { $0.className == nil }.map { $0.hasSigns(settings) } ?? false
            let signs = flagged ? own.flatMap { r in r.shownSignals(settings).map { "\(r.className.map { "\($0): " } ?? "")\($0.explanation)" } } : []
            d.objectivity.append(Objectivity(procedure: ProcedureStore.title(p), flagged: flagged, signs: signs))
            if let sample = try await RecheckSample.latest(of: p, municipalityID: mid, on: db) {
                let spec = try ProcedureStore.spec(of: p)
                let pairs = try await sample.pairs(spec: spec, on: db).filter { $0.school == s.login }
                if !pairs.isEmpty {
                    let diff = pairs.map { pair in
                        zip(pair.schoolScores, pair.commissionScores).reduce(0) { acc, t in
                            acc + WorkRecord.points(t.0) - WorkRecord.points(t.1)
                        }
                    }
                    d.rechecks.append(Recheck(procedure: ProcedureStore.title(p), works: pairs.count, meanDifference: Double(diff.reduce(0, +)) / Double(pairs.count)))
                }
            }
        }
        let assignments = try await ObserverAssignment.query(on: db).filter(\.$school.$id == s.requireID()).filter(\.$municipalityID == mid).with(\.$procedure).all()
            .filter { $0.procedure.schoolYear == d.schoolYear }
        let acts = try await ObservationAct.query(on: db).filter(\.$assignment.$id ~~ assignments.compactMap(\.id)).filter(\.$submittedAt != nil).all()
        for a in assignments.sorted(by: { $0.date < $1.date }) {
            guard let act = acts.first(where: { $0.$assignment.id == a.id }) else { continue }
            d.acts.append(Act(procedure: ProcedureStore.title(a.procedure), place: a.className.isEmpty ? "вся школа" : a.className, date: a.date,
                              violations: act.violations.isEmpty ? "нарушений не зафиксировано" : act.violations.replacingOccurrences(of: "\n", with: "; ")))
        }
        let plans = try await GapPlan.query(on: db).filter(\.$school.$id == s.requireID()).with(\.$procedure).with(\.$items).sort(\.$createdAt).all()
        for plan in plans {
            d.plans.append(Plan(id: plan.id!, title: "\(plan.className), \(ProcedureStore.title(plan.procedure))", items: plan.items.count,
                                closed: plan.items.filter { $0.itemStatus == .closed }.count, overdue: plan.items.filter { $0.isOverdue(today: l.today) }.count))
        }
        let open = try await Decision.query(on: db).filter(\.$municipalityID == mid).filter(\.$school.$id == s.requireID())
            .filter(\.$state ~~ [DecisionState.assigned.rawValue, DecisionState.inProgress.rawValue]).with(\.$school).sort(\.$deadline).all()
        d.decisions = open.map { ($0, $0.status(today: l.today)) }
        d.owners = try await MeetingStore.users(municipalityID: mid, on: db)
        return d
    }

    static func pct(_ v: Double?) -> String { v.map { AnalyticalReport.pct($0) } ?? "—" }

    static func change(_ now: Double?, _ before: Double?) -> String {
        guard let now, let before else { return "—" }
        let pp = (now - before) * 100
        return (pp > 0 ? "+" : pp < 0 ? "−" : "") + ReferenceTable.oneDecimal(abs(pp)) + " п. п."
    }

    var resultRows: [[String]] {
        results.map { r in
            [ProcedureStore.title(r.procedure), String(r.school.participants), Self.pct(r.school.passRate), Self.pct(r.school.qualityRate),
             Self.pct(r.district.qualityRate), r.school.meanPrimaryScore.map { ReferenceTable.oneDecimal($0) } ?? "—", Self.change(r.school.qualityRate, r.qualityBefore)]
        }
    }

    static let resultHeader = ["Процедура", "Работ", "Успеваемость", "Качество", "Качество в районе", "Средний балл", "Качество к прошлому году"]

    func view(meeting: SiteURL, docx: SiteURL) -> HTML {
        var html: HTML = #"<h1>Материалы к собеседованию: \#(school.shortName)</h1><p class="lead">Собеседование \#(date.russian); итоги \#(schoolYear) учебного года.</p>"#
        html += #"<div class="actions no-print"><a class="btn secondary" href="\#(meeting)">К собеседованию</a> <a class="btn secondary" href="\#(docx)">Материалы (DOCX)</a> <button class="btn secondary" type="button" data-print>Печать</button></div>"#
        html += #"<p class="muted">Факты для разговора с руководителем школы. Результаты не используются для оценки учителей и не сравниваются с другими школами по месту в рейтинге.</p>"#
        html += "<h2>1. Результаты оценочных процедур</h2>"
        if results.isEmpty {
            html += #"<p class="muted">Результатов школы за \#(schoolYear) учебный год нет.</p>"#
        } else {
            html += HTML.table(head: HTML(Self.resultHeader.enumerated().map { i, h in i == 0 ? "<th>\(h)</th>" as HTML : #"<th class="num">\#(h)</th>"# }),
                               rows: resultRows.map { r in
                                   let cells = HTML(r.enumerated().map { i, c in i == 0 ? "<td>\(c)</td>" as HTML : #"<td class="num">\#(c)</td>"# })
                                   return "<tr>\(cells)</tr>"
                               })
        }
        html += "<h2>2. Объективность результатов</h2>"
        let flagged = objectivity.filter(\.flagged)
        if objectivity.isEmpty {
            html += #"<p class="muted">Нет процедур с результатами школы.</p>"#
        } else if flagged.isEmpty {
            html += #"<p>Признаков необъективных результатов нет (процедур: \#(objectivity.count)).</p>"#
        } else {
            for o in flagged { html += #"<p><b>\#(o.procedure)</b>: есть признаки.</p><ul>\#(HTML(o.signs.map { "<li>\($0)</li>" as HTML }))</ul>"# }
            html += #"<p class="muted">Без признаков: \#(objectivity.count - flagged.count) из \#(objectivity.count) процедур.</p>"#
        }
        html += "<h3>Акты наблюдателей</h3>"
        html += acts.isEmpty ? #"<p class="muted">Актов наблюдения за этот год нет.</p>"# : HTML.table(head: "<th>Процедура</th><th>Класс</th><th>Дата</th><th>Нарушения</th>", rows: acts.map { a in
            #"<tr><td>\#(a.procedure)</td><td>\#(a.place)</td><td class="nowrap">\#(LocalDate.russian(a.date))</td><td>\#(a.violations)</td></tr>"#
        })
        html += "<h3>Перепроверка муниципальной комиссией</h3>"
        html += rechecks.isEmpty ? #"<p class="muted">Работы школы не перепроверялись.</p>"# : HTML.table(head: #"<th>Процедура</th><th class="num">Работ</th><th class="num">Школа − комиссия, баллов на работу</th>"#, rows: rechecks.map { r in
            #"<tr><td>\#(r.procedure)</td><td class="num">\#(r.works)</td><td class="num">\#(ReferenceTable.oneDecimal(r.meanDifference))</td></tr>"#
        })
        html += "<h2>3. Ликвидация пробелов</h2>"
        html += plans.isEmpty ? #"<p class="muted">Планов ликвидации пробелов нет.</p>"# : HTML.table(head: #"<th>План</th><th class="num">Пунктов</th><th class="num">Закрыто</th><th class="num">Просрочено</th>"#, rows: plans.map { p in
            #"<tr><td><a href="\#(Site.gapPlan.url(p.id))">\#(p.title)</a></td><td class="num">\#(p.items)</td><td class="num">\#(p.closed)</td><td class="num">\#(p.overdue)</td></tr>"#
        })
        html += "<h2>4. Открытые решения, адресованные школе</h2>"
        html += decisions.isEmpty ? #"<p class="muted">Открытых решений нет.</p>"# : HTML.table(head: "<th>Решение</th><th>Ответственный</th><th>Срок</th><th>Состояние</th>", rows: decisions.map { d, st in
            #"<tr><td><a href="\#(Site.decision.url(d.id!))">\#(d.text)</a></td><td>\#(MeetingStore.ownerName(d, users: owners))</td><td class="nowrap">\#(d.deadlineDate?.russian ?? "—")</td><td>\#(HTML.badge(st))</td></tr>"#
        })
        html += #"<script src="\#(Site.printJS.url)"></script>"#
        return html
    }

    func document(department: String) -> DocxDocument {
        var doc = DocxDocument(title: "Материалы к собеседованию \(school.shortName)", orientation: .landscape)
        doc.paragraph(department, alignment: .center, bold: true)
        doc.paragraph("Материалы к собеседованию с руководителем \(school.fullName)", alignment: .center, bold: true)
        doc.paragraph("Собеседование \(date.russian); итоги \(schoolYear) учебного года. Факты для разговора; результаты не используются для оценки учителей и рейтингов школ.")
        doc.paragraph("1. Результаты оценочных процедур", style: .heading2)
        if results.isEmpty { doc.paragraph("Результатов школы за \(schoolYear) учебный год нет.") } else {
            doc.add(DocxDocument.Table(widths: [40, 8, 12, 12, 12, 10, 14], header: Self.resultHeader, rows: resultRows.map { $0.map { DocxDocument.Cell($0) } }))
        }
        doc.paragraph("2. Объективность результатов", style: .heading2)
        let flagged = objectivity.filter(\.flagged)
        if flagged.isEmpty { doc.paragraph(objectivity.isEmpty ? "Нет процедур с результатами школы." : "Признаков необъективных результатов нет (процедур: \(objectivity.count)).") }
        for o in flagged {
            doc.paragraph("\(o.procedure): есть признаки.", bold: true)
            for s in o.signs { doc.paragraph("— " + s) }
        }
        doc.paragraph("Акты наблюдателей: " + (acts.isEmpty ? "за этот год нет." : ""))
        if !acts.isEmpty {
            doc.add(DocxDocument.Table(widths: [35, 10, 12, 43], header: ["Процедура", "Класс", "Дата", "Нарушения"],
                                       rows: acts.map { [DocxDocument.Cell($0.procedure), DocxDocument.Cell($0.place), DocxDocument.Cell(LocalDate.russian($0.date)), DocxDocument.Cell($0.violations)] }))
        }
        doc.paragraph("Перепроверка муниципальной комиссией: " + (rechecks.isEmpty ? "работы школы не перепроверялись." : ""))
        if !rechecks.isEmpty {
            doc.add(DocxDocument.Table(widths: [50, 15, 35], header: ["Процедура", "Работ", "Школа − комиссия, баллов на работу"],
                                       rows: rechecks.map { [DocxDocument.Cell($0.procedure), DocxDocument.Cell(String($0.works)), DocxDocument.Cell(ReferenceTable.oneDecimal($0.meanDifference))] }))
        }
        doc.paragraph("3. Ликвидация пробелов", style: .heading2)
        if plans.isEmpty { doc.paragraph("Планов ликвидации пробелов нет.") } else {
            doc.add(DocxDocument.Table(widths: [55, 15, 15, 15], header: ["План", "Пунктов", "Закрыто", "Просрочено"],
                                       rows: plans.map { [DocxDocument.Cell($0.title), DocxDocument.Cell(String($0.items)), DocxDocument.Cell(String($0.closed)), DocxDocument.Cell(String($0.overdue))] }))
        }
        doc.paragraph("4. Открытые решения, адресованные школе", style: .heading2)
        if decisions.isEmpty { doc.paragraph("Открытых решений нет.") } else {
            doc.add(DocxDocument.Table(widths: [50, 25, 12, 13], header: ["Решение", "Ответственный", "Срок", "Состояние"],
                                       rows: decisions.map { d, st in [DocxDocument.Cell(d.text), DocxDocument.Cell(MeetingStore.ownerName(d, users: owners)), DocxDocument.Cell(d.deadlineDate?.russian ?? "—"), DocxDocument.Cell(st.title)] }))
        }
        return doc
    }
}

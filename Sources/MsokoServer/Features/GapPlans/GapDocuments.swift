import MsokoCore
import Vapor

/// The class plan and the school's summary as documents a school signs (DOCX, editable) and as
/// tables (XLSX). Codes only, never names of students.
enum GapDocuments {
    static func planName(_ l: LoadedPlan) -> String {
        "План ликвидации пробелов \(l.plan.className) \(l.school.shortName) \(l.procedure.type) \(l.procedure.year) \(l.procedure.subject)"
    }

    static func letterhead(_ req: Request) async throws -> (letterhead: [String], today: String) {
        let user = try req.user
        guard let m = try await Municipality.find(try user.requireMunicipalityID(), on: req.db) else { throw AppError.notFound }
        return (try await Settings.letterhead(m, on: req.db).components(separatedBy: "\n"), try await req.today().russian)
    }

    static func itemStatus(_ i: GapPlanItem, today: LocalDate) -> String {
        var s = i.itemStatus.title
        if let d = i.closedOn { s += " \(LocalDate.russian(d))" } else if let d = i.startedOn { s += " с \(LocalDate.russian(d))" }
        if i.isOverdue(today: today) { s += ", просрочен" }
        if let o = i.itemOutcome { s += "; \(o.title)" }
        return s
    }

    static func change(_ i: GapPlanItem, _ p: PlanProgress) -> String {
        guard let id = i.id, let c = p.byItem[id] else { return "—" }
        let concerned = i.studentCodes.isEmpty ? c.change.students : c.change.students.filter { i.studentCodes.contains($0.code) }
        return "\(LocalDate.russian(c.date)): не освоили \(concerned.filter { $0.before == .notMastered }.count) → \(concerned.filter { $0.after == .notMastered }.count) из \(concerned.count)"
    }

    static func plan(_ req: Request, _ l: LoadedPlan, progress p: PlanProgress) async throws -> DocxDocument {
        let head = try await letterhead(req)
        var doc = DocxDocument(title: planName(l), orientation: .landscape)
        doc.paragraph(l.school.fullName, alignment: .center, bold: true)
        doc.paragraph("УТВЕРЖДАЮ", alignment: .right, bold: true)
        doc.paragraph("Руководитель ____________ / ____________", alignment: .right)
        doc.paragraph("«___» ____________ 20___ г.", alignment: .right)
        doc.paragraph("План ликвидации пробелов в знаниях обучающихся \(l.plan.className) класса", style: .title, alignment: .center)
        doc.paragraph("по результатам: \(ProcedureStore.title(l.procedure)); работ класса: \(l.plan.works)", alignment: .center)
        doc.add(DocxDocument.Table(widths: [1, 5, 2, 3, 3, 3, 3, 3, 3],
            header: ["№", "Проверяемое требование (задания)", "Не освоили", "Обучающиеся (коды)", "Форма работы, часов", "Ответственный", "Сроки", "Проверка результата", "Статус, результат"],
            rows: l.items.map { i in
                [DocxDocument.Cell(String(i.position)),
                 DocxDocument.Cell("\(i.code) \(i.text) (\(i.tasks.contains(",") ? "задания" : "задание") \(i.tasks))\(i.systemic ? "; системный дефицит" : "")"),
                 DocxDocument.Cell(GapPlanPage.pct(i.share)), DocxDocument.Cell(i.students.isEmpty ? "—" : i.students),
                 DocxDocument.Cell(i.form + (i.hours.map { ", \($0) ч" } ?? "")), DocxDocument.Cell(i.responsible?.name ?? "—"),
                 DocxDocument.Cell(GapPlanPage.dates(i.starts, i.ends)),
                 DocxDocument.Cell(i.checkMethod + (i.rediagnosisDate.map { "; повторная диагностика \(LocalDate.russian($0))" } ?? "")),
                 DocxDocument.Cell(itemStatus(i, today: l.today) + (p.byItem[i.id!] == nil ? "" : "; " + change(i, p)))]
            }))
        if !l.routes.isEmpty {
            doc.paragraph("Индивидуальные образовательные маршруты", style: .heading2)
            doc.add(DocxDocument.Table(widths: [2, 3, 6, 3, 3, 3, 3], header: ["Код участника", "Требования", "Содержание работы", "Ответственный", "Сроки", "Согласие родителей", "Статус"],
                rows: l.routes.map { r in
                    [DocxDocument.Cell(r.studentCode), DocxDocument.Cell(r.requirements), DocxDocument.Cell(r.work), DocxDocument.Cell(r.responsible?.name ?? "—"),
                     DocxDocument.Cell(GapPlanPage.dates(r.starts, r.ends)), DocxDocument.Cell(r.consentDate.map(LocalDate.russian) ?? "нет"),
                     DocxDocument.Cell(r.itemStatus.title + (r.itemOutcome.map { "; \($0.title)" } ?? ""))]
                }))
        }
        for r in l.rediagnoses {
            let changes = (p.changes[r.id!] ?? []).filter { !$0.students.isEmpty }
            guard !changes.isEmpty else { continue }
            doc.paragraph("Повторная диагностика \(LocalDate.russian(r.date))", style: .heading2)
            doc.add(beforeAfter(changes))
        }
        doc.paragraph("Требование не освоено, если выполнено меньше чем на 57 % (задания базового уровня) или 28,5 % (повышенного и высокого); системный дефицит — не освоили не меньше половины класса. Результаты не используются для оценки работы учителя.", style: .small)
        doc.paragraph("Составлен \(head.today). Заместитель руководителя ____________ / ____________")
        return doc
    }

    /// Before and after per requirement, over the same students.
    static func beforeAfter(_ changes: [RequirementChange]) -> DocxDocument.Table {
        DocxDocument.Table(widths: [6, 2, 2, 2, 2, 2], header: ["Требование", "Обучающихся", "Не освоили до", "Не освоили после", "Выполнение до", "Выполнение после"],
            rows: changes.filter { !$0.students.isEmpty }.map { c in
                [DocxDocument.Cell("\(c.code) \(c.text)"), DocxDocument.Cell(String(c.students.count)), DocxDocument.Cell(String(c.notMasteredBefore)),
                 DocxDocument.Cell(String(c.notMasteredAfter)), DocxDocument.Cell(GapPlanPage.pct(c.completionBefore)), DocxDocument.Cell(GapPlanPage.pct(c.completionAfter))]
            })
    }

    /// One re-diagnosis: what it checked, before/after per requirement and per student (codes only).
    static func rediagnosis(_ req: Request, _ l: LoadedPlan, _ r: GapRediagnosis, changes: [RequirementChange]) async throws -> DocxDocument {
        let head = try await letterhead(req)
        let measured = changes.filter { !$0.students.isEmpty }
        var doc = DocxDocument(title: "Повторная диагностика \(l.plan.className) \(l.school.shortName) \(LocalDate.russian(r.date))")
        doc.paragraph(l.school.fullName, alignment: .center, bold: true)
        doc.paragraph("Результаты повторной диагностики обучающихся \(l.plan.className) класса", style: .title, alignment: .center)
        doc.paragraph("\(LocalDate.russian(r.date)); по плану ликвидации пробелов по результатам: \(ProcedureStore.title(l.procedure))", alignment: .center)
        doc.paragraph(r.mode == "requirements" ? "Проверено по требованиям плана («освоено / не освоено»)." : "Задания школы: " + (try r.decodedTasks()).map { "\($0.number) (требование \($0.code), максимум \($0.max))" }.joined(separator: "; ") + ".")
        doc.add(beforeAfter(measured))
        let codes = Array(Set(measured.flatMap { $0.students.map(\.code) })).sorted()
        doc.paragraph("По обучающимся: выполнение требования до → после, %", style: .heading2)
        doc.add(DocxDocument.Table(widths: [2] + measured.map { _ in 2 }, header: ["Код участника"] + measured.map(\.code), rows: codes.map { code in
            [DocxDocument.Cell(code)] + measured.map { c in
                guard let s = c.students.first(where: { $0.code == code }) else { return DocxDocument.Cell("—") }
                return DocxDocument.Cell("\(GapsPage.number(s.beforeCompletion)) → \(GapsPage.number(s.afterCompletion))\(s.after == .notMastered ? " (не освоено)" : "")")
            }
        }))
        doc.paragraph("Сравниваются одни и те же обучающиеся. Результаты не используются для оценки работы учителя.", style: .small)
        doc.paragraph("Составлено \(head.today). Заместитель руководителя ____________ / ____________")
        return doc
    }

    static func planTables(_ l: LoadedPlan, progress p: PlanProgress) -> [AnalysisTable] {
        var tables = [AnalysisTable(title: "План", header: ["№", "Код", "Требование", "Задания", "Системный дефицит", "Не освоили", "Обучающиеся (коды)", "Форма работы", "Часов", "Ответственный", "Начало", "Окончание", "Проверка результата", "Повторная диагностика", "Статус", "Результат", "До → после"],
            rows: l.items.map { i in
                [.number(i.position), .text(i.code), .text(i.text), .text(i.tasks), .text(i.systemic ? "да" : "нет"), .percent(i.share), .text(i.students), .text(i.form),
                 i.hours.map { .number($0) } ?? .text(""), .text(i.responsible?.name ?? ""), .text(i.starts.map(LocalDate.russian) ?? ""), .text(i.ends.map(LocalDate.russian) ?? ""),
                 .text(i.checkMethod), .text(i.rediagnosisDate.map(LocalDate.russian) ?? ""), .text(itemStatus(i, today: l.today)), .text(i.itemOutcome?.title ?? ""), .text(change(i, p))]
            })]
        if !l.routes.isEmpty {
            tables.append(AnalysisTable(title: "Маршруты", header: ["Код участника", "Требования", "Содержание работы", "Ответственный", "Начало", "Окончание", "Согласие родителей", "Статус", "Результат"],
                rows: l.routes.map { r in
                    [.text(r.studentCode), .text(r.requirements), .text(r.work), .text(r.responsible?.name ?? ""), .text(r.starts.map(LocalDate.russian) ?? ""),
                     .text(r.ends.map(LocalDate.russian) ?? ""), .text(r.consentDate.map(LocalDate.russian) ?? ""), .text(r.itemStatus.title), .text(r.itemOutcome?.title ?? "")]
                }))
        }
        for r in l.rediagnoses {
            let changes = (p.changes[r.id!] ?? []).filter { !$0.students.isEmpty }
            guard !changes.isEmpty else { continue }
            tables.append(AnalysisTable(title: "Повторная \(LocalDate.russian(r.date))", header: ["Код", "Требование", "Обучающихся", "Не освоили до", "Не освоили после", "Выполнение до", "Выполнение после"],
                rows: changes.map { c in
                    [.text(c.code), .text(c.text), .number(c.students.count), .number(c.notMasteredBefore), .number(c.notMasteredAfter),
                     c.completionBefore.map { .percent($0) } ?? .text(""), c.completionAfter.map { .percent($0) } ?? .text("")]
                }))
        }
        return tables
    }

    static func summaryTable(_ summaries: [PlanSummary]) -> AnalysisTable {
        AnalysisTable(title: "Планы", header: ["Класс", "Процедура", "Пунктов", "В работе", "Прошли повторную диагностику", "Закрыто", "Устранено", "Устранено частично", "Не устранено", "Просрочено", "Маршрутов"],
                      rows: summaries.map { s in
                          [.text(s.plan.className), .text(ProcedureStore.title(s.plan.procedure)), .number(s.count), .number(s.inWork), .number(s.rediagnosed), .number(s.closed),
                           .number(s.outcome(.eliminated)), .number(s.outcome(.partial)), .number(s.outcome(.notEliminated)), .number(s.overdue), .number(s.routes.count)]
                      })
    }

    static func summary(_ req: Request, school s: School, summaries: [PlanSummary]) async throws -> DocxDocument {
        let head = try await letterhead(req)
        var doc = DocxDocument(title: "Ликвидация пробелов \(s.shortName)", orientation: .landscape)
        doc.paragraph(s.fullName, alignment: .center, bold: true)
        doc.paragraph("Сведения о работе по ликвидации пробелов в знаниях обучающихся", style: .title, alignment: .center)
        doc.paragraph("Мероприятие 2.3 дорожной карты; по состоянию на \(head.today)", alignment: .center)
        if summaries.isEmpty {
            doc.paragraph("Планов ликвидации пробелов нет.")
        } else {
            let t = summaryTable(summaries)
            doc.add(DocxDocument.Table(widths: [2, 6, 3, 3, 4, 3, 3, 3, 3, 3, 3], header: t.header, rows: summaries.map { s in
                [s.plan.className, ProcedureStore.title(s.plan.procedure), String(s.count), String(s.inWork), String(s.rediagnosed), String(s.closed),
                 String(s.outcome(.eliminated)), String(s.outcome(.partial)), String(s.outcome(.notEliminated)), String(s.overdue), String(s.routes.count)].map { DocxDocument.Cell($0) }
            }))
            doc.paragraph("Всего пунктов: \(summaries.items); прошли повторную диагностику: \(summaries.rediagnosed); закрыто: \(summaries.closed); устранено дефицитов: \(summaries.eliminated) (\(GapPlanPage.pct(summaries.eliminatedShare))); просрочено: \(summaries.overdue).")
        }
        doc.paragraph("Руководитель ____________ / ____________")
        return doc
    }
}

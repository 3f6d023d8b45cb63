import Fluent
import MsokoCore
import Vapor

/// Coverage by courses (3.4): by school (login order — a list, not a rating) and direction, by
/// category of staff, who is due; the same figures as the page, the DOCX report and the XLSX.
struct StaffCoverage {
    struct Group {
        var name: String
        var login: String?
        var figures: CourseCoverage
    }

    var today: LocalDate
    var letterhead: [String]
    /// A head's school; nil for the district's report.
    var school: School?
    var groups: [Group]
    var total: CourseCoverage
    var categories: [(StaffCategory, CourseCoverage)]
    /// Who needs a course: overdue first, then without one, then due.
    var needing: [StaffRow]

    static func query(_ req: Request) async throws -> StaffCoverage {
        let user = try req.user
        let scope = try StaffScope(user)
        let today = try await req.today()
        let rows = try await StaffStore.rows(scope, today: today, on: req.db)
        guard let m = try await Municipality.find(scope.municipalityID, on: req.db) else { throw AppError.notFound }
        let head = try await Settings.letterhead(m, on: req.db).split(separator: "\n").map(String.init)
        func person(_ r: StaffRow) -> CourseCoverage.Person {
            CourseCoverage.Person(courses: r.courses.map { (end: $0.end, direction: $0.courseDirection, provider: $0.kind, hours: $0.hours) })
        }
        let q = School.query(on: req.db).filter(\.$municipality.$id == scope.municipalityID)
        if let s = scope.schoolID { q.filter(\.$id == s) } else { q.filter(\.$isActive == true) }
        let schools = try await q.sort(\.$login).all()
        let bySchool = Dictionary(grouping: rows, by: { $0.member.$school.id })
        var groups = schools.map { s in Group(name: s.shortName, login: s.login, figures: CourseCoverage((bySchool[s.id] ?? []).map(person), today: today)) }
        if scope.seesDistrict { groups.append(Group(name: StaffStore.department, login: nil, figures: CourseCoverage((bySchool[nil] ?? []).map(person), today: today))) }
        let categories = StaffCategory.allCases.compactMap { c -> (StaffCategory, CourseCoverage)? in
            let people = rows.filter { $0.member.category == c }
            return people.isEmpty ? nil : (c, CourseCoverage(people.map(person), today: today))
        }
        let order: [CourseStatus: Int] = [.overdue: 0, .none: 1, .due: 2, .current: 3]
        return StaffCoverage(today: today, letterhead: head, school: scope.schoolID == nil ? nil : schools.first, groups: groups,
                             total: CourseCoverage(rows.map(person), today: today), categories: categories,
                             needing: rows.filter { $0.status.needsCourse }.sorted { (order[$0.status]!, $0.school?.login ?? "~", $0.member.name) < (order[$1.status]!, $1.school?.login ?? "~", $1.member.name) })
    }

    var fileName: String { "Повышение квалификации\(school.map { " \($0.shortName)" } ?? "") на \(today.russian)" }

    static func percent(_ f: CourseCoverage) -> String {
        f.coveredShare.map { ReferenceTable.format(($0 * 1000).rounded() / 10) } ?? "—"
    }

    static let header = ["Организация", "Работников", "С действующими курсами", "%"] + CourseDirection.allCases.map(\.shortTitle) + ["Срок подходит", "Срок прошёл", "Курсов нет"]

    static func cells(_ name: String, _ f: CourseCoverage) -> [XLSXWriter.Cell] {
        [.text(name), .number(f.staff), .number(f.covered), f.coveredShare.map { .percent($0) } ?? .text("—")]
            + CourseDirection.allCases.map { .number(f.byDirection[$0] ?? 0) } + [.number(f.due), .number(f.overdue), .number(f.none)]
    }

    var schoolTable: AnalysisTable {
        var rows = groups.map { Self.cells($0.name, $0.figures) }
        if groups.count > 1 { rows.append(Self.cells("Итого", total)) }
        return AnalysisTable(title: "Охват по организациям", header: Self.header, rows: rows,
                             notes: ["Действующие курсы — оконченные не более трёх лет назад; по направлениям — число работников с действующими курсами этого направления. Организации — в порядке логинов, не по величине."])
    }

    var categoryTable: AnalysisTable {
        var header = Self.header
        header[0] = "Категория"
        return AnalysisTable(title: "Охват по категориям", header: header, rows: categories.map { Self.cells($0.0.title.capitalizedFirst, $0.1) })
    }

    var directionTable: AnalysisTable {
        AnalysisTable(title: "По направлениям", header: ["Направление", "Работников с действующими курсами", "Доля от всех работников"],
                      rows: CourseDirection.allCases.map { d in
                          let n = total.byDirection[d] ?? 0
                          return [.text(d.title), .number(n), total.staff > 0 ? .percent(Double(n) / Double(total.staff)) : .text("—")]
                      },
                      notes: ["Действующих курсов: \(total.courses), часов: \(total.hours); из них в государственных и муниципальных организациях: \(total.publicProvider)."])
    }

    var needingTable: AnalysisTable {
        AnalysisTable(title: "Кому нужны курсы", header: ["ФИО", "Организация", "Должность", "Последний курс окончен", "Следующий срок", "Статус"],
                      rows: needing.map { r in [.text(r.member.name), .text(r.schoolName), .text(r.member.position), .text(r.lastEnd?.russian ?? "—"), .text(r.nextDue?.russian ?? "—"), .text(r.status.title)] })
    }

    // MARK: the page

    func view(_ ctx: PageContext) -> HTML {
        var html: HTML = """
        <h1>Охват курсами повышения квалификации</h1>\(ctx.flash)
        <p class="hint">Мероприятие 3.4, на \(today.russian)\(school.map { ", \($0.shortName)" } ?? ""). Действующие курсы — оконченные не более трёх лет назад.</p>
        <div class="grid" style="margin:12px 0">\(HTML.stat(total.staff, "работников"))\(HTML.stat(total.covered, "с действующими курсами", "ok"))\(HTML.stat(total.due, "срок подходит"))\(HTML.stat(total.overdue, "срок прошёл", total.overdue > 0 ? "bad" : ""))\(HTML.stat(total.none, "курсов нет", total.none > 0 ? "bad" : ""))</div>
        <p class="actions no-print"><a class="btn secondary" href="\(Site.staffReportDocx.url)">Отчёт (DOCX)</a> <a class="btn secondary" href="\(Site.staffReportXlsx.url)">Таблицы (XLSX)</a>
        <form method="post" action="\(Site.staffAttach.url)" class="inline">\(ctx.csrfField)<button class="btn" type="submit">Приложить к отчёту по мероприятию 3.4</button></form>
        <button class="btn secondary" type="button" data-print>Печать</button></p>
        """
        if total.staff == 0 {
            html += HTML.emptyState(markup: #"Работников в списке нет — загрузите список на странице <a href="\#(Site.staff.url)">«Кадры и курсы»</a>."#)
            return html
        }
        html += "<h2>По организациям</h2>" as HTML
        html += HTML.figures(schoolTable)
        if groups.count > 1 {
            html += SVGChart.columns(title: "Доля работников с действующими курсами, %", categories: groups.map { $0.login ?? "УО" },
                                     series: [SVGChart.Series(name: "С действующими курсами", values: groups.map { g in g.figures.coveredShare.map { ($0 * 1000).rounded() / 10 } })])
        }
        html += "<h2>По категориям</h2>" as HTML
        html += HTML.figures(categoryTable)
        html += "<h2>По направлениям мероприятия 3.4</h2>" as HTML
        html += HTML.figures(directionTable)
        html += "<h2>Кому нужны курсы</h2>" as HTML
        html += needing.isEmpty ? HTML.emptyState("Всем работникам курсы пройти не нужно: у всех они действуют ещё больше шести месяцев.")
            : HTML.table(head: "<th>ФИО</th><th>Организация</th><th>Должность</th><th>Последний курс окончен</th><th>Следующий срок</th><th>Статус</th>", rows: needing.map { r in
                #"<tr><td><a href="\#(Site.staffMember.url(r.member.id!))">\#(r.member.name)</a></td><td>\#(r.schoolName)</td><td>\#(r.member.position)</td><td>\#(r.lastEnd?.russian ?? "—")</td><td>\#(r.nextDue?.russian ?? "—")</td><td>\#(HTML.courseBadge(r.status))</td></tr>"#
            })
        return html
    }

    // MARK: documents

    func document() -> DocxDocument {
        var doc = DocxDocument(title: fileName, orientation: .landscape)
        for line in letterhead where !line.isEmpty { doc.paragraph(line, alignment: .center, bold: true) }
        if let school { doc.paragraph(school.fullName, alignment: .center, bold: true) }
        doc.paragraph("Отчёт о повышении квалификации педагогических и руководящих работников\(school == nil ? " и специалистов Управления образования" : "")", style: .title, alignment: .center)
        doc.paragraph("Мероприятие 3.4 дорожной карты; по состоянию на \(today.russian)", alignment: .center)
        doc.paragraph("Работников в списке: \(total.staff); с действующими курсами (оконченными не более трёх лет назад): \(total.covered) (\(Self.percent(total)) %); срок следующих курсов подходит в ближайшие шесть месяцев: \(total.due); срок прошёл: \(total.overdue); курсов не записано: \(total.none). Действующих курсов: \(total.courses), \(total.hours) ч; из них в государственных и муниципальных организациях: \(total.publicProvider).")
        func table(_ t: AnalysisTable, widths: [Int]) {
            doc.paragraph(t.title, style: .heading2)
            doc.add(DocxDocument.Table(widths: widths, header: t.header, rows: t.rows.map { $0.map { DocxDocument.Cell($0.display) } }))
            for n in t.notes { doc.paragraph(n, style: .small) }
        }
        let wide = [5, 3, 3, 2, 3, 3, 3, 2, 3, 3, 2]
        table(schoolTable, widths: wide)
        if groups.count > 1, total.staff > 0 {
            doc.add(DocxChart(title: "Доля работников с действующими курсами, %", categories: groups.map { $0.login ?? "УО" },
                              series: [DocxChart.Series("С действующими курсами", groups.map { g in g.figures.coveredShare.map { ($0 * 1000).rounded() / 10 } })], valueAxisTitle: "%"))
        }
        if !categories.isEmpty { table(categoryTable, widths: wide) }
        table(directionTable, widths: [10, 4, 4])
        if needing.isEmpty {
            doc.paragraph("Кому нужны курсы", style: .heading2)
            doc.paragraph("Всем работникам курсы пройти не нужно.")
        } else {
            table(needingTable, widths: [6, 5, 5, 3, 3, 3])
        }
        doc.paragraph("")
        doc.paragraph(school == nil ? "Начальник Управления образования ____________________ / ____________ /" : "Руководитель ____________________ / ____________ /")
        return doc
    }

    func sheets() -> [XLSXWriter.Sheet] {
        let heading = ["Мероприятие 3.4, на \(today.russian)\(school.map { ", \($0.shortName)" } ?? "")"]
        return [schoolTable, categoryTable, directionTable, needingTable].map { $0.sheet(heading: heading) }
    }
}


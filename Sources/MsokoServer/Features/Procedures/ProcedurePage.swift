import Fluent
import MsokoCore
import Vapor

/// A procedure's page: its specification, the results upload, what arrived per school and class,
/// the accepted files, participants and dates, reference figures and the tasks.
struct ProcedurePage {
    struct Arrived {
        var school: String
        var className: String
        var works: Int
        var enrolled: Int?
    }

    struct Upload {
        var id: UUID
        var at: String
        var by: String
        var fileName: String
        var size: Int
        var sha256: String
        var hasWarnings: Bool
        var works: Int
        var schools: String
    }

    var procedure: Procedure
    var spec: ProcedureSpec
    var role: Role
    var arrived: [Arrived]
    /// The newest accepted files, or all of them when asked (`?files=all`).
    var uploads: [Upload]
    /// All accepted files the user may download.
    var uploadsTotal: Int
    var participants: ParticipantsSection
    var canEditReference: Bool

    /// Files listed unless all are asked for: a region's procedure gathers thousands of uploads.
    static let newestFiles = 30

    static func query(procedure p: Procedure, user: User, zone: TimeZone, allFiles: Bool = false, on db: Database) async throws -> ProcedurePage {
        let spec = try ProcedureStore.spec(of: p)
        let pid = try p.requireID()
        // What arrived, per school and class, against enrolment where known.
        let counts = try await ResultsQuery.counts(procedureID: pid, on: db)
        var schools = try await Schools.all(of: user, on: db)
        if user.role == .head { schools = schools.filter { $0.id == user.$school.id } }
        let classes = try await SchoolClass.query(on: db).filter(\.$school.$id ~~ schools.compactMap(\.id))
            .filter(\.$schoolYear == p.schoolYear).filter(\.$grade == p.grade).all()
        let enrolment = Dictionary(grouping: classes, by: { $0.$school.id })
        var arrived: [Arrived] = []
        for s in schools {
            let received = counts[s.id!] ?? [:]
            let enrolled = Dictionary((enrolment[s.id!] ?? []).map { ($0.name, $0.enrolment) }, uniquingKeysWith: { a, _ in a })
            for name in Set(received.keys).union(enrolled.keys).sorted() {
                arrived.append(Arrived(school: s.shortName, className: name, works: received[name] ?? 0, enrolled: enrolled[name]))
            }
        }
        // Accepted files the user may download, scoped in the query (`User.mayDownload` says the
        // same for one file); the bytes are not read.
        let login = try await Schools.own(of: user, on: db)?.login
        let scoped = ResultUpload.query(on: db).filter(\.$procedure.$id == pid)
        switch user.role {
        case .specialist, .admin:
            let mid = user.municipalityID
            scoped.group(.or) { $0.filter(\.$municipalityID == nil).filter(\.$municipalityID == mid) }
        case .head:
            let (sid, own) = (user.$school.id, login ?? "")
            scoped.group(.or) { $0.filter(\.$schoolID == sid).filter(\.$schools == own) }
        default:
            break
        }
        let listsFiles = [.specialist, .admin, .head].contains(user.role)
        let uploadsTotal = listsFiles ? try await scoped.copy().count() : 0
        let listed = scoped.field(\.$id).field(\.$fileName).field(\.$size).field(\.$sha256).field(\.$uploadedBy).field(\.$worksCount).field(\.$schools)
            .field(\.$schoolID).field(\.$warnings).field(\.$createdAt).field(\.$regionID).field(\.$municipalityID).field(\.$procedure.$id)
            .sort(\.$createdAt, .descending)
        if !allFiles { listed.limit(newestFiles) }
        let uploads = listsFiles ? try await listed.all() : []
        let shownZone = zone
        let names = try await People.names(municipalityID: p.municipalityID ?? user.municipalityID, on: db)
        return ProcedurePage(
            procedure: p, spec: spec, role: user.role, arrived: arrived,
            uploads: uploads.map { u in
                Upload(id: u.id!, at: u.createdAt.map { Format.dateTime($0, shownZone) } ?? "", by: People.name(u.uploadedBy, in: names), fileName: u.fileName, size: u.size,
                       sha256: u.sha256, hasWarnings: !u.warnings.isEmpty, works: u.worksCount, schools: u.schools.replacingOccurrences(of: ",", with: ", "))
            },
            uploadsTotal: uploadsTotal,
            participants: try await ParticipantsSection.query(procedure: p, user: user, on: db),
            canEditReference: user.role == .specialist && p.municipalityID != nil && p.municipalityID == user.municipalityID)
    }

    var mayUpload: Bool { role == .specialist || role == .head }
    var mayExport: Bool { [.specialist, .admin, .head].contains(role) }
}

extension ProcedurePage {
    func view(_ ctx: PageContext) -> HTML {
        let pid = procedure.id!
        let scale = spec.scale.map { " · шкала: «3» от \($0.three), «4» от \($0.four), «5» от \($0.five)" } ?? ""
        var html: HTML = #"<h1>\#(ProcedureStore.title(procedure))</h1><p class="muted">Учебный год \#(procedure.schoolYear) · форма: \#(ProcedureStore.formName(procedure.form)) · максимальный первичный балл \#(spec.maxScore)\#(scale)</p>\#(ctx.flash)"#
        let objectivity: HTML = Site.objectivity.admits(role)
            ? #" <a class="btn secondary" href="\#(Site.objectivity.url(pid))">Признаки необъективности</a>"# : ""
        let informing: HTML = Site.sheetsCoverage.admits(role)
            ? #" <a class="btn secondary" href="\#(Site.sheetsCoverage.url(pid))">Информирование о результатах</a>"# : ""
        html += #"<div class="actions no-print"><a class="btn" href="\#(Site.analysis.url(pid))">Анализ результатов</a>\#(objectivity)\#(informing)</div>"#
        if mayUpload { html += uploadForm(ctx) }
        html += "<h2>Поступившие работы</h2>"
        if arrived.isEmpty { html += #"<p class="muted">Работ пока нет.</p>"# }
        html += HTML.table(head: #"<th>Школа</th><th>Класс</th><th class="num">Работ</th><th class="num">Обучающихся</th><th class="num">Участие</th>"#, rows: arrived.map { a in
            let share = a.enrolled.map { $0 > 0 ? "\(Int((Double(a.works) * 100 / Double($0)).rounded())) %" : "—" } ?? "—"
            return #"<tr><td>\#(a.school)</td><td>\#(a.className)</td><td class="num">\#(a.works)</td><td class="num">\#(a.enrolled.map(String.init) ?? "—")</td><td class="num">\#(share)</td></tr>"#
        })
        html += versions
        html += participants.view(ctx, procedure: procedure)
        html += reference
        html += tasks
        return html
    }

    func uploadForm(_ ctx: PageContext) -> HTML {
        let scope: HTML = role == .head
            ? "<p>Файл вашей школы: строки других школ будут ошибкой. Новая загрузка заменяет прежние результаты школы.</p>"
            : #"<p>Муниципальная выгрузка ФИС ОКО со всеми школами или файл одной школы. Заменяются результаты только тех школ, что есть в файле.</p><label for="school">Чей файл (необязательно)</label><input type="text" id="school" name="school" placeholder="edu700101"><div class="hint">Укажите логин школы, если в файле нет столбца «ОО» и строки с названием школы.</div><div class="check"><input type="checkbox" id="createSchools" name="createSchools" value="1"> <label for="createSchools">Создать недостающие школы из файла</label></div><div class="hint">Школы, которых нет в msoko, будут добавлены по логину и названию из файла. Без отметки такой файл не принимается, а школы перечисляются в списке ошибок.</div>"#
        return """
        <section class="card no-print"><h2>Загрузить результаты</h2>\(scope)
        <form method="post" action="\(ctx.uploadAction(Site.resultsUpload.url(procedure.id!)))" enctype="multipart/form-data" data-progress="1">\(ctx.csrfField)
        <label for="file">Файл XLSX, XLS, ODS или CSV</label><input type="file" id="file" name="file" accept=".xlsx,.xls,.ods,.csv,.txt" required>
        <div class="hint">Файл принимается целиком или не принимается совсем; при ошибках показывается полный список с номерами строк.</div>
        <progress class="upload-progress" max="100" value="0" hidden></progress>
        <div class="actions"><button class="btn" type="submit">Загрузить</button></div>
        </form></section>
        <script src="\(Site.uploadJS.url)"></script>
        """
    }

    var versions: HTML {
        let pid = procedure.id!
        var html: HTML = #"<h2 id="files">Принятые файлы</h2>"#
        let exportLinks: HTML = mayExport
            ? #"<div class="actions no-print"><a class="btn secondary" href="\#(Site.resultsExport.url(pid, "xlsx"))">Выгрузить результаты (XLSX)</a><a class="btn secondary" href="\#(Site.resultsExport.url(pid, "csv"))">CSV</a></div>"#
            : ""
        if uploads.isEmpty {
            html += #"<p class="muted">Файлов пока нет.</p>"#
        } else {
            html += HTML.table(head: #"<th>Когда</th><th>Кто</th><th>Файл</th><th class="num">Работ</th><th>Школы</th>"#, rows: uploads.map { u in
                let warn: HTML = u.hasWarnings ? #"<div class="hint">есть предупреждения</div>"# : ""
                return #"<tr><td>\#(u.at)</td><td>\#(u.by)</td><td><a href="\#(Site.uploadedFile.url(u.id))">\#(u.fileName)</a><div class="hint">\#(Format.size(u.size)), sha256 \#(u.sha256.prefix(12))…</div>\#(warn)</td><td class="num">\#(u.works)</td><td>\#(u.schools)</td></tr>"#
            })
            if uploadsTotal > uploads.count {
                html += #"<p class="muted no-print">Показаны последние \#(uploads.count) из \#(uploadsTotal) файлов. <a href="\#(Site.procedure.url(pid).query(["files": "all"]))#files">Показать все</a></p>"#
            }
        }
        html += exportLinks
        return html
    }

    /// Shares of marks for the region and Russia, where entered, and the way to enter them.
    var reference: HTML {
        var html: HTML = "<h2>Эталонные показатели</h2>"
        let withMarks = ReferenceTable.Level.allCases.filter { spec.reference?[$0.rawValue]?.marks != nil }
        if withMarks.isEmpty && (spec.reference ?? [:]).isEmpty {
            html += #"<p class="muted">Показатели региона и России не введены: анализ сравнит школы только с районом.</p>"#
        } else if !withMarks.isEmpty {
            html += HTML.table(head: "<th>Уровень</th>\((2...5).map { #"<th class="num">«\#($0)», %</th>"# as HTML })", rows: withMarks.map { l in
                let marks = spec.reference?[l.rawValue]?.marks ?? [:]
                return "<tr><td>\(spec.referenceName(l))</td>\((2...5).map { #"<td class="num">\#(marks[String($0)].map { ReferenceController.percent($0) } ?? "—")</td>"# as HTML })</tr>"
            })
        }
        if canEditReference {
            html += #"<p class="no-print"><a class="btn secondary small" href="\#(Site.reference.url(procedure.id!))">Ввести или вставить из отчёта ФИС ОКО</a></p>"#
        }
        return html
    }

    /// The tasks, with the region's and Russia's completion, where entered, beside each.
    var tasks: HTML {
        let levels = ReferenceTable.Level.allCases.filter { spec.reference?[$0.rawValue]?.tasks?.isEmpty == false }
        let head: HTML = #"<th>№</th><th>Уровень</th><th class="num">Макс. балл</th>\#(levels.map { #"<th class="num">\#(spec.referenceName($0)), %</th>"# as HTML })<th>Проверяемые требования</th>"#
        let rows = spec.tasks.map { t -> HTML in
            let reqs = HTML(t.requirements.map { "\($0.code) \($0.text)" as HTML }, separator: "<br>")
            let refs = levels.map { l -> HTML in #"<td class="num">\#(spec.reference?[l.rawValue]?.tasks?[t.number].map { ReferenceController.percent($0) } ?? "—")</td>"# }
            return #"<tr><td>\#(t.number)</td><td>\#(t.level.rawValue)</td><td class="num">\#(t.max)</td>\#(refs)<td>\#(reqs)</td></tr>"#
        }
        var html: HTML = "<h2>Задания</h2>"
        html += HTML.table(head: head, rows: rows)
        // The specification: edited in a form by the district's specialist, downloadable as JSON.
        var links: [HTML] = []
        if canEditReference { links.append(#"<a class="btn secondary" href="\#(Site.procedureEdit.url(procedure.id!))">Изменить спецификацию</a>"#) }
        if Site.procedureSpecJSON.admits(role) { links.append(#"<a class="btn secondary" href="\#(Site.procedureSpecJSON.url(procedure.id!))">Спецификация (JSON)</a>"#) }
        if !links.isEmpty { html += #"<div class="actions no-print">\#(HTML(links, separator: ""))</div>"# }
        return html
    }
}

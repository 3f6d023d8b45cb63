import Foundation
import MsokoCore

/// The views of the public pages, built from a `PublicSnapshot` alone. What they must never do:
/// put two schools' results side by side (results appear for the district, or for one school on
/// that school's own page), show a group smaller than the district's minimum, name a person.
enum PublicPages {
    static func pct(_ v: Double?) -> HTML { HTML(stringLiteral: HTML.escape(AnalyticalReport.pct(v))) }

    static func fileKind(_ name: String) -> String {
        let ext = (name as NSString).pathExtension.uppercased()
        return ext.isEmpty ? "файл" : ext
    }

    static func dateTime(_ d: Date, _ zone: TimeZone) -> String { LocalDate(d, in: zone).russian }

    /// The district to choose where one installation holds several.
    static func chooser(_ districts: [(id: UUID, name: String, department: String)]) -> HTML {
        let items = HTML(districts.map { d in
            #"<li><a href="\#(Site.publicHome.url.query(["district": d.id.uuidString]))">\#(d.name)</a> <span class="muted">— \#(d.department)</span></li>"#
        }, separator: "")
        return """
        <h1>Открытая информация об оценке качества образования</h1>
        <section class="card"><h2>Выберите район</h2>
        \(districts.isEmpty ? "<p>Районы ещё не заведены.</p>" as HTML : #"<ul class="pub-list">\#(items)</ul>"#)
        </section>
        """
    }

    // MARK: schedule rows

    static func sittingRows(_ s: PublicSnapshot, _ rows: [PublicSnapshot.Sitting], withSchool: Bool) -> HTML {
        HTML(rows.map { r in
            let p = s.procedure(r.procedure)
            let school = s.school(r.school)
            return #"""
            <tr><td class="nowrap">\#(r.date.russian)</td><td>\#(p.map { "\($0.type) · \($0.subject)" } ?? "")</td><td>\#(p.map { "\($0.grade)" } ?? "")</td>
            <td>\#(r.classes.isEmpty ? "—" : r.classes.joined(separator: ", "))</td>\#(withSchool ? #"<td><a href="\#(s.link(Site.publicSchool.url(school?.login ?? "")))">\#(school?.shortName ?? "")</a></td>"# as HTML : "")</tr>
            """#
        }, separator: "")
    }

    static func sittingTable(_ s: PublicSnapshot, _ rows: [PublicSnapshot.Sitting], withSchool: Bool, caption: String) -> HTML {
        """
        <div class="table-wrap"><table><caption class="sr-only">\(caption)</caption>
        <thead><tr><th scope="col">Дата</th><th scope="col">Процедура, предмет</th><th scope="col">Параллель</th><th scope="col">Классы</th>\(withSchool ? #"<th scope="col">Школа</th>"# as HTML : "")</tr></thead>
        <tbody>\(sittingRows(s, rows, withSchool: withSchool))</tbody></table></div>
        """
    }

    // MARK: home

    static func home(_ s: PublicSnapshot, today: LocalDate) -> HTML {
        let coming = s.sittings.filter { $0.date >= today }.prefix(8)
        let o = s.observation
        let kinds = HTML(o.byKind.map { #"<li>\#($0.title): \#(Plural.count($0.count, "назначение", "назначения", "назначений"))</li>"# as HTML }, separator: "")
        let orders = s.documents.filter { $0.school == nil && $0.kind == .order }.prefix(5)
        let news = s.news.filter { $0.school == nil }.prefix(3)
        let latest = s.procedures.filter { $0.district != nil }.prefix(4)
        let matched = s.recheck.works - s.recheck.discrepant
        return """
        <h1>Оценка качества образования: \(s.district.name)</h1>
        <p class="lead">Когда в школах района проходят оценочные процедуры (ВПР и другие), как обеспечивается их объективность и какие результаты получены в целом по району.</p>
        <div class="pub-cards">
        <section class="card" aria-labelledby="h-coming"><h2 id="h-coming">Ближайшие процедуры</h2>
        \(coming.isEmpty ? "<p>Ближайших процедур в графике нет: даты следующих процедур появятся здесь, когда Управление образования внесёт их в график.</p>" as HTML : sittingTable(s, Array(coming), withSchool: true, caption: "Ближайшие процедуры"))
        <p><a href="\(s.link(Site.publicSchedule.url))">Весь график, отбор по школе, классу и предмету</a></p></section>

        <section class="card" aria-labelledby="h-objectivity"><h2 id="h-objectivity">Как обеспечивается объективность</h2>
        <div class="grid">
        <div class="stat"><div class="num">\(o.classesObserved)</div><div class="lbl">\(Plural.form(o.classesObserved, "класс", "класса", "классов")) с наблюдателем из \(o.classesHeld) по графику</div></div>
        <div class="stat"><div class="num">\(o.procedures)</div><div class="lbl">\(Plural.form(o.procedures, "процедура", "процедуры", "процедур")) с наблюдением</div></div>
        <div class="stat"><div class="num">\(o.actsSubmitted)</div><div class="lbl">\(Plural.form(o.actsSubmitted, "акт", "акта", "актов")) наблюдения, из них без нарушений — \(o.actsWithoutViolations)</div></div>
        <div class="stat"><div class="num">\(s.recheck.works)</div><div class="lbl">\(Plural.form(s.recheck.works, "работа перепроверена", "работы перепроверены", "работ перепроверено")) муниципальной комиссией\(s.recheck.works > 0 ? ", баллы совпали в \(matched)" : "")</div></div>
        </div>
        \(o.byKind.isEmpty ? "" : #"<h3>Наблюдатели</h3><ul>\#(kinds)</ul>"# as HTML)
        <p>Наблюдатели — специалисты Управления образования и общественные наблюдатели (родители, представители общественности) — присутствуют в аудиториях во время проведения работ. Муниципальная комиссия перепроверяет выборку работ и сравнивает баллы с выставленными в школе.</p>
        \(orders.isEmpty ? "" : #"<h3>Приказы</h3><ul class="pub-list">\#(HTML(orders.map { documentItem(s, $0) }, separator: ""))</ul>"# as HTML)
        </section>

        <section class="card" aria-labelledby="h-results"><h2 id="h-results">Результаты района</h2>
        \(latest.isEmpty ? "<p>Опубликованных результатов пока нет.</p>" as HTML : #"<ul class="pub-list">\#(HTML(latest.map { p in #"<li><a href="\#(s.link(Site.publicResults.url).query(["procedure": p.id.uuidString]))">\#(p.title)</a>: успеваемость \#(pct(p.district?.pass)), качество \#(pct(p.district?.quality))</li>"# as HTML }, separator: ""))</ul>"#)
        <p><a href="\(s.link(Site.publicResults.url))">Все результаты и динамика по годам</a></p></section>

        <section class="card" aria-labelledby="h-news"><h2 id="h-news">Новости</h2>
        \(news.isEmpty ? "<p>Новостей пока нет.</p>" as HTML : HTML(news.map { n in #"<article class="pub-news-short"><h3><a href="\#(s.link(Site.publicNews.url).fragment("news-" + n.id.uuidString))">\#(n.title)</a></h3><p class="muted">\#(dateTime(n.publishedAt, s.district.zone))</p></article>"# as HTML }, separator: ""))
        <p><a href="\(s.link(Site.publicNews.url))">Все новости</a></p></section>
        </div>

        <section class="card" aria-labelledby="h-schools"><h2 id="h-schools">Страницы школ</h2>
        <p>На странице школы — её график процедур, наблюдение, документы и новости.</p>
        <ul class="pub-columns">\(HTML(s.schools.sorted { $0.shortName.localizedStandardCompare($1.shortName) == .orderedAscending }.map { sc in #"<li><a href="\#(s.link(Site.publicSchool.url(sc.login)))">\#(sc.shortName)</a></li>"# as HTML }, separator: ""))</ul>
        </section>
        """
    }

    // MARK: schedule

    struct ScheduleFilter {
        var school: String?
        var grade: Int?
        var subject: String?
        var period: String
    }

    static func schedule(_ s: PublicSnapshot, today: LocalDate, filter f: ScheduleFilter) -> HTML {
        let subjects = Array(Set(s.procedures.map(\.subject))).sorted()
        let grades = Array(Set(s.procedures.map(\.grade))).sorted()
        let rows = s.sittings.filter { r in
            let p = s.procedure(r.procedure)
            return (f.school == nil || s.school(r.school)?.login == f.school) && (f.grade == nil || p?.grade == f.grade) && (f.subject == nil || p?.subject == f.subject)
        }
        let coming = rows.filter { $0.date >= today }
        let past = rows.filter { $0.date < today }.reversed()
        func option(_ value: String, _ label: String, _ selected: Bool) -> HTML { #"<option value="\#(value)"\#(selected ? " selected" as HTML : "")>\#(label)</option>"# }
        let schoolOptions = HTML(s.schools.sorted { $0.shortName.localizedStandardCompare($1.shortName) == .orderedAscending }.map { option($0.login, $0.shortName, f.school == $0.login) }, separator: "")
        let form: HTML = """
        <form method="get" action="\(Site.publicSchedule.url)" class="pub-filter">
        \(s.multiDistrict ? #"<input type="hidden" name="district" value="\#(s.district.id)">"# as HTML : "")
        <div><label for="f-school">Школа</label><select id="f-school" name="school"><option value="">Все школы</option>\(schoolOptions)</select></div>
        <div><label for="f-grade">Класс (параллель)</label><select id="f-grade" name="grade"><option value="">Все</option>\(HTML(grades.map { option(String($0), "\($0) класс", f.grade == $0) }, separator: ""))</select></div>
        <div><label for="f-subject">Предмет</label><select id="f-subject" name="subject"><option value="">Все предметы</option>\(HTML(subjects.map { option($0, $0, f.subject == $0) }, separator: ""))</select></div>
        <div><label for="f-period">Период</label><select id="f-period" name="period">\(option("coming", "Предстоящие", f.period == "coming"))\(option("past", "Прошедшие", f.period == "past"))\(option("all", "Все", f.period == "all"))</select></div>
        <div class="pub-filter-go"><button class="btn" type="submit">Показать</button></div>
        </form>
        """
        var out: HTML = """
        <h1>График оценочных процедур</h1>
        <p class="lead">Даты проведения процедур в школах района по графику, который ведёт Управление образования. Точное время урока сообщает школа.</p>
        \(form)
        """
        if f.period != "past" {
            out += #"<h2>Предстоящие</h2>"#
            out += coming.isEmpty ? "<p>Предстоящих процедур по выбранным условиям нет.</p>" : sittingTable(s, coming, withSchool: f.school == nil, caption: "Предстоящие процедуры")
        }
        if f.period != "coming" {
            out += #"<h2>Прошедшие</h2>"#
            out += past.isEmpty ? "<p>Прошедших процедур по выбранным условиям нет.</p>" : sittingTable(s, Array(past), withSchool: f.school == nil, caption: "Прошедшие процедуры")
        }
        return out
    }

    // MARK: results

    static func marksRow(_ label: String, _ f: PublicSnapshot.Figures?, participants: String, note: HTML = "") -> HTML {
        guard let f else {
            return #"<tr><th scope="row">\#(label)</th><td class="num">\#(participants)</td><td colspan="6" class="muted">не публикуется — меньше порога \#(note)</td></tr>"#
        }
        return #"<tr><th scope="row">\#(label)</th><td class="num">\#(participants)</td>\#(HTML(f.marks.map { #"<td class="num">\#(pct($0))</td>"# as HTML }, separator: ""))<td class="num">\#(pct(f.pass))</td><td class="num">\#(pct(f.quality))</td></tr>"#
    }

    static func referenceRow(_ label: String, _ r: ReferenceFigures?) -> HTML {
        guard let r, let marks = r.marks, !marks.isEmpty else { return "" }
        let m = (2...5).map { marks[String($0)] }
        let pass = m[1...].allSatisfy { $0 != nil } ? m[1...].compactMap { $0 }.reduce(0, +) : nil
        let quality = m[2] != nil && m[3] != nil ? m[2]! + m[3]! : nil
        return #"<tr><th scope="row">\#(label)</th><td class="num">—</td>\#(HTML(m.map { #"<td class="num">\#(pct($0))</td>"# as HTML }, separator: ""))<td class="num">\#(pct(pass))</td><td class="num">\#(pct(quality))</td></tr>"#
    }

    static func marksHead(_ first: String = "") -> HTML { #"<thead><tr>\#(first.isEmpty ? "<td></td>" as HTML : #"<th scope="col">\#(first)</th>"#)<th scope="col" class="num">Участников</th><th scope="col" class="num">«2»</th><th scope="col" class="num">«3»</th><th scope="col" class="num">«4»</th><th scope="col" class="num">«5»</th><th scope="col" class="num">Успеваемость</th><th scope="col" class="num">Качество</th></tr></thead>"# }

    static func results(_ s: PublicSnapshot, selected: PublicSnapshot.ProcedureFigures?) -> HTML {
        let withResults = s.procedures.filter { $0.participants > 0 }
        let years = Array(Set(withResults.map(\.year))).sorted(by: >)
        let picker = HTML(years.map { y in
            let items = withResults.filter { $0.year == y }.map { p in
                #"<li><a href="\#(s.link(Site.publicResults.url).query(["procedure": p.id.uuidString]))"\#(p.id == selected?.id ? #" aria-current="page""# as HTML : "")>\#(p.type) · \#(p.subject) · \#(p.grade) класс</a></li>"# as HTML
            }
            return #"<h2 class="pub-year">\#(y)</h2><ul class="pub-list">\#(HTML(items, separator: ""))</ul>"#
        }, separator: "")
        var out: HTML = """
        <h1>Результаты оценочных процедур в районе</h1>
        <p class="lead">Показатели в целом по району в сравнении с регионом и Россией (где они опубликованы) и динамика по годам. Результаты отдельных школ здесь не приводятся и не сравниваются.</p>
        """
        guard let p = selected else {
            out += "<section class=\"card\"><p>Опубликованных результатов пока нет.</p></section>"
            return out
        }
        out += #"<div class="pub-split"><nav class="card pub-side" aria-label="Процедуры">\#(picker)</nav><div class="pub-body">"#
        out += #"<h2>\#(p.title)</h2>"#
        let participants = String(p.participants)
        if p.district == nil {
            out += #"<section class="card"><p>В процедуре участвовало меньше \#(s.minimum) обучающихся района: показатели не публикуются, чтобы по ним нельзя было узнать результаты отдельных детей.</p></section>"#
            out += "</div></div>"
            return out
        }
        let region = p.region?.label ?? "Регион", russia = p.russia?.label ?? "Россия"
        out += """
        <section class="card"><h3>Распределение отметок</h3>
        <div class="table-wrap"><table><caption class="sr-only">Распределение отметок: район, регион, Россия</caption>\(marksHead())<tbody>
        \(marksRow("Район", p.district, participants: participants))\(referenceRow(region, p.region))\(referenceRow(russia, p.russia))
        </tbody></table></div>
        \(p.hasScale ? chart(p, region: region, russia: russia) : "")
        <p class="hint">Успеваемость — доля отметок «3», «4» и «5»; качество — доля «4» и «5».</p>
        </section>
        """
        if !p.parts.isEmpty {
            let rows = HTML(p.parts.map { part in
                marksRow(part.title, part.figures, participants: part.figures == nil ? "—" : String(part.size),
                         note: part.complementary ? "(скрыто вместе с меньшей группой, чтобы её показатели нельзя было вычислить)" : "")
            }, separator: "")
            out += """
            <section class="card"><h3>Мальчики и девочки</h3>
            <div class="table-wrap"><table><caption class="sr-only">Распределение отметок по полу</caption>\(marksHead())<tbody>\(rows)</tbody></table></div>
            <p class="hint">Группа меньше \(s.minimum) участников не показывается; если скрыта одна группа, скрывается и следующая по размеру — иначе её показатели можно было бы вычесть из общих.</p>
            </section>
            """
        }
        if let d = p.district {
            // Region and Russia columns only where their task figures were entered.
            let refs = [(region, p.region?.tasks), (russia, p.russia?.tasks)].compactMap { label, tasks in tasks.flatMap { $0.isEmpty ? nil : (label, $0) } }
            let rows = HTML(p.taskNumbers.indices.map { i in
                let number = p.taskNumbers[i]
                return #"<tr><th scope="row">\#(number)</th><td class="num">\#(pct(d.tasks[i]))</td>\#(HTML(refs.map { #"<td class="num">\#(pct($0.1[number]))</td>"# as HTML }, separator: ""))</tr>"# as HTML
            }, separator: "")
            let head = HTML(refs.map { #"<th scope="col" class="num">\#($0.0)</th>"# as HTML }, separator: "")
            out += """
            <section class="card"><h3>Выполнение заданий</h3>
            <p class="hint">Средний процент выполнения каждого задания (доля набранных баллов от максимума). Тексты заданий не публикуются.</p>
            <div class="table-wrap narrow-table"><table><caption class="sr-only">Выполнение заданий\(refs.isEmpty ? "" : ": район, " + refs.map(\.0).joined(separator: ", "))</caption><thead><tr><th scope="col">Задание</th><th scope="col" class="num">Район</th>\(head)</tr></thead><tbody>\(rows)</tbody></table></div>
            </section>
            """
        }
        let dynamics = s.procedures.filter { $0.type == p.type && $0.subject == p.subject && $0.grade == p.grade && $0.participants > 0 }.sorted { $0.year < $1.year }
        if dynamics.count > 1 {
            let rows = HTML(dynamics.map { q in marksRow(String(q.year), q.district, participants: String(q.participants)) }, separator: "")
            out += """
            <section class="card"><h3>Динамика по годам: \(p.type), \(p.subject), \(p.grade) класс</h3>
            <div class="table-wrap"><table><caption class="sr-only">Динамика результатов района по годам</caption>\(marksHead("Год"))<tbody>\(rows)</tbody></table></div>
            </section>
            """
        }
        out += "</div></div>"
        return out
    }

    static func chart(_ p: PublicSnapshot.ProcedureFigures, region: String, russia: String) -> HTML {
        guard let d = p.district else { return "" }
        var series = [SVGChart.Series(name: "Район", values: d.marks.map { $0.map { $0 * 100 } })]
        if let m = p.region?.marks { series.append(SVGChart.Series(name: region, values: (2...5).map { m[String($0)].map { $0 * 100 } })) }
        if let m = p.russia?.marks { series.append(SVGChart.Series(name: russia, values: (2...5).map { m[String($0)].map { $0 * 100 } })) }
        return SVGChart.columns(title: "Распределение отметок, %", categories: ["«2»", "«3»", "«4»", "«5»"], series: series)
    }

    // MARK: documents and news

    static func documentItem(_ s: PublicSnapshot, _ d: PublicSnapshot.Document) -> HTML {
        let meta = [d.number.isEmpty ? nil : "№ \(d.number)", d.date.map { "от \($0.russian)" }].compactMap { $0 }.joined(separator: " ")
        return #"""
        <li><a href="\#(Site.publicDocument.url(d.id))">\#(d.title)</a>\#(meta.isEmpty ? "" : " " + meta)
        <span class="muted"> — \#(s.author(d.school)); \#(fileKind(d.fileName)), \#(ByteSize.format(d.size))</span></li>
        """#
    }

    static func documents(_ s: PublicSnapshot, school: PublicSnapshot.SchoolInfo?) -> HTML {
        let docs = s.documents.filter { school == nil || $0.school == school?.id }
        var out: HTML = """
        <h1>Документы\(school.map { ": " + $0.shortName } ?? "")</h1>
        <p class="lead">Приказы, локальные акты и аналитические справки об оценочных процедурах, которые публикуют Управление образования и школы. Документы публикуются без персональных данных.</p>
        """
        if docs.isEmpty {
            out += "<section class=\"card\"><p>Опубликованных документов пока нет.</p></section>"
            return out
        }
        for kind in PublicDocument.Kind.allCases {
            let items = docs.filter { $0.kind == kind }
            guard !items.isEmpty else { continue }
            out += #"<section class="card"><h2>\#(kind.plural)</h2><ul class="pub-list">\#(HTML(items.map { documentItem(s, $0) }, separator: ""))</ul></section>"#
        }
        return out
    }

    static func paragraphs(_ text: String) -> HTML {
        let parts = text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        return HTML(parts.map { #"<p>\#(HTML.lines($0))</p>"# as HTML }, separator: "")
    }

    static func newsItem(_ s: PublicSnapshot, _ n: PublicSnapshot.News) -> HTML {
        #"""
        <article class="card pub-news" id="news-\#(n.id)"><h2>\#(n.title)</h2>
        <p class="muted">\#(dateTime(n.publishedAt, s.district.zone)) · \#(s.author(n.school))</p>
        \#(paragraphs(n.body))</article>
        """#
    }

    static func news(_ s: PublicSnapshot, school: PublicSnapshot.SchoolInfo?, feed: SiteURL) -> HTML {
        let items = s.news.filter { school == nil || $0.school == school?.id }
        return """
        <h1>Новости\(school.map { ": " + $0.shortName } ?? "")</h1>
        <p class="lead">Сообщения Управления образования и школ об оценочных процедурах. <a href="\(feed)">Подписаться (Atom)</a></p>
        \(items.isEmpty ? "<section class=\"card\"><p>Новостей пока нет.</p></section>" as HTML : HTML(items.map { newsItem(s, $0) }, separator: ""))
        """
    }

    // MARK: a school's page and block

    static func school(_ s: PublicSnapshot, _ sc: PublicSnapshot.SchoolInfo, today: LocalDate) -> HTML {
        let rows = s.sittings.filter { $0.school == sc.id }
        let coming = rows.filter { $0.date >= today }
        let past = Array(rows.filter { $0.date < today }.reversed().prefix(20))
        let o = s.schoolObservation[sc.id] ?? PublicSnapshot.Observation()
        let docs = s.documents.filter { $0.school == sc.id }
        let news = s.news.filter { $0.school == sc.id }.prefix(5)
        var out: HTML = """
        <h1>\(sc.fullName)</h1>
        <p class="lead">Оценочные процедуры в школе: когда проходят, как обеспечивается объективность\(sc.showResults ? ", результаты школы" : "").</p>
        <section class="card" aria-labelledby="h-coming"><h2 id="h-coming">Ближайшие процедуры</h2>
        \(coming.isEmpty ? "<p>Ближайших процедур в графике нет.</p>" as HTML : sittingTable(s, coming, withSchool: false, caption: "Ближайшие процедуры школы"))</section>
        <section class="card" aria-labelledby="h-observed"><h2 id="h-observed">Наблюдение за проведением</h2>
        \(o.classesHeld == 0 && o.classesObserved == 0 ? "<p>Процедур с наблюдением пока не было.</p>" as HTML : """
        <p>Наблюдатели присутствовали в \(Plural.count(o.classesObserved, "классе", "классах", "классах")) из \(o.classesHeld), писавших работы по графику\(o.procedures > 0 ? " (\(Plural.count(o.procedures, "процедура", "процедуры", "процедур")))" : "").
        \(o.actsSubmitted > 0 ? "Составлено \(Plural.count(o.actsSubmitted, "акт", "акта", "актов")) наблюдения, без нарушений — \(o.actsWithoutViolations)." : "")</p>
        \(o.byKind.isEmpty ? "" : #"<ul>\#(HTML(o.byKind.map { #"<li>\#($0.title): \#($0.count)</li>"# as HTML }, separator: ""))</ul>"# as HTML)
        """)
        </section>
        """
        if sc.showResults {
            let shown = s.procedures.filter { $0.schoolFigures[sc.id] != nil }
            if shown.isEmpty {
                out += #"<section class="card"><h2>Результаты школы</h2><p>Результатов пока нет.</p></section>"#
            } else {
                let rows = HTML(shown.map { p in
                    let f = p.schoolFigures[sc.id]!
                    return marksRow(p.title, f.figures, participants: f.figures == nil ? "—" : String(f.participants))
                }, separator: "")
                out += """
                <section class="card" aria-labelledby="h-results"><h2 id="h-results">Результаты школы</h2>
                <div class="table-wrap"><table><caption class="sr-only">Результаты школы по процедурам</caption>\(marksHead("Процедура"))<tbody>\(rows)</tbody></table></div>
                <p class="hint">Процедура, в которой участвовало меньше \(s.minimum) обучающихся школы, показывается без показателей. Результаты района — в разделе <a href="\(s.link(Site.publicResults.url))">«Результаты»</a>.</p>
                </section>
                """
            }
        }
        if !past.isEmpty {
            out += #"<section class="card" aria-labelledby="h-past"><h2 id="h-past">Прошедшие процедуры</h2>\#(sittingTable(s, past, withSchool: false, caption: "Прошедшие процедуры школы"))</section>"#
        }
        out += #"<section class="card" aria-labelledby="h-docs"><h2 id="h-docs">Документы школы</h2>\#(docs.isEmpty ? "<p>Школа пока не опубликовала документов.</p>" as HTML : #"<ul class="pub-list">\#(HTML(docs.map { documentItem(s, $0) }, separator: ""))</ul>"#)</section>"#
        if !news.isEmpty {
            out += #"<section aria-labelledby="h-news"><h2 id="h-news">Новости школы</h2>\#(HTML(news.map { newsItem(s, $0).markup.replacingOccurrences(of: "<h2>", with: "<h3>").replacingOccurrences(of: "</h2>", with: "</h3>") }.map(HTML.init(stringLiteral:)), separator: ""))</section>"#
        }
        return out
    }

    /// The block a school's website frames: the coming procedures and the link to the school's page;
    /// its own small style, no script, nothing else to load.
    static func embed(_ s: PublicSnapshot, _ sc: PublicSnapshot.SchoolInfo, today: LocalDate) -> HTML {
        let coming = s.sittings.filter { $0.school == sc.id && $0.date >= today }.prefix(6)
        let items = HTML(coming.map { r in
            let p = s.procedure(r.procedure)
            return #"<li><strong>\#(r.date.russian)</strong> — \#(p.map { "\($0.type), \($0.subject)" } ?? ""), \#(r.classes.isEmpty ? "\(p?.grade ?? 0) класс" : r.classes.joined(separator: ", "))</li>"# as HTML
        }, separator: "")
        return """
        <!DOCTYPE html>
        <html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Оценочные процедуры — \(sc.shortName)</title>
        <style>
        body { margin:0; font:15px/1.45 "PT Sans","Segoe UI",Roboto,Arial,sans-serif; color:#1c2430; background:#fff; }
        .box { border:1px solid #c5cfdb; border-radius:8px; padding:12px 14px; }
        h1 { font-size:16px; margin:0 0 8px; } ul { margin:0 0 10px; padding-left:18px; } li { margin:3px 0; }
        a { color:#174a85; } a:focus-visible { outline:3px solid #174a85; outline-offset:2px; } p { margin:0 0 8px; }
        </style></head>
        <body><div class="box">
        <h1>Оценочные процедуры: \(sc.shortName)</h1>
        \(coming.isEmpty ? "<p>Ближайших процедур в графике нет.</p>" as HTML : #"<ul>\#(items)</ul>"#)
        <p><a href="\(s.link(Site.publicSchool.url(sc.login)))" target="_blank" rel="noopener">График, наблюдение и документы школы</a></p>
        </div></body></html>
        """
    }
}

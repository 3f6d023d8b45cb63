import Foundation

/// «Аналитическая справка» on a procedure's results, for the district or one school: passport,
/// marks, objectivity against journal marks, distribution, tasks, planned results, groups,
/// deficits, conclusions written from the numbers, recommendations by role and a draft plan.
/// Charts are native Word charts (`DocxChart`), editable in Word and LibreOffice.
public enum AnalyticalReport {
    public struct Context: Sendable {
        public var letterhead: [String]
        public var signature: [String]
        /// «Зырянский район»; empty for a file analysed without a database.
        public var territory: String
        /// «22.04–30.04.2026», when the dates are known.
        public var dates: String
        public var form: String
        public var today: String
        public init(letterhead: [String] = [], signature: [String] = [], territory: String = "", dates: String = "", form: String = "", today: String = "") {
            self.letterhead = letterhead
            self.signature = signature
            self.territory = territory
            self.dates = dates
            self.form = form
            self.today = today
        }
    }

    public static func district(_ a: ResultsAnalysis, context: Context) -> DocxDocument {
        build(a, focus: a.district, comparison: nil, parts: a.schools, context: context)
    }

    public static func school(_ a: ResultsAnalysis, school key: String, context: Context) -> DocxDocument? {
        // The school's own справка: its figures and its classes' in full, however few the works.
        guard let s = a.school(key) else { return nil }
        return build(a, focus: s.inFull, comparison: a.district, parts: a.classes(of: key).map(\.inFull), context: context)
    }

    public static func pct(_ v: Double?) -> String {
        guard let v else { return "—" }
        return ReferenceTable.oneDecimal(v * 100) + "\u{00A0}%"
    }

    static func num(_ v: Double?) -> String { v.map { ReferenceTable.format(($0 * 100).rounded() / 100) } ?? "—" }

    static func points(_ d: Double) -> String {
        Verdicts.points(d)
    }

    /// A number, a share or «—»: a cell to align right.
    static func isFigure(_ c: XLSXWriter.Cell) -> Bool {
        switch c {
        case .number, .decimal, .percent, .mean: return true
        case .text(let t): return t == "—" || t.first?.isNumber == true && !t.contains(where: { $0.isLetter })
        case .empty: return false
        }
    }

    static func docTable(_ t: AnalysisTable, firstWide: Int = 3) -> DocxDocument.Table {
        let widths = t.header.indices.map { $0 == 0 ? firstWide : 1 }
        // Figures right-aligned, as in a table a person sets; words left.
        return DocxDocument.Table(widths: widths, header: t.header, rows: t.rows.enumerated().map { r, row in
            row.enumerated().map { i, c in
                var cell = DocxDocument.Cell(c.display, bold: t.highlighted.contains(r))
                if i > 0, isFigure(c) { cell.paragraphs = cell.paragraphs.map { var p = $0; p.alignment = .right; return p } }
                return cell
            }
        })
    }

    static func build(_ a: ResultsAnalysis, focus g: GroupFigures, comparison: GroupFigures?, parts: [GroupFigures], context: Context) -> DocxDocument {
        let spec = a.spec
        let isSchool = g.level == .school
        let subjectText = "\(spec.type) \(spec.year) по предмету «\(spec.subject)», \(spec.grade) класс"
        var doc = DocxDocument(title: "Аналитическая справка: \(subjectText)")
        for line in context.letterhead where !line.isEmpty { doc.paragraph(line, alignment: .center) }
        doc.paragraph("Аналитическая справка", style: .title, alignment: .center)
        let whereText = isSchool ? " в \(g.schoolName ?? g.school ?? "")" : (context.territory.isEmpty ? "" : " (\(context.territory))")
        doc.paragraph("по результатам \(subjectText)\(whereText)", alignment: .center, bold: true)
        if !context.today.isEmpty { doc.paragraph(context.today, alignment: .right) }

        let comparisons = [g] + (comparison.map { [$0] } ?? [])
        let refs = ReferenceTable.Level.allCases.filter { spec.reference?[$0.rawValue] != nil }
        let suppressed = g.sharesHidden

        // 1. Passport.
        doc.paragraph("1. Паспорт процедуры", style: .heading1)
        var passport: [(String, String)] = [
            ("Процедура", "\(spec.type), \(spec.year) год"), ("Предмет, класс", "\(spec.subject), \(spec.grade) класс"),
        ]
        if !context.dates.isEmpty { passport.append(("Сроки проведения", context.dates)) }
        if !context.form.isEmpty { passport.append(("Форма", context.form)) }
        passport.append(("Заданий; максимальный первичный балл", "\(spec.tasks.count); \(spec.maxScore)"))
        if let s = spec.scale { passport.append(("Шкала перевода в отметки", "«2» — 0–\(s.three - 1), «3» — \(s.three)–\(s.four - 1), «4» — \(s.four)–\(s.five - 1), «5» — \(s.five)–\(spec.maxScore)")) }
        var who = Plural.works(g.participants)
        if let e = g.enrolled { who += " при \(Plural.studentsPrepositional(e)) (\(pct(g.participation)))" }
        if !isSchool { who += "; школ: \(a.schools.count)" } else { who += "; классов: \(parts.count)" }
        passport.append(("Участники", who))
        doc.add(DocxDocument.Table(widths: [2, 3], header: [], rows: passport.map { [DocxDocument.Cell($0.0, bold: true), DocxDocument.Cell($0.1)] }))
        if suppressed {
            doc.paragraph("Работ меньше 10: по правилам анализа малых групп доли и выводы по группе не приводятся; ниже — только количества.", bold: true)
        } else if g.smallGroup == .suppressed {
            doc.paragraph(AnalysisTables.smallOwnCaution(g), bold: true)
        } else if g.smallGroup == .limited {
            doc.paragraph("Работ меньше 20: выводы ограничены — одна-две работы заметно меняют доли.")
        }

        // 2. Marks.
        doc.paragraph("2. Отметки", style: .heading1)
        doc.add(docTable(AnalysisTables.marksCompact(comparisons, a)))
        if spec.scale != nil && !suppressed {
            var series = comparisons.map { c in DocxChart.Series(AnalysisTables.label(c), (2...5).map { c.sharesHidden ? nil : c.markShare($0).map { $0 * 100 } }) }
            for r in refs { if let m = spec.reference?[r.rawValue]?.marks { series.append(DocxChart.Series(spec.referenceName(r), (2...5).map { m[String($0)].map { $0 * 100 } })) } }
            doc.add(DocxChart(title: "Распределение отметок, %", categories: ["«2»", "«3»", "«4»", "«5»"], series: series, valueAxisTitle: "% участников"))
            doc.paragraph(marksText(g, comparison: comparison, a))
        }

        // 3. Objectivity: journal marks.
        doc.paragraph("3. Объективность: сравнение с отметками по журналу", style: .heading1)
        doc.add(docTable(AnalysisTables.journalCompact(comparisons)))
        doc.paragraph(journalText(g))

        // 4. Distribution.
        doc.paragraph("4. Распределение первичных баллов", style: .heading1)
        let histogramGroups = comparison == nil ? [g] : [g, comparison!]
        doc.add(DocxChart(title: "Распределение первичных баллов", categories: (0...spec.maxScore).map(String.init),
                          series: histogramGroups.map { c in DocxChart.Series(AnalysisTables.label(c), c.histogram.map { c.participants == 0 ? nil : Double($0) * 100 / Double(c.participants) }) },
                          valueAxisTitle: "% участников"))
        if let s = spec.scale {
            doc.paragraph("Границы отметок: «3» — от \(s.three), «4» — от \(s.four), «5» — от \(s.five) первичных баллов. " + heapingText(g, s))
        }

        // 5. Tasks.
        doc.paragraph("5. Выполнение заданий", style: .heading1)
        let tasksTable = AnalysisTables.tasks(comparisons, a)
        doc.add(docTable(tasksTable, firstWide: 1))
        var profile = comparisons.map { c in DocxChart.Series(AnalysisTables.label(c), spec.tasks.enumerated().map { t, task in c.sharesHidden ? nil : c.taskCompletion(t, max: task.max).map { $0 * 100 } }, kind: c.level == g.level ? .column : .line) }
        for r in refs { if let tasks = spec.reference?[r.rawValue]?.tasks { profile.append(DocxChart.Series(spec.referenceName(r), spec.tasks.map { tasks[$0.number].map { $0 * 100 } }, kind: .line)) } }
        if !suppressed {
            doc.add(DocxChart(title: "Выполнение заданий, % от максимального балла", categories: spec.tasks.map(\.number), series: profile, valueAxisTitle: "%", height: 7.5))
            doc.paragraph(tasksText(comparisons, a))
        }

        // 6. Planned results and deficits.
        let requirements = a.requirements(g)
        let deficits = deficitList(comparisons, a)
        if !requirements.isEmpty {
            doc.paragraph("6. Достижение планируемых результатов", style: .heading1)
            doc.add(docTable(AnalysisTables.requirements(comparisons, a), firstWide: 1))
            if !suppressed && !deficits.items.isEmpty {
                doc.paragraph(deficits.areDeficits
                              ? "Дефициты (требования, не освоенные группой или отстающие от сравнения на 10 п. п. и более): " + deficits.items.map(\.described).joined(separator: "; ") + "."
                              : "Все проверяемые требования освоены на уровне не ниже порогового; наименьший запас — у требований: " + deficits.items.map(\.described).joined(separator: "; ") + ".")
            }
        }

        // 7. Mark groups.
        if spec.scale != nil && !suppressed {
            doc.paragraph("7. Выполнение заданий группами участников с разными отметками", style: .heading1)
            doc.add(docTable(AnalysisTables.byMark(g, a), firstWide: 1))
            doc.paragraph("Задания, с которыми не справляются даже получившие «4», указывают на темы, требующие переработки в преподавании, а не только индивидуальной работы со слабыми обучающимися.")
        }

        // 8. Schools or classes.
        if !parts.isEmpty {
            doc.paragraph(isSchool ? "8. Результаты классов" : "8. Результаты школ", style: .heading1)
            doc.paragraph(isSchool ? "Классы — в порядке названий." : "Школы — в порядке логинов ФИС ОКО; таблица служит управлению качеством и не является рейтингом.")
            doc.add(docTable(AnalysisTables.marksCompact(parts, a)))
            doc.paragraph("* " + AnalysisTables.smallNote, style: .small)
        }

        // 9. Conclusions, recommendations, plan.
        doc.paragraph("9. Выводы", style: .heading1)
        for line in conclusions(g, comparison: comparison, a, deficits: deficits, tasks: Verdicts.tasks(comparisons, a)) { doc.paragraph("— " + line) }
        doc.paragraph("10. Рекомендации", style: .heading1)
        for (role, lines) in recommendations(g, a, deficits: deficits, isSchool: isSchool) {
            doc.paragraph(role, bold: true)
            for line in lines { doc.paragraph("— " + line) }
        }
        doc.paragraph("11. Проект плана мероприятий", style: .heading1)
        doc.add(DocxDocument.Table(widths: [1, 6, 2, 3], header: ["№", "Мероприятие", "Срок", "Ответственный"],
                                   rows: plan(deficits: deficits, isSchool: isSchool, a).enumerated().map { i, row in
                                       [DocxDocument.Cell(String(i + 1)), DocxDocument.Cell(row.0), DocxDocument.Cell(row.1), DocxDocument.Cell(row.2)]
                                   }))
        doc.paragraph("")
        for line in context.signature where !line.isEmpty { doc.paragraph(line) }
        return doc
    }

    static func marksText(_ g: GroupFigures, comparison: GroupFigures?, _ a: ResultsAnalysis) -> String {
        var text = "Успеваемость составила \(pct(g.passRate)), качество знаний — \(pct(g.qualityRate)); средний первичный балл — \(num(g.meanPrimaryScore)) из \(a.spec.maxScore), средняя отметка — \(num(g.meanMark))."
        if let c = comparison, !c.sharesHidden, let gp = g.passRate, let cp = c.passRate, let gq = g.qualityRate, let cq = c.qualityRate {
            text += sentence(" По сравнению с районом успеваемость \(compare(gp - cp)), качество знаний \(compare(gq - cq))")
        }
        if let m = a.spec.reference?["region"]?.marks, m.count == 4, let gq = g.qualityRate, let gp = g.passRate {
            let rq = (m["4"] ?? 0) + (m["5"] ?? 0), rp = 1 - (m["2"] ?? 0)
            text += sentence(" Относительно региона успеваемость \(compare(gp - rp)), качество знаний \(compare(gq - rq))")
        }
        return text
    }

    /// A sentence's end: a full stop, unless the text already ends with one («п. п.»).
    static func sentence(_ text: String) -> String { text.hasSuffix(".") ? text : text + "." }

    static func compare(_ d: Double) -> String {
        abs(d) < 0.02 ? "на том же уровне" : d > 0 ? "выше на \(points(d))" : "ниже на \(points(d))"
    }

    static func journalText(_ g: GroupFigures) -> String {
        let n = g.journalCompared
        guard n > 0 else { return "Отметок по журналу в файле нет — сравнение не проводилось." }
        guard !g.sharesHidden else { return "Сравнено работ: \(n); доли для группы менее 10 участников не приводятся." }
        let share = { (k: Int) in pct(Double(k) / Double(n)) }
        var text = "Подтвердили отметку по журналу \(share(g.journalSame)) участников, понизили — \(share(g.journalLower)), повысили — \(share(g.journalHigher))."
        if g.journalGapTwoOrMore > 0 { text += " Расхождение на две отметки и более — у \(Plural.count(g.journalGapTwoOrMore, "участника", "участников", "участников"))." }
        let lower = Double(g.journalLower) / Double(n)
        if lower >= 0.3 {
            text += " Большая доля понизивших отметку указывает на завышение текущих отметок: требуется анализ системы оценивания в школе."
        } else if Double(g.journalHigher) / Double(n) >= 0.15 {
            text += " Заметная доля повысивших отметку при проверке работы — признак, требующий внимания к объективности проверки."
        } else {
            text += " Результаты в целом согласуются с текущими отметками."
        }
        return text
    }

    /// Works at the first scores of a mark against those just below: a cue for the objectivity check.
    static func heapingText(_ g: GroupFigures, _ s: MarkScale) -> String {
        guard g.participants >= 20 else { return "" }
        var cues: [String] = []
        for (threshold, mark) in [(s.three, 3), (s.four, 4), (s.five, 5)] where threshold >= 1 && threshold < g.histogram.count {
            let at = g.histogram[threshold], below = g.histogram[threshold - 1]
            if at >= 3 && Double(at) >= 2.5 * Double(max(below, 1)) { cues.append("на границе «\(mark)» (\(Plural.points(threshold)): \(Plural.works(at)), \(Plural.points(threshold - 1)): \(below))") }
        }
        return cues.isEmpty ? "Скоплений работ сразу на границах отметок не видно." : "Скопление работ " + cues.joined(separator: ", ") + " — признак, который стоит проверить при перепроверке работ."
    }

    /// «3 (Б, 28,6 %; ниже района на 49,4 п. п.)»
    static func taskItem(_ task: TaskSpec, _ v: Verdict) -> String {
        "\(task.number) (\(task.level.rawValue), \(pct(v.completion))\(v.below.isEmpty ? "" : "; " + v.comparisonText))"
    }

    /// What the tasks say, from their verdicts: not mastered, borderline, behind a reference; and
    /// where every task is mastered, the three with the least margin — never an empty «всё освоено».
    static func tasksText(_ groups: [GroupFigures], _ a: ResultsAnalysis) -> String {
        let verdicts = Verdicts.tasks(groups, a)
        let tasks = a.spec.tasks
        let not = tasks.indices.filter { verdicts[$0].mastery == .notMastered }
        let border = tasks.indices.filter { verdicts[$0].mastery == .borderline }
        let behind = tasks.indices.filter { verdicts[$0].mastery != .notMastered && !verdicts[$0].below.isEmpty }
        var parts: [String] = []
        if !not.isEmpty { parts.append("Не освоены задания: \(not.map { taskItem(tasks[$0], verdicts[$0]) }.joined(separator: ", ")).") }
        if !border.isEmpty { parts.append("На границе освоения: \(border.map { taskItem(tasks[$0], verdicts[$0]) }.joined(separator: ", ")).") }
        if !behind.isEmpty { parts.append("Освоены, но отстают на 10 п. п. и более: \(behind.map { taskItem(tasks[$0], verdicts[$0]) }.joined(separator: ", ")).") }
        if parts.isEmpty {
            let (least, _) = Verdicts.weakest(verdicts)
            parts.append("Все задания выполнены на уровне не ниже порогового и не отстают от сравнения на 10 п. п."
                         + (least.isEmpty ? "" : " Наименьший запас над порогом — у заданий \(least.map { taskItem(tasks[$0], verdicts[$0]) }.joined(separator: ", ")): им стоит уделить внимание в первую очередь."))
        }
        return parts.joined(separator: " ")
    }

    /// A planned result the text and the plan are written about.
    public struct Topic: Sendable {
        public var code: String
        public var text: String
        public var completion: Double
        public var verdict: Verdict
        /// «4.3 «Решать текстовые задачи» — 28,6 % (не освоено; ниже района на 49,4 п. п.)»
        public var described: String {
            let why = [verdict.mastery?.title ?? "", verdict.comparisonText].filter { !$0.isEmpty }.joined(separator: "; ")
            return "\(code) «\(text)» — \(pct(completion))" + (why.isEmpty ? "" : " (\(why))")
        }
    }

    /// The planned results that are weak for `groups[0]` (not mastered, or 10 p. p. and more below a
    /// reference), weakest first; where none is, the three with the least margin, marked as such
    /// (`areDeficits` false), so that the conclusions, recommendations, plan and order always name
    /// what is actually weakest instead of falling back to generic words.
    public static func deficitList(_ groups: [GroupFigures], _ a: ResultsAnalysis) -> (items: [Topic], areDeficits: Bool) {
        guard let g = groups.first, !g.sharesHidden else { return ([], false) }
        let list = a.requirements(g)
        let verdicts = Verdicts.requirements(groups, a)
        let (rows, weak) = Verdicts.weakest(verdicts)
        return (rows.compactMap { k in verdicts[k].completion.map { Topic(code: list[k].code, text: list[k].text, completion: $0, verdict: verdicts[k]) } }, weak)
    }

    /// Schools that need targeted support: a quarter of their works or more got «2», and at least
    /// three works did — however small the school (the rule uses counts, so a school of seven
    /// works with four «2» is named, and a school with one «2» of two works is not).
    public static func supportSchools(_ a: ResultsAnalysis) -> [GroupFigures] {
        a.schools.filter { $0.marks[0] >= 3 && Double($0.marks[0]) >= 0.25 * Double($0.marked) }
    }

    static func conclusions(_ g: GroupFigures, comparison: GroupFigures?, _ a: ResultsAnalysis, deficits: (items: [Topic], areDeficits: Bool), tasks: [Verdict]) -> [String] {
        guard !g.sharesHidden else { return ["Работ меньше 10: выводы по группе не делаются; результаты рассматриваются индивидуально."] }
        var out: [String] = []
        if let two = g.markShare(2) {
            out.append(two >= 0.15 ? "Доля неудовлетворительных отметок высока (\(pct(two)), \(Plural.works(g.marks[0])) из \(g.marked)): нужна адресная работа с обучающимися группы риска."
                       : "Доля неудовлетворительных отметок — \(pct(two)).")
        }
        if let c = comparison, let gq = g.qualityRate, let cq = c.qualityRate, !c.sharesHidden {
            out.append("Качество знаний \(compare(gq - cq)) районного показателя (\(pct(cq))).")
        }
        let judged = tasks.filter { $0.mastery != nil }
        let mastered = judged.filter { $0.mastery == .mastered }.count
        let behind = judged.filter { !$0.below.isEmpty }.count
        out.append("Освоено \(mastered) из \(Plural.tasks(judged.count))" + (behind > 0 ? "; отстают от сравнения на 10 п. п. и более — \(behind)." : "."))
        if !deficits.items.isEmpty {
            out.append((deficits.areDeficits ? "Наибольшие дефициты: " : "Дефицитов нет; слабее других освоены: ")
                       + deficits.items.prefix(5).map { "«\($0.text)» (\(pct($0.completion)))" }.joined(separator: "; ") + ".")
        }
        if g.level == .district {
            let support = supportSchools(a)
            if !support.isEmpty {
                out.append("Адресная поддержка нужна школам, где «2» получили не меньше четверти работ (и не меньше трёх работ): "
                           + support.map { "\($0.schoolName ?? $0.school ?? "") — \($0.marks[0]) из \($0.marked)" }.joined(separator: "; ") + ".")
            }
        }
        if g.journalCompared > 0 {
            let lower = Double(g.journalLower) / Double(g.journalCompared)
            let higher = Double(g.journalHigher) / Double(g.journalCompared)
            out.append(lower >= 0.3 ? "Отметки по журналу заметно выше результатов работы (понизили \(pct(lower)))."
                       : higher >= 0.15 ? "Результаты работы выше текущих отметок у \(pct(higher)) участников: нужна проверка объективности оценивания работ."
                       : "Результаты работы в целом подтверждают текущие отметки.")
        }
        if g.smallGroup == .limited { out.append("Группа меньше 20 участников: выводы предварительные.") }
        if g.smallGroup == .suppressed { out.append("Группа меньше 10 участников: выводы предварительные, результаты каждого обучающегося рассматриваются индивидуально.") }
        return out
    }

    static func recommendations(_ g: GroupFigures, _ a: ResultsAnalysis, deficits: (items: [Topic], areDeficits: Bool), isSchool: Bool) -> [(String, [String])] {
        let topics = deficits.items.prefix(5).map { "«\($0.text)»" }.joined(separator: ", ")
        let focus = topics.isEmpty ? "задания с наименьшим выполнением" : topics
        return [
            (isSchool ? "Руководителю школы" : "Руководителям школ", [
                "рассмотреть результаты на педагогическом совете и утвердить план ликвидации дефицитов;",
                "обеспечить контроль объективности текущего оценивания: сопоставить отметки по журналу с результатами работы;",
                "включить предмет «\(a.spec.subject)» в план внутришкольного контроля на следующую четверть.",
            ]),
            ("Методическому объединению", [
                "разобрать на заседании задания и требования \(deficits.areDeficits || topics.isEmpty ? "с дефицитами" : "(дефицитов нет, но эти освоены слабее других)"): \(focus);",
                "подготовить банк заданий по дефицитным темам и согласовать единые критерии проверки;",
                "провести взаимопосещение уроков с фокусом на дефицитные умения.",
            ]),
            ("Учителям", [
                "включать в уроки и домашние задания упражнения на \(focus);",
                "организовать индивидуальную работу с обучающимися, получившими «2», и с теми, кто на границе отметки;",
                "использовать критерии ВПР при проверке текущих работ.",
            ]),
            ("Родителям", [
                "ознакомиться с результатами ребёнка (по коду участника) и рекомендациями учителя;",
                "поддержать выполнение заданий на повторение по темам с дефицитами.",
            ]),
        ]
    }

    static func plan(deficits: (items: [Topic], areDeficits: Bool), isSchool: Bool, _ a: ResultsAnalysis) -> [(String, String, String)] {
        let who = isSchool ? "заместитель директора" : "специалист Управления образования"
        var rows: [(String, String, String)] = [
            ("Обсуждение результатов \(a.spec.type) на \(isSchool ? "педагогическом совете" : "совещании руководителей")", "до 1 июня \(a.spec.year)", who),
            ("Заседание методического объединения: разбор заданий с низким выполнением", "до 1 июня \(a.spec.year)", "руководитель МО"),
        ]
        for d in deficits.items.prefix(3) {
            rows.append(("Включение в рабочие программы повторения: «\(d.text)» (\(d.code))", "сентябрь–октябрь \(a.spec.year)", "учителя-предметники"))
        }
        rows.append(("Индивидуальные планы для обучающихся с отметкой «2»", "до 15 сентября \(a.spec.year)", "учителя-предметники"))
        rows.append(("Контроль объективности оценивания: сопоставление журнальных отметок с результатами", "октябрь \(a.spec.year)", who))
        rows.append(("Информирование родителей о результатах и рекомендациях", "до 1 июня \(a.spec.year)", isSchool ? "классные руководители" : "руководители школ"))
        return rows
    }
}

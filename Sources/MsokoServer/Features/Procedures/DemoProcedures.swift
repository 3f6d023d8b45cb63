import Fluent
import MsokoCore
import Vapor

/// ВПР of spring 2026 and spring 2025 (mathematics and Russian, grades 4 and 5) for the demo
/// district, with generated results imported through the same path as a real file. The task
/// lists follow the shape of the real ВПР; the requirement texts are short demo wording.
enum DemoProcedures {
    static func spec(subject: String, grade: Int, year: Int) -> ProcedureSpec {
        let math = subject == "Математика"
        let layout: [(String, Int, TaskLevel, String)]
        if math && grade == 4 {
            layout = [("1", 1, .basic, "Выполнять арифметические действия с числами"), ("2", 1, .basic, "Вычислять значение числового выражения"),
                      ("3", 2, .basic, "Решать текстовые задачи в одно-два действия"), ("4", 1, .basic, "Единицы величин: длина, масса, время"),
                      ("5.1", 1, .basic, "Вычислять периметр и площадь прямоугольника"), ("5.2", 1, .advanced, "Изображать геометрические фигуры"),
                      ("6.1", 1, .basic, "Читать таблицы и диаграммы"), ("6.2", 1, .advanced, "Сравнивать и обобщать данные таблиц"),
                      ("7", 1, .basic, "Порядок действий в выражениях"), ("8", 2, .advanced, "Решать задачи в три-четыре действия"),
                      ("9.1", 1, .advanced, "Логические рассуждения"), ("9.2", 2, .high, "Интерпретировать информацию"),
                      ("10", 2, .high, "Решать нестандартные задачи")]
        } else if math {
            layout = [("1", 1, .basic, "Понятие натурального числа, делимость"), ("2", 1, .basic, "Обыкновенные дроби"),
                      ("3", 1, .basic, "Десятичные дроби"), ("4", 1, .basic, "Нахождение части числа и числа по его части"),
                      ("5", 1, .basic, "Единицы измерения величин"), ("6", 1, .basic, "Чтение таблиц и диаграмм"),
                      ("7", 1, .basic, "Арифметические действия с многозначными числами"), ("8", 2, .advanced, "Вычисления с дробями"),
                      ("9", 2, .advanced, "Текстовые задачи на движение и работу"), ("10", 2, .advanced, "Практические задачи"),
                      ("11", 1, .basic, "Геометрические построения"), ("12", 2, .high, "Логические задачи"), ("13", 2, .high, "Задачи повышенной трудности")]
        } else if grade == 4 {
            layout = [("1К1", 4, .basic, "Писать текст под диктовку: орфография"), ("1К2", 3, .basic, "Писать текст под диктовку: пунктуация"),
                      ("2", 3, .basic, "Синтаксический разбор предложения"), ("3.1", 1, .basic, "Однородные члены предложения"),
                      ("3.2", 2, .advanced, "Части речи в предложении"), ("4", 2, .basic, "Ударение в словах"),
                      ("5", 2, .basic, "Звуки и буквы"), ("6", 2, .advanced, "Основная мысль текста"), ("7", 2, .advanced, "План текста"),
                      ("8", 2, .high, "Вопросы к тексту"), ("9", 1, .basic, "Значение слова"), ("10", 1, .basic, "Синонимы")]
        } else {
            layout = [("1К1", 4, .basic, "Списывание текста: орфография"), ("1К2", 3, .basic, "Списывание текста: пунктуация"),
                      ("1К3", 2, .basic, "Правильность списывания"), ("2К1", 3, .basic, "Фонетический анализ слова"),
                      ("2К2", 3, .basic, "Морфемный анализ слова"), ("2К3", 3, .advanced, "Морфологический анализ слова"),
                      ("2К4", 3, .advanced, "Синтаксический анализ предложения"), ("3", 2, .basic, "Орфоэпические нормы"),
                      ("4", 3, .basic, "Части речи"), ("5", 3, .advanced, "Знаки препинания в сложном предложении"),
                      ("6", 2, .advanced, "Прямая речь и обращение"), ("7", 2, .high, "Основная мысль текста"), ("8", 2, .high, "Вопросы к тексту")]
        }
        let tasks = layout.enumerated().map { i, t in
            TaskSpec(number: t.0, max: t.1, level: t.2, requirements: [Requirement(code: "\(grade).\(i + 1)", text: t.3)])
        }
        let max = tasks.reduce(0) { $0 + $1.max }
        let scale = MarkScale(three: Int((Double(max) * 0.3).rounded()), four: Int((Double(max) * 0.55).rounded()), five: Int((Double(max) * 0.8).rounded()))
        return ProcedureSpec(type: "ВПР", year: year, subject: subject, grade: grade, form: "paper", tasks: tasks, scale: scale)
    }

    /// What the demo plants, and where: schools marked «(демо)» only, so the district's real
    /// schools never carry an invented manipulation. Listed in README.
    static func plantedManipulations(year: Int, subject: String, grade: Int) -> [(String, SyntheticDistrict.Manipulation)] {
        switch (year, subject, grade) {
        case (2026, "Математика", 4): return [("edu700108", .copying)]
        case (2026, "Математика", 5): return [("edu700105", .hardTaskHelp)]
        case (2026, "Русский язык", 4): return [("edu700107", .lenientScoring)]
        case (2025, "Математика", 4): return [("edu700107", .thresholdPush)]
        default: return []
        }
    }

    static func load(municipality m: Municipality, schools: [School], on db: Database) async throws {
        var rng = SplitMix64(seed: 2026)
        // A school's level is stable across subjects and years.
        var ability = Dictionary(uniqueKeysWithValues: schools.map { ($0.login, rng.normal() * 0.35) })
        // An honest strong school: high every year in every subject, and it must stay clear.
        ability["edu700110"] = 0.9
        let classes = try await SchoolClass.query(on: db).filter(\.$municipalityID == m.requireID()).all()
        for (index, year) in [2026, 2025].enumerated() {
            for (subject, grade) in [("Математика", 4), ("Русский язык", 4), ("Математика", 5), ("Русский язык", 5)] {
                let spec = spec(subject: subject, grade: grade, year: year)
                let procedure = try await ProcedureStore.create(spec, regionID: m.$region.id, municipalityID: m.id, actor: "demo", on: db)
                var plans: [ResultsGenerator.SchoolPlan] = []
                for s in schools {
                    // Last year's class of this grade is today's class of the next grade, one letter the same.
                    let sourceGrade = year == 2026 ? grade : grade + 1
                    let enrolled = classes.filter { $0.$school.id == s.id && $0.grade == sourceGrade }
                    var plan: [(name: String, students: Int)] = []
                    for c in enrolled {
                        let name = year == 2026 ? c.name : "\(grade)" + c.name.drop { $0.isNumber }
                        let present = max(1, Int(Double(c.enrolment) * (0.85 + rng.uniform() * 0.15)))
                        plan.append((name, present))
                        if year == 2026 {
                            let participant = ProcedureParticipant()
                            participant.$procedure.id = try procedure.requireID()
                            participant.$school.id = try s.requireID()
                            participant.className = name
                            // School days of late April 2026 (25-26 April is a weekend).
                            let days = [21, 22, 23, 24, 27, 28, 29, 30]
                            participant.date = String(format: "2026-04-%02d", days[Int(rng.uniform() * Double(days.count))])
                            participant.regionID = s.regionID
                            participant.municipalityID = s.$municipality.id
                            try await participant.create(on: db)
                        }
                    }
                    plans.append(.init(login: s.login, name: s.shortName, municipality: m.name, ability: ability[s.login] ?? 0, classes: plan))
                }
                var rows = ResultsGenerator(spec: spec, seed: UInt64(1000 + index * 10 + grade * 2 + (subject == "Математика" ? 0 : 1))).rows(for: plans)
                // Planted manipulations (demo schools only), for the objectivity views to find.
                for (school, manipulation) in plantedManipulations(year: year, subject: subject, grade: grade) {
                    rows = SyntheticDistrict.plant(manipulation, in: rows, school: school, spec: spec, seed: UInt64(year + grade))
                }
                let file = ResultsExport.csv(spec: spec, rows: rows)
                let outcome = try await ResultsStore.importFile(
                    ResultsStore.Request(data: file, fileName: "ВПР \(year) \(subject) \(grade) класс (демо).csv", procedure: procedure,
                                         actor: "demo", school: nil, municipalityID: m.id), on: db)
                guard outcome.upload != nil else {
                    throw ConfigError("Демо-результаты не прошли проверку: " + outcome.file.problems.prefix(3).map(\.description).joined(separator: "; "))
                }
            }
        }
    }
}

import Fluent
import MsokoCore
import Vapor

/// Needs, not ratings (issue 16 §3): the directions of professional development each school's
/// subject team needs, from the re-checks and the class gaps of the subject's latest procedures
/// (`CompetenceNeeds`). No teacher is named and no school is ranked: rows are in login order, a team
/// of fewer than three is rolled into the district's subject. The figures are the district's
/// whatever the reader; a head sees their school's rows and the district's.
struct StaffNeeds {
    var rows: [CompetenceNeeds.Row]
    var names: [String: String]
    var today: LocalDate
    /// A head's school login: its small teams are named to the head as rolled up.
    var ownSchool: String?
    var rolledUpOwn: [String]

    static func query(_ req: Request) async throws -> StaffNeeds {
        let user = try req.user
        let scope = try StaffScope(user)
        let today = try await req.today()
        let mid = scope.municipalityID
        let schools = try await School.query(on: req.db).filter(\.$municipality.$id == mid).filter(\.$isActive == true).sort(\.$login).all()
        let bySchoolID = Dictionary(uniqueKeysWithValues: schools.map { ($0.id!, $0) })
        // Everyone of the district (the roll-up needs all teams), with their courses.
        let everyone = try await StaffStore.rows(StaffScope(municipalityID: mid, regionID: scope.regionID), today: today, on: req.db)
        let procedures = try await Procedures.visible(to: user, on: req.db)
        var subjects: [String: [Procedure]] = [:]
        var order: [String] = []
        for p in procedures where try await WorkRow.query(on: req.db).filter(\.$procedure.$id == p.requireID()).filter(\.$municipalityID == mid).count() > 0 {
            let key = Gaps.subjectKey(p.subject)
            if subjects[key] == nil { order.append(key) }
            subjects[key, default: []].append(p)
        }
        var evidence: [CompetenceNeeds.Evidence] = []
        for key in order {
            let all = subjects[key]!
            let subject = all[0].subject
            // Class gaps: the school's systemic deficits in the subject's latest year's procedures.
            let latest = all.map(\.year).max()!
            var systemic: [String: [String]] = [:]
            var hasWorks = Set<String>()
            for p in all where p.year == latest {
                let spec = try ProcedureStore.spec(of: p)
                let rows = try await ResultsQuery.exportRows(procedure: p, schoolID: nil, municipalityID: mid, on: req.db)
                for (login, works) in Dictionary(grouping: rows, by: \.schoolLogin) {
                    hasWorks.insert(login)
                    for f in Gaps.group(works.map(\.work), spec: spec).systemic where !(systemic[login] ?? []).contains(f.requirement.code) {
                        systemic[login, default: []].append(f.requirement.code)
                    }
                }
            }
            // The re-check: the latest year with a sample in the subject; per school, works whose
            // scores differ from the commission's, and the district's typical errors (tasks the
            // schools over-score) the school's works show.
            var rescored: [String: Int] = [:], discrepant: [String: Int] = [:], typical: [String: [String]] = [:]
            var sampled: [(Procedure, RecheckSample)] = []
            for p in all { if let sample = try await RecheckSample.latest(of: p, municipalityID: mid, on: req.db) { sampled.append((p, sample)) } }
            let recheckYear = sampled.map(\.0.year).max()
            for (p, sample) in sampled where p.year == recheckYear {
                let spec = try ProcedureStore.spec(of: p)
                let pairs = try await sample.pairs(spec: spec, on: req.db)
                let errors = GradingErrors.tasks(pairs.map { ("", $0.schoolScores, $0.commissionScores) }, spec: spec).filter { $0.meanDifference > 0 }
                let errorIndexes = errors.compactMap { e in spec.tasks.firstIndex { $0.number == e.task.number } }
                for pair in pairs {
                    rescored[pair.school, default: 0] += 1
                    if pair.schoolScores != pair.commissionScores { discrepant[pair.school, default: 0] += 1 }
                    for i in errorIndexes where pair.schoolScores[i] > pair.commissionScores[i] && pair.schoolScores[i] != WorkRecord.notDone && !(typical[pair.school] ?? []).contains(spec.tasks[i].number) {
                        typical[pair.school, default: []].append(spec.tasks[i].number)
                    }
                }
            }
            for s in schools {
                let team = everyone.filter { $0.member.$school.id == s.id && $0.member.subjectList.contains { Gaps.subjectKey($0) == key } }
                guard !team.isEmpty || hasWorks.contains(s.login) else { continue }
                var covered: [CourseDirection: Int] = [:]
                for r in team { for d in Set(r.courses.filter { CourseCycle.counts(end: $0.end, today: today) }.map(\.courseDirection)) { covered[d, default: 0] += 1 } }
                evidence.append(CompetenceNeeds.Evidence(school: s.login, subject: subject, team: team.count, systemic: systemic[s.login] ?? [],
                                                         rescored: rescored[s.login] ?? 0, discrepant: discrepant[s.login] ?? 0, typicalTasks: typical[s.login] ?? [], covered: covered))
            }
        }
        var rows = CompetenceNeeds.rows(evidence)
        var rolledUpOwn: [String] = []
        if let own = scope.schoolID.flatMap({ bySchoolID[$0]?.login }) {
            rolledUpOwn = evidence.filter { $0.school == own && $0.team < CompetenceNeeds.minimumTeam }.map(\.subject)
            rows = rows.filter { $0.school == nil || $0.school == own }
        }
        return StaffNeeds(rows: rows, names: Dictionary(uniqueKeysWithValues: schools.map { ($0.login, $0.shortName) }), today: today,
                          ownSchool: scope.schoolID.flatMap { bySchoolID[$0]?.login }, rolledUpOwn: rolledUpOwn)
    }

    func view(_ ctx: PageContext) -> HTML {
        var html: HTML = """
        <h1>Потребности в повышении квалификации</h1>\(ctx.flash)
        <p class="hint">Направления мероприятия 3.4, которые нужны предметной команде школы (всем, кто ведёт предмет), по тому, что показали оценочные процедуры: расхождения с комиссией при перепроверке и типичные ошибки оценивания района — «оценка качества»; системные дефициты обучающихся — «ликвидация профессиональных дефицитов». Это потребности команды, а не оценка учителей: никто не назван, школы — в порядке логинов; команда меньше \(CompetenceNeeds.minimumTeam) человек учитывается в строке района по предмету.</p>
        """
        if !rolledUpOwn.isEmpty {
            html += #"<p>Команда вашей школы по предметам \#(rolledUpOwn.joined(separator: ", ")) меньше \#(CompetenceNeeds.minimumTeam) человек — её потребности учтены в строке района.</p>"#
        }
        if rows.isEmpty {
            html += HTML.emptyState("Сведений пока нет: нужны результаты процедур и список работников с предметами.")
            return html
        }
        html += HTML.table(head: #"<th>Команда</th><th>Предмет</th><th class="num">Человек</th><th>Что нужно</th><th>Почему</th><th>Действующие курсы команды по направлению</th>"#, rows: rows.map { r in
            let who = r.school.map { names[$0] ?? $0 } ?? "Район (\(Plural.schools(r.schools)) с командой меньше \(CompetenceNeeds.minimumTeam))"
            let needs: HTML = r.needs.isEmpty ? #"<span class="muted">по результатам — не выявлено</span>"# : HTML(r.needs.map { "<div>\($0.direction.title)</div>" as HTML })
            let why: HTML = r.needs.isEmpty ? "—" : HTML(r.needs.map { "<div>\($0.reason)</div>" as HTML })
            let covered: HTML = r.needs.isEmpty ? "—" : HTML(r.needs.map { n in "<div>\(r.covered[n.direction] ?? 0) из \(r.team)</div>" as HTML })
            return "<tr><td>\(who)</td><td>\(r.subject)</td><td class=\"num\">\(r.team)</td><td>\(needs)</td><td>\(why)</td><td>\(covered)</td></tr>"
        })
        html += #"<p class="hint">Перепроверка — выборка работ, дефициты — по последнему году процедур по предмету. Курсы по направлению подбираются команде; индивидуальный маршрут педагога (ИОМ) составляет руководитель по собственной диагностике педагога, а не по результатам ВПР.</p>"#
        return html
    }
}

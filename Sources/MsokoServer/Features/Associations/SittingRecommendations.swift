import Fluent
import MsokoCore
import Vapor

/// «Методические рекомендации» of an association's sitting (the deliverable of 3.1) as a DOCX: the
/// requirements the procedure discussed showed weakest (the district's figures for a РМО, the
/// school's for a ШМО — requirement codes and shares only, no school or teacher named), the
/// recommendations the sitting adopted and what the library offers for each weak requirement, and
/// what the sitting decided.
struct SittingRecommendations {
    struct Weak {
        var figure: GapFigure
        var library: [Recommendation]
    }

    struct Results {
        var procedure: Procedure
        var works: Int
        var weak: [Weak]
    }

    var association: MethodAssociation
    var meeting: LoadedMeeting
    var letterhead: [String]
    var leader: String
    var results: [Results]
    var adopted: [Recommendation]

    /// At most this many weakest requirements per procedure.
    static let weakest = 8

    static func query(_ req: Request, meeting l: LoadedMeeting, association a: MethodAssociation) async throws -> SittingRecommendations {
        let user = try req.user
        guard let m = try await Municipality.find(a.municipalityID, on: req.db) else { throw AppError.notFound }
        let head = try await Settings.letterhead(m, on: req.db).split(separator: "\n").map(String.init)
        // The procedures the sitting discussed (its items' links); else the latest of the subject
        // held before the sitting with results in the district.
        let visible = try await Procedures.visible(to: user, on: req.db)
        let linked = Set(l.items.compactMap(\.linkProcedureID))
        var procedures = visible.filter { $0.id.map(linked.contains) == true }
        if procedures.isEmpty {
            let key = Gaps.subjectKey(a.subject)
            // A procedure's year is its spring's: one held in the sitting's year counts from April.
            let candidates = visible.filter { Gaps.subjectKey($0.subject) == key && "\($0.year)-04-01" <= l.meeting.date }
            for p in candidates.sorted(by: { ($0.year, $0.grade) > ($1.year, $1.grade) }) {
                if try await WorkRow.query(on: req.db).filter(\.$procedure.$id == p.requireID()).filter(\.$municipalityID == a.municipalityID).count() > 0 {
                    procedures = [p]
                    break
                }
            }
        }
        let library = try await RecommendationQuery.library(municipalityID: a.municipalityID, on: req.db)
        var results: [Results] = []
        for p in procedures {
            let spec = try ProcedureStore.spec(of: p)
            let works = try await ResultsQuery.exportRows(procedure: p, schoolID: a.$school.id, municipalityID: a.municipalityID, on: req.db).map(\.work)
            let gaps = Gaps.group(works, spec: spec)
            let weak = gaps.requirements.filter { $0.works > 0 && $0.notMastered > 0 }
                .sorted { ($1.notMasteredShare, $0.requirement.code) < ($0.notMasteredShare, $1.requirement.code) }
                .prefix(weakest)
                .map { f in Weak(figure: f, library: RecommendationQuery.matching(library, subject: p.subject, grade: p.grade, code: f.requirement.code).filter { $0.score >= 2 }.map(\.rec)) }
            results.append(Results(procedure: p, works: works.count, weak: Array(weak)))
        }
        let adopted = library.filter { $0.meetingID == l.meeting.id }
        let leader = try await a.leaderID.asyncMap { try await User.find($0, on: req.db)?.name } ?? nil
        return SittingRecommendations(association: a, meeting: l, letterhead: head, leader: leader ?? "", results: results, adopted: adopted)
    }

    var fileName: String { "Методические рекомендации \(association.name) \(meeting.meeting.localDate.russian)" }

    static func pct(_ v: Double?) -> String { AnalyticalReport.pct(v) }

    func document() -> DocxDocument {
        let a = association
        let m = meeting.meeting
        var doc = DocxDocument(title: fileName)
        for line in letterhead where !line.isEmpty { doc.paragraph(line, alignment: .center, bold: true) }
        if let s = a.school { doc.paragraph(s.fullName, alignment: .center, bold: true) }
        doc.paragraph("Методические рекомендации", style: .title, alignment: .center)
        doc.paragraph("\(a.name) по итогам заседания \(m.localDate.russian)\(m.number.isEmpty ? "" : " (протокол № \(m.number))")", alignment: .center)
        doc.paragraph("Тема заседания: \(m.title). Предмет: \(a.subject). Мероприятие 3.1 дорожной карты.")
        doc.paragraph("1. Результаты оценочных процедур", style: .heading2)
        if results.isEmpty {
            doc.paragraph("К заседанию не привязана оценочная процедура по предмету, и результатов процедур по предмету до даты заседания нет.")
        }
        for r in results {
            doc.paragraph("\(ProcedureStore.title(r.procedure)): \(Plural.works(r.works)) \(a.isDistrict ? "по району" : "обучающихся школы"). Требования, которые не освоила наибольшая доля участников:")
            if r.weak.isEmpty {
                doc.paragraph("Требований, не освоенных участниками, нет.")
                continue
            }
            doc.add(DocxDocument.Table(widths: [2, 9, 3, 3, 3], header: ["Код", "Проверяемое требование", "Выполнение", "Не освоили", "Системный дефицит"],
                                       rows: r.weak.map { w in
                                           [w.figure.requirement.code, w.figure.requirement.text, Self.pct(w.figure.completion), Self.pct(w.figure.notMasteredShare),
                                            w.figure.isSystemic ? "да" : "нет"].map { DocxDocument.Cell($0) }
                                       }))
        }
        doc.paragraph("2. Рекомендации", style: .heading2)
        if adopted.isEmpty {
            doc.paragraph("На заседании рекомендации в библиотеку не вносились.")
        } else {
            for (i, rec) in adopted.enumerated() {
                doc.add(DocxDocument.Paragraph([DocxDocument.Run("\(i + 1). \(rec.title)", bold: true),
                                                DocxDocument.Run(rec.codeList.isEmpty ? "" : " (требования \(rec.codeList.joined(separator: ", ")))")]))
                if !rec.description.isEmpty { doc.paragraph(rec.description) }
                if !rec.url.isEmpty { doc.paragraph("Ссылка: \(rec.url)") }
            }
        }
        let forWeak = results.flatMap { r in r.weak.filter { !$0.library.isEmpty } }
        if !forWeak.isEmpty {
            doc.paragraph("Материалы библиотеки к слабым требованиям", style: .heading2)
            for w in forWeak {
                doc.paragraph("\(w.figure.requirement.code) \(w.figure.requirement.text): " + w.library.map { "«\($0.title)»" }.joined(separator: "; "))
            }
        }
        doc.paragraph("3. Решения заседания", style: .heading2)
        let decided = meeting.items.filter { !$0.decided.isEmpty }
        if decided.isEmpty && meeting.decisions.isEmpty {
            doc.paragraph("Решения в протокол заседания ещё не внесены.")
        }
        for it in decided { doc.paragraph("\(it.title): \(it.decided)") }
        for (i, d) in meeting.decisions.enumerated() {
            doc.paragraph("\(i + 1). \(d.text)\(d.deadlineDate.map { " Срок — \($0.russian)." } ?? "")")
        }
        doc.paragraph("Результаты процедур не используются для оценки работы учителей; сведения приведены по требованиям, без указания классов и учителей.", style: .small)
        doc.paragraph("")
        doc.paragraph("Руководитель \(a.isDistrict ? "РМО" : "ШМО") ____________________ / \(leader.isEmpty ? "____________" : leader) /")
        return doc
    }
}

import Fluent
import MsokoCore
import Vapor

/// The demo district's local acts (measure 1.6) in every state, dated against the current review
/// window: Зырянская СОШ (head-zyr) has an old Положение о ВСОКО (не обновлён — the browser test
/// sends its new version), acts adopted and published in the window, one on review and one
/// missing; Михайловская СОШ has a version citing a superseded order and a review whose remarks it
/// answered; the other schools a plausible mix.
enum DemoLocalActs {
    static func load(municipality m: Municipality, now: Date, on db: Database) async throws {
        let today = LocalDate(now, in: m.zone)
        let window = LocalActs.window(containingOrBefore: today)
        let inWindow = window.start.adding(days: 45), before = window.start.adding(days: -320)
        let schools = try await School.query(on: db).filter(\.$municipality.$id == m.requireID()).sort(\.$login).all()
        let citations = [
            Citation(title: "Федеральный закон «Об образовании в Российской Федерации»", number: "273-ФЗ", date: "2012-12-29"),
            Citation(title: "Приказ Минпросвещения России «Об утверждении федеральной образовательной программы основного общего образования»", number: "370", date: "2023-05-18"),
        ]
        let old = [Citation(title: "Приказ Минобрнауки России «Об утверждении Порядка организации и осуществления образовательной деятельности»", number: "1015", date: "2013-08-30")]
        enum Plan { case adopted(LocalDate, published: Bool), review, returned(answered: Bool), missing }
        func add(_ s: School, _ act: String, _ number: Int, _ plan: Plan, cites: [Citation] = citations) async throws {
            if case .missing = plan { return }
            let title = LocalActs.defaults.first { $0.key == act }?.title ?? act
            var doc = DocxDocument(title: title)
            doc.paragraph(s.fullName, alignment: .center, bold: true)
            doc.paragraph(title, style: .title, alignment: .center)
            doc.paragraph("Редакция \(number). Демонстрационный текст акта.")
            let v = LocalActVersion()
            v.$school.id = try s.requireID()
            v.act = act
            v.number = number
            v.keep(try doc.data(), name: "\(title.prefix(60)).docx")
            v.contentType = Download.docxType
            v.changes = number > 1 ? "Уточнены оценочные процедуры и меры объективности по итогам ВПР." : ""
            v.citations = cites
            v.createdBy = "demo"
            v.regionID = s.regionID
            v.municipalityID = s.$municipality.id
            switch plan {
            case .adopted(let d, let published):
                v.state = LocalActVersion.State.adopted.rawValue
                v.pedsovetDate = d.adding(days: -10).iso
                v.pedsovetProtocol = "\(number + 3)"
                v.councilDate = d.adding(days: -5).iso
                v.orderNumber = "\(40 + number)-од"
                v.orderDate = d.iso
                if published { v.publishedOn = d.adding(days: 3).iso; v.publishedURL = "https://\(s.login).example.ru/docs/\(act).pdf" }
            case .review: v.state = LocalActVersion.State.review.rawValue
            case .returned(let answered): v.state = (answered ? LocalActVersion.State.answered : .returned).rawValue
            case .missing: return
            }
            try await v.create(on: db)
            if case .returned(let answered) = plan {
                let r = LocalActReview()
                r.$version.id = try v.requireID()
                r.reviewer = "specialist"
                r.reviewerName = "Самойлова А.Л."
                let type = LocalActs.defaults.first { $0.key == act }
                r.answers = (type?.checklist ?? []).enumerated().map { i, item in
                    .init(item: item, verdict: i == 0 ? "no" : "yes", comment: i == 0 ? "Не указаны критерии отметок по предметам." : "")
                }
                r.comment = "Дополните раздел о критериях отметок."
                r.decision = "returned"
                if answered { r.answer = "Раздел 3 дополнен критериями отметок по всем предметам (см. приложение 1)."; r.answeredBy = "demo"; r.answeredAt = now }
                try await r.create(on: db)
            }
        }
        for (i, s) in schools.enumerated() {
            switch s.login {
            case "edu700101":
                try await add(s, "vsoko", 1, .adopted(before, published: true))
                try await add(s, "attestation", 1, .adopted(inWindow, published: true))
                try await add(s, "marks", 1, .review)
                try await add(s, "shmo", 1, .adopted(inWindow, published: false))
                try await add(s, "procedures", 1, .adopted(inWindow.adding(days: 10), published: true))
            case "edu700102":
                try await add(s, "vsoko", 1, .adopted(before, published: true), cites: citations + old)
                try await add(s, "attestation", 1, .adopted(inWindow, published: true))
                try await add(s, "marks", 1, .returned(answered: true))
                try await add(s, "route", 1, .returned(answered: false))
            default:
                // The rest: most acts adopted in the window, some old, a few missing.
                for (k, act) in LocalActs.defaults.enumerated() {
                    let plan: Plan = (i + k) % 7 == 0 ? .missing : (i + k) % 5 == 0 ? .adopted(before, published: true) : .adopted(inWindow.adding(days: k), published: (i + k) % 3 != 0)
                    try await add(s, act.key, 1, plan)
                }
            }
        }
    }
}

import Foundation
import MsokoCore

/// Every reader of user files, as a fuzz target: its name, a few valid seeds (made here, so a run
/// needs no files) and the call a user's upload reaches. A target returns normally whatever the
/// input — a reader's thrown error is a refused file, the expected outcome, hence the `try?`s;
/// a trap, a hang or runaway memory is the finding.
public struct FuzzTarget: Sendable {
    public enum Kind: Sendable { case zip, text }
    public var name: String
    public var kind: Kind
    public var seeds: @Sendable () throws -> [Data]
    public var run: @Sendable (Data) -> Void
}

public enum FuzzTargets {
    public static let specJSON = #"""
    {"type": "ВПР", "year": 2026, "subject": "Математика", "grade": 4,
     "tasks": [{"number": "1", "max": 1, "level": "Б", "requirements": [{"code": "1.1", "text": "Счёт"}]},
               {"number": "2", "max": 2, "level": "Б"}, {"number": "3", "max": 1, "level": "П"},
               {"number": "4К1", "max": 2, "level": "В"}],
     "scale": {"3": 2, "4": 4, "5": 5},
     "reference": {"region": {"marks": {"2": 0.1, "3": 0.4, "4": 0.35, "5": 0.15}, "tasks": {"1": 0.9}}}}
    """#

    /// The specification above; it is valid, so reading it cannot fail (a failure is a bug here).
    static let spec: ProcedureSpec = try! ProcedureSpec.read(data: Data(specJSON.utf8), file: "spec.json")

    static func resultRows() -> [ResultsExport.Row] {
        let plans = [
            ResultsGenerator.SchoolPlan(login: "edu700101", name: "МБОУ «Первая СОШ»", municipality: "Зырянский район", ability: 0.3, classes: [("4А", 6), ("4Б", 4)]),
            ResultsGenerator.SchoolPlan(login: "edu700102", name: "МБОУ «Вторая ООШ»", municipality: "Зырянский район", ability: -0.2, classes: [("4", 5)]),
        ]
        return ResultsGenerator(spec: spec, seed: 7).rows(for: plans)
    }

    static let roadmapMarkdown = """
    **«Дорожная карта» по повышению качества образования на 2025-2026 учебный год**

    | № п/п | Наименование мероприятия | Срок реализации | Ответственные исполнители | Ожидаемые результаты |
    |--|--|--|--|--|
    | 1. Мероприятия по обеспечению объективности | | | | |
    | 1.1. | Обеспечение объективности процедур | Постоянно | Руководители ОО | Объективные результаты |
    | 1.4. | Анализ результатов с причинами необъективных | Январь, май | Специалисты | Аналитические справки |
    | 2. Работа с результатами | | | | |
    | 2.4. | Собеседование с руководителями | Сентябрь | Самойлова А.Л. | Управленческие решения |
    """

    static func roadmapDocx() throws -> Data {
        var body = "<w:p><w:r><w:t>«Дорожная карта» на 2025-2026 учебный год</w:t></w:r></w:p><w:tbl>"
        for line in roadmapMarkdown.split(separator: "\n") where line.hasPrefix("|") && !line.hasPrefix("|--") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
            body += "<w:tr>" + cells.map { "<w:tc><w:p><w:r><w:t xml:space=\"preserve\">\(XMLText.escape($0.trimmingCharacters(in: .whitespaces)))</w:t></w:r></w:p></w:tc>" }.joined() + "</w:tr>"
        }
        return try HostileFiles.docx(Data(HostileFiles.document(body + "</w:tbl>").utf8))
    }

    static let schoolsCSV = "Логин;Полное наименование;Краткое наименование;Тип\r\nedu700301;МБОУ «Первая СОШ»;Первая СОШ;СОШ\r\nedu700302;\"Гимназия \"\"№ 2\"\"\";;гимназия\r\n"
    static let enrolmentCSV = "Логин;Класс;Обучающихся\nedu700301;4А;25\nedu700301;4Б;19\nsch700302;5;7\n"
    static let referencePaste = "Вся выборка\t1452310\t4,1\t32,5\t41,2\t22,2\nТомская обл.\t11234\t5,0\t33,1\t40,0\t21,9\n"

    static func csvToXLSX(_ text: String) throws -> Data {
        let rows = text.split(whereSeparator: \.isNewline).map { $0.split(separator: ";", omittingEmptySubsequences: false).map { XLSXWriter.Cell.text(String($0)) } }
        return try XLSXWriter(sheets: [.init(name: "Лист1", rows: rows)]).data()
    }

    public static let all: [FuzzTarget] = [
        FuzzTarget(name: "results-xlsx", kind: .zip, seeds: { [try ResultsExport.xlsx(spec: spec, rows: resultRows())] }) { data in
            _ = ResultsReader.read(data: data, file: "results.xlsx", spec: spec)
            _ = ResultsReader.read(data: data, file: "results.xlsx", spec: spec, school: "edu700101")
        },
        FuzzTarget(name: "results-csv", kind: .text, seeds: { [ResultsExport.csv(spec: spec, rows: resultRows())] }) { data in
            _ = ResultsReader.read(data: data, file: "results.csv", spec: spec)
        },
        FuzzTarget(name: "school-list", kind: .zip, seeds: { [try csvToXLSX(schoolsCSV), Data(schoolsCSV.utf8)] }) { data in
            if let rows = try? ListFile.rows(data: data, file: "schools.xlsx") { _ = SchoolListReader.read(rows: rows, file: "schools.xlsx") }
        },
        FuzzTarget(name: "enrolment-list", kind: .text, seeds: { [Data(enrolmentCSV.utf8), try csvToXLSX(enrolmentCSV)] }) { data in
            if let rows = try? ListFile.rows(data: data, file: "enrolment.csv") { _ = EnrolmentListReader.read(rows: rows, file: "enrolment.csv") }
        },
        FuzzTarget(name: "roadmap-md", kind: .text, seeds: { [Data(roadmapMarkdown.utf8)] }) { data in
            _ = try? RoadmapFileReader.read(data: data, fileName: "roadmap.md")
        },
        FuzzTarget(name: "roadmap-docx", kind: .zip, seeds: { [try roadmapDocx()] }) { data in
            _ = try? RoadmapFileReader.read(data: data, fileName: "roadmap.docx")
        },
        FuzzTarget(name: "roadmap-json", kind: .text, seeds: {
            let doc = try RoadmapFileReader.read(data: Data(roadmapMarkdown.utf8), fileName: "roadmap.md")
            return [try JSONEncoder().encode(doc)]
        }) { data in
            _ = try? RoadmapFileReader.read(data: data, fileName: "roadmap.json")
        },
        FuzzTarget(name: "spec-json", kind: .text, seeds: { [Data(specJSON.utf8)] }) { data in
            _ = try? ProcedureSpec.read(data: data, file: "spec.json")
        },
        FuzzTarget(name: "reference-table", kind: .text, seeds: { [Data(referencePaste.utf8)] }) { data in
            let text = String(decoding: data, as: UTF8.self)
            _ = try? ReferenceTable.parse(text, spec: spec, level: .region)
            _ = try? ReferenceTable.parse(text, spec: spec, level: .russia)
        },
    ]

    public static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }
}

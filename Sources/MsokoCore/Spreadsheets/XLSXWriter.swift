import Foundation

/// Writes a workbook of plain sheets (text and numbers) as XLSX. Hand-written: no listed Swift
/// package writes XLSX; ZIPFoundation packs the container. Strings are inline (`t="inlineStr"`),
/// numbers are numbers, so Excel and LibreOffice open the file as the user expects.
public struct XLSXWriter: Sendable {
    public enum Cell: Sendable, Equatable {
        case text(String)
        case number(Int)
        /// A fraction or mean, written as it is (Excel shows what the column's reader expects).
        case decimal(Double)
        case empty
    }

    public struct Sheet: Sendable {
        public var name: String
        public var rows: [[Cell]]
        public init(name: String, rows: [[Cell]]) {
            self.name = name
            self.rows = rows
        }
    }

    public var sheets: [Sheet]
    public init(sheets: [Sheet]) { self.sheets = sheets }

    public func data() throws -> Data {
        var parts: [(String, Data)] = [
            ("[Content_Types].xml", Data(contentTypes.utf8)),
            ("_rels/.rels", Data(Self.rootRels.utf8)),
            ("xl/workbook.xml", Data(workbook.utf8)),
            ("xl/_rels/workbook.xml.rels", Data(workbookRels.utf8)),
        ]
        for (i, sheet) in sheets.enumerated() {
            parts.append(("xl/worksheets/sheet\(i + 1).xml", Self.sheetXML(sheet)))
        }
        return try ZipPackage.build(parts.map { (path: $0.0, bytes: $0.1) })
    }

    static func column(_ index: Int) -> String {
        var n = index + 1, letters = ""
        while n > 0 { letters = String(UnicodeScalar(UInt8(65 + (n - 1) % 26))) + letters; n = (n - 1) / 26 }
        return letters
    }

    static func sheetXML(_ sheet: Sheet) -> Data {
        var xml = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#
        for (r, row) in sheet.rows.enumerated() {
            xml += "<row r=\"\(r + 1)\">"
            for (c, cell) in row.enumerated() {
                let ref = column(c) + String(r + 1)
                switch cell {
                case .text(let t): xml += #"<c r="\#(ref)" t="inlineStr"><is><t xml:space="preserve">\#(XMLText.escape(t))</t></is></c>"#
                case .number(let n): xml += "<c r=\"\(ref)\"><v>\(n)</v></c>"
                case .decimal(let d): xml += d.isFinite ? "<c r=\"\(ref)\"><v>\(d)</v></c>" : ""
                case .empty: break
                }
            }
            xml += "</row>"
        }
        xml += "</sheetData></worksheet>"
        return Data(xml.utf8)
    }

    var contentTypes: String {
        var s = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#
        for i in sheets.indices {
            s += #"<Override PartName="/xl/worksheets/sheet\#(i + 1).xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
        }
        return s + "</Types>"
    }

    static let rootRels = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#

    var workbook: String {
        var s = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>"#
        for (i, sheet) in sheets.enumerated() {
            // Excel allows 31 characters and no []:*?/\ in a sheet name.
            let name = String(sheet.name.filter { !"[]:*?/\\".contains($0) }.prefix(31))
            s += #"<sheet name="\#(XMLText.escape(name.isEmpty ? "Лист\(i + 1)" : name))" sheetId="\#(i + 1)" r:id="rId\#(i + 1)"/>"#
        }
        return s + "</sheets></workbook>"
    }

    var workbookRels: String {
        var s = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
        for i in sheets.indices {
            s += #"<Relationship Id="rId\#(i + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet\#(i + 1).xml"/>"#
        }
        return s + "</Relationships>"
    }
}

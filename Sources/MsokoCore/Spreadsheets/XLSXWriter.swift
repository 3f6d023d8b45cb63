import Foundation

/// Writes a workbook as a person would make it in Excel: a title over the table, a bold shaded
/// header with the panes frozen under it, column widths from the content, numbers stored as numbers
/// with their formats (shares `0.0%`, means `0.0` — Excel shows the decimal comma by the user's
/// locale), notes under the table, A4 landscape for wide sheets, distinct sheet names.
/// Hand-written: no listed Swift package writes XLSX; ZIPFoundation packs the container. Strings
/// are inline (`t="inlineStr"`).
public struct XLSXWriter: Sendable {
    public enum Cell: Sendable, Equatable {
        case text(String)
        case number(Int)
        /// A figure written as it is, in the general format.
        case decimal(Double)
        /// A share as a fraction (0.078), shown «7,8 %».
        case percent(Double)
        /// A mean (a score, a mark), shown with one decimal; the cell keeps the exact value.
        case mean(Double)
        case empty

        /// The cell as a page or a document shows it: shares with one decimal («7,8»), means with
        /// two («3,83»), decimal commas.
        public var display: String {
            switch self {
            case .text(let t): return t
            case .number(let n): return String(n)
            case .decimal(let d): return ReferenceTable.format(d)
            case .percent(let d): return ReferenceTable.oneDecimal(d * 100)
            case .mean(let d): return ReferenceTable.format((d * 100).rounded() / 100)
            case .empty: return ""
            }
        }
    }

    public struct Sheet: Sendable {
        public var name: String
        public var rows: [[Cell]]
        /// Lines over the table: the first bold and large (what the table is), the rest plain (where, when).
        public var title: [String]
        /// How many of `rows` are the table's header: bold, shaded, frozen in view when scrolling.
        public var headerRows: Int
        /// Lines under the table (what the figures mean).
        public var notes: [String]
        public init(name: String, rows: [[Cell]], title: [String] = [], headerRows: Int = 0, notes: [String] = []) {
            self.name = name
            self.rows = rows
            self.title = title
            self.headerRows = headerRows
            self.notes = notes
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
            ("xl/styles.xml", Data(Self.styles.utf8)),
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

    /// Cell styles of `styles`: indices into its `cellXfs`.
    enum Style: Int {
        case plain = 0, header, title, percent, mean, text, number, note, subtitle
    }

    static let styles = """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
    <numFmts count="2"><numFmt numFmtId="164" formatCode="0.0%"/><numFmt numFmtId="165" formatCode="0.0"/></numFmts>\
    <fonts count="4"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>\
    <font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>\
    <font><b/><sz val="14"/><name val="Calibri"/><family val="2"/></font>\
    <font><i/><sz val="10"/><color rgb="FF595959"/><name val="Calibri"/><family val="2"/></font></fonts>\
    <fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>\
    <fill><patternFill patternType="solid"><fgColor rgb="FFD9E2F3"/><bgColor indexed="64"/></patternFill></fill></fills>\
    <borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>\
    <border><left style="thin"><color rgb="FFA6A6A6"/></left><right style="thin"><color rgb="FFA6A6A6"/></right>\
    <top style="thin"><color rgb="FFA6A6A6"/></top><bottom style="thin"><color rgb="FFA6A6A6"/></bottom><diagonal/></border></borders>\
    <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
    <cellXfs count="9"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
    <xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>\
    <xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
    <xf numFmtId="164" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1"/>\
    <xf numFmtId="165" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1"/>\
    <xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>\
    <xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1"/>\
    <xf numFmtId="0" fontId="3" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
    <xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>\
    <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
    </styleSheet>
    """

    /// The visible length of a cell in characters, for its column's width.
    static func length(_ cell: Cell) -> Int {
        switch cell {
        case .text(let t): return t.split(separator: "\n").map(\.count).max() ?? 0
        case .number(let n): return String(n).count
        case .decimal(let d): return String(format: "%g", d).count
        case .percent: return 6
        case .mean: return 5
        case .empty: return 0
        }
    }

    /// Column widths in Excel's units (characters): the widest body cell, and at least the header's
    /// longest word (headers wrap), between 6 and 60.
    static func widths(_ sheet: Sheet) -> [Double] {
        let columns = sheet.rows.map(\.count).max() ?? 0
        var widths = [Double](repeating: 6, count: columns)
        for (r, row) in sheet.rows.enumerated() {
            for (c, cell) in row.enumerated() {
                var n = length(cell)
                if r < sheet.headerRows, case .text(let t) = cell {
                    n = max(t.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(\.count).max() ?? 0, min(n, 14))
                }
                widths[c] = max(widths[c], min(60, Double(n) * 1.1 + 2))
            }
        }
        return widths
    }

    static func sheetXML(_ sheet: Sheet) -> Data {
        let widths = widths(sheet)
        let top = sheet.title.count + (sheet.title.isEmpty ? 0 : 1)  // the title lines and an empty row
        let frozen = top + sheet.headerRows
        var xml = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#
        xml += #"<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>"#
        if sheet.headerRows > 0 {
            xml += #"<sheetViews><sheetView workbookViewId="0"><pane ySplit="\#(frozen)" topLeftCell="A\#(frozen + 1)" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A\#(frozen + 1)" sqref="A\#(frozen + 1)"/></sheetView></sheetViews>"#
        }
        if !widths.isEmpty {
            xml += "<cols>" + widths.enumerated().map { #"<col min="\#($0 + 1)" max="\#($0 + 1)" width="\#(String(format: "%.1f", $1))" customWidth="1"/>"# }.joined() + "</cols>"
        }
        xml += "<sheetData>"
        var r = 0
        func line(_ text: String, _ style: Style) {
            r += 1
            xml += #"<row r="\#(r)"><c r="A\#(r)" t="inlineStr" s="\#(style.rawValue)"><is><t xml:space="preserve">\#(XMLText.escape(text))</t></is></c></row>"#
        }
        for (i, t) in sheet.title.enumerated() { line(t, i == 0 ? .title : .subtitle) }
        if !sheet.title.isEmpty { r += 1 }
        for (k, row) in sheet.rows.enumerated() {
            r += 1
            let header = k < sheet.headerRows
            if header {
                // A wrapped header gets the height of its longest cell (not every reader measures it).
                let lines = row.enumerated().map { c, cell -> Int in
                    guard case .text(let t) = cell, c < widths.count else { return 1 }
                    return Int((Double(t.count) * 1.1 / max(1, widths[c] - 1)).rounded(.up))
                }.max() ?? 1
                xml += "<row r=\"\(r)\" ht=\"\(max(1, lines) * 15)\" customHeight=\"1\">"
            } else {
                xml += "<row r=\"\(r)\">"
            }
            for (c, cell) in row.enumerated() {
                let ref = column(c) + String(r)
                switch cell {
                case .text(let t):
                    let style: Style = header ? .header : sheet.headerRows > 0 ? .text : .plain
                    xml += #"<c r="\#(ref)" t="inlineStr" s="\#(style.rawValue)"><is><t xml:space="preserve">\#(XMLText.escape(t))</t></is></c>"#
                case .number(let n): xml += "<c r=\"\(ref)\" s=\"\((header ? Style.header : sheet.headerRows > 0 ? .number : .plain).rawValue)\"><v>\(n)</v></c>"
                case .decimal(let d): xml += d.isFinite ? "<c r=\"\(ref)\" s=\"\((sheet.headerRows > 0 ? Style.number : .plain).rawValue)\"><v>\(d)</v></c>" : ""
                case .percent(let d): xml += d.isFinite ? "<c r=\"\(ref)\" s=\"\(Style.percent.rawValue)\"><v>\(d)</v></c>" : ""
                case .mean(let d): xml += d.isFinite ? "<c r=\"\(ref)\" s=\"\(Style.mean.rawValue)\"><v>\(d)</v></c>" : ""
                case .empty: if sheet.headerRows > 0 { xml += "<c r=\"\(ref)\" s=\"\((header ? Style.header : .number).rawValue)\"/>" }
                }
            }
            xml += "</row>"
        }
        if !sheet.notes.isEmpty { r += 1 }
        for n in sheet.notes { line(n, .note) }
        xml += "</sheetData>"
        // On paper: A4, landscape when the table is wide, fitted to the page's width.
        let landscape = widths.reduce(0, +) > 95
        xml += #"<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>"#
        xml += #"<pageSetup paperSize="9" orientation="\#(landscape ? "landscape" : "portrait")" fitToWidth="1" fitToHeight="0"/>"#
        xml += "</worksheet>"
        return Data(xml.utf8)
    }

    var contentTypes: String {
        var s = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#
        for i in sheets.indices {
            s += #"<Override PartName="/xl/worksheets/sheet\#(i + 1).xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
        }
        return s + "</Types>"
    }

    static let rootRels = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#

    var workbook: String {
        var s = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>"#
        for (i, name) in sheetNames.enumerated() {
            s += #"<sheet name="\#(XMLText.escape(name))" sheetId="\#(i + 1)" r:id="rId\#(i + 1)"/>"#
        }
        s += "</sheets>"
        // The header rows repeat on every printed page.
        let titled = sheets.enumerated().filter { $0.element.headerRows > 0 }
        if !titled.isEmpty {
            s += "<definedNames>"
            for (i, sheet) in titled {
                let first = sheet.title.count + (sheet.title.isEmpty ? 0 : 1) + 1
                let name = sheetNames[i].replacingOccurrences(of: "'", with: "''")
                s += #"<definedName name="_xlnm.Print_Titles" localSheetId="\#(i)">'\#(XMLText.escape(name))'!$\#(first):$\#(first + sheet.headerRows - 1)</definedName>"#
            }
            s += "</definedNames>"
        }
        return s + "</workbook>"
    }

    /// Sheet names as Excel allows them (31 characters, none of []:*?/\), distinct: a repeated
    /// name gets « 2», « 3» (never two sheets of one name, which Excel refuses to open).
    var sheetNames: [String] {
        var seen: Set<String> = []
        return sheets.enumerated().map { i, sheet in
            let legal = String(sheet.name.map { "[]:*?/\\".contains($0) ? " " : $0 }).split(separator: " ").joined(separator: " ")
            var base = String(legal.prefix(31)).trimmingCharacters(in: .whitespaces)
            if base.isEmpty { base = "Лист\(i + 1)" }
            var name = base, k = 1
            while seen.contains(name.lowercased()) {
                k += 1
                name = String(base.prefix(31 - " \(k)".count)) + " \(k)"
            }
            seen.insert(name.lowercased())
            return name
        }
    }

    var workbookRels: String {
        var s = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
        for i in sheets.indices {
            s += #"<Relationship Id="rId\#(i + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet\#(i + 1).xml"/>"#
        }
        s += #"<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#
        return s + "</Relationships>"
    }
}

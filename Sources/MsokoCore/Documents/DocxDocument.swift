import Foundation

/// A Word document (DOCX, Office Open XML) built from paragraphs and tables. Every report
/// msoko generates (справки, приказы, отчёты) goes through this writer, so that the files
/// open and edit in Word and LibreOffice. Hand-written: no listed Swift package writes DOCX;
/// ZIPFoundation packs the container.
public struct DocxDocument: Sendable {
    public enum Orientation: Sendable { case portrait, landscape }
    public enum Style: String, Sendable { case normal = "Normal", title = "Title", heading1 = "Heading1", heading2 = "Heading2", small = "Small" }
    public enum Alignment: String, Sendable { case left, center, right, both }

    public struct Run: Sendable {
        public var text: String
        public var bold: Bool
        public var italic: Bool
        public init(_ text: String, bold: Bool = false, italic: Bool = false) {
            self.text = text
            self.bold = bold
            self.italic = italic
        }
    }

    public struct Paragraph: Sendable {
        public var runs: [Run]
        public var style: Style
        public var alignment: Alignment?
        public init(_ runs: [Run], style: Style = .normal, alignment: Alignment? = nil) {
            self.runs = runs
            self.style = style
            self.alignment = alignment
        }
        public init(_ text: String, style: Style = .normal, alignment: Alignment? = nil, bold: Bool = false) {
            self.init([Run(text, bold: bold)], style: style, alignment: alignment)
        }
    }

    public struct Cell: Sendable {
        /// One paragraph per element; a «\n» inside text also starts a new paragraph.
        public var paragraphs: [Paragraph]
        public var shade: String?
        public init(_ paragraphs: [Paragraph], shade: String? = nil) {
            self.paragraphs = paragraphs
            self.shade = shade
        }
        public init(_ text: String, bold: Bool = false, shade: String? = nil) {
            self.init(text.components(separatedBy: "\n").map { Paragraph($0, style: .small, bold: bold) }, shade: shade)
        }
    }

    public struct Table: Sendable {
        /// Relative column widths: a hint for how spare room is shared. The widths themselves come
        /// from the content (`TableLayout`): no column is narrower than its longest word.
        public var widths: [Int]
        public var header: [String]
        public var rows: [[Cell]]
        public init(widths: [Int], header: [String], rows: [[Cell]]) {
            self.widths = widths
            self.header = header
            self.rows = rows
        }
    }

    public enum Block: Sendable {
        case paragraph(Paragraph)
        case table(Table)
        case chart(DocxChart)
        case pageBreak
    }

    public var blocks: [Block] = []
    public var orientation: Orientation
    public var title: String

    public init(title: String, orientation: Orientation = .portrait) {
        self.title = title
        self.orientation = orientation
    }

    public mutating func add(_ paragraph: Paragraph) { blocks.append(.paragraph(paragraph)) }
    public mutating func add(_ table: Table) { blocks.append(.table(table)) }
    public mutating func add(_ chart: DocxChart) { blocks.append(.chart(chart)) }

    var charts: [DocxChart] { blocks.compactMap { if case .chart(let c) = $0 { return c } else { return nil } } }
    public mutating func paragraph(_ text: String, style: Style = .normal, alignment: Alignment? = nil, bold: Bool = false) {
        add(Paragraph(text, style: style, alignment: alignment, bold: bold))
    }

    /// Page size in twips (A4) and margins.
    var pageWidth: Int { orientation == .portrait ? 11906 : 16838 }
    var pageHeight: Int { orientation == .portrait ? 16838 : 11906 }
    var margin: Int { 1134 }  // 2 cm
    var textWidth: Int { pageWidth - 2 * margin }

    /// The DOCX file's bytes.
    public func data() throws -> Data {
        // Charts: a part each, a relationship each (rId1 and rId2 are styles and settings).
        let charts = charts
        let chartTypes = charts.indices.map { #"<Override PartName="/word/charts/chart\#($0 + 1).xml" ContentType="application/vnd.openxmlformats-officedocument.drawingml.chart+xml"/>"# }.joined()
        let chartRels = charts.indices.map { #"<Relationship Id="rIdChart\#($0 + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart" Target="charts/chart\#($0 + 1).xml"/>"# }.joined()
        return try DocxPackage.build(parts: [
            ("[Content_Types].xml", DocxParts.contentTypes.replacingOccurrences(of: "</Types>", with: chartTypes + "</Types>")),
            ("_rels/.rels", DocxParts.rootRels),
            ("word/_rels/document.xml.rels", DocxParts.documentRels.replacingOccurrences(of: "</Relationships>", with: chartRels + "</Relationships>")),
            ("word/styles.xml", DocxParts.styles),
            ("word/settings.xml", DocxParts.settings),
            ("docProps/core.xml", DocxParts.core(title: title)),
            ("docProps/app.xml", DocxParts.app),
            ("word/document.xml", documentXML()),
        ] + charts.enumerated().map { ("word/charts/chart\($0.offset + 1).xml", $0.element.partXML()) })
    }

    func documentXML() -> String {
        var body = ""
        var chartNumber = 0
        for block in blocks {
            switch block {
            case .chart(let c):
                chartNumber += 1
                body += c.inlineXML(relationshipID: "rIdChart\(chartNumber)", number: chartNumber, widthTwips: textWidth - 567)
            case .paragraph(let p): body += paragraphXML(p)
            case .table(let t): body += tableXML(t) + "<w:p/>"
            case .pageBreak: body += #"<w:p><w:r><w:br w:type="page"/></w:r></w:p>"#
            }
        }
        let orient = orientation == .landscape ? #" w:orient="landscape""# : ""
        body += """
        <w:sectPr><w:pgSz w:w="\(pageWidth)" w:h="\(pageHeight)"\(orient)/>\
        <w:pgMar w:top="\(margin)" w:right="\(margin / 2 + 283)" w:bottom="\(margin)" w:left="\(margin + 567)" w:header="709" w:footer="709" w:gutter="0"/></w:sectPr>
        """
        return #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
            + #"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>"#
            + body + "</w:body></w:document>"
    }

    func paragraphXML(_ p: Paragraph, size: Int? = nil) -> String {
        var props = #"<w:pStyle w:val="\#(p.style.rawValue)"/>"#
        if let a = p.alignment { props += #"<w:jc w:val="\#(a.rawValue)"/>"# }
        var xml = "<w:p><w:pPr>\(props)</w:pPr>"
        for run in p.runs {
            var rPr = ""
            if run.bold { rPr += "<w:b/>" }
            if run.italic { rPr += "<w:i/>" }
            if let size { rPr += #"<w:sz w:val="\#(size)"/><w:szCs w:val="\#(size)"/>"# }
            xml += "<w:r>" + (rPr.isEmpty ? "" : "<w:rPr>\(rPr)</w:rPr>")
            xml += #"<w:t xml:space="preserve">\#(XMLText.escape(Typography.bind(run.text)))</w:t></w:r>"#
        }
        return xml + "</w:p>"
    }

    func tableXML(_ t: Table) -> String {
        let layout = TableLayout(t, available: textWidth - 567)
        let widths = layout.widths
        var xml = #"<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="\#(widths.reduce(0, +))" w:type="dxa"/><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>"#
        for w in widths { xml += #"<w:gridCol w:w="\#(w)"/>"# }
        xml += "</w:tblGrid>"
        if !t.header.isEmpty {
            // The header repeats on every page the table runs onto.
            xml += "<w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>"
            for (i, h) in t.header.enumerated() {
                xml += cellXML(Cell(h, bold: true, shade: "D9E2F3"), width: widths[min(i, widths.count - 1)], size: layout.fontSize)
            }
            xml += "</w:tr>"
        }
        for row in t.rows {
            // A row is kept on one page: a figure parted from its label misleads.
            xml += "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
            for (i, cell) in row.enumerated() {
                xml += cellXML(cell, width: widths[min(i, widths.count - 1)], size: layout.fontSize)
            }
            xml += "</w:tr>"
        }
        return xml + "</w:tbl>"
    }

    /// `size`: the font size in half-points when the table's text is set smaller than the style's.
    func cellXML(_ cell: Cell, width: Int, size: Int? = nil) -> String {
        var xml = #"<w:tc><w:tcPr><w:tcW w:w="\#(width)" w:type="dxa"/>"#
        if let shade = cell.shade { xml += #"<w:shd w:val="clear" w:color="auto" w:fill="\#(shade)"/>"# }
        xml += "</w:tcPr>"
        let paragraphs = cell.paragraphs.isEmpty ? [Paragraph("", style: .small)] : cell.paragraphs
        for p in paragraphs { xml += paragraphXML(p, size: size) }
        return xml + "</w:tc>"
    }
}

public enum XMLText {
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default:
                // XML 1.0 forbids most control characters: drop them rather than write a broken file.
                if scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r" { continue }
                if scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

extension DocxDocument {
    /// The head of a department order: letterhead, «ПРИКАЗ», a blank date and number, the subject,
    /// the preamble and «ПРИКАЗЫВАЮ:».
    public static func order(title: String, letterhead: [String], subject: String, preamble: String) -> DocxDocument {
        var doc = DocxDocument(title: title)
        for line in letterhead where !line.isEmpty { doc.paragraph(line, alignment: .center, bold: true) }
        doc.paragraph("ПРИКАЗ", alignment: .center, bold: true)
        doc.paragraph("____________                                                  № ______")
        doc.paragraph(subject, alignment: .center, bold: true)
        doc.paragraph(preamble, alignment: .both)
        doc.paragraph("ПРИКАЗЫВАЮ:")
        return doc
    }
}

import Foundation

/// A native Word chart (DrawingML `c:chartSpace`), so the user can restyle it in Word or
/// LibreOffice: the values travel in the chart's own cache (no embedded workbook; Word shows and
/// formats the chart, «Изменить данные» needs a workbook it does not have). Written by hand: no
/// listed package writes OOXML charts.
public struct DocxChart: Sendable {
    public enum Kind: Sendable { case column, line }

    public struct Series: Sendable {
        public var name: String
        public var values: [Double?]
        public var kind: Kind
        public init(_ name: String, _ values: [Double?], kind: Kind = .column) {
            self.name = name
            self.values = values
            self.kind = kind
        }
    }

    public var title: String
    public var categories: [String]
    public var series: [Series]
    public var valueAxisTitle: String
    /// Height in centimetres (the width is the text width).
    public var height: Double

    public init(title: String, categories: [String], series: [Series], valueAxisTitle: String = "", height: Double = 7) {
        self.title = title
        self.categories = categories
        self.series = series
        self.valueAxisTitle = valueAxisTitle
        self.height = height
    }

    static let colors = ["2F5597", "ED7D31", "A5A5A5", "70AD47", "FFC000", "5B9BD5"]

    func seriesXML(_ s: Series, index: Int) -> String {
        let color = Self.colors[index % Self.colors.count]
        let fill = s.kind == .column
            ? #"<c:spPr><a:solidFill><a:srgbClr val="\#(color)"/></a:solidFill></c:spPr>"#
            : #"<c:spPr><a:ln w="28575"><a:solidFill><a:srgbClr val="\#(color)"/></a:solidFill></a:ln></c:spPr><c:marker><c:symbol val="circle"/><c:size val="6"/></c:marker>"#
        var xml = #"<c:ser><c:idx val="\#(index)"/><c:order val="\#(index)"/><c:tx><c:v>\#(XMLText.escape(s.name))</c:v></c:tx>\#(fill)"#
        if s.kind == .column { xml += #"<c:invertIfNegative val="0"/>"# }
        xml += #"<c:cat><c:strLit><c:ptCount val="\#(categories.count)"/>"#
        for (i, c) in categories.enumerated() { xml += #"<c:pt idx="\#(i)"><c:v>\#(XMLText.escape(c))</c:v></c:pt>"# }
        xml += #"</c:strLit></c:cat><c:val><c:numLit><c:formatCode>General</c:formatCode><c:ptCount val="\#(categories.count)"/>"#
        for (i, v) in s.values.enumerated() {
            if let v, v.isFinite { xml += #"<c:pt idx="\#(i)"><c:v>\#(v)</c:v></c:pt>"# }
        }
        xml += "</c:numLit></c:val>"
        if s.kind == .line { xml += #"<c:smooth val="0"/>"# }
        return xml + "</c:ser>"
    }

    /// The chart part (`word/charts/chartN.xml`).
    func partXML() -> String {
        let columns = series.enumerated().filter { $0.element.kind == .column }
        let lines = series.enumerated().filter { $0.element.kind == .line }
        var plot = ""
        if !columns.isEmpty || lines.isEmpty {
            plot += #"<c:barChart><c:barDir val="col"/><c:grouping val="clustered"/><c:varyColors val="0"/>"#
            for (i, s) in columns { plot += seriesXML(s, index: i) }
            plot += #"<c:gapWidth val="80"/><c:axId val="1001"/><c:axId val="1002"/></c:barChart>"#
        }
        if !lines.isEmpty {
            plot += #"<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>"#
            for (i, s) in lines { plot += seriesXML(s, index: i) }
            plot += #"<c:marker val="1"/><c:axId val="1001"/><c:axId val="1002"/></c:lineChart>"#
        }
        let text = { (size: Int, bold: Bool) in
            #"<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="\#(size)" b="\#(bold ? 1 : 0)"/></a:pPr><a:endParaRPr lang="ru-RU"/></a:p></c:txPr>"#
        }
        let axisTitle = valueAxisTitle.isEmpty ? "" : #"<c:title><c:tx><c:rich><a:bodyPr rot="-5400000" vert="horz"/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="900" b="0"/></a:pPr><a:r><a:rPr lang="ru-RU" sz="900" b="0"/><a:t>\#(XMLText.escape(valueAxisTitle))</a:t></a:r></a:p></c:rich></c:tx><c:overlay val="0"/></c:title>"#
        return #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
            + #"<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#
            + #"<c:lang val="ru-RU"/><c:roundedCorners val="0"/><c:chart>"#
            + #"<c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="1100" b="1"/></a:pPr><a:r><a:rPr lang="ru-RU" sz="1100" b="1"/><a:t>\#(XMLText.escape(title))</a:t></a:r></a:p></c:rich></c:tx><c:overlay val="0"/></c:title>"#
            + #"<c:autoTitleDeleted val="0"/><c:plotArea><c:layout/>"# + plot
            + #"<c:catAx><c:axId val="1001"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/><c:axPos val="b"/><c:numFmt formatCode="General" sourceLinked="0"/><c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>"# + text(900, false) + #"<c:crossAx val="1002"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>"#
            + #"<c:valAx><c:axId val="1002"/><c:scaling><c:orientation val="minMax"/><c:min val="0"/></c:scaling><c:delete val="0"/><c:axPos val="l"/><c:majorGridlines><c:spPr><a:ln w="6350"><a:solidFill><a:srgbClr val="D9D9D9"/></a:solidFill></a:ln></c:spPr></c:majorGridlines>"# + axisTitle + #"<c:numFmt formatCode="General" sourceLinked="0"/><c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>"# + text(900, false) + #"<c:crossAx val="1001"/><c:crosses val="autoZero"/><c:crossBetween val="between"/></c:valAx>"#
            + #"</c:plotArea><c:legend><c:legendPos val="b"/><c:overlay val="0"/>"# + text(900, false) + #"</c:legend><c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart></c:chartSpace>"#
    }

    /// The paragraph that places the chart inline, full text width.
    func inlineXML(relationshipID: String, number: Int, widthTwips: Int) -> String {
        let cx = widthTwips * 635  // twips → EMU
        let cy = Int(height * 360_000)
        return #"<w:p><w:pPr><w:keepNext/></w:pPr><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"><wp:extent cx="\#(cx)" cy="\#(cy)"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:docPr id="\#(number)" name="Диаграмма \#(number)"/><wp:cNvGraphicFramePr/><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart"><c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" r:id="\#(relationshipID)"/></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"#
    }
}

import Foundation

/// Charts for the analysis pages as inline SVG (no script; names and labels escaped as any text): grouped columns, optional line series
/// drawn over them, optional dashed markers between categories (mark thresholds).
enum SVGChart {
    struct Series {
        var name: String
        var values: [Double?]
        var line = false
    }

    static let colors = ["#2f5597", "#ed7d31", "#7f7f7f", "#70ad47", "#ffc000", "#5b9bd5"]

    /// `highlight`: categories to stand out (the weakest tasks): a tinted band behind them and a bold label.
    static func columns(title: String, categories: [String], series: [Series], unit: String = "%", markers: [(before: Int, label: String)] = [],
                        highlight: Set<Int> = []) -> HTML {
        let width = 760.0, height = 280.0, left = 44.0, right = 12.0, top = 28.0, bottom = 58.0
        let plotW = width - left - right, plotH = height - top - bottom
        let maxValue = series.flatMap { $0.values.compactMap { $0 } }.max() ?? 0
        let step = niceStep(maxValue / 5)
        let yMax = max(step, (maxValue / step).rounded(.up) * step)
        func y(_ v: Double) -> Double { top + plotH - v / yMax * plotH }
        let slot = plotW / Double(max(categories.count, 1))
        let bars = series.filter { !$0.line }
        let barW = min(28, slot * 0.8 / Double(max(bars.count, 1)))
        var svg: HTML = #"<figure class="chart"><svg viewBox="0 0 \#(Int(width)) \#(Int(height))" role="img" aria-label="\#(title)" xmlns="http://www.w3.org/2000/svg">"#
        svg += #"<text x="\#(Int(width / 2))" y="16" text-anchor="middle" class="chart-title">\#(title)</text>"#
        var v = 0.0
        while v <= yMax + 1e-9 {
            svg += #"<line x1="\#(left)" x2="\#(width - right)" y1="\#(y(v))" y2="\#(y(v))" class="grid"/><text x="\#(left - 6)" y="\#(y(v) + 4)" text-anchor="end" class="tick">\#(format(v))</text>"#
            v += step
        }
        for i in highlight.sorted() where i < categories.count {
            svg += #"<rect x="\#(left + slot * Double(i))" y="\#(top)" width="\#(slot)" height="\#(plotH + 22)" class="weak-band"/>"#
        }
        for (i, c) in categories.enumerated() {
            let x = left + slot * (Double(i) + 0.5)
            svg += #"<text x="\#(x)" y="\#(top + plotH + 16)" text-anchor="middle" class="\#(highlight.contains(i) ? "tick weak" : "tick")">\#(c)</text>"#
        }
        for (k, s) in series.enumerated() where !s.line {
            let b = bars.firstIndex { $0.name == s.name } ?? 0
            for (i, value) in s.values.enumerated() {
                guard let value else { continue }
                let x = left + slot * Double(i) + (slot - barW * Double(bars.count)) / 2 + barW * Double(b)
                svg += #"<rect x="\#(x)" y="\#(y(value))" width="\#(barW - 1)" height="\#(max(0, top + plotH - y(value)))" fill="\#(colors[k % colors.count])"><title>\#(s.name): \#(categories[i]) — \#(format(value))\#(unit.isEmpty ? "" : " " + unit)</title></rect>"#
            }
        }
        for (k, s) in series.enumerated() where s.line {
            let points = s.values.enumerated().compactMap { i, value in value.map { "\(left + slot * (Double(i) + 0.5)),\(y($0))" } }
            svg += #"<polyline points="\#(points.joined(separator: " "))" fill="none" stroke="\#(colors[k % colors.count])" stroke-width="2"/>"#
            for p in points { let xy = p.split(separator: ","); svg += #"<circle cx="\#(xy[0])" cy="\#(xy[1])" r="3" fill="\#(colors[k % colors.count])"/>"# }
        }
        for m in markers {
            let x = left + slot * Double(m.before)
            svg += #"<line x1="\#(x)" x2="\#(x)" y1="\#(top)" y2="\#(top + plotH)" class="marker"/><text x="\#(x + 3)" y="\#(top + 10)" class="tick">\#(m.label)</text>"#
        }
        // Legend.
        var lx = left
        for (k, s) in series.enumerated() {
            let ly = height - 14
            svg += s.line ? #"<line x1="\#(lx)" x2="\#(lx + 14)" y1="\#(ly - 4)" y2="\#(ly - 4)" stroke="\#(colors[k % colors.count])" stroke-width="2"/>"#
                : #"<rect x="\#(lx)" y="\#(ly - 10)" width="12" height="10" fill="\#(colors[k % colors.count])"/>"#
            svg += #"<text x="\#(lx + 18)" y="\#(ly)" class="tick">\#(s.name)</text>"#
            lx += 30 + Double(s.name.count) * 6.5
        }
        svg += "</svg></figure>"
        return svg
    }

    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0 else { return 1 }
        let p = pow(10, floor(log10(raw)))
        for m in [1.0, 2, 2.5, 5, 10] where raw <= m * p { return m * p }
        return 10 * p
    }

    static func format(_ v: Double) -> String {
        v == v.rounded() ? String(Int(v)) : String(format: "%.1f", v).replacingOccurrences(of: ".", with: ",")
    }
}

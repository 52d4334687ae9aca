import Foundation

/// Points against a numeric or categorical horizontal axis, drawn as standalone SVG: a sweep's frontier
/// (realised tracking error against active return), ex-ante against realised tracking error with the line
/// y = x, or a statistic per swept value. Each point is labelled directly (labels that would overlap an
/// earlier one are left out; the first and last always show). Data marks carry `class="data"`.
struct ScatterChart {
    struct Point {
        var x: Double
        var y: Double
        var label: String
    }

    enum Axis {
        case percent
        case number
        /// One position per name, in order (x only): the points' x are 0, 1, 2, …
        case categories([String])
    }

    var title: String
    var xTitle: String
    var yTitle: String
    var xAxis: Axis
    var yAxis: Axis
    var points: [Point]
    /// Join the points in order with a line.
    var connected = true
    /// Draw the diagonal y = x (when both axes measure the same thing).
    var diagonal = false
    var width = 380.0
    var plotHeight = 190.0

    func svg() -> String {
        let left = 52.0, right = 14.0, top = 28.0, bottom = 40.0
        let plotWidth = width - left - right
        let height = top + plotHeight + bottom
        let finite = points.filter { $0.x.isFinite && $0.y.isFinite }
        func span(_ values: [Double], including: [Double] = []) -> (Double, Double) {
            var low = (values + including).min() ?? 0, high = (values + including).max() ?? 1
            if high - low < 1e-12 { low -= 0.01; high += 0.01 }
            let pad = (high - low) * 0.08
            return (low - pad, high + pad)
        }
        var (xLow, xHigh) = span(finite.map(\.x))
        var (yLow, yHigh) = span(finite.map(\.y))
        if case .categories(let names) = xAxis { (xLow, xHigh) = (-0.5, Double(max(names.count, 1)) - 0.5) }
        if diagonal {
            (xLow, xHigh) = (min(xLow, yLow), max(xHigh, yHigh))
            (yLow, yHigh) = (xLow, xHigh)
        }
        let x = { (v: Double) in left + (v - xLow) / (xHigh - xLow) * plotWidth }
        let y = { (v: Double) in top + (yHigh - v) / (yHigh - yLow) * plotHeight }
        let e = XMLText.escape
        let f = SVGText.number
        var out = SVGText.open(width: width, height: height, title: title)
        for tick in ticks(yAxis, yLow...yHigh) {
            let ty = y(tick.value)
            out += "<line x1=\"\(f(left))\" y1=\"\(f(ty))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(ty))\" stroke=\"\(tick.value == 0 ? "#888" : "#ddd")\"/>\n"
            out += "<text x=\"\(f(left - 5))\" y=\"\(f(ty + 4))\" text-anchor=\"end\">\(e(tick.label))</text>\n"
        }
        for tick in ticks(xAxis, xLow...xHigh) {
            let tx = x(tick.value)
            out += "<line x1=\"\(f(tx))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(tx))\" y2=\"\(f(top + plotHeight + 4))\" stroke=\"#444\"/>\n"
            out += "<text x=\"\(f(tx))\" y=\"\(f(top + plotHeight + 15))\" text-anchor=\"middle\">\(e(tick.label))</text>\n"
        }
        out += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotWidth))\" height=\"\(f(plotHeight))\" fill=\"none\" stroke=\"#444\"/>\n"
        out += "<text x=\"\(f(left + plotWidth / 2))\" y=\"\(f(height - 6))\" text-anchor=\"middle\" fill=\"#333\">\(e(xTitle))</text>\n"
        out += "<text x=\"\(f(left))\" y=\"\(f(top - 4))\" fill=\"#333\">\(e(yTitle))</text>\n"
        if diagonal {
            out += "<line x1=\"\(f(x(xLow)))\" y1=\"\(f(y(xLow)))\" x2=\"\(f(x(xHigh)))\" y2=\"\(f(y(xHigh)))\" "
                + "stroke=\"\(ChartPalette.reference)\" stroke-dasharray=\"5 3\"><title>y = x</title></line>\n"
        }
        let color = ChartPalette.lines[0]
        if connected, finite.count > 1 {
            let path = finite.enumerated().map { "\($0 == 0 ? "M" : "L")\(f(x($1.x))) \(f(y($1.y)))" }.joined(separator: " ")
            out += "<path class=\"data\" d=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.2\"/>\n"
        }
        var labelled: [(Double, Double, Double)] = []   // x, y, width of labels drawn
        for (i, p) in finite.enumerated() {
            let px = x(p.x), py = y(p.y)
            out += "<circle class=\"data\" cx=\"\(f(px))\" cy=\"\(f(py))\" r=\"3\" fill=\"\(color)\"><title>\(e(p.label)): "
                + "\(e(format(p.x, xAxis))), \(e(format(p.y, yAxis)))</title></circle>\n"
            let labelWidth = Double(p.label.count) * 5.6
            let lx = min(px + 5, left + plotWidth - labelWidth), ly = py - 5
            let clear = labelled.allSatisfy { abs($0.1 - ly) >= 10 || lx >= $0.0 + $0.2 + 2 || lx + labelWidth + 2 <= $0.0 }
            if clear || i == finite.count - 1 || i == 0 {
                out += "<text x=\"\(f(lx))\" y=\"\(f(ly))\" font-size=\"9\" fill=\"#333\">\(e(p.label))</text>\n"
                labelled.append((lx, ly, labelWidth))
            }
        }
        return out + "</svg>\n"
    }

    private func ticks(_ axis: Axis, _ range: ClosedRange<Double>) -> [ChartAxis.Tick] {
        switch axis {
        case .percent: return ChartAxis.niceTicks(range, label: ChartAxis.percentLabel)
        case .number: return ChartAxis.niceTicks(range, label: ChartAxis.numberLabel)
        case .categories(let names):
            // At most about ten labels: every k-th category.
            let every = max(1, (names.count + 9) / 10)
            return names.indices.filter { $0 % every == 0 }.map { ChartAxis.Tick(value: Double($0), label: names[$0]) }
        }
    }

    private func format(_ value: Double, _ axis: Axis) -> String {
        switch axis {
        case .percent: return ValueFormat.percent(value)
        case .number: return ValueFormat.number(value)
        case .categories(let names):
            return names.indices.contains(Int(exactly: value) ?? -1) ? names[Int(exactly: value) ?? 0] : ValueFormat.number(value)
        }
    }
}

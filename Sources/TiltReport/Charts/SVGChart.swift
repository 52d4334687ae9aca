import Foundation
import TiltData

/// One line or stacked area of a chart: values at months.
struct ChartSeries {
    var name: String
    var months: [Month]
    var values: [Double]
    var dashed = false
}

/// A shaded period behind the data (a crisis window), inclusive of both months.
struct ChartBand {
    var name: String
    var from: Month
    var to: Month
}

/// A chart over months drawn as standalone SVG: lines or stacked areas, shaded bands, gridlines with value
/// ticks, month labels and a legend. No scripts, no external assets.
struct SVGChart {
    enum Style {
        /// One line per series.
        case lines
        /// Series stacked on each other (positive parts upwards from 0, negative parts downwards); all
        /// series must share the same months.
        case stackedAreas
    }

    enum ValueAxis {
        /// Percentages of decimal values.
        case percent
        /// Values are ln(wealth); ticks are labelled with the wealth.
        case logWealth
        /// Plain numbers (an effective number of holdings).
        case number
    }

    var title: String
    var style: Style
    var valueAxis: ValueAxis
    var series: [ChartSeries]
    var bands: [ChartBand] = []
    var width = 900.0
    var plotHeight = 260.0

    private static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
                                  "#17becf", "#bcbd22", "#7f7f7f"]

    /// The colour of series `index`: a fixed palette, then evenly spread hues.
    static func color(_ index: Int, of count: Int) -> String {
        count <= palette.count ? palette[index] : "hsl(\(index * 360 / max(count, 1)),60%,48%)"
    }

    func svg() -> String {
        let left = 64.0, right = 16.0, titleHeight = 24.0, bottom = 30.0
        let legend = legendLayout(originY: titleHeight + 4, maxWidth: width - left - right)
        let top = titleHeight + legend.height + 10
        let height = top + plotHeight + bottom
        let plotWidth = width - left - right
        let xs = series.flatMap(\.months).map(\.ordinal)
        let xMin = xs.min() ?? 0, xMax = max(xs.max() ?? 1, (xs.min() ?? 0) + 1)
        let stacks = style == .stackedAreas ? stackedBounds() : []
        let values = (style == .stackedAreas ? stacks.flatMap { $0.lower + $0.upper } : series.flatMap(\.values)).filter(\.isFinite)
        var yLow = values.min() ?? 0, yHigh = values.max() ?? 1
        if valueAxis == .percent || style == .stackedAreas { yLow = min(yLow, 0); yHigh = max(yHigh, 0) }
        if yHigh - yLow < 1e-12 { yLow -= 0.01; yHigh += 0.01 }
        let pad = (yHigh - yLow) * 0.04
        yLow -= pad; yHigh += pad
        let ticks: [ChartAxis.Tick]
        switch valueAxis {
        case .logWealth: ticks = ChartAxis.logWealthTicks(yLow...yHigh)
        case .percent: ticks = ChartAxis.niceTicks(yLow...yHigh, label: ChartAxis.percentLabel)
        case .number: ticks = ChartAxis.niceTicks(yLow...yHigh) { v, _ in String(format: "%g", v) }
        }
        let x = { (ordinal: Double) in left + (ordinal - Double(xMin)) / Double(xMax - xMin) * plotWidth }
        let y = { (value: Double) in top + (yHigh - value) / (yHigh - yLow) * plotHeight }
        let e = XMLText.escape
        let f = { (v: Double) in String(format: "%.1f", v) }

        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" "
            + "viewBox=\"0 0 \(f(width)) \(f(height))\" font-family=\"sans-serif\" font-size=\"11\" role=\"img\">\n"
        out += "<title>\(e(title))</title>\n"
        out += "<text x=\"\(f(left))\" y=\"16\" font-size=\"14\" font-weight=\"bold\">\(e(title))</text>\n"
        for band in bands {
            let x0 = max(left, x(Double(band.from.ordinal) - 0.5)), x1 = min(left + plotWidth, x(Double(band.to.ordinal) + 0.5))
            guard x1 > x0 else { continue }
            out += "<rect x=\"\(f(x0))\" y=\"\(f(top))\" width=\"\(f(x1 - x0))\" height=\"\(f(plotHeight))\" fill=\"#e6e6e6\">"
                + "<title>\(e(band.name)): \(band.from) to \(band.to)</title></rect>\n"
            if x1 - x0 >= Double(band.name.count) * 5.5 {
                out += "<text x=\"\(f(x0 + 2))\" y=\"\(f(top + 10))\" font-size=\"9\" fill=\"#666\">\(e(band.name))</text>\n"
            }
        }
        for tick in ticks {
            let ty = y(tick.value)
            out += "<line x1=\"\(f(left))\" y1=\"\(f(ty))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(ty))\" "
                + "stroke=\"\(tick.value == 0 ? "#888" : "#ddd")\" stroke-width=\"1\"/>\n"
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(ty + 4))\" text-anchor=\"end\">\(e(tick.label))</text>\n"
        }
        for tick in ChartAxis.monthTicks(xMin...xMax) {
            let tx = x(tick.value)
            out += "<line x1=\"\(f(tx))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(tx))\" y2=\"\(f(top + plotHeight + 5))\" stroke=\"#444\"/>\n"
            out += "<text x=\"\(f(tx))\" y=\"\(f(top + plotHeight + 18))\" text-anchor=\"middle\">\(e(tick.label))</text>\n"
        }
        out += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotWidth))\" height=\"\(f(plotHeight))\" fill=\"none\" stroke=\"#444\"/>\n"
        for (i, s) in series.enumerated() {
            let color = Self.color(i, of: series.count)
            switch style {
            case .lines:
                var path = ""
                var pen = false
                for (m, v) in zip(s.months, s.values) {
                    guard v.isFinite else { pen = false; continue }
                    path += "\(pen ? "L" : "M")\(f(x(Double(m.ordinal)))) \(f(y(v))) "
                    pen = true
                }
                out += "<path d=\"\(path.trailingSpacesRemoved)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\""
                    + (s.dashed ? " stroke-dasharray=\"5 3\"" : "") + "><title>\(e(s.name))</title></path>\n"
            case .stackedAreas:
                let stack = stacks[i]
                let upper = zip(s.months, stack.upper).map { "\(f(x(Double($0.ordinal)))),\(f(y($1)))" }
                let lower = zip(s.months, stack.lower).reversed().map { "\(f(x(Double($0.ordinal)))),\(f(y($1)))" }
                out += "<polygon points=\"\((upper + lower).joined(separator: " "))\" fill=\"\(color)\" fill-opacity=\"0.85\" "
                    + "stroke=\"white\" stroke-width=\"0.3\"><title>\(e(s.name))</title></polygon>\n"
            }
        }
        out += legend.svg
        return out + "</svg>\n"
    }

    /// Lower and upper edge of each stacked series at each of its months.
    private func stackedBounds() -> [(lower: [Double], upper: [Double])] {
        let count = series.map(\.values.count).max() ?? 0
        var positive = [Double](repeating: 0, count: count), negative = positive
        return series.map { s in
            var lower: [Double] = [], upper: [Double] = []
            for (t, raw) in s.values.enumerated() {
                let v = raw.isFinite ? raw : 0
                if v >= 0 {
                    lower.append(positive[t]); positive[t] += v; upper.append(positive[t])
                } else {
                    upper.append(negative[t]); negative[t] += v; lower.append(negative[t])
                }
            }
            return (lower, upper)
        }
    }

    /// Legend entries laid out left to right, wrapping into rows.
    private func legendLayout(originY: Double, maxWidth: Double) -> (svg: String, height: Double) {
        let rowHeight = 16.0, left = 64.0
        var svg = "", cx = 0.0, row = 0.0
        let e = XMLText.escape
        let f = { (v: Double) in String(format: "%.1f", v) }
        for (i, s) in series.enumerated() {
            let itemWidth = 22 + Double(s.name.count) * 6.2 + 14
            if cx > 0 && cx + itemWidth > maxWidth { cx = 0; row += 1 }
            let x0 = left + cx, y0 = originY + row * rowHeight
            let color = Self.color(i, of: series.count)
            if style == .lines {
                svg += "<line x1=\"\(f(x0))\" y1=\"\(f(y0 + 6))\" x2=\"\(f(x0 + 18))\" y2=\"\(f(y0 + 6))\" stroke=\"\(color)\" "
                    + "stroke-width=\"2\"" + (s.dashed ? " stroke-dasharray=\"5 3\"" : "") + "/>\n"
            } else {
                svg += "<rect x=\"\(f(x0))\" y=\"\(f(y0 + 1))\" width=\"14\" height=\"10\" fill=\"\(color)\"/>\n"
            }
            svg += "<text x=\"\(f(x0 + 22))\" y=\"\(f(y0 + 10))\">\(e(s.name))</text>\n"
            cx += itemWidth
        }
        return (svg, series.isEmpty ? 0 : (row + 1) * rowHeight)
    }
}

import Foundation
import TiltData

/// One line, stacked area or stack of bars of a chart: values at months.
struct ChartSeries {
    var name: String
    var months: [Month]
    var values: [Double]
    /// A reference drawn dashed in grey (a benchmark, a total).
    var dashed = false
}

/// A shaded period behind the data (a crisis window), inclusive of both months.
struct ChartBand {
    var name: String
    var from: Month
    var to: Month
}

/// A chart over months drawn as standalone SVG: lines (each labelled at its end, no legend to match
/// colours against), stacked areas or stacked bars (with a legend), shaded bands, gridlines with value
/// ticks and month labels. No scripts, no external assets. Data marks carry `class="data"`, which the
/// browser test looks for.
struct SVGChart {
    enum Style {
        /// One line per series, labelled at its last value.
        case lines
        /// Series stacked on each other (positive parts upwards from 0, negative parts downwards); all
        /// series must share the same months.
        case stackedAreas
        /// As `stackedAreas`, one bar per month (monthly contributions).
        case stackedBars
    }

    enum ValueAxis {
        /// Percentages of decimal values.
        case percent
        /// Values are ln(wealth); ticks are labelled with the wealth.
        case logWealth
        /// Plain numbers (a ratio, a count).
        case number
    }

    var title: String
    var style: Style
    var valueAxis: ValueAxis
    var series: [ChartSeries]
    var bands: [ChartBand] = []
    /// Width of the drawing (SVG units; the page scales it to its column).
    var width = 580.0
    var plotHeight = 190.0

    private static let left = 52.0, titleHeight = 22.0, bottom = 26.0

    func svg() -> String {
        let labels = style == .lines ? series.map(\.name) : []
        let right = labels.isEmpty ? 12.0 : min(150, 10 + Double(labels.map(\.count).max() ?? 0) * 6)
        let plotWidth = width - Self.left - right
        let legend = style == .lines ? ("", 0.0) : legendLayout(originY: Self.titleHeight + 2, maxWidth: width - Self.left - 12)
        let top = Self.titleHeight + legend.1 + 8
        let height = top + plotHeight + Self.bottom
        let xs = series.flatMap(\.months).map(\.ordinal)
        let first = xs.min() ?? 0, last = max(xs.max() ?? 1, first + 1)
        // Bars are centred on their month, so the axis reaches half a month further each side.
        let barPad = style == .stackedBars ? 0.5 : 0
        let xMin = Double(first) - barPad, xMax = Double(last) + barPad
        let stacks = style == .lines ? [] : stackedBounds()
        let values = (style == .lines ? series.flatMap(\.values) : stacks.flatMap { $0.lower + $0.upper }).filter(\.isFinite)
        var yLow = values.min() ?? 0, yHigh = values.max() ?? 1
        if valueAxis == .percent || style != .lines { yLow = min(yLow, 0); yHigh = max(yHigh, 0) }
        if yHigh - yLow < 1e-12 { yLow -= 0.01; yHigh += 0.01 }
        let pad = (yHigh - yLow) * 0.04
        yLow -= pad; yHigh += pad
        let ticks: [ChartAxis.Tick]
        switch valueAxis {
        case .logWealth: ticks = ChartAxis.logWealthTicks(yLow...yHigh)
        case .percent: ticks = ChartAxis.niceTicks(yLow...yHigh, label: ChartAxis.percentLabel)
        case .number: ticks = ChartAxis.niceTicks(yLow...yHigh, label: ChartAxis.numberLabel)
        }
        let left = Self.left
        let x = { (ordinal: Double) in left + (ordinal - xMin) / (xMax - xMin) * plotWidth }
        let y = { (value: Double) in top + (yHigh - value) / (yHigh - yLow) * plotHeight }
        let e = XMLText.escape
        let f = SVGText.number

        var out = SVGText.open(width: width, height: height, title: title)
        // Bands first, then the names of those wide enough for them and clear of the previous name.
        var names = "", namesEnd = -Double.infinity
        for band in bands {
            let x0 = max(left, x(Double(band.from.ordinal) - 0.5)), x1 = min(left + plotWidth, x(Double(band.to.ordinal) + 0.5))
            guard x1 > x0 else { continue }
            out += "<rect x=\"\(f(x0))\" y=\"\(f(top))\" width=\"\(f(x1 - x0))\" height=\"\(f(plotHeight))\" fill=\"\(ChartPalette.band)\">"
                + "<title>\(e(band.name)): \(band.from) to \(band.to)</title></rect>\n"
            let nameWidth = Double(band.name.count) * 4.6
            if x1 - x0 >= nameWidth, x0 > namesEnd {
                names += "<text x=\"\(f(x0 + 2))\" y=\"\(f(top + 9))\" font-size=\"8\" fill=\"#666\">\(e(band.name))</text>\n"
                namesEnd = x0 + 2 + nameWidth
            }
        }
        out += names
        for tick in ticks {
            let ty = y(tick.value)
            out += "<line x1=\"\(f(left))\" y1=\"\(f(ty))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(ty))\" "
                + "stroke=\"\(tick.value == 0 ? "#888" : "#ddd")\" stroke-width=\"1\"/>\n"
            out += "<text x=\"\(f(left - 5))\" y=\"\(f(ty + 4))\" text-anchor=\"end\">\(e(tick.label))</text>\n"
        }
        for tick in ChartAxis.monthTicks(first...last) {
            let tx = x(tick.value)
            out += "<line x1=\"\(f(tx))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(tx))\" y2=\"\(f(top + plotHeight + 4))\" stroke=\"#444\"/>\n"
            out += "<text x=\"\(f(tx))\" y=\"\(f(top + plotHeight + 16))\" text-anchor=\"middle\">\(e(tick.label))</text>\n"
        }
        out += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotWidth))\" height=\"\(f(plotHeight))\" fill=\"none\" stroke=\"#444\"/>\n"
        var ends: [(name: String, y: Double, color: String)] = []
        for (i, s) in series.enumerated() {
            let color = s.dashed ? ChartPalette.reference : ChartPalette.color(i, of: series.count)
            switch style {
            case .lines:
                var path = ""
                var pen = false
                for (m, v) in zip(s.months, s.values) {
                    guard v.isFinite else { pen = false; continue }
                    path += "\(pen ? "L" : "M")\(f(x(Double(m.ordinal)))) \(f(y(v))) "
                    pen = true
                }
                guard !path.isEmpty else { continue }
                out += "<path class=\"data\" d=\"\(path.trailingSpacesRemoved)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\""
                    + (s.dashed ? " stroke-dasharray=\"5 3\"" : "") + "><title>\(e(s.name))</title></path>\n"
                if let last = s.values.lastIndex(where: \.isFinite) { ends.append((s.name, y(s.values[last]), color)) }
            case .stackedAreas:
                let stack = stacks[i]
                let upper = zip(s.months, stack.upper).map { "\(f(x(Double($0.ordinal)))),\(f(y($1)))" }
                let lower = zip(s.months, stack.lower).reversed().map { "\(f(x(Double($0.ordinal)))),\(f(y($1)))" }
                out += "<polygon class=\"data\" points=\"\((upper + lower).joined(separator: " "))\" fill=\"\(color)\" fill-opacity=\"0.9\" "
                    + "stroke=\"white\" stroke-width=\"0.3\"><title>\(e(s.name))</title></polygon>\n"
            case .stackedBars:
                let stack = stacks[i]
                let barWidth = max(plotWidth / (xMax - xMin) * 0.8, 0.5)
                var path = ""
                for (t, m) in s.months.enumerated() where stack.upper[t] != stack.lower[t] {
                    let x0 = x(Double(m.ordinal)) - barWidth / 2
                    path += "M\(f(x0)) \(f(y(stack.lower[t])))H\(f(x0 + barWidth))V\(f(y(stack.upper[t])))H\(f(x0))Z"
                }
                out += "<path class=\"data\" d=\"\(path.isEmpty ? "M0 0" : path)\" fill=\"\(color)\"><title>\(e(s.name))</title></path>\n"
            }
        }
        out += directLabels(ends, x: left + plotWidth + 4, top: top, bottom: top + plotHeight)
        out += legend.0
        return out + "</svg>\n"
    }

    /// Each line's name beside its last value, moved apart vertically so that no two overlap.
    private func directLabels(_ ends: [(name: String, y: Double, color: String)], x: Double, top: Double, bottom: Double) -> String {
        let spacing = 11.0
        var placed = ends.sorted { $0.y < $1.y }.map { ($0.name, min(max($0.y, top + 4), bottom), $0.color) }
        for i in placed.indices.dropFirst() where placed[i].1 < placed[i - 1].1 + spacing {
            placed[i].1 = placed[i - 1].1 + spacing
        }
        return placed.map { name, ly, color in
            "<text x=\"\(SVGText.number(x))\" y=\"\(SVGText.number(ly + 4))\" fill=\"\(color)\">\(XMLText.escape(name))</text>\n"
        }.joined()
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

    /// Legend entries (a colour swatch and the name) laid out left to right, wrapping into rows.
    private func legendLayout(originY: Double, maxWidth: Double) -> (String, Double) {
        let rowHeight = 14.0
        var svg = "", cx = 0.0, row = 0.0
        let f = SVGText.number
        for (i, s) in series.enumerated() {
            let itemWidth = 16 + Double(s.name.count) * 5.8 + 10
            if cx > 0 && cx + itemWidth > maxWidth { cx = 0; row += 1 }
            let x0 = Self.left + cx, y0 = originY + row * rowHeight
            let color = s.dashed ? ChartPalette.reference : ChartPalette.color(i, of: series.count)
            svg += "<rect x=\"\(f(x0))\" y=\"\(f(y0 + 2))\" width=\"11\" height=\"9\" fill=\"\(color)\"/>\n"
            svg += "<text x=\"\(f(x0 + 15))\" y=\"\(f(y0 + 10))\">\(XMLText.escape(s.name))</text>\n"
            cx += itemWidth
        }
        return (svg, series.isEmpty ? 0 : (row + 1) * rowHeight)
    }
}

/// Pieces of SVG text the charts share.
enum SVGText {
    /// A coordinate with one decimal ("12.3"), written without `String(format:)`, which took a quarter of
    /// a sweep report's time. A non-finite or enormous value (outside any drawing) is written 0.
    static func number(_ v: Double) -> String {
        guard let tenths = Int(exactly: (v * 10).rounded()), tenths.magnitude < 1 << 50 else { return "0.0" }
        let magnitude = tenths.magnitude
        return (tenths < 0 ? "-" : "") + "\(magnitude / 10).\(magnitude % 10)"
    }

    /// The opening `<svg>` element of a `width` × `height` drawing with its title (shown as a tooltip and
    /// drawn at the top left).
    static func open(width: Double, height: Double, title: String) -> String {
        let e = XMLText.escape
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(number(width))\" height=\"\(number(height))\" "
            + "viewBox=\"0 0 \(number(width)) \(number(height))\" font-family=\"sans-serif\" font-size=\"10\" role=\"img\">\n"
            + "<title>\(e(title))</title>\n"
            + "<text x=\"4\" y=\"14\" font-size=\"12\" font-weight=\"bold\">\(e(title))</text>\n"
    }
}

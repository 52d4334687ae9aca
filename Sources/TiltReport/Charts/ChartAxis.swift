import Foundation
import TiltData

/// Tick positions and labels for chart axes.
enum ChartAxis {
    struct Tick {
        var value: Double
        var label: String
    }

    /// About `target` evenly spaced ticks at round values (1, 2, 2.5 or 5 × 10^k) covering `range`.
    static func niceTicks(_ range: ClosedRange<Double>, target: Int = 5, label: (Double, Double) -> String) -> [Tick] {
        let span = range.upperBound - range.lowerBound
        guard span > 0, span.isFinite else { return [Tick(value: range.lowerBound, label: label(range.lowerBound, 1))] }
        let rough = span / Double(target)
        let magnitude = pow(10, (log10(rough)).rounded(.down))
        let step = ([1, 2, 2.5, 5, 10].first { $0 * magnitude >= rough } ?? 10) * magnitude
        let first = (range.lowerBound / step).rounded(.up)
        let last = (range.upperBound / step).rounded(.down)
        guard first <= last else { return [] }
        return stride(from: first, through: last, by: 1).map { k in
            let v = k * step + 0.0          // + 0.0 turns −0 into 0, so no "-0%" label
            return Tick(value: v, label: label(v, step))
        }
    }

    /// Percent labels with as many decimals as the tick step needs, so that every tick (a multiple of the
    /// step) reads exactly: a step of 2.5% labels 2.5% and 7.5%, not 2% and 8%.
    static func percentLabel(_ value: Double, step: Double) -> String {
        ValueFormat.percent(value, decimals: decimals(of: step * 100))
    }

    /// Plain-number labels with as many decimals as the step needs (0.25 → "0.25", "0.5").
    static func numberLabel(_ value: Double, step: Double) -> String {
        ValueFormat.number(value, decimals: decimals(of: step))
    }

    /// The fewest decimals (up to 6) that write `step` exactly, up to rounding.
    static func decimals(of step: Double) -> Int {
        (0...6).first { d in
            let scaled = abs(step) * pow(10, Double(d))
            return abs(scaled - scaled.rounded()) < 1e-6 * max(1, scaled)
        } ?? 6
    }

    /// Ticks for log wealth ln W: at wealth 1, 2, 5 × 10^k, or at round wealth levels when the range is
    /// narrower than that. Values are ln W, labels the wealth.
    static func logWealthTicks(_ range: ClosedRange<Double>) -> [Tick] {
        let low = exp(range.lowerBound), high = exp(range.upperBound)
        let decades = Int(log10(low).rounded(.down))...Int(log10(high).rounded(.up))
        let levels = decades.flatMap { k in [1.0, 2, 5].map { $0 * pow(10, Double(k)) } }.filter { $0 >= low && $0 <= high }
        let ticks = levels.count >= 3
            ? levels : niceTicks(low...high) { v, _ in "" }.map(\.value).filter { $0 > 0 }
        return ticks.map { Tick(value: log($0), label: String(format: "%g", $0)) }
    }

    /// Month ticks: Januaries every 1, 2, 5, 10… years for long spans, else every 1, 2, 3, 6 months.
    static func monthTicks(_ range: ClosedRange<Int>) -> [Tick] {
        let span = range.upperBound - range.lowerBound
        if span >= 24 {
            let step = [1, 2, 5, 10, 20, 50, 100].first { span / 12 / $0 <= 10 } ?? 100
            return range.filter { ordinal in
                let m = Month(ordinal: ordinal)
                return m.month == 1 && m.year % step == 0
            }.map { Tick(value: Double($0), label: "\(Month(ordinal: $0).year)") }
        }
        let step = [1, 2, 3, 6, 12].first { span / $0 <= 8 } ?? 12
        return range.filter { (Month(ordinal: $0).month - 1) % step == 0 }
            .map { Tick(value: Double($0), label: Month(ordinal: $0).description) }
    }
}

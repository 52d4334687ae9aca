import Foundation
import TiltData

/// Notes on what the data did to a backtest without the program asking: held positions left without a
/// return (`BacktestResult.unpricedExits`) and assets the estimation-window rule left out
/// (`BacktestResult.windowExclusions`). A run writes them as `note: …` on standard error, and in report.md,
/// report.html and run.json (`dataNotes`), once per run, not once per month.
public enum DataNotes {
    /// How many events or assets a note names before "and N more".
    public static let examples = 5

    /// The notes on `results` (the values of a sweep share their data): each result's, in order, a note
    /// that several results give alike once; a note that differs between results is prefixed with the
    /// result's name.
    public static func notes(_ results: [BacktestResult]) -> [String] {
        let each = results.map { notes($0) }
        var out: [String] = []
        for (result, notes) in zip(results, each) {
            for note in notes {
                let shared = each.allSatisfy { $0.contains(note) }
                let text = shared || results.count == 1 ? note : "\(result.name): \(note)"
                if !out.contains(text) { out.append(text) }
            }
        }
        return out
    }

    /// The notes on one result.
    public static func notes(_ result: BacktestResult) -> [String] {
        var out: [String] = []
        if let note = unpriced(result.unpricedExits) { out.append(note) }
        if let exclusions = result.windowExclusions, let note = window(exclusions, rebalances: result.rebalances.count) {
            out.append(note)
        }
        return out
    }

    /// "2 held positions had no return and no delisting return in a month …: T12 in 2003-02 (portfolio
    /// 4.1%, benchmark 3.3%), …"; nil without any.
    public static func unpriced(_ exits: [UnpricedExit]) -> String? {
        guard !exits.isEmpty else { return nil }
        let n = exits.count
        let shown = exits.prefix(examples).map { e in
            "\(e.asset) in \(e.month) (portfolio \(percent(e.portfolioWeight)), benchmark \(percent(e.benchmarkWeight)))"
        }
        return "\(n) held position\(n == 1 ? "" : "s") had no return and no delisting return in a month, "
            + "so \(n == 1 ? "it" : "each") earned 0 then and \(n == 1 ? "its" : "the") weight was held as cash until the next rebalance "
            + "(Docs/conventions.md): " + shown.joined(separator: ", ") + more(n)
    }

    /// The assets the estimation-window rule left out over `rebalances` rebalances, summarised once: how
    /// many of the universe, the first few with the rebalances they missed, and for a benchmark read from
    /// a file the share of its weight renormalised over the other assets; nil when none was left out.
    /// With `rebalances` 1 (`tilt explain`'s month) the note is about that month.
    public static func window(_ exclusions: WindowExclusions, rebalances: Int) -> String? {
        var counts: [String: Int] = [:]
        var order: [String] = []
        for rebalance in exclusions.rebalances {
            for asset in rebalance.assets {
                if counts[asset] == nil { order.append(asset) }
                counts[asset, default: 0] += 1
            }
        }
        guard !order.isEmpty else { return nil }
        let rule = "too few returns in the estimation window (an asset needs a return in every month of it, or in `min: K` of them; Docs/conventions.md)"
        var text: String
        // "1 of 48 assets … was", "3 of 48 … were".
        let verb = order.count == 1 ? "was" : "were"
        if rebalances == 1, let month = exclusions.rebalances.first?.month {
            text = "at the rebalance of \(month), \(order.count) of \(exclusions.universeCount) assets of the universe \(verb) left out for \(rule): "
                + order.prefix(examples).joined(separator: ", ") + more(order.count)
        } else {
            // The assets left out most often first (in order of first exclusion among equals).
            let ranked = order.enumerated().sorted { (counts[$0.element]!, -$0.offset) > (counts[$1.element]!, -$1.offset) }.map(\.element)
            let shown = Array(ranked.prefix(examples))
            let times = { (k: Int) in k == rebalances ? "all \(rebalances) rebalances" : "\(k) of the \(rebalances) rebalances" }
            let listed: String
            if Set(shown.map { counts[$0]! }).count == 1 {
                let at = times(counts[shown[0]]!)
                // "… at all 3 rebalances" when every asset is listed; the ones past the list may differ.
                listed = order.count > shown.count ? shown.joined(separator: ", ") + " (each at \(at))" + more(order.count)
                                                   : shown.joined(separator: ", ") + " at " + at
            } else {
                listed = shown.map { "\($0) (at \(times(counts[$0]!)))" }.joined(separator: ", ") + more(order.count)
            }
            text = "\(order.count) of \(exclusions.universeCount) assets of the universe \(verb) left out of rebalances for \(rule): " + listed
        }
        if let file = exclusions.benchmarkFile {
            let shares = exclusions.rebalances.compactMap(\.benchmarkShare).filter { $0 > 0 }
            if let low = shares.min(), let high = shares.max() {
                let range = percent(low) == percent(high) ? percent(low) : "\(percent(low))–\(percent(high))"
                text += rebalances == 1
                    ? "; they carried \(range) of the benchmark's weight in \(file), renormalised over the other assets"
                    : "; they carried \(range) of the benchmark's weight in \(file), renormalised over the other assets at \(shares.count) of the \(rebalances) rebalances"
            }
        }
        return text
    }

    /// " and 3 more" past the first `examples`.
    private static func more(_ count: Int) -> String {
        count > examples ? " and \(count - examples) more" : ""
    }

    /// A weight as a percentage with one decimal: "40.0%".
    public static func percent(_ value: Double) -> String {
        String(format: "%.1f%%", value * 100)
    }
}

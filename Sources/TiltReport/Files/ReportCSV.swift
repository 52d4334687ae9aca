import TiltBacktest
import TiltData

/// The CSV files of a report. Numbers are decimals at full precision; empty fields mean "no value".
enum ReportCSV {
    /// `month`, then `<name> portfolio`, `<name> benchmark`, `<name> active` per result; one row per
    /// month of any result (results may cover different periods).
    static func returns(_ results: [BacktestResult]) -> String {
        var csv = CSVText(header: ["month"] + results.flatMap { r in
            ["portfolio", "benchmark", "active"].map { "\(r.name) \($0)" }
        })
        let allMonths = Set(results.flatMap(\.months)).sorted()
        let rowOf = results.map { r in Dictionary(r.months.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a }) }
        for month in allMonths {
            var fields = [month.description]
            for (r, rows) in zip(results, rowOf) {
                if let t = rows[month] {
                    let p = r.portfolioReturns[t], b = r.benchmarkReturns[t]
                    fields += [ValueFormat.csv(p), ValueFormat.csv(b), ValueFormat.csv(p - b)]
                } else {
                    fields += ["", "", ""]
                }
            }
            csv.append(fields)
        }
        return csv.text
    }

    /// `result, rebalance_month, asset, weight, benchmark_weight` (and `sector` when known): one row per
    /// asset and rebalance of each result.
    static func weights(_ results: [BacktestResult]) -> String {
        var csv = CSVText(header: ["result", "rebalance_month", "asset", "sector", "weight", "benchmark_weight"])
        for result in results {
            for r in result.rebalances {
                for (i, asset) in r.assets.enumerated() {
                    csv.append([result.name, r.month.description, asset, r.sectors?[i] ?? "",
                                ValueFormat.csv(r.weights[i]), ValueFormat.csv(r.benchmarkWeights[i])])
                }
            }
        }
        return csv.text
    }

    /// `result, rebalance_month, ex_ante_te` (annualised), then each factor's and the specific
    /// contribution to monthly ex-ante active variance, factor columns the union over the results.
    static func contributions(_ results: [BacktestResult]) -> String {
        let histories = results.map { RiskContributionHistory(rebalances: $0.rebalances) }
        let factors = orderedUnion(histories.map(\.factorNames))
        var csv = CSVText(header: ["result", "rebalance_month", "ex_ante_te"] + factors + ["specific"])
        for (result, h) in zip(results, histories) {
            let te = h.exAnteTrackingErrors
            for t in h.months.indices {
                let byFactor = factors.map { f in
                    h.factorNames.firstIndex(of: f).map { ValueFormat.csv(h.factorContributions[t][$0]) } ?? ""
                }
                csv.append([result.name, h.months[t].description, ValueFormat.csv(te[t])] + byFactor
                           + [ValueFormat.csv(h.specificContributions[t])])
            }
        }
        return csv.text
    }

    /// One row per rebalance of each result with a regime model: the forecast (mixing) probability and the
    /// filtered probability of each regime; `nil` when no result has a regime model.
    static func regimes(_ results: [BacktestResult]) -> String? {
        let states = results.flatMap(\.rebalances).compactMap { $0.regimeProbabilities?.count }.max() ?? 0
        guard states > 0 else { return nil }
        let labels = (1...states).map { "forecast_\($0)" } + (1...states).map { "filtered_\($0)" }
        var csv = CSVText(header: ["result", "rebalance_month"] + labels)
        for result in results {
            for r in result.rebalances {
                guard let forecast = r.regimeProbabilities else { continue }
                let filtered = r.filteredRegimeProbabilities ?? []
                let cells = (0..<states).map { $0 < forecast.count ? ValueFormat.csv(forecast[$0]) : "" }
                    + (0..<states).map { $0 < filtered.count ? ValueFormat.csv(filtered[$0]) : "" }
                csv.append([result.name, r.month.description] + cells)
            }
        }
        return csv.text
    }
}

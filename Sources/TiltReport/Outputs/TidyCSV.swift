import TiltBacktest
import TiltData

/// The CSV files of a report, each in long (tidy) form — one observation per row, the same columns
/// whatever the strategy — so that pandas and R read them without reshaping (Docs/outputs.md). Numbers are
/// decimals at full precision; an empty field means "no value". `month` is the month a return was earned
/// in returns.csv and attribution.csv, and the rebalance month T (at whose end the weights were chosen)
/// elsewhere.
enum TidyCSV {
    /// `result, month, portfolio, benchmark, active, rf`: one row per result and month; portfolio returns
    /// are net of costs, active = portfolio − benchmark, rf empty without a risk-free rate.
    static func returns(_ results: [BacktestResult]) -> String {
        var csv = CSVText(header: ["result", "month", "portfolio", "benchmark", "active", "rf"])
        for r in results {
            for t in r.months.indices {
                let p = r.portfolioReturns[t], b = r.benchmarkReturns[t]
                csv.append([r.name, r.months[t].description, ValueFormat.csv(p), ValueFormat.csv(b), ValueFormat.csv(p - b),
                            r.riskFree.map { ValueFormat.csv($0[t]) } ?? ""])
            }
        }
        return csv.text
    }

    /// `result, month, asset, weight, benchmark_weight, sector`: one row per rebalance and asset whose
    /// portfolio or benchmark weight is not zero (sector empty when unknown).
    static func weights(_ results: [BacktestResult]) -> String {
        var csv = CSVText(header: ["result", "month", "asset", "weight", "benchmark_weight", "sector"])
        for result in results {
            for r in result.rebalances {
                for (i, asset) in r.assets.enumerated() where r.weights[i] != 0 || r.benchmarkWeights[i] != 0 {
                    csv.append([result.name, r.month.description, asset, ValueFormat.csv(r.weights[i]),
                                ValueFormat.csv(r.benchmarkWeights[i]), r.sectors?[i] ?? ""])
                }
            }
        }
        return csv.text
    }

    /// `result, month, factor, active_exposure`: the active exposures f = B(w − b) decided at each
    /// rebalance ("alpha", the intercept row, is a monthly return; the others are loadings). For a
    /// parametric policy, its active characteristics.
    static func exposures(_ results: [BacktestResult]) -> String {
        var csv = CSVText(header: ["result", "month", "factor", "active_exposure"])
        for result in results {
            for r in result.rebalances {
                for (name, value) in zip(r.factorNames, r.activeExposures) {
                    csv.append([result.name, r.month.description, name, ValueFormat.csv(value)])
                }
            }
        }
        return csv.text
    }

    /// `result, month, source, variance_contribution, te_contribution`: the ex-ante active risk at each
    /// rebalance split by source (each factor, then "specific"): the contribution to monthly active
    /// variance (summing to it) and to the annualised tracking error (√12 · contribution / monthly active
    /// volatility, summing to the ex-ante tracking error). Rebalances without a risk model are left out.
    static func contributions(_ results: [BacktestResult]) -> String {
        var csv = CSVText(header: ["result", "month", "source", "variance_contribution", "te_contribution"])
        for result in results {
            for r in result.rebalances where r.exAnteActiveVariance.isFinite {
                let scale = r.exAnteActiveVariance > 0
                    ? SeriesStatistics.monthsPerYear.squareRoot() / r.exAnteActiveVariance.squareRoot() : 0
                let sources = zip(r.riskFactorNames, r.factorRiskContributions).map { ($0, $1) }
                    + [("specific", r.specificRiskContribution)]
                for (source, variance) in sources {
                    csv.append([result.name, r.month.description, source, ValueFormat.csv(variance), ValueFormat.csv(variance * scale)])
                }
            }
        }
        return csv.text
    }

    /// `result, month, attribution, effect, segment, contribution, linked`: both attributions of each
    /// month's active return (`factor`, `brinson_fachler`); `contribution` adds up, over a month's rows of
    /// one attribution, to its net active return; `linked` is Carino-linked over the whole period, adding
    /// up over all months to R_P − R_B. Segment: the factor or sector, empty for one-number effects.
    static func attribution(_ results: [BacktestResult]) -> String {
        var csv = CSVText(header: ["result", "month", "attribution", "effect", "segment", "contribution", "linked"])
        for result in results {
            for attribution in [FactorAttribution.make(result), BrinsonFachlerAttribution.make(result)].compactMap({ $0 }) {
                let linked = attribution.linked(attribution.months.indices)
                for t in attribution.months.indices {
                    for (c, component) in attribution.components.enumerated() {
                        csv.append([result.name, attribution.months[t].description, attribution.method.rawValue, component.effect,
                                    component.segment, ValueFormat.csv(attribution.contributions[t][c]), ValueFormat.csv(linked[t][c])])
                    }
                }
            }
        }
        return csv.text
    }

    /// `result, month, regime, forecast, filtered`: each regime's forecast (mixing) and filtered
    /// probability at each rebalance of a result with a regime model; `nil` when no result has one.
    static func regimes(_ results: [BacktestResult]) -> String? {
        guard results.contains(where: { $0.rebalances.contains { $0.regimeProbabilities != nil } }) else { return nil }
        var csv = CSVText(header: ["result", "month", "regime", "forecast", "filtered"])
        for result in results {
            for r in result.rebalances {
                guard let forecast = r.regimeProbabilities else { continue }
                let filtered = r.filteredRegimeProbabilities ?? []
                for s in forecast.indices {
                    csv.append([result.name, r.month.description, "\(s + 1)", ValueFormat.csv(forecast[s]),
                                s < filtered.count ? ValueFormat.csv(filtered[s]) : ""])
                }
            }
        }
        return csv.text
    }

    /// `result, month, characteristic, theta`: a parametric policy's θ re-estimated at each decision month.
    static func theta(_ path: ThetaPath, result: String) -> String {
        var csv = CSVText(header: ["result", "month", "characteristic", "theta"])
        for (month, values) in zip(path.months, path.values) {
            for (name, value) in zip(path.characteristics, values) {
                csv.append([result, month.description, name, ValueFormat.csv(value)])
            }
        }
        return csv.text
    }
}

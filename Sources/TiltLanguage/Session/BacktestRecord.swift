import TiltBacktest
import TiltData
import TiltLinearAlgebra

/// A strategy's result as a value (`backtest`, bound when it has run): its return series, weights,
/// exposures, ex-ante risk and metrics as labelled matrices — rows by month, columns by asset, sector or
/// factor — so that `backtest[weights][2008-09]` is the weights chosen at the end of 2008-09 and
/// `backtest[returns][2008-10]` what they earned. A sweep's is one record per value, by its label.
enum BacktestRecord {
    static func record(of results: [BacktestResult]) -> Record {
        if results.count == 1 { return record(of: results[0]) }
        return Record(title: "\(results.count) backtests", fields: results.map { result in
            Record.Field(result.name, "the backtest with \(result.name)", value: .record(record(of: result)))
        })
    }

    static func record(of result: BacktestResult) -> Record {
        let months = result.months.map(\.description)
        let rebalanceMonths = result.rebalances.map(\.month.description)
        let span = "\(result.months.first.map(\.description) ?? "?")..\(result.months.last.map(\.description) ?? "?")"
        var fields: [Record.Field] = [
            Record.Field("returns", "portfolio (net of costs), benchmark and active return of each month, months × 3 (monthly decimals)") {
                var m = Matrix(rows: months.count, cols: 3)
                for t in months.indices {
                    m[t, 0] = result.portfolioReturns[t]
                    m[t, 1] = result.benchmarkReturns[t]
                    m[t, 2] = result.portfolioReturns[t] - result.benchmarkReturns[t]
                }
                m.rowLabels = months
                m.colLabels = ["portfolio", "benchmark", "active"]
                return .matrix(m)
            },
            Record.Field("weights", "the weights chosen at the end of each rebalance month, months × units (0 where not eligible)") {
                .matrix(unitMatrix(result.rebalances, rows: rebalanceMonths) { ($0.assets, $0.weights) })
            },
            Record.Field("benchmark_weights", "the benchmark's weights at each rebalance, months × units") {
                .matrix(unitMatrix(result.rebalances, rows: rebalanceMonths) { ($0.assets, $0.benchmarkWeights) })
            },
            Record.Field("exposures", "active factor exposures f = B(w − b) at each rebalance, months × (alpha, factors)") {
                .matrix(unitMatrix(result.rebalances, rows: rebalanceMonths) { ($0.factorNames, $0.activeExposures) })
            },
            Record.Field("risk", "ex-ante active variance at each rebalance by factor, specific and total, months × (factors, specific, total) (monthly decimal²)") {
                .matrix(unitMatrix(result.rebalances, rows: rebalanceMonths) {
                    (Array($0.factorNames.dropFirst()) + ["specific", "total"],
                     $0.factorRiskContributions + [$0.specificRiskContribution, $0.exAnteActiveVariance])
                })
            },
            Record.Field("tev", "ex-ante tracking error at each rebalance (annualised)") {
                .matrix(column(result.rebalances.map(\.exAnteTrackingError), rows: rebalanceMonths, name: "tev"))
            },
            Record.Field("turnover", "Σ|w − w_before| at each rebalance") {
                .matrix(column(result.rebalances.map(\.turnover), rows: rebalanceMonths, name: "turnover"))
            },
            Record.Field("metrics", "the headline statistics (annualised: means ×12, volatilities ×√12)") { metrics(result) },
        ]
        if result.rebalances.first?.regimeProbabilities != nil {
            fields.append(Record.Field("regimes", "the forecast regime probabilities at each rebalance, months × regimes") {
                .matrix(unitMatrix(result.rebalances, rows: rebalanceMonths) { rebalance in
                    let p = rebalance.regimeProbabilities ?? []
                    return ((1...max(1, p.count)).map { "regime\($0)" }.prefix(p.count).map { $0 }, p)
                })
            })
        }
        return Record(title: "backtest \(result.name), \(result.months.count) months \(span), \(result.rebalances.count) rebalances", fields: fields)
    }

    /// Rows of per-rebalance values over named columns (the union of the names, in order of appearance;
    /// 0 where a row does not have one).
    private static func unitMatrix(_ rebalances: [BacktestResult.Rebalance], rows: [String],
                                   _ values: (BacktestResult.Rebalance) -> ([String], [Double])) -> Matrix {
        var columns: [String] = [], position: [String: Int] = [:]
        let rowValues = rebalances.map(values)
        for (names, _) in rowValues {
            for name in names where position[name] == nil {
                position[name] = columns.count
                columns.append(name)
            }
        }
        var m = Matrix(rows: rows.count, cols: columns.count)
        for (r, (names, numbers)) in rowValues.enumerated() {
            for (name, x) in zip(names, numbers) { m[r, position[name]!] = x }
        }
        m.rowLabels = rows
        m.colLabels = columns
        return m
    }

    private static func column(_ values: [Double], rows: [String], name: String) -> Matrix {
        var m = Matrix(column: values, labels: rows)
        m.colLabels = [name]
        return m
    }

    /// `PerformanceMetrics` as a labelled column.
    private static func metrics(_ result: BacktestResult) -> Value {
        guard let m = try? PerformanceMetrics(result) else { return .string("no metrics: the result is inconsistent") }
        let rows: [(String, Double)] = [
            ("return", m.portfolio.annualArithmeticReturn), ("volatility", m.portfolio.annualVolatility),
            ("sharpe", m.portfolio.sharpeRatio), ("max_drawdown", m.portfolio.maxDrawdownDepth),
            ("benchmark_return", m.benchmark.annualArithmeticReturn), ("benchmark_volatility", m.benchmark.annualVolatility),
            ("active_return", m.active.annualArithmeticReturn), ("tracking_error", m.trackingError),
            ("information_ratio", m.informationRatio), ("turnover", m.trading.annualTurnover),
            ("holdings", m.trading.averageHoldings), ("cost", m.annualCost),
        ]
        var column = Matrix(column: rows.map(\.1), labels: rows.map(\.0))
        column.colLabels = [result.name]
        return .matrix(column)
    }
}

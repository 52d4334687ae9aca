import TiltBacktest
import TiltData
import TiltModels
import TiltSyntax

/// Runs a `policy parametric(…)` program: loads the 48 industries, builds the characteristics and the
/// monthly cross-sections, fits θ in sample, re-estimates it at every rebalance out of sample and turns the
/// held weights into a `BacktestResult` against the benchmark, so the usual report follows.
extension Interpreter {
    func runPolicy(_ draft: StrategyDraft) throws -> [BacktestResult] {
        guard let universeExpr = draft.universe, let statement = draft.policy, let rebalance = draft.rebalance else {
            throw Diagnostic("the strategy is incomplete: it needs \(draft.missingPart ?? "more statements")",
                             at: draft.firstRange ?? .empty)
        }
        for (unused, word) in [(draft.model, "model"), (draft.factors, "factors")] {
            if let unused { throw Diagnostic("a parametric policy does not use a `\(word)` statement", at: unused.range,
                                             hint: "the policy's weights come from its characteristics; remove the statement") }
        }
        if draft.allocateBySector {
            throw Diagnostic("a parametric policy allocates to assets, not sectors", at: statement.range)
        }
        if let sweep = draft.sweeps.first {
            throw Diagnostic("sweeps are not available for parametric policies yet", at: sweep.name.range)
        }
        let options = try PolicyOptions(policy: statement.policy, utility: statement.utility, interpreter: self)
        let industries = try loadIndustries(universeExpr)
        let characteristics = try options.characteristics.map { try panel($0.characteristic, industries, at: $0.range) }
        let benchmark: PolicyCrossSections.Benchmark
        switch draft.benchmark?.kind {
        case nil, .name("mktcap")?: benchmark = .marketCap
        case .name("equal")?: benchmark = .equal
        default:
            throw Diagnostic("a parametric policy's benchmark is `mktcap` or `equal`", at: draft.benchmark?.range ?? statement.range)
        }
        let data = try policyStep(at: statement.policy.range) {
            try PolicyCrossSections(months: industries.months, assetNames: industries.industries,
                                    returns: industries.valueWeightedReturns, marketCaps: industries.marketCap,
                                    characteristics: characteristics, benchmark: benchmark)
        }
        let schedule = try policySchedule(rebalance, after: options.fit, months: industries.months)
        let policy = ParametricPolicy(utility: options.utility, longOnly: options.longOnly)
        let inSample = try policyStep(at: options.fitRange) { try policy.fit(data, decisionMonths: options.fit) }
        let inSampleHoldings = try policyStep(at: options.fitRange) {
            try policy.holdings(theta: inSample.theta, over: options.fit, in: data)
        }
        let decisions = try policyStep(at: rebalance.window?.range ?? rebalance.range) {
            try policy.outOfSample(data, schedule: schedule, window: options.window)
        }
        let result = try backtest(decisions.map(\.holding), data: data, industries: industries,
                                  cost: costPerTurnover(draft), crises: crisisWindows(draft))
        let returnMonths = inSampleHoldings.map { $0.month + 1 }
        try policyResults?(PolicyReport(
            characteristics: data.characteristicNames, utility: options.utility, longOnly: options.longOnly,
            window: options.window, inSample: inSample,
            inSamplePolicy: ReturnStatistics(returns: inSampleHoldings.map(\.portfolioReturn), riskFree: nil, months: returnMonths),
            inSampleBenchmark: ReturnStatistics(returns: inSampleHoldings.map(\.benchmarkReturn), riskFree: nil, months: returnMonths),
            inSampleWeights: PolicyWeightStatistics(inSampleHoldings),
            outOfSampleWeights: PolicyWeightStatistics(decisions.map(\.holding)),
            outOfSampleMonths: schedule, thetaPath: decisions.map(\.theta)))
        return [result]
    }

    /// Runs a step of the policy, turning its errors into a diagnostic at `range`.
    private func policyStep<T>(at range: SourceRange, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as PolicyError {
            throw Diagnostic(error.description, at: range, hint: Self.hint(for: error.kind))
        } catch let error as ModelError {
            throw Diagnostic(error.message, at: range)
        }
    }

    private static func hint(for kind: PolicyError.Kind) -> String? {
        switch kind {
        case .missingCrossSection: "choose months the data and every characteristic cover (momentum needs 12 months of returns)"
        case .noMaximum: "use more estimation months, fewer characteristics or a higher risk aversion"
        case .nonPositiveWealth: "CRRA utility needs 1 + r > 0 in every month"
        case .invalidInput: nil
        }
    }

    private func loadIndustries(_ e: Expr) throws -> IndustryPortfolios {
        guard case .call(let name, let arguments) = e.kind, name.name == "kenfrench", arguments.count == 1 else {
            throw Diagnostic("a parametric policy runs on Ken French's industry portfolios", at: e.range,
                             hint: "`universe kenfrench(\"48_Industry_Portfolios.CSV\")`: size and value come from its sections")
        }
        let file = try path(arguments[0].value, what: "the Ken French industry portfolios")
        do { return try IndustryPortfolios.load(path: file) } catch { throw Diagnostic.data(error, at: arguments[0].value.range) }
    }

    private func panel(_ characteristic: PolicyOptions.Characteristic, _ industries: IndustryPortfolios,
                       at range: SourceRange) throws -> CharacteristicPanel {
        switch characteristic {
        case .size: return .size(industries)
        case .value: return .value(industries)
        case .momentum: return .momentum(returns: industries.valueWeightedReturns)
        case .file(let path, let name):
            // Raw values of any sign: read as a table, not as returns.
            let file: MonthlyTable
            do { file = try MonthlyTable(path: path) } catch { throw Diagnostic.data(error, at: range) }
            return try policyStep(at: range) {
                try CharacteristicPanel.aligned(name: name, months: file.months, assets: file.values.colLabels ?? [],
                                                values: file.values, toMonths: industries.months, assets: industries.industries)
            }
        }
    }

    /// The out-of-sample decision months: `rebalance monthly from A to B`, or by default from the month
    /// after the in-sample fit to the second-to-last month of the data.
    private func policySchedule(_ rebalance: (frequency: Identifier, window: Expr?, range: SourceRange),
                                after fit: ClosedRange<Month>, months: [Month]) throws -> [Month] {
        guard rebalance.frequency.name == "monthly" else {
            throw Diagnostic("a parametric policy is re-estimated and rebalanced monthly", at: rebalance.frequency.range,
                             hint: "`rebalance monthly from 1973-12 to 2024-11`")
        }
        guard let first = months.first, let last = months.dropLast().last else {
            throw Diagnostic("the data has fewer than two months", at: rebalance.range)
        }
        var (from, to) = (fit.upperBound + 1, last)
        if let window = rebalance.window {
            (from, to) = try monthRange(window)
            guard from >= first, to <= last else {
                throw Diagnostic("the rebalancing window \(from)…\(to) is outside the data (\(first)…\(last) for rebalances)", at: window.range)
            }
        }
        guard from <= to else { throw Diagnostic("no rebalance month falls inside the data (\(first)…\(last))", at: rebalance.range) }
        return (from.ordinal...to.ordinal).map(Month.init(ordinal:))
    }

    /// The held weights as a monthly backtest: each decision's weights earn the next month; turnover is
    /// Σ|w − w_before| against the previous weights drifted by the month's returns, and costs are charged on
    /// it in the month after the rebalance.
    private func backtest(_ holdings: [PolicyHolding], data: PolicyCrossSections, industries: IndustryPortfolios,
                          cost: Double, crises: [CrisisWindow]) throws -> BacktestResult {
        var result = BacktestResult(name: "policy", months: [], portfolioReturns: [], benchmarkReturns: [], costs: [],
                                    riskFree: nil, rebalances: [], crises: crises, sectorMonths: [])
        let sectors = industries.sectors
        var drifted: [Int: Double] = [:]
        for holding in holdings {
            var turnover = 0.0
            var target: [Int: Double] = [:]
            for (column, weight) in zip(holding.assets, holding.weights) { target[column] = weight }
            for column in Set(target.keys).union(drifted.keys) { turnover += abs((target[column] ?? 0) - (drifted[column] ?? 0)) }
            let charged = cost * turnover
            result.months.append(holding.month + 1)
            result.portfolioReturns.append(holding.portfolioReturn - charged)
            result.benchmarkReturns.append(holding.benchmarkReturn)
            result.costs.append(charged)
            result.sectorMonths?.append(SectorMonth(assetSectors: holding.assets.map { sectors[$0] }, weights: holding.weights,
                                                    benchmarkWeights: holding.benchmarkWeights, returns: holding.assetReturns))
            result.rebalances.append(BacktestResult.Rebalance(
                month: holding.month, assets: holding.assets.map { data.assetNames[$0] }, weights: holding.weights,
                benchmarkWeights: holding.benchmarkWeights, sectors: holding.assets.map { sectors[$0] }, turnover: turnover,
                factorNames: data.characteristicNames, activeExposures: holding.activeCharacteristics,
                factorRiskContributions: [], specificRiskContribution: .nan, exAnteActiveVariance: .nan, status: "optimal"))
            let growth = 1 + holding.portfolioReturn
            drifted = [:]
            guard growth > 0 else { continue }
            for (i, column) in holding.assets.enumerated() {
                drifted[column] = holding.weights[i] * (1 + holding.assetReturns[i]) / growth
            }
        }
        return result
    }
}

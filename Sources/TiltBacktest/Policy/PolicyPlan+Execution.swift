import TiltData
import TiltModels

extension PolicyPlan {
    /// Runs the policy: loads the industries, builds the characteristics and the monthly cross-sections,
    /// fits θ in sample, re-estimates it at every rebalance out of sample and turns the held weights into a
    /// `BacktestResult` against the benchmark; the estimates come back as a `PolicyReport`. Throws
    /// `PlanError`, or `Cancelled` when `cancellation` stopped it (checked before each decision month).
    public func run(cancellation: Cancellation? = nil) throws -> (result: BacktestResult, report: PolicyReport) {
        let industries: IndustryPortfolios
        do { industries = try IndustryPortfolios.load(path: self.industries) } catch { throw PlanError(data: error, at: .universeData) }
        var panels: [CharacteristicPanel] = []
        for (index, characteristic) in characteristics.enumerated() {
            panels.append(try characteristic.panel(industries, at: .characteristic(index)))
        }
        let crossSectionBenchmark: PolicyCrossSections.Benchmark = benchmark == .equal ? .equal : .marketCap
        let data = try Self.step(at: .policy) {
            try PolicyCrossSections(months: industries.months, assetNames: industries.industries,
                                    returns: industries.valueWeightedReturns, marketCaps: industries.marketCap,
                                    characteristics: panels, benchmark: crossSectionBenchmark)
        }
        let fit = fitFrom...fitTo
        let schedule = try decisionMonths(after: fit, months: industries.months)
        let utility = try Self.step(at: .policy) { riskAversion == 1 ? CRRAUtility.log : try CRRAUtility(riskAversion: riskAversion) }
        let estimationWindow: EstimationWindow
        switch window {
        case .rolling(let months): estimationWindow = .rolling(months: months)
        case .expanding(let from): estimationWindow = .expanding(from: from ?? fit.lowerBound + 1)
        }
        let policy = ParametricPolicy(utility: utility, longOnly: longOnly)
        let inSample = try Self.step(at: .policyFit) { try policy.fit(data, decisionMonths: fit) }
        let inSampleHoldings = try Self.step(at: .policyFit) { try policy.holdings(theta: inSample.theta, over: fit, in: data) }
        let decisions: [ParametricPolicy.Decision]
        do {
            decisions = try policy.outOfSample(data, schedule: schedule, window: estimationWindow,
                                               checkpoint: { try cancellation?.check() })
        } catch let stopped as Cancelled {
            throw stopped
        } catch {
            throw Self.planError(error, at: .rebalanceWindow)
        }
        let result = backtest(decisions.map(\.holding), data: data, industries: industries)
        let returnMonths = inSampleHoldings.map { $0.month + 1 }
        let report = PolicyReport(
            characteristics: data.characteristicNames, utility: utility, longOnly: longOnly,
            window: estimationWindow, inSample: inSample,
            inSamplePolicy: ReturnStatistics(returns: inSampleHoldings.map(\.portfolioReturn), riskFree: nil, months: returnMonths),
            inSampleBenchmark: ReturnStatistics(returns: inSampleHoldings.map(\.benchmarkReturn), riskFree: nil, months: returnMonths),
            inSampleWeights: PolicyWeightStatistics(inSampleHoldings),
            outOfSampleWeights: PolicyWeightStatistics(decisions.map(\.holding)),
            outOfSampleMonths: schedule, thetaPath: decisions.map(\.theta))
        return (result, report)
    }

    /// Runs a step of the policy, turning its errors into a plan error at `part`.
    static func step<T>(at part: PlanError.Part, _ body: () throws -> T) throws(PlanError) -> T {
        do { return try body() } catch { throw planError(error, at: part) }
    }

    /// A policy step's error as a plan error at `part`.
    static func planError(_ error: Error, at part: PlanError.Part) -> PlanError {
        if let error = error as? PolicyError { return PlanError(error.description, at: part, hint: hint(for: error.kind)) }
        if let error = error as? ModelError { return PlanError(error.message, at: part) }
        return PlanError(String(describing: error), at: part)
    }

    static func hint(for kind: PolicyError.Kind) -> String? {
        switch kind {
        case .missingCrossSection: "choose months the data and every characteristic cover (momentum needs 12 months of returns)"
        case .noMaximum: "use more estimation months, fewer characteristics or a higher risk aversion"
        case .nonPositiveWealth: "CRRA utility needs 1 + r > 0 in every month"
        case .invalidInput: nil
        }
    }

    /// The out-of-sample decision months: `from` through `to`, or by default from the month after the
    /// in-sample fit to the second-to-last month of the data.
    private func decisionMonths(after fit: ClosedRange<Month>, months: [Month]) throws(PlanError) -> [Month] {
        guard let first = months.first, let last = months.dropLast().last else {
            throw PlanError("the data has fewer than two months", at: .rebalance)
        }
        var (start, end) = (fit.upperBound + 1, last)
        if let from, let to {
            (start, end) = (from, to)
            guard start >= first, end <= last else {
                throw PlanError.windowOutsideData(from: start, to: end, first: first, last: last, dataEnd: months[months.count - 1])
            }
        }
        guard start <= end else { throw PlanError("no rebalance month falls inside the data (\(first)…\(last))", at: .rebalance) }
        return (start.ordinal...end.ordinal).map(Month.init(ordinal:))
    }

    /// The held weights as a monthly backtest: each decision's weights earn the next month; turnover is
    /// Σ|w − w_before| against the previous weights drifted by the month's returns, and costs are charged on
    /// it in the month after the rebalance.
    private func backtest(_ holdings: [PolicyHolding], data: PolicyCrossSections, industries: IndustryPortfolios) -> BacktestResult {
        var result = BacktestResult(name: "policy", months: [], portfolioReturns: [], benchmarkReturns: [], costs: [],
                                    riskFree: nil, rebalances: [], crises: crises.windows, sectorMonths: [])
        let sectors = industries.sectors
        var drifted: [Int: Double] = [:]
        for holding in holdings {
            var turnover = 0.0
            var target: [Int: Double] = [:]
            for (column, weight) in zip(holding.assets, holding.weights) { target[column] = weight }
            for column in Set(target.keys).union(drifted.keys) { turnover += abs((target[column] ?? 0) - (drifted[column] ?? 0)) }
            let charged = costPerTurnover * turnover
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

extension PolicyPlan.Characteristic {
    /// The characteristic's panel over the industries.
    func panel(_ industries: IndustryPortfolios, at part: PlanError.Part) throws(PlanError) -> CharacteristicPanel {
        switch self {
        case .size: return .size(industries)
        case .value: return .value(industries)
        case .momentum: return .momentum(returns: industries.valueWeightedReturns)
        case .file(let path, let name):
            // Raw values of any sign: read as a table, not as returns.
            let file: MonthlyTable
            do { file = try MonthlyTable(path: path) } catch { throw PlanError(data: error, at: part) }
            return try PolicyPlan.step(at: part) {
                try CharacteristicPanel.aligned(name: name, months: file.months, assets: file.values.colLabels ?? [],
                                                values: file.values, toMonths: industries.months, assets: industries.industries)
            }
        }
    }
}

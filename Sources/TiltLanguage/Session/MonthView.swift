import Foundation
import TiltBacktest
import TiltData
import TiltLinearAlgebra
import TiltModeling
import TiltModels
import TiltPortfolio
import TiltSyntax

/// `at M`: a month of the strategy's data opened in the session. The strategy's statements so far (its
/// universe, factors, benchmark, model and, when given, objective) are lowered as for a run; the data is
/// loaded once and kept for the next `at`; the month's view is built exactly as a backtest builds its
/// rebalance at M (`RebalanceView`: only data labelled ≤ M, eligibility as the backtest's) and its values
/// are bound as the names of `Vocabulary.monthNames`. With an objective, the month's problem is solved as
/// the backtest solves it (`optimum`), beside the last backtest's weights at M when that backtest is of
/// the same strategy.
extension Session {
    func look(at e: Expr, statement: Stmt, in file: SourceFile) throws {
        var lowering = PlanLowering(scope: BindingScope(interpreter: interpreter), locations: locations)
        guard let month = lowering.month(e), let (plan, map) = lowering.viewPlan(draft, at: statement.range) else {
            throw DiagnosticList(file: file, diagnostics: lowering.diagnostics)
        }
        let loaded: LoadedStrategy
        do { loaded = try loadedStrategy(for: plan) } catch { throw map.diagnostic(error) }
        let problem = plan.variants[0].problem
        let run = lastRun.flatMap { $0.matches(plan) ? $0 : nil }
        let held = problem.readsHeldWeights ? run?.holdings.before(month) ?? [:] : [:]
        let view: RebalanceView
        do { view = try loaded.view(variant: 0, at: month, held: held) } catch {
            throw Diagnostic(error.message, at: e.range, hint: error.hint)
        }
        let history = try loaded.history(of: view)
        for name in Vocabulary.monthNames.map(\.name) { interpreter.bindings[name] = nil }
        let values = MonthValues(view: view, history: history, hasCaps: loaded.data.panel.hasMarketCaps)
        for (name, value) in values.bound { interpreter.bindings[name] = value }
        var summary = values.summary(plan: plan)
        if draft.objective != nil {
            let decision: MonthDecision
            do { decision = try view.decide(problem, firstRebalance: held.isEmpty) } catch let error as BacktestError {
                // Located as the backtest locates it: at the term or constraint that cannot be posed, else
                // at the objective.
                guard let problemError = error.problemError else {
                    throw Diagnostic("at \(month): " + error.message, at: draft.objective?.range ?? statement.range, hint: error.hint)
                }
                throw map.diagnostic(PlanError("at \(month): " + error.message, at: problemError.location.part(variant: 0),
                                               hint: error.hint, unknownName: problemError.unknownName))
            }
            let backtest = run?.results.first?.rebalances.first { $0.month == month }
            let optimum = OptimumRecord(view: view, problem: problem, decision: decision, held: held.isEmpty ? nil : view.stocks.held,
                                        backtest: backtest, allocation: plan.allocation)
            interpreter.bindings["optimum"] = .record(optimum.record)
            summary += optimum.summary
        }
        output(summary)
    }

    /// The plan's data loaded: the last run's, when it is of the same data and model, or the last view's,
    /// else loaded now (and kept for the next view).
    private func loadedStrategy(for plan: StrategyPlan) throws(PlanError) -> LoadedStrategy {
        if let run = lastRun, run.plan.sameData(as: plan) { return run.loaded }
        if let (viewPlan, loaded) = viewData, viewPlan.sameData(as: plan) { return loaded }
        let loaded = try plan.load(suggest: { closestName(to: $0, among: $1) }, scheduled: false)
        viewData = (plan, loaded)
        return loaded
    }
}

/// A strategy run kept by an interactive session: its plan, data, results and the first variant's holdings
/// before each rebalance (recorded only when its problem reads them), for `at M` to compare with.
struct StrategyRun {
    let plan: StrategyPlan
    let loaded: LoadedStrategy
    let results: [BacktestResult]
    let holdings: HoldingsRecord

    /// Whether a view of `plan` sees the same first variant (data, model, problem) as this run.
    func matches(_ plan: StrategyPlan) -> Bool {
        self.plan.sameData(as: plan) && self.plan.variants.first?.problem == plan.variants.first?.problem
    }
}

/// The weights held just before each rebalance of a backtest (by asset id), filled as it runs.
final class HoldingsRecord: @unchecked Sendable {
    private let lock = NSLock()
    private var byMonth: [Month: [String: Double]] = [:]

    func record(_ month: Month, _ held: [String: Double]) { lock.withLock { byMonth[month] = held } }
    func before(_ month: Month) -> [String: Double]? { lock.withLock { byMonth[month] } }
}

extension StrategyPlan {
    /// Whether two plans read the same data into the same first variant's model (so one's loaded data
    /// serves the other's views).
    func sameData(as other: StrategyPlan) -> Bool {
        universe == other.universe && factors == other.factors && benchmark == other.benchmark && allocation == other.allocation
            && variants.first?.model == other.variants.first?.model
    }
}

/// The values `at M` binds, built from the month's view: stock-level, labelled by asset, sector and factor.
struct MonthValues {
    let view: RebalanceView
    let bound: [(String, Value)]

    init(view: RebalanceView, history: (excessReturns: Matrix, factorReturns: Matrix), hasCaps: Bool) {
        self.view = view
        let stocks = view.stocks, ids = stocks.ids
        let exposures = view.portfolio.exposureNames
        var values: [(String, Value)] = [("assets", .list(ids.map { .string($0) }))]
        if hasCaps { values.append(("c", .matrix(Matrix(column: stocks.caps, labels: ids)))) }
        if let sectors = stocks.sectors {
            values.append(("sector", .list(sectors.map { .string($0) })))
            // `dummies(sector)`, labelled by asset too.
            var dummies = Matrix.dummies(sectors)
            dummies.rowLabels = ids
            values.append(("M", .matrix(dummies)))
        }
        var loadings = stocks.loadings
        loadings.rowLabels = exposures
        loadings.colLabels = ids
        values.append(("F", .matrix(loadings)))
        values.append(("mu", .matrix(view.portfolio.muMatrix)))
        values.append(("Sigma_f", .matrix(Self.withIntercept(view.portfolio.factorCovariance, names: exposures))))
        values.append(("E", .matrix(Matrix(column: stocks.residualVariances, labels: ids))))
        values.append(("b", .matrix(Matrix(column: stocks.benchmark, labels: ids))))
        values.append(("R", .matrix(history.excessReturns)))
        values.append(("X", .matrix(history.factorReturns)))
        if let regime = view.regimeModel { values.append(("hmm", .record(Self.hmm(regime)))) }
        bound = values
    }

    /// The K × K factor covariance bordered by the intercept's zero row and column, labelled by exposure.
    static func withIntercept(_ covariance: Matrix, names: [String]) -> Matrix {
        let k = covariance.rows
        var bordered = Matrix(rows: k + 1, cols: k + 1)
        for i in 0..<k { for j in 0..<k { bordered[i + 1, j + 1] = covariance[i, j] } }
        bordered.rowLabels = names
        bordered.colLabels = names
        return bordered
    }

    /// The regime model's HMM at the month, as a record.
    static func hmm(_ model: RegimeFactorModel) -> Record {
        let hmm = model.hmm
        let states = (1...hmm.stateCount).map { "regime\($0)" }
        let factors = model.factorNames
        var means = hmm.means
        means.rowLabels = states
        means.colLabels = factors
        let covariances = hmm.covariances.map { c -> Value in
            var labelled = c
            labelled.rowLabels = factors
            labelled.colLabels = factors
            return .matrix(labelled)
        }
        var transition = hmm.transition
        transition.rowLabels = states
        transition.colLabels = states
        let window = model.windowMonths
        var smoothed = model.smoothedProbabilities
        smoothed.colLabels = states
        let span = "\(window.first.map(\.description) ?? "?")..\(window.last.map(\.description) ?? "?")"
        return Record(title: "the HMM fitted at \(model.rebalance) (\(hmm.stateCount) regimes, \(hmm.covarianceType.rawValue) covariances, \(span), \(window.count) months)", fields: [
            Record.Field("means", "each regime's mean factor returns, regimes × factors (monthly decimals)", value: .matrix(means)),
            Record.Field("covariances", "each regime's factor covariance, a list of factors × factors (monthly decimal²)", value: .list(covariances)),
            Record.Field("transition", "P(regime next month | regime this month), rows: this month", value: .matrix(transition)),
            Record.Field("filtered", "P(regime at \(model.rebalance) | factors ≤ \(model.rebalance))", value: .matrix(Matrix(column: model.filteredProbabilities, labels: states))),
            Record.Field("forecast", "the forecast regime probabilities the moments are mixed with, filteredᵀ·transitionʰ", value: .matrix(Matrix(column: model.forecastProbabilities, labels: states))),
            Record.Field("smoothed", "P(regime at t | factors of the window), months × regimes: the regression weights", value: .matrix(smoothed)),
            Record.Field("loglik", "log-likelihood of the window's factor returns", value: .number(hmm.logLikelihood)),
            Record.Field("bic", "−2 loglik + parameters · log(months)", value: .number(hmm.bic)),
            Record.Field("parameters", "free parameters of the HMM", value: .number(Double(hmm.parameterCount))),
            Record.Field("iterations", "Baum–Welch iterations of the fit", value: .number(Double(hmm.iterations))),
        ])
    }

    /// What `at M` prints: the month, its assets, factors, model window and benchmark, and the names bound.
    func summary(plan: StrategyPlan) -> String {
        let stocks = view.stocks, model = view.model
        let window = model.windowMonths
        let sectors = stocks.sectors.map { Set($0).count }
        let unitText = sectors.map { " in \($0) sectors" } ?? ""
        let kind = view.regimeModel.map { "regime model (\($0.hmm.stateCount) regimes)" } ?? "OLS"
        var lines = ["at \(view.portfolio.month): \(stocks.ids.count) eligible assets\(unitText); factors \(model.factorNames.joined(separator: ", ")); "
                     + "\(kind) over \(window.first.map(\.description) ?? "?")..\(window.last.map(\.description) ?? "?") (\(window.count) months); benchmark \(plan.benchmark.word)"]
        lines.append("  names: " + bound.map(\.0).joined(separator: ", "))
        return lines.joined(separator: "\n") + "\n"
    }
}

extension BenchmarkRule {
    /// The benchmark as a program writes it.
    var word: String {
        switch self {
        case .marketCap, .marketCapWhenKnown: return "mktcap"
        case .equal: return "equal"
        case .none: return "none"
        case .file(let path): return "read(\"\((path as NSString).lastPathComponent)\")"
        }
    }
}

/// `optimum`: the strategy's problem solved at the month, with its duals, risk decomposition and method,
/// and the backtest's weights at the month beside it.
struct OptimumRecord {
    let record: Record
    let summary: String

    init(view: RebalanceView, problem: PortfolioProblem, decision: MonthDecision, held: [Double]?,
         backtest: BacktestResult.Rebalance?, allocation: StrategySpecification.Allocation) {
        let context = view.portfolio, rebalance = decision.record, solution = decision.solution
        let units = context.units, month = context.month
        let exposures = rebalance.factorNames
        let weights = Matrix(column: rebalance.weights, labels: units)
        var fields: [Record.Field] = [
            Record.Field("w", "the optimal weights, by \(allocation == .sectors ? "sector" : "asset")", value: .matrix(weights)),
            Record.Field("b", "the benchmark's weights, by \(allocation == .sectors ? "sector" : "asset")", value: .matrix(Matrix(column: rebalance.benchmarkWeights, labels: units))),
            Record.Field("f", "active exposures f = B(w − b), intercept first", value: .matrix(Matrix(column: rebalance.activeExposures, labels: exposures))),
            Record.Field("objective", "the objective's optimal value (monthly, as stated)", value: .number(solution.objective ?? .nan)),
            Record.Field("status", "the solver's status", value: .string(rebalance.status)),
            Record.Field("method", "how it was solved", value: .string(solution.method.rawValue)),
            Record.Field("risk", "ex-ante active variance fᵀΣ_f f + (w − b)ᵀE(w − b) (monthly decimal²)", value: .number(rebalance.exAnteActiveVariance)),
            Record.Field("tev", "ex-ante tracking error √(12·risk) (annualised)", value: .number(rebalance.exAnteTrackingError)),
            Record.Field("risk_contributions", "each factor's f_k(Σ_f f)_k and the specific part of `risk` (monthly decimal²; they sum to it)",
                         value: .matrix(Matrix(column: rebalance.factorRiskContributions + [rebalance.specificRiskContribution],
                                               labels: Array(exposures.dropFirst()) + ["specific"]))),
        ]
        // One dual per lowered constraint: the stated ones, f == B(w − b), then the defaults.
        var dualFields: [Record.Field] = []
        var tevDual: (text: String, value: Double)?
        if let lowered = try? problem.lowered(in: context), lowered.constraints.count == solution.duals.count {
            for (index, (constraint, dual)) in zip(lowered.constraints, solution.duals).enumerated() {
                let stated = index < problem.constraints.count ? problem.constraints[index] : nil
                let name = stated?.label ?? constraint.text ?? "constraint \(index + 1)"
                dualFields.append(Record.Field(name, "the multiplier of `\(constraint.text ?? name)`", value: Value.normalized(dual)))
                if let stated, case .trackingErrorAtMost = stated.kind, dual.storage.count == 1 { tevDual = (stated.text, dual[0, 0]) }
            }
        }
        fields.append(Record.Field("duals", "one multiplier per constraint, by label or as written (CVXPY's signs)",
                                   value: .record(Record(title: "the duals at \(month)", fields: dualFields))))
        if let tevDual {
            fields.append(Record.Field("tev_dual", "the multiplier of `\(tevDual.text)`: the objective's gain per unit of annualised tracking error allowed", value: .number(tevDual.value)))
        }
        if allocation == .sectors {
            fields.append(Record.Field("stock_w", "the weights of the assets behind the sectors (cap-weighted inside each)",
                                       value: .matrix(Matrix(column: decision.stockWeights, labels: view.stocks.ids))))
        }
        if let held {
            fields.append(Record.Field("w_before", "the last backtest's weights held before the rebalance, drifted, by asset", value: .matrix(Matrix(column: held, labels: view.stocks.ids))))
        }
        var lines = ["  optimum: the strategy's problem at \(month), \(rebalance.status) by \(solution.method.rawValue): objective \(formatNumber(solution.objective ?? .nan)), ex-ante tracking error \(formatPercent(rebalance.exAnteTrackingError))"
                     + (tevDual.map { ", dual of `\($0.text)` \(formatNumber($0.value))" } ?? "")]
        if let backtest {
            let position = Dictionary(uniqueKeysWithValues: backtest.assets.enumerated().map { ($1, $0) })
            let theirs = units.map { position[$0].map { backtest.weights[$0] } ?? 0 }
            let largest = zip(rebalance.weights, theirs).map { abs($0 - $1) }.max() ?? 0
            fields.append(Record.Field("backtest_w", "the last backtest's weights at \(month), by \(allocation == .sectors ? "sector" : "asset")",
                                       value: .matrix(Matrix(column: theirs, labels: units))))
            fields.append(Record.Field("difference", "max |w − backtest_w|", value: .number(largest)))
            lines.append("  the backtest's weights at \(month) differ by at most \(formatNumber(largest))")
        }
        record = Record(title: "optimum at \(month)", fields: fields)
        summary = lines.joined(separator: "\n") + "\n"
    }
}

/// A decimal as a percentage with two decimals ("3.00%").
func formatPercent(_ x: Double) -> String { String(format: "%.2f%%", x * 100) }

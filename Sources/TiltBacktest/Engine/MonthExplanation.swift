import Foundation
import TiltData
import TiltLinearAlgebra
import TiltModeling
import TiltPortfolio

/// A strategy's problem at one month as `tilt explain STRATEGY --month M` shows it: the month's sizes
/// (units, assets behind them, factors, the model's window), each objective term and constraint with its
/// curvature, which method will solve it — the structured active set or the interior-point method — and
/// why, and the size of the cone program the interior-point path would solve. Codable for `--json`.
public struct MonthExplanation: Sendable, Codable {
    public struct Term: Sendable, Codable {
        /// As the plan states it: `+ mu'f`, `- 10·risk`.
        public var text: String
        /// In mathematical form, with its sizes.
        public var math: String
        public var curvature: String
    }

    public struct Constraint: Sendable, Codable {
        public var text: String
        /// In mathematical form, with its sizes (empty for a general constraint, whose text is its form).
        public var math: String
        /// Curvature of each side: `convex <= constant`.
        public var curvature: String
        public var dcp: Bool
        /// Rows × columns of the comparison (how many scalar constraints it is).
        public var shape: String
    }

    public var month: String
    /// The swept value this is (`tev = 1%`), and how many backtests the strategy has.
    public var variant: String
    public var variants: Int
    /// The decision units (assets, or sectors) and the assets behind them.
    public var unitKind: String
    public var units: Int
    public var assets: Int
    public var factors: [String]
    /// The model and its estimation window: `OLS over 1963-07..2008-09 (543 months)`.
    public var model: String
    public var sense: String
    /// The objective's curvature as a whole, and term by term.
    public var objectiveCurvature: String
    public var objective: [Term]
    /// The stated constraints, then `f == B(w - b)` and the defaults, as they are solved.
    public var constraints: [Constraint]
    /// "structured active set" or "interior point", and why.
    public var method: String
    public var reason: String
    /// The interior-point path's cone program (nil when the problem does not compile, see `compileError`).
    public var coneProgram: ConeProgramSize?
    public var compileError: String?
    /// What the reader should know about the month itself (not a rebalance month of the schedule); nil
    /// when nothing.
    public var notes: [String]?

    /// Explains `problem` in `view`'s month (`variant` of `variants`, labelled `label`).
    public init(_ problem: PortfolioProblem, in view: RebalanceView, label: String, variants: Int,
                allocation: StrategySpecification.Allocation) throws(PortfolioProblemError) {
        let context = view.portfolio
        month = context.month.description
        variant = label
        self.variants = variants
        unitKind = allocation == .sectors ? "sectors" : "assets"
        units = context.units.count
        assets = view.stockColumns.count
        factors = Array(context.exposureNames.dropFirst())
        let window = view.model.windowMonths
        let kind = view.regimeModel.map { "regime model (\($0.hmm.stateCount) regimes)" } ?? "OLS"
        model = "\(kind) over \(window.first.map(\.description) ?? "?")..\(window.last.map(\.description) ?? "?") (\(window.count) months)"
        sense = problem.sense.rawValue
        let lowered = try problem.lowered(in: context)
        objectiveCurvature = DCPAnalysis.analyze(lowered.objective).curvature.rawValue
        objective = try problem.objective.map { term throws(PortfolioProblemError) in
            let alone = PortfolioProblem(sense: problem.sense, objective: [term], constraints: [], defaults: [])
            return Term(text: term.text, math: Self.math(term.quantity, context),
                        curvature: DCPAnalysis.analyze(try alone.lowered(in: context).objective).curvature.rawValue)
        }
        let n = context.units.count, k = context.factorCovariance.rows
        constraints = lowered.constraints.enumerated().map { index, c in
            let (curvature, dcp) = Explainer.standing(c)
            let stated = index < problem.constraints.count ? problem.constraints[index] : nil
            let text = stated?.text ?? c.text ?? "constraint \(index + 1)"
            var math = stated.map { Self.math($0.kind, context) } ?? ""
            if stated == nil, index == problem.constraints.count { math = "f = B(w − b), B (K+1)×n = \(k + 1)×\(n): defines the active exposures" }
            return Constraint(text: text, math: math, curvature: curvature, dcp: dcp, shape: "\(c.lhs.rows)×\(c.lhs.cols)")
        }
        let method = problem.method(in: context)
        self.method = method.structured ? "structured active set" : "interior point"
        reason = method.reason
        do {
            coneProgram = try ConeProgramSize(lowered)
        } catch {
            compileError = String(describing: error)
        }
    }

    /// As `tilt explain` prints it.
    public var text: String {
        var lines = ["the strategy's problem at \(month)" + (variants > 1 ? " (\(variant); backtest 1 of \(variants))" : "") + ":",
                     "  \(units) \(unitKind)" + (unitKind == "sectors" ? " over \(assets) assets" : "") + ", \(factors.count) factors (\(factors.joined(separator: ", "))) and the intercept; \(model)",
                     "  w: \(units) weights; f = B(w − b): \(factors.count + 1) active exposures",
                     "\(sense) (\(objectiveCurvature)):"]
        lines.insert(contentsOf: (notes ?? []).map { "  note: " + $0 }, at: 1)
        let width = max(16, (objective.map(\.text.count) + constraints.map(\.text.count)).max() ?? 0)
        for term in objective {
            lines.append("  " + term.text.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + term.curvature)
            if !term.math.isEmpty { lines.append("  " + String(repeating: " ", count: width + 2) + "  " + term.math) }
        }
        lines.append("subject to:")
        for c in constraints {
            lines.append("  " + c.text.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(c.curvature)\(c.dcp ? "" : " — not DCP"), \(c.shape)")
            if !c.math.isEmpty { lines.append("  " + String(repeating: " ", count: width + 2) + "  " + c.math) }
        }
        lines.append("method: \(method) — \(reason)")
        if let coneProgram { lines += coneProgram.lines.map { method == "interior point" ? $0 : "interior-point path: " + $0 } }
        if let compileError { lines.append("not compiled: \(compileError)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// An objective term in mathematical form, with the month's sizes (n units, K factors).
    static func math(_ quantity: ObjectiveTerm.Quantity, _ context: PortfolioContext) -> String {
        let n = context.units.count, k = context.factorCovariance.rows
        switch quantity {
        case .expectedActiveReturn: return "μᵀf = μᵀB(w − b), μ = [1, mean factor returns] ∈ R^\(k + 1) (monthly)"
        case .risk: return "fᵀΣ_f f + (w − b)ᵀE(w − b), Σ_f \(k)×\(k) on the factors, E diagonal \(n)×\(n) (monthly variance)"
        case .trackingError: return "√12·‖[L_fᵀ f_factors; √E ∘ (w − b)]‖ with Σ_f = L_f L_fᵀ (annualised)"
        case .turnover: return "Σ|w − w_before| over \(n) units"
        case .regimeUtility(let phi):
            let s = context.regime?.states.count ?? 0
            return "−(1/φ) log Σ_s π_s exp(−φ R_sᵀw + φ²/2 wᵀV_s w), φ = \(formatNumber(phi)), \(s) regimes (exponential cones)"
        case .entropicValueAtRisk(let confidence):
            return "inf_{t>0} t·log(E exp(−R_p/t)/(1 − α)), α = \(formatNumber(confidence)) (exponential cones)"
        case .expression: return ""
        }
    }

    /// A stated constraint in mathematical form, with the month's sizes.
    static func math(_ kind: PortfolioConstraint.Kind, _ context: PortfolioContext) -> String {
        let n = context.units.count, k = context.factorCovariance.rows
        switch kind {
        case .trackingErrorAtMost(let limit):
            return "√12·‖[L_fᵀ f_factors; √E ∘ (w − b)]‖ ≤ \(formatNumber(limit)): one second-order cone of dimension \(k + n + 1)"
        case .riskAtMost(let limit): return "fᵀΣ_f f + (w − b)ᵀE(w − b) ≤ \(formatNumber(limit)) (monthly variance)"
        case .turnoverAtMost(let limit): return "Σ|w − w_before| ≤ \(formatNumber(limit)) over \(n) units"
        case .entropicValueAtRiskAtMost(let confidence, let limit): return "EVaR at \(formatNumber(confidence)) of next month's loss ≤ \(formatNumber(limit))"
        case .budget(let total): return "Σ w = \(formatNumber(total))"
        case .weightsAtLeast: return "w ≥ l, \(n) bounds"
        case .weightsAtMost: return "w ≤ u, \(n) bounds"
        case .weightsWithin: return "c − r ≤ w ≤ c + r, \(2 * n) bounds"
        case .sector(let name, let relation, let value):
            let members = context.sectors?.filter { $0 == name }.count ?? 0
            return "Σ of the \(members) weight\(members == 1 ? "" : "s") in \(name) \(relation.rawValue) \(formatNumber(value))"
        case .exposure(let name, let relation, let value): return "f_\(name) = B_\(name)(w − b) \(relation.rawValue) \(formatNumber(value))"
        case .exposureWithin(let name, let radius): return "−\(formatNumber(radius)) ≤ f_\(name) ≤ \(formatNumber(radius))"
        case .general: return ""
        }
    }

    /// As `tilt explain --json` prints it: keys sorted, indented.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}

extension ObjectiveTerm {
    /// The term as the plan states it: `+ mu'f`, `- 10·risk`, `+ regime_utility(phi: 5)`.
    var text: String {
        let name: String
        switch quantity {
        case .expectedActiveReturn: name = "mu'f"
        case .risk: name = "risk"
        case .trackingError: name = "tev"
        case .turnover: name = "turnover"
        case .regimeUtility(let phi): name = "regime_utility(phi: \(formatNumber(phi)))"
        case .entropicValueAtRisk(let confidence): name = "evar(\(formatNumber(confidence * 100))%)"
        case .expression: name = "(an expression of the month's quantities)"
        }
        return sign.rawValue + " " + (scale.map { formatNumber($0) + "·" } ?? "") + name
    }
}

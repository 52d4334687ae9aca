import Foundation
import TiltLinearAlgebra

/// The solver settings a user sets, by one table: `tilt solve --tol-feas 1e-10` and a program's
/// `solve(tol_feas: 1e-10) minimize …` read these names, accept these values and set the same fields of
/// `SolverSettings`, so the command line and the language cannot drift apart.
public enum SolverOption: String, CaseIterable, Sendable {
    // In the order they are applied: `tol_gap` sets both gap tolerances before `tol_gap_abs` or
    // `tol_gap_rel` given beside it sets one of them.
    case feasibility = "tol_feas"
    case gap = "tol_gap"
    case gapAbsolute = "tol_gap_abs"
    case gapRelative = "tol_gap_rel"
    case infeasibility = "tol_infeas"
    case maxIterations = "max_iter"

    /// The name in a program: `tol_feas`.
    public var name: String { rawValue }

    /// The flag of `tilt solve`: `--tol-feas`, `--max-iterations`.
    public var flag: String {
        self == .maxIterations ? "--max-iterations" : "--" + rawValue.replacingOccurrences(of: "_", with: "-")
    }

    /// The tolerances a user may set, the ends excluded: 0 is never reached, 1 would accept anything.
    public static let tolerances = 0.0...1.0
    /// The most iterations one may ask for: a solve takes 10 to 100; a larger limit is a typing mistake.
    public static let iterationLimits = 1...1_000_000

    /// Whether the value is a whole number (an iteration count) rather than a tolerance.
    public var isWholeNumber: Bool { self == .maxIterations }

    /// What the option means, with its unit, for `--help`, `:help` and the docs.
    public var summary: String {
        switch self {
        case .feasibility: return "feasibility tolerance: primal and dual residuals, relative to the data and the solution"
        case .gap: return "duality-gap tolerance, absolute and relative at once"
        case .gapAbsolute: return "absolute duality-gap tolerance, in the objective's units"
        case .gapRelative: return "relative duality-gap tolerance"
        case .infeasibility: return "tolerance of an infeasibility or unboundedness certificate's residual"
        case .maxIterations: return "iteration limit of the interior-point method"
        }
    }

    /// Whether `value` is accepted: a tolerance strictly between 0 and 1, an iteration limit a whole number
    /// in `iterationLimits`.
    public func accepts(_ value: Double) -> Bool {
        guard isWholeNumber else { return value > SolverOption.tolerances.lowerBound && value < SolverOption.tolerances.upperBound }
        return Int(whole: value, in: SolverOption.iterationLimits) != nil
    }

    /// What a refused `value` should have been, after "must be": nil when it is accepted.
    public func requirement(refusing value: Double) -> String? {
        guard !accepts(value) else { return nil }
        guard isWholeNumber else { return "a number between 0 and 1 (e.g. 1e-8)" }
        let limits = SolverOption.iterationLimits
        if value < Double(limits.lowerBound) { return "at least \(limits.lowerBound)" }
        if value > Double(limits.upperBound) { return "at most \(limits.upperBound)" }
        return "a whole number from \(limits.lowerBound) to \(limits.upperBound)"
    }

    /// The value `settings` has for the option; for `tol_gap`, the absolute gap tolerance (the relative
    /// one is `tol_gap_rel`).
    public func value(in settings: SolverSettings) -> Double {
        switch self {
        case .feasibility: return settings.feasibilityTolerance
        case .gap, .gapAbsolute: return settings.gapAbsoluteTolerance
        case .gapRelative: return settings.gapRelativeTolerance
        case .infeasibility: return settings.infeasibilityRelativeTolerance
        case .maxIterations: return Double(settings.maxIterations)
        }
    }

    /// A value as the docs write it: `200`, `1e-8`, `0.001`.
    public func text(_ value: Double) -> String {
        String(format: "%g", value).replacingOccurrences(of: "e-0", with: "e-").replacingOccurrences(of: "e+0", with: "e+")
    }

    /// A value refused by `SolverSettings.init(options:)`.
    public struct Refusal: Error, CustomStringConvertible {
        public let option: SolverOption
        public let value: Double
        public let requirement: String
        public var description: String { "`\(option.name)` must be \(requirement), not \(value)" }
    }
}

extension SolverSettings {
    /// The default settings with `options` set, in `SolverOption`'s order whatever the order given (so
    /// `tol_gap_abs` overrides `tol_gap` beside it). Throws the first value an option does not accept.
    public init(options: [SolverOption: Double]) throws(SolverOption.Refusal) {
        self.init()
        for option in SolverOption.allCases {
            guard let value = options[option] else { continue }
            if let requirement = option.requirement(refusing: value) {
                throw SolverOption.Refusal(option: option, value: value, requirement: requirement)
            }
            switch option {
            case .feasibility: feasibilityTolerance = value
            case .gap: (gapAbsoluteTolerance, gapRelativeTolerance) = (value, value)
            case .gapAbsolute: gapAbsoluteTolerance = value
            case .gapRelative: gapRelativeTolerance = value
            case .infeasibility: infeasibilityRelativeTolerance = value
            // Accepted: a whole number in `iterationLimits`.
            case .maxIterations: maxIterations = Int(whole: value, in: SolverOption.iterationLimits) ?? maxIterations
            }
        }
    }

    /// The settings a user can set, as `tilt explain` shows them: `tol_feas 1e-8, tol_gap_abs 1e-8, …`
    /// (`tol_gap` is shown as its two parts).
    public var optionSummary: String {
        SolverOption.allCases.filter { $0 != .gap }.map { option in
            "\(option.name) \(option.text(option.value(in: self)))"
        }.joined(separator: ", ")
    }
}

import TiltData
import TiltPortfolio

/// A plan that could not run: its data could not be read or aligned, its schedule does not fit the data, or
/// a backtest failed. `part` says which part of the plan is at fault, so that the language can point at the
/// statement that asked for it.
public struct PlanError: Error, Sendable, CustomStringConvertible {
    public enum Part: Sendable, Hashable {
        /// The universe as a whole (its data against the factors').
        case universe
        /// Where the universe's file is named (a problem reading it).
        case universeData
        /// Where an option of the universe is written (`caps:` of `returns(…)`: a problem reading its file).
        case universeOption(String)
        /// The factors (their statement, or the universe's when the factors are implied).
        case factors
        /// Where the benchmark's weights file is named.
        case benchmarkData
        /// The benchmark rule.
        case benchmark
        /// The rebalancing frequency.
        case rebalance
        /// The rebalancing window (`from … to …`), or the frequency when there is none.
        case rebalanceWindow
        /// A variant's backtest as a whole (the objective statement).
        case objective(variant: Int)
        /// A constraint of a variant's problem (its index in `PortfolioProblem.constraints`).
        case constraint(variant: Int, index: Int)
        /// A variant's factor model: the `model` statement, or its entry of `model in […]`.
        case model(variant: Int)
        /// The parametric policy statement.
        case policy
        /// The policy's in-sample fit (`fit:`).
        case policyFit
        /// The policy's characteristic at this position.
        case characteristic(Int)
        /// An experiment as a whole (`experiment regime_study(…)`).
        case experiment
        /// The experiment's `design:` (the paper design's factor file).
        case experimentDesign
        /// Where a variant's problem looks up exposure `name` (`f[hml]`): in the constraint at that position,
        /// or in the objective (nil).
        case exposureName(variant: Int, constraint: Int?, name: String)
    }

    public var part: Part
    public var message: String
    public var hint: String?
    /// The data error behind the message, with its file, line and column (shown with its excerpt).
    public var dataError: DataError?
    /// A name the data does not have (a sector, a factor, an asset), with those it has.
    public var unknownName: UnknownName?

    public init(_ message: String, at part: Part, hint: String? = nil, unknownName: UnknownName? = nil) {
        self.part = part
        self.message = message
        self.hint = hint
        self.unknownName = unknownName
    }

    /// A data problem at `part`: a `DataError` keeps its location; any other error its description.
    public init(data error: Error, at part: Part) {
        self.part = part
        if let e = error as? DataError {
            message = e.message
            hint = e.hint
            dataError = e
        } else {
            message = String(describing: error)
        }
    }

    public var description: String { message }
}

extension PortfolioProblemError.Location {
    /// Where in variant `variant`'s plan the problem is at fault: a constraint, else the objective.
    public func part(variant: Int) -> PlanError.Part {
        if case .constraint(let index) = self { return .constraint(variant: variant, index: index) }
        return .objective(variant: variant)
    }
}

import Foundation

/// What running a plan gives: a strategy's backtests (one per variant, in the plan's order), a parametric
/// policy's backtest with its estimates, or a regime study's result. A sharded run's parts merge into the
/// same (`Plan.merge`).
public enum PlanResults: Sendable {
    case strategy([BacktestResult])
    case policy(BacktestResult, PolicyReport)
    case regimeStudy(RegimeStudyResult)
}

extension Plan {
    /// Runs the whole plan. `suggest` words a hint for a name the data does not have; `progress(done,
    /// total)` counts rebalances or trials. Throws `PlanError` — a study's bad settings or failed solve at
    /// the experiment, its unreadable factor file at its design — or `Cancelled` when `cancellation` stopped
    /// the run (checked between rebalances and trials).
    public func run(suggest: NameSuggestion = { _, _ in nil }, progress: (@Sendable (Int, Int) -> Void)? = nil,
                    cancellation: Cancellation? = nil) throws -> PlanResults {
        if let strategy {
            return .strategy(try strategy.run(suggest: suggest, progress: progress, cancellation: cancellation))
        }
        if let policy {
            let (result, report) = try policy.run(cancellation: cancellation)
            return .policy(result, report)
        }
        guard let settings = regimeStudy else { throw PlanError("the plan holds no strategy, policy or study", at: .experiment) }
        do {
            return .regimeStudy(try RegimeStudy.run(settings, progress: progress, cancellation: cancellation))
        } catch let stopped as Cancelled {
            throw stopped
        } catch {
            throw PlanError(study: error)
        }
    }
}

extension PlanError {
    /// A regime study's error: its settings or a solve (at the experiment), or its design's data file.
    init(study error: Error) {
        if let error = error as? RegimeStudyError {
            self.init(error.description, at: .experiment)
        } else {
            self.init(data: error, at: .experimentDesign)
        }
    }
}

import Foundation
import Testing
import TiltBacktest
import TiltData
import TiltPortfolio

/// A sweep of three tracking-error budgets on the built-in synthetic market.
private func sweep() -> StrategyPlan {
    let variants = [0.02, 0.04, 0.06].map { limit in
        StrategyPlan.Variant(label: "tev = \(limit)", model: .standard, problem: PortfolioProblem(
            sense: .maximize, objective: [ObjectiveTerm(.expectedActiveReturn)],
            constraints: [PortfolioConstraint(.trackingErrorAtMost(limit: limit), text: "tev <= \(limit)")],
            defaults: [.fullyInvested, .longOnly]))
    }
    return StrategyPlan(universe: .synthetic(stocks: 30, seed: 2, from: Month(1995, 1), to: Month(2012, 12)), factors: .universe,
                        benchmark: .marketCap, allocation: .assets, schedule: StrategyPlan.Schedule(frequency: .monthly),
                        costPerTurnover: 0, crises: [], variants: variants)
}

/// A cancelled sweep stops every backtest at its next rebalance and throws `Cancelled`, not a plan error;
/// a cancellation asked for before the run stops it before its first rebalance; reset, it runs.
@Test func cancellationStopsASweepBetweenRebalances() throws {
    let loaded = try sweep().load()
    let total = loaded.specifications.reduce(0) { $0 + $1.rebalanceMonths.count }
    let cancellation = Cancellation()
    final class Count: @unchecked Sendable { var largest = 0 }
    let count = Count()
    #expect(throws: Cancelled.self) {
        try loaded.run(progress: { done, _ in
            count.largest = max(count.largest, done)
            if done >= 5 { cancellation.cancel() }
        }, cancellation: cancellation)
    }
    #expect(count.largest < total / 2, "stopped after \(count.largest) of \(total) rebalances")
    #expect(throws: Cancelled.self) { try loaded.run(cancellation: cancellation) }
    cancellation.reset()
    #expect(try loaded.run(cancellation: cancellation).count == 3)
}

/// A cancelled Monte Carlo study stops between trials.
@Test func cancellationStopsAStudyBetweenTrials() throws {
    let cancellation = Cancellation()
    final class Count: @unchecked Sendable { var done = 0 }
    let count = Count()
    let settings = RegimeStudy.Settings(trials: 400, stocks: 20, phis: [5], seed: 1, historyMonths: 24)
    #expect(throws: Cancelled.self) {
        try RegimeStudy.run(settings, progress: { done, _ in
            count.done = done
            if done >= 4 { cancellation.cancel() }
        }, cancellation: cancellation)
    }
    #expect(count.done < 100, "stopped after \(count.done) of 400 trials")
}

import Testing
@testable import TiltBacktest
import TiltData
import TiltPortfolio

/// A plan on the built-in synthetic market of 1995-01…2004-12 (rebalance months 1995-01…2004-11: the last
/// month has no month after it to earn), rebalancing monthly in `from`…`to`.
private func plan(from: Month, to: Month) -> StrategyPlan {
    let variant = StrategyPlan.Variant(label: "", model: .standard, problem: PortfolioProblem(
        sense: .maximize, objective: [ObjectiveTerm(.expectedActiveReturn)],
        constraints: [PortfolioConstraint(.trackingErrorAtMost(limit: 0.05), text: "tev <= 5%")],
        defaults: [.fullyInvested, .longOnly]))
    return StrategyPlan(universe: .synthetic(stocks: 10, seed: 3, from: Month(1995, 1), to: Month(2004, 12)), factors: .universe,
                        benchmark: .marketCap, allocation: .assets,
                        schedule: StrategyPlan.Schedule(frequency: .monthly, from: from, to: to),
                        costPerTurnover: 0, crises: [], variants: [variant])
}

private func windowError(_ from: Month, _ to: Month) -> PlanError? {
    do { _ = try plan(from: from, to: to).load(); return nil } catch { return error }
}

/// A window whose last month is the data's last says that only that month is outside, why (it has no
/// following month to earn) and hints `to` the month before; it was "the rebalancing window 2003-01…2004-12
/// is outside the data (1995-01…2004-11 for rebalances)". A window inside the data loads as before.
@Test func aWindowEndingInTheDataLastMonthSaysWhichPartIsOutside() throws {
    let loaded = try plan(from: Month(2003, 1), to: Month(2004, 11)).load()
    #expect(loaded.data.months.first == Month(1995, 1) && loaded.data.months.last == Month(2004, 12))
    #expect(loaded.specifications[0].rebalanceMonths == (0..<23).map { Month(2003, 1) + $0 })
    let error = try #require(windowError(Month(2003, 1), Month(2004, 12)))
    #expect(error.part == .rebalanceWindow)
    #expect(error.message == "the rebalancing window 2003-01…2004-12 is partly outside the data: its last month, 2004-12, is the data's last month, with no following month to earn (the last rebalance month is 2004-11)")
    #expect(error.hint == "write `to 2004-11` to rebalance in 2003-01…2004-11, the part of the window inside the data (a rebalance earns the month after it)")
}

/// Past the data's end, before its start, both, and wholly outside.
@Test func windowsPartlyOrWhollyOutsideTheData() throws {
    let after = try #require(windowError(Month(2003, 1), Month(2005, 6)))
    // 2004-12…2005-06: 7 months after 2004-11.
    #expect(after.message == "the rebalancing window 2003-01…2005-06 is partly outside the data: its last 7 months, 2004-12…2005-06, are after the data's last rebalance month 2004-11 (the data ends in 2004-12)")
    #expect(after.hint == "write `to 2004-11` to rebalance in 2003-01…2004-11, the part of the window inside the data (a rebalance earns the month after it)")
    let before = try #require(windowError(Month(1994, 7), Month(2004, 11)))
    #expect(before.message == "the rebalancing window 1994-07…2004-11 is partly outside the data: it starts at 1994-07, 6 months before the data's first month 1995-01")
    #expect(before.hint == "write `from 1995-01` to rebalance in 1995-01…2004-11, the part of the window inside the data (a rebalance earns the month after it)")
    let both = try #require(windowError(Month(1994, 12), Month(2004, 12)))
    #expect(both.message == "the rebalancing window 1994-12…2004-12 is partly outside the data: it starts at 1994-12, 1 month before the data's first month 1995-01; its last month, 2004-12, is the data's last month, with no following month to earn (the last rebalance month is 2004-11)")
    #expect(both.hint?.hasPrefix("write `from 1995-01 to 2004-11` to rebalance in 1995-01…2004-11") == true)
    let last = try #require(windowError(Month(2004, 12), Month(2004, 12)))
    #expect(last.message == "the rebalancing window 2004-12…2004-12 is outside the data, whose rebalance months are 1995-01…2004-11 (2004-12 is the data's last month, with no following month to earn)")
    #expect(last.hint == "choose months in 1995-01…2004-11, e.g. `from 1995-01 to 2004-11`")
    let later = try #require(windowError(Month(2005, 1), Month(2005, 6)))
    #expect(later.message.hasSuffix("rebalance months are 1995-01…2004-11 (the data ends in 2004-12)") && later.part == .rebalanceWindow)
    let earlier = try #require(windowError(Month(1990, 1), Month(1994, 6)))
    #expect(earlier.message.hasSuffix("rebalance months are 1995-01…2004-11 (the data starts in 1995-01)"))
}

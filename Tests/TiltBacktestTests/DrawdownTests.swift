import Testing
import TiltBacktest
import TiltData

@Suite struct DrawdownTests {
    let start = Month(2010, 1)

    func drawdown(_ returns: [Double]) -> Drawdown? {
        Drawdown.maximum(returns: returns, months: months(from: start, count: returns.count))
    }

    @Test func neverRecovered() throws {
        let d = try #require(drawdown([0.1, -0.5, 0.1]))      // wealth 1.1, 0.55, 0.605
        #expect(close(d.depth, -0.5))
        #expect(d.peak == start && d.trough == start + 1 && d.recovery == nil && d.monthsToRecover == nil)
        #expect(d.length == 2)                                // peak to the last month
    }

    @Test func noDrawdown() {
        #expect(drawdown([0.01, 0, 0.02]) == nil)
        #expect(drawdown([]) == nil)
        #expect(Drawdown.series(returns: [0.01, 0, 0.02]) == [0, 0, 0])
    }

    @Test func allNegativeStartsFromTheInitialWealth() throws {
        let d = try #require(drawdown([-0.1, -0.1, -0.1]))
        #expect(close(d.depth, 0.9 * 0.9 * 0.9 - 1))
        #expect(d.peak == start - 1 && d.trough == start + 2 && d.recovery == nil && d.length == 3)
        #expect(closeAll(Drawdown.series(returns: [-0.1, -0.1, -0.1]), [-0.1, -0.19, -0.271]))
    }

    @Test func reachingThePeakAgainIsARecovery() throws {
        let d = try #require(drawdown([-0.5, 1.0, 0.1]))       // wealth 0.5, 1.0 (exactly back), 1.1
        #expect(d.peak == start - 1 && d.trough == start && d.recovery == start + 1)
        #expect(d.monthsToRecover == 1 && d.length == 2)
    }

    /// A month losing more than everything (possible long–short) leaves wealth below zero: the depth is
    /// undefined (n/a in reports), not a fall beyond −100% that later months would deepen or undo.
    @Test func wealthBelowZeroHasNoDepth() throws {
        let returns = [0.1, -0.2, -1.5, 0.3, -2.0]           // wealth 1.1, 0.88, then below zero
        let d = try #require(drawdown(returns))
        #expect(d.depth.isNaN)
        #expect(d.peak == start && d.trough == start + 2 && d.recovery == nil && d.length == 4)
        let series = Drawdown.series(returns: returns)
        #expect(close(series[1], 0.88 / 1.1 - 1) && series[2...].allSatisfy(\.isNaN))
    }

    /// Losing exactly everything is a −100% drawdown, never recovered.
    @Test func totalLossIsMinus100Percent() throws {
        let d = try #require(drawdown([0.1, -1, 0.5]))
        #expect(d.depth == -1 && d.peak == start && d.trough == start + 1 && d.recovery == nil && d.length == 2)
    }

    @Test func deepestOfSeveralDrawdowns() throws {
        // 1.2, 0.96 (−20%), 1.3, 0.91 (−30%), 0.9555 — the second is deeper and from the later peak.
        let d = try #require(drawdown([0.2, -0.2, 1.3 / 0.96 - 1, -0.3, 0.05]))
        #expect(close(d.depth, -0.3))
        #expect(d.peak == start + 2 && d.trough == start + 3 && d.recovery == nil)
    }
}

import Foundation
import Testing
import TiltBacktest
import TiltData

/// Crisis windows on the hand example (wealth p: 1.1, 0.88, 0.924, 1.1088; b: 1.05, 0.945, 0.945, 1.0395;
/// rebalances at the end of 2019-12 and 2020-02).
@Suite struct CrisisAnalysisTests {
    let windows = [
        CrisisWindow(name: "inside", from: Month(2020, 2), to: Month(2020, 3)),
        CrisisWindow(name: "before the start", from: Month(2019, 6), to: Month(2020, 1)),
        CrisisWindow(name: "past the end", from: Month(2020, 4), to: Month(2020, 8)),
        CrisisWindow(name: "outside", from: Month(2021, 1), to: Month(2021, 3)),
    ]

    @Test func windowInsideTheSample() throws {
        let analysis = try CrisisAnalysis(handExample(crises: windows))
        #expect(analysis.windows.map(\.crisis.name) == ["inside", "before the start", "past the end"])
        let w = analysis.windows[0]
        #expect(w.months == 2 && w.from == Month(2020, 2) && w.to == Month(2020, 3))
        #expect(close(w.portfolioReturn, 0.8 * 1.05 - 1) && close(w.benchmarkReturn, -0.1))
        #expect(close(w.activeReturn, -0.06))
        #expect(close(w.annualisedActiveReturn, pow(0.84, 6) - pow(0.9, 6)))
        #expect(close(w.portfolioDrawdown, -0.2) && close(w.benchmarkDrawdown, -0.1))
        // p back above 1.1 (its level before the window) one month after; b never regains 1.05.
        #expect(w.portfolioRecoveryMonths == 1 && w.benchmarkRecoveryMonths == nil)
        // 2020-02 is held with the 2019-12 weights, 2020-03 with the 2020-02 weights.
        #expect(w.factorNames == ["alpha", "mkt", "smb"])
        #expect(closeAll(w.averageActiveExposures, [0, 0.2, -0.1]))
        #expect(w.sectors == ["S1", "S2"])
        #expect(closeAll(w.averageActiveSectorWeights, [7.0 / 30, -7.0 / 30]))
        #expect(closeAll(w.risk.averageFactorShares, [0.425, 0.225]))
        #expect(close(w.risk.averageExAnteTrackingError, (0.006.squareRoot() + 0.0096.squareRoot()) / 2))
    }

    @Test func windowsAtTheEdgesAreClipped() throws {
        let analysis = try CrisisAnalysis(handExample(), crises: windows)
        let before = analysis.windows[1], after = analysis.windows[2]
        #expect(before.from == Month(2020, 1) && before.to == Month(2020, 1) && before.months == 1)
        #expect(close(before.portfolioReturn, 0.1) && before.portfolioDrawdown == 0)
        #expect(before.portfolioRecoveryMonths == 0)              // never below the starting wealth 1
        #expect(close(before.annualisedActiveReturn, pow(1.1, 12) - pow(1.05, 12)))
        #expect(after.from == Month(2020, 4) && after.to == Month(2020, 4) && after.months == 1)
        #expect(after.portfolioRecoveryMonths == 0 && close(after.activeReturn, 0.1))
        #expect(closeAll(after.averageActiveExposures, [0, 0.3, 0]))
    }

    @Test func withoutSectorsThereAreNoSectorWeights() throws {
        var result = handExample(crises: windows)
        for i in result.rebalances.indices { result.rebalances[i].sectors = nil }
        let w = try CrisisAnalysis(result).windows[0]
        #expect(w.sectors.isEmpty && w.averageActiveSectorWeights.isEmpty)
    }
}

import Testing
import TiltLinearAlgebra
@testable import TiltData

@Test func widePanelWithCapsAndSectors() throws {
    let returns = try temporaryFile("r.csv", "month,AAA,BBB\n2020-01,0.01,\n2020-02,0.02,0.03\n2020-03,NA,0.04\n")
    let caps = try temporaryFile("c.csv", "month,BBB,AAA\n202001,20,10\n202002,21,11\n202003,22,12\n")
    let sectors = try temporaryFile("s.csv", "asset,sector\nBBB,Tech\nAAA,Energy\nZZZ,Other\n")
    let panel = try AssetPanel.loadWide(returns: returns, caps: caps, sectors: sectors)
    #expect(panel.assetIDs == ["AAA", "BBB"] && panel.months.count == 3)
    #expect(panel.returns[0, 0] == 0.01 && panel.returns[0, 1].isNaN && panel.returns[2, 0].isNaN)
    let c = try #require(panel.marketCaps)
    #expect(c.colLabels == ["AAA", "BBB"] && c[0, 0] == 10 && c[2, 1] == 22)
    #expect(panel.sectors == ["Energy", "Tech"])
    #expect(panel.eligibleAssets(atRebalance: 0) == [0, 1] && panel.eligibleAssets(atRebalance: 1) == [1])
    let headerless = try temporaryFile("s2.csv", "AAA,Energy\nBBB,Tech\n")
    #expect(try AssetPanel.loadWide(returns: returns, sectors: headerless).sectors == ["Energy", "Tech"])
}

@Test func widePanelErrors() throws {
    let returns = try temporaryFile("r.csv", "month,AAA,BBB\n2020-01,0.01,0.02\n2020-02,0.02,0.03\n")
    let shortCaps = try temporaryFile("c.csv", "month,AAA,BBB\n2020-01,1,2\n")
    #expect(dataError { try AssetPanel.loadWide(returns: returns, caps: shortCaps) }?.message.contains("the caps cover 2020-01…2020-01") == true)
    let otherCaps = try temporaryFile("c2.csv", "month,AAA,CCC\n2020-01,1,2\n2020-02,1,2\n")
    #expect(dataError { try AssetPanel.loadWide(returns: returns, caps: otherCaps) }?.message.contains("missing: BBB") == true)
    let partial = try temporaryFile("s.csv", "asset,sector\nAAA,Energy\n")
    #expect(dataError { try AssetPanel.loadWide(returns: returns, sectors: partial) }?.message == "no sector for 1 asset(s): BBB")
    let twice = try temporaryFile("s2.csv", "AAA,Energy\nBBB,Tech\nAAA,Tech\n")
    let error = try #require(dataError { try AssetPanel.loadWide(returns: returns, sectors: twice) })
    #expect(error.line == 3 && error.column == 1)
    let sameAsset = try #require(dataError { try AssetPanel.loadWide(returns: temporaryFile("d.csv", "month,AAA,AAA\n2020-01,1,2\n")) })
    #expect(sameAsset.line == 1 && sameAsset.column == 11 && sameAsset.message == "header name 'AAA' appears twice (also at column 7)")
    let unsorted = try temporaryFile("u.csv", "month,AAA\n2020-02,0.01\n2020-01,0.02\n")
    #expect(dataError { try AssetPanel.loadWide(returns: unsorted) }.map { ($0.line, $0.column) } ?? (0, 0) == (3, 1))
}

@Test func alignmentKeepsCommonMonths() throws {
    let returns = try temporaryFile("r.csv", "month,AAA\n1963-05,0.01\n1963-06,0.02\n1963-07,0.03\n1963-08,0.04\n")
    let panel = try AssetPanel.loadWide(returns: returns)
    let factors = try FactorFile.load(path: sharedDataPath("F-F_Research_Data_5_Factors_2x3.csv"))
    let aligned = try AlignedData(panel: panel, factors: factors)
    #expect(aligned.months == [Month(1963, 7), Month(1963, 8)])
    #expect(aligned.panel.returns.storage == [0.03, 0.04] && aligned.panel.returns.rowLabels == ["1963-07", "1963-08"])
    #expect(aligned.factors.returns.rows == 2 && aligned.factors.returns[1, 0] == 5.07 / 100)   // 196308, 5.07
    #expect(aligned.factors.riskFree?[1, 0] == 0.25 / 100)
    let early = try AssetPanel.loadWide(returns: temporaryFile("e.csv", "month,AAA\n1950-01,0.01\n1950-02,0.02\n"))
    let error = try #require(dataError { try AlignedData(panel: early, factors: factors) })
    #expect(error.message.contains("covers 1950-01…1950-02") && error.message.contains("cover 1963-07…2024-12"))
}

/// Common months that skip some are an error naming the file without them: rows must be consecutive
/// months (a rebalance earns the next month; windows count months).
@Test func alignmentRefusesSkippedMonths() throws {
    let factors = try FactorFile.load(path: sharedDataPath("F-F_Research_Data_5_Factors_2x3.csv"))
    let gapped = try AssetPanel.loadWide(returns: temporaryFile("g.csv", "month,AAA\n1990-01,0.01\n1990-02,0.02\n1990-05,0.03\n1990-06,0.04\n"))
    let error = try #require(dataError { try AlignedData(panel: gapped, factors: factors) })
    #expect(error.path.hasSuffix("g.csv"))
    #expect(error.message.hasPrefix("no data for 1990-03…1990-04, inside the months the returns and factors share (1990-01…1990-06)"))
}

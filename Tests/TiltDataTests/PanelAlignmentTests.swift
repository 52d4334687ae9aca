import Testing
import TiltTestSupport
import TiltLinearAlgebra
@testable import TiltData

@Test func widePanelWithCapsAndSectors() throws {
    let returns = try temporaryFile("r.csv", "month,AAA,BBB\n2020-01,0.01,\n2020-02,0.02,0.03\n2020-03,NA,0.04\n")
    let caps = try temporaryFile("c.csv", "month,BBB,AAA\n202001,20,10\n202002,21,11\n202003,22,12\n")
    let sectors = try temporaryFile("s.csv", "asset,sector\nBBB,Tech\nAAA,Energy\nZZZ,Other\n")
    let panel = try AssetPanel.loadWide(returns: returns, caps: caps, sectors: sectors)
    #expect(panel.assetIDs == ["AAA", "BBB"] && panel.months.count == 3)
    #expect(panel.denseReturns()[0, 0] == 0.01 && panel.denseReturns()[0, 1].isNaN && panel.denseReturns()[2, 0].isNaN)
    let c = try #require(panel.denseMarketCaps())
    #expect(c.colLabels == ["AAA", "BBB"] && c[0, 0] == 10 && c[2, 1] == 22)
    #expect(panel.sectors == ["Energy", "Tech"])
    // Eligible at T: a return and a positive cap at T (what happens at T + 1 is not known then).
    #expect(panel.eligibleAssets(atRebalance: 0) == [0] && panel.eligibleAssets(atRebalance: 1) == [0, 1]
            && panel.eligibleAssets(atRebalance: 2) == [1])
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

@Test(.enabled(if: SharedData.isAvailable, SharedData.missing)) func alignmentKeepsCommonMonths() throws {
    let returns = try temporaryFile("r.csv", "month,AAA\n1963-05,0.01\n1963-06,0.02\n1963-07,0.03\n1963-08,0.04\n")
    let panel = try AssetPanel.loadWide(returns: returns)
    let factors = try FactorFile.load(path: sharedDataPath("F-F_Research_Data_5_Factors_2x3.csv"))
    let aligned = try AlignedData(panel: panel, factors: factors)
    #expect(aligned.months == [Month(1963, 7), Month(1963, 8)])
    #expect(aligned.panel.denseReturns().storage == [0.03, 0.04] && aligned.panel.denseReturns().rowLabels == ["1963-07", "1963-08"])
    #expect(aligned.factors.returns.rows == 2 && aligned.factors.returns[1, 0] == 5.07 / 100)   // 196308, 5.07
    #expect(aligned.factors.riskFree?[1, 0] == 0.25 / 100)
    let early = try AssetPanel.loadWide(returns: temporaryFile("e.csv", "month,AAA\n1950-01,0.01\n1950-02,0.02\n"))
    let error = try #require(dataError { try AlignedData(panel: early, factors: factors) })
    #expect(error.message.contains("covers 1950-01…1950-02") && error.message.contains("cover 1963-07…2024-12"))
}

/// Common months that skip some are an error in the file without them, at its row after the months it
/// skips (it had no line): rows must be consecutive months (a rebalance earns the next month; windows
/// count months).
@Test(.enabled(if: SharedData.isAvailable, SharedData.missing)) func alignmentRefusesSkippedMonths() throws {
    let factors = try FactorFile.load(path: sharedDataPath("F-F_Research_Data_5_Factors_2x3.csv"))
    let gapped = try AssetPanel.loadWide(returns: temporaryFile("g.csv", "month,AAA\n1990-01,0.01\n1990-02,0.02\n1990-05,0.03\n1990-06,0.04\n"))
    let error = try #require(dataError { try AlignedData(panel: gapped, factors: factors) })
    #expect(error.path.hasSuffix("g.csv") && error.line == 4 && error.column == 1 && error.lineText == "1990-05,0.03")
    #expect(error.message.hasPrefix("no data for 1990-03…1990-04 before this row, inside the months the returns and factors share (1990-01…1990-06)"))
    // In a Ken French factor file, at its row after the gap.
    let panel = try AssetPanel.loadWide(returns: temporaryFile("r.csv", "month,AAA\n202001,0.01\n202002,0.02\n202003,0.03\n"))
    let kenFrench = try FactorFile.load(path: temporaryFile("kf.csv", "  Returns -- Monthly\n,Mkt-RF,RF\n202001,1,0.1\n202003,2,0.1\n"))
    let inFactors = try #require(dataError { try AlignedData(panel: panel, factors: kenFrench) })
    #expect(inFactors.path.hasSuffix("kf.csv") && inFactors.line == 4 && inFactors.column == 1)
    #expect(inFactors.message.hasPrefix("no data for 2020-02 before this row,"))
    // Each file skipping part of the gap: only what the file without the first month skips is its fault.
    let tidy = try FactorFile.loadTidy(path: temporaryFile("f.csv", "month,mktrf\n1990-01,0.01\n1990-02,0.02\n1990-03,0.03\n1990-05,0.05\n"))
    let split = try AssetPanel.loadWide(returns: temporaryFile("s.csv", "month,AAA\n1990-01,0.01\n1990-02,0.02\n1990-04,0.04\n1990-05,0.05\n"))
    let first = try #require(dataError { try AlignedData(panel: split, factors: tidy) })
    #expect(first.path.hasSuffix("s.csv") && first.line == 4 && first.message.hasPrefix("no data for 1990-03 before this row,"))
    // Months not read from rows of a file: about the file, without a line.
    let unread = try AssetPanel(path: "parts", months: [Month(1990, 1), Month(1990, 3)], assetIDs: ["AAA"],
                                returns: Matrix(rows: 2, cols: 1, columnMajor: [0.01, 0.02]))
    let fileOnly = try #require(dataError { try AlignedData(panel: unread, factors: tidy) })
    #expect(fileOnly.path == "parts" && fileOnly.line == 0 && fileOnly.message.hasPrefix("no data for 1990-02, inside"))
}

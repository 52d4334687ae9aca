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
    let short = try #require(dataError { try AssetPanel.loadWide(returns: returns, caps: shortCaps) })
    #expect(short.message == "the caps and the returns cover different months: 2020-02 is in the returns (\(returns)) but not in the caps")
    #expect(short.path == shortCaps && short.line == 2 && short.column == 1)   // the caps' last row: 2020-02 would follow it
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

/// A wide returns file without one month (2002-06) that its caps file has: the error names the month, says
/// which file lacks it, points at the caps row of that month and hints the fix (it printed the same range
/// twice: "the caps cover 1995-01…2004-12 (120 months) but the returns cover 1995-01…2004-12 (119 months)").
@Test func capsAndReturnsWithDifferentMonthsNameTheMonths() throws {
    let all = (0..<120).map { Month(1995, 1) + $0 }
    func file(_ name: String, _ months: [Month]) throws -> String {
        try temporaryFile(name, "month,AAA,BBB\n" + months.map { "\($0),0.01,0.02\n" }.joined())
    }
    let caps = try file("caps.csv", all)
    let gap = try file("returns.csv", all.filter { $0 != Month(2002, 6) })
    let error = try #require(dataError { try AssetPanel.loadWide(returns: gap, caps: caps) })
    #expect(error.message == "the caps and the returns cover different months: 2002-06 is in the caps but not in the returns (\(gap))")
    // 2002-06 is the caps' 90th month: line 91 (header on line 1).
    #expect(error.path == caps && error.line == 91 && error.column == 1 && error.lineText == "2002-06,0.01,0.02")
    #expect(error.hint == "the caps file needs a row for every month of the returns file and no other: add that month to \(gap) or remove it from the caps")
    // Caps without 2002-06 and 2003-01…2003-03, and ending in 2004-06: those months are the returns' only;
    // the error points at the caps row after the first missing month (2002-07, now the caps' 90th row: line 91).
    let missing = Set([Month(2002, 6), Month(2003, 1), Month(2003, 2), Month(2003, 3)] + (1...6).map { Month(2004, 6) + $0 })
    let shortCaps = try file("caps2.csv", all.filter { !missing.contains($0) })
    let full = try file("returns2.csv", all)
    let lacking = try #require(dataError { try AssetPanel.loadWide(returns: full, caps: shortCaps) })
    #expect(lacking.message == "the caps and the returns cover different months: 2002-06, 2003-01…2003-03, 2004-07…2004-12 (10 months) are in the returns (\(full)) but not in the caps")
    #expect(lacking.line == 91 && lacking.lineText == "2002-07,0.01,0.02")
    #expect(lacking.hint == "the caps file needs a row for every month of the returns file and no other: add caps for those months")
    // Shifted by a month: each file has a month the other lacks; both are named.
    let (r3, c3) = (try file("r3.csv", Array(all.dropFirst())), try file("c3.csv", Array(all.dropLast())))
    let shifted = try #require(dataError { try AssetPanel.loadWide(returns: r3, caps: c3) })
    #expect(shifted.message == "the caps and the returns cover different months: 1995-01 is in the caps but not in the returns (\(r3)); 2004-12 is in the returns (\(r3)) but not in the caps")
    #expect(shifted.line == 2 && shifted.hint?.hasSuffix("add that month to \(r3) or remove it from the caps; add caps for that month") == true)
}

/// `Month.listing`: runs of consecutive months, the first three, how many more, and the count.
@Test func monthListings() {
    let m = { (y: Int, k: Int) in Month(y, k) }
    #expect(Month.listing([m(2002, 6)]) == "2002-06")
    #expect(Month.listing([m(2002, 6), m(2002, 7)]) == "2002-06…2002-07 (2 months)")
    #expect(Month.listing([m(2001, 2), m(2001, 4), m(2001, 6), m(2001, 8), m(2001, 9)]) == "2001-02, 2001-04, 2001-06 and 1 more (5 months)")
    #expect(Month.listing([m(2001, 12), m(2002, 1)]) == "2001-12…2002-01 (2 months)")
}

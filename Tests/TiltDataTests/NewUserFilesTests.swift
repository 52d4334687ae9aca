import Foundation
import Testing
import TiltLinearAlgebra
import TiltTestSupport
@testable import TiltData

// A new user's own files: returns in percent, long panels with common column names, numbers written with
// '%' or thousands separators, a sectors file naming assets the returns lack.

/// `months` rows of a wide file `month,A,B,…` from 2000-01, cell (t, j) written by `cell`.
private func wide(months: Int, assets: [String], cell: (Int, Int) -> String) -> String {
    "month," + assets.joined(separator: ",") + "\n" + (0..<months).map { t in
        Month(2000 + t / 12, t % 12 + 1).description + "," + assets.indices.map { cell(t, $0) }.joined(separator: ",")
    }.joined(separator: "\n") + "\n"
}

/// Percent-looking values, some negative (losses beyond −100% as decimals): 4.5, −7.25, 3, …
private func percentCell(_ t: Int, _ j: Int) -> String { ["4.5", "-7.25", "3", "0.8", "-12.5", "6"][(t + 2 * j) % 6] }

/// A wide file in percent was caught only at its first loss beyond −100% ("'-7.25' … is a return below
/// −100%"), without saying the file looks like percent; now the error is about the whole file, at its first
/// cell beyond ±100%, with the count of such cells and the hint to divide by 100.
@Test func aWideReturnsFileInPercentIsAnErrorAboutTheFile() throws {
    let text = wide(months: 8, assets: ["A", "B"], cell: percentCell)
    let values = (0..<8).flatMap { t in (0..<2).map { j in Double(percentCell(t, j))! } }
    let beyond = values.filter { abs($0) > 1 }.count  // counted here independently of PercentCheck
    #expect(beyond == 13 && values.count == 16)
    let error = try #require(dataError { try AssetPanel.loadWide(returns: temporaryFile("pct.csv", text)) })
    #expect(error.line == 2 && error.column == 9, "\(error)")
    #expect(error.message == "'4.5' in column 'A' would be a return of +450% in one month, and 13 of the file's 16 returns (81%) lie beyond ±100%: the file looks like percent, but a returns file holds decimals (0.0123 for 1.23%)")
    #expect(error.hint == "divide the returns by 100 (real monthly returns have a median size near 0.05; this file's is above 1)")
    // All positive, it loaded in silence.
    let positive = wide(months: 8, assets: ["A", "B"]) { t, j in percentCell(t, j).replacingOccurrences(of: "-", with: "") }
    let silent = try #require(dataError { try AssetPanel.load(path: temporaryFile("pos.csv", positive)) })
    #expect(silent.line == 2 && silent.column == 9 && silent.message.hasPrefix("'4.5' in column 'A' would be a return of +450% in one month, and 13 of the file's 16 returns (81%)"))
    // The first cell beyond ±100% is the example, wherever it is.
    let late = wide(months: 8, assets: ["A", "B"]) { t, j in t == 0 ? "0.5" : (j == 0 ? "-2.5" : "9") }
    let lateError = try #require(dataError { try AssetPanel.loadWide(returns: temporaryFile("late.csv", late)) })
    #expect(lateError.line == 3 && lateError.column == 9 && lateError.message.hasPrefix("'-2.5' in column 'A' would be a return of -250% in one month, and 14 of the file's 16 returns (88%)"), "\(lateError)")
}

/// Real files keep their extremes: one +300% month, a total loss, a file of fewer than 12 returns; a
/// decimal file with one loss beyond −100% still gets that error at its cell.
@Test func extremeCellsInDecimalFilesStayLegal() throws {
    let penny = wide(months: 12, assets: ["A", "B"]) { t, j in t == 5 && j == 1 ? "3.0" : (t == 7 && j == 0 ? "-1" : "0.0\(t % 9 + 1)") }
    let panel = try AssetPanel.loadWide(returns: temporaryFile("penny.csv", penny))
    #expect(panel.returnValue(row: 5, asset: 1) == 3 && panel.returnValue(row: 7, asset: 0) == -1 && panel.returnValue(row: 0, asset: 0) == 0.01)
    // Half the returns beyond ±100% is not more than half.
    let half = wide(months: 6, assets: ["A", "B"]) { t, j in j == 0 ? "1.5" : "0.02" }
    #expect(try AssetPanel.loadWide(returns: temporaryFile("half.csv", half)).returnValue(row: 0, asset: 0) == 1.5)
    let few = wide(months: 5, assets: ["A", "B"]) { _, _ in "2.5" }
    #expect(try AssetPanel.loadWide(returns: temporaryFile("few.csv", few)).returnValue(row: 4, asset: 1) == 2.5)
    let loss = wide(months: 3, assets: ["A", "B"]) { t, j in t == 1 && j == 1 ? "-1.5" : "0.01" }
    let error = try #require(dataError { try AssetPanel.loadWide(returns: temporaryFile("loss.csv", loss)) })
    #expect(error.line == 3 && error.column == 14 && error.message == "'-1.5' in column 'B' is a return below −100%: no asset can lose more than everything invested")
    // An error in a cell after the loss is not the one reported: the loss comes first in the file.
    let both = try #require(dataError { try AssetPanel.loadWide(returns: temporaryFile("both.csv", loss + "2000-04,x,0.1\n")) })
    #expect(both.line == 3 && both.message.hasSuffix("is a return below −100%: no asset can lose more than everything invested"))
}

/// A long panel in percent: the same error, at its first return beyond ±100%, naming its return column.
@Test func aLongPanelInPercentIsAnErrorAboutTheFile() throws {
    var text = "ticker,yyyymm,RETURN\n"
    for t in 0..<6 { for (j, asset) in ["X", "Y"].enumerated() { text += "\(asset),2001\(t < 9 ? "0" : "")\(t + 1),\(percentCell(t + 3, j))\n" } }
    let error = try #require(dataError { try AssetPanel.load(path: temporaryFile("long.csv", text)) })
    // percentCell(3, 0) = 0.8 (within ±1), percentCell(3, 1) = 6: line 3, column 10.
    #expect(error.line == 3 && error.column == 10, "\(error)")
    #expect(error.message == "'6' in column 'RETURN' would be a return of +600% in one month, and 10 of the file's 12 returns (83%) lie beyond ±100%: the file looks like percent, but a returns file holds decimals (0.0123 for 1.23%)")
    #expect(error.hint?.hasPrefix("divide the returns by 100") == true)
    let decimals = try AssetPanel.load(path: temporaryFile("long2.csv", text.replacingOccurrences(of: ",6\n", with: ",0.06\n")
        .replacingOccurrences(of: ",4.5\n", with: ",0.045\n").replacingOccurrences(of: ",-12.5\n", with: ",-0.125\n")
        .replacingOccurrences(of: ",-7.25\n", with: ",-0.0725\n").replacingOccurrences(of: ",3\n", with: ",0.03\n")))
    #expect(decimals.assetIDs == ["X", "Y"] && decimals.returnValue(row: 0, asset: 1) == 0.06)
}

/// A CRSP RET above 10 (+1,000% in a month: 45 typed for 45%) ran without a word; now a note names its
/// permno, month and row, and counts the others. RET 3 (+300%) gets none.
@Test func aCRSPReturnAboveTenIsNoted() throws {
    let header = "PERMNO,date,RET,PRC,SHROUT,SICCD\n"
    var rows = ""
    for t in 1...6 { for permno in [10001, 10002] { rows += "\(permno),20000\(t)28,\(permno == 10002 && t == 2 ? "45.0" : "0.01"),5,10,2834\n" } }
    let one = try CRSPExtract.load(path: temporaryFile("crsp.csv", header + rows))
    #expect(one.notes.count == 1 && one.returnValue(row: 1, asset: 1) == 45)
    #expect(one.notes.first?.hasSuffix("crsp.csv:5:16: RET 45.0 of permno 10002 in 2000-02 is a return of +4,500% in one month: CRSP has such extremes, but check it, as a return written in percent (45 for 45%) is read 100 times too large (RET is in decimals: 0.45 for 45%)") == true, "\(one.notes)")
    let many = rows.replacingOccurrences(of: "10001,20000328,0.01", with: "10001,20000328,12").replacingOccurrences(of: "10001,20000428,0.01", with: "10001,20000428,10.5")
        .replacingOccurrences(of: "10001,20000528,0.01", with: "10001,20000528,3")
    let four = try CRSPExtract.load(path: temporaryFile("crsp.csv", header + many + "10002,20000728,20,5,10,2834\n"))
    #expect(four.notes.count == 1)
    #expect(four.notes.first?.hasSuffix("; 4 rows have a RET above 10 (+1,000%), also permno 10001 in 2000-03 (line 6), permno 10001 in 2000-04 (line 8) and 1 more") == true, "\(four.notes)")
    let legal = try CRSPExtract.load(path: temporaryFile("crsp.csv", header + rows.replacingOccurrences(of: "45.0", with: "3")))
    #expect(legal.notes.isEmpty && legal.returnValue(row: 1, asset: 1) == 3)
    #expect(CRSPPanelBuilder.percent(45) == "4,500%" && CRSPPanelBuilder.percent(10) == "1,000%" && CRSPPanelBuilder.percent(1234.56) == "123,456%")
}

/// Long panels with common column names were read as wide files ("'T01' is not a month"); each header
/// below now reads as a long panel, its caps and sectors too.
@Test func longPanelsWithCommonColumnNamesAreRecognised() throws {
    let rows = "T01,19950131,0.07,754.5,Health\nT02,19950131,0.04,181.25,Tech\nT01,19950228,-0.02,760,Health\n"
    for header in ["stock,date,ret,mktcap,industry", "ticker,yyyymm,ret,mktcap,industry", "Symbol,Date,Ret,Cap,Sector",
                   "asset,month,ret,cap,gics_sector", "ticker,date,RETURN,me,sector", "Name,Period,Returns,Market Cap,GICS Sector",
                   "id,date,return,market_cap,industry", "PERMNO,date,RET,size,sector"] {
        let path = try temporaryFile("long.csv", header + "\n" + rows)
        #expect(AssetPanel.isLongPanel(path: path), "\(header)")
        let panel = try AssetPanel.load(path: path)
        #expect(panel.assetIDs == ["T01", "T02"] && panel.months == [Month(1995, 1), Month(1995, 2)], "\(header)")
        #expect(panel.returnValue(row: 1, asset: 0) == -0.02 && panel.marketCap(row: 0, asset: 1) == 181.25, "\(header)")
        #expect(panel.sector(row: 0, asset: 1) == "Tech" && panel.sector(row: 1, asset: 0) == "Health", "\(header)")
    }
    // A SIC code is its SIC division, as in a CRSP extract.
    let sic = try AssetPanel.load(path: temporaryFile("sic.csv", "permno,date,ret,siccd\n1,2000-01,0.01,2834\n2,2000-01,0.02,6021\n3,2000-01,0.03,\n"))
    #expect(sic.sector(row: 0, asset: 0) == "Manufacturing" && sic.sector(row: 0, asset: 1) == "Finance" && sic.sector(row: 0, asset: 2) == "Other")
    let badSIC = try #require(dataError { try AssetPanel.load(path: temporaryFile("sic.csv", "permno,date,ret,siccd\n1,2000-01,0.01,28.5\n")) })
    #expect(badSIC.line == 2 && badSIC.column == 16 && badSIC.message == "'28.5' is not a SIC code (a whole number, 0–9999)")
    // A sector column wins over a SIC code; two columns of one role are still an error.
    let both = try AssetPanel.load(path: temporaryFile("both.csv", "ticker,date,ret,sector,siccd\nA,2000-01,0.01,Tech,2834\n"))
    #expect(both.sector(row: 0, asset: 0) == "Tech")
    let twice = try #require(dataError { try AssetPanel.load(path: temporaryFile("twice.csv", "ticker,symbol,date,ret\nA,A,2000-01,0.01\n")) })
    #expect(twice.line == 1 && twice.column == 8 && twice.message.hasPrefix("a second asset column ('symbol')"))
}

/// A file whose first column is not months, read as a wide file, says that the first column of a wide file
/// holds the months, and its hint lists the names a long panel's columns are recognised by and which the
/// header lacks.
@Test func aFirstColumnWithoutMonthsHintsTheLongPanelNames() throws {
    let error = try #require(dataError { try AssetPanel.load(path: temporaryFile("firm.csv", "firm,when,ret\nT01,19950131,0.07\n")) })
    #expect(error.line == 2 && error.column == 1)
    #expect(error.message == "'T01' is not a month (expected \(Month.calendarDateFormats), with a month 01–12 and a day the month has): the first column of a wide returns file holds the months")
    #expect(error.hint == "a wide returns file has the month in its first column and one column per asset; a long panel (one row per asset and month) is read when its header names an asset, a month and a return column — asset (asset, id, permno, ticker, symbol, stock, name); month (month, date, yyyymm, period); ret (ret, return, returns); optionally cap (cap, mktcap, market_cap, me, size); sector (sector, industry, gics_sector); sic (siccd, sic, sic_code) — in any case, spaces and underscores aside: this header has no asset or month column")
    // A bad month further down a wide file keeps the plain message; a caps file gets no long-panel hint.
    let later = try #require(dataError { try AssetPanel.load(path: temporaryFile("r.csv", "month,A\n2000-01,0.1\n2000-13,0.1\n")) })
    #expect(later.line == 3 && later.hint == nil && !later.message.contains("first column"))
    let returns = try temporaryFile("r.csv", "month,A\n2000-01,0.1\n")
    let caps = try #require(dataError { try AssetPanel.loadWide(returns: returns, caps: temporaryFile("c.csv", "month,A\nA,5\n")) })
    #expect(caps.hint == nil && !caps.message.contains("first column"))
}

/// '5.2%' and '"1,234.5"' said only "is not a number": now the hint writes the number as Tilt reads it.
@Test func numbersWrittenWithPercentOrSeparatorsGetAHint() throws {
    #expect(CSVDocument.numberHint(for: "5.2%") == "write numbers without '%', as decimals: 5.2% is 0.052")
    #expect(CSVDocument.numberHint(for: " -12 % ") == "write numbers without '%', as decimals: -12 % is -0.12")
    #expect(CSVDocument.numberHint(for: "1,234.5") == "remove the thousands separators: write 1234.5")
    #expect(CSVDocument.numberHint(for: "-1,234,567") == "remove the thousands separators: write -1234567")
    #expect(CSVDocument.numberHint(for: "1,5") == "the decimal mark is a point: write 1.5")
    for text in ["abc", "%", "1,23.4", "12,34,567", "x%", "1.2.3%", "1,2,3", ""] { #expect(CSVDocument.numberHint(for: text) == nil, "\(text)") }
    let percent = try #require(dataError { try AssetPanel.loadWide(returns: temporaryFile("r.csv", "month,A,B\n2000-01,0.01,5.2%\n")) })
    #expect(percent.line == 2 && percent.column == 14 && percent.message == "'5.2%' in column 'B' is not a number")
    #expect(percent.hint == "write numbers without '%', as decimals: 5.2% is 0.052")
    let returns = try temporaryFile("r.csv", "month,A,B\n2000-01,0.01,0.02\n")
    let thousands = try #require(dataError { try AssetPanel.loadWide(returns: returns, caps: temporaryFile("c.csv", "month,A,B\n2000-01,\"1,234.5\",7\n")) })
    #expect(thousands.line == 2 && thousands.column == 9 && thousands.message == "'1,234.5' in column 'A' is not a number")
    #expect(thousands.hint == "remove the thousands separators: write 1234.5")
    let long = try #require(dataError { try AssetPanel.load(path: temporaryFile("l.csv", "asset,month,ret\nA,2000-01,-3.5%\n")) })
    #expect(long.line == 2 && long.column == 11 && long.hint == "write numbers without '%', as decimals: -3.5% is -0.035")
    let crsp = try #require(dataError { try CRSPExtract.load(path: temporaryFile("c.csv", "PERMNO,date,RET,PRC,SHROUT,SICCD\n1,2000-01-31,4.5%,5,10,100\n")) })
    #expect(crsp.line == 2 && crsp.column == 14 && crsp.hint == "write numbers without '%', as decimals: 4.5% is 0.045")
    let shares = try #require(dataError { try CRSPExtract.load(path: temporaryFile("c.csv", "PERMNO,date,RET,PRC,SHROUT,SICCD\n1,2000-01-31,0.01,5,10,\"2,834\"\n")) })
    #expect(shares.line == 2 && shares.hint == "remove the thousands separators: write 2834")
}

/// A sectors file's assets that the returns lack were ignored in silence: a note names them (the first
/// five, with their lines) and counts them; the panel is as before.
@Test func sectorsOfAssetsNotInTheReturnsAreNoted() throws {
    let returns = try temporaryFile("r.csv", "month,A,B\n2000-01,0.01,0.02\n")
    let sectors = try temporaryFile("s.csv", "asset,sector\nA,Tech\nB,Energy\nZZZ,Tech\n")
    let panel = try AssetPanel.loadWide(returns: returns, sectors: sectors)
    #expect(panel.sectors == ["Tech", "Energy"])
    #expect(panel.notes == ["\(sectors):4:1: 1 asset of the sectors file is not in the returns file (\(returns)) and is ignored: ZZZ (line 4)"])
    let seven = try temporaryFile("s.csv", "asset,sector\nQ1,X\nA,Tech\n" + (2...7).map { "Q\($0),X\n" }.joined() + "B,Energy\n")
    let many = try AssetPanel.load(path: returns, sectors: seven)
    #expect(many.notes == ["\(seven):2:1: 7 assets of the sectors file are not in the returns file (\(returns)) and are ignored: Q1 (line 2), Q2 (line 4), Q3 (line 5), Q4 (line 6), Q5 (line 7) and 2 more"])
    let exact = try AssetPanel.loadWide(returns: returns, sectors: temporaryFile("s.csv", "A,Tech\nB,Energy\n"))
    #expect(exact.notes.isEmpty && exact.sectors == ["Tech", "Energy"])
}

/// Correct files read exactly as before: Ken French's 48 industries (percent, converted), his five factors,
/// and the industries' decimal returns written as a wide file and as a long panel.
@Test(.enabled(if: SharedData.isAvailable, SharedData.missing)) func correctFilesReadAsBefore() throws {
    let industries = try IndustryPortfolios.load(path: sharedDataPath("48_Industry_Portfolios.CSV"))
    let returns = industries.valueWeightedReturns
    #expect(returns.rows > 1000 && returns.cols == 48)
    _ = try FactorFile.load(path: sharedDataPath("F-F_Research_Data_5_Factors_2x3.csv"))
    var text = "month," + industries.industries.joined(separator: ",") + "\n"
    var long = "asset,month,ret\n"
    for t in 0..<returns.rows {
        text += industries.months[t].description + "," + (0..<returns.cols).map { j in returns[t, j].isNaN ? "" : "\(returns[t, j])" }.joined(separator: ",") + "\n"
    }
    // Asset by asset, so that the long panel's assets come in the file's order.
    for j in 0..<returns.cols { for t in 0..<returns.rows where !returns[t, j].isNaN { long += "\(industries.industries[j]),\(industries.months[t]),\(returns[t, j])\n" } }
    for panel in [try AssetPanel.load(path: temporaryFile("ind.csv", text)), try AssetPanel.load(path: temporaryFile("indlong.csv", long))] {
        #expect(panel.notes.isEmpty && panel.months == industries.months && panel.assetIDs == industries.industries)
        let dense = panel.denseReturns()
        #expect((0..<returns.rows).allSatisfy { t in (0..<returns.cols).allSatisfy { j in
            dense[t, j] == returns[t, j] || (dense[t, j].isNaN && returns[t, j].isNaN) } })
    }
}

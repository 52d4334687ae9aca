import Testing
import TiltLinearAlgebra
@testable import TiltData

/// Daily rows, columns shuffled and upper-case, rows out of order, a negative (bid/ask) price,
/// a letter code, a numeric code, a blank SIC code and an ignored `vol` column.
private let dailyExtract = """
DATE,PERMNO,Ret,prc,SHROUT,siccd,vol
19940104,10001,-0.02,10.5,1000,4924,5
19940103,10001,0.01,10,1000,4924,5
19940131,10001,0.03,-11,1100,4924,5
19940201,10001,B,11,1100,4924,5
19940202,10001,0.01,11.2,1100,4924,5
19940105,10002,0.05,20,500,2834,1
19940215,10002,0.02,20.4,500,2834,1
1994-03-01,10002,-0.01,21,500,,1
19940228,10003,-99,30,100,6021,1

"""

@Test func dailyRowsCompoundToCalendarMonths() throws {
    let panel = try CRSPExtract.load(path: temporaryFile("crsp.csv", dailyExtract))
    #expect(panel.months == [Month(1994, 1), Month(1994, 2), Month(1994, 3)])
    #expect(panel.assetIDs == ["10001", "10002", "10003"])
    let r = panel.denseReturns()
    #expect(r.rowLabels == ["1994-01", "1994-02", "1994-03"] && r.colLabels == panel.assetIDs)
    // By hand: 1.01 × 0.98 × 1.03 = 1.019494.
    #expect(abs(r[0, 0] - 0.019494) < 1e-15)
    #expect(r[1, 0].isNaN)                  // a 'B' day makes February missing
    #expect(r[2, 0].isNaN)                  // no rows in March
    #expect(r[0, 1] == 0.05 && r[1, 1] == 0.02 && r[2, 1] == -0.01)
    #expect(r[1, 2].isNaN && r[0, 2].isNaN) // -99 code; no January row
    let caps = try #require(panel.denseMarketCaps())
    #expect(caps[0, 0] == 11 * 1100)        // |−11| × 1100 on 31 Jan, the month's last row
    #expect(caps[1, 0] == 11.2 * 1100 && caps[2, 0].isNaN)
    #expect(caps[1, 1] == 20.4 * 500 && caps[2, 1] == 21 * 500 && caps[1, 2] == 30 * 100)
    // Sectors as of each month: 10002's March row has no SIC code (Other that month).
    #expect(panel.sectors == ["Transportation & Utilities", "Other", "Finance"])
    #expect(panel.sector(row: 1, asset: 1) == "Manufacturing" && panel.sector(row: 2, asset: 1) == "Other")
    // Eligible at T: a return and a cap at T, nothing about T + 1.
    #expect(panel.eligibleAssets(atRebalance: 0) == [0, 1])
    #expect(panel.eligibleAssets(atRebalance: 1) == [1])   // 10001's B day, 10003's -99
    #expect(panel.eligibleAssets(atRebalance: 2) == [1])
}

@Test func monthlyRowsKeepTheirReturn() throws {
    let text = "permno,date,ret,prc,shrout,siccd\n1,1994-01-31,C,5,10,100\n1,1994-02-28,0.1,-5.5,10,100\n"
    let panel = try CRSPExtract.load(path: temporaryFile("m.csv", text))
    #expect(panel.denseReturns()[0, 0].isNaN && panel.denseReturns()[1, 0] == 0.1)
    #expect(panel.denseMarketCaps()?[1, 0] == 55 && panel.sectors == ["Agriculture"])
}

@Test func crspErrorsPointAtTheRow() throws {
    func load(_ text: String) throws -> AssetPanel { try CRSPExtract.load(path: temporaryFile("c.csv", text)) }
    let header = "permno,date,ret,prc,shrout,siccd\n"
    let duplicate = try #require(dataError { try load(header + "1,19940103,0.1,5,10,100\n1,19940103,0.2,5,10,100\n") })
    #expect(duplicate.line == 3 && duplicate.column == 3)
    #expect(duplicate.message == "permno 1 has the date 19940103 twice (also on line 2)")
    #expect(duplicate.caretExcerpt == "1,19940103,0.2,5,10,100\n  ^")
    let impossible = try #require(dataError { try load(header + "1,2005-02-28,0.1,5,10,100\n1,2005-02-30,0.2,5,10,100\n") })
    #expect(impossible.line == 3 && impossible.column == 3)
    #expect(impossible.message == "'2005-02-30' is not a date (a CRSP date is YYYYMMDD, YYYY-MM-DD, YYYY/MM/DD, YYYYMM or YYYY-MM, with a month 01–12 and a day the month has)")
    // Any single letter is a CRSP missing code (B, C, …); other text is not a return.
    #expect(try load(header + "1,19940103,X,5,10,100\n").returnValue(row: 0, asset: 0).isNaN)
    let badReturn = try #require(dataError { try load(header + "1,19940103,XY,5,10,100\n") })
    #expect(badReturn.line == 2 && badReturn.column == 12)
    let badDate = try #require(dataError { try load(header + "1,19941303,0.1,5,10,100\n") })
    #expect(badDate.line == 2 && badDate.column == 3)
    let badPrice = try #require(dataError { try load(header + "1,19940103,0.1,five,10,100\n") })
    #expect(badPrice.line == 2 && badPrice.column == 16 && badPrice.message == "'five' in column 'prc' is not a number")
    let ragged = try #require(dataError { try load(header + "1,19940103,0.1,5,10\n") })
    #expect(ragged.line == 2 && ragged.message == "expected 6 fields (as in the header on line 1), found 5")
    let lacking = try #require(dataError { try load("permno,date,ret,prc\n1,19940103,0.1,5\n") })
    #expect(lacking.line == 1 && lacking.message == "the header lacks the column(s) shrout, siccd")
    let noHeader = try #require(dataError { try load("1,19940103,0.1,5,10,100\n") })
    #expect(noHeader.line == 1 && noHeader.message.hasPrefix("a header naming the columns"))
    let headerOnly = try #require(dataError { try load(header) })
    #expect(headerOnly.line == 1 && headerOnly.message == "the file has a header but no data rows")
    let empty = try #require(dataError { try load("") })
    #expect(empty.message == "the file is empty")
}

@Test func sicDivisions() {
    let cases: [(Int?, SICDivision)] = [
        (100, .agriculture), (999, .agriculture), (1000, .mining), (1499, .mining), (1500, .construction),
        (1799, .construction), (1800, .other), (2000, .manufacturing), (3999, .manufacturing),
        (4000, .transportationUtilities), (4999, .transportationUtilities), (5000, .wholesale), (5199, .wholesale),
        (5200, .retail), (5999, .retail), (6000, .finance), (6799, .finance), (6800, .other), (7000, .services),
        (8999, .services), (9000, .other), (9100, .publicAdministration), (9999, .publicAdministration),
        (0, .other), (nil, .other), (-5, .other), (12000, .other),
    ]
    for (code, division) in cases { #expect(SICDivision(sicCode: code) == division, "\(String(describing: code))") }
}

/// An extract in which few rows share their stock and month is monthly: a stock's second row in a month
/// is an error at the row further down the file (it was compounded with the first into a wrong return).
/// Once most rows share their stock and month, some month holding three, the extract is daily and the
/// same two rows compound (CRSPFrequencyTests: three rows or more in a monthly extract).
@Test func aMonthlyExtractHasOneRowPerStockAndMonth() throws {
    let monthly = "permno,date,ret,prc,shrout,siccd\n1,2005-01-31,0.1,5,10,100\n1,2005-02-28,0.1,5,10,100\n"
        + "2,2005-01-31,0.1,5,10,100\n1,2005-02-15,0.2,5,10,100\n"
    let error = try #require(dataError { try CRSPExtract.load(path: temporaryFile("m.csv", monthly)) })
    #expect(error.line == 5 && error.column == 3)
    #expect(error.message == "permno 1 has a second row in 2005-02 (also 2005-02-28 on line 3): the extract is monthly, one row per stock and month (1 of 3 stock-months has more than one row; in daily data most rows share their stock and month)")
    #expect(error.hint?.hasPrefix("keep one row per stock and month") == true)
    let daily = monthly + "2,2005-02-01,0.01,5,10,100\n2,2005-02-02,0.01,5,10,100\n2,2005-02-03,0.01,5,10,100\n"
    let panel = try CRSPExtract.load(path: temporaryFile("d.csv", daily))
    #expect(abs(panel.denseReturns()[1, 0] - 0.32) < 1e-15)   // 1.2 × 1.1 − 1
}

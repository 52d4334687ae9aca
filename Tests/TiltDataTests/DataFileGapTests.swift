import Foundation
import Testing
import TiltLinearAlgebra
@testable import TiltData

// Data files a user gives that used to end in an error without the file's name and row, or were read
// otherwise than their format means: each now ends in an error naming the file and its row (and cell), or is
// read as its format means.

/// A date that cannot be read says which layouts are: exactly those the reader accepts (each of them read
/// here), in the CRSP date and DLSTDT columns and in a tidy file's month column.
@Test func anUnreadableDateListsTheLayoutsRead() throws {
    #expect(Month.calendarDateFormats == "YYYYMMDD, YYYY-MM-DD, YYYY/MM/DD, YYYYMM or YYYY-MM")
    for (text, month, day) in [("20200131", Month(2020, 1), 31), ("2020-01-31", Month(2020, 1), 31), ("2020/01/31", Month(2020, 1), 31),
                               ("202001", Month(2020, 1), 0), ("2020-01", Month(2020, 1), 0)] {
        let date = try #require(Month.calendarDate(text), "\(text)")
        #expect(date.0 == month && date.1 == day)
    }
    for text in ["31.01.2020", "01/31/2020", "2020/01", "2020-1-31", "20200132", "2020-01/31"] {
        #expect(Month.calendarDate(text) == nil, "\(text)")
    }
    let header = "permno,date,ret,prc,shrout,siccd,dlstcd,dlstdt\n"
    let extract = try temporaryFile("c.csv", header + "1,2020-01-31,0.1,5,10,100,,\n1,31.01.2020,0.2,5,10,100,,\n")
    let error = try #require(dataError { try CRSPExtract.load(path: extract) })
    #expect(error.path == extract && error.line == 3 && error.column == 3)
    #expect(error.message == "'31.01.2020' is not a date (a CRSP date is YYYYMMDD, YYYY-MM-DD, YYYY/MM/DD, YYYYMM or YYYY-MM, with a month 01–12 and a day the month has)")
    let delisting = try temporaryFile("d.csv", header + "1,2020-01-31,0.1,5,10,100,560,2020.02.14\n")
    let dlstdt = try #require(dataError { try CRSPExtract.load(path: delisting) })
    #expect(dlstdt.path == delisting && dlstdt.line == 2 && dlstdt.column == 31 && dlstdt.message.hasPrefix("'2020.02.14' is not a date (a CRSP date is YYYYMMDD,"))
    let tidy = try #require(dataError { try FactorFile.loadTidy(path: temporaryFile("t.csv", "month,mktrf\n2020-01,0.01\nJan 2020,0.02\n")) })
    #expect(tidy.line == 3 && tidy.column == 1 && tidy.message == "'Jan 2020' is not a month (expected YYYYMMDD, YYYY-MM-DD, YYYY/MM/DD, YYYYMM or YYYY-MM, with a month 01–12 and a day the month has)")
}

/// A lone `.` (SAS's and Stata's missing value, as WRDS's SAS exports write it) reads in every column of a
/// CRSP extract exactly as an empty cell does: the same panel, bit for bit (returns, caps, sectors, screen,
/// delistings), and a row whose RET and PRC are both `.` is an event row. Before, it was "not a number".
@Test func aDotInACRSPExtractIsAnEmptyCell() throws {
    let header = "PERMNO,date,SHRCD,EXCHCD,SICCD,PRC,RET,SHROUT,DLSTCD,DLRET,DLSTDT\n"
    // ∅ marks the cells written blank in one file and `.` in the other.
    let rows = """
        10001,20200131,11,3,4925,-12.5,∅,1000,∅,∅,∅
        10001,20200228,11,3,4925,13,0.04,∅,∅,∅,∅
        10001,20200331,11,3,∅,13.5,0.038462,1000,∅,∅,∅
        10001,20200430,∅,3,4925,14,0.037037,1000,∅,∅,∅
        10002,20200131,11,1,3571,∅,0.02,2000,∅,∅,∅
        10002,20200228,11,∅,3571,20,0.01,2000,∅,∅,∅
        10002,20200331,11,1,3571,21,0.05,2000,∅,∅,∅
        10002,20200415,∅,∅,∅,∅,∅,∅,560,∅,20200415
        10003,20200131,11,1,6021,30,0.01,100,∅,∅,∅
        10003,20200228,11,1,6021,31,0.033333,100,∅,∅,∅
        10003,20200331,11,1,6021,31,0,100,552,∅,∅

        """
    let blank = try CRSPExtract.load(path: temporaryFile("blank.csv", header + rows.replacingOccurrences(of: "∅", with: "")))
    let dotted = try CRSPExtract.load(path: temporaryFile("dotted.csv", header + rows.replacingOccurrences(of: "∅", with: ".")))
    let spaced = try CRSPExtract.load(path: temporaryFile("spaced.csv", header + rows.replacingOccurrences(of: "∅", with: " . ")))
    for panel in [dotted, spaced] {
        #expect(panel.months == blank.months && panel.assetIDs == blank.assetIDs && panel.sectors == blank.sectors)
        for t in blank.months.indices {
            for j in blank.assetIDs.indices {
                #expect(panel.returnValue(row: t, asset: j).bitPattern == blank.returnValue(row: t, asset: j).bitPattern)
                #expect(panel.marketCap(row: t, asset: j).bitPattern == blank.marketCap(row: t, asset: j).bitPattern)
                #expect(panel.sector(row: t, asset: j) == blank.sector(row: t, asset: j))
                #expect(panel.isScreenedOut(row: t, asset: j) == blank.isScreenedOut(row: t, asset: j))
                #expect(panel.isDelisting(row: t, asset: j) == blank.isDelisting(row: t, asset: j))
            }
        }
    }
    // What the blanks mean, by hand: 10001's January return is missing; its February cap too (no SHROUT);
    // 10002's January cap (no PRC); 10002 delists on its own row in April (code 560, DLRET missing: −30%).
    #expect(blank.returnValue(row: 0, asset: 0).isNaN && blank.marketCap(row: 1, asset: 0).isNaN && blank.marketCap(row: 0, asset: 1).isNaN)
    #expect(blank.returnValue(row: 3, asset: 1) == -0.30 && blank.isDelisting(row: 3, asset: 1))
    // Other text is still not a number, and `..` is not a dot.
    let bad = try #require(dataError { try CRSPExtract.load(path: temporaryFile("bad.csv", header + "10001,20200131,11,3,4925,..,0.01,1000,,,\n")) })
    #expect(bad.line == 2 && bad.column == 26 && bad.message == "'..' in column 'prc' is not a number")
}

import Foundation
import Testing
import TiltLinearAlgebra
@testable import TiltData

// Data files a user gives that used to end in an error without the file's name and row, or were read
// otherwise than their format means: each now ends in an error naming the file and its row (and cell), or is
// read as its format means.

/// Wide returns of two assets over 2020-01…2020-06.
private func sixMonths() throws -> AssetPanel {
    try AssetPanel.loadWide(returns: temporaryFile("r.csv", """
        month,AAA,BBB
        2020-01,0.01,0.02
        2020-02,0.02,0.01
        2020-03,-0.01,0.03
        2020-04,0.03,0.00
        2020-05,0.00,-0.02
        2020-06,0.01,0.01

        """))
}

/// A tidy factor file over 2020-01…2020-06 whose 2020-03 row is `march` (the rest complete).
private func tidyFactors(march: String, name: String = "f.csv") throws -> FactorFile {
    try FactorFile.loadTidy(path: temporaryFile(name, """
        month,mktrf,smb,rf
        2020-01,0.01,0.002,0.001
        2020-02,-0.02,0.001,0.001
        \(march)
        2020-04,0.04,-0.003,0.001
        2020-05,0.01,0.000,0.001
        2020-06,0.02,0.001,0.001

        """))
}

/// A factor value missing in a month the returns and factors share is an error at its cell in the factor
/// file: a factor's empty cell, the risk-free rate's, `NA`. Before, the model said "factor 'smb' has no
/// return in 2020-03" without the file, and a missing rf made the month's excess returns missing in silence.
@Test func aMissingFactorValueIsAnErrorAtItsCell() throws {
    let panel = try sixMonths()
    let factors = try tidyFactors(march: "2020-03,0.03,,0.001")
    let error = try #require(dataError { try AlignedData(panel: panel, factors: factors) })
    #expect(error.path == factors.path && error.line == 4 && error.column == 14 && error.lineText == "2020-03,0.03,,0.001")
    #expect(error.description.hasPrefix("\(factors.path):4:14: error: no smb return for 2020-03 (the cell is empty): every month the returns and factors share (2020-01…2020-06) needs each factor return and the risk-free rate"))
    let riskFree = try tidyFactors(march: "2020-03,0.03,0.004,")
    let rfError = try #require(dataError { try AlignedData(panel: panel, factors: riskFree) })
    #expect(rfError.line == 4 && rfError.column == 20 && rfError.message.hasPrefix("no risk-free rate (rf) for 2020-03 (the cell is empty):"))
    let marker = try tidyFactors(march: "2020-03,NA,0.004,0.001")
    let markerError = try #require(dataError { try AlignedData(panel: panel, factors: marker) })
    #expect(markerError.line == 4 && markerError.column == 9 && markerError.message.hasPrefix("no mktrf return for 2020-03 ('NA', a missing-value code):"))
    // Outside the months the returns cover, a missing value is not needed: the rows are simply not used.
    let shorter = try AssetPanel.loadWide(returns: temporaryFile("r2.csv", "month,AAA\n2020-04,0.01\n2020-05,0.02\n2020-06,0.03\n"))
    let aligned = try AlignedData(panel: shorter, factors: factors)
    #expect(aligned.months == [Month(2020, 4), Month(2020, 5), Month(2020, 6)])
}

/// In a Ken French factor file his missing code -99.99 is an error at its cell the same way, and in a set
/// joined from two files (five factors and momentum) the error is in the file the value is missing from.
@Test func aMissingKenFrenchFactorValueIsAnErrorInItsFile() throws {
    let panel = try sixMonths()
    let fiveFactors = try FactorFile.load(path: temporaryFile("ff.csv", """
        This file was created by hand.

        ,Mkt-RF,SMB,RF
        202001,    1.0,   0.2,   0.1
        202002,   -2.0,   0.1,   0.1
        202003,    3.0,   0.4,   0.1
        202004,    4.0,   -0.3,   0.1
        202005,    1.0,   0.0,   0.1
        202006,    2.0,   0.1,   0.1

        """))
    let momentum = try FactorFile.load(path: temporaryFile("mom.csv", """
        Momentum, by hand.

        ,Mom
        202001,    0.5
        202002,    0.6
        202003,    0.7
        202004,  -99.99
        202005,    0.1
        202006,    0.2

        """))
    let joined = try fiveFactors.joined(with: momentum)
    let error = try #require(dataError { try AlignedData(panel: panel, factors: joined) })
    #expect(error.path == momentum.path && error.line == 7 && error.column == 8 && error.lineText == "202004,  -99.99")
    #expect(error.message.hasPrefix("no umd return for 2020-04 ('-99.99', a missing-value code): every month the returns and factors share (2020-01…2020-06)"))
    let alone = try #require(dataError { try AlignedData(panel: panel, factors: momentum) })
    #expect(alone.path == momentum.path && alone.line == 7 && alone.column == 8)
}

/// A tidy factor file with Ken French's missing codes -99.99 or -999 (kept when his file was tidied) reads
/// them as missing, as his own files are read (they were taken for a percent value of −9,999%); a month the
/// returns need is then an error at the cell, naming the file and row.
@Test func kenFrenchMissingCodesInATidyFactorFileAreMissing() throws {
    for code in ["-99.99", "-999", " -99.99 "] {
        let factors = try tidyFactors(march: "2020-03,0.03,\(code),0.001")
        #expect(factors.returns[2, 1].isNaN && factors.returns[2, 0] == 0.03)
        let error = try #require(dataError { try AlignedData(panel: try sixMonths(), factors: factors) })
        #expect(error.path == factors.path && error.line == 4 && error.column == 14)
        #expect(error.message.hasPrefix("no smb return for 2020-03 ('\(code.trimmingCharacters(in: .whitespaces))', a missing-value code):"))
    }
    // Any other value beyond ±1 is still a file in percent.
    let percent = try #require(dataError { try tidyFactors(march: "2020-03,0.03,-99.98,0.001") })
    #expect(percent.line == 4 && percent.column == 14 && percent.message.hasPrefix("'-99.98' in column 'smb' would be a factor return of"))
}

/// Returns of a single month cannot be backtested (the weights chosen at the end of a month earn the next):
/// the error names the file that has one month (a CRSP extract), or the factor file that leaves one in
/// common. Before, the run said "the data has fewer than two months" and named no file.
@Test func aSingleMonthIsAnErrorNamingTheFile() throws {
    let extract = try temporaryFile("crsp.csv", "PERMNO,date,RET,PRC,SHROUT,SICCD\n10001,20200131,0.01,12.5,1000,4925\n10002,20200131,0.02,20,2000,3571\n")
    let panel = try CRSPExtract.load(path: extract)
    let factors = try tidyFactors(march: "2020-03,0.03,0.004,0.001")
    let error = try #require(dataError { try AlignedData(panel: panel, factors: factors) })
    #expect(error.path == extract && error.line == 0)
    #expect(error.description == "\(extract): error: the returns cover a single month, 2020-01: a backtest needs two or more (the weights chosen at the end of a month earn the next)")
    // Returns of six months and factors of one of them: about the factor file.
    let oneMonth = try FactorFile.loadTidy(path: temporaryFile("one.csv", "month,mktrf,rf\n2020-06,0.01,0.001\n"))
    let overlap = try #require(dataError { try AlignedData(panel: try sixMonths(), factors: oneMonth) })
    #expect(overlap.path == oneMonth.path && overlap.line == 0)
    #expect(overlap.message.hasSuffix("covers 2020-01…2020-06 and the factors (\(oneMonth.path)) cover only 2020-06: they share a single month, 2020-06, and a backtest needs two or more (the weights chosen at the end of a month earn the next)"))
}

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

/// A lone `.` (SAS's and Stata's missing value, as WRDS's SAS exports write it) — and SAS's special missing
/// values `.B`, `.c`, `._` (how SAS keeps CRSP's missing-return codes) — read in every column of a CRSP
/// extract exactly as an empty cell does: the same panel, bit for bit (returns, caps, sectors, screen,
/// delistings), and a row whose RET and PRC are both missing is an event row. Before, they were "not a number".
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
    let special = try [".B", ".c", "._", " .Z "].map { code in
        try CRSPExtract.load(path: temporaryFile("special.csv", header + rows.replacingOccurrences(of: "∅", with: code)))
    }
    for panel in [dotted, spaced] + special {
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
    // Other text is still not a number: `..`, a dot and two letters, a dot and a sign, a letter and a dot.
    let bad = try #require(dataError { try CRSPExtract.load(path: temporaryFile("bad.csv", header + "10001,20200131,11,3,4925,..,0.01,1000,,,\n")) })
    #expect(bad.line == 2 && bad.column == 26 && bad.message == "'..' in column 'prc' is not a number")
    for text in [".AB", ".?", "A."] {
        let error = try #require(dataError { try CRSPExtract.load(path: temporaryFile("bad.csv", header + "10001,20200131,11,3,4925,\(text),0.01,1000,,,\n")) })
        #expect(error.line == 2 && error.column == 26 && error.message == "'\(text)' in column 'prc' is not a number", "\(error.message)")
    }
}

/// SAS's and Stata's missing values (`.`, `.B`, `._`) read in a wide returns panel and in a tidy factor file as
/// an empty cell does: the same panel and the same factor table bit for bit (a missing factor value is then
/// the same error at its cell when a window needs it). Before, they were "not a number" outside CRSP extracts.
@Test func sasMissingValuesReadAsEmptyCellsInEveryFile() throws {
    let returns = "month,AAA,BBB\n2020-01,0.01,∅\n2020-02,∅,0.02\n2020-03,0.03,0.01\n"
    let blank = try AssetPanel.loadWide(returns: temporaryFile("wide_blank.csv", returns.replacingOccurrences(of: "∅", with: "")))
    for code in [".", ".B", " ._ "] {
        let panel = try AssetPanel.loadWide(returns: temporaryFile("wide_sas.csv", returns.replacingOccurrences(of: "∅", with: code)))
        #expect(panel.months == blank.months && panel.assetIDs == blank.assetIDs)
        for t in blank.months.indices {
            for j in blank.assetIDs.indices {
                #expect(panel.returnValue(row: t, asset: j).bitPattern == blank.returnValue(row: t, asset: j).bitPattern, "\(code)")
            }
        }
    }
    #expect(blank.returnValue(row: 0, asset: 1).isNaN && blank.returnValue(row: 2, asset: 0) == 0.03)
    let factors = "month,mktrf,smb,rf\n2020-01,0.01,0.002,0.001\n2020-02,∅,0.001,0.001\n"
    let blankFactors = try FactorFile.loadTidy(path: temporaryFile("f_blank.csv", factors.replacingOccurrences(of: "∅", with: "")))
    #expect(blankFactors.returns[1, 0].isNaN)
    for code in [".", ".C"] {
        let loaded = try FactorFile.loadTidy(path: temporaryFile("f_sas.csv", factors.replacingOccurrences(of: "∅", with: code)))
        #expect(loaded.months == blankFactors.months && loaded.factorNames == blankFactors.factorNames && loaded.rowLines == blankFactors.rowLines, "\(code)")
        #expect(loaded.returns.storage.map(\.bitPattern) == blankFactors.returns.storage.map(\.bitPattern), "\(code)")
        #expect(loaded.riskFree?.storage.map(\.bitPattern) == blankFactors.riskFree?.storage.map(\.bitPattern), "\(code)")
    }
}

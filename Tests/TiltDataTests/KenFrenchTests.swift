import Foundation
import Testing
import TiltTestSupport
import TiltLinearAlgebra
@testable import TiltData

/// Spot values below are copied from the raw text of 48_Industry_Portfolios.CSV (202412 vintage).
@Test(.enabled(if: SharedData.isAvailable, SharedData.missing)) func industryFileSplitsIntoItsEightSections() throws {
    let file = try KenFrenchFile.load(path: sharedDataPath("48_Industry_Portfolios.CSV"))
    #expect(file.sections.count == 8)
    #expect(file.sections.map(\.kind) == [.monthly, .monthly, .annual, .annual, .monthly, .monthly, .annual, .annual])
    #expect(file.sections.map(\.quantity) == [.returns, .returns, .returns, .returns,
                                              .numberOfFirms, .averageFirmSize, .bookToMarket, .bookToMarket])
    #expect(file.sections[0].title == "Average Value Weighted Returns -- Monthly")
    #expect(file.sections[0].headerLine == 12)
    #expect(file.sections.allSatisfy { $0.columns.count == 48 })
    #expect(file.sections[2].years.first == 1927 && file.sections[2].years.last == 2024)   // "  1927,  26.23, ..."
    #expect(file.sections[2].values[0, 0] == 26.23 / 100)
}

@Test(.enabled(if: SharedData.isAvailable, SharedData.missing)) func industryPortfoliosSpotValues() throws {
    let ind = try IndustryPortfolios.load(path: sharedDataPath("48_Industry_Portfolios.CSV"))
    #expect(ind.industries.count == 48 && ind.industries.first == "Agric" && ind.industries.last == "Other")
    #expect(ind.industries[1] == "Food")   // "Food " trimmed
    #expect(ind.months.count == 1182 && ind.months.first == Month(1926, 7) && ind.months.last == Month(2024, 12))
    let vw = ind.valueWeightedReturns, last = vw.rows - 1
    #expect(vw.shapeDescription == "1182×48")
    #expect(vw.rowLabels?.first == "1926-07" && vw.colLabels?.first == "Agric")
    // 192607,   2.37,   0.12, -99.99, ... 5.20
    #expect(vw[0, 0] == 2.37 / 100 && vw[0, 1] == 0.12 / 100 && vw[0, 2].isNaN && vw[0, 47] == 5.20 / 100)
    // 202412,  -6.95,  -5.70,  -3.29, ... -6.35
    #expect(vw[last, 0] == -6.95 / 100 && vw[last, 2] == -3.29 / 100 && vw[last, 47] == -6.35 / 100)
    let ew = ind.equalWeightedReturns
    #expect(ew[0, 0] == 2.64 / 100 && ew[0, 2].isNaN && ew[last, 0] == 11.26 / 100 && ew[last, 47] == 1.75 / 100)
    // Counts and sizes are not rescaled.
    #expect(ind.numberOfFirms[0, 0] == 3 && ind.numberOfFirms[0, 2] == 0 && ind.numberOfFirms[last, 47] == 119)
    #expect(ind.averageFirmSize[0, 0] == 99.80 && ind.averageFirmSize[0, 2].isNaN)
    #expect(ind.averageFirmSize[last, 0] == 4211.50 && ind.averageFirmSize[last, 47] == 14273.44)
    #expect(ind.marketCap[0, 0] == 3 * 99.80 && ind.marketCap[last, 47] == 119 * 14273.44)
    for k in ind.marketCap.storage.indices {
        let expected = ind.numberOfFirms.storage[k] * ind.averageFirmSize.storage[k]
        #expect(ind.marketCap.storage[k] == expected || (expected.isNaN && ind.marketCap.storage[k].isNaN))
    }
    // Sum of BE / Sum of ME:   1926, 0.65, 0.63, -99.99 ...;   2024, 0.68, ... 0.45
    let bm = ind.bookToMarketAnnual
    #expect(bm.rows == 99 && bm.rowLabels?.first == "1926" && bm.rowLabels?.last == "2024")
    #expect(bm[0, 0] == 0.65 && bm[0, 2].isNaN && bm[98, 0] == 0.68 && bm[98, 47] == 0.45)
    // Codes are NaN, nothing else is: -99.99 never survives.
    #expect(!vw.storage.contains(-0.9999) && !vw.storage.contains(-99.99))
}

private let momentumLayout = """
This file was created by CMPT_ME_PRIOR_RETS using the 202412 CRSP database.
It contains a momentum factor, constructed from six value-weight portfolios formed using
independent sorts on size and prior return.  Missing data are indicated by -99.99 or -999.

,Mom   
192701,   0.57
192702,  -1.50
192703,   3.52

Annual Factors:
,Mom
  1927,  12.34

Copyright 2024 Kenneth R. French

"""

@Test func momentumLayoutGivesOneFactor() throws {
    let path = try temporaryFile("F-F_Momentum_Factor.CSV", momentumLayout)
    let file = try KenFrenchFile.load(path: path)
    #expect(file.sections.count == 2 && file.sections[1].title == "Annual Factors:" && file.sections[0].title == "")
    let factors = try FactorFile.load(path: path)
    #expect(factors.factorNames == ["umd"] && factors.riskFree == nil)
    #expect(factors.months == [Month(1927, 1), Month(1927, 2), Month(1927, 3)])
    let expected: [Double] = [0.57, -1.50, 3.52].map { $0 / 100 }
    #expect(factors.returns.storage == expected)
    let windows = try temporaryFile("crlf.CSV", momentumLayout.replacingOccurrences(of: "\n", with: "\r\n"))
    #expect(try FactorFile.load(path: windows).returns.storage == expected)
}

private func kenFrench(_ rows: String) throws -> KenFrenchFile {
    try KenFrenchFile.load(path: temporaryFile("kf.csv", "Title text\n\n  Some Returns -- Monthly\n,A,B\n" + rows))
}

@Test func kenFrenchDateAndCellErrorsPointAtTheLine() throws {
    // Lines: 1 title text, 2 blank, 3 section title, 4 header, 5.. rows.
    let duplicate = try #require(dataError { try kenFrench("202001,1,2\n202002,1,2\n202002,3,4\n") })
    #expect(duplicate.line == 7 && duplicate.column == 1)
    #expect(duplicate.message == "duplicate date 2020-02 (also on line 6)")
    let unsorted = try #require(dataError { try kenFrench("202001,1,2\n202003,1,2\n202002,3,4\n") })
    #expect(unsorted.line == 7 && unsorted.column == 1)
    #expect(unsorted.message.contains("2020-02 comes after 2020-03 (line 6)"))
    let badMonth = try #require(dataError { try kenFrench("202013,1,2\n") })
    #expect(badMonth.line == 5 && badMonth.column == 1)
    let text = try #require(dataError { try kenFrench("202001,  1.0, x\n") })
    #expect(text.line == 5 && text.column == 14 && text.message == "'x' in column 'B' is not a number")
    let ragged = try #require(dataError { try kenFrench("202001,1,2,3\n") })
    #expect(ragged.line == 5 && ragged.column == 12 && ragged.message == "expected 3 fields (as in the header on line 4), found 4")
    let mixed = try #require(dataError { try kenFrench("202001,1,2\n  2020,1,2\n") })
    #expect(mixed.line == 6 && mixed.column == 1)
    let noRows = try #require(dataError { try kenFrench("\n") })
    #expect(noRows.line == 4 && noRows.message == "the section has a header but no data rows")
    let garbage = try #require(dataError { try kenFrench("202001,1,2\n2020x1,1,2\n") })
    #expect(garbage.line == 6 && garbage.column == 1)
    let twice = try #require(dataError {
        try KenFrenchFile.load(path: temporaryFile("kf.csv", "  Returns -- Monthly\n,Agric,Food ,Agric\n202001,1,2,3\n"))
    })
    #expect(twice.line == 2 && twice.column == 14 && twice.message == "header name 'Agric' appears twice (also at column 2)")
    let empty = try #require(dataError { try KenFrenchFile.load(path: temporaryFile("e.csv", "")) })
    #expect(empty.line == 1 && empty.message == "the file is empty")
}

@Test func missingCodesBecomeNaN() throws {
    let file = try kenFrench("202001,-99.99,-999\n202002,-99.98,-99.5\n")
    let v = file.sections[0].values
    #expect(v[0, 0].isNaN && v[0, 1].isNaN && v[1, 0] == -99.98 / 100 && v[1, 1] == -99.5 / 100)
    // A near miss of the code -999 is no missing value: as a return it is below −100%, an error.
    let nearMiss = try #require(dataError { try kenFrench("202001,1,-999.5\n") })
    #expect(nearMiss.line == 5 && nearMiss.column == 10 && nearMiss.message.hasPrefix("'-999.5' in column 'B' is a return below −100%"))
}

import Testing
import TiltTestSupport
import TiltLinearAlgebra
@testable import TiltData

/// Spot values copied from the raw text of F-F_Research_Data_5_Factors_2x3.csv (202412 vintage).
@Test(.enabled(if: SharedData.isAvailable, SharedData.missing)) func fiveFactorFileMonthlyBlock() throws {
    let ff5 = try FactorFile.load(path: sharedDataPath("F-F_Research_Data_5_Factors_2x3.csv"))
    #expect(ff5.factorNames == ["mktrf", "smb", "hml", "rmw", "cma"])
    #expect(ff5.months.count == 738 && ff5.months.first == Month(1963, 7) && ff5.months.last == Month(2024, 12))
    let r = ff5.returns, last = r.rows - 1
    #expect(r.colLabels == ff5.factorNames && r.rowLabels?.last == "2024-12")
    // 196307,   -0.39,   -0.41,   -0.97,    0.68,   -1.18,    0.27
    #expect((0..<5).map { r[0, $0] } == [-0.39, -0.41, -0.97, 0.68, -1.18].map { $0 / 100 })
    // 202412,   -3.17,   -3.87,   -2.95,    1.82,   -1.10,    0.37
    #expect((0..<5).map { r[last, $0] } == [-3.17, -3.87, -2.95, 1.82, -1.10].map { $0 / 100 })
    let rf = try #require(ff5.riskFree)
    #expect(rf.shapeDescription == "738×1" && rf[0, 0] == 0.27 / 100 && rf[last, 0] == 0.37 / 100)
    let file = try KenFrenchFile.load(path: sharedDataPath("F-F_Research_Data_5_Factors_2x3.csv"))
    #expect(file.sections.count == 2 && file.sections[1].kind == .annual)
    #expect(file.sections[1].title == "Annual Factors: January-December")
}

@Test(.enabled(if: SharedData.isAvailable, SharedData.missing)) func tidyFactorsMatchTheKenFrenchFile() throws {
    let ff6 = try FactorFile.loadTidy(path: sharedDataPath("ff6_monthly.csv"))
    let ff5 = try FactorFile.load(path: sharedDataPath("F-F_Research_Data_5_Factors_2x3.csv"))
    #expect(ff6.factorNames == ["mktrf", "smb", "hml", "rmw", "cma", "umd"])
    #expect(ff6.months == ff5.months)
    let aligned = ff5.factorNames.compactMap { ff6.factorNames.firstIndex(of: $0) }
    #expect(aligned == [0, 1, 2, 3, 4])
    var largest = 0.0
    for (j5, j6) in aligned.enumerated() {
        for t in 0..<ff5.months.count { largest = max(largest, abs(ff5.returns[t, j5] - ff6.returns[t, j6])) }
    }
    let rf5 = try #require(ff5.riskFree), rf6 = try #require(ff6.riskFree)
    for t in 0..<ff5.months.count { largest = max(largest, abs(rf5[t, 0] - rf6[t, 0])) }
    #expect(largest <= 1e-12)
}

@Test func tidyFactorErrors() throws {
    func load(_ text: String) throws -> FactorFile { try FactorFile.loadTidy(path: temporaryFile("f.csv", text)) }
    let noHeader = try #require(dataError { try load("1963-07,0.1\n") })
    #expect(noHeader.line == 1 && noHeader.column == 1)
    let duplicate = try #require(dataError { try load("month,mktrf\n1963-07,0.1\n1963-07,0.2\n") })
    #expect(duplicate.line == 3 && duplicate.column == 1 && duplicate.message == "duplicate date 1963-07 (also on line 2)")
    let unsorted = try #require(dataError { try load("month,mktrf\n1963-08,0.1\n1963-07,0.2\n") })
    #expect(unsorted.line == 3 && unsorted.column == 1)
    let text = try #require(dataError { try load("month,mktrf,RF\n1963-07,0.1,x\n") })
    #expect(text.line == 2 && text.column == 13 && text.message == "'x' in column 'RF' is not a number")
    let headerOnly = try #require(dataError { try load("month,mktrf\n") })
    #expect(headerOnly.line == 1 && headerOnly.message == "the file has a header but no data rows")
    let twice = try #require(dataError { try load("month,Mkt-RF,mktrf\n1963-07,0.1,0.2\n") })
    #expect(twice.line == 1 && twice.message == "factor 'mktrf' appears twice in the header")
    let noRF = try load("month,SMB\n196307,0.5\n")
    #expect(noRF.riskFree == nil && noRF.factorNames == ["smb"] && noRF.months == [Month(1963, 7)])
}

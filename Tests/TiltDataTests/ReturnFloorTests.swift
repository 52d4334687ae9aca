import Testing
import TiltLinearAlgebra
@testable import TiltData

/// A return below −100% (a loss of more than everything) is an error at its cell in every loader of
/// returns; exactly −100%, a total loss, is kept. The message says why, for assets, the risk-free rate
/// and factors.
@Test func returnsBelowMinus100PercentAreErrorsAtTheCell() throws {
    let asset = "is a return below −100%: no asset can lose more than everything invested"
    let bill = "is a risk-free rate below −100%: a bill cannot lose more than everything invested"
    let factor = "is a factor return below −100%, refused as an asset's would be: a market excess return cannot fall that low and long–short factors never come near it"
    let percent = { (x: Int) in "would be a factor return of \(Double(x))% in one month: the file looks like percent, but a tidy factor file holds decimals (0.0123 for 1.23%)" }
    let kenFrench = "Title\n\n  Average Value Weighted Returns -- Monthly\n,Agric,Food\n202003,-20.0,-100.00\n202004,-150.00,5.0\n"
    let factorFile = "Title\n\n,Mkt-RF,SMB,RF\n202003,-13.0,-100.5,0.1\n"
    let cases: [(text: String, load: (String) throws -> Any, line: Int, column: Int, message: String)] = [
        (kenFrench, { try KenFrenchFile.load(path: $0) }, 6, 8, "'-150.00' in column 'Agric' " + asset),
        (kenFrench, { try IndustryPortfolios.load(path: $0) }, 6, 8, "'-150.00' in column 'Agric' " + asset),
        (factorFile, { try FactorFile.load(path: $0) }, 4, 14, "'-100.5' in column 'SMB' " + factor),
        ("Title\n\n,Mkt-RF,RF\n202003,-13.0,-101.0\n", { try FactorFile.load(path: $0) }, 4, 14, "'-101.0' in column 'RF' " + bill),
        // A tidy file holds decimals: beyond ±100% it is in percent (said before the floor would be).
        ("month,mktrf,rf\n2020-03,-0.1,-1.01\n", { try FactorFile.loadTidy(path: $0) }, 2, 14, "'-1.01' in column 'rf' " + percent(-101)),
        ("month,mktrf,rf\n2020-03,-1.2,0.001\n", { try FactorFile.loadTidy(path: $0) }, 2, 9, "'-1.2' in column 'mktrf' " + percent(-120)),
        ("month,AAA,BBB\n2020-03,-1,-1.5\n", { try AssetPanel.loadWide(returns: $0) }, 2, 12, "'-1.5' in column 'BBB' " + asset),
        ("permno,date,ret,prc,shrout,siccd\n1,20200331,-1.5,5,10,100\n", { try CRSPExtract.load(path: $0) }, 2, 12,
         "'-1.5' in column 'ret' " + asset),
    ]
    for c in cases {
        let path = try temporaryFile("r.csv", c.text)
        let error = try #require(dataError { try c.load(path) }, "\(c.text)")
        #expect(error.line == c.line && error.column == c.column && error.message == c.message, "\(error)")
    }
    // −100% exactly is a total loss, and is kept; missing codes stay missing.
    let total = try KenFrenchFile.load(path: temporaryFile("k.csv", "  Returns -- Monthly\n,A,B\n202003,-100.00,-99.99\n"))
    #expect(total.sections[0].values[0, 0] == -1 && total.sections[0].values[0, 1].isNaN)
    let crsp = try CRSPExtract.load(path: temporaryFile("c.csv", "permno,date,ret,prc,shrout,siccd\n1,20200331,-1,5,10,100\n2,20200331,-99,5,10,100\n"))
    #expect(crsp.denseReturns()[0, 0] == -1 && crsp.denseReturns()[0, 1].isNaN)
}

/// Values that are not returns keep any sign: characteristics (a parametric policy reads them as a
/// `MonthlyTable`), `read()`, Ken French's BE/ME (negative book equity). Counts, sizes and caps cannot be
/// negative (ResearcherFilesTests).
@Test func valuesThatAreNotReturnsMayBeBelowMinusOne() throws {
    let table = try MonthlyTable(path: temporaryFile("x.csv", "month,AAA\n2020-03,-2.5\n"))
    #expect(table.values.storage == [-2.5] && table.months == [Month(2020, 3)])
    #expect(try readNumericCSV(path: temporaryFile("y.csv", "a,b\n-3,-4\n")).storage == [-3, -4])
    let bookToMarket = try KenFrenchFile.load(path: temporaryFile("k.csv", "  Sum of BE / Sum of ME\n,A\n2020,-1.5\n"))
    #expect(bookToMarket.sections[0].values[0, 0] == -1.5)
}

import Foundation
import Testing
import TiltLinearAlgebra
import TiltTestSupport
@testable import TiltData

/// A folder holding `files` (name → text); its path.
private func folder(_ files: [String: String]) throws -> String {
    let url = try scratchFolder()
    for (name, text) in files { try text.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8) }
    return url.path
}

private let crspHeader = "PERMNO,date,RET,PRC,SHROUT,SICCD\n10001,2000-01-31,0.1,5,10,100\n"
private let fiveFactors = "This file was created by CMPT_ME_BEME_OP_INV_RETS using the 202412 CRSP database.,,,,,,\n,,,,,,\n,Mkt-RF,SMB,HML,RMW,CMA,RF\n202001,   1.00,   2.00,   3.00,   4.00,   5.00,   0.10\n202002,  -1.00,  -2.00,  -3.00,  -4.00,  -5.00,   0.20\n202003,   0.50,   0.50,   0.50,   0.50,   0.50,   0.30\n\n Annual Factors: January-December ,,,,,,\n,Mkt-RF,SMB,HML,RMW,CMA,RF\n  2020,   1.00,   2.00,   3.00,   4.00,   5.00,   0.10\n"
private let momentum = "This file was created by CMPT_ME_PRIOR_RETS using the 202412 CRSP database.\n\n,Mom   \n201912,   9.00\n202001,   1.50\n202002,   2.50\n\n Annual Factors: January-December \n,Mom\n  2020,   1.00\n"

@Test func theCRSPExtractIsFoundByNameOrByItsColumns() throws {
    let named = try folder(["crsp.csv": crspHeader, "other.csv": crspHeader])
    #expect(try DataDiscovery.crspExtract(in: [named]) == named + "/crsp.csv")
    let one = try folder(["extract_2024.csv": crspHeader.lowercased(), "notes.csv": "a,b\n1,2\n", "F-F_Momentum_Factor.CSV": momentum])
    #expect(try DataDiscovery.crspExtract(in: [one]) == one + "/extract_2024.csv")
    let several = try folder(["a.csv": crspHeader, "b.csv": crspHeader])
    let error = try #require(dataError { try DataDiscovery.crspExtract(in: [several]) })
    #expect(error.message.hasSuffix("a.csv, b.csv") && error.hint == "name one: `universe crsp(\"a.csv\")`")
    let none = try folder(["notes.csv": "a,b\n1,2\n"])
    #expect(dataError { try DataDiscovery.crspExtract(in: [none]) }?.message.hasPrefix("no CRSP extract") == true)
}

@Test func kenFrenchFactorsAreFoundAsDownloadedAndJoinedWithMomentum() throws {
    let both = try folder(["F-F_Research_Data_5_Factors_2x3.CSV": fiveFactors, "F-F_Momentum_Factor.CSV": momentum])
    let chosen = try #require(try DataDiscovery.defaultFactorFiles(in: [both]))
    #expect(chosen.paths == [both + "/F-F_Research_Data_5_Factors_2x3.CSV", both + "/F-F_Momentum_Factor.CSV"])
    let found = try DataDiscovery.load(chosen)
    #expect(found.factors.factorNames == ["mktrf", "smb", "hml", "rmw", "cma", "umd"])
    #expect(found.factors.months == [Month(2020, 1), Month(2020, 2)])   // the months both files have
    #expect(found.factors.returns[1, 5] == 0.025 && found.factors.returns[0, 0] == 0.01 && found.factors.riskFree?[1, 0] == 0.002)
    #expect(found.note.hasPrefix("factors: F-F_Research_Data_5_Factors_2x3.CSV joined with F-F_Momentum_Factor.CSV"))
    let five = try folder(["F-F_Research_Data_5_Factors_2x3.csv": fiveFactors])
    #expect(try DataDiscovery.defaultFactorFiles(in: [five]).map(DataDiscovery.load)?.factors.factorNames == ["mktrf", "smb", "hml", "rmw", "cma"])
    // Tilt's own factors.csv comes first; a lone tidy factor file is found; two candidates are an error.
    let tidy = try folder(["factors.csv": "month,mktrf,rf\n2020-01,0.01,0.001\n", "F-F_Research_Data_5_Factors_2x3.csv": fiveFactors])
    #expect(try DataDiscovery.defaultFactorFiles(in: [tidy])?.paths == [tidy + "/factors.csv"])
    let lone = try folder(["my_factors.csv": "date,Mkt-RF,RF\n2020-01-31,0.01,0.001\n"])
    #expect(try DataDiscovery.defaultFactorFiles(in: [lone]).map(DataDiscovery.load)?.factors.factorNames == ["mktrf"])
    let two = try folder(["a.csv": "date,mktrf\n2020-01,0.01\n", "b.csv": "month,mktrf\n2020-01,0.01\n"])
    #expect(dataError { try DataDiscovery.defaultFactorFiles(in: [two]) }?.message.hasSuffix("could be the factors: a.csv, b.csv") == true)
    #expect(try DataDiscovery.defaultFactorFiles(in: [try folder(["x.csv": "a,b\n1,2\n"])]) == nil)
}

/// A tidy factor file whose first column is `date`, whose header is quoted or whose dates are YYYYMMDD is
/// read as tidy (it was taken for a Ken French file: "no sections found"); percent in a tidy file is an
/// error at its first large value.
@Test func tidyFactorFilesAreRecognisedWhateverTheirFirstColumn() throws {
    for text in ["date,mktrf,rf\n2020-01-31,0.01,0.001\n2020-02-28,0.02,0.001\n",
                 "\"month\",\"Mkt-RF\",\"RF\"\n202001,0.01,0.001\n202002,0.02,0.001\n",
                 "Date,mktrf,rf\n20200131,0.01,0.001\n20200228,0.02,0.001\n"] {
        let path = try temporaryFile("t.csv", text)
        #expect(FactorFile.isTidy(path: path), "\(text)")
        let factors = try FactorFile.read(path: path)
        #expect(factors.factorNames == ["mktrf"] && factors.months == [Month(2020, 1), Month(2020, 2)] && factors.returns[1, 0] == 0.02)
    }
    let percent = try #require(dataError { try FactorFile.read(path: temporaryFile("p.csv", "month,mktrf,rf\n2020-01,0.5,0.1\n2020-02,2.5,0.1\n")) })
    #expect(percent.line == 3 && percent.column == 9 && percent.message.contains("looks like percent"))
    #expect(!FactorFile.isTidy(path: try temporaryFile("k.csv", fiveFactors)))
    // A header alone is a tidy file without rows (it was read as a Ken French file: "no sections found").
    let headerOnly = try #require(dataError { try FactorFile.read(path: temporaryFile("h.csv", "month,mktrf,rf\n")) })
    #expect(headerOnly.line == 1 && headerOnly.message == "the file has a header but no data rows", "\(headerOnly)")
    let description = try #require(dataError { try FactorFile.read(path: temporaryFile("d.csv", "This file was created by CMPT_ME_BEME_OP_INV_RETS\n")) })
    #expect(description.message.hasPrefix("no sections found"))
}

@Test func longPanelsCarryCapsAndSectorsAsOfEachMonth() throws {
    let text = "asset,month,ret,cap,sector\nA,2000-02,0.02,110,Tech\nA,2000-01,0.01,100,Energy\nB,2000-01,0.05,50,Tech\nB,2000-03,,60,Tech\n"
    let path = try temporaryFile("long.csv", text)
    #expect(AssetPanel.isLongPanel(path: path))
    let panel = try AssetPanel.load(path: path)
    #expect(panel.assetIDs == ["A", "B"] && panel.months == [Month(2000, 1), Month(2000, 2), Month(2000, 3)])
    #expect(panel.returnValue(row: 0, asset: 0) == 0.01 && panel.returnValue(row: 1, asset: 0) == 0.02)
    #expect(panel.returnValue(row: 1, asset: 1).isNaN && panel.marketCap(row: 2, asset: 1) == 60)
    #expect(panel.sector(row: 0, asset: 0) == "Energy" && panel.sector(row: 1, asset: 0) == "Tech")
    #expect(panel.eligibleAssets(atRebalance: 0) == [0, 1] && panel.eligibleAssets(atRebalance: 2) == [])
    let twice = try #require(dataError { try AssetPanel.load(path: temporaryFile("l.csv", "asset,month,ret\nA,2000-01,0.1\nA,2000-01,0.2\n")) })
    #expect(twice.line == 3 && twice.message.hasPrefix("asset 'A' has a second row for 2000-01 (also on line 2)"))
}

/// Negative caps, firm counts, sizes are errors at their cell; a caps file without one positive cap is an
/// error naming it (it ran on as "no asset has a return in the following month").
@Test func valuesThatCannotBeNegativeAreErrorsAtTheirCell() throws {
    let returns = try temporaryFile("r.csv", "month,A,B\n2000-01,0.1,0.2\n2000-02,0.1,0.2\n")
    let negative = try #require(dataError { try AssetPanel.loadWide(returns: returns, caps: temporaryFile("c.csv", "month,A,B\n2000-01,5,-3\n2000-02,5,3\n")) })
    #expect(negative.line == 2 && negative.column == 11 && negative.message == "'-3' in column 'B' is negative: a market cap cannot be")
    let zero = try #require(dataError { try AssetPanel.loadWide(returns: returns, caps: temporaryFile("c.csv", "month,A,B\n2000-01,0,0\n2000-02,0,\n")) })
    #expect(zero.line == 2 && zero.message.hasPrefix("no market cap in the file is positive"))
    let firms = try #require(dataError { try KenFrenchFile.load(path: temporaryFile("k.csv", "  Number of Firms in Portfolios\n,A\n202003,-150\n")) })
    #expect(firms.line == 3 && firms.column == 8 && firms.message == "'-150' in column 'A' is negative: a number of firms cannot be")
    let size = try #require(dataError { try KenFrenchFile.load(path: temporaryFile("k.csv", "  Average Firm Size\n,A\n202003,-1.5\n")) })
    #expect(size.message == "'-1.5' in column 'A' is negative: an average firm size cannot be")
}

/// A file separated by semicolons (Excel where the decimal mark is a comma) or tabs reads as one column:
/// each loader's error says so (it said only that the header lacked the CRSP columns, named no value
/// columns, or that there were no sections).
@Test func filesSeparatedByAnotherCharacterAreNamedAsSuch() throws {
    let semicolons = "the file's lines are separated by semicolons (;), not commas: Tilt reads comma-separated files (export or save the file as CSV with commas)"
    let crsp = try #require(dataError { try CRSPExtract.load(path: temporaryFile("c.csv", crspHeader.replacingOccurrences(of: ",", with: ";"))) })
    #expect(crsp.line == 1 && crsp.message.hasPrefix("a header naming the columns") && crsp.hint == semicolons, "\(crsp)")
    let wide = try #require(dataError { try AssetPanel.load(path: temporaryFile("r.csv", "month\tA\tB\n2000-01\t0.1\t0.2\n")) })
    #expect(wide.line == 1 && wide.message == "the header names no value columns" && wide.hint?.hasPrefix("the file's lines are separated by tabs") == true, "\(wide)")
    let kenFrench = try #require(dataError { try FactorFile.read(path: temporaryFile("k.csv", fiveFactors.replacingOccurrences(of: ",", with: ";"))) })
    #expect(kenFrench.message.hasPrefix("no sections found") && kenFrench.hint == semicolons, "\(kenFrench)")
    // A comma-separated file keeps its own hint, and a one-column file gets none.
    let lacking = try #require(dataError { try CRSPExtract.load(path: temporaryFile("c.csv", "PERMNO,date\n1,2000-01-31\n")) })
    #expect(lacking.hint?.hasPrefix("a CRSP extract has PERMNO") == true)
    let single = try #require(dataError { try AssetPanel.load(path: temporaryFile("r.csv", "month\n2000-01\n")) })
    #expect(single.message == "the header names no value columns" && single.hint == nil)
}

/// A Ken French factor file whose returns were divided by 100 (decimals in his layout) was read as percent,
/// 100 times too small, in silence: a year or more of factor returns all within ±1 is an error at the
/// section's header. Fewer months, or one month beyond ±1%, read as before.
@Test func aKenFrenchFactorFileInDecimalsIsAnError() throws {
    func file(months: Int, value: (Int) -> String) -> String {
        "This file was created by CMPT_ME_BEME_OP_INV_RETS.\n\n,Mkt-RF,SMB,RF\n" + (0..<months).map { t in
            "\(2000 + t / 12)\(t % 12 < 9 ? "0" : "")\(t % 12 + 1),\(value(t)),\(value(t + 1)),0.3\n"
        }.joined()
    }
    let decimals = try #require(dataError { try FactorFile.read(path: temporaryFile("k.csv", file(months: 12) { "\($0 % 2 == 0 ? "-" : "")0.0\($0 % 10)" })) })
    #expect(decimals.line == 3 && decimals.message.hasPrefix("every factor return of the 12 months below lies within ±1 as written"), "\(decimals)")
    #expect(try FactorFile.read(path: temporaryFile("k.csv", file(months: 11) { _ in "0.05" })).returns[0, 0] == 0.0005)
    let percent = try FactorFile.read(path: temporaryFile("k.csv", file(months: 24) { $0 == 20 ? "-1.00" : "0.5" }))
    #expect(percent.returns[20, 0] == -0.01 && percent.returns[0, 0] == 0.005 && percent.riskFree?[0, 0] == 0.003)
}

/// A symbolic link whose target is gone is said to be one (it read as "no such file").
@Test func aDanglingLinkIsNamed() throws {
    let url = try scratchFolder()
    let link = url.appendingPathComponent("link.csv").path
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "/nonexistent/returns.csv")
    #expect(DataFile.danglingLinkTarget(link) == "/nonexistent/returns.csv")
    let error = try #require(dataError { try CSVDocument(path: link) })
    #expect(error.message == "cannot read the file: it is a symbolic link to `/nonexistent/returns.csv`, which does not exist")
    #expect(dataError { try CRSPExtract.load(path: link) }?.message == error.message)
}

/// Fama–French industries from their SIC ranges (Ken French's Siccodes12 and Siccodes48), and SIC divisions.
@Test func sectorSchemesFollowTheirDefinitions() {
    let cases: [(Int?, String, String, String)] = [
        (2834, "Manufacturing", "Hlth", "Drugs"), (3571, "Manufacturing", "BusEq", "Comps"), (6021, "Finance", "Money", "Banks"),
        (1311, "Mining", "Enrgy", "Oil"), (4950, "Transportation & Utilities", "Other", "Other"), (100, "Agriculture", "NoDur", "Agric"),
        (2048, "Manufacturing", "NoDur", "Agric"), (7372, "Services", "BusEq", "BusSv"), (6799, "Finance", "Money", "Fin"),
        (1500, "Construction", "Other", "Cnstr"), (9999, "Public Administration", "Other", "Other"), (nil, "Other", "Other", "Other"),
        (0, "Other", "Other", "Other"), (4911, "Transportation & Utilities", "Utils", "Util"), (3999, "Manufacturing", "Durbl", "Other"),
    ]
    for (code, division, ff12, ff48) in cases {
        #expect(SectorScheme.sicDivisions.sector(sicCode: code) == division, "\(String(describing: code))")
        #expect(SectorScheme.famaFrench12.sector(sicCode: code) == ff12, "\(String(describing: code))")
        #expect(SectorScheme.famaFrench48.sector(sicCode: code) == ff48, "\(String(describing: code))")
    }
    #expect(FamaFrenchIndustries.fortyEight.names.count == 48 && FamaFrenchIndustries.twelve.names.count == 12)
}

import Foundation
import Testing
import TiltLinearAlgebra
@testable import TiltData

/// A WRDS extract as downloaded: upper-case columns in WRDS's order, event columns, letter codes, a
/// negative price, a delisting on its own row, share and exchange codes that change, a SIC code that changes.
private let wrdsExtract = """
PERMNO,date,SHRCD,EXCHCD,SICCD,PRC,VOL,RET,SHROUT,DLSTCD,DLRET,DLSTDT
10001,2000-01-31,10,1,2834,10,100,C,1000,,,
10001,2000-02-29,10,1,2834,-11,100,0.1,1000,,,
10001,2000-03-31,10,1,3571,12.1,100,0.1,1000,,,
10001,2000-04-28,10,4,3571,13.31,100,0.1,1000,,,
10002,2000-01-31,11,3,6021,20,50,0.05,500,,,
10002,2000-02-29,11,3,6021,21,50,0.05,500,,,
10002,2000-03-15,11,3,6021,21.42,50,0.02,500,,,
10002,2000-03-16,11,3,6021,,,,,231,0.3,2000-03-16
10003,2000-01-31,73,3,6726,30,70,0.01,100,,,
10003,2000-02-29,73,3,6726,30.3,70,0.01,100,,,
10004,2000-01-31,10,2,1311,5,10,-0.2,300,,,
10004,2000-02-29,10,2,1311,4,10,B,300,,,
10004,2000-03-10,10,2,1311,,,,,552,,2000-03-10

"""

@Test func aWRDSExtractIsReadAsOfEachMonth() throws {
    let panel = try CRSPExtract.load(path: temporaryFile("wrds.csv", wrdsExtract))
    // 10003 (SHRCD 73, a fund) is never a common share: dropped.
    #expect(panel.assetIDs == ["10001", "10002", "10004"])
    #expect(panel.months == [Month(2000, 1), Month(2000, 2), Month(2000, 3), Month(2000, 4)])
    let r = panel.denseReturns()
    #expect(r[0, 0].isNaN && r[1, 0] == 0.1 && r[2, 0] == 0.1 && r[3, 0] == 0.1)   // C: first month missing
    // 10002 trades to 15 March (partial month 2%) and delists with DLRET 30%: 1.02 × 1.3 − 1.
    #expect(abs(r[2, 1] - (1.02 * 1.3 - 1)) < 1e-15 && panel.isDelisting(row: 2, asset: 1))
    #expect(r[3, 1].isNaN)
    // 10004: B in February; delisted in March (code 552, DLRET missing): −30% after Shumway (1997).
    #expect(r[1, 2].isNaN && r[2, 2] == -0.3 && panel.isDelisting(row: 2, asset: 2))
    let caps = try #require(panel.denseMarketCaps())
    #expect(caps[1, 0] == 11 * 1000 && caps[2, 1] == 21.42 * 500 && caps[2, 2].isNaN)   // |−11| × 1000; no price in a delisting-only month
    // SIC as of each month: 10001 is Manufacturing (2834) then (3571) — both Manufacturing; FF48: Drugs, then Comps.
    let ff48 = try CRSPExtract.load(path: temporaryFile("wrds.csv", wrdsExtract), options: CRSPOptions(sectors: .famaFrench48))
    #expect(ff48.sector(row: 1, asset: 0) == "Drugs" && ff48.sector(row: 2, asset: 0) == "Comps")
    #expect(ff48.sectors == ["Comps", "Banks", "Oil"])
    #expect(panel.sector(row: 0, asset: 2) == "Mining")
    // Eligibility uses only what is known at T: a return and a cap at T, common share on NYSE/AMEX/NASDAQ at T.
    #expect(panel.eligibleAssets(atRebalance: 0) == [1, 2])   // 10001 has no January return (C)
    #expect(panel.eligibleAssets(atRebalance: 1) == [0, 1])   // 10004: B in February
    #expect(panel.eligibleAssets(atRebalance: 2) == [0])      // 10002 and 10004 delist in March
    #expect(panel.isScreenedOut(row: 3, asset: 0) && panel.eligibleAssets(atRebalance: 3) == [])   // EXCHCD 4 in April
    // `shares: all` keeps every security and screens nothing.
    let all = try CRSPExtract.load(path: temporaryFile("wrds.csv", wrdsExtract), options: CRSPOptions(commonSharesOnly: false))
    #expect(all.assetIDs == ["10001", "10002", "10003", "10004"] && all.eligibleAssets(atRebalance: 3) == [0])
}

@Test func sentinelDatesNegativeSharesAndOverflowingCapsAreErrorsAtTheirCell() throws {
    let header = "PERMNO,date,RET,PRC,SHROUT,SICCD\n"
    let sentinel = try #require(dataError { try CRSPExtract.load(path: temporaryFile("s.csv", header + "1,2000-01-31,0.1,5,10,100\n1,9999-12-31,0.1,5,10,100\n")) })
    #expect(sentinel.line == 3 && sentinel.column == 3 && sentinel.message.hasPrefix("'9999-12-31' is not a date of a CRSP stock file"))
    let ancient = try #require(dataError { try CRSPExtract.load(path: temporaryFile("s.csv", header + "1,1000-01-31,0.1,5,10,100\n")) })
    #expect(ancient.line == 2 && ancient.column == 3)
    let shares = try #require(dataError { try CRSPExtract.load(path: temporaryFile("s.csv", header + "1,2000-01-31,0.1,5,-10,100\n")) })
    #expect(shares.line == 2 && shares.column == 20 && shares.message.hasPrefix("SHROUT -10 is negative"), "\(shares)")
    // A cap that overflows (1e308 × 2000) would be infinite and the stock never eligible, in silence.
    let huge = try #require(dataError { try CRSPExtract.load(path: temporaryFile("s.csv", header + "1,2000-01-31,0.1,5,10,100\n1,2000-02-29,0.1,1e308,2000,100\n")) })
    #expect(huge.line == 3 && huge.column == 18 && huge.message.hasPrefix("the market cap |PRC| × SHROUT = 1e308 × 2000 is beyond a double's range"), "\(huge)")
    #expect(try CRSPExtract.load(path: temporaryFile("s.csv", header + "1,2000-01-31,0.1,1e300,2000,100\n")).denseMarketCaps()?[0, 0] == 2e303)
    let twoDelistings = "PERMNO,date,RET,PRC,SHROUT,SICCD,DLSTCD,DLRET,DLSTDT\n1,2000-01-31,0.1,5,10,100,,,\n1,2000-02-10,,,,100,231,0.1,2000-02-10\n1,2000-03-10,,,,100,552,,2000-03-10\n"
    let twice = try #require(dataError { try CRSPExtract.load(path: temporaryFile("s.csv", twoDelistings)) })
    #expect(twice.line == 4 && twice.message.hasPrefix("permno 1 has a second, different delisting"))
}

/// The loader's memory follows the stock-months it keeps: a stock listed in 1926 and one listed in 2020
/// store their own months, not 95 years × 2 stocks.
@Test func aPanelStoresOnlyTheMonthsEachStockIsListed() throws {
    var text = "permno,date,ret,prc,shrout,siccd\n"
    for t in 0..<24 { text += "1,\(1926 + t / 12)-\(String(format: "%02d", t % 12 + 1))-15,0.01,5,10,100\n" }
    for t in 0..<24 { text += "2,\(2020 + t / 12)-\(String(format: "%02d", t % 12 + 1))-15,0.02,5,10,100\n" }
    let panel = try CRSPExtract.load(path: temporaryFile("sparse.csv", text))
    #expect(panel.months.count == (2021 - 1926) * 12 + 12)
    #expect(panel.storedMonthCount == 48)
    #expect(panel.returnValue(row: 5, asset: 0) == 0.01 && panel.returnValue(row: 5, asset: 1).isNaN)
    #expect(panel.returnValue(row: panel.months.count - 1, asset: 1) == 0.02)
}

/// Reading in pieces of any size gives the same panel (quoted fields with line breaks across pieces, CRLF
/// line ends, a byte-order mark).
@Test func piecesOfAnySizeReadTheSame() throws {
    let text = "\u{FEFF}permno,date,ret,prc,shrout,siccd,\"note\"\r\n" + (0..<30).map { t in
        "\(t % 3 + 1),2000-\(String(format: "%02d", t / 3 + 1))-28,0.0\(t % 7),\(t + 1),10,100,\"a,\r\nb\"\r\n"
    }.joined()
    let path = try temporaryFile("pieces.csv", text)
    let whole = try CRSPExtract.load(path: path)
    for size in [1, 2, 3, 7, 64, 1000] {
        var lines: [Int] = []
        try CSVFileReader(path: path, pieceSize: size).forEachPiece { piece in
            try piece.forEachRecord { lines.append($0.line) }
        }
        #expect(lines == [1] + Array(stride(from: 2, through: 60, by: 2)), "\(size)")   // each record spans two lines
    }
    #expect(whole.assetIDs == ["1", "2", "3"] && whole.months.count == 10)
}

/// The synthetic WRDS extract (entries, exits, delistings, letter codes, screens, SIC changes), read back
/// and compared with the panel computed from what was drawn, without the loader.
@Test(arguments: [false, true])
func theSyntheticWRDSExtractReadsBackAsDrawn(daily: Bool) throws {
    let market = try SyntheticMarket.generate(stocks: 60, seed: 5, from: Month(2001, 1), to: Month(2006, 12))
    let extract = SyntheticCRSPExtract(market: market, seed: 5, meanLifetime: 30)
    var bytes: [UInt8] = []
    extract.write(daily: daily) { bytes += $0 }
    let panel = try CRSPExtract.load(path: temporaryFile("synthetic.csv", bytes: bytes))
    let months = market.panel.months
    let kept = extract.listings.indices.filter { [10, 11].contains(extract.listings[$0].shareCode) }
    #expect(panel.assetIDs == kept.map { market.panel.assetIDs[$0] })
    #expect(extract.listings.contains { $0.delisting != nil } && extract.listings.contains { $0.firstMonth > 0 })
    let offset = try #require(months.firstIndex(of: panel.months[0]))
    var delistings = 0
    for (k, j) in kept.enumerated() {
        let listing = extract.listings[j]
        for t in months.indices {
            var expected = Double.nan
            let inLife = t >= listing.firstMonth && t <= listing.lastMonth
            if let d = listing.delisting, d.month == t {
                let dlret = d.ret ?? ((d.code == 500 || (520...584).contains(d.code)) ? -0.3 : 0)
                expected = d.tradesInMonth ? (1 + d.partialReturn) * (1 + dlret) - 1 : dlret
                delistings += 1
            } else if inLife, !(t == listing.firstMonth && t > 0), !listing.missingMonths.contains(t) {
                expected = market.panel.returnValue(row: t, asset: j)
            }
            let loaded = panel.returnValue(row: t - offset, asset: k)
            let tolerance = daily ? 1e-12 : 1e-15
            #expect(expected.isNaN ? loaded.isNaN : abs(loaded - expected) <= tolerance, "\(market.panel.assetIDs[j]) \(months[t]): \(loaded) vs \(expected)")
            if inLife, listing.delisting?.month != t {
                let cap = panel.marketCap(row: t - offset, asset: k)
                #expect(abs(cap - market.prices[t, j] * market.sharesOutstanding[j]) <= 1e-9 * cap, "\(months[t])")
                let sector = SICDivision(sicCode: listing.sicCode(t, base: market.sicCodes[j])).name
                #expect(panel.sector(row: t - offset, asset: k) == sector)
                #expect(panel.isScreenedOut(row: t - offset, asset: k) == (listing.exchange(t) == 4))
            }
        }
    }
    #expect(delistings > 5)
}

/// Whole-number cells far outside any integer (PERMNO 1e20, SHRCD 1e300, EXCHCD −1e300, SICCD and DLSTCD
/// 1e20) are errors at their cell, never a trap; a SIC code that is whole but beyond any SIC (4e9) is an
/// unknown sector; huge SHROUT and PRC are values, but a product (the cap) beyond a double's range is an
/// error at the PRC cell (read as +∞, the stock was never eligible, in silence).
@Test func hugeWholeNumbersAreErrorsAtTheirCellNeverATrap() throws {
    let header = "PERMNO,date,SHRCD,EXCHCD,SICCD,PRC,VOL,RET,SHROUT,DLSTCD,DLRET,DLSTDT\n"
    let good = "1,2000-01-31,10,1,2834,10,100,0.1,1000,,,\n"
    let cases: [(row: String, cell: String, column: Int)] = [
        ("1e20,2000-01-31,10,1,2834,10,100,0.1,1000,,,\n", "1e20", 1),
        ("1,2000-01-31,1e300,1,2834,10,100,0.1,1000,,,\n", "1e300", 14),
        ("1,2000-01-31,10,-1e300,2834,10,100,0.1,1000,,,\n", "-1e300", 17),
        ("1,2000-01-31,10,1,1e20,10,100,0.1,1000,,,\n", "1e20", 19),
        ("1,2000-02-10,10,1,2834,,,,,1e20,,2000-02-10\n", "1e20", 28),
    ]
    for (row, cell, column) in cases {
        let error = try #require(dataError { try CRSPExtract.load(path: temporaryFile("huge.csv", header + good + row)) }, "\(row)")
        #expect(error.path.hasSuffix("huge.csv") && error.line == 3 && error.column == column, "\(error)")
        #expect(error.message.hasPrefix("'\(cell)' is not a whole number"), "\(error)")
    }
    let values = header + good + "2,2000-01-31,10,1,4000000000,1e300,100,0.1,1,,,\n3,2000-01-31,10,1,2834,10,100,0.1,1e300,,,\n"
    let panel = try CRSPExtract.load(path: temporaryFile("huge.csv", values))
    let caps = try #require(panel.denseMarketCaps())
    #expect(panel.assetIDs == ["1", "2", "3"] && caps[0, 1] == 1e300 && caps[0, 2] == 10 * 1e300)
    let overflow = try #require(dataError { try CRSPExtract.load(path: temporaryFile("huge.csv", header + good + "2,2000-01-31,10,1,2834,1e300,100,0.1,1e300,,,\n")) })
    #expect(overflow.line == 3 && overflow.column == 24 && overflow.message.hasPrefix("the market cap |PRC| × SHROUT = 1e300 × 1e300"), "\(overflow)")
    #expect(panel.sector(row: 0, asset: 1) == SICDivision.other.name && panel.sector(row: 0, asset: 0) == "Manufacturing")
}

import Foundation
import Testing
import TiltBacktest
import TiltData
import TiltLanguage
import TiltSyntax
import TiltTestSupport

/// Runs `program` in a folder holding `files`; its backtests, rendered diagnostics and printed notes.
private func run(_ program: String, files: [String: String]) throws -> (results: [BacktestResult], errors: String, notes: [String]) {
    final class Collected: @unchecked Sendable { var results: [BacktestResult] = []; var notes: [String] = [] }
    let collected = Collected()
    let directory = try scratchFolder()
    for (name, text) in files { try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8) }
    let session = Session(locations: DataLocations(programDirectory: directory.path), output: { _ in })
    session.strategyResults = { collected.results += $0 }
    session.notes = { collected.notes.append($0) }
    let file = SourceFile(name: "s.tilt", text: program)
    let diagnostics = session.run(file)
    return (collected.results, DiagnosticList(file: file, diagnostics: diagnostics).rendered(), collected.notes)
}

private func month(_ t: Int) -> (String, Int) { (String(format: "%04d-%02d", 2000 + t / 12, t % 12 + 1), t) }

/// Four stocks 2000-01…2003-06 with a return each month (drawn from sines) and caps 100, 200, 300, 400, and
/// a one-factor file. In 2003-02 (t = 37): stock 4 trades to the 14th (+2%) and delists with DLRET −50%;
/// stock 2 has no row and delists on the 10th with code 552 and no DLRET (−30%, Shumway 1997); stock 3
/// has no row and no delisting information (a gap in the user's data).
private func extract() -> (crsp: String, factors: String, ret: (Int, Int) -> Double) {
    let ret = { (stock: Int, t: Int) in 0.01 * sin(Double(t) * 0.7 + Double(stock)) + 0.002 * Double(stock) }
    var crsp = "PERMNO,date,RET,PRC,SHROUT,SICCD,DLSTCD,DLRET,DLSTDT\n"
    for stock in 1...4 {
        for t in 0..<42 {
            let (m, _) = month(t)
            if t == 37 && (stock == 2 || stock == 3) { continue }
            if t > 37 && (stock == 2 || stock == 4) { continue }
            if t == 37 && stock == 4 {
                crsp += "\(stock),\(m)-14,0.02,10,\(stock * 10),2834,,,\n\(stock),\(m)-14,,,,2834,231,-0.5,\(m)-14\n"
                continue
            }
            crsp += "\(stock),\(m)-28,\(ret(stock, t)),10,\(stock * 10),\(stock == 1 ? 6021 : 2834),,,\n"
        }
    }
    crsp += "2,2003-02-10,,,,2834,552,,2003-02-10\n"
    let factors = "month,mktrf,rf\n" + (0..<42).map { t in "\(month(t).0),\(0.02 * cos(Double(t) * 1.1)),0.001" }.joined(separator: "\n") + "\n"
    return (crsp, factors, ret)
}

/// A stock held into the month it delists earns its delisting return compounded with the partial month's
/// (stock 4: 1.02 × 0.5 − 1); one delisted for performance without DLRET earns −30% (stock 2); one with no
/// return and no delisting earns 0 and is counted (stock 3); portfolio (equal weights, `minimize w'w`) and
/// benchmark (caps) alike, checked by hand. None of them had a return in 2003-02, so the old rule (a return
/// at T + 1) would have excluded all three at the rebalance of 2003-01: look-ahead.
@Test func heldStocksEarnTheirDelistingReturnsAndGapsAreCounted() throws {
    let (crsp, factors, ret) = extract()
    let program = """
    universe crsp("extract.csv")
    factors "factors.csv"
    model ols(window: rolling 24, min: 12)
    benchmark mktcap
    minimize w'w
    rebalance monthly from 2003-01 to 2003-03
    """
    let (results, errors, _) = try run(program, files: ["extract.csv": crsp, "factors.csv": factors])
    #expect(errors.isEmpty, "\(errors)")
    let result = try #require(results.first)
    // Stock 3 trades again from 2003-03 (23 of its 24 window months observed): eligible again.
    #expect(result.rebalances.map(\.assets) == [["1", "2", "3", "4"], ["1"], ["1", "3"]])
    #expect(result.months.map(\.description) == ["2003-02", "2003-03", "2003-04"])
    let february = [ret(1, 37), -0.3, 0, 1.02 * 0.5 - 1]
    let caps = [10.0, 20, 30, 40]   // |PRC| × SHROUT at 2003-01
    let portfolio = february.reduce(0, +) / 4
    let benchmark = zip(caps, february).reduce(0) { $0 + $1.0 * $1.1 } / caps.reduce(0, +)
    #expect(abs(result.portfolioReturns[0] - portfolio) < 1e-6, "\(result.portfolioReturns[0]) vs \(portfolio)")
    #expect(abs(result.benchmarkReturns[0] - benchmark) < 1e-12, "\(result.benchmarkReturns[0]) vs \(benchmark)")
    #expect(abs(result.portfolioReturns[1] - ret(1, 38)) < 1e-6 && abs(result.benchmarkReturns[1] - ret(1, 38)) < 1e-12)
    #expect(result.unpricedExits.count == 1)
    let exit = try #require(result.unpricedExits.first)
    #expect(exit.month.description == "2003-02" && exit.asset == "3" && abs(exit.portfolioWeight - 0.25) < 1e-6 && abs(exit.benchmarkWeight - 0.3) < 1e-12)
}

/// The design card runs verbatim on a folder as a researcher has it: a WRDS extract under its own name and
/// Ken French's factor files as downloaded; notes say which files were read.
@Test func theDesignCardRunsOnAFolderAsDownloaded() throws {
    let directory = try scratchFolder()
    let market = try SyntheticMarket.generate(stocks: 40, seed: 3, from: Month(1995, 1), to: Month(2004, 12))
    var bytes: [UInt8] = []
    SyntheticCRSPExtract(market: market, seed: 3).write(daily: false) { bytes += $0 }
    try Data(bytes).write(to: directory.appendingPathComponent("extract.csv"))
    let kenFrench = market.kenFrenchFactorFiles()
    try kenFrench.fiveFactors.write(to: directory.appendingPathComponent("F-F_Research_Data_5_Factors_2x3.csv"), atomically: true, encoding: .utf8)
    try kenFrench.momentum.write(to: directory.appendingPathComponent("F-F_Momentum_Factor.CSV"), atomically: true, encoding: .utf8)
    let session = Session(locations: DataLocations(programDirectory: directory.path), output: { _ in })
    final class Collected: @unchecked Sendable { var results: [BacktestResult] = []; var notes: [String] = [] }
    let collected = Collected()
    session.strategyResults = { collected.results += $0 }
    session.notes = { collected.notes.append($0) }
    let file = SourceFile(name: "card.tilt", text: "universe crsp; benchmark mktcap; maximize mu'f s.t. tev <= 6%; rebalance monthly")
    let diagnostics = session.run(file)
    #expect(diagnostics.isEmpty, "\(DiagnosticList(file: file, diagnostics: diagnostics).rendered())")
    let result = try #require(collected.results.first)
    #expect(!result.months.isEmpty && result.months.last?.description == "2004-12")
    #expect(collected.notes.contains { $0.hasPrefix("universe crsp: reading") && $0.contains("extract.csv") })
    #expect(collected.notes.contains { $0.hasPrefix("factors: F-F_Research_Data_5_Factors_2x3.csv joined with F-F_Momentum_Factor.CSV") })
    #expect(result.rebalances.allSatisfy { $0.status == "optimal" || $0.status == "almost optimal" })
}

/// Messages that point at the data (issue 17, item 5): a factor file without rf and one that starts after
/// `from:` are noted; a dangling link names its target.
@Test func factorCoverageIsNotedAndDanglingLinksNamed() throws {
    let (crsp, _, _) = extract()
    let noRF = "month,mktrf\n" + (0..<42).map { t in "\(month(t).0),\(0.02 * cos(Double(t) * 1.1))" }.joined(separator: "\n") + "\n"
    let program = """
    universe crsp("extract.csv")
    factors "f.csv"
    model ols(window: expanding, from: 1990-01, min: 12)
    benchmark mktcap
    minimize w'w
    rebalance monthly from 2002-01 to 2002-03
    """
    let (results, errors, notes) = try run(program, files: ["extract.csv": crsp, "f.csv": noRF])
    #expect(errors.isEmpty && results.count == 1, "\(errors)")
    #expect(notes.contains { $0.contains("f.csv has no rf column") }, "\(notes)")
    #expect(notes.contains { $0.hasPrefix("`from: 1990-01` is before the data") && $0.contains("start in 2000-01") }, "\(notes)")
    let directory = try scratchFolder()
    try FileManager.default.createSymbolicLink(atPath: directory.appendingPathComponent("gone.csv").path, withDestinationPath: "/nonexistent/x.csv")
    let session = Session(locations: DataLocations(programDirectory: directory.path), output: { _ in })
    let file = SourceFile(name: "l.tilt", text: "universe \"gone.csv\"; benchmark equal; maximize mu'f s.t. tev <= 6%; rebalance monthly")
    let rendered = DiagnosticList(file: file, diagnostics: session.run(file)).rendered()
    #expect(rendered.contains("is a symbolic link to `/nonexistent/x.csv`, which does not exist"), "\(rendered)")
}

/// Without a `factors` statement and with no factor file in the folders, the error says what was looked
/// for and how to get Ken French's files.
@Test func aUniverseWithoutFactorsSaysWhereToGetThem() throws {
    let (crsp, _, _) = extract()
    let (results, errors, _) = try run("universe crsp\nbenchmark mktcap\nminimize w'w\nrebalance monthly", files: ["crsp.csv": crsp])
    #expect(results.isEmpty)
    #expect(errors.contains("error: this universe has no factors of its own, and no factor file was found beside the data"), "\(errors)")
    #expect(errors.contains("`tilt data fetch kenfrench` downloads his files"), "\(errors)")
}

import Foundation
import Testing
import TiltBacktest
import TiltLanguage
import TiltSyntax
import TiltTestSupport

/// Runs a strategy on `universe` (by default the synthetic market, stocks 10001…10005) with `weights` as
/// `w.csv` beside the program, and `files` (name → text) beside it too; returns its backtests or the
/// rendered diagnostics.
private func backtests(weights: String, universe: String = "synthetic(stocks: 5, seed: 1, from: 2000-01, to: 2004-12)",
                       files: [String: String] = [:]) throws -> (results: [BacktestResult], errors: String) {
    final class Collected: @unchecked Sendable { var results: [BacktestResult] = [] }
    let collected = Collected()
    let directory = try scratchFolder()
    for (name, text) in files.merging(["w.csv": weights], uniquingKeysWith: { $1 }) {
        try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    let session = Session(locations: DataLocations(programDirectory: directory.path), output: { _ in })
    session.strategyResults = { collected.results += $0 }
    let file = SourceFile(name: "b.tilt", text: """
    universe \(universe)
    benchmark read("w.csv")
    maximize mu'f s.t. tev <= 4%
    rebalance monthly from 2003-01 to 2003-03
    """)
    let diagnostics = session.run(file)
    return (collected.results, DiagnosticList(file: file, diagnostics: diagnostics).rendered())
}

/// A one-row file is a benchmark of one asset (it was refused: `read()` gave a number, not a column).
@Test func aOneRowBenchmarkFileHoldsThatAsset() throws {
    let (results, errors) = try backtests(weights: "asset,weight\n10002,1\n")
    #expect(errors.isEmpty, "\(errors)")
    let rebalances = try #require(results.first).rebalances
    #expect(rebalances.count == 3)
    for r in rebalances {
        #expect(zip(r.assets, r.benchmarkWeights).allSatisfy { $1 == ($0 == "10002" ? 1 : 0) }, "\(r.month)")
    }
}

/// An asset the universe lacks is an error at its row with a near name as the hint (it was ignored).
@Test func anUnknownBenchmarkAssetIsAnErrorAtItsRow() throws {
    let (results, errors) = try backtests(weights: "asset,weight\n10002,1\n1003,1\n")
    #expect(results.isEmpty)
    #expect(errors.hasPrefix("b.tilt:2:16: error: "))
    #expect(errors.contains("w.csv:3:1: '1003' is not an asset of the universe\n"))
    #expect(errors.hasSuffix("    1003,1\n    ^\nhint: did you mean `10003`?\n"), "\(errors)")
}

/// Weights that are all zero, negative or too large to add up are errors in the file (they were accepted
/// and the backtest failed later, saying no benchmark asset was eligible or the problem was infeasible).
@Test func benchmarkWeightsThatCannotMakeABenchmarkAreDataErrors() throws {
    let zero = try backtests(weights: "asset,weight\n10001,0\n").errors
    #expect(zero.hasPrefix("b.tilt:2:16: error: "))
    #expect(zero.contains("w.csv: every weight is 0, so the benchmark would hold nothing\n"), "\(zero)")
    let negative = try backtests(weights: "asset,weight\n10001,-1\n10002,1\n").errors
    #expect(negative.contains("w.csv:2:7: the weight of '10001' is negative: a benchmark is long-only"), "\(negative)")
    #expect(negative.contains("    10001,-1\n          ^\n"), "\(negative)")
    let huge = try backtests(weights: "10001,1e308\n10002,1e308\n").errors
    #expect(huge.contains("w.csv:2:7: the weights add up to more than 1.8e308 by this row"), "\(huge)")
}

/// When none of the benchmark's assets is eligible at a rebalance, the message names them and the hint
/// says what eligibility asks at that rebalance (it said only that none was eligible).
@Test func aBenchmarkWithNoEligibleAssetNamesItsAssets() throws {
    let months = (0..<48).map { t in String(format: "%04d-%02d", 2000 + t / 12, t % 12 + 1) }
    let returns = "month,A,B,C\n" + months.enumerated().map { t, month in
        let cells = (0..<3).map { j in t == 37 && j == 1 ? "" : String(0.01 * sin(Double(t) * 1.3 + Double(j) * 0.7)) }
        return ([month] + cells).joined(separator: ",")
    }.joined(separator: "\n") + "\n"
    let factors = "month,mktrf,rf\n" + months.enumerated().map { t, month in
        "\(month),\(0.02 * cos(Double(t) * 0.9)),0.001"
    }.joined(separator: "\n") + "\n"
    let (results, errors) = try backtests(weights: "A,0\nB,1\n", universe: "\"returns.csv\"\nfactors \"factors.csv\"",
                                          files: ["returns.csv": returns, "factors.csv": factors])
    #expect(results.isEmpty)
    // B has no return in 2003-02: eligible (and held) at 2003-01, not at 2003-02.
    #expect(errors.contains("error: at the rebalance of 2003-02: none of the benchmark's assets (B) is eligible\n"), "\(errors)")
    #expect(errors.contains("hint: an asset is eligible with a return and a positive market cap at 2003-02"), "\(errors)")
}

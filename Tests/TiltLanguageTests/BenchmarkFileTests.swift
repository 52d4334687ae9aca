import Foundation
import Testing
import TiltBacktest
import TiltLanguage
import TiltSyntax

/// Runs a strategy on the synthetic market (stocks 10001…10005) with `weights` as `w.csv` beside the
/// program; returns its backtests or the rendered diagnostics.
private func backtests(weights: String) throws -> (results: [BacktestResult], errors: String) {
    final class Collected: @unchecked Sendable { var results: [BacktestResult] = [] }
    let collected = Collected()
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tilt-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    try weights.write(to: directory.appendingPathComponent("w.csv"), atomically: true, encoding: .utf8)
    let interpreter = Interpreter(programDirectory: directory.path, output: { _ in })
    interpreter.strategyResults = { collected.results += $0 }
    let file = SourceFile(name: "b.tilt", text: """
    universe synthetic(stocks: 5, seed: 1, from: 2000-01, to: 2004-12)
    benchmark read("w.csv")
    maximize mu'f s.t. tev <= 4%
    rebalance monthly from 2003-01 to 2003-03
    """)
    let diagnostics = Session(interpreter: interpreter).run(file)
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

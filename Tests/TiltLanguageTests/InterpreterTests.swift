import Foundation
import Testing
@testable import TiltLanguage
import TiltBacktest
import TiltData
import TiltLinearAlgebra
import TiltSyntax
import TiltTestSupport

/// Runs a program; returns the interpreter, its printed output and any diagnostics (rendered).
private func run(_ text: String, directory: String = NSTemporaryDirectory()) -> (Interpreter, String, String) {
    final class Sink: @unchecked Sendable { var text = "" }
    let sink = Sink()
    let session = Session(locations: DataLocations(programDirectory: directory), output: { sink.text += $0 })
    let file = SourceFile(name: "t.tilt", text: text)
    let diagnostics = session.run(file)
    return (session.interpreter, sink.text, DiagnosticList(file: file, diagnostics: diagnostics).rendered())
}

private func matrix(_ i: Interpreter, _ name: String) -> Matrix? {
    if case .matrix(let m) = i.bindings[name] { return m }
    return nil
}

private func number(_ i: Interpreter, _ name: String) -> Double? {
    if case .number(let x) = i.bindings[name] { return x }
    return nil
}

@Test func seedNotebookSectorMapping() throws {
    let (i, _, errors) = run("""
    let c = [120; 80; 45; 300; 60; 95]
    let sector = ["Tech", "Tech", "Energy", "Finance", "Energy", "Finance"]
    let M = dummies(sector)
    let W = diag(c) * M * inv(diag(c' * M))
    let wb = (c' * M)' / sum(c)
    let F = [1.1, 0.9, 1.3, 1.0, 1.2, 0.8; 0.2, -0.1, 0.5, 0.3, 0.6, 0.1]
    let viaSectors = F * W * wb
    let direct = F * c / sum(c)
    """)
    #expect(errors.isEmpty, "\(errors)")
    let M = try #require(matrix(i, "M"))
    #expect(M.colLabels == ["Energy", "Finance", "Tech"])
    #expect(M.rows == 6 && M.cols == 3)
    let W = try #require(matrix(i, "W"))
    // Independent: the weight of stock k inside its sector is c_k / (total cap of that sector).
    let caps = [120.0, 80, 45, 300, 60, 95]
    let sectorOf = [2, 2, 0, 1, 0, 1]
    for k in 0..<6 {
        let total = (0..<6).filter { sectorOf[$0] == sectorOf[k] }.map { caps[$0] }.reduce(0, +)
        for s in 0..<3 {
            #expect(abs(W[k, s] - (s == sectorOf[k] ? caps[k] / total : 0)) < 1e-12)
        }
    }
    let wb = try #require(matrix(i, "wb"))
    #expect(abs(wb[0, 0] - 105.0 / 700) < 1e-12 && abs(wb[1, 0] - 395.0 / 700) < 1e-12 && abs(wb[2, 0] - 200.0 / 700) < 1e-12)
    // The benchmark's exposures are the same through the sectors or stock by stock.
    let a = try #require(matrix(i, "viaSectors")), b = try #require(matrix(i, "direct"))
    for r in 0..<2 { #expect(abs(a[r, 0] - b[r, 0]) < 1e-12) }
}

@Test func arithmeticFollowsTheDocumentedRules() {
    let (i, _, errors) = run("""
    let a = [1, 2; 3, 4]
    let det = a[1, 1] * a[2, 2] - a[1, 2] * a[2, 1]
    let p = a^2
    let q = a .^ 2
    let s = 2 * a + 1
    let t = [1, 2, 3]'[2]
    let u = 10% to 30% by 10%
    let v = mu'f
    """.replacingOccurrences(of: "let v = mu'f", with: "let mu = [1; 2]\nlet f = [3; 4]\nlet v = mu'f"))
    #expect(errors.isEmpty, "\(errors)")
    #expect(number(i, "det") == -2)
    #expect(matrix(i, "p")?.storage == [7, 15, 10, 22])
    #expect(matrix(i, "q")?.storage == [1, 9, 4, 16])
    #expect(matrix(i, "s")?.storage == [3, 7, 5, 9])
    #expect(number(i, "t") == 2)
    #expect(matrix(i, "u")?.storage.map { ($0 * 100).rounded() } == [10, 20, 30])
    #expect(number(i, "v") == 11)
}

@Test func labelIndexingOnReadData() throws {
    let dir = try scratchFolder()
    try "month,mktrf,smb,hml\n1994-01,0.01,0.02,0.03\n1994-02,-0.01,0.00,0.05\n".write(
        to: dir.appendingPathComponent("f.csv"), atomically: true, encoding: .utf8)
    let (i, _, errors) = run("""
    let F = read("f.csv")
    let h = F[hml]
    let jan = F[1994-01, :]
    let x = F["smb"][2]
    """, directory: dir.path)
    #expect(errors.isEmpty, "\(errors)")
    #expect(matrix(i, "h")?.storage == [0.03, 0.05])
    #expect(matrix(i, "jan")?.storage == [0.01, 0.02, 0.03])
    #expect(number(i, "x") == 0)
    let (_, _, bad) = run("let F = read(\"f.csv\")\nF[hlm]", directory: dir.path)
    #expect(bad.contains("t.tilt:2:3: error: no column labelled `hlm` (columns: mktrf, smb, hml)"))
    #expect(bad.contains("hint: did you mean `hml`?"))
}

@Test func runtimeErrorsPointAtTheSpan() {
    let (_, _, e1) = run("let F = ones(48, 6)\nlet x = ones(5)\nF * x")
    #expect(e1 == "t.tilt:3:3: error: cannot multiply 48×6 by 5×1\n  F * x\n    ^\n")
    let (_, _, e2) = run("let a = [1, 2; 2, 4]\ninv(a)")
    #expect(e2.contains("t.tilt:2:1: error:") && e2.contains("singular"))
    let (_, _, e3) = run("let a = [1, 2; 3, 4]\na[3, 1]")
    #expect(e3.contains("t.tilt:2:3: error: row 3 is out of range: there are 2 rows"))
    let (_, _, e4) = run("log([1, -2])")
    #expect(e4.contains("t.tilt:1:5: error: log of -2 (entry 1, 2): logarithm of a number that is not positive"))
    let (_, _, e5) = run("let r = 1 to 1e12")
    #expect(e5.contains("more than 10000000"))
}

/// The regime study takes φ in regime_utility's range, each once, and says which entry is wrong before it
/// runs a trial (φ = 1000 used to print a table, φ = 400 to fail in trial 16, a repeat to print a row twice).
@Test func regimeStudyRefusesPhiOutsideTheRangeOrRepeated() {
    let (_, out1, e1) = run("experiment regime_study(trials: 2, stocks: 5, phi: [1, 1000])")
    #expect(out1.isEmpty)
    #expect(e1.hasPrefix("t.tilt:1:56: error: the risk aversion phi must be a number from 0.01 to 100, got 1000\n"), "\(e1)")
    let (_, _, e2) = run("experiment regime_study(trials: 2, stocks: 5, phi: [0.001])")
    #expect(e2.hasPrefix("t.tilt:1:53: error: the risk aversion phi must be a number from 0.01 to 100, got 0.001\n"), "\(e2)")
    let (_, out3, e3) = run("experiment regime_study(trials: 2, stocks: 5, phi: [1, 5, 1])")
    #expect(out3.isEmpty)
    #expect(e3.hasPrefix("t.tilt:1:59: error: the risk aversion phi 1 is listed twice\n"), "\(e3)")
}

@Test func checkerReportsEveryUnknownNameWithSuggestions() {
    let file = SourceFile(name: "s.tilt", text: """
    universe crps
    benchmark mktcp
    model ols(windw: expanding)
    rebalance montly
    maximize mu'f s.t. tve <= 6%
    """)
    let (_, diagnostics) = Session.check(file)
    #expect(diagnostics.map(\.message) == [
        "unknown universe `crps`", "unknown benchmark `mktcp`", "`ols` has no option `windw`",
        "unknown rebalancing frequency `montly`", "unknown name `tve`",
    ])
    #expect(diagnostics.map(\.hint) == [
        "did you mean `crsp`?", "did you mean `mktcap`?", "did you mean `window`?", "did you mean `monthly`?",
        "did you mean `tev`?",
    ])
}

@Test func strategyNamesOnlyExistInsideAStrategyObjective() {
    let (_, diagnostics) = Session.check(SourceFile(name: "s", text: "let x = tev * 2"))
    #expect(diagnostics.first?.message == "unknown name `tev`")
    #expect(diagnostics.first?.hint?.contains("strategy objective") == true)
}

/// Every built-in can be called: none is named like a keyword (`solve` and `var` were, so `solve(A, b)`
/// and `var(x)`, listed by `:help`, could not be written); `linsolve` and `variance` against closed forms.
@Test func everyBuiltinIsCallable() {
    for name in Builtins.names {
        #expect(Keyword(rawValue: name) == nil, "\(name) is a keyword")
    }
    let (i, _, errors) = run("let x = linsolve([2, 1; 0, 4], [3; 2])\nlet v = variance([1, 2, 3, 4])")
    #expect(errors.isEmpty, "\(errors)")
    #expect(matrix(i, "x")?.storage == [1.25, 0.5])
    #expect(abs((number(i, "v") ?? 0) - 5.0 / 3) < 1e-15)
}

/// Finite numbers in, Inf or NaN out is an error at the operation, never a printed "result"; NaN already in
/// the operands (missing data) propagates.
@Test func infiniteAndUndefinedResultsAreErrors() {
    let cases = [("0/0", "1:2: error: division by zero"), ("[1, 2] ./ [0, 1]", "1:8: error: division by zero"),
                 ("exp(1000)", "1:1: error: `exp` overflows"), ("1e308 * 10", "1:7: error: the result overflows"),
                 ("(-8)^(1/3)", "1:5: error: a negative number to a fractional power is undefined"),
                 ("0^-1", "1:2: error: zero to a negative power is infinite"),
                 ("[2, 0; 0, 2] ^ 2000", "1:14: error: the matrix power overflows"),
                 ("[0.5, 0; 0, 0.5] ^ -2000", "1:18: error: the matrix power overflows")]
    for (text, message) in cases {
        let (_, out, errors) = run(text)
        #expect(errors.hasPrefix("t.tilt:\(message)"), "\(text): \(errors)")
        #expect(out.isEmpty, "\(text) printed \(out)")
    }
    let (i, _, errors) = run("let m = [1, 2] .* (0 * 2)\nlet x = sqrt(2)")
    #expect(errors.isEmpty && number(i, "x") == 2.0.squareRoot())
}

/// A `crisis` named like a built-in window replaces it in place (two windows headed "GFC" were reported);
/// other names are added after the built-in ones.
@Test func aCrisisNamedLikeABuiltInOneReplacesIt() throws {
    final class Collected: @unchecked Sendable { var crises: [[CrisisWindow]] = [] }
    let collected = Collected()
    let session = Session(output: { _ in })
    session.strategyResults = { results in collected.crises += results.map(\.crises) }
    let file = SourceFile(name: "t.tilt", text: """
    universe synthetic(stocks: 3, seed: 1, from: 2005-01, to: 2009-12)
    maximize mu'f s.t. tev <= 4%
    rebalance monthly from 2008-01 to 2008-03
    crisis "GFC" 2007-10 to 2009-03
    crisis "Future" 2030-01 to 2030-06
    """)
    let diagnostics = session.run(file)
    #expect(diagnostics.isEmpty, "\(DiagnosticList(file: file, diagnostics: diagnostics).rendered())")
    let crises = try #require(collected.crises.first)
    let gfc = CrisisWindow(name: "GFC", from: Month(2007, 10), to: Month(2009, 3))
    let builtIn = CrisisWindow.builtIn.map { $0.name == "GFC" ? gfc : $0 }
    #expect(crises == builtIn + [CrisisWindow(name: "Future", from: Month(2030, 1), to: Month(2030, 6))])
}

/// The REPL keeps its strategy: after it runs, a new objective (or any strategy statement) replaces that
/// part and the strategy runs again, as re-running a notebook cell; a file still allows one of each.
@Test func replStrategiesRunAgainWhenAPartIsReplaced() {
    final class Runs: @unchecked Sendable { var returns: [[Double]] = [] }
    let runs = Runs()
    let session = Session(mode: .interactive, output: { _ in })
    session.strategyResults = { results in runs.returns += results.map(\.portfolioReturns) }
    let entries = ["universe synthetic(stocks: 3, seed: 1, from: 2000-01, to: 2002-12)",
                   "maximize mu'f s.t. tev <= 4%, w <= 1%", "rebalance monthly from 2002-01 to 2002-06",
                   "maximize mu'f s.t. tev <= 4%", "maximize mu'f s.t. tev <= 2%", "let x = 1"]
    let errors = replEntries(entries).map { session.run($0).count }
    #expect(errors == [0, 0, 1, 0, 0, 0])
    #expect(runs.returns.count == 2 && runs.returns.first != runs.returns.last, "\(runs.returns)")
    let (_, _, fileErrors) = run("universe synthetic(stocks: 3, seed: 1, from: 2000-01, to: 2002-12)\nmaximize mu'f\nmaximize mu'f\nrebalance monthly")
    #expect(fileErrors.contains("a second objective"))
}

/// REPL entries share one range space (`SourceFile.startOffset`): an error about the objective of an
/// earlier entry, raised when a later entry completes the strategy, shows that entry's name and text.
@Test func replErrorsPointIntoTheEntryTheyConcern() {
    let session = Session(mode: .interactive, output: { _ in })
    var files: [SourceFile] = []
    var rendered = ""
    for (n, text) in ["universe synthetic(stocks: 3, seed: 1, from: 2000-01, to: 2002-12)",
                      "maximize mu'f s.t. tev <= 4%, w <= 1%", "rebalance monthly from 2002-01 to 2002-06"].enumerated() {
        let file = SourceFile(name: "<repl:\(n + 1)>", text: text, startOffset: files.last?.endOffset ?? 0)
        files.append(file)
        let diagnostics = session.run(file)
        if !diagnostics.isEmpty { rendered += DiagnosticList(file: file, diagnostics: diagnostics, earlierFiles: files).rendered() }
    }
    #expect(rendered.hasPrefix("<repl:2>:1:1: error: at the rebalance of 2002-01: the problem is infeasible"), "\(rendered)")
    #expect(rendered.contains("\n  maximize mu'f s.t. tev <= 4%, w <= 1%\n  ^~~~"), "\(rendered)")
}

/// In the REPL an objective is checked at its own entry against what is known without data (the synthetic
/// market's factor names, the universe's sectors), before the strategy is complete; it is then not kept.
@Test func replObjectivesAreCheckedAtTheirEntry() {
    final class Runs: @unchecked Sendable { var count = 0 }
    let runs = Runs()
    let session = Session(mode: .interactive, output: { _ in })
    session.strategyResults = { runs.count += $0.count }
    let entries = ["universe synthetic(stocks: 3, seed: 1, from: 2000-01, to: 2002-12)",
                   "maximize mu'f s.t. tev <= 4%, f[hlm] >= 0", "maximize mu'f s.t. tev <= 4%, sector(\"Finanse\") <= 30%",
                   "maximize mu'f s.t. tev <= 4%, f[hml] >= 0", "rebalance monthly from 2002-01 to 2002-06"]
    let messages = replEntries(entries).map { session.run($0).map(\.message) }
    #expect(messages[1] == ["`f` has no entry labelled `hlm` (entries: alpha, mktrf, smb, hml, rmw, cma, umd)"], "\(messages)")
    #expect(messages[2].first?.hasPrefix("no sector is named \"Finanse\"") == true, "\(messages)")
    #expect(messages[0].isEmpty && messages[3].isEmpty && messages[4].isEmpty, "\(messages)")
    #expect(runs.count == 1)
}

/// In the REPL a swept parameter may be used in a later entry (as in a file), and a strategy statement
/// that makes the strategy fail is not kept: its error is shown once, then the strategy runs as before.
@Test func replSweepsAndRejectedStatements() {
    final class Runs: @unchecked Sendable { var count = 0 }
    let runs = Runs()
    let session = Session(mode: .interactive, output: { _ in })
    session.strategyResults = { runs.count += $0.count }
    let entries = ["universe synthetic(stocks: 4, seed: 1, from: 2000-01, to: 2003-12)", "gamma in [1, 2]",
                   "maximize mu'f - gamma * risk", "rebalance monthly from 2003-01 to 2003-03",
                   "costs -10bps", "crisis \"a\" 2003-01 to 2003-02"]
    let errors = replEntries(entries).map { session.run($0).map(\.message) }
    let firstFour = errors[..<4].allSatisfy { $0.isEmpty }
    #expect(firstFour, "\(errors)")
    #expect(errors[4] == ["costs are a proportion of turnover, like `10bps`"])
    #expect(errors[5].isEmpty, "\(errors[5])")
    #expect(runs.count == 4)   // two sweep values, twice
}

/// REPL entries as the REPL makes them: `<repl:N>`, each in its own stretch of one range space.
private func replEntries(_ texts: [String]) -> [SourceFile] {
    var files: [SourceFile] = []
    for (n, text) in texts.enumerated() {
        files.append(SourceFile(name: "<repl:\(n + 1)>", text: text, startOffset: files.last?.endOffset ?? 0))
    }
    return files
}

/// `risk <= 0` (a cone without interior: the portfolio must match the benchmark's risk exactly) is solved,
/// like `tev <= 0`, to the benchmark's weights.
@Test func aZeroRiskBudgetHoldsTheBenchmark() {
    final class Held: @unchecked Sendable { var activeWeights: [Double] = [] }
    let held = Held()
    let session = Session(output: { _ in })
    session.strategyResults = { results in
        for r in results { for rebalance in r.rebalances { held.activeWeights += zip(rebalance.weights, rebalance.benchmarkWeights).map { $0 - $1 } } }
    }
    let program = "universe synthetic(stocks: 5, seed: 1, from: 2000-01, to: 2003-12)\nbenchmark mktcap\n"
        + "maximize mu'f s.t. risk <= 0\nrebalance monthly from 2003-01 to 2003-03"
    let file = SourceFile(name: "z.tilt", text: program)
    let errors = session.run(file)
    #expect(errors.isEmpty, "\(DiagnosticList(file: file, diagnostics: errors).rendered())")
    #expect(!held.activeWeights.isEmpty && held.activeWeights.allSatisfy { abs($0) < 1e-4 }, "\(held.activeWeights)")
}

/// The book starts in cash: `turnover <= 10%` is not applied at the first rebalance (which builds the book,
/// turnover 1), and binds at every later one against the drifted weights held then.
@Test func aTurnoverLimitAppliesFromTheSecondRebalance() throws {
    final class Collected: @unchecked Sendable { var turnovers: [[Double]] = [] }
    let collected = Collected()
    let session = Session(output: { _ in })
    session.strategyResults = { results in collected.turnovers += results.map { $0.rebalances.map(\.turnover) } }
    let file = SourceFile(name: "t.tilt", text: """
    universe synthetic(stocks: 30, seed: 3, from: 2000-01, to: 2006-12)
    maximize mu'f s.t. tev <= 4%, turnover <= 10%
    rebalance monthly from 2005-01 to 2005-12
    """)
    let diagnostics = session.run(file)
    #expect(diagnostics.isEmpty, "\(DiagnosticList(file: file, diagnostics: diagnostics).rendered())")
    let turnovers = try #require(collected.turnovers.first)
    #expect(turnovers.count == 12)
    #expect(abs(turnovers[0] - 1) <= 1e-9)
    for t in turnovers.dropFirst() { #expect(t <= 0.1 + 1e-7, "\(turnovers)") }
    #expect(turnovers.dropFirst().contains { $0 > 0.09 }, "the limit binds at some rebalance: \(turnovers)")
}

/// A turnover limit that leaves no feasible trade at a later rebalance (here none at all, with the drifted
/// book over its tracking-error cap) is named in the hint, not the tracking-error cap alone.
@Test func anInfeasibleTurnoverLimitIsNamedInTheHint() {
    let session = Session(output: { _ in })
    let file = SourceFile(name: "t.tilt", text: """
    universe synthetic(stocks: 30, seed: 3, from: 2000-01, to: 2006-12)
    maximize mu'f s.t. tev <= 1%, turnover <= 0%
    rebalance monthly from 2005-01 to 2005-06
    """)
    let rendered = DiagnosticList(file: file, diagnostics: session.run(file)).rendered()
    #expect(rendered.contains("the problem is infeasible"), "\(rendered)")
    // With the least tracking error the weights held allow (turnover 0: the drifted book's own, just above 1%).
    #expect(rendered.contains("hint: the least ex-ante tracking error the other constraints allow at this rebalance is 1.0"), "\(rendered)")
    #expect(rendered.contains("above `tev <= 1%`; the turnover limit may be too tight to trade from the weights held"), "\(rendered)")
    #expect(!rendered.contains("rebalance of 2005-01"), "the first rebalance builds the book: \(rendered)")
}

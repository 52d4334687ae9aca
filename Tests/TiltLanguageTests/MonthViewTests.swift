import Foundation
import Testing
import TiltBacktest
import TiltData
import TiltLanguage
import TiltLinearAlgebra
import TiltSyntax
import TiltTestSupport

/// A session fed entry by entry, as the REPL and a notebook feed it.
private final class Entries: @unchecked Sendable {
    let session: Session
    var output = ""
    var results: [BacktestResult] = []
    private var count = 0

    init(mode: Session.Mode = .interactive, data: String? = nil, folder: String? = nil) throws {
        let locations = DataLocations(programDirectory: try folder ?? scratchFolder().path, dataDirectory: data)
        session = Session(mode: mode, locations: locations, output: { _ in })
        session.output = { [unowned self] in output += $0 }
        session.strategyResults = { [unowned self] in results += $0 }
    }

    /// Runs an entry; its rendered errors (empty on success).
    @discardableResult
    func run(_ text: String) -> String {
        count += 1
        let file = SourceFile(name: "<entry \(count)>", text: text)
        return DiagnosticList(file: file, diagnostics: session.run(file)).rendered()
    }

    /// The value of an expression in the session.
    func value(_ text: String) throws -> Value {
        let file = SourceFile(name: "<value>", text: text)
        guard case .expression(let e)? = Parser.parse(file).program.statements.first?.kind else { throw Failure("not an expression: \(text)") }
        return try session.interpreter.evaluate(e)
    }

    func matrix(_ text: String) throws -> Matrix {
        switch try value(text) {
        case .matrix(let m): return m
        case .number(let x): return Matrix(rows: 1, cols: 1, columnMajor: [x])
        case let other: throw Failure("\(text) is \(other.kindName)")
        }
    }

    func number(_ text: String) throws -> Double {
        guard case .number(let x) = try value(text) else { throw Failure("\(text) is not a number") }
        return x
    }
}

private struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Value {
    /// A string's text.
    var text: String? {
        if case .string(let s) = self { return s }
        return nil
    }
}

private func maxDifference(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).map { abs($0 - $1) }.max() ?? .infinity
}

/// The built-in synthetic market, so that these tests need no data folder.
private let syntheticData = """
universe synthetic(stocks: 40, seed: 11, from: 1990-01, to: 2012-12)
benchmark mktcap
model ols(window: rolling 60)
"""

// MARK: The teaching example against its independent reference

/// Examples/teaching.tilt at 2008-09 on the real 48 industries, against References/teaching_reference.py
/// (numpy OLS and sector algebra from the raw Ken French files, the sector problem by Clarabel then its
/// exact KKT solution): the view's data, the walkthrough's sector mapping, loadings and benchmark, the
/// problem solved by hand and by the strategy, both duals, and the backtest's weights at that month.
@Test func teachingExampleMatchesTheIndependentReference() throws {
    guard let data = sharedDataFolder(for: "teachingExampleMatchesTheIndependentReference",
                                      needs: ["48_Industry_Portfolios.CSV", "F-F_Research_Data_5_Factors_2x3.csv"]) else { return }
    struct Reference: Decodable {
        var industries: [String], caps: [Double], sectorOfIndustry: [String], sectors: [String], sectorCaps: [Double]
        var capWeightsInSector: [[Double]], loadings: [[Double]], sectorLoadings: [[Double]], benchmark: [Double]
        var benchmarkSectorWeights: [Double], sectorResidualVariances: [Double], factorCovariance: [[Double]], mu: [Double]
        var sectorWeights: [Double], industryWeights: [Double], objective: Double, exAnteTrackingError: Double
        var varianceDual: Double, tevDual: Double
    }
    let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: here.appendingPathComponent("References/teaching_reference.json")))
    let example = repositoryRoot().appendingPathComponent("Examples/teaching.tilt")
    let entries = try Entries(mode: .program, data: data, folder: example.deletingLastPathComponent().path)
    let file = SourceFile(name: "teaching.tilt", text: try String(contentsOf: example, encoding: .utf8))
    let errors = DiagnosticList(file: file, diagnostics: entries.session.run(file)).rendered()
    try #require(errors.isEmpty, "\(errors)")

    guard case .list(let assets) = try entries.value("assets"), case .list(let sectors) = try entries.value("sector") else {
        Issue.record("assets and sector are lists"); return
    }
    #expect(assets.compactMap(\.text) == reference.industries)
    #expect(sectors.compactMap(\.text) == reference.sectorOfIndustry)
    #expect(try entries.matrix("c").storage == reference.caps)
    #expect(try entries.matrix("M").colLabels == reference.sectors)
    #expect(maxDifference(try entries.matrix("c' * M").storage, reference.sectorCaps) <= 1e-9)
    let W = try entries.matrix("W")
    for (i, row) in reference.capWeightsInSector.enumerated() {
        for (j, x) in row.enumerated() { #expect(abs(W[i, j] - x) <= 1e-15, "W[\(i), \(j)]") }
    }
    // OLS by Tilt (normal equations) against numpy's SVD least squares: loadings to 1e-11.
    let F = try entries.matrix("F"), B = try entries.matrix("B")
    for (r, row) in reference.loadings.enumerated() { #expect(maxDifference((0..<F.cols).map { F[r, $0] }, row) <= 1e-11, "F row \(r)") }
    for (r, row) in reference.sectorLoadings.enumerated() { #expect(maxDifference((0..<B.cols).map { B[r, $0] }, row) <= 1e-11, "B row \(r)") }
    #expect(maxDifference(try entries.matrix("b").storage, reference.benchmark) <= 1e-15)
    #expect(maxDifference(try entries.matrix("wb").storage, reference.benchmarkSectorWeights) <= 1e-15)
    #expect(maxDifference(try entries.matrix("Es").storage, reference.sectorResidualVariances) <= 1e-15)
    #expect(maxDifference(try entries.matrix("mu").storage, reference.mu) <= 1e-15)
    let sigma = try entries.matrix("Sigma_f")
    for i in 0..<5 { for j in 0..<5 { #expect(abs(sigma[i + 1, j + 1] - reference.factorCovariance[i][j]) <= 1e-17) } }
    #expect((0..<6).allSatisfy { sigma[0, $0] == 0 && sigma[$0, 0] == 0 })

    // The problem by hand (interior point, polished) and the strategy's (structured active set).
    #expect(maxDifference(try entries.matrix("w").storage, reference.sectorWeights) <= 1e-9)
    #expect(maxDifference(try entries.matrix("W * w").storage, reference.industryWeights) <= 1e-9)
    #expect(maxDifference(try entries.matrix("optimum[w]").storage, reference.sectorWeights) <= 1e-10)
    #expect(maxDifference(try entries.matrix("optimum[stock_w]").storage, reference.industryWeights) <= 1e-10)
    #expect(abs(try entries.number("optimum[objective]") - reference.objective) <= 1e-13)
    #expect(abs(try entries.number("optimum[tev]") - reference.exAnteTrackingError) <= 1e-10)
    #expect(abs(try entries.number("optimum[tev_dual]") - reference.tevDual) <= 1e-8)
    #expect(abs(try entries.number("dual(te)") - reference.varianceDual) <= 1e-6)
    // The backtest that ends the example chose the same weights at 2008-09.
    let rebalance = try #require(entries.results.first?.rebalances.first { $0.month == Month(2008, 9) })
    #expect(rebalance.assets == reference.sectors)
    #expect(maxDifference(rebalance.weights, reference.sectorWeights) <= 1e-10)
}

// MARK: Look-ahead

/// A month view holds only what is known at the end of its month, by construction: indexing month T+1
/// is an error, and a market whose data after T is different gives the very same view.
@Test func aMonthViewHoldsNothingAfterItsMonth() throws {
    let folder = try scratchFolder()
    // Two copies of a small market: the second's returns after 2005-06 are different (but present, so
    // that the same assets are eligible).
    let months = (0..<120).map { Month(1998, 1) + $0 }
    func write(_ name: String, perturbAfter cut: Month?) throws {
        var lines = ["month,A,B,C,D,E,F"]
        var factorLines = ["month,mktrf,smb,rf"]
        for (t, m) in months.enumerated() {
            let later = cut.map { m > $0 } ?? false
            var values: [String] = []
            for j in 0..<6 {
                let x: Double = Double(t * (j + 1)) / 7
                let shock: Double = later ? 0.03 * cos(Double(t + 3 * j)) : 0
                values.append(String(0.01 * sin(x) + 0.002 * Double(j) + shock))
            }
            lines.append(m.description + "," + values.joined(separator: ","))
            let market: Double = 0.01 * cos(Double(t) / 5), size: Double = 0.005 * sin(Double(t) / 3)
            factorLines.append("\(m),\(market),\(size),0.001")
        }
        try (lines.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        try (factorLines.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent("factors.csv"), atomically: true, encoding: .utf8)
    }
    try write("plain.csv", perturbAfter: nil)
    try write("later.csv", perturbAfter: Month(2005, 6))
    var views: [[String: Value]] = []
    for name in ["plain.csv", "later.csv"] {
        let entries = try Entries(folder: folder.path)
        #expect(entries.run("universe \"\(name)\"\nfactors \"factors.csv\"\nbenchmark equal\nmodel ols(window: rolling 36)\nmaximize mu'f - 2 * risk\nat 2005-06").isEmpty)
        views.append(entries.session.interpreter.bindings)
        let ahead = entries.run("R[2005-07, :]")
        #expect(ahead.contains("error: 2005-07 is after 2005-06, the last row here: this data ends at 2005-06"), "\(ahead)")
        #expect(ahead.contains("a month view (`at 2005-06`) holds only what is known at the end of its month"))
        #expect(entries.run("X[2005-07, mktrf]").contains("2005-07 is after 2005-06"))
        #expect(try entries.matrix("R").rowLabels?.last == "2005-06")
    }
    for name in ["c", "F", "mu", "Sigma_f", "E", "b", "R", "X"] {
        guard case .matrix(let a)? = views[0][name], case .matrix(let b)? = views[1][name] else {
            if name == "c" { continue } // a returns file has no caps
            Issue.record("\(name) is not bound"); continue
        }
        #expect(a.storage == b.storage && a.rowLabels == b.rowLabels && a.colLabels == b.colLabels, "\(name)")
    }
    guard case .record(let a)? = views[0]["optimum"], case .record(let b)? = views[1]["optimum"],
          case .matrix(let wa) = a.field("w")!.value, case .matrix(let wb) = b.field("w")!.value else {
        Issue.record("optimum"); return
    }
    #expect(wa.storage == wb.storage)
}

// MARK: The month's solution against the backtest

/// After a backtest, `at M` solves M's problem as the strategy states it and finds the backtest's weights,
/// with the weights held before (turnover in the objective) taken from the backtest's holdings. The
/// month's risk decomposition and exposures agree with the matrix layer's own computation from the
/// bound names.
@Test func theMonthsSolutionIsTheBacktests() throws {
    let entries = try Entries()
    #expect(entries.run(syntheticData).isEmpty)
    #expect(entries.run("maximize mu'f - 0.002 * turnover s.t. tev <= 4%, |w - b| <= 3%\nrebalance monthly from 2000-12 to 2011-12").isEmpty)
    let errors = entries.run("at 2006-03")
    #expect(errors.isEmpty, "\(errors)")
    #expect(entries.output.contains("the backtest's weights at 2006-03 differ by at most"))
    let difference = try entries.number("optimum[difference]")
    #expect(difference <= 2e-6, "max |w − backtest_w| = \(difference)")
    let rebalance = try #require(entries.results.first?.rebalances.first { $0.month == Month(2006, 3) })
    #expect(try entries.matrix("optimum[backtest_w]").storage == rebalance.weights)
    #expect(try entries.matrix("optimum[w_before]").storage.reduce(0, +) > 0.99)

    // f = F(w − b); risk = f'Σ_f f + (w − b)'E(w − b) = tev²/12, and its parts add up.
    #expect(maxDifference(try entries.matrix("optimum[f]").storage, try entries.matrix("F * (optimum[w] - b)").storage) <= 1e-14)
    let risk = try entries.number("optimum[risk]")
    #expect(abs(try entries.number("quad(F * (optimum[w] - b), Sigma_f) + quad(optimum[w] - b, diag(E))") - risk) <= 1e-15)
    #expect(abs(try entries.number("sum(optimum[risk_contributions])") - risk) <= 1e-15)
    #expect(abs(try entries.number("optimum[tev]") - (12 * risk).squareRoot()) <= 1e-15)
    // A turnover cost is a term of the active-set method (the kink at the weights held).
    #expect(try entries.value("optimum[method]").rendered() == "\"factor-portfolio active set\"")
}

/// `tev_dual` is the gain of the objective per unit of tracking error allowed: a finite difference of the
/// month's optimum over the budget (the structured active-set method, exact).
@Test func theTrackingErrorDualIsTheObjectivesSlope() throws {
    var objectives: [Double] = [], duals: [Double] = []
    let h = 1e-6
    for budget in [0.04, 0.04 + h] {
        let entries = try Entries()
        #expect(entries.run(syntheticData + "\nmaximize mu'f s.t. tev <= \(budget)\nat 2006-03").isEmpty)
        objectives.append(try entries.number("optimum[objective]"))
        duals.append(try entries.number("optimum[tev_dual]"))
        #expect(try entries.value("optimum[method]").rendered() == "\"factor-portfolio active set\"")
        #expect(try entries.number("optimum[duals][\"tev <= \(budget)\"]") == duals.last)
    }
    let slope = (objectives[1] - objectives[0]) / h
    #expect(duals[0] > 0 && abs(slope - duals[0]) <= 1e-4 * duals[0], "slope \(slope), dual \(duals[0])")
}

// MARK: A regime model's HMM

/// With a regime model, `at M` binds the HMM fitted at M: probabilities that are distributions, the
/// forecast as the filtered probabilities pushed through the transition matrix, mu as the forecast
/// mixture of the regimes' means, the BIC from the log-likelihood — each recomputed in the matrix layer.
@Test func aRegimeModelsMonthShowsItsHMM() throws {
    let entries = try Entries()
    #expect(entries.run("universe synthetic(stocks: 20, seed: 5, from: 1990-01, to: 2010-12)\nmodel regime(states: 2, covariance: diag, horizon: 1, window: rolling 120)\nat 2004-06").isEmpty)
    #expect(entries.output.contains("regime model (2 regimes)"))
    let transition = try entries.matrix("hmm[transition]")
    #expect(transition.rows == 2 && (0..<2).allSatisfy { abs(transition[$0, 0] + transition[$0, 1] - 1) <= 1e-12 })
    #expect(abs(try entries.number("sum(hmm[filtered])") - 1) <= 1e-12)
    #expect(maxDifference(try entries.matrix("hmm[forecast]").storage, try entries.matrix("(hmm[filtered]' * hmm[transition])'").storage) <= 1e-15)
    let mu = try entries.matrix("mu").storage
    #expect(maxDifference(Array(mu.dropFirst()), try entries.matrix("hmm[means]' * hmm[forecast]").storage) <= 1e-15)
    let months = try entries.matrix("hmm[smoothed]").rows
    #expect(months == 120)
    #expect(abs(try entries.number("hmm[bic]") - (try entries.number("-2 * hmm[loglik] + hmm[parameters] * log(120)"))) <= 1e-9)
    guard case .list(let covariances) = try entries.value("hmm[covariances]") else { Issue.record("covariances"); return }
    #expect(covariances.count == 2)
}

/// A fresh fit at M (no backtest to warm-start it) still gives every regime enough months for its
/// regression: the likeliest fit can hand a state a few outlying months (on this market at 1998-01,
/// 2000-01 and 2002-01 it did, and `at` failed with "state 1 has too little probability weight"), and
/// such a fit is passed over for the likeliest usable one.
@Test(arguments: ["1998-01", "2000-01", "2002-01"]) func aFreshRegimeFitAtAnyMonthCanBeUsed(month: String) throws {
    let entries = try Entries()
    #expect(entries.run("universe synthetic(stocks: 20, seed: 42, from: 1995-01, to: 2006-12)\nbenchmark mktcap\nmodel regime(states: 2, covariance: full, horizon: 1)\nmaximize mu'f s.t. tev <= 6%\nat \(month)").isEmpty)
    // Each regime carries at least the 7 months' weight its 7 coefficients (intercept and six factors) need.
    let smoothed = try entries.matrix("hmm[smoothed]")
    for state in 0..<smoothed.cols {
        #expect((0..<smoothed.rows).reduce(0) { $0 + smoothed[$1, state] } >= 7)
    }
    #expect(try entries.value("optimum[status]").rendered() == "\"optimal\"")
}

// MARK: A backtest's result as a value

/// Once a strategy ran, `backtest` is its result: returns, weights, exposures, ex-ante risk and metrics,
/// labelled by month and unit, the same numbers as the result the report is made from.
@Test func aBacktestIsAValue() throws {
    let entries = try Entries()
    #expect(entries.run(syntheticData + "\nmaximize mu'f s.t. tev <= 4%\nrebalance quarterly from 2000-12 to 2011-12").isEmpty)
    let result = try #require(entries.results.first)
    let returns = try entries.matrix("backtest[returns]")
    #expect(returns.rows == result.months.count && returns.colLabels == ["portfolio", "benchmark", "active"])
    #expect((0..<returns.rows).map { returns[$0, 0] } == result.portfolioReturns)
    #expect(try entries.matrix("backtest[returns][2003-02, :]").storage == [result.portfolioReturns[result.months.firstIndex(of: Month(2003, 2))!],
                                                                           result.benchmarkReturns[result.months.firstIndex(of: Month(2003, 2))!],
                                                                           result.portfolioReturns[result.months.firstIndex(of: Month(2003, 2))!] - result.benchmarkReturns[result.months.firstIndex(of: Month(2003, 2))!]])
    let weights = try entries.matrix("backtest[weights][2006-03]")
    let rebalance = try #require(result.rebalances.first { $0.month == Month(2006, 3) })
    for (asset, w) in zip(rebalance.assets, rebalance.weights) {
        #expect(weights[0, weights.colLabels!.firstIndex(of: asset)!] == w)
    }
    #expect(abs(try entries.number("sum(backtest[weights][2006-03])") - 1) <= 1e-9)
    // A month after the backtest's last return is past the end of the result, not the future of a month
    // view: the hint gives the result's months.
    let last = try #require(result.months.last), first = try #require(result.months.first)
    let after = entries.run("backtest[returns][\(last + 1), :]")
    #expect(after.contains("error: \(last + 1) is after \(last), the last row here: this data ends at \(last)"), "\(after)")
    #expect(after.contains("hint: its rows run from \(first) to \(last)") && !after.contains("month view"), "\(after)")
    let outside = entries.run("backtest[9]")
    #expect(outside.contains("error: there is no field 9: positions run from 1 to 8") && outside.contains("hint: its fields: returns, weights,"), "\(outside)")
    let metrics = try entries.matrix("backtest[metrics]")
    let mean = result.portfolioReturns.reduce(0, +) / Double(result.portfolioReturns.count)
    #expect(abs(metrics[metrics.rowLabels!.firstIndex(of: "return")!, 0] - 12 * mean) <= 1e-12)
    #expect(try entries.matrix("backtest[tev]").storage == result.rebalances.map(\.exAnteTrackingError))
    let misspelt = entries.run("backtest[weigths]")
    #expect(misspelt.contains("no field `weigths` in backtest") && misspelt.contains("did you mean `weights`?"), "\(misspelt)")
}

// MARK: Stopping a run

/// `Session.cancellation` (the REPL's Ctrl-C, a notebook's interrupt) stops a running backtest at its
/// next rebalance: the entry ends with an "interrupted" error, nothing of the run is kept (no `backtest`,
/// the strategy as before the entry), and the names bound before it stay.
@Test func cancellingStopsABacktestAndKeepsTheSession() throws {
    let entries = try Entries()
    #expect(entries.run("let kept = 7\n" + syntheticData + "\nmaximize mu'f s.t. tev <= 4%, sector(\"Finance\") <= 20%").isEmpty)
    let cancellation = entries.session.cancellation
    entries.session.progress = { done, _ in if done >= 3 { cancellation.cancel() } }
    let errors = entries.run("rebalance monthly from 2000-12 to 2011-12")
    #expect(errors.contains("interrupted: the run stopped before it finished"), "\(errors)")
    #expect(entries.session.lastRunInterrupted)
    #expect(entries.results.isEmpty)
    #expect(try entries.number("kept") == 7)
    #expect(entries.run("backtest").contains("unknown name `backtest`"))
    // The next entry runs normally: the `rebalance` statement was not kept, so the strategy waits for it.
    entries.session.progress = nil
    #expect(entries.run("rebalance quarterly from 2009-12 to 2011-12").isEmpty)
    #expect(!entries.session.lastRunInterrupted && entries.results.count == 1)
}

// MARK: Errors

/// `at` needs the strategy's data and a month of it; each problem is located.
@Test func monthViewErrorsAreLocated() throws {
    let program = Session.check(SourceFile(name: "v.tilt", text: "at 2008-09\nuniverse synthetic(stocks: 5, seed: 1)\n")).diagnostics
    #expect(program.first?.message.contains("no `universe` statement comes before it") == true)
    #expect(Session.check(SourceFile(name: "v.tilt", text: "universe synthetic(stocks: 5, seed: 1)\nat \"x\"\n")).diagnostics.first?.message == "`at` takes a month, e.g. `at 2008-09`")
    // A program that only looks at months need not state a complete strategy.
    #expect(Session.check(SourceFile(name: "v.tilt", text: "universe synthetic(stocks: 5, seed: 1)\nat 2008-09\nc' * b\n")).diagnostics.isEmpty)
    let entries = try Entries()
    #expect(entries.run("at 2008-09").contains("there is no `universe` statement yet"))
    #expect(entries.run("universe synthetic(stocks: 10, seed: 1, from: 2000-01, to: 2010-12)").isEmpty)
    let outside = entries.run("at 2030-01")
    #expect(outside.contains("<entry 3>:1:4: error: 2030-01 is not in the data (2000-01…2010-12)"), "\(outside)")
    // Eligibility reads nothing after M, so the data's last month opens too.
    #expect(entries.run("at 2010-12").isEmpty)
    #expect(entries.run("at 2008-09").isEmpty)
    #expect(entries.run("hmm").contains("unknown name `hmm`"))
}

/// The diagnostics of program `m.tilt`: a 10-stock synthetic market, `objective`, then `at 2008-09`.
private func monthErrors(_ objective: String) throws -> String {
    let entries = try Entries(mode: .program)
    let file = SourceFile(name: "m.tilt", text: "universe synthetic(stocks: 10, seed: 1, from: 2000-01, to: 2010-12)\n" + objective + "\nat 2008-09\n")
    return DiagnosticList(file: file, diagnostics: entries.session.run(file)).rendered()
}

/// A month's problem that cannot be posed is located at the constraint that fails, as the backtest locates
/// it, not at the whole objective; a problem that is posed but infeasible is located at the objective.
@Test func aMonthsProblemErrorIsLocatedAtItsConstraint() throws {
    let product = try monthErrors("maximize mu'f s.t. tev <= 4%, sum(w .* w) <= 1")
    #expect(product.hasPrefix("m.tilt:2:31: error: at 2008-09: cannot multiply two expressions that both depend on variables\n"
        + "  maximize mu'f s.t. tev <= 4%, sum(w .* w) <= 1\n                                ^~~~~~~~~~~~~~~~\n"), "\(product)")
    let infeasible = try monthErrors("maximize mu'f s.t. tev <= 4%, w <= 1%")
    #expect(infeasible.hasPrefix("m.tilt:2:1: error: at 2008-09: the problem is infeasible"), "\(infeasible)")
    #expect(infeasible.contains("hint: the bounds on w (`w <= 1%`) allow at most 10% in all over the 10 eligible units"), "\(infeasible)")
}

/// A tracking-error cap below what the other constraints allow is named with the least tracking error
/// they do allow — checked by solving the month with the cap just above that figure (solved) and just
/// below it (infeasible): a position cap (the benchmark holds more than 12% in some stock) and an
/// exposure limit.
@Test(arguments: ["w <= 12%", "f[mktrf] >= 0.3"]) func aTrackingErrorCapBelowTheOthersFloorIsNamedWithThatFloor(other: String) throws {
    let infeasible = try monthErrors("maximize mu'f s.t. tev <= 1%, \(other)")
    let prefix = "hint: the least ex-ante tracking error the other constraints allow at this rebalance is "
    let start = try #require(infeasible.range(of: prefix), "\(infeasible)").upperBound
    let figure = try #require(Double(infeasible[start...].prefix { $0 != "%" }), "\(infeasible)")
    #expect(infeasible.contains("%, above `tev <= 1%`: loosen the limit, or the constraints that hold w away from the benchmark"), "\(infeasible)")
    #expect(figure > 1)
    // The figure has 4 significant digits: 0.1% above it the month is solved, 0.1% below it is not.
    #expect(try monthErrors("maximize mu'f s.t. tev <= \(figure * 1.001)%, \(other)").isEmpty)
    #expect(try monthErrors("maximize mu'f s.t. tev <= \(figure * 0.999)%, \(other)").contains("the problem is infeasible"))
}

/// The same for an EVaR limit (the least EVaR, in percent of the portfolio, bracketed the same way), and a
/// risk limit that is not the cause: without it the other constraints still admit no portfolio (an
/// exposure no long-only portfolio reaches), which the hint says instead.
@Test func anEVaRLimitBelowTheOthersFloorAndConstraintsInfeasibleOnTheirOwnAreNamed() throws {
    let infeasible = try monthErrors("maximize mu'f s.t. evar(95%) <= 0.1%, w <= 20%")
    let prefix = "hint: the least EVaR at 95% the other constraints allow at this rebalance is "
    let start = try #require(infeasible.range(of: prefix), "\(infeasible)").upperBound
    let figure = try #require(Double(infeasible[start...].prefix { $0 != "%" }), "\(infeasible)")
    #expect(infeasible.contains("% of the portfolio (monthly), above `evar(95%) <= 0.1%`: loosen the limit, or the constraints that keep w from the least risky portfolio"), "\(infeasible)")
    #expect(try monthErrors("maximize mu'f s.t. evar(95%) <= \(figure * 1.001)%, w <= 20%").isEmpty)
    #expect(try monthErrors("maximize mu'f s.t. evar(95%) <= \(figure * 0.999)%, w <= 20%").contains("the problem is infeasible"))

    let others = try monthErrors("maximize mu'f s.t. tev <= 4%, f[mktrf] >= 5")
    #expect(others.contains("hint: even without `tev <= 4%` no portfolio meets the other constraints (`f[mktrf] >= 5`)"), "\(others)")
    #expect(try monthErrors("maximize mu'f s.t. f[mktrf] >= 5").contains("the problem is infeasible"))
}

/// A misspelt factor in `f[hml]` is named where it is written as soon as the factor names are known (when
/// the data is loaded), before any estimate or solve.
@Test func aMisspeltFactorIsNamedAtItsLabelWhenTheDataIsLoaded() throws {
    let entries = try Entries(mode: .program)
    let file = SourceFile(name: "f.tilt", text: "universe synthetic(stocks: 10, seed: 1, from: 2000-01, to: 2010-12)\nmaximize mu'f s.t. tev <= 4%, |f[hmll]| <= 0.2\nrebalance monthly\n")
    let errors = DiagnosticList(file: file, diagnostics: entries.session.run(file)).rendered()
    #expect(errors.hasPrefix("f.tilt:2:34: error: `f` has no entry labelled `hmll` (entries: alpha, "), "\(errors)")
    #expect(errors.contains("did you mean `hml`?"))
    #expect(entries.output.isEmpty && entries.results.isEmpty)
}

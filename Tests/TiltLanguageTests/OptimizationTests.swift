import Foundation
import Testing
@testable import TiltLanguage
import TiltLinearAlgebra
import TiltSyntax

private func run(_ text: String) -> (Interpreter, String, String) {
    final class Sink: @unchecked Sendable { var text = "" }
    let sink = Sink()
    let session = Session(output: { sink.text += $0 })
    let interpreter = session.interpreter
    let file = SourceFile(name: "o.tilt", text: text)
    let diagnostics = session.run(file)
    return (interpreter, sink.text, DiagnosticList(file: file, diagnostics: diagnostics).rendered())
}

private func value(_ i: Interpreter, _ name: String) -> [Double]? {
    switch i.bindings[name] {
    case .number(let x): return [x]
    case .matrix(let m): return m.storage
    default: return nil
    }
}

/// Minimum variance with a budget only has a closed form: w = Σ⁻¹1 / 1ᵀΣ⁻¹1, variance 1 / 1ᵀΣ⁻¹1, and
/// the budget's multiplier (CVXPY's sign) ν = −2 / 1ᵀΣ⁻¹1.
@Test func minimumVarianceMatchesTheClosedForm() throws {
    let (i, output, errors) = run("""
    let S = [0.04, 0.006, 0.002; 0.006, 0.09, 0.009; 0.002, 0.009, 0.0625]
    var w[3]
    solve minimize w'S w s.t. budget: sum(w) == 1
    let weights = w
    let variance = optval
    let nu = dual(budget)
    let closed = inv(S) * ones(3) / sum(inv(S) * ones(3))
    let closedVariance = 1 / sum(inv(S) * ones(3))
    """)
    #expect(errors.isEmpty, "\(errors)")
    #expect(output.hasPrefix("minimize: optimal, optval = "))
    let w = try #require(value(i, "weights")), closed = try #require(value(i, "closed"))
    for k in 0..<3 { #expect(abs(w[k] - closed[k]) < 1e-7) }
    let v = try #require(value(i, "variance")?.first), cv = try #require(value(i, "closedVariance")?.first)
    #expect(abs(v - cv) <= 1e-6 * cv)
    let nu = try #require(value(i, "nu")?.first)
    #expect(abs(nu - (-2 * cv)) <= 1e-6 * abs(2 * cv))
    #expect(i.bindings["status"].map { if case .string(let s) = $0 { return s == "optimal" }; return false } == true)
}

@Test func variableBoundsAndExpressionsReadAsValuesAfterTheSolve() throws {
    let (i, _, errors) = run("""
    let mu = [0.08; 0.12; 0.10]
    var w[3] >= 0
    let ret = mu'w
    solve maximize ret s.t. sum(w) == 1, w <= 0.5
    let best = ret
    let weights = w
    """)
    #expect(errors.isEmpty, "\(errors)")
    // The LP puts 0.5 on the best asset, 0.5 on the second best.
    let w = try #require(value(i, "weights"))
    #expect(abs(w[0]) < 1e-6 && abs(w[1] - 0.5) < 1e-6 && abs(w[2] - 0.5) < 1e-6)
    #expect(abs((value(i, "best")?.first ?? 0) - 0.11) <= 1e-6 * 0.11)
}

@Test func nonDCPProblemsAreRejectedWithTheOffendingSpan() {
    let (_, _, e1) = run("let S = [2, 0; 0, 1]\nvar w[2]\nsolve maximize quad(w, S) s.t. sum(w) == 1")
    #expect(e1.hasPrefix("o.tilt:3:16: error: cannot maximize convex `quad(w, S)`\n"))
    let (_, _, e2) = run("var x[2]\nsolve minimize x'x s.t. sqrt(sum(x)) <= norm(x)")
    #expect(e2.contains("o.tilt:2:25: error: `sqrt(sum(x)) <= norm(x)` is not DCP: the smaller side must be convex, but `sqrt(sum(x))` is concave"))
    let (_, _, e3) = run("var x[2]\nvar y[2]\nsolve minimize x'y")
    #expect(e3.contains("cannot multiply two expressions that both depend on variables"))
    let (_, _, e4) = run("let P = [1, 2; 2, 1]\nvar x[2]\nsolve minimize quad(x, P)")
    #expect(e4.contains("quad(x, P) needs P positive semidefinite; its smallest eigenvalue is -1"))
    // The hint is a whole sentence (it used to stop at "may not be").
    #expect(e4.contains("with missing values, may not be positive semidefinite\n"), "\(e4)")
    // The test is relative to P's size: a tiny indefinite P is refused, a huge PSD one is not misread.
    let (_, _, e5) = run("var x[2]\nsolve minimize quad(x, [1e-12, 2e-12; 2e-12, 1e-12]) s.t. sum(x) == 1")
    #expect(e5.contains("needs P positive semidefinite; its smallest eigenvalue is -1e-12"), "\(e5)")
    let (_, _, e6) = run("var x[2]\nsolve minimize quad(x, [1e308, 0; 0, 1e308]) s.t. sum(x) == 1")
    #expect(e6.contains("error: the coefficients of the objective overflow"), "\(e6)")
}

@Test func infeasibleAndUnboundedProblemsSayWhy() {
    let (i, _, e1) = run("var x[2] >= 0\nsolve minimize sum(x) s.t. sum(x) <= -1")
    #expect(e1.contains("error: the problem is infeasible: no point satisfies all the constraints"))
    #expect(i.bindings["optval"].map { if case .number(let x) = $0 { return x == .infinity }; return false } == true)
    let (_, _, e2) = run("var x\nsolve minimize x")
    #expect(e2.contains("error: the problem is unbounded"))
    #expect(e2.contains("hint: a bound is probably missing"))
}

/// An infeasible `solve` names the constraints it is feasible without (each solved again without one), not a
/// tracking-error cap it may not have: `w <= 1%` on three weights with a budget of 1, and of four
/// constraints the three that conflict (the loose `x[1] <= 5` is not one).
@Test func anInfeasibleSolveNamesTheConflictingConstraints() {
    let (_, _, e1) = run("var w[3] >= 0\nsolve minimize sumsq(w) s.t. sum(w) == 1, w <= 1%")
    #expect(e1.contains("hint: without any one of `sum(w) == 1`, `w <= 1%` the problem is feasible: they conflict with each other"), "\(e1)")
    let (_, _, e2) = run("var x[2] >= 0\nsolve minimize sum(x) s.t. x[1] + x[2] <= 1, x[1] >= 0.6, x[2] >= 0.6, x[1] <= 5")
    #expect(e2.contains("hint: without any one of `x[1] + x[2] <= 1`, `x[1] >= 0.6`, `x[2] >= 0.6` the problem is feasible"), "\(e2)")
    let (_, _, e3) = run("var x[2] >= 0\nsolve minimize sum(x) s.t. sum(x) <= -1")
    #expect(e3.contains("hint: without any one of `sum(x) <= -1`, `x >= 0` the problem is feasible"), "\(e3)")
    #expect(!e1.contains("tracking-error") && !e2.contains("tracking-error"))
}

/// A variable too large for the solver is an error at its sizes, not an out-of-memory abort: each size and
/// the number of entries are capped (1,000,000).
@Test func oversizedVariablesAreErrorsAtTheirSizes() {
    let (_, _, e1) = run("var X[10000000, 10000000]\nsolve minimize X[1,1]")
    #expect(e1.hasPrefix("o.tilt:1:7: error: a variable's size is a whole number from 1 to 1,000,000\n"))
    let (_, _, e2) = run("var X[1000, 1001] >= 0\nsolve minimize sum(sum(X))")
    #expect(e2.hasPrefix("o.tilt:1:7: error: a 1000×1001 variable is too large (more than 1,000,000 entries)\n  var X[1000, 1001] >= 0\n        ^~~~~~~~~~\n"))
    let (_, _, e3) = run("var w[0]")
    #expect(e3.contains("error: a variable's size is a whole number from 1 to 1,000,000"))
}

/// An objective's error points at the objective in the `solve`, not at the declaration of the variable it names.
@Test func objectiveErrorsPointAtTheObjective() {
    let (_, _, errors) = run("var w[2]\nsolve minimize w s.t. sum(w) == 1")
    #expect(errors.hasPrefix("o.tilt:2:16: error: the objective must be a single number, found 2×1\n"), "\(errors)")
}

/// Objectives far from unit size are solved rescaled (the solver's gap tolerance is absolute): tiny and huge
/// coefficients give the exact vertex, the optimum and the budget's multiplier (−c, CVXPY's sign) in the
/// units stated. At 1e16 the polisher used to accept an infeasible point (w = 0) as optimal; at 1e-8 the
/// solution was 20% off.
@Test func objectivesOfAnySizeAreSolvedAccurately() {
    for c in [1e-12, 1e-8, 1e-6, 1, 1e8, 1e16, 1e300] {
        let (i, _, errors) = run("var w[2] >= 0\nsolve minimize \(c) * w[1] + \(2 * c) * w[2] s.t. budget: sum(w) == 1\nlet nu = dual(budget)\nlet x = w")
        #expect(errors.isEmpty, "\(c): \(errors)")
        #expect(value(i, "x") == [1, 0], "\(c): \(value(i, "x") ?? [])")
        #expect(abs((value(i, "optval")?.first ?? 0) - c) <= 1e-9 * c, "\(c)")
        #expect(abs((value(i, "nu")?.first ?? 0) + c) <= 1e-6 * c, "\(c): \(value(i, "nu") ?? [])")
    }
}

/// Coefficients that overflow while a problem is compiled are an error at the expression, not solver data
/// "with NaN or infinite values" blamed on the whole statement.
@Test func overflowingCoefficientsAreErrorsAtTheirExpression() {
    let (_, _, e1) = run("var w[2] >= 0\nsolve minimize sumsq(1e200 * w) s.t. sum(w) == 1")
    #expect(e1.hasPrefix("o.tilt:2:16: error: the coefficients of the objective overflow"), "\(e1)")
    let (_, _, e2) = run("var w[2] >= 0\nsolve minimize sum(w) s.t. 1e308*sum(w) + 1e308*sum(w) == 1")
    #expect(e2.hasPrefix("o.tilt:2:28: error: the coefficients of `1e308 * sum(w) + 1e308 * sum(w) == 1` overflow"), "\(e2)")
}

/// Constraint coefficients of any size: a box written `c·x <= 5c, c·x >= −5c` bounds the problem whatever c
/// (at c = 1e-8 the solver's unboundedness test passed on the tiny coefficients; it must now also hold
/// against the data's size).
@Test func tinyConstraintCoefficientsDoNotMakeABoundedProblemUnbounded() {
    for c in [1e-9, 1e-8, 1e-4, 1.0, 1e8] {
        let (i, _, errors) = run("var x[2]\nsolve maximize x[1] - x[2] s.t. \(c) * x <= \(5 * c), \(c) * x >= \(-5 * c)")
        #expect(errors.isEmpty, "\(c): \(errors)")
        #expect(abs((value(i, "optval")?.first ?? 0) - 10) <= 1e-6, "\(c): \(value(i, "optval") ?? [])")
    }
    let (_, _, unbounded) = run("var x[2]\nsolve maximize x[1] - x[2] s.t. 1e-8 * x[1] >= -5e-8")
    #expect(unbounded.contains("error: the problem is unbounded"), "\(unbounded)")
}

/// What `tilt explain` prints for a program, and its errors.
private func explained(_ text: String) -> (output: String, errors: [Diagnostic]) {
    final class Sink: @unchecked Sendable { var text = "" }
    let sink = Sink()
    let session = Session(output: { sink.text += $0 })
    let errors = session.explain(SourceFile(name: "e.tilt", text: text))
    return (sink.text, errors)
}

@Test func explainShowsCurvatureAndConeSizesWithoutSolving() {
    let (text, errors) = explained("var x[3]\nsolve minimize norm(x - [1; 2; 3]) s.t. sum(x) == 1\nx")
    #expect(errors.isEmpty)
    #expect(text.contains("objective (minimize): convex — DCP"))
    #expect(text.contains("cone program: 4 variables, 5 rows (zero 1, second-order 4), 1 second-order cone"))
    #expect(!text.contains("x ="))
}

/// The iteration counts a program's solves print (`minimize: optimal, optval = … (N iterations)`), in order.
private func iterations(_ output: String) -> [Int] {
    output.split(separator: "\n").compactMap { line in
        guard let open = line.range(of: "(", options: .backwards), line.hasSuffix(" iterations)") else { return nil }
        return Int(line[open.upperBound...].dropLast(" iterations)".count))
    }
}

/// `solve(…)`'s tolerances reach the solver. The Euclidean projection of c onto the simplex has a closed
/// form (τ = 7/30 from the three largest entries: w = (4/15, 1/15, 0, 2/3, 0), ‖w − c‖² = 16/75); with the
/// default and with tighter tolerances the solve matches it, and the interior-point method takes more
/// iterations the tighter the tolerances (looser: fewer). An iteration limit of 2 stops it.
@Test func solveOptionsSetTheSolversTolerancesAndIterationLimit() throws {
    let problem = "minimize sumsq(w - c) s.t. sum(w) == 1"
    let (i, output, errors) = run("""
    var w[5] >= 0
    let c = [0.5; 0.3; -0.2; 0.9; 0.1]
    solve(tol_feas: 1e-3, tol_gap: 1e-3) \(problem)
    let loose = optval
    solve \(problem)
    let standard = optval
    let w_standard = w
    solve(tol_feas: 1e-11, tol_gap_abs: 1e-11, tol_gap_rel: 1e-11) \(problem)
    let tight = optval
    let w_tight = w
    """)
    #expect(errors.isEmpty, "\(errors)")
    let counts = iterations(output)
    try #require(counts.count == 3, "\(output)")
    #expect(counts[0] < counts[1] && counts[1] < counts[2], "iterations loose, default, tight: \(counts)")
    for name in ["standard", "tight"] {
        #expect(abs(try #require(value(i, name)?.first) - 16.0 / 75) <= 1e-9, "\(name)")
    }
    #expect(abs(try #require(value(i, "loose")?.first) - 16.0 / 75) <= 1e-3)
    let expected = [4.0 / 15, 1.0 / 15, 0, 2.0 / 3, 0]
    for (x, e) in zip(try #require(value(i, "w_tight")), expected) { #expect(abs(x - e) <= 1e-9, "tight w: \(x) vs \(e)") }
    for (x, e) in zip(try #require(value(i, "w_standard")), expected) { #expect(abs(x - e) <= 1e-8, "default w: \(x) vs \(e)") }

    let (limited, _, limitErrors) = run("var x\nsolve(max_iter: 2) minimize -log(x) + x")
    #expect(limitErrors.hasPrefix("o.tilt:2:1: error: the problem is not solved: the iteration limit was reached"), "\(limitErrors)")
    if case .string(let status)? = limited.bindings["status"] { #expect(status == "iteration limit") } else { Issue.record("no status") }
    let (_, enough, enoughErrors) = run("var x\nsolve(max_iter: 50) minimize -log(x) + x")
    #expect(enoughErrors.isEmpty && enough.hasPrefix("minimize: optimal, optval = 1 "), "\(enough)\(enoughErrors)")
}

/// A solve whose run on the equilibrated data fails (here the scaling of 1e10 offsets leaves it at the
/// iteration limit) and whose answer is the second run's on the data as given prints both counts, so that a
/// total above the limit reads as what it is: "(208 iterations: 200 on the equilibrated data, then 8 on the
/// data as given)". The answer is the closed form w = (1e10, −1e10), optval 0.
@Test func aSecondRunOnTheDataAsGivenIsCountedApart() throws {
    let (i, output, errors) = run("var w[2]\nsolve minimize sumsq(w - [1e10; -1e10])\nlet w_opt = w")
    #expect(errors.isEmpty, "\(errors)")
    let line = try #require(output.split(separator: "\n").first.map(String.init))
    let pattern = /minimize: optimal, optval = 0 \((\d+) iterations: (\d+) on the equilibrated data, then (\d+) on the data as given\)/
    let match = try #require(line.wholeMatch(of: pattern), "\(line)")
    let (total, first, second) = (Int(match.1)!, Int(match.2)!, Int(match.3)!)
    #expect(total == first + second && first <= 200 && second > 0, "\(line)")
    let w = try #require(value(i, "w_opt"))
    #expect(abs(w[0] - 1e10) <= 1e-6 * 1e10 && abs(w[1] + 1e10) <= 1e-6 * 1e10, "\(w)")
}

/// `tilt explain` shows the settings each solve would use: the defaults, or those its options set
/// (`tol_gap` as its two parts).
@Test func explainShowsTheSolversSettings() {
    let (text, errors) = explained("var x[2]\nsolve minimize sumsq(x)\nsolve(tol_gap: 1e-10, tol_feas: 1e-9, max_iter: 80) minimize sumsq(x)")
    #expect(errors.isEmpty)
    #expect(text.contains("solver: tol_feas 1e-8, tol_gap_abs 1e-8, tol_gap_rel 1e-8, tol_infeas 1e-8, max_iter 200\n"), "\(text)")
    #expect(text.contains("solver: tol_feas 1e-9, tol_gap_abs 1e-10, tol_gap_rel 1e-10, tol_infeas 1e-8, max_iter 80\n"), "\(text)")
}

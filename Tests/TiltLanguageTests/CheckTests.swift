import Foundation
import Testing
@testable import TiltLanguage
import TiltSyntax

/// `tilt check`'s diagnostics of a program, rendered.
private func checked(_ text: String) -> String {
    let file = SourceFile(name: "c.tilt", text: text)
    return DiagnosticList(file: file, diagnostics: Session.check(file).diagnostics).rendered()
}

/// `tilt run`'s diagnostics of the same program (no data needed: the synthetic market).
private func ran(_ text: String) -> String {
    let file = SourceFile(name: "c.tilt", text: text)
    let session = Session(output: { _ in })
    return DiagnosticList(file: file, diagnostics: session.run(file)).rendered()
}

private let synthetic = "universe synthetic(stocks: 20, seed: 1, from: 2000-01, to: 2006-12)\n"
private let schedule = "\nrebalance monthly from 2006-01 to 2006-03\n"

/// Whatever the plan can reject without data, `check` rejects, located, with the message `run` gives.
@Test(arguments: [
    // Two sweeps.
    (synthetic + "gamma in [1, 2]\ntev in [2%, 3%]\nmaximize mu'f - gamma * risk s.t. tev <= 5%" + schedule,
     "c.tilt:3:1: error: one parameter can be swept at a time"),
    // A rolling window without its length.
    (synthetic + "model ols(window: rolling)\nmaximize mu'f s.t. tev <= 5%" + schedule,
     "c.tilt:2:19: error: `rolling` needs its length in months"),
    // A sector the universe's scheme (SIC divisions) does not have.
    (synthetic + "maximize mu'f s.t. tev <= 5%, sector(\"Finanse\") <= 20%" + schedule,
     "c.tilt:2:38: error: no sector is named \"Finanse\""),
    // Out-of-range options.
    (synthetic.replacingOccurrences(of: "stocks: 20", with: "stocks: 1") + "maximize mu'f s.t. tev <= 5%" + schedule,
     "c.tilt:1:28: error: the number of stocks is a whole number from 2 to 100000"),
    (synthetic + "model regime(states: 9)\nmaximize mu'f s.t. tev <= 5%" + schedule,
     "c.tilt:2:22: error: the number of regimes is a whole number from 1 to 8"),
    (synthetic + "maximize regime_utility(phi: 500)" + schedule,
     "c.tilt:2:10: error: `regime_utility` takes the risk aversion, a number from 0.01 to 100"),
    (synthetic + "maximize mu'f s.t. tev <= 5%\ncosts 2" + schedule,
     "c.tilt:3:7: error: costs are a proportion of turnover, like `10bps`"),
    // A forgotten `%`, written or swept.
    (synthetic + "maximize mu'f s.t. tev <= 4" + schedule,
     "c.tilt:2:27: error: `tev <= 4` allows 400% annualised tracking error\n  maximize mu'f s.t. tev <= 4\n                            ^\nhint: did you mean 4%?"),
    (synthetic + "maximize mu'f s.t. tev <= 5%, turnover <= 3" + schedule,
     "c.tilt:2:43: error: `turnover <= 3` allows 300% turnover"),
    (synthetic + "maximize mu'f s.t. risk <= 2" + schedule,
     "c.tilt:2:28: error: `risk <= 2` allows 200% monthly active variance"),
    (synthetic + "tev in 1 to 10\nmaximize mu'f s.t. tev <= 5%" + schedule,
     "c.tilt:2:8: error: `tev in …` reaches 10: 1000% annualised tracking error"),
    // A negative bound on a quantity that is never negative: infeasible at every rebalance, said at once.
    (synthetic + "maximize mu'f s.t. tev <= -1%" + schedule,
     "c.tilt:2:27: error: `tev <= -1%` can never hold: annualised tracking error is never negative\n  maximize mu'f s.t. tev <= -1%\n                            ^~~\nhint: the least bound is 0: `tev <= 0` holds the benchmark"),
    (synthetic + "maximize mu'f s.t. tev <= 5%, turnover <= -5bps" + schedule,
     "c.tilt:2:43: error: `turnover <= -5bps` can never hold: turnover is never negative\n  maximize mu'f s.t. tev <= 5%, turnover <= -5bps\n                                            ^~~~~\nhint: the least bound is 0: `turnover <= 0` keeps the weights held"),
    (synthetic + "tev in -1% to 2% by 1%\nmaximize mu'f s.t. tev <= 5%" + schedule,
     "c.tilt:2:8: error: `tev in …` reaches -1%, and annualised tracking error is never negative"),
    // A forgotten `%` on a sector's weight or a band around the weights.
    (synthetic + "maximize mu'f s.t. tev <= 5%, sector(\"Finance\") <= 25" + schedule,
     "c.tilt:2:52: error: `sector(\"Finance\") <= 25` puts 2500% of the portfolio in the sector\n  maximize mu'f s.t. tev <= 5%, sector(\"Finance\") <= 25\n                                                     ^~\nhint: did you mean 25%?"),
    (synthetic + "maximize mu'f s.t. tev <= 5%, |w - b| <= 2" + schedule,
     "c.tilt:2:42: error: the band `|w - …| <= 2` lets each weight move 200% of the portfolio from its centre\n  maximize mu'f s.t. tev <= 5%, |w - b| <= 2\n                                           ^\nhint: did you mean 2%?"),
    // A forgotten `%` through a name bound to a constant, or through a swept parameter.
    (synthetic + "let budget = 4\nmaximize mu'f s.t. tev <= budget" + schedule,
     "c.tilt:3:27: error: `tev <= 4` allows 400% annualised tracking error"),
    (synthetic + "tau in [1, 3]\nmaximize mu'f s.t. tev <= 5%, turnover <= tau" + schedule,
     "c.tilt:3:43: error: `turnover <= 3` allows 300% turnover"),
    // An exposure the synthetic market's factors do not have (known without reading data).
    (synthetic + "maximize mu'f s.t. tev <= 5%, f[hlm] <= 0.2" + schedule,
     "c.tilt:2:33: error: `f` has no entry labelled `hlm` (entries: alpha, mktrf, smb, hml, rmw, cma, umd)\n  maximize mu'f s.t. tev <= 5%, f[hlm] <= 0.2\n                                  ^~~\nhint: did you mean `hml`?"),
    // An incomplete strategy.
    (synthetic + "maximize mu'f s.t. tev <= 5%\n", "c.tilt:1:1: error: the strategy is incomplete: it needs a `rebalance` statement"),
    // A value swept twice (also when written two ways): two results of one label, which the CSV files'
    // `result` column and `backtest[…]` could not tell apart.
    (synthetic + "tev in [3%, 0.03]\nmaximize mu'f s.t. tev <= 5%" + schedule,
     "c.tilt:2:8: error: the sweep lists `tev = 3%` twice: each value runs one backtest, and its results are named by the value\n"
        + "  tev in [3%, 0.03]\n         ^~~~~~~~~~\nhint: list each value once"),
    (synthetic + "gamma in [1, 5, 1]\nmaximize mu'f - gamma * risk" + schedule,
     "c.tilt:2:10: error: the sweep lists `gamma = 1` twice"),
    (synthetic + "model in [ols, regime(states: 2), ols]\nmaximize mu'f s.t. tev <= 5%" + schedule,
     "c.tilt:2:35: error: `model in` lists `ols` twice: each model runs one backtest, and its results are named by the model"),
    // A sweep of no values.
    (synthetic + "tev in []\nmaximize mu'f s.t. tev <= 5%" + schedule,
     "c.tilt:2:8: error: the sweep of `tev` lists no values"),
] as [(String, String)])
func checkRejectsWhatRunRejects(program: String, message: String) {
    let check = checked(program), run = ran(program)
    #expect(check.hasPrefix(message), "check: \(check)")
    #expect(run.hasPrefix(message), "run: \(run)")
}

/// A name `at M` binds for a month (`F`, `Sigma_f`, `E`) written in a strategy's objective or constraints,
/// where it does not exist, is reported with the strategy's word for it rather than the closest name (`b` for
/// `F`); `F(w - b)` reads as a call. A month's name with no strategy word lists the strategy's names.
@Test(arguments: [
    (synthetic + "maximize mu'F(w - b) s.t. tev <= 5%" + schedule,
     "c.tilt:2:13: error: unknown function `F`\n  maximize mu'F(w - b) s.t. tev <= 5%\n              ^\n"
        + "hint: `F` is a month's value, bound by `at M`; in a strategy write `f` for the active factor exposures F(w − b), as in `maximize mu'f`\n"),
    (synthetic + "maximize mu' * F * (w - b) s.t. tev <= 5%" + schedule,
     "c.tilt:2:16: error: unknown name `F`\n  maximize mu' * F * (w - b) s.t. tev <= 5%\n                 ^\n"
        + "hint: `F` is a month's value, bound by `at M`; in a strategy write `f` for the active factor exposures F(w − b), as in `maximize mu'f`\n"),
    (synthetic + "minimize (w - b)'E(w - b)" + schedule,
     "c.tilt:2:18: error: unknown function `E`\n  minimize (w - b)'E(w - b)\n                   ^\n"
        + "hint: `E` is a month's value, bound by `at M`; in a strategy write `risk` for the monthly active variance fᵀΣ_f f + (w − b)ᵀE(w − b), or `tev` for the annualised tracking error √(12·risk)\n"),
    (synthetic + "maximize mu'f - 5 * quad(f, Sigma_f)" + schedule,
     "c.tilt:2:29: error: unknown name `Sigma_f`\n  maximize mu'f - 5 * quad(f, Sigma_f)\n                              ^~~~~~~\n"
        + "hint: `Sigma_f` is a month's value, bound by `at M`; in a strategy write `risk` for the monthly active variance fᵀΣ_f f + (w − b)ᵀE(w − b), or `tev` for the annualised tracking error √(12·risk)\n"),
    (synthetic + "maximize mu'f s.t. sum(abs(w - w_before)) <= 20%" + schedule,
     "c.tilt:2:32: error: unknown name `w_before`\n  maximize mu'f s.t. sum(abs(w - w_before)) <= 20%\n                                 ^~~~~~~~\n"
        + "hint: `w_before` is a month's value, bound by `at M`; in a strategy write `turnover` for Σ|w − w_before|\n"),
    (synthetic + "maximize mu'f s.t. tev <= 5%, w <= 2 * R[2006-01, :]'" + schedule,
     "c.tilt:2:40: error: unknown name `R`\n  maximize mu'f s.t. tev <= 5%, w <= 2 * R[2006-01, :]'\n                                         ^\n"
        + "hint: `R` is a month's value, bound by `at M` (excess returns of the assets over the estimation window, months × assets (the last row is M)); "
        + "a strategy's objective and constraints name `w`, `b`, `mu`, `f`, `risk`, `tev`, `turnover`\n"),
] as [(String, String)])
func monthNamesInAStrategyNameTheStrategysWord(program: String, message: String) {
    let check = checked(program), run = ran(program)
    #expect(check == message, "check: \(check)")
    #expect(run.hasPrefix(message), "run: \(run)")
}

/// A bound value written as a call (`x(1)`, `mu'F(w - b)` at a month) says it is a value and how to index or
/// multiply it, both in `check` and when the program runs; an unbound name still gets the closest function.
@Test func aValueWrittenAsACallSaysHowToIndexOrMultiplyIt() {
    let hint = "hint: `x` is a value, not a function: index it with `x[…]`; to multiply, write `x * (…)` (after a transpose, a space: `mu'x (w - b)`)\n"
    let program = "let x = [1; 2]\nlet y = x(1)\n"
    let message = "c.tilt:2:9: error: unknown function `x`\n  let y = x(1)\n          ^\n" + hint
    #expect(checked(program) == message)
    #expect(ran(program) == message)
    let product = "let x = [1; 2]\nlet y = x'x(x)\n"
    #expect(checked(product).contains(hint) && ran(product).contains(hint))
    #expect(checked("let y = sqr(2)\n").contains("hint: did you mean `sqrt`?"))
}

/// `st` for `s.t.` reads as a factor of the objective's product (`mu'f st tev`): the hint names `s.t.`, not
/// the nearest built-in (`std`).
@Test func stForSubjectToSuggestsSubjectTo() {
    let message = checked(synthetic + "maximize mu'f st tev <= 5%" + schedule)
    #expect(message.hasPrefix("c.tilt:2:15: error: unknown name `st`\n  maximize mu'f st tev <= 5%\n                ^~\n"
        + "hint: did you mean `s.t.`? The constraints follow `s.t.`: `maximize mu'f s.t. tev <= 6%`\n"), "\(message)")
    #expect(checked(synthetic + "maximize mu'f s.t. TEV <= 5%" + schedule).contains("hint: did you mean `tev`?"))
}

/// Bounds written with a unit, or plausible without one, pass; a tracking error of exactly 100% is allowed.
@Test func plausibleBoundsPass() {
    for bound in ["tev <= 4%", "tev <= 0.04", "tev <= 1", "tev <= 400%", "turnover <= 2", "risk <= 0.0003", "risk <= 1", "tev <= 0",
                  "sector(\"Finance\") <= 0.25", "sector(\"Finance\") <= 2", "sector(\"Finance\") <= 300%", "|w - b| <= 1", "|w - b| <= 0.02"] {
        #expect(checked(synthetic + "maximize mu'f s.t. \(bound)" + schedule).isEmpty, "\(bound)")
    }
    #expect(checked(synthetic + "tev in 1% to 10% by 1%\nmaximize mu'f s.t. tev <= 5%" + schedule).isEmpty)
}

/// A quantity that is one number compared with several values is an error at the values, found by `check` as by
/// `run`: `tev <= [2%, 4%]` was two constraints, the tighter silently winning, where a sweep was meant. The hint
/// of a bound the strategy sweeps (`tev`, `risk`, `turnover`, bounded from above) writes the sweep as a statement
/// of its own and the objective without the constraint; any other says to compare with one number, and how to
/// sweep a parameter the constraint reads.
@Test(arguments: [
    (synthetic + "maximize mu'f s.t. tev <= [2%, 4%]" + schedule,
     "c.tilt:2:27: error: `tev` is one number; `[2%, 4%]` has 2 values\n  maximize mu'f s.t. tev <= [2%, 4%]\n                            ^~~~~~~~\n"
        + "hint: to run one backtest per value, write the sweep on a line of its own, `tev in [2%, 4%]`, then the objective without this "
        + "constraint, `maximize mu'f`: each value bounds `tev` in a backtest of its own, `tev <= 2%` in the first\n"),
    // The values on the left, the British keyword, the other constraints kept in the rewrite.
    (synthetic + "maximise mu'f s.t. w <= 30%, [2%, 4%] >= tev" + schedule,
     "c.tilt:2:30: error: `tev` is one number; `[2%, 4%]` has 2 values\n  maximise mu'f s.t. w <= 30%, [2%, 4%] >= tev\n                               ^~~~~~~~\n"
        + "hint: to run one backtest per value, write the sweep on a line of its own, `tev in [2%, 4%]`, then the objective without this "
        + "constraint, `maximise mu'f s.t. w <= 30%`: each value bounds `tev` in a backtest of its own, `tev <= 2%` in the first\n"),
    // Each such constraint is reported; a matrix's values are counted.
    (synthetic + "maximize mu'f s.t. tev <= 6%, turnover <= [10%, 20%; 30%, 40%], risk <= [2e-4; 3e-4]" + schedule,
     "c.tilt:2:43: error: `turnover` is one number; `[10%, 20%; 30%, 40%]` has 4 values\n"
        + "  maximize mu'f s.t. tev <= 6%, turnover <= [10%, 20%; 30%, 40%], risk <= [2e-4; 3e-4]\n"
        + "                                            ^~~~~~~~~~~~~~~~~~~~\n"
        + "hint: to run one backtest per value, write the sweep on a line of its own, `turnover in [10%, 20%; 30%, 40%]`, then the objective "
        + "without this constraint, `maximize mu'f s.t. tev <= 6%, risk <= [2e-4; 3e-4]`: each value bounds `turnover` in a backtest of its own, "
        + "`turnover <= 10%` in the first\n"
        + "c.tilt:2:73: error: `risk` is one number; `[2e-4; 3e-4]` has 2 values\n"
        + "  maximize mu'f s.t. tev <= 6%, turnover <= [10%, 20%; 30%, 40%], risk <= [2e-4; 3e-4]\n"
        + "                                                                          ^~~~~~~~~~~~\n"
        + "hint: to run one backtest per value, write the sweep on a line of its own, `risk in [2e-4; 3e-4]`, then the objective "
        + "without this constraint, `maximize mu'f s.t. tev <= 6%, turnover <= [10%, 20%; 30%, 40%]`: each value bounds `risk` in a backtest of its own, "
        + "`risk <= 0.0002` in the first\n"),
    // The sweep replaces the program's own bound, as the parser's hint says.
    (synthetic + "maximize mu'f s.t. tev <= 5%, tev <= [2%, 4%]" + schedule,
     "c.tilt:2:38: error: `tev` is one number; `[2%, 4%]` has 2 values\n  maximize mu'f s.t. tev <= 5%, tev <= [2%, 4%]\n                                       ^~~~~~~~\n"
        + "hint: to run one backtest per value, write the sweep on a line of its own, `tev in [2%, 4%]`, then the objective without this "
        + "constraint, `maximize mu'f s.t. tev <= 5%`: each value bounds `tev` in a backtest of its own, `tev <= 2%` in the first, in place of `tev <= 5%`\n"),
    // A name bound to a list: the sweep runs over the name.
    (synthetic + "let caps = [2%, 4%]\nmaximize mu'f s.t. tev <= caps" + schedule,
     "c.tilt:3:27: error: `tev` is one number; `caps` has 2 values\n  maximize mu'f s.t. tev <= caps\n                            ^~~~\n"
        + "hint: to run one backtest per value, write the sweep on a line of its own, `tev in caps`, then the objective without this "
        + "constraint, `maximize mu'f`: each value bounds `tev` in a backtest of its own, `tev <= 0.02` in the first\n"),
    // Not a bound a sweep sets: compare with one number.
    (synthetic + "maximize mu'f s.t. tev >= [2%, 4%]" + schedule,
     "c.tilt:2:27: error: `tev` is one number; `[2%, 4%]` has 2 values\n  maximize mu'f s.t. tev >= [2%, 4%]\n                            ^~~~~~~~\n"
        + "hint: compare `tev` with one number\n"),
    (synthetic + "maximize mu'f s.t. tev == [2%, 4%]" + schedule,
     "c.tilt:2:27: error: `tev` is one number; `[2%, 4%]` has 2 values\n  maximize mu'f s.t. tev == [2%, 4%]\n                            ^~~~~~~~\n"
        + "hint: compare `tev` with one number\n"),
    // No values at all (this crashed the run).
    (synthetic + "maximize mu'f s.t. tev <= []" + schedule,
     "c.tilt:2:27: error: `tev` is one number; `[]` has no values\n  maximize mu'f s.t. tev <= []\n                            ^~\nhint: compare `tev` with one number\n"),
    // The strategy's other one-number quantities.
    (synthetic + "maximize mu'f s.t. |f[mktrf]| <= [0.1, 0.2]" + schedule,
     "c.tilt:2:34: error: `|f[mktrf]|` is one number; `[0.1, 0.2]` has 2 values\n  maximize mu'f s.t. |f[mktrf]| <= [0.1, 0.2]\n                                   ^~~~~~~~~~\n"
        + "hint: compare `|f[mktrf]|` with one number, e.g. `|f[mktrf]| <= 0.1`; for one backtest per value, write the sweep on a line of its own, "
        + "`cap in [0.1, 0.2]`, and the constraint `|f[mktrf]| <= cap`\n"),
    (synthetic + "let k = \"hml\"\nmaximize mu'f s.t. [-0.2, -0.1] <= f[k]" + schedule,
     "c.tilt:3:20: error: `f[k]` is one number; `[-0.2, -0.1]` has 2 values\n  maximize mu'f s.t. [-0.2, -0.1] <= f[k]\n                     ^~~~~~~~~~~~\n"
        + "hint: compare `f[k]` with one number, e.g. `f[k] >= -0.2`; for one backtest per value, write the sweep on a line of its own, "
        + "`floor in [-0.2, -0.1]`, and the constraint `f[k] >= floor`\n"),
    (synthetic + "let caps = [20%, 30%]\nmaximize mu'f s.t. sector(\"Finance\") <= caps" + schedule,
     "c.tilt:3:41: error: `sector(\"Finance\")` is one number; `caps` has 2 values\n  maximize mu'f s.t. sector(\"Finance\") <= caps\n                                          ^~~~\n"
        + "hint: compare `sector(\"Finance\")` with one number, e.g. `sector(\"Finance\") <= 0.2`; for one backtest per value, write the sweep on a "
        + "line of its own, `cap in caps`, and the constraint `sector(\"Finance\") <= cap`\n"),
    (synthetic + "maximize mu'f s.t. sum(w) == [1, 0.9]" + schedule,
     "c.tilt:2:30: error: `sum(w)` is one number; `[1, 0.9]` has 2 values\n  maximize mu'f s.t. sum(w) == [1, 0.9]\n                               ^~~~~~~~\n"
        + "hint: compare `sum(w)` with one number, e.g. `sum(w) == 1`; for one backtest per value, write the sweep on a line of its own, "
        + "`target in [1, 0.9]`, and the constraint `sum(w) == target`\n"),
    // A parameter's name the program already uses is not suggested.
    (synthetic + "let cap = 3%\nmaximize mu'f s.t. tev <= cap, mu'f <= [1%, 2%]" + schedule,
     "c.tilt:3:40: error: `mu'f` is one number; `[1%, 2%]` has 2 values\n  maximize mu'f s.t. tev <= cap, mu'f <= [1%, 2%]\n                                         ^~~~~~~~\n"
        + "hint: compare `mu'f` with one number, e.g. `mu'f <= 1%`\n"),
] as [(String, String)])
func aOneNumberQuantityComparedWithSeveralValuesIsAnError(program: String, message: String) {
    let check = checked(program), run = ran(program)
    #expect(check == message, "check: \(check)")
    #expect(run == message, "run: \(run)")
}

/// What stays valid: a list of one value is one number, a vector of one value per asset bounds the weights
/// entry by entry, `f[k]` with `k` a list is several exposures, and a bound or a parameter swept by a
/// statement of its own (the hints' rewrites).
@Test func oneNumberQuantitiesStillCompareWithOneNumberAndVectorsWithVectors() {
    for program in [
        "maximize mu'f s.t. tev <= [2%]", "let caps = [2%]\nmaximize mu'f s.t. [caps] >= tev",
        "let caps = 10% * ones(20, 1)\nmaximize mu'f s.t. tev <= 5%, w <= caps", "maximize mu'f s.t. tev <= 5%, w <= 10%",
        "maximize mu'f s.t. tev <= 5%, |w - b| <= 2% * ones(20, 1)", "let k = [2, 3]\nmaximize mu'f s.t. tev <= 5%, f[k] <= [0.1; 0.2]",
        "tev in [2%, 4%]\nmaximize mu'f", "let caps = [2%, 4%]\ntev in caps\nmaximize mu'f",
        "cap in [20%, 30%]\nmaximize mu'f s.t. tev <= 5%, sector(\"Finance\") <= cap",
    ] {
        let check = checked(synthetic + program + schedule)
        #expect(check.isEmpty, "\(program): \(check)")
    }
}

/// A name bound to a constant is known to `check` (the last binding, as the strategy sees it at the
/// program's end); a name bound otherwise, or rebound, is not, and `f[k]` with `k` bound indexes by its value.
@Test func namesBoundToConstantsAreKnownToCheck() {
    #expect(checked(synthetic + "let budget = 4\nlet budget = 4%\nmaximize mu'f s.t. tev <= budget" + schedule).isEmpty)
    #expect(checked(synthetic + "let budget = 4\nvar budget[2]\nmaximize mu'f s.t. tev <= 5%" + schedule).isEmpty)
    let position = synthetic + "let k = 3\nmaximize mu'f s.t. tev <= 5%, f[k] <= 0.3" + schedule
    #expect(checked(position).isEmpty)
    #expect(ran(position).isEmpty, "\(ran(position))")
    let label = synthetic + "let k = \"hlm\"\nmaximize mu'f s.t. tev <= 5%, f[k] <= 0.3" + schedule
    #expect(checked(label).hasPrefix("c.tilt:3:31: error: `f` has no entry labelled `hlm`"), "\(checked(label))")
    #expect(ran(label).hasPrefix("c.tilt:3:31: error: `f` has no entry labelled `hlm`"), "\(ran(label))")
}

/// Wide returns with a caps file and no sectors file have no sectors, so a sector limit on them is an error
/// before any data is read; a bare returns file may be a long panel with a sector column, known only when
/// it is read; a universe whose sectors come from data (CRSP, Ken French) has its names checked against the
/// SIC divisions.
@Test func sectorLimitsNeedSectors() {
    let program = "universe returns(\"returns.csv\", caps: \"caps.csv\")\nfactors \"f.csv\"\nmaximize mu'f s.t. sector(\"Finance\") <= 20%\nrebalance monthly\n"
    #expect(checked(program).hasPrefix("c.tilt:3:20: error: the universe has no sectors"), "\(checked(program))")
    #expect(checked("universe \"returns.csv\"\nfactors \"f.csv\"\nmaximize mu'f s.t. sector(\"Finance\") <= 20%\nrebalance monthly\n").isEmpty)
    #expect(checked("universe crsp\nmaximize mu'f s.t. sector(\"Finance\") <= 20%\nrebalance monthly\n").isEmpty)
}

/// Every independent error of a strategy is reported together, in the order written.
@Test func aStrategysErrorsAreReportedTogether() {
    let program = """
    universe synthetic(stocks: 20, seed: 1)
    tev in 1 to 10
    gamma in [1, 2]
    model ols(window: rolling)
    maximize mu'f - gamma * risk s.t. tev <= 4, sector("Finanse") <= 25%, turnover <= 5
    rebalance monthly
    """
    let file = SourceFile(name: "c.tilt", text: program)
    let messages = Session.check(file).diagnostics.map(\.message)
    #expect(messages.count == 5, "\(messages)")
    #expect(messages.first?.hasPrefix("`tev in …` reaches 10") == true)
    #expect(messages.contains("one parameter can be swept at a time"))
    #expect(messages.contains("`rolling` needs its length in months"))
    #expect(messages.contains { $0.hasPrefix("no sector is named \"Finanse\"") })
    #expect(messages.last == "`turnover <= 5` allows 500% turnover")
}

/// `solve(…)`'s options are read by the vocabulary (`Vocabulary.solveOptions`, from TiltSolver's
/// `SolverOption`): an unknown name at its label with the closest one, a tolerance outside (0, 1) or an
/// iteration limit that is not a whole number from 1 to 1,000,000 at the value, a name given twice at the
/// second label, an unlabelled value at the value — found by `check` before the program runs, as `run`
/// finds them, each at its own span.
@Test(arguments: [
    ("var w[2]\nsolve(tol_fea: 1e-10) minimize sumsq(w)",
     "c.tilt:2:7: error: `solve` has no option `tol_fea`\n  solve(tol_fea: 1e-10) minimize sumsq(w)\n        ^~~~~~~\nhint: did you mean `tol_feas`?"),
    ("var w[2]\nsolve(tol_gap_ab: 1e-10) minimize sumsq(w)",
     "c.tilt:2:7: error: `solve` has no option `tol_gap_ab`\n  solve(tol_gap_ab: 1e-10) minimize sumsq(w)\n        ^~~~~~~~~~\nhint: did you mean `tol_gap_abs`?"),
    ("var w[2]\nsolve(tol_gap: 0) minimize sumsq(w)",
     "c.tilt:2:16: error: `tol_gap:` is a number strictly between 0 and 1\n  solve(tol_gap: 0) minimize sumsq(w)\n                 ^\nhint: e.g. `solve(tol_gap: 1e-10) minimize …`"),
    ("var w[2]\nsolve(tol_feas: 1) minimize sumsq(w)", "c.tilt:2:17: error: `tol_feas:` is a number strictly between 0 and 1"),
    ("var w[2]\nsolve(tol_infeas: -1e-9) minimize sumsq(w)", "c.tilt:2:19: error: `tol_infeas:` is a number strictly between 0 and 1"),
    ("var w[2]\nsolve(tol_gap_rel: \"small\") minimize sumsq(w)", "c.tilt:2:20: error: `tol_gap_rel:` is a number strictly between 0 and 1"),
    ("var w[2]\nsolve(max_iter: 0) minimize sumsq(w)", "c.tilt:2:17: error: `max_iter:` is a whole number from 1 to 1000000"),
    ("var w[2]\nsolve(max_iter: 2.5) minimize sumsq(w)", "c.tilt:2:17: error: `max_iter:` is a whole number from 1 to 1000000"),
    ("var w[2]\nsolve(tol_gap: 1e-9, tol_gap: 1e-10) minimize sumsq(w)",
     "c.tilt:2:22: error: `solve` is given `tol_gap:` twice\n  solve(tol_gap: 1e-9, tol_gap: 1e-10) minimize sumsq(w)\n                       ^~~~~~~\nhint: keep one of them"),
    ("var w[2]\nsolve(1e-9) minimize sumsq(w)",
     "c.tilt:2:7: error: `solve` needs labelled arguments (`tol_feas:`, `tol_gap:`, `tol_gap_abs:`, `tol_gap_rel:`, `tol_infeas:`, `max_iter:`)"),
    // A name bound to a constant is known to `check`.
    ("let t = 2\nvar w[2]\nsolve(tol_feas: t) minimize sumsq(w)", "c.tilt:3:17: error: `tol_feas:` is a number strictly between 0 and 1"),
] as [(String, String)])
func solveOptionsAreCheckedAtTheirSpans(program: String, message: String) {
    let check = checked(program), run = ran(program)
    #expect(check.hasPrefix(message), "check: \(check)")
    #expect(run.hasPrefix(message), "run: \(run)")
    #expect(Session.check(SourceFile(name: "c.tilt", text: program)).diagnostics.count == 1, "one error only: \(check)")
}

/// Accepted options pass `check`; a name the program does not define is the checker's unknown name, and a
/// value known only when the program runs (a solve's `optval`) is checked then, at its span.
@Test func solveOptionsKnownOnlyWhenTheProgramRunsAreCheckedThen() {
    #expect(checked("var w[2]\nsolve(tol_feas: 1e-10, tol_gap: 1%, tol_gap_abs: 1e-9, tol_gap_rel: 1e-9, tol_infeas: 1e-9, max_iter: 500) minimize sumsq(w)").isEmpty)
    #expect(checked("var w[2]\nsolve(tol_feas: tol) minimize sumsq(w)").hasPrefix("c.tilt:2:17: error: unknown name `tol`"))
    let program = "var x\nsolve minimize sumsq(x - 2) + 2\nsolve(tol_gap: optval) minimize sumsq(x - 2)"
    #expect(checked(program).isEmpty, "\(checked(program))")
    #expect(ran(program).hasPrefix("c.tilt:3:16: error: `tol_gap:` is a number strictly between 0 and 1"), "\(ran(program))")
}

/// A default schedule that starts after the data ends (five years into an expanding window of four years'
/// data) says where the default start is and why, and how to state the months, rather than that no month
/// "falls inside the data".
@Test func aDefaultScheduleBeyondTheDataSaysWhy() {
    let message = ran("universe synthetic(stocks: 20, seed: 1, from: 2000-01, to: 2003-12)\nmaximize mu'f s.t. tev <= 5%\nrebalance quarterly\n")
    #expect(message.hasPrefix("c.tilt:3:11: error: the first rebalance by default is 2004-12 (five years into the estimation window from 2000-01), after the data's last rebalance month 2003-11\n"
        + "  rebalance quarterly\n            ^~~~~~~~~\nhint: state the months, e.g. `rebalance quarterly from 2002-12 to 2003-11`, or give the model a shorter window"), "\(message)")
    let rolling = ran("universe synthetic(stocks: 20, seed: 1, from: 2000-01, to: 2003-12)\nmodel ols(window: rolling 60)\nmaximize mu'f s.t. tev <= 5%\nrebalance monthly\n")
    #expect(rolling.contains("error: the first rebalance by default is 2004-12 (once the rolling window of 60 months is full), after the data's last rebalance month 2003-11"), "\(rolling)")
}

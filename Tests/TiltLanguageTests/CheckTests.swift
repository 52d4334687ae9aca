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
    // An incomplete strategy.
    (synthetic + "maximize mu'f s.t. tev <= 5%\n", "c.tilt:1:1: error: the strategy is incomplete: it needs a `rebalance` statement"),
] as [(String, String)])
func checkRejectsWhatRunRejects(program: String, message: String) {
    let check = checked(program), run = ran(program)
    #expect(check.hasPrefix(message), "check: \(check)")
    #expect(run.hasPrefix(message), "run: \(run)")
}

/// Bounds written with a unit, or plausible without one, pass; a tracking error of exactly 100% is allowed.
@Test func plausibleBoundsPass() {
    for bound in ["tev <= 4%", "tev <= 0.04", "tev <= 1", "tev <= 400%", "turnover <= 2", "risk <= 0.0003", "risk <= 1"] {
        #expect(checked(synthetic + "maximize mu'f s.t. \(bound)" + schedule).isEmpty, "\(bound)")
    }
    #expect(checked(synthetic + "tev in 1% to 10% by 1%\nmaximize mu'f s.t. tev <= 5%" + schedule).isEmpty)
}

/// Values only the run knows (a `let`) are checked when the program runs, at the same place.
@Test func boundsFromTheProgramsValuesAreCheckedWhenItRuns() {
    let program = synthetic + "let budget = 4\nmaximize mu'f s.t. tev <= budget" + schedule
    #expect(checked(program).isEmpty)
    #expect(ran(program).hasPrefix("c.tilt:3:27: error: `tev <= 4` allows 400% annualised tracking error"), "\(ran(program))")
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

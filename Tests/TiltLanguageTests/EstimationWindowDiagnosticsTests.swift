import Foundation
import Testing
import TiltBacktest
import TiltData
import TiltLanguage
import TiltSyntax
import TiltTestSupport

/// A wide panel of four assets A…D over 2000-01…2003-06 with caps, and a three-factor file (mktrf, smb,
/// hml and rf); `blank` months have an empty row (`2001-05,,,,`). Returns and factors are drawn from sines
/// of different frequencies, so that every window's regression is well posed.
private func files(blank: Set<String> = []) -> [String: String] {
    let names = ["A", "B", "C", "D"]
    let months = (0..<42).map { String(format: "%04d-%02d", 2000 + $0 / 12, $0 % 12 + 1) }
    var returns = "month," + names.joined(separator: ",") + "\n"
    var caps = returns
    for (t, m) in months.enumerated() {
        let cells = names.indices.map { i in blank.contains(m) ? "" : String(0.01 * sin(Double(t) * (0.5 + 0.3 * Double(i))) + 0.002 * Double(i + 1)) }
        returns += m + "," + cells.joined(separator: ",") + "\n"
        caps += m + "," + names.indices.map { String(100 * ($0 + 1)) }.joined(separator: ",") + "\n"
    }
    let factors = "month,mktrf,smb,hml,rf\n" + months.enumerated().map { t, m in
        "\(m),\(0.02 * cos(Double(t) * 1.1)),\(0.01 * sin(Double(t) * 0.37)),\(0.015 * cos(Double(t) * 2.3 + 1)),0.001"
    }.joined(separator: "\n") + "\n"
    return ["r.csv": returns, "c.csv": caps, "f.csv": factors]
}

private final class Collected: @unchecked Sendable { var notes: [String] = []; var output = ""; var results = 0 }

/// A session in a scratch folder holding `files`, collecting notes, output and how many results.
private func session(_ files: [String: String]) throws -> (Session, Collected) {
    let directory = try scratchFolder()
    for (name, text) in files { try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8) }
    let collected = Collected()
    let session = Session(locations: DataLocations(programDirectory: directory.path), output: { collected.output += $0 })
    session.strategyResults = { collected.results += $0.count }
    session.notes = { collected.notes.append($0) }
    return (session, collected)
}

private func program(model: String = "", rebalance: String, sweep: String = "") -> String {
    """
    universe returns("r.csv", caps: "c.csv")
    factors "f.csv"
    \(model.isEmpty ? "benchmark mktcap" : model)
    \(sweep.isEmpty ? "costs 0" : sweep)
    maximize mu'f s.t. tev <= 5%
    rebalance \(rebalance)
    """
}

/// The diagnostics as `tilt` prints them, with the scratch folder's path of a data file left out
/// (`/tmp/…/r.csv` → `r.csv`).
private func rendered(_ file: SourceFile, _ diagnostics: [Diagnostic]) -> String {
    local(DiagnosticList(file: file, diagnostics: diagnostics).rendered())
}

private func local(_ text: String) -> String {
    text.replacingOccurrences(of: #"/[^\s:]*/(r\.csv)"#, with: "$1", options: .regularExpression)
}

// MARK: A month without any return

/// 2001-05 is an empty row; it is no rebalance month (quarterly from 2002-03), yet it lies in the expanding
/// window of every rebalance, so no asset has a complete window at the first one. The error is located at
/// the returns file's row for 2001-05 (header line 1, 2000-01 on line 2: 2001-05 is month 17, line 18),
/// shown at the universe's file name, with the row's text and a hint.
@Test func anEmptyMonthRowIsNamedWithItsFileAndLine() throws {
    let (session, _) = try session(files(blank: ["2001-05"]))
    let file = SourceFile(name: "s.tilt", text: program(rebalance: "quarterly from 2002-03 to 2002-12"))
    let diagnostics = session.run(file)
    let diagnostic = try #require(diagnostics.first)
    #expect(diagnostics.count == 1)
    let line = 1 + (2001 - 2000) * 12 + 5 // the header, then one line per month through 2001-05
    #expect(line == 18)
    #expect(local(diagnostic.message) == "r.csv:\(line):1: at the rebalance of 2002-03, no asset has a complete estimation window (2000-01…2002-03): the month 2001-05 has no returns (every cell of its row is blank)",
            "\(diagnostic.message)")
    // At the universe's file name (line 1, column 18: `universe returns(` is 17 characters).
    let text = rendered(file, diagnostics)
    #expect(text.hasPrefix("s.tilt:1:18: error: r.csv:18:1: "), "\(text)")
    #expect(diagnostic.note?.contains("2001-05,,,,") == true, "\(diagnostic.note ?? "")")
    let hint = try #require(diagnostic.hint)
    #expect(hint == "the estimates ask for every month of the window: give that month returns in r.csv (a blank cell is a missing return), or let them skip missing months: `model ols(window: rolling 60, min: 36)`", "\(hint)")
    #expect(!text.contains("maximize"), "not at the objective: \(text)")
}

/// Two empty months in the window: the first is located, both are named.
@Test func severalEmptyMonthsAreAllNamed() throws {
    let (session, _) = try session(files(blank: ["2001-05", "2001-11"]))
    let file = SourceFile(name: "s.tilt", text: program(rebalance: "quarterly from 2002-03 to 2002-12"))
    let diagnostic = try #require(session.run(file).first)
    #expect(local(diagnostic.message).hasPrefix("r.csv:18:1: "), "\(diagnostic.message)")
    #expect(diagnostic.message.hasSuffix("the month 2001-05 has no returns (every cell of its row is blank); months without any return in that window: 2001-05, 2001-11"),
            "\(diagnostic.message)")
}

/// An empty month that no window holds (a rolling window of 12 months ending 2002-06 or later starts after
/// 2001-05) changes nothing: the run succeeds.
@Test func anEmptyMonthOutsideEveryWindowIsNoError() throws {
    let (session, collected) = try session(files(blank: ["2001-05"]))
    let file = SourceFile(name: "s.tilt", text: program(model: "model ols(window: rolling 12)", rebalance: "quarterly from 2002-06 to 2002-12"))
    let diagnostics = session.run(file)
    #expect(diagnostics.isEmpty, "\(rendered(file, diagnostics))")
    #expect(collected.results == 1)
}

// MARK: A rolling window too short for the model

/// With the synthetic market its six factors are known before any file is read: `tilt check` refuses
/// `rolling 7` (6 factors + the intercept = 7 coefficients, and one month more: 8) at the `model` statement.
@Test func checkRefusesARollingWindowShorterThanTheKnownFactorsNeed() {
    let text = "universe synthetic(stocks: 20, seed: 1, from: 2000-01, to: 2006-12)\nmodel ols(window: rolling 7)\nmaximize mu'f s.t. tev <= 5%\nrebalance monthly from 2006-01 to 2006-03\n"
    let file = SourceFile(name: "c.tilt", text: text)
    let diagnostics = Session.check(file).diagnostics
    let k = RegimeCalibration.study.factorNames.count
    #expect(k == 6)
    let shown = rendered(file, diagnostics)
    #expect(shown.hasPrefix("c.tilt:2:7: error: the window `rolling 7` is too short for the model: 6 factor(s) (mktrf, smb, hml, rmw, cma, umd) and the intercept are 7 coefficients per asset, and a month more than that is needed to leave a residual variance, so at least 8 months"),
            "\(shown)")
    #expect(diagnostics.first?.hint?.contains("`rolling \(k + 2)` at the least") == true)
    // `rolling 8` is enough.
    let enough = SourceFile(name: "c.tilt", text: text.replacingOccurrences(of: "rolling 7", with: "rolling 8"))
    #expect(Session.check(enough).diagnostics.isEmpty)
}

/// With a factor file the factors are known only when it is read: `check` passes `rolling 3` and refuses
/// only a window too short for any model (`rolling 2`: one factor and the intercept need 3 months).
@Test func checkRefusesOnlyWhatNoFactorFileCouldMend() {
    let three = SourceFile(name: "c.tilt", text: program(model: "model ols(window: rolling 3)", rebalance: "monthly from 2001-01 to 2001-06"))
    #expect(Session.check(three).diagnostics.isEmpty)
    let two = SourceFile(name: "c.tilt", text: program(model: "model ols(window: rolling 2)", rebalance: "monthly from 2001-01 to 2001-06"))
    let shown = rendered(two, Session.check(two).diagnostics)
    #expect(shown.hasPrefix("c.tilt:3:7: error: the window `rolling 2` is too short for any factor model: even 1 factor and the intercept (2 coefficients per asset) need 3 months"), "\(shown)")
}

/// The run reads the factor file (3 factors): `rolling 3` is refused at the `model` statement before any
/// estimate, saying why, with the smallest window that works (3 + 2 = 5); `rolling 5` runs.
@Test func runRefusesATooShortRollingWindowAtTheModelStatement() throws {
    let (session, collected) = try session(files())
    let file = SourceFile(name: "s.tilt", text: program(model: "model ols(window: rolling 3)", rebalance: "monthly from 2001-01 to 2001-06"))
    let diagnostics = session.run(file)
    let shown = rendered(file, diagnostics)
    #expect(shown.hasPrefix("s.tilt:3:7: error: the window `rolling 3` is too short for the model: 3 factor(s) (mktrf, smb, hml) and the intercept are 4 coefficients per asset, and a month more than that is needed to leave a residual variance, so at least 5 months"),
            "\(shown)")
    #expect(diagnostics.first?.hint == "a rolling window needs more months than regressors (3 factors + 1 for the intercept) and one to spare: `rolling 5` at the least; `rolling 60` is usual")
    #expect(collected.results == 0)
    let five = SourceFile(name: "s.tilt", text: program(model: "model ols(window: rolling 5)", rebalance: "monthly from 2001-01 to 2001-06"))
    let ran = session.run(five)
    #expect(ran.isEmpty, "\(rendered(five, ran))")
}

/// In `model in […]` the error is at the entry whose window is too short.
@Test func aSweptModelsTooShortWindowIsAtItsEntry() throws {
    let (session, _) = try session(files())
    let text = program(rebalance: "monthly from 2001-01 to 2001-06", sweep: "model in [ols(window: rolling 12), ols(window: rolling 4)]")
    let file = SourceFile(name: "s.tilt", text: text)
    let shown = rendered(file, session.run(file))
    // Line 4: `model in [ols(window: rolling 12), ` is 35 characters, so the second entry is at column 36.
    #expect(shown.hasPrefix("s.tilt:4:36: error: with ols(window: rolling 4), the window `rolling 4` is too short for the model"), "\(shown)")
}

// MARK: Few degrees of freedom at the first rebalances

/// Data from 2000-01, monthly rebalances from 2000-06: the first window holds 6 months (2000-01…2000-06)
/// for 4 coefficients (3 factors + intercept), 2 degrees of freedom; 2000-07's holds 7; 2000-08's holds
/// 8 = 2 × 4, enough. One note, once, however many backtests the sweep has.
@Test func theFirstRebalancesWithFewDegreesOfFreedomAreNotedOnce() throws {
    let (session, collected) = try session(files())
    let file = SourceFile(name: "s.tilt", text: program(rebalance: "monthly from 2000-06 to 2000-12", sweep: "tev in [4%, 5%]"))
    let diagnostics = session.run(file)
    #expect(diagnostics.isEmpty, "\(rendered(file, diagnostics))")
    let k = 3, coefficients = k + 1, months = 6 // 2000-01…2000-06
    let note = "the first rebalance (with tev = 4%), 2000-06, estimates \(coefficients) coefficients per asset (\(k) factor(s) and the intercept) from \(months) month(s) (2000-01…2000-06), leaving \(months - coefficients) degree(s) of freedom for each residual variance; the 2 rebalances through 2000-07 estimate from fewer than \(2 * coefficients) months (2 × \(coefficients) coefficients), so their loadings and risks are noisy; from 2000-08 the window holds 8 months — to start there, `rebalance … from 2000-08`, or give the model more history"
    #expect(collected.notes.filter { $0.contains("degree(s) of freedom") } == [note], "\(collected.notes)")
}

/// From 2000-08 the first window holds 8 months = 2 × (3 + 1): no note.
@Test func enoughMonthsAtTheFirstRebalanceIsNoNote() throws {
    let (session, collected) = try session(files())
    let file = SourceFile(name: "s.tilt", text: program(rebalance: "monthly from 2000-08 to 2000-12"))
    let diagnostics = session.run(file)
    #expect(diagnostics.isEmpty, "\(rendered(file, diagnostics))")
    #expect(!collected.notes.contains { $0.contains("degree(s) of freedom") }, "\(collected.notes)")
}

// MARK: Explaining a month that is no rebalance

/// Quarterly from 2001-03: 2001-03, 2001-06, 2001-09, 2001-12. 2001-08 is none of them: the explanation
/// says so, with the rebalances either side; 2001-09 is one: no note.
@Test func explainingAMonthOffTheScheduleSaysSo() throws {
    let (session, collected) = try session(files())
    let file = SourceFile(name: "s.tilt", text: program(rebalance: "quarterly from 2001-03 to 2001-12"))
    let diagnostics = session.explain(file, month: Month(2001, 8))
    #expect(diagnostics.isEmpty, "\(rendered(file, diagnostics))")
    let note = "note: 2001-08 is not a rebalance month of this strategy (quarterly: …2001-06, 2001-09…); explained as if it were"
    #expect(collected.output.contains("the strategy's problem at 2001-08:\n  " + note + "\n"), "\(collected.output)")
    collected.output = ""
    #expect(session.explain(file, month: Month(2001, 9)).isEmpty)
    #expect(collected.output.contains("the strategy's problem at 2001-09:") && !collected.output.contains("not a rebalance month"), "\(collected.output)")
    // As JSON too.
    collected.output = ""
    #expect(session.explain(file, month: Month(2001, 8), json: true).isEmpty)
    #expect(collected.output.contains("2001-08 is not a rebalance month of this strategy"), "\(collected.output)")
}

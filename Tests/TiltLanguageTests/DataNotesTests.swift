import Foundation
import Testing
import TiltBacktest
import TiltData
import TiltLanguage
import TiltReport
import TiltSyntax
import TiltTestSupport

/// A wide panel of five assets A…E, 2000-01…2003-06, with caps 100…500 and a one-factor file: D's returns
/// stop after 2003-01 (no delisting information), E has one blank month (2001-05). Returns are drawn from sines.
private func panelFiles(benchmarkWeights: String? = nil) -> [String: String] {
    let names = ["A", "B", "C", "D", "E"]
    let months = (0..<42).map { String(format: "%04d-%02d", 2000 + $0 / 12, $0 % 12 + 1) }
    var returns = "month," + names.joined(separator: ",") + "\n"
    var caps = "month," + names.joined(separator: ",") + "\n"
    for (t, m) in months.enumerated() {
        let cells = names.indices.map { i -> String in
            if names[i] == "D" && m >= "2003-02" { return "" }
            if names[i] == "E" && m == "2001-05" { return "" }
            return String(0.01 * sin(Double(t) * 0.7 + Double(i)) + 0.002 * Double(i + 1))
        }
        returns += m + "," + cells.joined(separator: ",") + "\n"
        caps += m + "," + names.indices.map { String(100 * ($0 + 1)) }.joined(separator: ",") + "\n"
    }
    let factors = "month,mktrf,rf\n" + months.enumerated().map { "\($1),\(0.02 * cos(Double($0) * 1.1)),0.001" }.joined(separator: "\n") + "\n"
    var files = ["r.csv": returns, "c.csv": caps, "f.csv": factors]
    if let benchmarkWeights { files["bw.csv"] = benchmarkWeights }
    return files
}

/// A session in a scratch folder holding `files`, collecting results and notes.
private final class Collected: @unchecked Sendable { var results: [BacktestResult] = []; var notes: [String] = [] }
private func session(_ files: [String: String]) throws -> (Session, Collected, URL) {
    let directory = try scratchFolder()
    for (name, text) in files { try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8) }
    let collected = Collected()
    let session = Session(locations: DataLocations(programDirectory: directory.path), output: { _ in })
    session.strategyResults = { collected.results += $0 }
    session.notes = { collected.notes.append($0) }
    return (session, collected, directory)
}

private let program = """
universe returns("r.csv", caps: "c.csv")
factors "f.csv"
benchmark BENCH
minimize w'w
rebalance monthly from 2003-01 to 2003-03
"""

/// D, held from the rebalance of 2003-01 (1/4 of the portfolio: `minimize w'w` holds A…D equally; caps
/// 400 of A…D's 1000 in the benchmark), has no return in 2003-02: one unpriced exit, named with its weights.
/// E misses one month of its expanding window, so the window rule leaves it out of all three rebalances;
/// both are said once, as notes, beside the others, and the results are those of the rule.
@Test func aHoldingLeftUnpricedAndAnAssetTheWindowRuleLeavesOutAreNoted() throws {
    let (session, collected, _) = try session(panelFiles())
    let file = SourceFile(name: "s.tilt", text: program.replacingOccurrences(of: "BENCH", with: "mktcap"))
    let diagnostics = session.run(file)
    #expect(diagnostics.isEmpty, "\(DiagnosticList(file: file, diagnostics: diagnostics).rendered())")
    let result = try #require(collected.results.first)
    // Independently: the assets held, by the rule (E out every time; D has no return at 2003-02 and after).
    #expect(result.rebalances.map(\.assets) == [["A", "B", "C", "D"], ["A", "B", "C"], ["A", "B", "C"]])
    let heldD = 1.0 / 4, benchmarkD = 400.0 / (100 + 200 + 300 + 400)
    #expect(abs(result.rebalances[0].weights[3] - heldD) < 1e-6 && abs(result.rebalances[0].benchmarkWeights[3] - benchmarkD) < 1e-12)
    let unpriced = "1 held position had no return and no delisting return in a month, so it earned 0 then and its weight was held "
        + "as cash until the next rebalance (Docs/conventions.md): D in 2003-02 (portfolio "
        + String(format: "%.1f%%", heldD * 100) + ", benchmark " + String(format: "%.1f%%", benchmarkD * 100) + ")"
    #expect(unpriced.contains("(portfolio 25.0%, benchmark 40.0%)"))
    let window = "1 of 5 assets of the universe was left out of rebalances for too few returns in the estimation window "
        + "(an asset needs a return in every month of it, or in `min: K` of them; Docs/conventions.md): E at all 3 rebalances"
    #expect(collected.notes.contains(unpriced), "\(collected.notes)")
    #expect(collected.notes.contains(window), "\(collected.notes)")
    #expect(collected.notes.filter { $0.contains("left out") || $0.contains("no delisting return") }.count == 2)
    #expect(DataNotes.notes(result) == [unpriced, window])
    // The run's report says the same: report.md, report.html and run.json's dataNotes.
    let provenance = Provenance(program: .init(path: "s.tilt", text: String(decoding: file.bytes, as: UTF8.self)), tilt: .init(version: "0", commit: nil, modified: nil),
                                dataFiles: [], runDate: "2026-01-01T00:00:00Z", wallTimeSeconds: 1)
    let files = Dictionary(uniqueKeysWithValues: try ReportWriter.files(results: collected.results, title: "t", provenance: provenance, folder: "out"))
    let markdown = try #require(files["report.md"]), html = try #require(files["report.html"]), json = try #require(files["run.json"])
    #expect(markdown.contains("> **Data note:** \(unpriced)\n") && markdown.contains("> **Data note:** \(window)\n"))
    #expect(html.contains(XMLText.escape(unpriced)) && html.contains(XMLText.escape(window)))
    let decoded = try JSONDecoder().decode(Provenance.self, from: Data(json.utf8))
    #expect(decoded.dataNotes == [unpriced, window])
}

/// With `benchmark read("bw.csv")`, E's weight is renormalised over the other eligible assets at every
/// rebalance: 40 of A…E's 125 at 2003-01 (D 25 then eligible), 40 of A, B, C, E's 100 once D has no
/// return; the note gives that range, and the benchmark weights are the renormalised ones.
@Test func theBenchmarkShareTheWindowRuleRenormalisesAwayIsNoted() throws {
    let weights: [String: Double] = ["A": 10, "B": 20, "C": 30, "D": 25, "E": 40]
    let csv = "asset,weight\n" + weights.keys.sorted().map { "\($0),\(Int(weights[$0]!))" }.joined(separator: "\n") + "\n"
    let (session, collected, directory) = try session(panelFiles(benchmarkWeights: csv))
    let file = SourceFile(name: "s.tilt", text: program.replacingOccurrences(of: "BENCH", with: "read(\"bw.csv\")"))
    let diagnostics = session.run(file)
    #expect(diagnostics.isEmpty, "\(DiagnosticList(file: file, diagnostics: diagnostics).rendered())")
    let result = try #require(collected.results.first)
    let first = weights["E"]! / weights.values.reduce(0, +)
    let later = weights["E"]! / (weights["A"]! + weights["B"]! + weights["C"]! + weights["E"]!)
    // The renormalisation the note describes: A's weight at 2003-01 is 10 of the 85 left.
    #expect(abs(result.rebalances[0].benchmarkWeights[0] - 10.0 / 85) < 1e-12)
    let exclusions = try #require(result.windowExclusions)
    #expect(exclusions.rebalances.map(\.assets) == [["E"], ["E"], ["E"]])
    #expect(zip(exclusions.rebalances.compactMap(\.benchmarkShare), [first, later, later]).allSatisfy { abs($0 - $1) < 1e-12 })
    let path = try #require(exclusions.benchmarkFile)
    #expect(URL(fileURLWithPath: path).lastPathComponent == "bw.csv")
    let window = "1 of 5 assets of the universe was left out of rebalances for too few returns in the estimation window "
        + "(an asset needs a return in every month of it, or in `min: K` of them; Docs/conventions.md): E at all 3 rebalances; "
        + "they carried " + String(format: "%.1f%%", first * 100) + "–" + String(format: "%.1f%%", later * 100)
        + " of the benchmark's weight in \(path), renormalised over the other assets at 3 of the 3 rebalances"
    #expect(window.contains("32.0%–40.0%"))
    #expect(collected.notes.contains(window), "\(collected.notes)")

    // `tilt explain` at one month says the same of that month.
    let explaining = Session(locations: DataLocations(programDirectory: directory.path), output: { _ in })
    final class Notes: @unchecked Sendable { var texts: [String] = [] }
    let explained = Notes()
    explaining.notes = { explained.texts.append($0) }
    let errors = explaining.explain(file, month: Month(2003, 2))
    #expect(errors.isEmpty, "\(errors)")
    let month = "at the rebalance of 2003-02, 1 of 5 assets of the universe was left out for too few returns in the estimation "
        + "window (an asset needs a return in every month of it, or in `min: K` of them; Docs/conventions.md): E; they carried "
        + String(format: "%.1f%%", later * 100) + " of the benchmark's weight in \(path), renormalised over the other assets"
    #expect(explained.texts.contains(month), "\(explained.texts)")
}

/// Several results of one run (a sweep) that meet the same data give each note once; a note that differs
/// is said for its result by name.
@Test func aSweepsNotesAreSaidOnce() {
    func result(_ name: String, weight: Double) -> BacktestResult {
        var r = BacktestResult(name: name, months: [], portfolioReturns: [], benchmarkReturns: [], costs: [], riskFree: nil,
                               rebalances: [], crises: [])
        r.unpricedExits = [UnpricedExit(month: Month(2003, 2), asset: "D", portfolioWeight: weight, benchmarkWeight: 0.4)]
        return r
    }
    let same = DataNotes.notes([result("tev = 2%", weight: 0.25), result("tev = 4%", weight: 0.25)])
    #expect(same.count == 1 && same[0].hasSuffix("D in 2003-02 (portfolio 25.0%, benchmark 40.0%)"))
    let different = DataNotes.notes([result("tev = 2%", weight: 0.25), result("tev = 4%", weight: 0.1)])
    #expect(different.count == 2 && different[0].hasPrefix("tev = 2%: 1 held position") && different[1].hasSuffix("(portfolio 10.0%, benchmark 40.0%)"))
}

/// More assets left out than the note lists: the count shared by the listed ones is theirs ("each at"), not
/// said of the ones past the list, which may differ; with every asset listed, "at" is said of them all.
@Test func aWindowNoteSaysWhoseCountItGives() throws {
    let assets = (1...7).map { "S\($0)" }
    // S1…S5 at both rebalances; S6 and S7 only at the second.
    let exclusions = WindowExclusions(universeCount: 20, benchmarkFile: nil, rebalances: [
        WindowExclusion(month: Month(2003, 1), assets: Array(assets.prefix(5)), benchmarkShare: nil),
        WindowExclusion(month: Month(2003, 2), assets: assets, benchmarkShare: nil),
    ])
    let note = try #require(DataNotes.window(exclusions, rebalances: 2))
    #expect(note.hasPrefix("7 of 20 assets of the universe were left out of rebalances for too few returns"))
    #expect(note.hasSuffix(": S1, S2, S3, S4, S5 (each at all 2 rebalances) and 2 more"), "\(note)")
    let few = WindowExclusions(universeCount: 20, benchmarkFile: nil, rebalances: [
        WindowExclusion(month: Month(2003, 1), assets: ["S1", "S2"], benchmarkShare: nil),
    ])
    let all = try #require(DataNotes.window(few, rebalances: 2))
    #expect(all.hasSuffix(": S1, S2 at 1 of the 2 rebalances"), "\(all)")
}

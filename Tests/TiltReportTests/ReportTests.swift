import Foundation
import Testing
import TiltBacktest
import TiltData
@testable import TiltReport
import TiltTestSupport

@Suite struct ReportWriterTests {
    let sweep = [sampleResult(name: "tev = 2%", seed: 1, tilt: 0.5), sampleResult(name: "tev = 4%", seed: 2),
                 sampleResult(name: "tev = 6%", seed: 3, tilt: 1.5)]

    /// Writes the report of a three-result sweep; with TILT_REPORT_PREVIEW_DIR set it goes there (to open
    /// or render it by hand), else to a temporary folder.
    func writeSweep() throws -> URL {
        let folder = try ProcessInfo.processInfo.environment["TILT_REPORT_PREVIEW_DIR"].map { URL(fileURLWithPath: $0) }
            ?? scratchFolder()
        try ReportWriter.write(results: sweep, to: folder, title: "Sweep of the tracking-error budget")
        return folder
    }

    @Test func writesEveryFile() throws {
        let folder = try writeSweep()
        for name in ReportWriter.fileNames {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path))
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }

    /// Reads a CSV written by the report (no quoted field contains a comma in these samples).
    func rows(_ name: String, in folder: URL) throws -> [[String]] {
        let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
        return text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test func returnsCSVIsTidy() throws {
        let rows = try rows("returns.csv", in: try writeSweep())
        #expect(rows[0] == ["result", "month", "portfolio", "benchmark", "active", "rf"])
        let expected = sweep.flatMap { r in
            r.months.indices.map { t in
                [r.name, r.months[t].description, "\(r.portfolioReturns[t])", "\(r.benchmarkReturns[t])",
                 "\(r.portfolioReturns[t] - r.benchmarkReturns[t])", "\(r.riskFree?[t] ?? .nan)"]
            }
        }
        #expect(Array(rows.dropFirst()) == expected)
    }

    /// One row per rebalance and asset held by the portfolio or the benchmark: an asset out of both is left out.
    @Test func weightsCSVKeepsRowsWithAWeight() throws {
        var result = sweep[0]
        result.rebalances[0].weights[2] = 0
        result.rebalances[0].benchmarkWeights[2] = 0
        result.rebalances[1].weights[3] = 0          // still in the benchmark: kept
        let folder = try scratchFolder()
        try ReportWriter.write(results: [result], to: folder, title: "t")
        let rows = try rows("weights.csv", in: folder)
        #expect(rows[0] == ["result", "month", "asset", "weight", "benchmark_weight", "sector"])
        let expected = result.rebalances.flatMap { r in
            r.assets.indices.filter { r.weights[$0] != 0 || r.benchmarkWeights[$0] != 0 }.map { i in
                [result.name, r.month.description, r.assets[i], ValueFormat.csv(r.weights[i]), "\(r.benchmarkWeights[i])", r.sectors?[i] ?? ""]
            }
        }
        #expect(Array(rows.dropFirst()) == expected)
        #expect(rows.count == 1 + result.rebalances.count * 6 - 1)
        #expect(rows.contains([result.name, result.rebalances[1].month.description, "Gas", "0.0", "\(1.0 / 6)", "Energy"]))
    }

    /// Zero is written as 0 whatever its sign: weights.csv of a real backtest had 1,747 rows of "-0.0".
    @Test func csvWritesNegativeZeroAsZero() {
        #expect(ValueFormat.csv(-0.0) == "0.0")
        #expect(ValueFormat.csv(-1e-300) == "-1e-300")
        var result = sweep[0]
        result.rebalances[0].weights[0] = -0.0
        result.rebalances[0].benchmarkWeights[1] = -0.0
        result.portfolioReturns[0] = -0.0
        result.benchmarkReturns[0] = -0.0
        for csv in [TidyCSV.weights([result]), TidyCSV.returns([result]), TidyCSV.contributions([result]), TidyCSV.exposures([result])] {
            #expect(!csv.contains("-0.0,") && !csv.contains("-0.0\n"), "\(csv.prefix(300))")
        }
    }

    /// Ex-ante risk in long form: per rebalance one row per factor and one for specific risk; the variance
    /// contributions add up to the ex-ante variance and the TE contributions to the ex-ante tracking error.
    @Test func contributionsCSVIsTidy() throws {
        let rows = try rows("contributions.csv", in: try writeSweep())
        #expect(rows[0] == ["result", "month", "source", "variance_contribution", "te_contribution"])
        #expect(rows.count == 1 + sweep.map(\.rebalances.count).reduce(0, +) * 4)
        let first = sweep[0].rebalances[1]
        let block = rows.filter { $0[0] == sweep[0].name && $0[1] == first.month.description }
        #expect(block.map { $0[2] } == ["mkt", "smb", "hml", "specific"])
        #expect(block.compactMap { Double($0[3]) } == first.factorRiskContributions + [first.specificRiskContribution])
        #expect(abs(block.compactMap { Double($0[4]) }.reduce(0, +) - first.exAnteTrackingError) < 1e-15)
    }

    @Test func exposuresCSVIsTidy() throws {
        let rows = try rows("exposures.csv", in: try writeSweep())
        #expect(rows[0] == ["result", "month", "factor", "active_exposure"])
        let r = sweep[2].rebalances[5]
        let block = rows.filter { $0[0] == sweep[2].name && $0[1] == r.month.description }
        #expect(block.map { $0[2] } == r.factorNames && block.compactMap { Double($0[3]) } == r.activeExposures)
    }

    /// Each month's rows of one attribution add up to its net active return; the linked column adds up,
    /// over all months, to R_P − R_B.
    @Test func attributionCSVAddsUp() throws {
        let rows = try rows("attribution.csv", in: try writeSweep())
        #expect(rows[0] == ["result", "month", "attribution", "effect", "segment", "contribution", "linked"])
        let result = sweep[1]
        for method in ["factor", "brinson_fachler"] {
            let mine = rows.filter { $0[0] == result.name && $0[2] == method }
            for (t, month) in result.months.enumerated() {
                let total = mine.filter { $0[1] == month.description }.compactMap { Double($0[5]) }.reduce(0, +)
                #expect(abs(total - result.activeReturns[t]) < 1e-14, "\(method) \(month)")
            }
            let linked = mine.compactMap { Double($0[6]) }.reduce(0, +)
            let compounded = SeriesStatistics.compoundedReturn(result.portfolioReturns) - SeriesStatistics.compoundedReturn(result.benchmarkReturns)
            #expect(abs(linked - compounded) < 1e-12, "\(method)")
        }
        #expect(rows.contains { $0[2] == "factor" && $0[3] == "factor" && $0[4] == "smb" })
        #expect(rows.contains { $0[2] == "brinson_fachler" && $0[3] == "selection" && $0[4] == "Energy" })
        #expect(rows.contains { $0[3] == "costs" && $0[4] == "" })
    }

    @Test func csvFieldsWithCommasAreQuoted() {
        #expect(CSVText.quote("tev = 2%, long only") == "\"tev = 2%, long only\"")
        #expect(CSVText.quote("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVText.quote("plain") == "plain")
    }

    @Test func htmlIsSelfContained() throws {
        let html = try String(contentsOf: try writeSweep().appendingPathComponent("report.html"), encoding: .utf8)
        #expect(!html.contains("<script") && !html.contains("href=") && !html.contains("src="))
        #expect(html.components(separatedBy: "</svg>").count == html.components(separatedBy: "<svg ").count)
        #expect(html.contains("GFC"))
    }

    /// A sweep opens with its table and frontier, then shows one result at a time: every result's charts
    /// are in its own panel (selected by a radio button), none is drawn for several results at once.
    @Test func sweepReportShowsTheFamilyFirstThenOneResultAtATime() throws {
        let html = try String(contentsOf: try writeSweep().appendingPathComponent("report.html"), encoding: .utf8)
        let family = try #require(html.range(of: "The sweep at a glance"))
        let frontier = try #require(html.range(of: "Frontier: realised risk and return"))
        let firstPanel = try #require(html.range(of: "<div class=\"panel\" id=\"panel0\">"))
        #expect(family.lowerBound < frontier.lowerBound && frontier.lowerBound < firstPanel.lowerBound)
        #expect(html.contains("Ex-ante and realised tracking error") && html.contains("Information ratio by tev"))
        #expect(html.components(separatedBy: "class=\"pick\"").count - 1 == sweep.count)
        #expect(html.contains("#pick2:checked ~ #panel2 { display: block; }"))
        let perResult = ["Cumulative active return", "Active drawdown (underwater)", "Rolling 36-month tracking error",
                         "Rolling 36-month information ratio", "Rolling 36-month beta to the benchmark", "Active exposures at each rebalance",
                         "Active sector weights", "Factor attribution: cumulated (Carino-linked)", "Brinson–Fachler attribution: per month",
                         "Ex-ante tracking error by source", "Monthly active returns"]
        for title in perResult {
            #expect(html.components(separatedBy: title).count - 1 >= sweep.count, "\(title)")
        }
        let panels = html.components(separatedBy: "<div class=\"panel\" id=").dropFirst()
        #expect(panels.count == sweep.count)
        #expect(panels.allSatisfy { $0.components(separatedBy: "<title>Cumulative active return").count - 1 == 1 })
        #expect(html.contains("@media print"))
        // Metrics carry their definitions as tooltips and in the Definitions section.
        #expect(html.contains("title=\"Deepest fall of wealth") && html.contains("<h2>Definitions</h2>"))
        #expect(html.contains("<dt>P. DD, B. DD</dt>"))
    }

    /// Lines take the Okabe–Ito colours and are labelled at their ends (no legend to match colours against).
    @Test func linesAreColourBlindSafeAndLabelledDirectly() {
        let months = (0..<24).map { Month(2020, 1) + $0 }
        let chart = SVGChart(title: "t", style: .lines, valueAxis: .percent,
                             series: ["first", "second"].map { ChartSeries(name: $0, months: months, values: months.map { _ in 0.01 }) })
        let svg = chart.svg()
        #expect(svg.contains("stroke=\"#0072B2\"") && svg.contains("stroke=\"#D55E00\""))
        #expect(svg.contains("fill=\"#0072B2\">first</text>") && svg.contains("fill=\"#D55E00\">second</text>"))
        #expect(!svg.contains("<rect x=\"52.0\" y=\"24.0\" width=\"11\""))     // no legend swatch
    }

    @Test func htmlTagsBalance() throws {
        let html = try String(contentsOf: try writeSweep().appendingPathComponent("report.html"), encoding: .utf8)
        let problems = TagBalance.check(html)
        #expect(problems.isEmpty, "\(problems.prefix(5))")
    }

    @Test func markdownHasTheTables() throws {
        let md = try String(contentsOf: try writeSweep().appendingPathComponent("report.md"), encoding: .utf8)
        #expect(md.hasPrefix("# Sweep of the tracking-error budget\n"))
        #expect(md.contains("### Sweep of tev: 3 values"))
        #expect(md.contains("## tev = 4%") && md.contains("### Crises: tev = 4%"))
        #expect(md.contains("### Factor attribution: a year, and Carino-linked over each period"))
    }

    @Test func singleResultShowsPortfolioAgainstBenchmark() throws {
        let preview = ProcessInfo.processInfo.environment["TILT_REPORT_PREVIEW_DIR"]
        let folder = try preview.map { URL(fileURLWithPath: $0).appendingPathComponent("single") } ?? scratchFolder()
        try ReportWriter.write(results: [sampleResult(name: "momentum tilt", seed: 9, years: 3)], to: folder, title: "One result")
        let html = try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains(">portfolio</text>") && html.contains(">benchmark</text>"))
        #expect(TagBalance.check(html).isEmpty)
    }

    @Test func unwritableFolderIsAClearError() throws {
        let folder = try scratchFolder()
        let blocker = folder.appendingPathComponent("not-a-folder")
        try Data("x".utf8).write(to: blocker)
        #expect(throws: ReportError.self) {
            try ReportWriter.write(results: sweep, to: blocker.appendingPathComponent("report"), title: "t")
        }
    }

    @Test func failedWriteLeavesNoPartialFile() throws {
        let folder = try scratchFolder()
        // The target is an existing folder: it is refused, nothing is written.
        let target = folder.appendingPathComponent("report.html")
        try FileManager.default.createDirectory(at: target.appendingPathComponent("inside"), withIntermediateDirectories: true)
        #expect(throws: ReportError.self) { try AtomicFile.write("<html/>", to: target) }
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(names == ["report.html"])
        // A read-only folder: nothing can be created in it (skipped when running as root, who may write anyway).
        if getuid() != 0 {
            let readOnly = try scratchFolder()
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: readOnly.path)
            #expect(throws: ReportError.self) { try AtomicFile.write("x", to: readOnly.appendingPathComponent("a.csv")) }
            #expect(try FileManager.default.contentsOfDirectory(atPath: readOnly.path).isEmpty)
        }
    }

    @Test func inconsistentResultIsAnError() {
        var broken = sweep[0]
        broken.costs.removeLast()
        #expect(throws: ReportError.self) { try ReportWriter.write(results: [broken], to: URL(fileURLWithPath: "/tmp/x"), title: "t") }
    }
}

@Suite struct TableAndChartTests {
    @Test func terminalTablesFitIn100Columns() throws {
        let sweep = (1...7).map { sampleResult(name: "tev = \($0)% long name", seed: UInt64($0)) }
        for verbose in [false, true] {
            let text = try ReportTables(sweep).text(width: 100, verbose: verbose)
            let widths = text.split(separator: "\n").map(\.count)
            #expect(widths.max() ?? 0 <= 100)
            #expect(text.contains("7% long name") && text.contains("GFC") && text.contains(verbose ? "Information ratio" : "IR"))
            if ProcessInfo.processInfo.environment["TILT_REPORT_PREVIEW_DIR"] != nil { print(text) }
        }
    }

    @Test func textTableAlignsColumns() {
        let table = Table(title: "T", labelHeader: "", columns: ["a", "bb"],
                          rows: [.section("S"), .values("x", ["1.00%", "2"]), .values("longer", ["10.00%", "n/a"])])
        #expect(table.text() == """
            T
                         a   bb
            ───────────────────
            S
            x        1.00%    2
            longer  10.00%  n/a

            """)
    }

    /// A result whose wealth went below zero (long–short, losing more than everything in a month) prints
    /// n/a for its geometric return and maximum drawdown and in its crisis row, as any undefined metric;
    /// the drawdown's trough is the month wealth went below zero.
    @Test func wealthBelowZeroPrintsNotAvailable() throws {
        let start = Month(2020, 1)
        let result = BacktestResult(name: "ruin", months: (0..<4).map { start + $0 }, portfolioReturns: [0.1, -1.5, -1.2, 0.05],
                                    benchmarkReturns: [0.01, -0.02, 0.01, 0.01], costs: [0, 0, 0, 0], riskFree: nil, rebalances: [],
                                    crises: [CrisisWindow(name: "Crash", from: start, to: start + 2)])
        let text = try ReportTables([result]).text()
        let rows = text.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        #expect(rows.contains("Portfolio") && rows.filter { $0.hasPrefix("Return (geometric)") }.first == "Return (geometric) n/a")
        #expect(rows.filter { $0.hasPrefix("Max drawdown") }.first == "Max drawdown n/a")
        #expect(rows.filter { $0.hasPrefix("peak → trough") }.first == "peak → trough 2020-01 → 2020-02")
        #expect(rows.contains { $0.hasPrefix("Crash 2020-01–2020-03 n/a n/a n/a") }, "\(text)")
    }

    @Test func narrowWidthSplitsColumnsIntoBlocks() {
        let table = Table(title: "T", labelHeader: "k", columns: ["col one", "col two", "col three"],
                          rows: [.values("row", ["1", "2", "3"])])
        let lines = table.text(width: 20).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.allSatisfy { $0.count <= 20 })
        #expect(lines.filter { $0.hasPrefix("row") }.count == 3)
    }

    @Test func niceTicks() {
        let ticks = ChartAxis.niceTicks(-0.31...0.0, label: ChartAxis.percentLabel)
        #expect(ticks.map(\.label) == ["-30%", "-20%", "-10%", "0%"])
        #expect(ChartAxis.logWealthTicks(log(0.9)...log(6)).map(\.label) == ["1", "2", "5"])
        #expect(ChartAxis.monthTicks(Month(2005, 1).ordinal...Month(2022, 12).ordinal).map(\.label).first == "2006")
        #expect(ChartAxis.monthTicks(Month(2020, 1).ordinal...Month(2020, 6).ordinal).map(\.label)
                == ["2020-01", "2020-02", "2020-03", "2020-04", "2020-05", "2020-06"])
    }

    @Test func progressBarLine() {
        let bar = ProgressBar(total: 40, label: "sweep", width: 10, enabled: false)
        #expect(bar.line(completed: 10) == "sweep [##--------] 10/40 25%")
        #expect(bar.line(completed: 99) == "sweep [##########] 40/40 100%")
        bar.update(completed: 5)      // disabled: writes nothing
        bar.finish()
    }
}

/// The program's own crisis windows that no result reaches are named in a note (they were dropped without
/// a word); built-in windows outside the data (1969–2002 here) stay silent, and so does a user window
/// that one result reaches.
@Test func userCrisisWindowsOutsideTheBacktestAreNoted() throws {
    let future = CrisisWindow(name: "Future", from: Month(2030, 1), to: Month(2030, 6))
    let past = CrisisWindow(name: "Past", from: Month(1900, 1), to: Month(1901, 1))
    var early = sampleResult(name: "early", seed: 1, years: 2)
    early.crises += [future, past, CrisisWindow(name: "Late", from: Month(2010, 1), to: Month(2010, 2))]
    var late = sampleResult(name: "late", seed: 2)
    late.crises = early.crises
    let note = "crisis windows outside the backtest (Future 2030-01–2030-06, Past 1900-01–1901-01): not shown"
    let tables = try ReportTables([early, late])
    #expect(tables.notes == [note])
    #expect(tables.text().hasSuffix("\n\(note)\n") && tables.markdown().hasSuffix("\n\(note)\n"))
    let folder = try scratchFolder()
    try ReportWriter.write(results: [early], to: folder, title: "Crises")
    let html = try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
    #expect(html.contains("<p>crisis windows outside the backtest (Future 2030-01–2030-06, Past 1900-01–1901-01, Late 2010-01–2010-02): not shown</p>"))
    #expect(try ReportTables([sampleResult(name: "built-in only", seed: 3)]).notes.isEmpty)
    early.crises = [future]
    #expect(try ReportTables([early]).notes == ["crisis window outside the backtest (Future 2030-01–2030-06): not shown"])
}

@Test func regimeResultsGetProbabilitiesChartAndCSVAndSideBySideCrises() throws {
    var regime = sampleResult(name: "regime", seed: 11)
    for k in regime.rebalances.indices {
        let p = 0.5 + 0.4 * sin(Double(k) / 7)
        regime.rebalances[k].regimeProbabilities = [p, 1 - p]
        regime.rebalances[k].filteredRegimeProbabilities = [1 - p, p]
    }
    let ols = sampleResult(name: "ols", seed: 12)
    let folder = try scratchFolder()
    let written = try ReportWriter.write(results: [regime, ols], to: folder, title: "Regime vs OLS")
    #expect(written.map(\.lastPathComponent) == ReportWriter.fileNames + ["regimes.csv"])
    let csv = try String(contentsOf: folder.appendingPathComponent("regimes.csv"), encoding: .utf8)
    let lines = csv.split(separator: "\n")
    #expect(lines.first == "result,month,regime,forecast,filtered")
    #expect(lines.count == 2 * regime.rebalances.count + 1)
    let first = regime.rebalances[0]
    #expect(lines[1] == "regime,\(first.month),1,0.5,0.5" && lines[2] == "regime,\(first.month),2,0.5,0.5")
    let html = try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
    #expect(html.contains("Regime probabilities (forecast"))
    #expect(html.contains("Holdings and effective number"))
    let tables = try ReportTables([regime, ols])
    let comparison = try #require(tables.crises.first)
    #expect(comparison.title.hasPrefix("Crises side by side"))
    #expect(comparison.columns == ["regime: active", "regime: DD", "regime: rec.", "ols: active", "ols: DD", "ols: rec."])
    // Without a regime model there is no regimes.csv and no Regimes section.
    let plain = try scratchFolder()
    let plainWritten = try ReportWriter.write(results: [ols], to: plain, title: "OLS")
    #expect(plainWritten.map(\.lastPathComponent) == ReportWriter.fileNames)
    #expect(!(try String(contentsOf: plain.appendingPathComponent("report.html"), encoding: .utf8)).contains("Regime probabilities"))
}

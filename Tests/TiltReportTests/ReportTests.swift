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

    @Test func returnsCSVParsesBack() throws {
        let text = try String(contentsOf: try writeSweep().appendingPathComponent("returns.csv"), encoding: .utf8)
        let rows = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows[0] == ["month"] + sweep.flatMap { r in ["portfolio", "benchmark", "active"].map { "\(r.name) \($0)" } })
        #expect(rows.count == sweep[0].months.count + 1)
        for (t, row) in rows.dropFirst().enumerated() {
            #expect(row[0] == sweep[0].months[t].description)
            for (k, r) in sweep.enumerated() {
                let values = row[(1 + 3 * k)...(3 + 3 * k)].compactMap(Double.init)
                #expect(values == [r.portfolioReturns[t], r.benchmarkReturns[t], r.portfolioReturns[t] - r.benchmarkReturns[t]])
            }
        }
    }

    @Test func weightsCSVParsesBack() throws {
        let text = try String(contentsOf: try writeSweep().appendingPathComponent("weights.csv"), encoding: .utf8)
        let rows = text.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        #expect(rows[0] == ["result", "rebalance_month", "asset", "sector", "weight", "benchmark_weight"])
        let expected = sweep.flatMap { result in
            result.rebalances.flatMap { r in
                r.assets.indices.map { i in
                    [result.name, r.month.description, r.assets[i], r.sectors?[i] ?? "", "\(r.weights[i])", "\(r.benchmarkWeights[i])"]
                }
            }
        }
        #expect(Array(rows.dropFirst()) == expected)
        let weights = rows.dropFirst().compactMap { Double($0[4]) }
        #expect(weights.count == expected.count)
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
        for csv in [ReportCSV.weights([result]), ReportCSV.returns([result]), ReportCSV.contributions([result])] {
            #expect(!csv.contains("-0.0,") && !csv.contains("-0.0\n"), "\(csv.prefix(300))")
        }
    }

    @Test func contributionsCSVParsesBack() throws {
        let text = try String(contentsOf: try writeSweep().appendingPathComponent("contributions.csv"), encoding: .utf8)
        let rows = text.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        #expect(rows[0] == ["result", "rebalance_month", "ex_ante_te", "mkt", "smb", "hml", "specific"])
        let first = sweep[0].rebalances[1]
        let row = rows[2]
        #expect(row[0] == sweep[0].name && row[1] == first.month.description)
        #expect(Double(row[2]) == first.exAnteTrackingError)
        #expect(row[3...5].compactMap(Double.init) == first.factorRiskContributions)
        #expect(Double(row[6]) == first.specificRiskContribution)
        #expect(rows.count == 1 + sweep.map(\.rebalances.count).reduce(0, +))
    }

    @Test func csvFieldsWithCommasAreQuoted() {
        #expect(CSVText.quote("tev = 2%, long only") == "\"tev = 2%, long only\"")
        #expect(CSVText.quote("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVText.quote("plain") == "plain")
    }

    @Test func htmlIsSelfContained() throws {
        let html = try String(contentsOf: try writeSweep().appendingPathComponent("report.html"), encoding: .utf8)
        #expect(!html.contains("<script") && !html.contains("href=") && !html.contains("src="))
        #expect(html.components(separatedBy: "<svg ").count - 1 == 2 + 3 + 3 + 1)   // growth, drawdown, 3 sectors, 3 risk, diversification
        #expect(html.components(separatedBy: "</svg>").count == html.components(separatedBy: "<svg ").count)
        #expect(html.contains("GFC"))
    }

    @Test func htmlTagsBalance() throws {
        let html = try String(contentsOf: try writeSweep().appendingPathComponent("report.html"), encoding: .utf8)
        let problems = TagBalance.check(html)
        #expect(problems.isEmpty, "\(problems.prefix(5))")
    }

    @Test func markdownHasTheTables() throws {
        let md = try String(contentsOf: try writeSweep().appendingPathComponent("report.md"), encoding: .utf8)
        #expect(md.hasPrefix("# Sweep of the tracking-error budget\n"))
        #expect(md.contains("|  | tev = 2% | tev = 4% | tev = 6% |"))
        #expect(md.contains("### Crises: tev = 4%"))
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
        let text = try ReportTables(sweep).text(width: 100)
        let widths = text.split(separator: "\n").map(\.count)
        #expect(widths.max() ?? 0 <= 100)
        #expect(text.contains("tev = 7% long name") && text.contains("GFC") && text.contains("Information ratio"))
        if ProcessInfo.processInfo.environment["TILT_REPORT_PREVIEW_DIR"] != nil { print(text) }
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
    #expect(lines.first == "result,rebalance_month,forecast_1,forecast_2,filtered_1,filtered_2")
    #expect(lines.count == regime.rebalances.count + 1)
    let first = regime.rebalances[0]
    #expect(lines[1] == "regime,\(first.month),0.5,0.5,0.5,0.5")
    let html = try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
    #expect(html.contains("<h2>Regimes</h2>") && html.contains("Regime probabilities"))
    #expect(html.contains("Effective number of holdings"))
    let tables = try ReportTables([regime, ols])
    let comparison = try #require(tables.crises.first)
    #expect(comparison.title.hasPrefix("Crises side by side"))
    #expect(comparison.columns == ["regime: active", "regime: DD", "regime: rec.", "ols: active", "ols: DD", "ols: rec."])
    // Without a regime model there is no regimes.csv and no Regimes section.
    let plain = try scratchFolder()
    let plainWritten = try ReportWriter.write(results: [ols], to: plain, title: "OLS")
    #expect(plainWritten.map(\.lastPathComponent) == ReportWriter.fileNames)
    #expect(!(try String(contentsOf: plain.appendingPathComponent("report.html"), encoding: .utf8)).contains("<h2>Regimes</h2>"))
}

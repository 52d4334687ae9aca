import Foundation
import Testing
import TiltBacktest
import TiltData
@testable import TiltReport
import TiltTestSupport

/// A sweep of 19 values reads as a family in the terminal: one row per value and the crises, within 60
/// lines; `verbose` prints every result's tables as before.
@Test func sweepTerminalOutputIsOneRowPerValue() throws {
    let values = ["1", "1.5", "2", "2.5", "3", "3.5", "4", "4.5", "5", "5.5", "6", "6.5", "7", "7.5", "8", "8.5", "9", "9.5", "10"]
    let sweep = values.enumerated().map { i, value in
        sampleResult(name: "tev = \(value)%", seed: UInt64(i + 1), tilt: 0.5 + Double(i) / 10)
    }
    let tables = try ReportTables(sweep)
    let text = tables.text()
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.count <= 60, "\(lines.count) lines")
    #expect(lines.allSatisfy { $0.count <= 100 })
    #expect(text.hasPrefix("Sweep of tev: 19 values, 2005-01–2022-12"))
    #expect(lines.contains { $0.hasPrefix("1%  ") } && lines.contains { $0.hasPrefix("10%  ") })
    // These samples have different benchmarks, so no benchmark row; with one benchmark there is one.
    #expect(!lines.contains { $0.hasPrefix("benchmark") })
    var shared = sweep
    for i in shared.indices { shared[i].benchmarkReturns = sweep[0].benchmarkReturns }
    let benchmark = try #require(try ReportTables(shared).text().split(separator: "\n").first { $0.hasPrefix("benchmark") })
    #expect(benchmark.contains(ValueFormat.percent(try PerformanceMetrics(shared[0]).benchmark.annualVolatility)))
    #expect(text.contains("Active return in each crisis window") && text.contains("--verbose"))
    #expect(!text.contains("Metrics (annualised unless stated)"))
    let verbose = tables.text(verbose: true)
    #expect(verbose.contains("Metrics (annualised unless stated)") && verbose.contains("Crises: tev = 10%"))
    // The row of the 6% value holds its own numbers.
    let six = try PerformanceMetrics(sweep[10])
    let row = try #require(lines.first { $0.hasPrefix("6%  ") })
    #expect(row.contains(ValueFormat.percent(six.trackingError)) && row.contains(ValueFormat.number(six.informationRatio)))
}

/// One result prints its metrics, the distribution of its monthly returns and its crises.
@Test func singleResultTerminalOutputHasTheTearSheet() throws {
    let text = try ReportTables([sampleResult(name: "one", seed: 3)]).text()
    #expect(text.hasPrefix("Metrics (annualised unless stated)"))
    #expect(text.contains("Distribution of monthly returns") && text.contains("Sortino ratio") && text.contains("CVaR 95% (monthly)"))
    #expect(text.contains("Crises: one") && !text.contains("Sweep of"))
}

/// Tick labels show as many decimals as their step needs: 2.5% and 7.5%, not 2% and 8%.
@Test func tickLabelsShowTheirDecimals() {
    #expect(ChartAxis.niceTicks(0...0.1, target: 4, label: ChartAxis.percentLabel).map(\.label)
            == ["0.0%", "2.5%", "5.0%", "7.5%", "10.0%"])
    #expect(ChartAxis.niceTicks(-0.31...0.0, label: ChartAxis.percentLabel).map(\.label) == ["-30%", "-20%", "-10%", "0%"])
    #expect(ChartAxis.niceTicks(0...1, target: 4, label: ChartAxis.numberLabel).map(\.label) == ["0.00", "0.25", "0.50", "0.75", "1.00"])
    #expect(ChartAxis.decimals(of: 0.0025 * 100) == 2 && ChartAxis.decimals(of: 5) == 0)
}

/// The crisis table defines its abbreviations under it, and the intercept's exposure reads in percent a
/// year (it printed 0.00 as a loading).
@Test func crisisTablesDefineTheirColumnsAndShowAlphaAsAReturn() throws {
    let result = sampleResult(name: "r", seed: 4)
    let analysis = try CrisisAnalysis(result)
    let table = CrisisTable.make(analysis, name: "r")
    #expect(table.text().contains("P./B. DD: portfolio/benchmark maximum drawdown inside the window"))
    #expect(table.html().contains("title=\"Portfolio&#39;s (P.) and benchmark&#39;s (B.) maximum drawdown"))
    let positions = CrisisTable.positions(analysis, name: "r")
    let alpha = try #require(positions.rows.first { $0.label == "  alpha (ex-ante, a year)" })
    let gfc = try #require(analysis.windows.firstIndex { $0.crisis.name == "GFC" })
    #expect(alpha.cells?[gfc] == ValueFormat.percent(analysis.windows[gfc].averageActiveExposures[0] * 12))
}

/// Every metric a result's tables and the sweep table name has a definition (the tooltip and the
/// Definitions entry).
@Test func everyMetricIsDefined() throws {
    let metrics = try PerformanceMetrics(sampleResult(name: "tev = 1%", seed: 5))
    let tables = [ResultTables.keyFigures(metrics), ResultTables.tradingAndRisk(metrics),
                  SweepTable.make([metrics, metrics], sameBenchmark: true)]
    let factors: Set<String> = ["mkt", "smb", "hml", "specific", "tev"]
    for table in tables {
        for row in table.rows where row.cells != nil && !factors.contains(row.label.trimmingCharacters(in: .whitespaces)) {
            #expect(table.title.hasPrefix("Sweep") || MetricGlossary.definition(row.label) != nil, "\(row.label)")
        }
        for column in table.columns where !["Portfolio", "Benchmark", "Active", "tev = 1%"].contains(column) {
            #expect(MetricGlossary.definition(column) != nil, "\(column)")
        }
    }
}

/// The provenance: SHA-256 (the FIPS 180-2 test vectors), size and the Ken French vintage of a data file,
/// run.json beside the CSV files and the report's header.
@Test func provenanceRecordsTheRun() throws {
    let folder = try scratchFolder()
    let data = folder.appendingPathComponent("F-F_Research_Data_5_Factors_2x3.csv")
    try Data("abc".utf8).write(to: data)
    let abc = try Provenance.DataFile.describe(path: data.path)
    #expect(abc.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" && abc.bytes == 3 && abc.vintage == nil)
    let header = "This file was created by CMPT_ME_BEME_OP_INV_RETS using the 202412 CRSP database.,,,,,,\n,Mkt-RF,SMB\n"
    let long = header + String(repeating: "196307,   -0.39,   -0.41\n", count: 100_000)
    try Data(long.utf8).write(to: data)
    let file = try Provenance.DataFile.describe(path: data.path)
    #expect(file.vintage == "202412 CRSP database" && file.bytes == long.utf8.count)
    #expect(Provenance.DataFile.vintage(in: "no vintage here") == nil)
    let empty = folder.appendingPathComponent("empty.csv")
    try Data().write(to: empty)
    #expect(try Provenance.DataFile.describe(path: empty.path).sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(throws: ReportError.self) { try Provenance.DataFile.describe(path: folder.appendingPathComponent("missing.csv").path) }

    let provenance = Provenance(program: .init(path: "p.tilt", text: "universe crsp # <b>\n"),
                                tilt: .init(version: "0.1.0", commit: String(repeating: "a", count: 40), modified: false),
                                dataFiles: [file], runDate: Provenance.timestamp(Date(timeIntervalSince1970: 0)), wallTimeSeconds: 1.25)
    let out = folder.appendingPathComponent("report")
    let written = try ReportWriter.write(results: [sampleResult(name: "one", seed: 1)], to: out, title: "t", provenance: provenance)
    #expect(written.map(\.lastPathComponent) == ReportWriter.fileNames + ["run.json"])
    let json = try Data(contentsOf: out.appendingPathComponent("run.json"))
    let decoded = try JSONDecoder().decode(Provenance.self, from: json)
    #expect(decoded == provenance && decoded.runDate == "1970-01-01T00:00:00Z")
    let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
    #expect(html.contains("universe crsp # &lt;b&gt;") && html.contains("Tilt 0.1.0 (aaaaaaaaaaaa)"))
    #expect(html.contains(file.sha256) && html.contains("202412 CRSP database"))
    #expect(html.contains("1970-01-01T00:00:00Z, 1.2 s wall time") || html.contains("1970-01-01T00:00:00Z, 1.3 s wall time"))
    let md = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
    #expect(md.contains("SHA-256 `\(file.sha256)`") && md.contains("```tilt\nuniverse crsp # <b>\n```"))
}

/// A parametric policy's report has its θ table and θ path (and theta.csv in long form), and draws no
/// ex-ante risk chart, since the policy has no risk model.
@Test func policyReportHasThetaAndNoEmptyRiskChart() throws {
    var result = sampleResult(name: "policy", seed: 8, years: 4)
    for k in result.rebalances.indices {
        result.rebalances[k].factorNames = ["size", "value", "momentum"]
        result.rebalances[k].activeExposures = [0.1, -0.2, 0.05]
        result.rebalances[k].factorRiskContributions = []
        result.rebalances[k].specificRiskContribution = .nan
        result.rebalances[k].exAnteActiveVariance = .nan
    }
    result.factorReturns = nil
    let theta = ThetaPath(months: result.rebalances.map(\.month), characteristics: ["size", "value", "momentum"],
                          values: result.rebalances.indices.map { [-1.5 + Double($0) / 100, 2.0, 0.5] })
    let thetaTable = Table(title: "Parametric policy, CRRA(5): θ fitted", labelHeader: "", columns: ["θ", "std. error", "t"],
                           rows: [.values("size", ["-1.5000", "0.5000", "-3.00"])])
    let folder = try scratchFolder()
    let written = try ReportWriter.write(results: [result], to: folder, title: "ppp", policy: PolicyDetails(tables: [thetaTable], theta: theta))
    #expect(written.map(\.lastPathComponent).contains("theta.csv"))
    let html = try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
    #expect(html.contains("Parametric policy, CRRA(5): θ fitted") && html.contains("θ re-estimated at each rebalance"))
    #expect(!html.contains("<title>Ex-ante tracking error by source") && !html.contains("<title>Factor attribution"))
    #expect(html.contains("<title>Brinson–Fachler attribution"))
    let csv = try String(contentsOf: folder.appendingPathComponent("theta.csv"), encoding: .utf8).split(separator: "\n")
    #expect(csv.first == "result,month,characteristic,theta" && csv.count == 1 + 3 * theta.months.count)
    #expect(csv[1] == "policy,\(theta.months[0]),size,-1.5" && csv[2] == "policy,\(theta.months[0]),value,2.0")
    #expect(TagBalance.check(html).isEmpty)
    let contributions = try String(contentsOf: folder.appendingPathComponent("contributions.csv"), encoding: .utf8)
    #expect(contributions == "result,month,source,variance_contribution,te_contribution\n")
}

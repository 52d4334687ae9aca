import Foundation
import TiltBacktest
import TiltLanguage
import TiltModels
import TiltReport

/// How the CLI and the REPL present backtests: a progress bar on stderr while they run (only on a
/// terminal), then the tables — for a sweep one row per value, every result's tables with `verbose` — and
/// with `--out DIR` the files of the report, with the run's provenance when `run` describes it.
func presentStrategies(on session: Session, title: String, reportFolder: ReportFolder?, verbose: Bool = false,
                       run: RunRecord? = nil) {
    final class State: @unchecked Sendable {
        var bar: ProgressBar?
        /// A parametric policy's estimates, printed when they arrive and added to the report of its backtest.
        var policy: PolicyDetails?
    }
    let state = State()
    session.progress = { done, total in
        if state.bar == nil { state.bar = ProgressBar(total: total, label: "backtest") }
        state.bar?.update(completed: done)
        if done >= total { state.bar?.finish(); state.bar = nil }
    }
    session.policyResults = { report in
        state.bar?.finish()
        state.bar = nil
        let tables = policyTables(report)
        print(tables.map { $0.text() }.joined(separator: "\n"), terminator: "\n")
        state.policy = PolicyDetails(tables: tables, theta: ThetaPath(months: report.outOfSampleMonths,
                                                                      characteristics: report.characteristics,
                                                                      values: report.thetaPath))
    }
    session.strategyResults = { results in
        state.bar?.finish()
        state.bar = nil
        print(try ReportTables(results).text(verbose: verbose), terminator: "")
        let policy = state.policy
        state.policy = nil
        reportFolder?.write { folder in
            let provenance = try run?.provenance(dataFiles: session.dataFilesRead)
            return try ReportWriter.write(results: results, to: folder, title: title, provenance: provenance, policy: policy)
        }
    }
}

/// The folder `--out` names, checked before the program runs (`validateFolderDestination`). A report that
/// cannot be written all the same (a full disk, a folder changed meanwhile) is not an error in the
/// program: it is printed as `tilt: PATH: error: reason`, without a program location, and remembered so
/// that the command ends with status 1; the program goes on.
final class ReportFolder {
    /// Every file a report may write into the folder (checked before the program runs).
    static let fileNames = ReportWriter.fileNames + ReportWriter.optionalFileNames

    let url: URL
    private(set) var writeFailed = false

    init(path: String) { url = URL(fileURLWithPath: path) }

    /// Runs `write`, which writes files into the folder and returns them, and says what was written or why not.
    func write(_ write: (URL) throws -> [URL]) {
        do {
            let written = try write(url)
            print("wrote " + written.map(\.path).joined(separator: ", "))
        } catch {
            printError("tilt: \(error)\n")
            writeFailed = true
        }
    }
}

/// A parametric policy's estimates: θ with standard errors, then in-sample returns and the weights' extremes
/// in and out of sample.
func policyTables(_ report: PolicyReport) -> [Table] {
    let fit = report.inSample
    let gamma = report.utility.riskAversion
    let utility = gamma == 1 ? "log utility" : "CRRA(\(ValueFormat.number(gamma, decimals: gamma == gamma.rounded() ? 0 : 2)))"
    let period = "\(fit.decisionMonths.lowerBound)–\(fit.decisionMonths.upperBound)"
    let theta = Table(
        title: "Parametric policy, \(utility): θ fitted on decisions \(period) (\(fit.monthCount) months; asymptotic SEs)",
        labelHeader: "", columns: ["θ", "std. error", "t"],
        rows: fit.characteristicNames.indices.map { k in
            .values(fit.characteristicNames[k], [ValueFormat.number(fit.theta[k], decimals: 4),
                                                  ValueFormat.number(fit.standardErrors[k], decimals: 4),
                                                  ValueFormat.number(fit.tStatistics[k])])
        })
    func returnRows(_ label: String, _ s: ReturnStatistics) -> [Table.Row] {
        [.section(label), .values("Return (arithmetic)", [ValueFormat.percent(s.annualArithmeticReturn)]),
         .values("Volatility", [ValueFormat.percent(s.annualVolatility)]),
         .values("Sharpe ratio (no risk-free rate)", [ValueFormat.number(s.sharpeRatio)])]
    }
    let inSample = Table(title: "In sample (annualised)", labelHeader: "", columns: [period],
                         rows: returnRows("Policy", report.inSamplePolicy) + returnRows("Benchmark", report.inSampleBenchmark))
    func weightColumn(_ w: PolicyWeightStatistics) -> [String] {
        [ValueFormat.percent(w.averageMaximumWeight), ValueFormat.percent(w.averageMinimumWeight),
         ValueFormat.percent(w.averageGrossExposure, decimals: 1), ValueFormat.percent(w.averageShortFraction, decimals: 1)]
    }
    let inColumn = weightColumn(report.inSampleWeights), outColumn = weightColumn(report.outOfSampleWeights)
    let labels = ["Average max weight", "Average min weight", "Average Σ|w|", "Fraction short"]
    let windowText: String
    switch report.window {
    case .rolling(let months): windowText = "rolling \(months)"
    case .expanding: windowText = "expanding"
    }
    let weights = Table(
        title: "Policy weights (averages over decision months)", labelHeader: "",
        columns: ["in sample", "out of sample (\(windowText)\(report.longOnly ? ", long only" : ""))"],
        rows: labels.indices.map { .values(labels[$0], [inColumn[$0], outColumn[$0]]) })
    return [theta, inSample, weights]
}

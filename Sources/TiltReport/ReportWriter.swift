import Foundation
import TiltBacktest

/// Writes the files of a backtest report into a folder (Docs/outputs.md describes each).
public enum ReportWriter {
    /// The files `write` always produces, in order.
    public static let fileNames = ["returns.csv", "weights.csv", "exposures.csv", "contributions.csv", "attribution.csv",
                                   "report.md", "report.html"]
    /// The files `write` adds when there is something to put in them: regimes.csv for a result with a
    /// regime model, theta.csv for a parametric policy, run.json with the run's provenance.
    public static let optionalFileNames = [regimesFileName, thetaFileName, runFileName]
    public static let regimesFileName = "regimes.csv"
    public static let thetaFileName = "theta.csv"
    public static let runFileName = "run.json"

    /// Writes the report of `results` (one or several, e.g. a sweep) into `directory`, creating it when
    /// missing: the tidy CSV files, report.md and report.html, and when given the run's provenance
    /// (run.json, and the reports' headers) and a parametric policy's details (theta.csv, its tables in
    /// the reports). Every file is written atomically; returns the files written. Throws when the folder
    /// cannot be created or written, or a result is inconsistent.
    @discardableResult
    public static func write(results: [BacktestResult], to directory: URL, title: String, provenance: Provenance? = nil,
                             policy: PolicyDetails? = nil) throws(ReportError) -> [URL] {
        let tables: ReportTables
        do {
            tables = try ReportTables(results)
        } catch {
            throw ReportError(path: directory.path, message: error.description)
        }
        var files = Array(zip(fileNames, [
            TidyCSV.returns(results), TidyCSV.weights(results), TidyCSV.exposures(results), TidyCSV.contributions(results),
            TidyCSV.attribution(results), MarkdownReport.page(title: title, results: results, tables: tables, provenance: provenance, policy: policy),
            HTMLReport.page(title: title, results: results, tables: tables, provenance: provenance, policy: policy),
        ]))
        if let regimes = TidyCSV.regimes(results) { files.append((regimesFileName, regimes)) }
        if let policy { files.append((thetaFileName, TidyCSV.theta(policy.theta, result: results.first?.name ?? "policy"))) }
        if let provenance { files.append((runFileName, provenance.json())) }
        return try write(files: files, to: directory)
    }

    /// Writes (name, text) files into `directory`, creating it when missing, each atomically; returns the
    /// files written. Throws when the folder cannot be created or a file cannot be written.
    @discardableResult
    public static func write(files: [(String, String)], to directory: URL) throws(ReportError) -> [URL] {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw ReportError(path: directory.path, message: "cannot create the report folder: \(AtomicFile.reason(error))")
        }
        var written: [URL] = []
        for (name, text) in files {
            let url = directory.appendingPathComponent(name)
            try AtomicFile.write(text, to: url)
            written.append(url)
        }
        return written
    }
}

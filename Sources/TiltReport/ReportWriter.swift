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
    /// missing, as one set (`OutputFolder`): the tidy CSV files, report.md and report.html, and when given
    /// the run's provenance (run.json, and the reports' headers) and a parametric policy's details
    /// (theta.csv, its tables in the reports). Returns the files written. Throws when the folder cannot be
    /// created or written, or a result is inconsistent.
    @discardableResult
    public static func write(results: [BacktestResult], to directory: URL, title: String, provenance: Provenance? = nil,
                             policy: PolicyDetails? = nil) throws(ReportError) -> [URL] {
        try write(files: files(results: results, title: title, provenance: provenance, policy: policy, folder: directory.path), to: directory)
    }

    /// The (name, text) files of the report on `results` (see `write(results:to:title:provenance:policy:)`);
    /// `folder` is named in errors.
    public static func files(results: [BacktestResult], title: String, provenance: Provenance? = nil, policy: PolicyDetails? = nil,
                             folder: String) throws(ReportError) -> [(String, String)] {
        var provenance = provenance
        let notes = DataNotes.notes(results)
        if !notes.isEmpty { provenance?.dataNotes = notes }
        let tables: ReportTables
        do {
            tables = try ReportTables(results)
        } catch {
            throw ReportError(path: folder, message: error.description)
        }
        var files = Array(zip(fileNames, [
            TidyCSV.returns(results), TidyCSV.weights(results), TidyCSV.exposures(results), TidyCSV.contributions(results),
            TidyCSV.attribution(results),
            MarkdownReport.page(title: title, results: results, tables: tables, provenance: provenance, policy: policy, dataNotes: notes),
            HTMLReport.page(title: title, results: results, tables: tables, provenance: provenance, policy: policy, dataNotes: notes),
        ]))
        if let regimes = TidyCSV.regimes(results) { files.append((regimesFileName, regimes)) }
        if let policy { files.append((thetaFileName, TidyCSV.theta(policy.theta, result: results.first?.name ?? "policy"))) }
        if let provenance { files.append((runFileName, provenance.json())) }
        return files
    }

    /// Writes (name, text) files into `directory`, creating it when missing, as one set (`OutputFolder`:
    /// all of them or, after a failure, none); returns the files written. Throws when the folder cannot be
    /// created or a file cannot be written.
    @discardableResult
    public static func write(files: [(String, String)], to directory: URL) throws(ReportError) -> [URL] {
        let folder = OutputFolder(path: directory.path, ownNames: files.map(\.0))
        try write(files: files, to: folder)
        return try folder.commit()
    }

    /// Stages (name, text) files in `folder` (committed with the rest of its set); returns where they go.
    @discardableResult
    public static func write(files: [(String, String)], to folder: OutputFolder) throws(ReportError) -> [URL] {
        var staged: [URL] = []
        for (name, text) in files { staged.append(try folder.stage(name, text: text)) }
        return staged
    }

    /// Stages the report on `results` in `folder` (see `write(results:to:title:provenance:policy:)`);
    /// returns where its files go.
    @discardableResult
    public static func write(results: [BacktestResult], to folder: OutputFolder, title: String, provenance: Provenance? = nil,
                             policy: PolicyDetails? = nil) throws(ReportError) -> [URL] {
        try write(files: files(results: results, title: title, provenance: provenance, policy: policy, folder: folder.path), to: folder)
    }
}

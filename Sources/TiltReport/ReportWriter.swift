import Foundation
import TiltBacktest

/// Writes the files of a backtest report into a folder.
public enum ReportWriter {
    /// The files `write` always produces, in order (`regimes.csv` follows when a result has a regime model).
    public static let fileNames = ["returns.csv", "weights.csv", "contributions.csv", "report.md", "report.html"]
    /// The file `write` adds when a result has a regime model.
    public static let regimesFileName = "regimes.csv"

    /// Writes returns.csv, weights.csv, contributions.csv, report.md and report.html for `results` (one
    /// or several, e.g. a sweep), and regimes.csv when a result has a regime model, into `directory`, creating
    /// it when missing, as one set (`OutputFolder`); returns the files written. Throws when the folder cannot
    /// be created or written, or a result is inconsistent.
    @discardableResult
    public static func write(results: [BacktestResult], to directory: URL, title: String) throws(ReportError) -> [URL] {
        try write(files: files(results: results, title: title, folder: directory.path), to: directory)
    }

    /// The (name, text) files of the report on `results` (see `write(results:to:title:)`); `folder` is named
    /// in errors.
    public static func files(results: [BacktestResult], title: String, folder: String) throws(ReportError) -> [(String, String)] {
        let tables: ReportTables
        do {
            tables = try ReportTables(results)
        } catch {
            throw ReportError(path: folder, message: error.description)
        }
        let markdown = "# \(title)\n\n" + tables.markdown()
        var files = Array(zip(fileNames, [
            ReportCSV.returns(results), ReportCSV.weights(results), ReportCSV.contributions(results), markdown,
            HTMLReport.page(title: title, results: results, tables: tables),
        ]))
        if let regimes = ReportCSV.regimes(results) { files.append((regimesFileName, regimes)) }
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

    /// Stages the report on `results` in `folder` (see `write(results:to:title:)`); returns where its files go.
    @discardableResult
    public static func write(results: [BacktestResult], to folder: OutputFolder, title: String) throws(ReportError) -> [URL] {
        try write(files: files(results: results, title: title, folder: folder.path), to: folder)
    }
}

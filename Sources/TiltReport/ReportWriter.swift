import Foundation
import TiltBacktest

/// Writes the files of a backtest report into a folder.
public enum ReportWriter {
    /// The files `write` always produces, in order (`regimes.csv` follows when a result has a regime model).
    public static let fileNames = ["returns.csv", "weights.csv", "contributions.csv", "report.md", "report.html"]
    /// The file `write` adds when a result has a regime model.
    public static let regimesFileName = "regimes.csv"

    /// Writes returns.csv, weights.csv, contributions.csv, report.md and report.html for `results` (one
    /// or several, e.g. a sweep), and regimes.csv when a result has a regime model, into `directory`, creating it when missing. Every file is written
    /// atomically; returns the files written. Throws when the folder cannot be created or written, or a
    /// result is inconsistent.
    @discardableResult
    public static func write(results: [BacktestResult], to directory: URL, title: String) throws(ReportError) -> [URL] {
        let tables: ReportTables
        do {
            tables = try ReportTables(results)
        } catch {
            throw ReportError(path: directory.path, message: error.description)
        }
        let markdown = "# \(title)\n\n" + tables.markdown()
        var files = Array(zip(fileNames, [
            ReportCSV.returns(results), ReportCSV.weights(results), ReportCSV.contributions(results), markdown,
            HTMLReport.page(title: title, results: results, tables: tables),
        ]))
        if let regimes = ReportCSV.regimes(results) { files.append((regimesFileName, regimes)) }
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

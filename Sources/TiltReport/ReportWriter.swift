import Foundation
import TiltBacktest

/// Writes the files of a backtest report into a folder.
public enum ReportWriter {
    /// The files `write` produces, in order.
    public static let fileNames = ["returns.csv", "weights.csv", "contributions.csv", "report.md", "report.html"]

    /// Writes returns.csv, weights.csv, contributions.csv, report.md and report.html for `results` (one
    /// or several, e.g. a sweep) into `directory`, creating it when missing. Every file is written
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
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw ReportError(path: directory.path, message: "cannot create the report folder: \(AtomicFile.reason(error))")
        }
        let markdown = "# \(title)\n\n" + tables.markdown()
        let contents = [
            ReportCSV.returns(results), ReportCSV.weights(results), ReportCSV.contributions(results), markdown,
            HTMLReport.page(title: title, results: results, tables: tables),
        ]
        var written: [URL] = []
        for (name, text) in zip(fileNames, contents) {
            let url = directory.appendingPathComponent(name)
            try AtomicFile.write(text, to: url)
            written.append(url)
        }
        return written
    }
}

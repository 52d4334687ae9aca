import Foundation
import TiltBacktest
import TiltLanguage
import TiltReport

/// How the CLI and the REPL present backtests: a progress bar on stderr while they run (only on a
/// terminal), then the metric and crisis tables, and with `--out DIR` the files of the report.
func presentStrategies(on interpreter: Interpreter, title: String, outputDirectory: String?) {
    final class Bar: @unchecked Sendable { var bar: ProgressBar? }
    let holder = Bar()
    interpreter.progress = { done, total in
        if holder.bar == nil { holder.bar = ProgressBar(total: total, label: "backtest") }
        holder.bar?.update(completed: done)
        if done >= total { holder.bar?.finish(); holder.bar = nil }
    }
    interpreter.strategyResults = { results in
        holder.bar?.finish()
        holder.bar = nil
        print(try ReportTables(results).text(), terminator: "")
        guard let outputDirectory else { return }
        let folder = URL(fileURLWithPath: outputDirectory)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let written = try ReportWriter.write(results: results, to: folder, title: title)
        print("wrote " + written.map(\.path).joined(separator: ", "))
    }
}

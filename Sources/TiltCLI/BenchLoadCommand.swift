import ArgumentParser
import Foundation
import TiltData

/// `tilt bench load FILE`: reads a CRSP extract (or a panel) once and reports the loader's wall time and the
/// process's peak memory, for Docs/performance.md (Benchmarks/crsp_scale.sh runs it on `tilt synth`
/// extracts). Not a test: nothing is asserted about time.
struct BenchLoad: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Time loading a CRSP extract and report peak memory (release build).",
        discussion: """
        Prints the file's size, rows kept (stock-months), stocks, months, wall time, and the peak resident
        memory of the process (getrusage), with the loader bound 1.5 × file size + 300 MB beside it.

        Example:
          tilt bench load big/msf.csv
        """)

    @Argument(help: "A CRSP extract (CSV).")
    var file: String

    func run() throws {
        let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)??.doubleValue ?? 0
        let start = DispatchTime.now().uptimeNanoseconds
        let panel: AssetPanel
        do { panel = try CRSPExtract.load(path: file) } catch {
            printError("tilt: \(error)\n")
            throw userErrorExit
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let peak = Double(usage.ru_maxrss) * 1024   // kilobytes on Linux
        let megabyte = 1_048_576.0
        print(String(format: "file %.1f MB, %d stock-months, %d stocks, %d months (%@…%@)",
                     size / megabyte, panel.storedMonthCount, panel.assetIDs.count, panel.months.count,
                     panel.months.first?.description ?? "?", panel.months.last?.description ?? "?"))
        print(String(format: "load %.2f s (%.1f s per GB), peak memory %.0f MB (bound 1.5 × file + 300 MB = %.0f MB)",
                     seconds, seconds / max(size / 1e9, 1e-9), peak / megabyte, (1.5 * size + 300 * megabyte) / megabyte))
    }
}

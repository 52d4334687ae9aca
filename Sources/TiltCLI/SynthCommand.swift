import ArgumentParser
import Foundation
import TiltData
import TiltReport

/// `tilt synth --crsp FILE`: the built-in synthetic market written as a CRSP extract.
struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the built-in synthetic market as a CRSP-format CSV (permno, date, ret, prc, shrout, siccd).",
        discussion: """
        The same market `universe synthetic(...)` uses, so a program can be run on the CRSP path:
        `universe crsp` reads crsp.csv from the program's folder or the data directory.

        Examples:
          tilt synth --crsp crsp.csv
          tilt synth --crsp data/crsp.csv --stocks 2000 --seed 7 --from 1980-01 --to 2024-12
        """)

    @Option(help: "Where to write the CRSP-format CSV (written atomically).")
    var crsp: String

    @Option(help: "Where to write the market's factor returns as a tidy CSV (default: factors.csv beside the CRSP file; written atomically).")
    var factors: String?

    /// Where the factors go: `--factors`, else factors.csv beside the CRSP file.
    private var factorPath: String {
        factors ?? AtomicFile.sibling("factors.csv", of: crsp)
    }

    @Option(parsing: .unconditional, help: "Number of stocks.")
    var stocks = 500

    @Option(parsing: .unconditional, help: "Random seed (the market is deterministic for a seed).")
    var seed: UInt64 = 42

    @Option(help: "First month, YYYY-MM.")
    var from = "1970-01"

    @Option(help: "Last month, YYYY-MM.")
    var to = "2024-12"

    func validate() throws {
        guard (2...100_000).contains(stocks) else { throw ValidationError("--stocks must be from 2 to 100000") }
        guard let first = Month(parsing: from), let last = Month(parsing: to) else {
            throw ValidationError("--from and --to are months written YYYY-MM")
        }
        guard first < last else { throw ValidationError("--from must be before --to") }
        // Both destinations are checked before the market is generated, so that nothing is written when
        // either cannot be; one file for both would lose the CRSP data.
        try validateFileDestination(crsp, option: "--crsp")
        try validateFileDestination(factorPath, option: "--factors")
        guard resolvedPath(crsp) != resolvedPath(factorPath) else {
            throw ValidationError("the CRSP file and the factors would both be written to `\(factorPath)`: give --factors another path")
        }
    }

    func run() throws {
        guard let first = Month(parsing: from), let last = Month(parsing: to) else { throw userErrorExit }
        do {
            let market = try SyntheticMarket.generate(stocks: stocks, seed: seed, from: first, to: last)
            try AtomicFile.write(to: URL(fileURLWithPath: crsp)) { output throws(ReportError) in
                try market.writeCRSP(to: output.write)
            }
            try AtomicFile.write(tidyFactorCSV(market.factors), to: URL(fileURLWithPath: factorPath))
            print("wrote \(crsp): \(stocks) stocks, \(first)…\(last), seed \(seed)")
            print("wrote \(factorPath): \(market.factors.factorNames.joined(separator: ", "))\(market.factors.riskFree == nil ? "" : ", rf")")
        } catch {
            printError("tilt: \(error)\n")
            throw userErrorExit
        }
    }
}

/// Factor returns as a tidy CSV: `month`, one column per factor, then `rf` (decimals, full precision).
func tidyFactorCSV(_ file: FactorFile) -> String {
    var lines = [(["month"] + file.factorNames + (file.riskFree == nil ? [] : ["rf"])).joined(separator: ",")]
    for (t, month) in file.months.enumerated() {
        var fields = [month.description] + (0..<file.factorNames.count).map { "\(file.returns[t, $0])" }
        if let rf = file.riskFree { fields.append("\(rf[t, 0])") }
        lines.append(fields.joined(separator: ","))
    }
    return lines.joined(separator: "\n") + "\n"
}

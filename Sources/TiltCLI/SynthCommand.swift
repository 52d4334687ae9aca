import ArgumentParser
import Foundation
import TiltData
import TiltReport

/// `tilt synth --crsp FILE`: the built-in synthetic market written as a CRSP extract.
struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the built-in synthetic market as a CRSP extract (and its factors).",
        discussion: """
        The same market `universe synthetic(...)` uses, so a program can be run on the CRSP path:
        `universe crsp` reads crsp.csv (or the one CSV with CRSP columns) from the program's folder or
        the data directory.

        Without --wrds: permno,date,ret,prc,shrout,siccd, every stock every month, and the factors as
        factors.csv (tidy, decimals) beside it.
        With --wrds: the extract as WRDS writes it (PERMNO,date,SHRCD,EXCHCD,SICCD,PRC,VOL,RET,SHROUT,
        DLSTCD,DLRET,DLSTDT; stocks entering and leaving, delistings, letter codes, negative prices,
        other share codes and exchanges, SIC changes), monthly or --daily, and the factors as Ken
        French's files as downloaded (F-F_Research_Data_5_Factors_2x3.csv, F-F_Momentum_Factor.CSV)
        beside it, unless --factors names a tidy file. --sql also writes the extract as WRDS's
        PostgreSQL tables (a psql script: psql -f FILE).

        Examples:
          tilt synth --crsp crsp.csv
          tilt synth --crsp data/crsp.csv --stocks 2000 --seed 7 --from 1980-01 --to 2024-12
          tilt synth --crsp data/extract.csv --wrds --stocks 300 --from 1990-01 --to 2024-12
          tilt synth --crsp big/msf.csv --wrds --stocks 30000 --lifetime 144 --from 1926-01 --to 2024-12
        """)

    @Option(help: "Where to write the CRSP extract (written atomically).")
    var crsp: String

    @Option(help: "Where to write the factors as a tidy CSV (default: factors.csv beside the CRSP file; with --wrds, Ken French's files beside it instead).")
    var factors: String?

    @Option(parsing: .unconditional, help: "Number of stocks (PERMNOs).")
    var stocks = 500

    @Option(parsing: .unconditional, help: "Random seed (the market is deterministic for a seed).")
    var seed: UInt64 = 42

    @Option(help: "First month, YYYY-MM.")
    var from = "1970-01"

    @Option(help: "Last month, YYYY-MM.")
    var to = "2024-12"

    @Flag(help: "Write the extract as WRDS does: entries and exits, delistings, letter codes, negative prices, share and exchange codes.")
    var wrds = false

    @Flag(help: "With --wrds: daily rows (weekdays) instead of monthly.")
    var daily = false

    @Option(parsing: .unconditional, help: "With --wrds: mean months a stock is listed (default: twice the span, about two thirds of the stocks listed at a time).")
    var lifetime: Int?

    @Option(help: "With --wrds: also write the extract as WRDS's PostgreSQL tables to this psql script.")
    var sql: String?

    @Option(help: "With --sql: legacy (crsp.msf, msenames, msedelist; dsf when --daily) or ciz (crsp.msf_v2, stksecurityinfohist, stkdelists).")
    var tables: CRSPTables = .legacy

    /// The factor files written: a tidy one (`--factors`, or factors.csv), or with --wrds Ken French's two.
    private var factorPaths: [String] {
        if let factors { return [factors] }
        let folder = (crsp as NSString).deletingLastPathComponent
        return wrds ? ["F-F_Research_Data_5_Factors_2x3.csv", "F-F_Momentum_Factor.CSV"].map { (folder as NSString).appendingPathComponent($0) }
                    : [(folder as NSString).appendingPathComponent("factors.csv")]
    }

    func validate() throws {
        guard (2...100_000).contains(stocks) else { throw ValidationError("--stocks must be from 2 to 100000") }
        guard let first = Month(parsing: from), let last = Month(parsing: to) else {
            throw ValidationError("--from and --to are months written YYYY-MM")
        }
        guard first < last else { throw ValidationError("--from must be before --to") }
        if !wrds, daily || lifetime != nil || sql != nil {
            throw ValidationError("--daily, --lifetime and --sql describe a WRDS-style extract: add --wrds")
        }
        if let lifetime, !(13...100_000).contains(lifetime) { throw ValidationError("--lifetime must be from 13 to 100000 months") }
        if wrds, last - first < 24 { throw ValidationError("--wrds needs at least 25 months (stocks are listed for at least 13)") }
        if daily, tables == .ciz { throw ValidationError("--daily writes legacy tables (crsp.dsf) only") }
        // Every destination is checked before the market is generated, so that nothing is written when
        // one cannot be; one file for two outputs would lose data. The CRSP file first: the factors' default
        // place is its folder (and Foundation traps on the folder of `.`).
        try validateFileDestination(crsp, option: "--crsp")
        let outputs = [("--crsp", crsp)] + factorPaths.map { ("--factors", $0) } + (sql.map { [("--sql", $0)] } ?? [])
        for (option, path) in outputs.dropFirst() { try validateFileDestination(path, option: option) }
        let what = ["--crsp": "the CRSP file", "--factors": "the factors", "--sql": "the SQL script"]
        var seen: [String: String] = [:]
        for (option, path) in outputs {
            if let other = seen[resolvedPath(path)] {
                throw ValidationError("\(what[other] ?? other) and \(what[option] ?? option) would both be written to `\(path)`: give \(option) another path")
            }
            seen[resolvedPath(path)] = option
        }
    }

    func run() throws {
        guard let first = Month(parsing: from), let last = Month(parsing: to) else { throw userErrorExit }
        do {
            let market = try SyntheticMarket.generate(stocks: stocks, seed: seed, from: first, to: last)
            if wrds {
                let extract = SyntheticCRSPExtract(market: market, seed: seed, meanLifetime: lifetime)
                try AtomicFile.write(to: URL(fileURLWithPath: crsp)) { output throws(ReportError) in
                    try extract.write(daily: daily, to: output.write)
                }
                print("wrote \(crsp): a WRDS-style \(daily ? "daily" : "monthly") extract of \(stocks) PERMNOs, \(first)…\(last), seed \(seed)")
                if let sql {
                    try writeSQL(extract, to: sql)
                    print("wrote \(sql): the \(tables.rawValue) CRSP tables as a psql script (psql -f \(sql))")
                }
            } else {
                try AtomicFile.write(to: URL(fileURLWithPath: crsp)) { output throws(ReportError) in
                    try market.writeCRSP(to: output.write)
                }
                print("wrote \(crsp): \(stocks) stocks, \(first)…\(last), seed \(seed)")
            }
            let paths = factorPaths
            if wrds, factors == nil {
                let files = market.kenFrenchFactorFiles()
                try AtomicFile.write(files.fiveFactors, to: URL(fileURLWithPath: paths[0]))
                try AtomicFile.write(files.momentum, to: URL(fileURLWithPath: paths[1]))
                print("wrote \(paths[0]) and \(paths[1]): the factors as Ken French's files (percent)")
            } else {
                try AtomicFile.write(tidyFactorCSV(market.factors), to: URL(fileURLWithPath: paths[0]))
                print("wrote \(paths[0]): \(market.factors.factorNames.joined(separator: ", "))\(market.factors.riskFree == nil ? "" : ", rf")")
            }
        } catch {
            printError("tilt: \(error)\n")
            throw userErrorExit
        }
    }

    /// The extract's tables as a psql script, written atomically in pieces.
    private func writeSQL(_ extract: SyntheticCRSPExtract, to path: String) throws {
        try AtomicFile.write(to: URL(fileURLWithPath: path)) { output throws(ReportError) in
            var failure: ReportError?
            var script = PSQLScript { text in
                do { try output.write(Array(text.utf8)) } catch let e { failure = e as? ReportError; throw e }
            }
            do { try extract.loadSchema(into: &script, tables: tables, daily: daily) } catch {
                throw failure ?? ReportError(path: path, message: "\(error)")
            }
        }
    }
}

extension CRSPTables: ExpressibleByArgument {}

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

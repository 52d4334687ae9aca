import Foundation
import TiltData
import TiltModels
import TiltReport
import TiltSyntax
import TiltWRDS

// The language's side of loading a strategy's data (issue 16): reading the options written in the program
// and handing resolved paths and options to TiltData and TiltWRDS, which do the work. Kept apart from
// StrategyRunner so that it can move onto the strategy vocabulary table as a unit.
extension Interpreter {
    /// `universe crsp`, `crsp("extract.csv")`, `crsp(database: "postgresql://…")`, with the options
    /// `sectors: sic | ff12 | ff48`, `shares: common | all`, `from:`/`to:` (months kept), and for a
    /// database `tables: legacy | ciz`, `frequency: monthly | daily`. Returns the panel and the extract's
    /// folder (where default factors are looked for first).
    func loadCRSPUniverse(_ e: Expr) throws -> (AssetPanel, folder: String?) {
        var options = CRSPOptions()
        var file: Expr?
        var database: String?
        var tables: CRSPTables?
        var daily = false
        if case .call(_, let arguments) = e.kind {
            for argument in arguments {
                let value = argument.value
                switch (argument.label?.name, value.kind) {
                case (nil, .string): file = value
                case ("database", .name("environment")): database = ""
                case ("database", _):
                    guard case .string(let text) = try evaluate(value) else {
                        throw Diagnostic("`database:` takes a connection string in quotes (\"postgresql://user@host:port/db\", \"service=wrds\", or \"\" for the PG* environment)", at: value.range)
                    }
                    database = text
                case ("sectors", .name(let word)):
                    guard let scheme = SectorScheme(rawValue: word) else { throw Diagnostic("unknown sector scheme `\(word)`", at: value.range, hint: "sic, ff12 or ff48") }
                    options.sectors = scheme
                case ("shares", .name("common")): options.commonSharesOnly = true
                case ("shares", .name("all")): options.commonSharesOnly = false
                case ("tables", .name(let word)) where CRSPTables(rawValue: word) != nil: tables = CRSPTables(rawValue: word)
                case ("frequency", .name("monthly")): daily = false
                case ("frequency", .name("daily")): daily = true
                case ("from", .month(let y, let m)): options.from = Month(y, m)
                case ("to", .month(let y, let m)): options.to = Month(y, m)
                default:
                    throw Diagnostic("unknown crsp option", at: value.range,
                                     hint: "crsp(\"extract.csv\", sectors: sic | ff12 | ff48, shares: common | all, from: 1990-01, to: 2024-12), or crsp(database: \"postgresql://…\", tables: legacy | ciz, frequency: monthly | daily)")
                }
            }
        }
        if let database {
            if file != nil { throw Diagnostic("`crsp` reads a file or a database, not both", at: e.range) }
            let bar = LoadingBar(label: "crsp query")
            defer { bar.finish() }
            do {
                let loaded = try CRSPDatabase.load(CRSPDatabase.Request(conninfo: database, tables: tables, daily: daily, options: options),
                                                   progress: bar.update)
                bar.finish()
                note(loaded.note)
                return (loaded.panel, nil)
            } catch let error as DatabaseError {
                throw Diagnostic(error.message, at: e.range, hint: error.hint)
            } catch {
                throw Diagnostic.data(error, at: e.range)
            }
        }
        if tables != nil || daily {
            throw Diagnostic("`tables:` and `frequency:` choose a database's tables; a CSV extract is read as it is (daily or monthly)", at: e.range)
        }
        let path: String
        if let file {
            path = try self.path(file, what: "the CRSP extract")
        } else {
            do { path = try DataDiscovery.crspExtract(in: dataFolders) } catch { throw Diagnostic.data(error, at: e.range) }
            if (path as NSString).lastPathComponent != "crsp.csv" { note("universe crsp: reading \(path) (the one CSV file here with the CRSP columns)") }
        }
        let bar = LoadingBar(label: "crsp")
        defer { bar.finish() }
        do {
            return (try CRSPExtract.load(path: path, options: options, progress: bar.update), (path as NSString).deletingLastPathComponent)
        } catch {
            throw Diagnostic.data(error, at: file?.range ?? e.range)
        }
    }

    /// `universe returns("returns.csv", caps: "caps.csv", sectors: "sectors.csv")` and `universe "file.csv"`:
    /// a long panel or wide returns with optional companion files (`AssetPanel.load`).
    func loadPanelUniverse(_ e: Expr) throws -> AssetPanel {
        var returns: Expr = e, caps: Expr?, sectors: Expr?
        if case .call(_, let arguments) = e.kind {
            guard let first = arguments.first, first.label == nil else {
                throw Diagnostic("`returns` takes the returns file first: returns(\"returns.csv\", caps: \"caps.csv\", sectors: \"sectors.csv\")", at: e.range)
            }
            returns = first.value
            for argument in arguments.dropFirst() {
                switch argument.label?.name {
                case "caps": caps = argument.value
                case "sectors": sectors = argument.value
                default: throw Diagnostic("unknown returns option", at: argument.value.range, hint: "caps: \"caps.csv\", sectors: \"sectors.csv\"")
                }
            }
        }
        let file = try path(returns, what: "the returns")
        let capsFile = try caps.map { try path($0, what: "the market caps") }
        let sectorsFile = try sectors.map { try path($0, what: "the sectors") }
        do {
            return try AssetPanel.load(path: file, caps: capsFile, sectors: sectorsFile)
        } catch let error as DataError {
            let at = error.path == capsFile ? caps : error.path == sectorsFile ? sectors : returns
            throw Diagnostic.data(error, at: (at ?? returns).range)
        }
    }

    /// The factors of a strategy without a `factors` statement (`DataDiscovery.defaultFactors`), looked
    /// for beside the extract first; a note says which files were read.
    func defaultFactors(besides folder: String?, at range: SourceRange) throws -> FactorFile? {
        do {
            guard let found = try DataDiscovery.defaultFactors(in: (folder.map { [$0] } ?? []) + dataFolders) else { return nil }
            note(found.note)
            return found.factors
        } catch {
            throw Diagnostic.data(error, at: range)
        }
    }

    /// Notes about the factors a strategy uses: no risk-free rate; a window start (`from:`) before the data.
    func noteFactorCoverage(_ factors: FactorFile, data: AlignedData, from: Month?) {
        if factors.riskFree == nil {
            note("\(factors.sources.joined(separator: " + ")) has no rf column: returns are regressed as they are (rf = 0), so mu'f and the regressions are of raw returns, not excess returns; add an `rf` column (one-month T-bill, monthly decimals) for excess returns")
        }
        if let from, let first = data.months.first, from < first {
            let late = factors.months.first.map { $0 > from } == true ? "the factors (\(factors.sources.joined(separator: " + "))) start in \(factors.months[0])"
                                                                      : "the returns (\(data.panel.path)) start in \(data.panel.months.first?.description ?? "?")"
            note("`from: \(from)` is before the data: \(late), so the window starts at \(first)")
        }
    }

    /// The folders data are looked for in: the program's, then the data directory.
    var dataFolders: [String] { [programDirectory] + (dataDirectory.map { [$0] } ?? []) }

    /// A printed note (not an error): a choice Tilt made that the program did not state.
    func note(_ text: String) { notes(text) }
}

/// A progress bar for loading data, drawn only on a terminal (`ProgressBar`), created at the first update.
private final class LoadingBar: @unchecked Sendable {
    private let label: String
    private var bar: ProgressBar?

    init(label: String) { self.label = label }

    func update(_ done: Int, _ total: Int) {
        if bar == nil { bar = ProgressBar(total: total, label: label) }
        bar?.update(completed: done)
    }

    func finish() {
        bar?.finish()
        bar = nil
    }
}

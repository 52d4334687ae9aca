import Foundation

/// Finds a researcher's data files where a program looks for them (the program's folder, then the data
/// directory), under the names they have as downloaded, so that `universe crsp` and a strategy without a
/// `factors` statement work on a folder as a researcher keeps it. Every choice that is not the only
/// possibility is said in a note; a choice no rule decides is an error listing the candidates.
public enum DataDiscovery {
    /// The file `universe crsp` reads when no file is named: `crsp.csv` in the first folder that has
    /// one; otherwise the one CSV file (in the first folder that has any) whose header names the CRSP
    /// columns (`CRSPExtract.hasCRSPHeader`). Several such files are an error listing them; none, an error
    /// saying where it looked.
    public static func crspExtract(in folders: [String]) throws -> String {
        let places = distinct(folders)
        for folder in places {
            if let file = file(named: "crsp.csv", in: folder) { return file }
        }
        for folder in places {
            let candidates = csvFiles(in: folder).filter(CRSPExtract.hasCRSPHeader)
            if candidates.count == 1 { return candidates[0] }
            if candidates.count > 1 {
                throw DataError(path: folder, line: 0,
                                message: "several CSV files have the CRSP columns (PERMNO, date, RET, PRC, SHROUT, SICCD): \(candidates.map { ($0 as NSString).lastPathComponent }.joined(separator: ", "))",
                                hint: "name one: `universe crsp(\"\((candidates[0] as NSString).lastPathComponent)\")`")
            }
        }
        throw DataError(path: places.first ?? ".", line: 0,
                        message: "no CRSP extract: no crsp.csv and no CSV file whose header has PERMNO, date, RET, PRC, SHROUT, SICCD in \(places.joined(separator: " or "))",
                        hint: "put the WRDS extract there (any name), pass --data DIR or set TILT_DATA; Docs/data.md shows a WRDS query that makes one")
    }

    /// The factor files chosen without a `factors` statement, and the rule that chose them.
    public struct FactorFiles: Sendable, Equatable {
        /// The files, joined month by month in this order.
        public let paths: [String]
        /// Why these files, for the note that says so ("Ken French's files as downloaded").
        public let rule: String

        public init(paths: [String], rule: String) {
            self.paths = paths
            self.rule = rule
        }
    }

    /// The Ken French file names looked for, lower case (the library writes `.CSV` or `.csv`).
    public static let fiveFactorFile = "f-f_research_data_5_factors_2x3.csv"
    public static let threeFactorFile = "f-f_research_data_factors.csv"
    public static let momentumFile = "f-f_momentum_factor.csv"

    /// The factor files of a strategy without a `factors` statement, from the first folder where a rule
    /// decides: Tilt's own `factors.csv` (what `tilt synth` writes); Ken French's five-factor file, joined
    /// with his momentum file when it is there (the six factors of the seed study); his three-factor file
    /// (with momentum when there); else the one CSV file that holds factor returns (a `Mkt-RF` or `mktrf`
    /// column). `nil` when no folder has any; several candidates of the last rule are an error listing them.
    /// Only names and the first kilobytes of candidate files are read.
    public static func defaultFactorFiles(in folders: [String]) throws -> FactorFiles? {
        for folder in distinct(folders) {
            if let tidy = file(named: "factors.csv", in: folder) {
                return FactorFiles(paths: [tidy], rule: "the factors file beside the data")
            }
            for main in [fiveFactorFile, threeFactorFile] {
                guard let path = file(named: main, in: folder) else { continue }
                let momentum = file(named: momentumFile, in: folder)
                return FactorFiles(paths: [path] + (momentum.map { [$0] } ?? []), rule: "Ken French's files as downloaded")
            }
            let candidates = csvFiles(in: folder).filter(looksLikeFactors)
            if candidates.count == 1 {
                return FactorFiles(paths: candidates, rule: "the one factor file in the folder")
            }
            if candidates.count > 1 {
                throw DataError(path: folder, line: 0,
                                message: "no `factors` statement, and several files could be the factors: \(candidates.map { ($0 as NSString).lastPathComponent }.joined(separator: ", "))",
                                hint: "name them: `factors \"\((candidates[0] as NSString).lastPathComponent)\"`")
            }
        }
        return nil
    }

    /// Reads the chosen files and joins them month by month; the note says which files were read, why,
    /// and what they hold.
    public static func load(_ files: FactorFiles) throws -> (factors: FactorFile, note: String) {
        guard let first = files.paths.first else { throw DataError(path: ".", line: 0, message: "no factor file was chosen") }
        var factors = try FactorFile.read(path: first)
        for path in files.paths.dropFirst() { factors = try factors.joined(with: FactorFile.read(path: path)) }
        return (factors, note(for: factors, files: files.paths, why: files.rule))
    }

    private static func note(for factors: FactorFile, files: [String], why: String) -> String {
        let names = files.map { ($0 as NSString).lastPathComponent }
        let joined = names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " joined with " + (names.last ?? "")
        return "factors: \(joined) (\(why)): \(factors.factorNames.joined(separator: ", "))\(factors.riskFree == nil ? "" : " and rf"), \(factors.months.first?.description ?? "?")…\(factors.months.last?.description ?? "?"); a `factors` statement chooses others"
    }

    /// Whether a CSV file holds factor returns: a tidy header with a market column, or a Ken French header
    /// line (empty first cell) naming `Mkt-RF`, within its first kilobytes.
    static func looksLikeFactors(_ path: String) -> Bool {
        guard let records = CSVFileReader(path: path).firstRecordTexts(count: 12) else { return false }
        return records.contains { record in
            record.dropFirst().contains { FactorFile.canonicalName($0) == "mktrf" }
                && (record.first?.isEmpty == true || FactorFile.isTidy(path: path))
        }
    }

    /// `name` in `folder`, matched without regard to case (`.CSV` or `.csv`), or `nil`.
    static func file(named name: String, in folder: String) -> String? {
        let exact = (folder as NSString).appendingPathComponent(name)
        if FileManager.default.fileExists(atPath: exact) { return exact }
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return nil }
        return entries.sorted().first { $0.lowercased() == name.lowercased() }.map { (folder as NSString).appendingPathComponent($0) }
    }

    /// The regular `.csv` files of `folder` (any case), sorted by name.
    static func csvFiles(in folder: String) -> [String] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return entries.filter { $0.lowercased().hasSuffix(".csv") && !$0.hasPrefix(".") }.sorted()
            .map { (folder as NSString).appendingPathComponent($0) }
            .filter { var isFolder: ObjCBool = false; return FileManager.default.fileExists(atPath: $0, isDirectory: &isFolder) && !isFolder.boolValue }
    }

    /// The folders in order, each once (by standardised path).
    private static func distinct(_ folders: [String]) -> [String] {
        var seen: Set<String> = []
        return folders.filter { seen.insert(($0 as NSString).standardizingPath).inserted }
    }
}

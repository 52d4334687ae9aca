import TiltLinearAlgebra

extension AssetPanel {
    /// Reads a panel from wide CSV files.
    ///
    /// - `returns`: header `month,<asset>,<asset>,...`, one row per month (`YYYY-MM` or `YYYYMM`, strictly
    ///   increasing), monthly returns in decimals, none below -1; empty cells and `NA` are missing (NaN).
    /// - `caps` (optional): the same layout with end-of-month market caps, in any unit, none negative and
    ///   some positive; it must cover the same months and assets (columns may come in another order).
    /// - `sectors` (optional): two columns `asset,sector` with an optional header; every asset of the
    ///   returns file needs exactly one sector; assets not in the returns file are ignored, with a note
    ///   (`notes`) naming the first five and their lines.
    public static func loadWide(returns: String, caps: String? = nil, sectors: String? = nil) throws -> AssetPanel {
        let table = try MonthlyTable(document: CSVDocument(path: returns), returns: .assets)
        let assets = table.values.colLabels ?? []
        let capsMatrix = try caps.map { try alignedCaps(path: $0, months: table.months, assets: assets, returnsPath: returns) }
        let sectorFile = try sectors.map { try sectorMap(path: $0, assets: assets, returnsPath: returns) }
        var panel = try AssetPanel(path: returns, months: table.months, assetIDs: assets, returns: table.values,
                                   marketCaps: capsMatrix, sectors: sectorFile?.names, rowLines: table.rowLines, capsPath: caps)
        if let note = sectorFile?.note { panel.notes.append(note) }
        return panel
    }

    /// The caps file's matrix with its columns put in the order of `assets`. A negative cap is an error at
    /// its cell, and so is a file without one positive cap (a cap-weighted benchmark would have nothing to
    /// weight).
    private static func alignedCaps(path: String, months: [Month], assets: [String], returnsPath: String) throws -> Matrix {
        let document = try CSVDocument(path: path)
        let table = try MonthlyTable(document: document, returns: nil, check: .nonNegative("a market cap"))
        guard table.values.storage.contains(where: { $0 > 0 }) else {
            throw document.error(line: table.rowLines.first ?? table.headerLine, column: nil,
                                 message: "no market cap in the file is positive (all are 0 or missing), so no asset could be weighted by its cap",
                                 hint: "caps are end-of-month market values (price × shares), in any unit")
        }
        let capAssets = table.values.colLabels ?? []
        guard table.months == months else {
            throw monthsDiffer(caps: table, document: document, returns: months, returnsPath: returnsPath)
        }
        let position = Dictionary(uniqueKeysWithValues: capAssets.enumerated().map { ($1, $0) })
        guard Set(capAssets) == Set(assets) else {
            let missing = assets.filter { position[$0] == nil }
            let extra = capAssets.filter { !assets.contains($0) }
            throw DataError(path: path, line: table.headerLine,
                            message: "the caps' assets differ from the returns' (missing: \(missing.prefix(5).joined(separator: ", ")); extra: \(extra.prefix(5).joined(separator: ", ")))")
        }
        return table.values.pickingColumns(assets.compactMap { position[$0] })
    }

    /// The error for a caps file whose months are not the returns' (both strictly increasing): which months
    /// one file has and the other lacks, and which file lacks them. It points at the caps row of the first
    /// month the returns lack; else at the caps row that follows the first month the caps lack (the last
    /// row when that month is after them all).
    private static func monthsDiffer(caps table: MonthlyTable, document: CSVDocument, returns months: [Month],
                                     returnsPath: String) -> DataError {
        let inReturns = Set(months), inCaps = Set(table.months)
        let capsOnly = table.months.filter { !inReturns.contains($0) }
        let returnsOnly = months.filter { !inCaps.contains($0) }
        var parts: [String] = []
        if !capsOnly.isEmpty {
            parts.append("\(Month.listing(capsOnly)) \(capsOnly.count == 1 ? "is" : "are") in the caps but not in the returns (\(returnsPath))")
        }
        if !returnsOnly.isEmpty {
            parts.append("\(Month.listing(returnsOnly)) \(returnsOnly.count == 1 ? "is" : "are") in the returns (\(returnsPath)) but not in the caps")
        }
        let row: Int
        if let month = capsOnly.first, let k = table.months.firstIndex(of: month) {
            row = k
        } else {
            let month = returnsOnly.first ?? months[0]
            row = table.months.firstIndex { $0 > month } ?? table.months.count - 1
        }
        let line = table.rowLines.isEmpty ? table.headerLine : table.rowLines[max(0, row)]
        let fix = [capsOnly.isEmpty ? nil : "add \(capsOnly.count == 1 ? "that month" : "those months") to \(returnsPath) or remove \(capsOnly.count == 1 ? "it" : "them") from the caps",
                   returnsOnly.isEmpty ? nil : "add caps for \(returnsOnly.count == 1 ? "that month" : "those months")"]
            .compactMap { $0 }.joined(separator: "; ")
        return document.error(line: line, column: table.rowLines.isEmpty ? nil : 1,
                              message: "the caps and the returns cover different months: " + parts.joined(separator: "; "),
                              hint: "the caps file needs a row for every month of the returns file and no other: \(fix)")
    }

    /// One sector per asset from an `asset,sector` file, and a note naming the file's assets that are not
    /// among `assets` (the first five, with their lines, and how many), which are ignored.
    private static func sectorMap(path: String, assets: [String], returnsPath: String) throws -> (names: [String], note: String?) {
        let document = try CSVDocument(path: path)
        let records = try document.records().filter { !$0.isBlank }
        guard let first = records.first else {
            throw document.error(line: 1, column: nil, message: "the file is empty")
        }
        let known = Set(assets)
        let hasHeader = !known.contains(document.trimmedText(of: first.fields[0]))
        let checker = NumericRows(document: document, fieldCount: 2, firstValueField: 0,
                                  countSource: "an asset,sector file", columnNames: nil)
        var sectorOf: [String: (sector: String, line: Int)] = [:]
        var extra: [(asset: String, field: CSVField)] = []
        for record in records.dropFirst(hasHeader ? 1 : 0) {
            try checker.checkFieldCount(record)
            let asset = document.trimmedText(of: record.fields[0])
            if let earlier = sectorOf[asset] {
                throw document.error(at: record.fields[0], "asset '\(asset)' already has a sector (line \(earlier.line))")
            }
            sectorOf[asset] = (document.trimmedText(of: record.fields[1]), record.line)
            if !known.contains(asset) { extra.append((asset, record.fields[0])) }
        }
        let missing = assets.filter { sectorOf[$0] == nil }
        guard missing.isEmpty else {
            throw DataError(path: path, line: 0,
                            message: "no sector for \(missing.count) asset(s): \(missing.prefix(5).joined(separator: ", "))")
        }
        var note: String?
        if let first = extra.first {
            let place = DataError(path: path, line: first.field.line, column: first.field.column, message: "").location
            let listed = extra.prefix(5).map { "\($0.asset) (line \($0.field.line))" }.joined(separator: ", ")
            let more = extra.count > 5 ? " and \(extra.count - 5) more" : ""
            note = "\(place): \(extra.count) asset\(extra.count == 1 ? "" : "s") of the sectors file \(extra.count == 1 ? "is" : "are") not in the returns file (\(returnsPath)) and \(extra.count == 1 ? "is" : "are") ignored: \(listed)\(more)"
        }
        return (assets.map { sectorOf[$0]?.sector ?? "" }, note)
    }
}

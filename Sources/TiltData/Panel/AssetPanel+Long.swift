extension AssetPanel {
    /// The names a long panel's columns may have, compared after `longColumnKey` (any case; spaces,
    /// underscores, hyphens and dots left out, so `Market Cap`, `market_cap` and `MarketCap` are one name):
    /// the asset, the month and the return, and optionally the market cap, the sector, and a SIC code
    /// (read as its SIC division when there is no sector column). Docs/data.md lists them.
    static let longColumns: [(key: String, names: [String])] = [
        ("asset", ["asset", "id", "permno", "ticker", "symbol", "stock", "name"]),
        ("month", ["month", "date", "yyyymm", "period"]),
        ("ret", ["ret", "return", "returns"]),
        ("cap", ["cap", "mktcap", "market_cap", "me", "size"]),
        ("sector", ["sector", "industry", "gics_sector"]),
        ("sic", ["siccd", "sic", "sic_code"]),
    ]

    /// A column name as `longColumns` compares it: lower case, without spaces, underscores, hyphens, dots.
    static func longColumnKey(_ name: String) -> String {
        String(name.lowercased().filter { !" _-.\t".contains($0) })
    }

    /// The role (`longColumns`' key) of a header name, if any.
    static func longColumnRole(_ name: String) -> String? {
        let key = longColumnKey(name)
        return longColumns.first { $0.names.contains { longColumnKey($0) == key } }?.key
    }

    /// Whether the file at `path` is a long panel: its header names an asset, a month and a return column
    /// (`longColumns`). Reads only the file's first kilobytes.
    public static func isLongPanel(path: String) -> Bool {
        guard let header = CSVFileReader(path: path).firstRecordTexts() else { return false }
        let roles = Set(header.compactMap(longColumnRole))
        return longColumns.prefix(3).allSatisfy { roles.contains($0.key) }
    }

    /// The hint for a wide returns file whose first column does not hold months: the names by which a long
    /// panel's columns are recognised, and which of the required ones `header` lacks.
    static func longPanelHint(header: [String]) -> String {
        let roles = Set(header.compactMap(longColumnRole))
        let missing = longColumns.prefix(3).map(\.key).filter { !roles.contains($0) }
        let names = longColumns.map { "\($0.key) (\($0.names.joined(separator: ", ")))" }
        return "a wide returns file has the month in its first column and one column per asset; a long panel (one row per asset and month) is read when its header names an asset, a month and a return column — "
            + names.prefix(3).joined(separator: "; ") + "; optionally " + names.dropFirst(3).joined(separator: "; ")
            + " — in any case, spaces and underscores aside" + (missing.isEmpty ? "" : ": this header has no \(missing.joined(separator: " or ")) column")
    }

    /// Reads a long panel: a header naming an asset column, a month (`YYYY-MM`, `YYYYMM` or a date) and a
    /// return (monthly decimals, none below −100%, the file not looking like percent: `PercentCheck`), and
    /// optionally a market cap (end of month, any unit, not negative) and a sector (text; blank is "Other")
    /// or a SIC code (its SIC division), each by one of the names of `longColumns`; other columns are ignored. One row per asset and month, in
    /// any order; a missing row or an empty cell is missing data. The file is streamed, and each asset
    /// keeps only its months from first to last (`PanelStorage`). Assets keep the order in which they first
    /// appear; sectors may change over time (the sector of a month is that row's).
    public static func loadLong(path: String) throws -> AssetPanel {
        let reader = CSVFileReader(path: path)
        var columns: [String: Int]?
        var fieldCount = 0, headerLine = 0
        var retName = "ret"
        var order: [String] = []
        var rowsOf: [String: [LongRow]] = [:]
        var sectorCode: [String: Int32] = [:]
        var sectorNames: [String] = []
        var percent = PercentCheck()
        do { try reader.forEachPiece { piece in
            try piece.forEachRecord { record in
                guard !record.isBlank else { return }
                guard let layout = columns else {
                    (columns, fieldCount, headerLine) = (try longLayout(record, piece), record.fields.count, record.line)
                    retName = piece.trimmedText(of: record.fields[columns?["ret"] ?? 0])
                    return
                }
                let rows = NumericRows(document: piece, fieldCount: fieldCount, firstValueField: 0,
                                       countSource: "the header on line \(headerLine)", columnNames: nil)
                try rows.checkFieldCount(record)
                let asset = piece.trimmedText(of: record.fields[layout["asset", default: 0]])
                guard !asset.isEmpty else { throw piece.error(at: record.fields[layout["asset", default: 0]], "the asset is missing") }
                let month = try piece.month(in: record.fields[layout["month", default: 0]])
                let retField = layout["ret", default: 0]
                let ret = try rows.value(record, field: retField) { $0 }
                percent.add(ret, at: record.fields[retField], in: piece,
                            quote: "'\(piece.trimmedText(of: record.fields[retField]))' in column '\(retName)'") {
                    try rows.checkReturn(ret, record, field: retField, of: .assets)
                }
                var cap = Double.nan
                if let j = layout["cap"] {
                    cap = try rows.value(record, field: j) { $0 }
                    try rows.check(cap, record, field: j, .nonNegative("a market cap"))
                }
                var code: Int32 = -1
                if let j = layout["sector"] ?? layout["sic"] {
                    let text = piece.trimmedText(of: record.fields[j])
                    var sector = text.isEmpty ? SICDivision.other.name : text
                    if layout["sector"] == nil {
                        // A SIC code: its division, as a CRSP extract's (blank or unknown: Other).
                        let sic = try rows.value(record, field: j) { $0 }
                        guard sic.isNaN || Int(exactly: sic) != nil else {
                            throw piece.error(at: record.fields[j], "'\(text)' is not a SIC code (a whole number, 0–9999)")
                        }
                        sector = SICDivision(sicCode: sic.isNaN ? nil : Int(exactly: sic)).name
                    }
                    if let known = sectorCode[sector] { code = known } else {
                        guard sectorNames.count < Int32.max else {
                            throw piece.error(at: record.fields[j], "more than \(Int32.max) different sectors: a sector is a group of assets, not a label per row")
                        }
                        code = Int32(sectorNames.count)
                        sectorCode[sector] = code
                        sectorNames.append(sector)
                    }
                }
                if rowsOf[asset] == nil { order.append(asset) }
                rowsOf[asset, default: []].append(LongRow(month: month.ordinal, ret: ret, cap: cap, sector: code, line: record.line))
            }
        } } catch {
            throw percent.stopped(by: error)
        }
        try percent.finish()
        guard let layout = columns else { throw DataError(path: path, line: 1, message: "the file is empty") }
        guard !order.isEmpty else {
            throw DataError(path: path, line: headerLine, message: "the file has a header but no data rows", lineText: reader.lineText(headerLine))
        }
        var first = Int.max, last = Int.min
        for rows in rowsOf.values { for row in rows { first = min(first, row.month); last = max(last, row.month) } }
        var storage = PanelStorage(hasCaps: layout["cap"] != nil, hasSectors: layout["sector"] != nil || layout["sic"] != nil)
        storage.sectorNames = sectorNames
        for asset in order {
            var rows = rowsOf[asset] ?? []
            rows.sort { ($0.month, $0.line) < ($1.month, $1.line) }
            for (k, row) in rows.enumerated() {
                if k > 0, rows[k - 1].month == row.month {
                    let (earlier, later) = rows[k - 1].line < row.line ? (rows[k - 1], row) : (row, rows[k - 1])
                    let message = "asset '\(asset)' has a second row for \(Month(ordinal: row.month)) (also on line \(earlier.line)): a long panel has one row per asset and month"
                    throw DataError(path: path, line: later.line, message: message, lineText: reader.lineText(later.line))
                }
                storage.append(row: row.month - first, ret: row.ret, cap: row.cap, sector: row.sector)
            }
            storage.finishAsset()
            rowsOf[asset] = nil
        }
        if storage.hasCaps, !storage.caps.contains(where: { $0 > 0 }) {
            throw DataError(path: path, line: headerLine, message: "no market cap in the file is positive (all are 0 or missing), so no asset could be weighted by its cap",
                            lineText: reader.lineText(headerLine))
        }
        let months = (0...(last - first)).map { Month(ordinal: first + $0) }
        return try AssetPanel(path: path, months: months, assetIDs: order, storage: storage)
    }

    /// The field index of each column of a long panel's header (asset, month and ret required).
    private static func longLayout(_ header: CSVRecord, _ document: CSVDocument) throws -> [String: Int] {
        var index: [String: Int] = [:]
        for (j, field) in header.fields.enumerated() {
            guard let key = longColumnRole(document.trimmedText(of: field)) else { continue }
            if index[key] != nil {
                throw document.error(at: field, "a second \(key) column ('\(document.trimmedText(of: field))'): each of asset, month, ret, cap, sector, sic is one column")
            }
            index[key] = j
        }
        let missing = longColumns.prefix(3).map(\.key).filter { index[$0] == nil }
        guard missing.isEmpty else {
            throw document.error(line: header.line, column: nil, message: "a long panel's header names the columns asset, month and ret (and optionally cap, sector); this one lacks \(missing.joined(separator: ", "))")
        }
        return index
    }

    /// Reads a panel in either layout: a long panel (`isLongPanel`) or wide returns with optional companion
    /// `caps` and `sectors` files (`loadWide`); companion files go with wide returns only.
    public static func load(path: String, caps: String? = nil, sectors: String? = nil) throws -> AssetPanel {
        try DataFile.checkReadable(path)
        guard isLongPanel(path: path) else { return try loadWide(returns: path, caps: caps, sectors: sectors) }
        if caps != nil || sectors != nil {
            throw DataError(path: path, line: 1, message: "this is a long panel (asset, month, ret …), whose caps and sectors are its own columns: separate caps or sectors files go with wide returns")
        }
        return try loadLong(path: path)
    }
}

/// One row of a long panel, kept until the file is read (then sorted by month).
private struct LongRow {
    let month: Int
    let ret: Double
    let cap: Double
    let sector: Int32
    let line: Int
}

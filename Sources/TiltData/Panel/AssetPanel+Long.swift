extension AssetPanel {
    /// The names a long panel's columns may have (any case): the asset, the month, the return, and
    /// optionally the market cap and the sector.
    static let longColumns: [(key: String, names: Set<String>)] = [
        ("asset", ["asset", "id", "permno", "ticker", "name"]), ("month", ["month", "date"]),
        ("ret", ["ret", "return"]), ("cap", ["cap", "mktcap", "marketcap", "me"]), ("sector", ["sector", "industry"]),
    ]

    /// Whether the file at `path` is a long panel: its header names an asset, a month and a return column
    /// (`longColumns`). Reads only the file's first kilobytes.
    public static func isLongPanel(path: String) -> Bool {
        guard let header = CSVFileReader(path: path).firstRecordTexts() else { return false }
        let names = Set(header.map { $0.lowercased() })
        return longColumns.prefix(3).allSatisfy { !$0.names.isDisjoint(with: names) }
    }

    /// Reads a long panel: a header naming an asset column (`asset`, `id`, `permno`, `ticker` or `name`), a
    /// month (`month` or `date`: `YYYY-MM`, `YYYYMM` or a date) and a return (`ret` or `return`, monthly
    /// decimals, none below −100%), and optionally `cap` (end-of-month market cap in any unit, not negative)
    /// and `sector` (text; blank is "Other"); other columns are ignored. One row per asset and month, in
    /// any order; a missing row or an empty cell is missing data. The file is streamed, and each asset
    /// keeps only its months from first to last (`PanelStorage`). Assets keep the order in which they first
    /// appear; sectors may change over time (the sector of a month is that row's).
    public static func loadLong(path: String) throws -> AssetPanel {
        let reader = CSVFileReader(path: path)
        var columns: [String: Int]?
        var fieldCount = 0, headerLine = 0
        var order: [String] = []
        var rowsOf: [String: [LongRow]] = [:]
        var sectorCode: [String: Int32] = [:]
        var sectorNames: [String] = []
        try reader.forEachPiece { piece in
            try piece.forEachRecord { record in
                guard !record.isBlank else { return }
                guard let layout = columns else {
                    (columns, fieldCount, headerLine) = (try longLayout(record, piece), record.fields.count, record.line)
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
                try rows.checkReturn(ret, record, field: retField, of: .assets)
                var cap = Double.nan
                if let j = layout["cap"] {
                    cap = try rows.value(record, field: j) { $0 }
                    try rows.check(cap, record, field: j, .nonNegative("a market cap"))
                }
                var code: Int32 = -1
                if let j = layout["sector"] {
                    let text = piece.trimmedText(of: record.fields[j])
                    let sector = text.isEmpty ? SICDivision.other.name : text
                    if let known = sectorCode[sector] { code = known } else {
                        code = Int32(sectorNames.count)
                        sectorCode[sector] = code
                        sectorNames.append(sector)
                    }
                }
                if rowsOf[asset] == nil { order.append(asset) }
                rowsOf[asset, default: []].append(LongRow(month: month.ordinal, ret: ret, cap: cap, sector: code, line: record.line))
            }
        }
        guard let layout = columns else { throw DataError(path: path, line: 1, message: "the file is empty") }
        guard !order.isEmpty else {
            throw DataError(path: path, line: headerLine, message: "the file has a header but no data rows", lineText: reader.lineText(headerLine))
        }
        var first = Int.max, last = Int.min
        for rows in rowsOf.values { for row in rows { first = min(first, row.month); last = max(last, row.month) } }
        var storage = PanelStorage(hasCaps: layout["cap"] != nil, hasSectors: layout["sector"] != nil)
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
            let name = document.trimmedText(of: field).lowercased()
            guard let key = longColumns.first(where: { $0.names.contains(name) })?.key else { continue }
            if index[key] != nil {
                throw document.error(at: field, "a second \(key) column ('\(document.trimmedText(of: field))'): each of asset, month, ret, cap, sector is one column")
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

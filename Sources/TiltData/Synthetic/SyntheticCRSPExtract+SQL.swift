/// Which of WRDS's CRSP table sets: the legacy (SIZ) tables `crsp.msf`/`dsf`, `msenames`, `msedelist`, or
/// the CIZ tables of 2024 `crsp.msf_v2`, `stksecurityinfohist`, `stkdelists`.
public enum CRSPTables: String, Sendable, CaseIterable, Codable {
    case legacy
    case ciz
}

/// Where a CRSP-shaped schema is loaded: a database connection (`COPY … FROM STDIN`) or a psql script.
public protocol SQLLoadTarget {
    /// Runs one SQL statement.
    mutating func execute(_ statement: String) throws
    /// Loads rows into `table (columns)` in PostgreSQL's COPY text format: `rows` calls its argument with
    /// each line (tab-separated fields, `\N` for NULL, ending in a line break).
    mutating func copy(into table: String, columns: [String], rows: ((String) throws -> Void) throws -> Void) throws
}

extension SyntheticCRSPExtract {
    /// Creates the schema `crsp` with WRDS's table and column names, as many as Tilt reads (Docs/data.md),
    /// and loads the extract into it: legacy `msf` (or `dsf` when `daily`), `msenames` (a row per period of
    /// unchanged codes) and `msedelist` (every stock: its delisting, or code 100 for a stock still active);
    /// or CIZ `msf_v2` (returns of a delisting month include the delisting return), `stksecurityinfohist`
    /// and `stkdelists`. Dates are SQL dates, numbers double precision (written in full precision, so a
    /// query reads back exactly the CSV extract's numbers).
    public func loadSchema(into target: inout some SQLLoadTarget, tables: CRSPTables, daily: Bool) throws {
        try target.execute("CREATE SCHEMA IF NOT EXISTS crsp")
        let number = { (x: Double?) in x.map { "\($0)" } ?? "\\N" }
        let date = { (m: Month, d: Int) in SyntheticCRSPExtract.isoDate(m, max(d, 1)) }
        let months = market.panel.months
        switch tables {
        case .legacy:
            let stockFile = daily ? "crsp.dsf" : "crsp.msf"
            try target.execute("CREATE TABLE \(stockFile) (permno integer, date date, ret double precision, prc double precision, shrout double precision, vol double precision)")
            try target.execute("CREATE TABLE crsp.msenames (permno integer, namedt date, nameendt date, shrcd integer, exchcd integer, siccd integer)")
            try target.execute("CREATE TABLE crsp.msedelist (permno integer, dlstdt date, dlstcd integer, dlret double precision)")
            try target.copy(into: stockFile, columns: ["permno", "date", "ret", "prc", "shrout", "vol"]) { emit in
                try forEachRow(daily: daily) { row in
                    guard !row.isDelisting else { return }
                    try emit("\(row.permno)\t\(date(row.month, row.day))\t\(number(row.ret))\t\(number(row.price))\t\(number(row.shares.map(Double.init)))\t\(number(row.volume.map(Double.init)))\n")
                }
            }
            try target.copy(into: "crsp.msenames", columns: ["permno", "namedt", "nameendt", "shrcd", "exchcd", "siccd"]) { emit in
                for (j, listing) in listings.enumerated() {
                    for (from, to) in periods(listing) {
                        try emit("\(market.panel.assetIDs[j])\t\(date(months[from], 1))\t\(date(months[to], Month.dayCount(year: months[to].year, month: months[to].month)))\t\(listing.shareCode)\t\(listing.exchange(from))\t\(listing.sicCode(from, base: market.sicCodes[j]))\n")
                    }
                }
            }
            try target.copy(into: "crsp.msedelist", columns: ["permno", "dlstdt", "dlstcd", "dlret"]) { emit in
                for (j, listing) in listings.enumerated() {
                    if let d = listing.delisting {
                        try emit("\(market.panel.assetIDs[j])\t\(date(months[d.month], d.day))\t\(d.code)\t\(number(d.ret))\n")
                    } else {
                        let last = months[listing.lastMonth]
                        try emit("\(market.panel.assetIDs[j])\t\(date(last, Month.dayCount(year: last.year, month: last.month)))\t\(CRSPDelisting.activeCode)\t\\N\n")
                    }
                }
            }
        case .ciz:
            try target.execute("CREATE TABLE crsp.msf_v2 (permno integer, mthcaldt date, mthret double precision, mthprc double precision, shrout double precision)")
            try target.execute("CREATE TABLE crsp.stksecurityinfohist (permno integer, secinfostartdt date, secinfoenddt date, siccd integer, sharetype text, securitytype text, securitysubtype text, usincflg text, issuertype text, primaryexch text, conditionaltype text, tradingstatusflg text)")
            try target.execute("CREATE TABLE crsp.stkdelists (permno integer, delistingdt date, delactiontype text, delret double precision)")
            try target.copy(into: "crsp.msf_v2", columns: ["permno", "mthcaldt", "mthret", "mthprc", "shrout"]) { emit in
                for (j, listing) in listings.enumerated() {
                    var rows: [Row] = []
                    forEachRow(daily: false, stocks: j..<(j + 1)) { rows.append($0) }
                    for row in rows where !row.isDelisting {
                        var ret = row.ret
                        if let d = listing.delisting, d.month == months.firstIndex(of: row.month), let r = ret {
                            ret = r + (d.effectiveReturn + r * d.effectiveReturn)   // CIZ: the delisting return is in the month's (compounded as the legacy path does)
                        }
                        try emit("\(row.permno)\t\(date(row.month, row.day))\t\(number(ret))\t\(number(row.price))\t\(number(row.shares.map(Double.init)))\n")
                    }
                    if let d = listing.delisting, !d.tradesInMonth {
                        try emit("\(market.panel.assetIDs[j])\t\(date(months[d.month], d.day))\t\(d.effectiveReturn)\t\\N\t\\N\n")
                    }
                }
            }
            try target.copy(into: "crsp.stksecurityinfohist", columns: ["permno", "secinfostartdt", "secinfoenddt", "siccd", "sharetype", "securitytype", "securitysubtype", "usincflg", "issuertype", "primaryexch", "conditionaltype", "tradingstatusflg"]) { emit in
                for (j, listing) in listings.enumerated() {
                    let common = CRSPOptions.commonShareCodes.contains(listing.shareCode)
                    let share = common ? "NS\tEQTY\tCOM\tY\tCORP" : (listing.shareCode == 73 ? "NS\tFUND\tETF\tY\tFUND" : "AD\tEQTY\tCOM\tN\tCORP")
                    for (from, to) in periods(listing) {
                        let exchange = ["N", "A", "Q"].indices.contains(listing.exchange(from) - 1) ? ["N", "A", "Q"][listing.exchange(from) - 1] : "X"
                        try emit("\(market.panel.assetIDs[j])\t\(date(months[from], 1))\t\(date(months[to], Month.dayCount(year: months[to].year, month: months[to].month)))\t\(listing.sicCode(from, base: market.sicCodes[j]))\t\(share)\t\(exchange)\tRW\tA\n")
                    }
                }
            }
            try target.copy(into: "crsp.stkdelists", columns: ["permno", "delistingdt", "delactiontype", "delret"]) { emit in
                for (j, listing) in listings.enumerated() {
                    guard let d = listing.delisting else { continue }
                    try emit("\(market.panel.assetIDs[j])\t\(date(months[d.month], d.day))\tDEL\t\(number(d.ret))\n")
                }
            }
        }
    }

    /// The periods (first, last month) of unchanged codes of a listing, through its delisting month.
    private func periods(_ listing: Listing) -> [(Int, Int)] {
        let end = max(listing.lastMonth, listing.delisting?.month ?? listing.lastMonth)
        let changes = Set([listing.exchangeChange?.month, listing.sicChange?.month].compactMap { $0 }.filter { $0 > listing.firstMonth && $0 <= end })
        let starts = [listing.firstMonth] + changes.sorted()
        return starts.enumerated().map { k, start in (start, k + 1 < starts.count ? starts[k + 1] - 1 : end) }
    }
}

/// A psql script: statements, and COPY blocks in text format (load with `psql -f FILE`).
public struct PSQLScript: SQLLoadTarget {
    /// Receives the script's text in pieces.
    let write: (String) throws -> Void

    public init(write: @escaping (String) throws -> Void) { self.write = write }

    public mutating func execute(_ statement: String) throws { try write(statement + ";\n") }

    public mutating func copy(into table: String, columns: [String], rows: ((String) throws -> Void) throws -> Void) throws {
        try write("COPY \(table) (\(columns.joined(separator: ", "))) FROM stdin;\n")
        try rows(write)
        try write("\\.\n")
    }
}

import Foundation
import TiltData

/// Reads a CRSP universe straight from WRDS's PostgreSQL service (or any PostgreSQL server with its
/// tables), with the same result as the CSV path: the query's rows become `CRSPRow`s and go through the same
/// `CRSPPanelBuilder`, streamed (never the whole result in memory).
///
/// Tables and columns read (Docs/data.md):
/// - legacy (SIZ): `crsp.msf` (daily `crsp.dsf`): permno, date, ret, prc, shrout; `crsp.msenames`: permno,
///   namedt, nameendt, shrcd, exchcd, siccd (the codes valid at each row's date); `crsp.msedelist`:
///   permno, dlstdt, dlstcd, dlret (code 100, "active", is no delisting).
/// - CIZ (2024): `crsp.msf_v2`: permno, mthcaldt, mthret (which includes delisting returns), mthprc, shrout;
///   `crsp.stksecurityinfohist`: permno, secinfostartdt, secinfoenddt, siccd, and for the screen sharetype
///   = NS, securitytype = EQTY, securitysubtype = COM, usincflg = Y, issuertype in ACOR, CORP (a common
///   share) and primaryexch in N, A, Q, conditionaltype in RW, NW, tradingstatusflg = A (on NYSE, AMEX or
///   NASDAQ); `crsp.stkdelists`: permno, delistingdt (the month is flagged: not eligible at its end).
public enum CRSPDatabase {
    /// What `universe crsp(database: …)` asks for.
    public struct Request: Sendable {
        /// A libpq connection string: a URL or `key=value` pairs; "" for the environment (PG* variables,
        /// `~/.pgpass`, `PGSERVICE`).
        public var conninfo: String
        /// A password to connect with beyond those libpq finds itself (`~/.pgpass`, `PGPASSWORD`): one the
        /// program wrote, kept out of the plan (`connectionWithoutPassword`).
        public var password: String?
        /// The table set; `nil` chooses CIZ when `crsp.msf_v2` exists, else legacy.
        public var tables: CRSPTables?
        /// Daily stock file (`crsp.dsf`, legacy only) instead of monthly.
        public var daily: Bool
        public var options: CRSPOptions

        public init(conninfo: String, password: String? = nil, tables: CRSPTables? = nil, daily: Bool = false,
                    options: CRSPOptions = CRSPOptions()) {
            self.conninfo = conninfo
            self.password = password
            self.tables = tables
            self.daily = daily
            self.options = options
        }
    }

    /// A universe read from the database and what was read, for a note.
    public struct Loaded: Sendable {
        public let panel: AssetPanel
        public let note: String
    }

    /// Connects, checks the tables, streams the query into a panel. `progress` gets (rows read, rows
    /// expected).
    public static func load(_ request: Request, progress: ((Int, Int) -> Void)? = nil) throws -> Loaded {
        let connection = try PostgresConnection(conninfo: request.conninfo, password: request.password)
        let tables = try request.tables ?? (exists("crsp.msf_v2", connection) ? .ciz : .legacy)
        if request.daily, tables == .ciz {
            throw DatabaseError("daily CIZ data (crsp.dsf_v2) is not read yet: use `tables: legacy` for crsp.dsf")
        }
        let names = tableNames(tables, daily: request.daily)
        for name in names where !(try exists(name, connection)) {
            throw DatabaseError("\(connection.target): table \(name) does not exist",
                                hint: "the \(tables.rawValue) CRSP tables are \(names.joined(separator: ", ")); `tables: \(tables == .ciz ? "legacy" : "ciz")` reads the other set")
        }
        let (from, to) = bounds(request.options)
        let stockFile = names[0]
        let dateColumn = tables == .ciz ? "mthcaldt" : "date"
        let expected = Int(try connection.scalar("SELECT count(*) FROM \(stockFile) WHERE \(dateColumn) >= '\(from)' AND \(dateColumn) < '\(to)'") ?? "0") ?? 0
        let location = DatabaseRowLocation(path: "\(names.joined(separator: ", ")) on \(connection.target)")
        var builder = CRSPPanelBuilder(options: request.options, hasShareCodes: true, hasExchangeCodes: true)
        var count = 0
        try connection.stream(query(tables, daily: request.daily, from: from, to: to)) { fields in
            count += 1
            try builder.add(row(fields, tables: tables, number: count, location: location), location: location)
            if count % 10_000 == 0 { progress?(count, max(expected, count)) }
        }
        progress?(count, max(expected, count))
        let panel = try builder.panel(location: location)
        let note = "read \(count) rows of \(location.path): \(panel.assetIDs.count) stocks, \(panel.months.first?.description ?? "?")…\(panel.months.last?.description ?? "?")"
        return Loaded(panel: panel, note: note)
    }

    /// `conninfo` without its password, and the password (`nil` when it has none), so that a plan, a log or
    /// a message can show where Tilt connects without the secret. A string with a password is rewritten as
    /// libpq's `key=value` pairs (parsed by libpq itself: URLs, their `?password=` and `key=value` forms
    /// alike); one without is kept as written. Throws when libpq cannot parse it, with libpq's reason.
    public static func connectionWithoutPassword(_ conninfo: String) throws -> (connection: String, password: String?) {
        let settings = try PostgresConnection.settings(conninfo)
        guard let password = settings.first(where: { $0.key == "password" })?.value else { return (conninfo, nil) }
        let kept = settings.filter { $0.key != "password" }.map { "\($0.key)=\(PostgresConnection.quoted($0.value))" }
        return (kept.joined(separator: " "), password)
    }

    /// Creates WRDS's CRSP tables from a synthetic extract in the database `conninfo` names (tests,
    /// `tilt synth --database`); the schema `crsp` must not hold them yet.
    public static func loadSchema(_ extract: SyntheticCRSPExtract, conninfo: String, tables: CRSPTables, daily: Bool) throws {
        var target = ConnectionTarget(connection: try PostgresConnection(conninfo: conninfo))
        try extract.loadSchema(into: &target, tables: tables, daily: daily)
    }

    /// The tables a set reads, stock file first.
    static func tableNames(_ tables: CRSPTables, daily: Bool) -> [String] {
        switch tables {
        case .legacy: return [daily ? "crsp.dsf" : "crsp.msf", "crsp.msenames", "crsp.msedelist"]
        case .ciz: return ["crsp.msf_v2", "crsp.stksecurityinfohist", "crsp.stkdelists"]
        }
    }

    private static func exists(_ table: String, _ connection: PostgresConnection) throws -> Bool {
        try connection.scalar("SELECT to_regclass('\(table)')::text") != nil
    }

    /// The dates of the query: from the first day of `options.from` (CRSP's start by default) to before
    /// the first day after `options.to`.
    private static func bounds(_ options: CRSPOptions) -> (String, String) {
        let from = options.from.map { "\($0)-01" } ?? "1925-01-01"
        let to = options.to.map { "\($0 + 1)-01" } ?? "9000-01-01"
        return (from, to)
    }

    /// The query of a table set: data rows with the codes valid at their date, and the delistings as rows
    /// of their own, ordered by permno and date (so a daily month compounds in calendar order, as a
    /// sorted CSV extract does).
    static func query(_ tables: CRSPTables, daily: Bool, from: String, to: String) -> String {
        switch tables {
        case .legacy:
            let stockFile = daily ? "crsp.dsf" : "crsp.msf"
            return """
            SELECT s.permno, s.date, s.ret, s.prc, s.shrout, n.siccd, n.shrcd, n.exchcd, NULL::double precision, NULL::integer, NULL::date
            FROM \(stockFile) s LEFT JOIN crsp.msenames n ON n.permno = s.permno AND s.date BETWEEN n.namedt AND n.nameendt
            WHERE s.date >= '\(from)' AND s.date < '\(to)'
            UNION ALL
            SELECT d.permno, d.dlstdt, NULL, NULL, NULL, NULL, NULL, NULL, d.dlret, d.dlstcd, d.dlstdt
            FROM crsp.msedelist d WHERE d.dlstcd <> \(CRSPDelisting.activeCode) AND d.dlstdt >= '\(from)' AND d.dlstdt < '\(to)'
            ORDER BY 1, 2
            """
        case .ciz:
            return """
            SELECT m.permno, m.mthcaldt, m.mthret, m.mthprc, m.shrout, h.siccd,
                   coalesce(h.sharetype = 'NS' AND h.securitytype = 'EQTY' AND h.securitysubtype = 'COM' AND h.usincflg = 'Y' AND h.issuertype IN ('ACOR', 'CORP'), false),
                   coalesce(h.primaryexch IN ('N', 'A', 'Q') AND h.conditionaltype IN ('RW', 'NW') AND h.tradingstatusflg = 'A', false),
                   NULL::date
            FROM crsp.msf_v2 m LEFT JOIN crsp.stksecurityinfohist h ON h.permno = m.permno AND m.mthcaldt BETWEEN h.secinfostartdt AND h.secinfoenddt
            WHERE m.mthcaldt >= '\(from)' AND m.mthcaldt < '\(to)'
            UNION ALL
            SELECT d.permno, d.delistingdt, NULL, NULL, NULL, NULL, NULL, NULL, d.delistingdt
            FROM crsp.stkdelists d WHERE d.delistingdt >= '\(from)' AND d.delistingdt < '\(to)'
            ORDER BY 1, 2
            """
        }
    }

    /// One streamed row as a `CRSPRow` (the columns of `query`).
    static func row(_ fields: PostgresConnection.Fields, tables: CRSPTables, number: Int, location: DatabaseRowLocation) throws -> CRSPRow {
        func double(_ k: Int) -> Double? {
            guard let text = fields.text(k) else { return nil }
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(text, &end)
            return end?.pointee == 0 ? value : nil
        }
        func integer(_ k: Int) -> Int? { double(k).flatMap { $0 == $0.rounded() && abs($0) < 1e15 ? Int($0) : nil } }
        func date(_ k: Int) -> (Month, Int)? {
            guard let text = fields.string(k) else { return nil }
            return Month.calendarDate(text)
        }
        guard let permno = integer(0), let (month, day) = date(1) else {
            throw location.error(line: number, column: nil, "query row \(number) has no permno or date")
        }
        let ret = double(2) ?? .nan, prc = double(3) ?? .nan
        if ret < -1 {
            throw location.error(line: number, column: "ret", "permno \(permno) on \(month)-\(day): the return \(ret) is below −100%")
        }
        var row = CRSPRow(permno: permno, month: month, day: day, ret: ret, prc: prc, shrout: double(4) ?? .nan,
                          siccd: integer(5), commonShare: nil, mainExchange: nil,
                          isDataRow: fields.text(2) != nil || fields.text(3) != nil, delisting: nil, line: number)
        switch tables {
        case .legacy:
            row.commonShare = integer(6).map(CRSPOptions.commonShareCodes.contains) ?? false
            row.mainExchange = integer(7).map(CRSPOptions.mainExchangeCodes.contains) ?? false
            let code = integer(9), dlret = double(8) ?? .nan
            if let (dMonth, dDay) = date(10), code != CRSPDelisting.activeCode, code != nil || !dlret.isNaN {
                row.delisting = CRSPDelisting(month: dMonth, day: dDay, code: code, ret: dlret, hasDate: true)
            }
        case .ciz:
            row.commonShare = fields.string(6) == "t"
            row.mainExchange = fields.string(7) == "t"
            if let (dMonth, dDay) = date(8) {
                row.delisting = CRSPDelisting(month: dMonth, day: dDay, code: nil, ret: .nan, hasDate: true, isInReturn: true)
            }
        }
        return row
    }
}

/// Rows of a query, for messages: "query row N" (a database has no lines).
struct DatabaseRowLocation: CRSPRowLocation {
    let path: String

    func error(line: Int, column: String?, _ message: String) -> DataError {
        DataError(path: path, line: 0, message: line > 0 ? "query row \(line)\(column.map { " (\($0))" } ?? ""): \(message)" : message)
    }

    func cellText(line: Int, column: String) -> String? { nil }
    func firstLine(permno: Int, month: Month, day: Int) -> Int? { nil }
}

/// A connection as the target of a schema load.
struct ConnectionTarget: SQLLoadTarget {
    let connection: PostgresConnection

    mutating func execute(_ statement: String) throws { try connection.execute(statement) }

    mutating func copy(into table: String, columns: [String], rows: ((String) throws -> Void) throws -> Void) throws {
        try connection.copy(into: table, columns: columns, rows: rows)
    }
}

import Foundation
import TiltLinearAlgebra

/// Where CRSP rows come from, for messages about them: a CSV file (lines), a database query (rows).
public protocol CRSPRowLocation {
    /// The source's name in messages (a file's path, `crsp.msf on host/db`).
    var path: String { get }
    /// An error about the row at `line`, pointing at its cell in `column` (a lower-case CRSP column name
    /// such as "date" or "shrout") when the source can.
    func error(line: Int, column: String?, _ message: String) -> DataError
    /// The text of the `column` cell of the row at `line` as written, when the source can give it.
    func cellText(line: Int, column: String) -> String?
    /// The line of the first row of `permno` dated `month`/`day` (0: no day), when the source can find it.
    func firstLine(permno: Int, month: Month, day: Int) -> Int?
}

/// Turns CRSP rows, streamed in any order, into a sparse monthly `AssetPanel`, keeping per stock only one
/// small record per month (a daily extract's days are compounded as they arrive), so that memory follows
/// the number of stock-months, never the number of rows or months × stocks.
///
/// - **Daily or monthly**, for the whole extract (`RowsPerMonth`): daily when most data rows share their
///   stock and calendar month with another row and some stock-month has three or more; a month's return is
///   then Π(1 + r) − 1 over the stock's rows in it (compounded in the order the rows come, which for rows
///   sorted by date is the calendar's). Otherwise monthly, and a stock-month with two or more data rows is
///   an error at its second row (Docs/conventions.md): a few duplicated stock-months, of any count, never
///   make a monthly extract daily. A row without RET and PRC is an event row (a delisting, a name change)
///   and counts as no data row.
/// - **Missing returns** (NaN): one missing day makes the month's return missing; nothing is filled in.
/// - **Market cap**: |PRC| × SHROUT on the stock's latest-dated row of the month ($ thousands); NaN when the
///   price is missing or 0. A negative SHROUT is an error at its cell, and so is a cap beyond a double's
///   range (it would otherwise leave the stock out of the universe in silence).
/// - **As of the month**: SIC code, share code and exchange come from the stock's latest-dated data row
///   of each month, never from a later row: the sector and the screen at a rebalance are those valid then.
/// - **Screen** (`CRSPOptions.commonSharesOnly`): when the rows carry SHRCD (EXCHCD), a month whose code is
///   not 10 or 11 (not 1, 2 or 3), or is blank, is left out of the universe (`AssetPanel.isScreenedOut`);
///   a stock never in the universe is dropped.
/// - **Delisting**: in the month of DLSTDT the stock's return is (1 + r)(1 + DLRET) − 1 with r the month's
///   (partial) return, DLRET alone when r is missing, and a month holding only DLRET when the stock has no
///   row that month; a missing DLRET follows `CRSPDelisting.effectiveReturn`. That month is flagged: the
///   stock is not eligible at its end.
/// - **Dates** must lie in 1900…8999: a date before 1900 or a sentinel such as 9999-12-31 is an error at
///   its cell, never a month of data.
public struct CRSPPanelBuilder {
    let options: CRSPOptions
    /// Whether the rows carry share / exchange codes (columns present), so the screen applies.
    let screensShares: Bool
    let screensExchanges: Bool
    private var stocks: [Int: Stock] = [:]
    /// Data rows seen.
    public private(set) var dataRows = 0
    /// The first rows (up to three) whose RET is above `extremeReturn`, and how many there are.
    private var extremeRows: [(permno: Int, month: Month, line: Int, ret: Double)] = []
    private var extremeRowCount = 0

    /// A RET above this (+1,000% in one month) is noted, not refused: CRSP has genuine extremes (a penny
    /// stock's month), but one this large is also what a return typed in percent (45 for 45%) looks like.
    public static let extremeReturn = 10.0

    public init(options: CRSPOptions, hasShareCodes: Bool, hasExchangeCodes: Bool) {
        self.options = options
        screensShares = options.commonSharesOnly && hasShareCodes
        screensExchanges = options.commonSharesOnly && hasExchangeCodes
    }

    /// Adds one row. Throws (through `location`) at a date outside 1900…8999, a negative SHROUT, a PRC and
    /// SHROUT whose product (the cap) overflows, a date a stock already has, or a delisting that contradicts
    /// an earlier one of the same stock.
    public mutating func add(_ row: CRSPRow, location: some CRSPRowLocation) throws {
        try CRSPPanelBuilder.checkDate(row.month, line: row.line, column: "date", location: location)
        if let delisting = row.delisting {
            try CRSPPanelBuilder.checkDate(delisting.month, line: row.line, column: delisting.hasDate ? "dlstdt" : "date", location: location)
        }
        if row.shrout < 0 {
            throw location.error(line: row.line, column: "shrout",
                                 "SHROUT \(location.cellText(line: row.line, column: "shrout") ?? "\(row.shrout)") is negative: shares outstanding (thousands) are 0 or more")
        }
        if (abs(row.prc) * row.shrout).isInfinite {
            // Read on, the cap would be infinite and the stock silently never eligible (a cap must be finite).
            let written = { (column: String, value: Double) in location.cellText(line: row.line, column: column) ?? "\(value)" }
            throw location.error(line: row.line, column: "prc",
                                 "the market cap |PRC| × SHROUT = \(written("prc", row.prc)) × \(written("shrout", row.shrout)) is beyond a double's range (±1.8e308): PRC is in $, SHROUT in thousands of shares")
        }
        if let from = options.from, row.month < from { return }
        if let to = options.to, row.month > to { return }
        if row.isDataRow { dataRows += 1 }
        if row.ret > CRSPPanelBuilder.extremeReturn {
            extremeRowCount += 1
            if extremeRows.count < 3 { extremeRows.append((row.permno, row.month, row.line, row.ret)) }
        }
        try stocks[row.permno, default: Stock()].add(row, location: location)
    }

    private static func checkDate(_ month: Month, line: Int, column: String, location: some CRSPRowLocation) throws {
        guard month.year < 1900 || month.year >= 9000 else { return }
        let written = location.cellText(line: line, column: column) ?? month.description
        throw location.error(line: line, column: column,
                             "'\(written)' is not a date of a CRSP stock file (CRSP starts in 1925): a placeholder such as 9999-12-31 or 1000-01-01 cannot be a month of data")
    }

    /// The panel of the rows added, emptying the builder as it goes (each stock's months are handed over,
    /// never held twice). Throws when there are no data rows, or (monthly) at a stock's second data row in a
    /// month.
    public mutating func panel(location: some CRSPRowLocation) throws -> AssetPanel {
        guard !stocks.isEmpty else {
            throw location.error(line: 0, column: nil, "there are no data rows")
        }
        let permnos = stocks.keys.sorted()
        let shape = RowsPerMonth(stocks.values)
        if !shape.isDaily { try checkOneRowPerMonth(shape, location: location) }
        // The stocks kept (in the universe in some month) and the months they span, delistings included.
        var kept: [Int] = []
        var first = Int32.max, last = Int32.min
        for permno in permnos {
            guard let stock = stocks[permno], !stock.cells.isEmpty else { continue }
            if screensShares || screensExchanges, !stock.cells.contains(where: { !isScreenedOut($0) }) { continue }
            kept.append(permno)
            let delisted = stock.delisting.map { Int32($0.month.ordinal) }
            first = min(first, stock.cells[0].month, delisted ?? .max)
            last = max(last, stock.cells[stock.cells.count - 1].month, delisted ?? .min)
        }
        guard !kept.isEmpty else {
            throw location.error(line: 0, column: nil, stocks.values.contains { !$0.cells.isEmpty }
                                    ? "no row is a common share (SHRCD 10 or 11) on NYSE, AMEX or NASDAQ (EXCHCD 1, 2 or 3)"
                                    : "there are no data rows (only event rows without RET or PRC)")
        }
        var storage = PanelStorage(hasCaps: true, hasSectors: true)
        var codeOf: [String: Int32] = [:]
        for permno in kept {
            guard var stock = stocks.removeValue(forKey: permno) else { continue }
            stock.applyDelisting()
            for cell in stock.cells {
                let sector = options.sectors.sector(sicCode: cell.siccd == Cell.unknown ? nil : Int(cell.siccd))
                let code: Int32
                if let known = codeOf[sector] {
                    code = known
                } else {
                    code = Int32(storage.sectorNames.count)
                    codeOf[sector] = code
                    storage.sectorNames.append(sector)
                }
                var flags: PanelStorage.Flags = cell.delists ? [.delisting] : []
                if isScreenedOut(cell) { flags.insert(.screenedOut) }
                storage.append(row: Int(cell.month - first), ret: cell.monthReturn, cap: cell.cap, sector: code, flags: flags)
            }
            storage.finishAsset()
        }
        stocks = [:]
        let months = (0...Int(last - first)).map { Month(ordinal: Int(first) + $0) }
        var panel = try AssetPanel(path: location.path, months: months, assetIDs: kept.map(String.init), storage: storage)
        if let note = extremeReturnNote(location: location) { panel.notes.append(note) }
        return panel
    }

    /// The note for rows whose RET is above `extremeReturn`: the first one's place (`path:line:col`),
    /// permno and month, and how many there are, with the next two.
    private func extremeReturnNote(location: some CRSPRowLocation) -> String? {
        guard let first = extremeRows.first else { return nil }
        let place = location.error(line: first.line, column: "ret", "").location
        let written = location.cellText(line: first.line, column: "ret") ?? "\(first.ret)"
        var note = "\(place): RET \(written) of permno \(first.permno) in \(first.month) is a return of +\(CRSPPanelBuilder.percent(first.ret)) in one month: CRSP has such extremes, but check it, as a return written in percent (45 for 45%) is read 100 times too large (RET is in decimals: 0.45 for 45%)"
        if extremeRowCount > 1 {
            let others = extremeRows.dropFirst().map { "permno \($0.permno) in \($0.month) (line \($0.line))" }
            let more = extremeRowCount - extremeRows.count
            note += "; \(extremeRowCount) rows have a RET above \(String(format: "%g", CRSPPanelBuilder.extremeReturn)) (+\(CRSPPanelBuilder.percent(CRSPPanelBuilder.extremeReturn))), also \(others.joined(separator: ", "))\(more > 0 ? " and \(more) more" : "")"
        }
        return note
    }

    /// A return as a whole percentage with thousands separators (45 → "4,500%").
    static func percent(_ ret: Double) -> String {
        // Clamped: a RET of 1e300 is a finite Double that no Int holds.
        let whole = Int(clamping: ret * 100, rounding: .toNearestOrAwayFromZero, to: Int.min...Int.max)
        let digits = String(whole.magnitude)
        var grouped = ""
        for (k, c) in digits.enumerated() {
            if k > 0, (digits.count - k) % 3 == 0 { grouped.append(",") }
            grouped.append(c)
        }
        return (whole < 0 ? "-" : "") + grouped + "%"
    }

    private func isScreenedOut(_ cell: Cell) -> Bool {
        (screensShares && cell.commonShare != 1) || (screensExchanges && cell.mainExchange != 1)
    }

    /// In a monthly extract each stock has one data row per month: the stock-month with more than one
    /// whose second row comes first in the file is an error at that row, naming the others.
    private func checkOneRowPerMonth(_ shape: RowsPerMonth, location: some CRSPRowLocation) throws {
        var repeated: [(permno: Int, cell: Cell)] = []
        for (permno, stock) in stocks {
            for cell in stock.cells where cell.rows >= 2 { repeated.append((permno, cell)) }
        }
        guard !repeated.isEmpty else { return }
        repeated.sort { ($0.cell.secondLine, $0.permno, $0.cell.month) < ($1.cell.secondLine, $1.permno, $1.cell.month) }
        let (permno, cell) = repeated[0]
        let month = Month(ordinal: Int(cell.month))
        let firstDate = location.cellText(line: cell.firstLine, column: "date")
            ?? (cell.firstDay > 0 ? "\(month)-\(cell.firstDay < 10 ? "0" : "")\(cell.firstDay)" : "\(month)")
        let count = cell.rows > 2 ? "; \(cell.rows) rows in that month" : ""
        let share = "\(repeated.count) of \(shape.cells) stock-month\(shape.cells == 1 ? "" : "s") \(repeated.count == 1 ? "has" : "have") more than one row"
        var error = location.error(line: cell.secondLine, column: "date",
                                   "permno \(permno) has a second row in \(month) (also \(firstDate) on line \(cell.firstLine)\(count)): the extract is monthly, one row per stock and month (\(share); in daily data most rows share their stock and month)")
        let others = repeated.dropFirst()
        let listed = others.prefix(3).map { "permno \($0.permno) in \(Month(ordinal: Int($0.cell.month))) (line \($0.cell.secondLine))" }
        let also = others.isEmpty ? ""
            : "; also " + listed.joined(separator: ", ") + (others.count > listed.count ? " and \(others.count - listed.count) more" : "")
        error.hint = "keep one row per stock and month (WRDS's crsp.msf dates it at the month's last trading day)\(also); a daily extract (crsp.dsf) has a row per trading day, and is read as daily when most rows share their stock and month"
        throw error
    }
}

/// How many data rows the extract's stock-months hold, which decides daily or monthly for the whole
/// extract: daily when most data rows share their stock and month with another row and some stock-month
/// has three or more (a stock listed all month has about 21; one listed on a month's last days still 2 or 3).
/// A monthly extract in which a few stock-months have 2, 3 or more rows (duplicated or misdated rows) stays
/// monthly, and those rows are an error, never compounded.
private struct RowsPerMonth {
    /// Stock-months with a data row, data rows, and the rows in stock-months holding two or more.
    private(set) var cells = 0, rows = 0, sharedRows = 0
    private(set) var most: Int32 = 0

    init(_ stocks: some Sequence<Stock>) {
        for stock in stocks {
            for cell in stock.cells where cell.rows > 0 {
                cells += 1
                rows += Int(cell.rows)
                if cell.rows >= 2 { sharedRows += Int(cell.rows) }
                most = max(most, cell.rows)
            }
        }
    }

    var isDaily: Bool { most >= 3 && 2 * sharedRows > rows }
}

/// One stock's month: its data rows folded together.
private struct Cell {
    static let unknown = Int16.min

    var month: Int32
    /// Data rows in the month, and a bit per day seen (bit 0: a date without a day).
    var rows: Int32 = 0
    var days: UInt32 = 0
    var firstDay: Int8 = 0
    var firstLine = 0, secondLine = 0
    /// Π(1 + r) − 1 over the rows so far; `missing` once a row's return is missing.
    var compounded = 0.0
    var missing = false
    /// Day of the latest-dated row (its cap and codes are the month's), −1 before any.
    var latestDay: Int8 = -1
    var cap = Double.nan
    var siccd = Cell.unknown
    /// 1 when a common share (on a main exchange) as of the month, 0 when not or blank, −1 unknown.
    var commonShare: Int8 = -1, mainExchange: Int8 = -1
    /// Set when the stock delists in this month.
    var delists = false

    init(month: Int32) { self.month = month }

    var monthReturn: Double { missing ? .nan : compounded }

    /// A code as stored: `unknown` for blank or out of range.
    static func code(_ value: Int?) -> Int16 { value.flatMap { Int16(exactly: $0) } ?? unknown }
    static func flag(_ value: Bool?) -> Int8 { value.map { $0 ? 1 : 0 } ?? -1 }
}

private struct Stock {
    var cells: [Cell] = []
    var delisting: CRSPDelisting?
    var delistingLine = 0

    mutating func add(_ row: CRSPRow, location: some CRSPRowLocation) throws {
        if let delisting = row.delisting { try record(delisting, line: row.line, permno: row.permno, location: location) }
        guard row.isDataRow else { return }
        let k = cellIndex(Int32(row.month.ordinal))
        let day = max(0, min(row.day, 31))
        let bit = UInt32(1) << UInt32(day)
        if cells[k].days & bit != 0 {
            let earlier = location.firstLine(permno: row.permno, month: row.month, day: row.day) ?? cells[k].firstLine
            let written = location.cellText(line: row.line, column: "date") ?? "\(row.month)"
            throw location.error(line: row.line, column: "date", "permno \(row.permno) has the date \(written) twice (also on line \(earlier))")
        }
        cells[k].days |= bit
        cells[k].rows += 1
        if cells[k].rows == 1 {
            cells[k].firstLine = row.line
            cells[k].firstDay = Int8(day)
        } else if cells[k].rows == 2 {
            cells[k].secondLine = row.line
        }
        if row.ret.isNaN {
            cells[k].missing = true
        } else {
            // (1 + R)(1 + r) − 1 = R + r + R·r: exact for one row, no cancellation.
            cells[k].compounded += row.ret + cells[k].compounded * row.ret
        }
        if day >= Int(cells[k].latestDay) {
            cells[k].latestDay = Int8(day)
            cells[k].cap = row.prc == 0 ? .nan : abs(row.prc) * row.shrout
            cells[k].siccd = Cell.code(row.siccd)
            cells[k].commonShare = Cell.flag(row.commonShare)
            cells[k].mainExchange = Cell.flag(row.mainExchange)
        }
    }

    /// The index of the month's cell, made (in month order) when the stock has none yet. Rows sorted by
    /// date append; others are found by binary search.
    private mutating func cellIndex(_ month: Int32) -> Int {
        if let last = cells.last {
            if last.month == month { return cells.count - 1 }
            if last.month < month { cells.append(Cell(month: month)); return cells.count - 1 }
        } else {
            cells.append(Cell(month: month))
            return 0
        }
        var lo = 0, hi = cells.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if cells[mid].month < month { lo = mid + 1 } else { hi = mid }
        }
        if lo < cells.count, cells[lo].month == month { return lo }
        cells.insert(Cell(month: month), at: lo)
        return lo
    }

    /// Keeps the stock's delisting: the same one repeated is fine; two that differ are an error when the
    /// extract dates them (DLSTDT); without dates the later month wins.
    private mutating func record(_ new: CRSPDelisting, line: Int, permno: Int, location: some CRSPRowLocation) throws {
        guard let old = delisting else { delisting = new; delistingLine = line; return }
        let same = old.month == new.month && old.day == new.day && old.code == new.code
            && (old.ret == new.ret || (old.ret.isNaN && new.ret.isNaN))
        if same { return }
        if old.hasDate || new.hasDate {
            throw location.error(line: line, column: new.hasDate ? "dlstdt" : "dlstcd",
                                 "permno \(permno) has a second, different delisting (the one on line \(delistingLine) is in \(old.month), code \(old.code.map(String.init) ?? "blank")): a stock delists once")
        }
        if new.month >= old.month { delisting = new; delistingLine = line }
    }

    /// Folds the delisting return into the month of the delisting (a month of its own when the stock has
    /// no row then) and flags that month.
    mutating func applyDelisting() {
        guard let delisting else { return }
        let k = cellIndex(Int32(delisting.month.ordinal))
        let d = delisting.effectiveReturn
        if cells[k].rows == 0, k > 0 {   // a month of its own: the codes of the stock's previous month
            cells[k].siccd = cells[k - 1].siccd
            cells[k].commonShare = cells[k - 1].commonShare
            cells[k].mainExchange = cells[k - 1].mainExchange
        }
        if delisting.isInReturn {
            // The source's return already includes it (CIZ): only the month is flagged.
            if cells[k].rows == 0 { cells[k].missing = true }
        } else if cells[k].rows == 0 || cells[k].missing {
            cells[k].missing = false
            cells[k].compounded = d
        } else {
            cells[k].compounded += d + cells[k].compounded * d
        }
        cells[k].delists = true
    }
}

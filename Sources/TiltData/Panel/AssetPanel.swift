import TiltLinearAlgebra

/// Monthly returns (and optionally market caps and sectors) of a set of assets: the universe a
/// backtest draws from.
///
/// Stored sparsely (`PanelStorage`): each asset keeps only the months from its first to its last row, so a
/// CRSP universe with entries and exits takes the size of its rows, not of months × stocks. Missing data
/// are NaN and are never filled. Sectors may change over time (a CRSP stock's SIC code as of each month).
///
/// Eligibility at a rebalance at the end of month T (`eligibleAssets(atRebalance:)`) uses only what is
/// known at T: a return at T, a positive market cap at T (when caps are known), the universe's screen at
/// T (CRSP: a common share on NYSE, AMEX or NASDAQ) and no delisting during T. Whether the asset has a
/// return in T+1 is the future and is not looked at; a backtest that holds an asset into a month without
/// its return treats it as Docs/conventions.md says (a delisting return, or 0 and out of the book).
public struct AssetPanel: Sendable {
    /// Where the panel was read from (for messages).
    public let path: String
    /// The months of the rows, strictly increasing.
    public let months: [Month]
    /// Asset identifiers (CRSP permno as text, or the file's asset names), one per column.
    public let assetIDs: [String]
    /// Each asset's sector in its latest month with data, when the source has sectors (for display; a
    /// backtest asks `sector(row:asset:)`, the sector as of the rebalance).
    public let sectors: [String]?
    /// 1-based line of each month's row in `path`, so that a problem found later (a gap in the months the
    /// returns share with the factors) can point at it; `nil` when a month is not one row of a file (a
    /// CRSP month compounds a stock's rows; the synthetic market has no file).
    public let rowLines: [Int]?
    /// The file the market caps were read from, when not `path` (a wide panel's companion caps file).
    public let capsPath: String?
    /// What the loader noticed about the files without refusing them (`path:line:col: …`, one sentence
    /// each): a CRSP return above +1,000% in a month, a sectors file's assets that are not in the returns.
    /// The caller shows them as notes (`tilt run` on stderr, after `note:`).
    public internal(set) var notes: [String] = []
    let storage: PanelStorage
    /// Row t of this panel is row `t + rowOffset` of `storage` (a panel restricted to common months
    /// shares its parent's storage).
    let rowOffset: Int

    /// Whether the panel has market caps.
    public var hasMarketCaps: Bool { storage.hasCaps }
    /// Whether the panel has sectors.
    public var hasSectors: Bool { storage.hasSectors }
    /// The number of asset-months stored (what the panel's memory is proportional to: 8 bytes of return,
    /// 8 of cap and 4 of sector code each).
    public var storedMonthCount: Int { storage.storedCount }

    /// A panel from dense parts (months × assets matrices). Throws `DataError` (about `path`) unless
    /// `returns` and `marketCaps` are months × assets, the months strictly increase, there is one sector
    /// per asset and one row line per month.
    public init(path: String, months: [Month], assetIDs: [String], returns: Matrix,
                marketCaps: Matrix? = nil, sectors: [String]? = nil, rowLines: [Int]? = nil, capsPath: String? = nil) throws {
        let shape = "\(months.count)×\(assetIDs.count)"
        guard returns.rows == months.count, returns.cols == assetIDs.count else {
            throw DataError(path: path, line: 0, message: "returns are \(returns.shapeDescription), expected months × assets = \(shape)")
        }
        if let caps = marketCaps, caps.rows != returns.rows || caps.cols != returns.cols {
            throw DataError(path: path, line: 0, message: "market caps are \(caps.shapeDescription), expected \(shape)")
        }
        if let sectors, sectors.count != assetIDs.count {
            throw DataError(path: path, line: 0, message: "\(sectors.count) sectors for \(assetIDs.count) assets")
        }
        var storage = PanelStorage(hasCaps: marketCaps != nil, hasSectors: sectors != nil)
        if let sectors { storage.sectorNames = Array(Set(sectors)).sorted() }
        guard storage.sectorNames.count <= Int(Int32.max) else {
            throw DataError(path: path, line: 0, message: "\(storage.sectorNames.count) different sectors: more than a panel's sector codes (Int32) can number")
        }
        let codeOf = Dictionary(uniqueKeysWithValues: storage.sectorNames.enumerated().map { ($1, Int32($0)) })
        for j in 0..<assetIDs.count {
            let code = sectors.flatMap { codeOf[$0[j]] } ?? -1
            // Only the months from the first to the last with a return or a cap.
            let known = { (t: Int) in returns[t, j].isFinite || (marketCaps?[t, j].isFinite ?? false) }
            if let first = (0..<months.count).first(where: known), let last = (0..<months.count).last(where: known) {
                for t in first...last {
                    storage.append(row: t, ret: returns[t, j], cap: marketCaps?[t, j] ?? .nan, sector: code)
                }
            }
            storage.finishAsset()
        }
        try self.init(path: path, months: months, assetIDs: assetIDs, storage: storage, rowLines: rowLines, capsPath: capsPath,
                      sectors: sectors)
    }

    /// A panel from sparse storage built by a loader (`storage` rows are `months`); `sectors`, when given,
    /// are the assets' sectors for display (else each asset's sector in its latest stored month).
    init(path: String, months: [Month], assetIDs: [String], storage: PanelStorage, rowLines: [Int]? = nil,
         capsPath: String? = nil, sectors: [String]? = nil) throws {
        if let k = months.indices.dropFirst().first(where: { months[$0] <= months[$0 - 1] }) {
            throw DataError(path: path, line: 0, message: "months must strictly increase (\(months[k - 1]) then \(months[k]))")
        }
        if let rowLines, rowLines.count != months.count {
            throw DataError(path: path, line: 0, message: "\(rowLines.count) row lines for \(months.count) months")
        }
        guard storage.assetCount == assetIDs.count else {
            throw DataError(path: path, line: 0, message: "\(storage.assetCount) stored assets for \(assetIDs.count) asset ids")
        }
        self.path = path
        self.months = months
        self.assetIDs = assetIDs
        self.storage = storage
        self.rowOffset = 0
        self.rowLines = rowLines
        self.capsPath = capsPath
        self.sectors = sectors ?? (!storage.hasSectors ? nil : (0..<assetIDs.count).map { j in
            storage.runs(of: j).last.flatMap { run -> String? in
                let code = storage.sectorCodes[run.offset + run.length - 1]
                return code >= 0 ? storage.sectorNames[Int(code)] : nil
            } ?? SICDivision.other.name
        })
    }

    private init(restricting parent: AssetPanel, to rows: Range<Int>) {
        path = parent.path
        months = Array(parent.months[rows])
        assetIDs = parent.assetIDs
        sectors = parent.sectors
        rowLines = parent.rowLines.map { Array($0[rows]) }
        capsPath = parent.capsPath
        notes = parent.notes
        storage = parent.storage
        rowOffset = parent.rowOffset + rows.lowerBound
    }

    // MARK: Values

    /// The return of asset `j` in month row `t` (monthly, decimal), NaN when missing or outside the panel.
    public func returnValue(row t: Int, asset j: Int) -> Double {
        position(t, j).map { storage.returns[$0] } ?? .nan
    }

    /// The market cap of asset `j` at the end of month row `t` (the source's unit), NaN when unknown.
    public func marketCap(row t: Int, asset j: Int) -> Double {
        guard storage.hasCaps, let p = position(t, j) else { return .nan }
        return storage.caps[p]
    }

    /// The sector of asset `j` in month row `t` (as of that month), `nil` without sectors or data then.
    public func sector(row t: Int, asset j: Int) -> String? {
        guard storage.hasSectors, let p = position(t, j) else { return nil }
        let code = storage.sectorCodes[p]
        return code >= 0 ? storage.sectorNames[Int(code)] : SICDivision.other.name
    }

    /// Whether asset `j` delisted during month row `t` (its return then includes the delisting return).
    public func isDelisting(row t: Int, asset j: Int) -> Bool {
        position(t, j).map { storage.flags(at: $0).contains(.delisting) } ?? false
    }

    /// Whether the universe's screen leaves asset `j` out in month row `t` (CRSP: not a common share on
    /// NYSE, AMEX or NASDAQ at the month's end).
    public func isScreenedOut(row t: Int, asset j: Int) -> Bool {
        position(t, j).map { storage.flags(at: $0).contains(.screenedOut) } ?? false
    }

    private func position(_ t: Int, _ j: Int) -> Int? {
        guard t >= 0, t < months.count, j >= 0, j < assetIDs.count else { return nil }
        return storage.position(row: t + rowOffset, asset: j)
    }

    /// Returns of the month rows `rows` (a range within the panel) for the assets at `assets` (column
    /// indices), as a dense rows × assets matrix labelled by month and asset, NaN where missing: an
    /// estimation window, copied run by run.
    public func returns(rows: Range<Int>, assets: [Int]) -> Matrix {
        let n = rows.count
        var values = [Double](repeating: .nan, count: n * assets.count)
        for (k, j) in assets.enumerated() {
            for run in storage.runs(of: j) {
                let lo = max(run.start - rowOffset, rows.lowerBound), hi = min(run.start + run.length - rowOffset, rows.upperBound)
                guard lo < hi else { continue }
                for t in lo..<hi { values[k * n + t - rows.lowerBound] = storage.returns[run.offset + t + rowOffset - run.start] }
            }
        }
        return Matrix(rows: n, cols: assets.count, columnMajor: values,
                      rowLabels: rows.map { months[$0].description }, colLabels: assets.map { assetIDs[$0] })
    }

    /// Every return as a dense months × assets matrix (rows labelled `YYYY-MM`, columns by asset): for small
    /// panels, the REPL and tests. A large CRSP universe is meant to be read through `returns(rows:assets:)`.
    public func denseReturns() -> Matrix {
        returns(rows: 0..<months.count, assets: Array(assetIDs.indices))
    }

    /// Every market cap as a dense months × assets matrix, `nil` without caps (see `denseReturns()`).
    public func denseMarketCaps() -> Matrix? {
        guard hasMarketCaps else { return nil }
        var caps = Matrix(rows: months.count, cols: assetIDs.count,
                          columnMajor: [Double](repeating: .nan, count: months.count * assetIDs.count),
                          rowLabels: months.map(\.description), colLabels: assetIDs)
        for j in assetIDs.indices { for t in months.indices { caps[t, j] = marketCap(row: t, asset: j) } }
        return caps
    }

    // MARK: Eligibility

    /// Column indices of the assets that may be held after the rebalance at the end of month row `t`:
    /// a known return at `t`, a positive market cap at `t` (when caps are known), not left out by the
    /// screen at `t` and not delisting during `t` — only what is known at T. Empty for `t` out of range.
    public func eligibleAssets(atRebalance t: Int) -> [Int] {
        guard t >= 0, t < months.count else { return [] }
        return assetIDs.indices.filter { j in isEligible(row: t, asset: j) }
    }

    private func isEligible(row t: Int, asset j: Int) -> Bool {
        guard let p = position(t, j), storage.returns[p].isFinite else { return false }
        if !storage.flags(at: p).isDisjoint(with: [.screenedOut, .delisting]) { return false }
        if storage.hasCaps { let cap = storage.caps[p]; return cap.isFinite && cap > 0 }
        return true
    }

    /// Why no asset is eligible at month row `t`, counting what each condition leaves (for the message of a
    /// backtest that stops there), naming the file and, when known, the month's line.
    public func noEligibleAssetReason(atRebalance t: Int) -> String {
        guard t >= 0, t < months.count else { return "the month is outside \(path)" }
        var withReturn = 0, withCap = 0, screened = 0, delisting = 0
        for j in assetIDs.indices {
            guard let p = position(t, j), storage.returns[p].isFinite else { continue }
            withReturn += 1
            let flags = storage.flags(at: p)
            if flags.contains(.screenedOut) { screened += 1 }
            if flags.contains(.delisting) { delisting += 1 }
            if storage.hasCaps, storage.caps[p].isFinite, storage.caps[p] > 0 { withCap += 1 }
        }
        let place = path + (rowLines.map { ":\($0[t])" } ?? "")
        guard withReturn > 0 else { return "no asset of \(place) has a return in \(months[t])" }
        var parts = ["\(withReturn) asset(s) of \(place) have a return in \(months[t])"]
        if storage.hasCaps {
            parts.append(withCap == 0 ? "none of them a positive market cap\(capsPath.map { " in \($0)" } ?? "")"
                                      : "\(withCap) of them a positive market cap")
        }
        if screened > 0 { parts.append("\(screened) are not common shares on NYSE, AMEX or NASDAQ then") }
        if delisting > 0 { parts.append("\(delisting) delist during the month") }
        return parts.joined(separator: ", ")
    }

    /// The month rows of `rows` in which none of the assets at `assets` has a return (a blank row of a wide
    /// file, a month missing from every stock's rows): each empties every estimation window that holds it
    /// when the window asks for every month.
    public func rowsWithoutReturns(_ rows: Range<Int>, assets: [Int]) -> [Int] {
        rows.filter { t in
            assets.allSatisfy { j in position(t, j).map { !storage.returns[$0].isFinite } ?? true }
        }
    }

    /// Whether no asset of the panel has a return at month row `t`.
    public func rowIsBlank(_ t: Int) -> Bool {
        !rowsWithoutReturns(t..<(t + 1), assets: Array(assetIDs.indices)).isEmpty
    }

    /// A problem at month row `t`'s line of the file (`path:line:1`, with the line's text when the file can
    /// still be read: streamed up to that line, not loaded whole); nil when the month is not one row of a
    /// file (`rowLines` is nil).
    public func rowError(_ t: Int, _ message: String, hint: String? = nil) -> DataError? {
        guard let rowLines, rowLines.indices.contains(t) else { return nil }
        return DataError(path: path, line: rowLines[t], column: 1, message: message,
                         lineText: CSVFileReader(path: path).lineText(rowLines[t]), hint: hint)
    }

    /// The same panel restricted to the month rows `rows` (sharing the storage: nothing is copied).
    func restricted(to rows: Range<Int>) -> AssetPanel {
        AssetPanel(restricting: self, to: rows)
    }
}

import TiltLinearAlgebra

/// Monthly returns (and optionally market caps and sectors) of a set of assets: the universe a
/// backtest draws from.
///
/// Missing data are NaN and are never filled. A stock with a missing return in month T+1 (not yet
/// listed, delisted, CRSP missing code) is not eligible at the rebalance at the end of month T
/// (`eligibleAssets(atRebalance:)`), so a portfolio never holds a position whose return is unknown.
public struct AssetPanel: Sendable {
    /// Where the panel was read from (for messages).
    public let path: String
    /// The months of the rows, strictly increasing.
    public let months: [Month]
    /// Asset identifiers (CRSP permno as text, or the wide file's column names), one per column.
    public let assetIDs: [String]
    /// months × assets, monthly returns in decimals, NaN when missing; rows labelled `YYYY-MM`,
    /// columns by `assetIDs`.
    public let returns: Matrix
    /// months × assets, end-of-month market capitalisation, NaN when missing. Units as in the source:
    /// CRSP caps are |prc| × shrout, i.e. $ thousands (shrout is in thousands of shares).
    public let marketCaps: Matrix?
    /// One sector name per asset (its latest known sector), when the source has sectors.
    public let sectors: [String]?
    /// 1-based line of each month's row in `path`, so that a problem found later (a gap in the months the
    /// returns share with the factors) can point at it; `nil` when a month is not one row of a file (a
    /// CRSP month compounds a stock's rows; the synthetic market has no file).
    public let rowLines: [Int]?

    /// A panel from parts. Throws `DataError` (about `path`) unless `returns` and `marketCaps` are
    /// months × assets, the months strictly increase, there is one sector per asset and one row line
    /// per month.
    public init(path: String, months: [Month], assetIDs: [String], returns: Matrix,
                marketCaps: Matrix? = nil, sectors: [String]? = nil, rowLines: [Int]? = nil) throws {
        let shape = "\(months.count)×\(assetIDs.count)"
        guard returns.rows == months.count, returns.cols == assetIDs.count else {
            throw DataError(path: path, line: 0, message: "returns are \(returns.shapeDescription), expected months × assets = \(shape)")
        }
        if let k = months.indices.dropFirst().first(where: { months[$0] <= months[$0 - 1] }) {
            throw DataError(path: path, line: 0, message: "months must strictly increase (\(months[k - 1]) then \(months[k]))")
        }
        if let caps = marketCaps, caps.rows != returns.rows || caps.cols != returns.cols {
            throw DataError(path: path, line: 0, message: "market caps are \(caps.shapeDescription), expected \(shape)")
        }
        if let sectors, sectors.count != assetIDs.count {
            throw DataError(path: path, line: 0, message: "\(sectors.count) sectors for \(assetIDs.count) assets")
        }
        if let rowLines, rowLines.count != months.count {
            throw DataError(path: path, line: 0, message: "\(rowLines.count) row lines for \(months.count) months")
        }
        var labelled = returns
        labelled.rowLabels = months.map(\.description)
        labelled.colLabels = assetIDs
        self.path = path
        self.months = months
        self.assetIDs = assetIDs
        self.returns = labelled
        self.marketCaps = marketCaps.map { caps in
            var c = caps
            c.rowLabels = labelled.rowLabels
            c.colLabels = assetIDs
            return c
        }
        self.sectors = sectors
        self.rowLines = rowLines
    }

    /// Column indices of the assets that may be held after the rebalance at the end of month `t` (a row
    /// index): those with a known return in month `t + 1` and, when caps are known, a positive cap at
    /// `t`. Empty at the last month (no following return) and for `t` out of range.
    public func eligibleAssets(atRebalance t: Int) -> [Int] {
        guard t >= 0, t + 1 < months.count else { return [] }
        return assetIDs.indices.filter { j in
            returns[t + 1, j].isFinite && (marketCaps.map { $0[t, j].isFinite && $0[t, j] > 0 } ?? true)
        }
    }

    /// The same panel restricted to the rows at `indices` (increasing).
    func pickingRows(_ indices: [Int]) throws -> AssetPanel {
        try AssetPanel(path: path, months: indices.map { months[$0] }, assetIDs: assetIDs,
                   returns: returns.pickingRows(indices), marketCaps: marketCaps?.pickingRows(indices),
                   sectors: sectors, rowLines: rowLines.map { lines in indices.map { lines[$0] } })
    }
}

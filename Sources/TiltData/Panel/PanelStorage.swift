/// The values of an asset panel stored sparsely: each asset keeps only the months from its first to its
/// last row with data, as runs of consecutive months (a gap longer than `maximumGap` months starts a new
/// run; shorter gaps are stored as missing months). A full CRSP universe — 30,000 permnos over 99 years,
/// a few thousand listed at a time — takes the size of its rows, not of months × stocks, and a stray row
/// dated 1000-01 or 9999-12 adds one short run, not centuries of empty months.
///
/// Values of all runs lie one after another in flat arrays (one allocation each, whatever the number of
/// assets); `runs(of:)` gives an asset's runs in order.
struct PanelStorage: Sendable {
    /// Bit flags of one stored month of one asset.
    struct Flags: OptionSet, Sendable {
        let rawValue: UInt8
        /// Left out by the universe's screen in this month (CRSP: not a common share on NYSE, AMEX or
        /// NASDAQ at the month's end).
        static let screenedOut = Flags(rawValue: 1)
        /// The asset delisted in this month: its return includes the delisting return and it leaves the
        /// universe at the month's end.
        static let delisting = Flags(rawValue: 2)
    }

    /// One run: `length` consecutive storage rows from `start`, values from `offset` in the flat arrays.
    struct Run: Sendable {
        var start: Int
        var length: Int
        var offset: Int
    }

    /// The longest run of months without data kept inside a run (stored as missing values).
    static let maximumGap = 12

    /// Asset j's runs are `runs[runBounds[j]..<runBounds[j + 1]]`.
    private(set) var runBounds: [Int] = [0]
    private(set) var runs: [Run] = []
    /// Monthly returns (decimal, NaN missing), one per stored month.
    private(set) var returns: [Double] = []
    /// Market caps per stored month (NaN missing); empty when the panel has none.
    private(set) var caps: [Double] = []
    /// Index into `sectorNames` per stored month (−1 unknown); empty when the panel has no sectors.
    private(set) var sectorCodes: [Int32] = []
    /// Flags per stored month; empty when no month has any.
    private(set) var flags: [UInt8] = []
    /// The sector names the codes point at.
    var sectorNames: [String] = []

    let hasCaps: Bool
    let hasSectors: Bool

    var assetCount: Int { runBounds.count - 1 }
    /// The number of stored months over all assets (what the panel's memory is proportional to).
    var storedCount: Int { returns.count }

    init(hasCaps: Bool, hasSectors: Bool) {
        self.hasCaps = hasCaps
        self.hasSectors = hasSectors
    }

    // MARK: Building (asset by asset, each asset's rows in increasing order)

    /// The last row appended to the asset being built.
    private var lastRow: Int?

    /// Appends one month of the asset being built; `row` must come after its previous one.
    mutating func append(row: Int, ret: Double, cap: Double = .nan, sector: Int32 = -1, flags flag: Flags = []) {
        if let last = lastRow, row - last - 1 <= PanelStorage.maximumGap, row > last {
            for _ in (last + 1)..<row { appendValues(ret: .nan, cap: .nan, sector: sectorCodes.last ?? -1, flags: []) }
            runs[runs.count - 1].length += row - last
        } else {
            runs.append(Run(start: row, length: 1, offset: returns.count))
        }
        appendValues(ret: ret, cap: cap, sector: sector, flags: flag)
        lastRow = row
    }

    private mutating func appendValues(ret: Double, cap: Double, sector: Int32, flags flag: Flags) {
        returns.append(ret)
        if hasCaps { caps.append(cap) }
        if hasSectors { sectorCodes.append(sector) }
        if flag.rawValue != 0 && flags.isEmpty { flags = [UInt8](repeating: 0, count: returns.count - 1) }
        if !flags.isEmpty || flag.rawValue != 0 { flags.append(flag.rawValue) }
    }

    /// Ends the asset being built (an asset with no month appended has no runs).
    mutating func finishAsset() {
        runBounds.append(runs.count)
        lastRow = nil
    }

    /// Marks the flag on a month already stored (for delistings found after the month was appended).
    mutating func insert(_ flag: Flags, at position: Int) {
        if flags.isEmpty { flags = [UInt8](repeating: 0, count: returns.count) }
        flags[position] |= flag.rawValue
    }

    // MARK: Reading

    /// The position of (storage row, asset) in the flat arrays, `nil` when the asset has no stored month there.
    func position(row: Int, asset: Int) -> Int? {
        for k in runBounds[asset]..<runBounds[asset + 1] {
            let run = runs[k]
            if row < run.start { return nil }
            if row < run.start + run.length { return run.offset + row - run.start }
        }
        return nil
    }

    /// Asset j's runs, in order.
    func runs(of asset: Int) -> ArraySlice<Run> { runs[runBounds[asset]..<runBounds[asset + 1]] }

    func flags(at position: Int) -> Flags { flags.isEmpty ? [] : Flags(rawValue: flags[position]) }
}

import Foundation

/// The synthetic market written as researchers get CRSP from WRDS, for tests and benchmarks of the CRSP
/// path: upper-case columns `PERMNO,date,SHRCD,EXCHCD,SICCD,PRC,VOL,RET,SHROUT,DLSTCD,DLRET,DLSTDT`, stocks
/// entering and leaving, delistings with DLSTCD, DLRET (or a missing one) and DLSTDT on an event row of
/// their own, letter codes in RET (C in a stock's first month, B for a few missing months), negative
/// prices (CRSP's bid/ask average, one month in ten), share codes of other securities (8% of stocks are
/// not common shares), moves to an exchange outside NYSE/AMEX/NASDAQ and changes of SIC code; monthly
/// rows dated the month's last weekday (`YYYY-MM-DD`) or daily rows on weekdays (`YYYYMMDD`).
///
/// Everything is drawn from `seed` (independently of the market's own draws), so an extract is the same
/// on every machine; `listings` says what was drawn, so a test can compute the panel a loader must give
/// without a loader.
public struct SyntheticCRSPExtract: Sendable {
    /// The stocks' returns, prices, shares and SIC codes.
    public let market: SyntheticMarket
    /// What each stock's rows look like, in the market's stock order.
    public let listings: [Listing]

    /// One stock's life in the extract. Months are row indices of `market.panel`.
    public struct Listing: Sendable {
        /// The stock's first and last months with a data row.
        public let firstMonth: Int
        public let lastMonth: Int
        /// SHRCD throughout (10 or 11 for common shares; 12, 31 or 73 for 8% of stocks).
        public let shareCode: Int
        /// EXCHCD (1, 2 or 3), and from `exchangeChange.month` on `exchangeChange.code` (4: outside the screen).
        public let exchangeCode: Int
        public let exchangeChange: Change?
        /// A change of SIC code (to the next stock's, another division) from `sicChange.month` on.
        public let sicChange: Change?
        /// Months whose RET is the letter code B (missing).
        public let missingMonths: [Int]
        /// The delisting, for stocks that leave before the last month.
        public let delisting: Delisting?

        /// The SIC code in month `t` given the stock's first code.
        public func sicCode(_ t: Int, base: Int) -> Int { sicChange.map { t >= $0.month ? $0.code : base } ?? base }
        /// EXCHCD in month `t`.
        public func exchange(_ t: Int) -> Int { exchangeChange.map { t >= $0.month ? $0.code : exchangeCode } ?? exchangeCode }
    }

    /// A month from which a code changes.
    public struct Change: Sendable {
        public let month: Int
        public let code: Int
    }

    /// A delisting: DLSTDT is day `day` of month `month`.
    public struct Delisting: Sendable {
        public let month: Int
        public let day: Int
        public let code: Int
        /// DLRET, `nil` when missing (written blank or as the letter code S).
        public let ret: Double?
        /// Whether the stock trades in the delisting month before DLSTDT (a partial-month data row, its
        /// return `partialReturn`); otherwise its last data row is the month before.
        public let tradesInMonth: Bool
        public let partialReturn: Double

        /// The return a holder earns at the delisting: DLRET, or the convention for a missing one
        /// (`CRSPDelisting.effectiveReturn`).
        public var effectiveReturn: Double {
            CRSPDelisting(month: Month(ordinal: 0), day: day, code: code, ret: ret ?? .nan, hasDate: true).effectiveReturn
        }
    }

    /// Draws the listings of `market`'s stocks. A stock lives an exponential number of months with mean
    /// `meanLifetime` (at least 13; default twice the market's months, so about two thirds of the stocks are
    /// listed at a time), its start uniform so that listings are spread evenly over the months.
    public init(market: SyntheticMarket, seed: UInt64, meanLifetime: Int? = nil) {
        self.market = market
        let months = market.panel.months.count
        let stocks = market.panel.assetIDs.count
        let mean = Double(max(13, meanLifetime ?? 2 * months))
        var random = Xoshiro256StarStar(seed: seed ^ 0x5DEE_CE66_D1CE_4E5B)
        var listings: [Listing] = []
        listings.reserveCapacity(stocks)
        for j in 0..<stocks {
            let life = Int(min(-mean * log(1 - random.nextUniform()), 10 * Double(months)).rounded(.up)) + 12
            let start = Int(random.nextUniform() * Double(months + life - 1)) - (life - 1)
            let first = max(0, min(start, months - 13))
            let end = max(start + life - 1, first + 12)
            var delisting: Delisting?
            var last = months - 1
            if end < months - 1 {
                let trades = random.nextUniform() < 0.7
                let month = trades ? end : end + 1
                last = trades ? end : end
                let code = SyntheticCRSPExtract.delistingCode(random.nextUniform())
                let merger = code < 400
                let ret: Double? = random.nextUniform() < (merger ? 0.9 : 0.6)
                    ? (merger ? max(-0.5, 0.05 + 0.1 * random.nextNormal()) : -0.95 + 1.05 * random.nextUniform())
                    : nil
                let day = 2 + Int(random.nextUniform() * 27)
                let partial = max(-0.99, market.panel.returnValue(row: month, asset: j) * Double(day) / 30)
                delisting = Delisting(month: month, day: day, code: code, ret: ret, tradesInMonth: trades, partialReturn: partial)
            }
            let u = random.nextUniform()
            let shareCode = u < 0.08 ? [12, 31, 73][Int(u / 0.08 * 3) % 3] : (u < 0.54 ? 10 : 11)
            let exchange = 1 + Int(random.nextUniform() * 3) % 3
            let span = max(1, last - first)
            let exchangeChange = random.nextUniform() < 0.05 ? Change(month: first + 1 + Int(random.nextUniform() * Double(span)), code: 4) : nil
            let sicChange = random.nextUniform() < 0.1 && stocks > 1
                ? Change(month: first + 1 + Int(random.nextUniform() * Double(span)), code: market.sicCodes[(j + 1) % stocks]) : nil
            var missing: [Int] = []
            if first + 1 <= last - 1 {
                for t in (first + 1)...(last - 1) where random.nextUniform() < 0.005 { missing.append(t) }
            }
            listings.append(Listing(firstMonth: first, lastMonth: last, shareCode: shareCode, exchangeCode: exchange,
                                    exchangeChange: exchangeChange, sicChange: sicChange, missingMonths: missing,
                                    delisting: delisting))
        }
        self.listings = listings
    }

    /// DLSTCD drawn from `u` ∈ [0, 1): mergers (231), exchanges (331), liquidations (470), and the
    /// performance-related 500 and 550–584.
    private static func delistingCode(_ u: Double) -> Int {
        switch u {
        case ..<0.35: return 231
        case ..<0.45: return 331
        case ..<0.55: return 470
        case ..<0.65: return 500
        default: return [550, 552, 560, 574, 580, 584][min(5, Int((u - 0.65) / 0.35 * 6))]
        }
    }

    /// One row of the extract: a data row (a trading day or month) or a delisting's event row.
    public struct Row {
        public var permno: String
        public var month: Month
        public var day: Int
        public var shareCode: Int
        public var exchangeCode: Int
        public var sicCode: Int
        /// PRC as written (negative for a bid/ask month); `nil` on an event row.
        public var price: Double?
        public var volume: Int?
        /// RET, or the letter code written instead (C, B); both `nil` on an event row.
        public var ret: Double?
        public var letter: String?
        public var shares: Int?
        /// DLSTCD (100 on an active stock's last row), DLRET (`nil` missing) on the event row.
        public var delistingCode: Int?
        public var delistingReturn: Double?
        /// Whether the row is a delisting's event row (DLSTDT is its date).
        public var isDelisting: Bool
    }

    /// Calls `body` with each row of the extract (of the stocks at `stocks`, all by default), stock by
    /// stock, dates increasing (a delisting's event row after the stock's data rows).
    public func forEachRow<E: Error>(daily: Bool, stocks: Range<Int>? = nil, _ body: (Row) throws(E) -> Void) throws(E) {
        let months = market.panel.months
        for j in stocks ?? listings.indices {
            let listing = listings[j]
            let permno = market.panel.assetIDs[j]
            let shares = Int(market.sharesOutstanding[j])
            for t in listing.firstMonth...listing.lastMonth {
                let delisting = listing.delisting.flatMap { $0.month == t ? $0 : nil }
                let ret = delisting?.partialReturn ?? market.panel.returnValue(row: t, asset: j)
                let startPrice = t > 0 ? market.prices[t - 1, j] : market.prices[t, j] / (1 + market.panel.returnValue(row: t, asset: j))
                let endPrice = delisting != nil ? startPrice * (1 + ret) : market.prices[t, j]
                let sign = SyntheticCRSPExtract.isBidAskMonth(j, t) ? -1.0 : 1
                let active = t == months.count - 1 && listing.delisting == nil ? CRSPDelisting.activeCode : nil
                let letter: String? = t == listing.firstMonth && t > 0 ? "C" : (listing.missingMonths.contains(t) ? "B" : nil)
                var row = Row(permno: permno, month: months[t], day: 0, shareCode: listing.shareCode, exchangeCode: listing.exchange(t),
                              sicCode: listing.sicCode(t, base: market.sicCodes[j]), price: nil, volume: nil, ret: nil, letter: nil,
                              shares: shares, delistingCode: nil, delistingReturn: nil, isDelisting: false)
                if daily {
                    let days = SyntheticCRSPExtract.tradingDays(months[t], before: delisting?.day)
                    let returns = SyntheticCRSPExtract.dailyReturns(ret, days: days.count, stock: j, month: t)
                    var price = startPrice
                    for (k, day) in days.enumerated() {
                        price *= 1 + returns[k]
                        let isLast = k == days.count - 1
                        row.day = day
                        row.letter = letter.flatMap { $0 == "C" ? (k == 0 ? $0 : nil) : (k == days.count / 2 ? $0 : nil) }
                        row.ret = row.letter == nil ? returns[k] : nil
                        row.price = sign * (isLast ? endPrice : price)
                        row.volume = 1000 + (j * 31 + t * 7 + k) % 9000
                        row.delistingCode = isLast ? active : nil
                        try body(row)
                    }
                } else {
                    row.day = delisting.map { $0.day - 1 } ?? SyntheticCRSPExtract.lastWeekday(months[t])
                    row.letter = letter
                    row.ret = letter == nil ? ret : nil
                    row.price = sign * endPrice
                    row.volume = 100_000 + (j * 31 + t * 7) % 900_000
                    row.delistingCode = active
                    try body(row)
                }
            }
            if let delisting = listing.delisting {
                let t = min(delisting.month, listing.lastMonth)
                try body(Row(permno: permno, month: months[delisting.month], day: delisting.day, shareCode: listing.shareCode,
                             exchangeCode: listing.exchange(t), sicCode: listing.sicCode(t, base: market.sicCodes[j]), price: nil,
                             volume: nil, ret: nil, letter: nil, shares: nil, delistingCode: delisting.code,
                             delistingReturn: delisting.ret, isDelisting: true))
            }
        }
    }

    /// The header of the extract.
    public static let header = "PERMNO,date,SHRCD,EXCHCD,SICCD,PRC,VOL,RET,SHROUT,DLSTCD,DLRET,DLSTDT"

    /// Writes the extract as a WRDS CSV, monthly (dates `YYYY-MM-DD`) or daily (`YYYYMMDD`), in chunks of
    /// about a megabyte to `write` (a large extract is never held whole). Numbers are written in full
    /// (shortest round-trip) precision; a missing DLRET is blank or, for every other stock, the letter S.
    public func write<E: Error>(daily: Bool, to write: ([UInt8]) throws(E) -> Void) throws(E) {
        var buffer = Array((SyntheticCRSPExtract.header + "\n").utf8)
        buffer.reserveCapacity(1 << 20 + 4096)
        let text = { (x: Double?) in x.map { "\($0)" } ?? "" }
        try forEachRow(daily: daily) { (row: Row) throws(E) in
            let date = daily ? SyntheticCRSPExtract.compactDate(row.month, row.day) : SyntheticCRSPExtract.isoDate(row.month, row.day)
            let codes = "\(row.shareCode),\(row.exchangeCode),\(row.sicCode)"
            if row.isDelisting {
                let dlret = row.delistingReturn.map { "\($0)" } ?? ((Int(row.permno) ?? 0) % 2 == 0 ? "" : "S")
                buffer.append(contentsOf: "\(row.permno),\(date),\(codes),,,,,\(row.delistingCode.map(String.init) ?? ""),\(dlret),\(date)\n".utf8)
            } else {
                buffer.append(contentsOf: "\(row.permno),\(date),\(codes),\(text(row.price)),\(row.volume.map(String.init) ?? ""),\(row.letter ?? text(row.ret)),\(row.shares.map(String.init) ?? ""),\(row.delistingCode.map(String.init) ?? ""),,\n".utf8)
            }
            if buffer.count >= 1 << 20 {
                try write(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try write(buffer)
    }

    /// One month in ten of a stock has its price written negative (CRSP's bid/ask average).
    public static func isBidAskMonth(_ stock: Int, _ month: Int) -> Bool {
        (UInt64(stock) &* 0x9E37_79B9 ^ UInt64(month) &* 0x85EB_CA6B) % 10 == 0
    }

    /// Daily returns compounding to `monthReturn` (up to rounding): the month's log return spread evenly
    /// plus centred noise of 1% a day, drawn from the stock and month.
    static func dailyReturns(_ monthReturn: Double, days: Int, stock: Int, month: Int) -> [Double] {
        var random = Xoshiro256StarStar(seed: UInt64(stock) << 20 | UInt64(month))
        let noise = (0..<days).map { _ in 0.01 * random.nextNormal() }
        let centre = noise.reduce(0, +) / Double(days)
        let logReturn = log1p(monthReturn)
        return noise.map { expm1(logReturn / Double(days) + $0 - centre) }
    }

    /// The weekdays of `month` (before day `before`, when given; at least day 1).
    static func tradingDays(_ month: Month, before: Int?) -> [Int] {
        let last = Month.dayCount(year: month.year, month: month.month)
        let days = (1...last).filter { isWeekday(month, $0) && $0 < (before ?? 99) }
        return days.isEmpty ? [1] : days
    }

    static func lastWeekday(_ month: Month) -> Int {
        tradingDays(month, before: nil).last ?? 1
    }

    /// Monday to Friday (Zeller's congruence on the Gregorian calendar).
    static func isWeekday(_ month: Month, _ day: Int) -> Bool {
        var y = month.year, m = month.month
        if m < 3 { m += 12; y -= 1 }
        let h = (day + 13 * (m + 1) / 5 + y + y / 4 - y / 100 + y / 400) % 7   // 0 Saturday, 1 Sunday
        return h >= 2
    }

    static func isoDate(_ month: Month, _ day: Int) -> String { "\(month)-\(day < 10 ? "0" : "")\(day)" }
    static func compactDate(_ month: Month, _ day: Int) -> String {
        "\(month.year)\(month.month < 10 ? "0" : "")\(month.month)\(day < 10 ? "0" : "")\(day)"
    }
}

extension SyntheticMarket {
    /// Writes the market as a monthly CRSP stock file, `permno,date,ret,prc,shrout,siccd`, one row per
    /// stock and month (sorted by permno, then date): `date` is the month's last day (`YYYY-MM-DD`),
    /// `ret` the decimal return, `prc` the share price ($) and `shrout` the shares outstanding
    /// (thousands), so |prc| × shrout is the market cap; `siccd` the stock's SIC code. Numbers are
    /// written in full (shortest round-trip) precision, so `CRSPExtract.load` reads back exactly this
    /// market's panel. The bytes go to `write` in chunks of about a megabyte (a large market's file is never
    /// held whole); the caller decides where they go (the CLI: an atomically replaced file). For an extract
    /// as WRDS writes it (entries, exits, delistings, codes) see `SyntheticCRSPExtract`.
    public func writeCRSP<E: Error>(to write: ([UInt8]) throws(E) -> Void) throws(E) {
        let months = panel.months
        let dates = months.map { month in "\(month)-\(Month.dayCount(year: month.year, month: month.month))" }
        var buffer = Array("permno,date,ret,prc,shrout,siccd\n".utf8)
        buffer.reserveCapacity(1 << 20 + 256)
        for (j, permno) in panel.assetIDs.enumerated() {
            let shares = Int(sharesOutstanding[j])
            for t in months.indices {
                let row = "\(permno),\(dates[t]),\(panel.returnValue(row: t, asset: j)),\(prices[t, j]),\(shares),\(sicCodes[j])\n"
                buffer.append(contentsOf: row.utf8)
                if buffer.count >= 1 << 20 {
                    try write(buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
        }
        try write(buffer)
    }
}

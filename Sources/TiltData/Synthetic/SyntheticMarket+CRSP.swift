import Foundation

extension SyntheticMarket {
    /// Writes the market as a monthly CRSP stock file, `permno,date,ret,prc,shrout,siccd`, one row per
    /// stock and month (sorted by permno, then date): `date` is the month's last day (`YYYY-MM-DD`),
    /// `ret` the decimal return, `prc` the share price ($) and `shrout` the shares outstanding
    /// (thousands), so |prc| × shrout is the market cap; `siccd` the stock's SIC code. Numbers are
    /// written in full (shortest round-trip) precision, so `CRSPExtract.load` reads back exactly this
    /// market's panel. The file is written to a temporary file beside `path` and renamed over it, so a
    /// reader never sees it half written. Throws `DataError` when it cannot be written.
    public func writeCRSP(path: String) throws {
        let destination = URL(fileURLWithPath: path)
        let temporary = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).\(UUID().uuidString).tmp")
        func failure(_ reason: String) -> DataError {
            DataError(path: path, line: 0, message: "cannot write the CRSP file: \(reason)")
        }
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw failure("cannot create \(temporary.path)")
        }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            try writeRows(to: handle)
            try handle.close()
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw failure("\(error)")
        }
        guard rename(temporary.path, destination.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw failure(reason)
        }
    }

    /// The header and rows, in chunks of about a megabyte.
    private func writeRows(to handle: FileHandle) throws {
        let months = panel.months
        let dates = months.map { month in "\(month)-\(SyntheticMarket.lastDay(of: month))" }
        var buffer = Array("permno,date,ret,prc,shrout,siccd\n".utf8)
        buffer.reserveCapacity(1 << 20 + 256)
        for (j, permno) in panel.assetIDs.enumerated() {
            let shares = Int(sharesOutstanding[j])
            for t in months.indices {
                let row = "\(permno),\(dates[t]),\(panel.returns[t, j]),\(prices[t, j]),\(shares),\(sicCodes[j])\n"
                buffer.append(contentsOf: row.utf8)
                if buffer.count >= 1 << 20 {
                    try handle.write(contentsOf: buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
        }
        try handle.write(contentsOf: buffer)
    }

    /// The day number of the last day of `month` (Gregorian calendar).
    static func lastDay(of month: Month) -> Int {
        switch month.month {
        case 2:
            let year = month.year
            return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

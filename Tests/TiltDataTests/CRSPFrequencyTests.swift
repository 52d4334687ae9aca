import Testing
@testable import TiltData

/// Daily or monthly is decided from the extract as a whole (most data rows sharing their stock and month
/// with another row, and some stock-month with three or more): a monthly extract with a few stock-months
/// of two, three or more rows is an error at the first such stock-month's second row, never compounded;
/// a daily extract with short months (a stock listed on a month's last days) stays daily.

private let header = "PERMNO,date,RET,PRC,SHROUT,SICCD\n"

/// A monthly row of stock `permno` in `month` (dated on day `day`), with a return that tells stocks
/// and months apart.
private func row(_ permno: Int, _ month: Month, day: Int = 28, ret: Double? = nil) -> String {
    let r = ret ?? Double(permno % 7) / 100 + Double(month.month) / 1000
    return "\(permno),\(month)-\(day < 10 ? "0" : "")\(day),\(r),10,100,2834\n"
}

/// A monthly extract of `stocks` × 12 months of 2005, stock by stock, as (text lines, after the header).
private func monthly(stocks: [Int]) -> [String] {
    stocks.flatMap { permno in (1...12).map { row(permno, Month(2005, $0)) } }
}

private func load(_ name: String, _ lines: [String]) throws -> AssetPanel {
    try CRSPExtract.load(path: temporaryFile(name, header + lines.joined()))
}

private let tail = "in daily data most rows share their stock and month)"

/// The user's case: one stock has three rows in a month (days 10, 20, 31, the same return) in a monthly
/// extract. It was read as daily and the month compounded, (1 + r)³ − 1; now it is the error two rows get,
/// at the second row's date, with how many rows the month has, the share of stock-months, and a hint.
@Test func threeRowsOfAStockInAMonthOfAMonthlyExtractAreAnError() throws {
    var lines = monthly(stocks: [10001, 10002, 10005, 10007])
    // 10005's 2005-03 row is line 1 + 12·2 + 3 = 28 (header on line 1); two more rows follow it.
    let at = 12 * 2 + 2
    #expect(lines[at] == row(10005, Month(2005, 3)))
    lines[at] = row(10005, Month(2005, 3), day: 10, ret: 0.2)
    lines.insert(contentsOf: [row(10005, Month(2005, 3), day: 20, ret: 0.2), row(10005, Month(2005, 3), day: 31, ret: 0.2)], at: at + 1)
    let error = try #require(dataError { try load("three.csv", lines) })
    #expect(error.line == 29 && error.column == 7)
    #expect(error.lineText == "10005,2005-03-20,0.2,10,100,2834")
    // 4 stocks × 12 months, one of them with more than one row.
    #expect(error.message == "permno 10005 has a second row in 2005-03 (also 2005-03-10 on line 28; 3 rows in that month): the extract is monthly, one row per stock and month (1 of 48 stock-months has more than one row; " + tail)
    #expect(error.hint == "keep one row per stock and month (WRDS's crsp.msf dates it at the month's last trading day); a daily extract (crsp.dsf) has a row per trading day, and is read as daily when most rows share their stock and month")
    #expect(error.description.hasPrefix("\(error.path):29:7: error: permno 10005 has a second row in 2005-03"))
}

/// Any count of rows ≥ 2 in a stock-month of a monthly extract is the same error, wherever it is: at the
/// start of the file, at its end, and in a file of one stock.
@Test(arguments: [2, 3, 4, 5, 8])
func anyRepeatedStockMonthOfAMonthlyExtractIsAnError(count: Int) throws {
    let extra = (1..<count).map { row(10001, Month(2005, 1), day: $0, ret: 0.01) }
    let suffix = count > 2 ? "; \(count) rows in that month" : ""
    // At the start: the stock's January rows come first, the month-end one on line 2.
    let start = try #require(dataError { try load("start\(count).csv", [monthly(stocks: [10001])[0]] + extra + monthly(stocks: [10001, 10002]).dropFirst()) })
    #expect(start.line == 3 && start.column == 7)
    #expect(start.message == "permno 10001 has a second row in 2005-01 (also 2005-01-28 on line 2\(suffix)): the extract is monthly, one row per stock and month (1 of 24 stock-months has more than one row; " + tail)
    #expect(start.hint?.hasPrefix("keep one row per stock and month") == true)
    // At the end: the extra rows are the file's last lines (the 24 rows before them on lines 2…25).
    let endRows = monthly(stocks: [10001, 10002]) + (1..<count).map { row(10002, Month(2005, 12), day: $0, ret: 0.01) }
    let end = try #require(dataError { try load("end\(count).csv", endRows) })
    #expect(end.line == 26 && end.column == 7)
    #expect(end.message == "permno 10002 has a second row in 2005-12 (also 2005-12-28 on line 25\(suffix)): the extract is monthly, one row per stock and month (1 of 24 stock-months has more than one row; " + tail)
    // A file of one stock: its 12 months, one of them repeated.
    let one = try #require(dataError { try load("one\(count).csv", monthly(stocks: [10001]) + (1..<count).map { row(10001, Month(2005, 6), day: $0, ret: 0.01) }) })
    #expect(one.line == 14 && one.message.hasPrefix("permno 10001 has a second row in 2005-06 (also 2005-06-28 on line 7\(suffix)): ")
            && one.message.contains("(1 of 12 stock-months has more than one row;"))
}

/// Several repeated stock-months: the error is at the one whose second row comes first in the file, and
/// the hint names the others (three, then how many more).
@Test func theHintNamesTheOtherRepeatedStockMonths() throws {
    var lines = monthly(stocks: [1, 2, 3, 4, 5, 6])
    // Repeats appended at the end, of stocks 6, 5, 4, 3, 2 (file order), each a row dated the 3rd.
    lines += [6, 5, 4, 3, 2].map { row($0, Month(2005, $0), day: 3) }
    let error = try #require(dataError { try load("many.csv", lines) })
    #expect(error.line == 2 + 72 && error.message.hasPrefix("permno 6 has a second row in 2005-06 (also 2005-06-28 on line \(1 + 5 * 12 + 6)): "))
    #expect(error.message.contains("(5 of 72 stock-months have more than one row;"))
    #expect(error.hint == "keep one row per stock and month (WRDS's crsp.msf dates it at the month's last trading day); also permno 5 in 2005-05 (line 75), permno 4 in 2005-04 (line 76), permno 3 in 2005-03 (line 77) and 1 more; a daily extract (crsp.dsf) has a row per trading day, and is read as daily when most rows share their stock and month")
}

/// The weekdays of `month` (a trading calendar without holidays).
private func weekdays(_ month: Month) -> [Int] {
    // 2005-01-01 was a Saturday; days since then, mod 7: 0 Saturday, 1 Sunday.
    var offset = 0
    for m in 1..<month.month { offset += [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] }
    let days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month.month - 1]
    return (1...days).filter { ![0, 1].contains((offset + $0 - 1) % 7) }
}

/// A daily extract in which one stock is listed on January's last two trading days and another on its last
/// day only (short months: 2 rows and 1 row) is still daily: every stock-month compounds its days.
@Test func aDailyExtractWithShortMonthsStaysDaily() throws {
    #expect(weekdays(Month(2005, 1)).suffix(2) == [28, 31] && weekdays(Month(2005, 2)).count == 20)
    var lines: [String] = []
    var expected: [Int: [Double]] = [:]   // by permno: January's and February's compounded return
    for permno in [1, 2, 3, 4] {
        var byMonth: [Double] = []
        for m in 1...2 {
            var days = weekdays(Month(2005, m))
            if m == 1, permno == 3 { days = Array(days.suffix(2)) }   // listed on January's last two days
            if m == 1, permno == 4 { days = Array(days.suffix(1)) }   // listed on its last day
            var growth = 1.0
            for day in days {
                let r = Double((permno * 31 + day) % 11 - 5) / 1000
                growth *= 1 + r
                lines.append(row(permno, Month(2005, m), day: day, ret: r))
            }
            byMonth.append(growth - 1)
        }
        expected[permno] = byMonth
    }
    let panel = try load("daily.csv", lines)
    #expect(panel.months == [Month(2005, 1), Month(2005, 2)] && panel.assetIDs == ["1", "2", "3", "4"])
    let r = panel.denseReturns()
    for (j, permno) in [1, 2, 3, 4].enumerated() {
        // Up to 21 days compounded in another order of rounding (R + r + R·r against Π(1 + r) − 1): within
        // a few ulps per day.
        for i in 0..<2 { #expect(abs(r[i, j] - expected[permno]![i]) < 21 * 4e-16, "permno \(permno), month \(i)") }
    }
    // Stock 3's January: its two days, compounded; stock 4's: its one day as it is.
    let j28 = Double((3 * 31 + 28) % 11 - 5) / 1000, j31 = Double((3 * 31 + 31) % 11 - 5) / 1000
    #expect(abs(r[0, 2] - ((1 + j28) * (1 + j31) - 1)) < 1e-15)
    #expect(r[0, 3] == Double((4 * 31 + 31) % 11 - 5) / 1000)
}

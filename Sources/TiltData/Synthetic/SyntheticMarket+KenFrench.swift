import Foundation

extension SyntheticMarket {
    /// The market's factors written as Ken French's data library writes them, so that a folder made by
    /// `tilt synth --wrds` looks like a researcher's: `F-F_Research_Data_5_Factors_2x3.csv` (Mkt-RF, SMB,
    /// HML, RMW, CMA, RF) and `F-F_Momentum_Factor.CSV` (Mom), each a description line, a monthly block
    /// (`YYYYMM`, percent with two decimals, as the library rounds) and an annual block of the full
    /// calendar years (returns compounded over the year). Only the calibration's factors that the library's
    /// files hold are written (`mktrf`, `smb`, `hml`, `rmw`, `cma`; `umd` as Mom).
    public func kenFrenchFactorFiles() -> (fiveFactors: String, momentum: String) {
        let five: [(String, FactorColumn)] = [("Mkt-RF", "mktrf"), ("SMB", "smb"), ("HML", "hml"), ("RMW", "rmw"), ("CMA", "cma")]
            .compactMap { header, name in factors.factorNames.firstIndex(of: name).map { (header, .factor($0)) } }
        let description = "This file was created by Tilt's synthetic market in the layout of Ken French's data library (not his data)."
        let fiveFile = kenFrenchFile(description, columns: five + [("RF", .riskFree)])
        let momentum = factors.factorNames.firstIndex(of: "umd").map { kenFrenchFile(description, columns: [("Mom   ", .factor($0))]) } ?? ""
        return (fiveFile, momentum)
    }

    private func kenFrenchFile(_ description: String, columns: [(String, FactorColumn)]) -> String {
        let commas = String(repeating: ",", count: columns.count)
        let value = { (t: Int, column: FactorColumn) -> Double in
            switch column {
            case .factor(let k): return factors.returns[t, k]
            case .riskFree: return factors.riskFree?[t, 0] ?? 0
            }
        }
        var lines = [description + commas, commas, "," + columns.map(\.0).joined(separator: ",")]
        for (t, month) in factors.months.enumerated() {
            let stamp = "\(month.year)\(month.month < 10 ? "0" : "")\(month.month)"
            lines.append(stamp + columns.map { String(format: ",%8.2f", 100 * value(t, $0.1)) }.joined())
        }
        lines += [commas, " Annual Factors: January-December " + commas, "," + columns.map(\.0).joined(separator: ",")]
        let years = Set(factors.months.map(\.year)).sorted()
        for year in years {
            let rows = factors.months.indices.filter { factors.months[$0].year == year }
            guard rows.count == 12 else { continue }
            let compounded = columns.map { column in rows.reduce(1.0) { $0 * (1 + value($1, column.1)) } - 1 }
            lines.append("  \(year)" + compounded.map { String(format: ",%8.2f", 100 * $0) }.joined())
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// A column of a factor file: a factor's position, or the risk-free rate.
private enum FactorColumn { case factor(Int), riskFree }

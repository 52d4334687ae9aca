import Foundation
import Testing
import TiltData
import TiltLinearAlgebra
import TiltTestSupport

/// Path of a file in the shared read-only data folder (`SharedData`: TILT_DATA or `<repo>/../shared/data`).
func sharedDataPath(_ name: String) -> String { SharedData.path(name) }

/// Path of a file in this test target's `References` folder.
func referencePath(_ name: String, file: String = #filePath) -> String {
    URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("References/\(name)").path
}

private func repositoryRoot(_ file: String) -> URL {
    URL(fileURLWithPath: file)
        .deletingLastPathComponent()   // TiltModelsTests
        .deletingLastPathComponent()   // Tests
        .deletingLastPathComponent()   // repo root
}

/// The largest |a − b| / max(|b|, floor) over two equally long sequences (∞ when the lengths differ
/// or a NaN appears where the other has none).
func maxRelativeDifference(_ a: [Double], _ b: [Double], floor: Double = 1e-300) -> Double {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).reduce(0) { worst, pair in
        if pair.0.isNaN && pair.1.isNaN { return worst }
        let difference = abs(pair.0 - pair.1) / max(abs(pair.1), floor)
        return difference.isNaN ? .infinity : max(worst, difference)
    }
}

extension Matrix {
    /// Rows as nested arrays (for comparing with row-major JSON references).
    var nestedRows: [[Double]] { (0..<rows).map { i in (0..<cols).map { self[i, $0] } } }
}

/// The 48 value-weighted industries in excess of rf and the five Fama–French factors (ff6_monthly.csv
/// without umd), as the OLS and regime references use them.
struct IndustryData {
    let months: [Month]
    let excessReturns: Matrix
    /// T × 5, columns labelled mktrf … cma.
    let factors: Matrix
    let aligned: AlignedData

    init() throws {
        let industries = try IndustryPortfolios.load(path: sharedDataPath("48_Industry_Portfolios.CSV"))
        let panel = try AssetPanel(path: "48 industries", months: industries.months, assetIDs: industries.industries,
                                   returns: industries.valueWeightedReturns)
        aligned = try AlignedData(panel: panel, factors: FactorFile.loadTidy(path: sharedDataPath("ff6_monthly.csv")))
        let rf = try #require(aligned.factors.riskFree)
        var excess = aligned.panel.denseReturns()
        for j in 0..<excess.cols { for i in 0..<excess.rows { excess[i, j] -= rf[i, 0] } }
        excessReturns = excess
        var factors = try aligned.factors.returns.selecting(rows: nil, cols: Array(0..<5))
        factors.colLabels = Array(aligned.factors.factorNames.prefix(5))
        self.factors = factors
        months = aligned.months
    }
}

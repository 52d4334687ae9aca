import Foundation
import TiltData
import TiltLinearAlgebra

/// The sample mean and covariance of monthly factor returns over a span of months: the factor moments the
/// single-regime baseline of the regime study's `paper` design takes from history (for the study, the six
/// factors of `ff6_monthly.csv` over the calibration's sample, `RegimeCalibration.studySample`).
/// Monthly decimals; the covariance uses the sample (n − 1) divisor, as `cov` does.
public struct HistoricalFactorMoments: Sendable, Equatable {
    /// The file the factors were read from.
    public let path: String
    /// The months used, first to last, every month in between.
    public let months: ClosedRange<Month>
    /// The factors, in the order of `mean` and `covariance`.
    public let factorNames: [String]
    /// Mean monthly return of each factor (decimal).
    public let mean: [Double]
    /// Sample covariance of the monthly returns (decimal², divisor n − 1), K × K.
    public let covariance: Matrix

    /// The number of months in the sample.
    public var monthCount: Int { months.upperBound.ordinal - months.lowerBound.ordinal + 1 }

    /// Reads the tidy factor file at `path` (`month,mktrf,smb,…`, decimals; see `FactorFile.loadTidy`) and
    /// takes the moments of the columns `factors`, in that order, over `months`. Throws a `DataError`
    /// located in the file when a factor column is absent, a month of the span has no row, or a value in
    /// the span is missing.
    public static func load(path: String, factors: [String], months: ClosedRange<Month>) throws -> HistoricalFactorMoments {
        let file = try FactorFile.loadTidy(path: path)
        let columns = try factors.map { name -> Int in
            guard let column = file.factorNames.firstIndex(of: name) else {
                throw DataError(path: path, line: 1, message: "no factor column `\(name)` (the header has \(file.factorNames.joined(separator: ", ")))",
                                hint: "the regime study's factors are \(factors.joined(separator: ", "))")
            }
            return column
        }
        // The rows are strictly increasing months, so the span is complete exactly when its first and
        // last months are present and the rows between them number the span's length.
        let wanted = months.upperBound.ordinal - months.lowerBound.ordinal + 1
        guard let first = file.months.firstIndex(where: { $0 >= months.lowerBound }),
              file.months[first] == months.lowerBound else {
            throw DataError(path: path, line: 0, message: "no row for \(months.lowerBound), the first month of the sample \(months.lowerBound)..\(months.upperBound)")
        }
        var rows: [Int] = []
        for index in first..<min(file.months.count, first + wanted) where file.months[index] <= months.upperBound {
            let expected = Month(ordinal: months.lowerBound.ordinal + rows.count)
            guard file.months[index] == expected else {
                throw DataError(path: path, line: file.rowLines?[index] ?? 0,
                                message: "the sample \(months.lowerBound)..\(months.upperBound) needs every month, and \(expected) has no row (the next row is \(file.months[index]))")
            }
            rows.append(index)
        }
        guard rows.count == wanted else {
            throw DataError(path: path, line: 0, message: "the file ends at \(file.months.last.map(\.description) ?? "its header"), before \(months.upperBound), the last month of the sample \(months.lowerBound)..\(months.upperBound)")
        }
        for index in rows {
            for (k, column) in columns.enumerated() where !file.returns[index, column].isFinite {
                throw DataError(path: path, line: file.rowLines?[index] ?? 0,
                                message: "\(file.months[index]) has no value for \(factors[k]), inside the sample \(months.lowerBound)..\(months.upperBound)")
            }
        }
        let sample = try file.returns.selecting(rows: rows, cols: columns)
        return try HistoricalFactorMoments(path: path, months: months, factorNames: factors, returns: sample)
    }

    /// The moments of `returns` (months × factors, at least two months), whose rows are `months`.
    init(path: String, months: ClosedRange<Month>, factorNames: [String], returns: Matrix) throws {
        self.path = path
        self.months = months
        self.factorNames = factorNames
        mean = try returns.reduce(.mean).storage
        covariance = try Matrix.covariance(returns)
    }
}

extension HistoricalFactorMoments {
    /// The file the regime study's `paper` design reads its historical factors from (the shared data's
    /// tidy monthly factors, decimals).
    public static let studyFile = "ff6_monthly.csv"

    /// The study's historical moments: the factors of `RegimeCalibration.study` over its sample
    /// (`RegimeCalibration.studySample`, 1963-07..2024-12), from the `ff6_monthly.csv` at `path`.
    public static func study(path: String) throws -> HistoricalFactorMoments {
        try load(path: path, factors: RegimeCalibration.study.factorNames, months: RegimeCalibration.studySample)
    }
}

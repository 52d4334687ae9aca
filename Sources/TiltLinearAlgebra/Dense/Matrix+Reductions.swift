/// A summary statistic of a vector or of each column of a matrix. `std` and `variance` are sample
/// statistics (divisor n − 1), as for return series.
public enum Reduction: Sendable {
    case sum, mean, std, variance, min, max

    /// The noun used in error messages.
    var name: String {
        switch self {
        case .sum: "sum"
        case .mean: "mean"
        case .std: "standard deviation"
        case .variance: "variance"
        case .min: "minimum"
        case .max: "maximum"
        }
    }

    /// The statistic of one series; `min`/`max` propagate NaN like the arithmetic ones do.
    func apply(_ x: ArraySlice<Double>) throws -> Double {
        let needed = self == .sum ? 0 : (self == .std || self == .variance) ? 2 : 1
        guard x.count >= needed else {
            throw LinearAlgebraError.invalidArgument(
                "cannot take the \(name) of \(x.count) value\(x.count == 1 ? "" : "s"): it needs at least \(needed)")
        }
        switch self {
        case .sum: return x.reduce(0, +)
        case .mean: return x.reduce(0, +) / Double(x.count)
        case .variance: return Reduction.sampleVariance(x)
        case .std: return Reduction.sampleVariance(x).squareRoot()
        case .min: return x.contains(where: \.isNaN) ? .nan : x.min() ?? .nan
        case .max: return x.contains(where: \.isNaN) ? .nan : x.max() ?? .nan
        }
    }

    /// Two-pass sample variance (divisor n − 1): accurate even when the mean is large.
    private static func sampleVariance(_ x: ArraySlice<Double>) -> Double {
        let mean = x.reduce(0, +) / Double(x.count)
        return x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(x.count - 1)
    }
}

/// A running total (`cumsum`) or running product (`cumprod`, e.g. growth of 1 from gross returns).
public enum Accumulation: Sendable {
    case sum, product
}

extension Matrix {
    /// The statistic of a vector (either orientation) as a 1×1 matrix, or of each column of any
    /// other matrix as a 1×c row keeping the column labels. Throws when a series is too short
    /// (mean/min/max need one value, std/variance two).
    public func reduce(_ r: Reduction) throws -> Matrix {
        if isVector { return Matrix(rows: 1, cols: 1, repeating: try r.apply(storage[...])) }
        let values = try (0..<cols).map { try r.apply(column($0)) }
        return Matrix(row: values, labels: colLabels)
    }

    /// Running sums or products along a vector, or down each column of a matrix; labels are kept.
    public func accumulate(_ a: Accumulation) -> Matrix {
        var result = self
        let length = isVector ? storage.count : rows
        guard length > 0 else { return result }
        for start in stride(from: 0, to: storage.count, by: length) {
            for index in (start + 1)..<(start + length) {
                switch a {
                case .sum: result.storage[index] += result.storage[index - 1]
                case .product: result.storage[index] *= result.storage[index - 1]
                }
            }
        }
        return result
    }

    /// Column j's entries (zero-based), without copying.
    func column(_ j: Int) -> ArraySlice<Double> {
        storage[j * rows ..< (j + 1) * rows]
    }
}

import TiltLinearAlgebra

/// The observations of a hidden Markov model, one row per period, stored row by row (period t's K
/// values are `values[t*K ..< (t+1)*K]`) so that the recursions read each period contiguously.
struct HMMObservations {
    /// Number of periods T.
    let count: Int
    /// Number of series K.
    let dimension: Int
    /// T·K values, row-major.
    let values: [Double]

    /// The rows of a T × K matrix; throws unless it has a row, a column and only finite entries.
    init(_ x: Matrix) throws {
        guard x.rows > 0, x.cols > 0 else {
            throw ModelError("a hidden Markov model needs at least one observation of at least one series, got \(x.shapeDescription)")
        }
        if let bad = x.storage.firstIndex(where: { !$0.isFinite }) {
            throw ModelError("the observations must be finite: row \(bad % x.rows + 1), column \(bad / x.rows + 1) is \(x.storage[bad])")
        }
        count = x.rows
        dimension = x.cols
        var rowMajor = [Double](repeating: 0, count: x.rows * x.cols)
        for t in 0..<x.rows { for k in 0..<x.cols { rowMajor[t * x.cols + k] = x.storage[t + k * x.rows] } }
        values = rowMajor
    }
}

import Foundation

/// An entry-by-entry binary operation (`+ - .* ./ .^ min max` in the language).
public enum ElementwiseOperation: Sendable {
    case add, subtract, multiply, divide, power, minimum, maximum

    /// The verb used in shape-mismatch messages ("cannot add 3×2 and 2×3").
    var verb: String {
        switch self {
        case .add: "add"
        case .subtract: "subtract"
        case .multiply: "multiply element-wise"
        case .divide: "divide element-wise"
        case .power: "raise element-wise"
        case .minimum: "take the element-wise minimum of"
        case .maximum: "take the element-wise maximum of"
        }
    }

    /// The operation on one pair of entries. `minimum`/`maximum` propagate NaN (as numpy does), so a
    /// missing value is never silently replaced.
    func apply(_ x: Double, _ y: Double) -> Double {
        switch self {
        case .add: x + y
        case .subtract: x - y
        case .multiply: x * y
        case .divide: x / y
        case .power: Foundation.pow(x, y)
        case .minimum: x.isNaN || y.isNaN ? .nan : Swift.min(x, y)
        case .maximum: x.isNaN || y.isNaN ? .nan : Swift.max(x, y)
        }
    }
}

extension Matrix {
    /// `f` applied to every entry; labels are kept.
    public func map(_ f: (Double) -> Double) -> Matrix {
        Matrix(rows: rows, cols: cols, columnMajor: storage.map(f), rowLabels: rowLabels, colLabels: colLabels)
    }

    /// `a op b` entry by entry, with implicit expansion as in MATLAB/numpy: on each axis the extents
    /// must be equal or one of them 1 (a 1×1 side, a 1×c row against r×c, an r×1 column against
    /// r×c, r×1 with 1×c giving r×c). Each axis keeps the labels of whichever side spans it
    /// (the left one when both do).
    public static func elementwise(_ op: ElementwiseOperation, _ a: Matrix, _ b: Matrix) throws -> Matrix {
        guard let rows = broadcastExtent(a.rows, b.rows), let cols = broadcastExtent(a.cols, b.cols) else {
            throw LinearAlgebraError.shapeMismatch(operation: op.verb, lhs: a.shapeDescription,
                                                   rhs: b.shapeDescription)
        }
        let storage: [Double]
        if a.rows == b.rows && a.cols == b.cols {
            storage = zip(a.storage, b.storage).map { op.apply($0, $1) }
        } else {
            storage = [Double](unsafeUninitializedCapacity: rows * cols) { buffer, count in
                // A side of extent 1 on an axis is read with stride 0 along it.
                let aRowStep = a.rows == 1 ? 0 : 1, aColStep = a.cols == 1 ? 0 : a.rows
                let bRowStep = b.rows == 1 ? 0 : 1, bColStep = b.cols == 1 ? 0 : b.rows
                for j in 0..<cols {
                    for i in 0..<rows {
                        buffer[i + j * rows] = op.apply(a.storage[i * aRowStep + j * aColStep],
                                                        b.storage[i * bRowStep + j * bColStep])
                    }
                }
                count = rows * cols
            }
        }
        return Matrix(rows: rows, cols: cols, columnMajor: storage,
                      rowLabels: a.rowLabels?.count == rows ? a.rowLabels : b.rowLabels,
                      colLabels: a.colLabels?.count == cols ? a.colLabels : b.colLabels)
    }

    /// The common extent of two axes under implicit expansion, or `nil` when they are incompatible.
    private static func broadcastExtent(_ x: Int, _ y: Int) -> Int? {
        if x == y { return x }
        if x == 1 { return y }
        if y == 1 { return x }
        return nil
    }
}

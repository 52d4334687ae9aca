import TiltLinearAlgebra

/// A number or a matrix the program fixed before any data is read (`6%`, `gamma` with its value, a
/// vector of bounds), as a plan stores it. A number is written to JSON as a bare number; a matrix as its
/// shape, its entries column by column and its labels.
public enum ConstantValue: Sendable, Equatable, Codable {
    case number(Double)
    case matrix(rows: Int, cols: Int, values: [Double], rowLabels: [String]?, colLabels: [String]?)

    public init(_ m: Matrix) {
        self = m.isScalar && m.rowLabels == nil && m.colLabels == nil
            ? .number(m[0, 0])
            : .matrix(rows: m.rows, cols: m.cols, values: m.storage, rowLabels: m.rowLabels, colLabels: m.colLabels)
    }

    /// The value as a matrix (a number is 1×1).
    public var matrix: Matrix {
        switch self {
        case .number(let x): return Matrix(rows: 1, cols: 1, columnMajor: [x])
        case .matrix(let rows, let cols, let values, let rowLabels, let colLabels):
            var m = Matrix(rows: rows, cols: cols, columnMajor: values)
            m.rowLabels = rowLabels
            m.colLabels = colLabels
            return m
        }
    }

    /// The number, when the value is one.
    public var number: Double? {
        if case .number(let x) = self { return x }
        return nil
    }

    /// Its entries (one for a number).
    public var values: [Double] {
        switch self {
        case .number(let x): return [x]
        case .matrix(_, _, let values, _, _): return values
        }
    }

    private struct Shape: Codable {
        var rows: Int
        var cols: Int
        var values: [Double]
        var rowLabels: [String]?
        var colLabels: [String]?
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let x = try? container.decode(Double.self) {
            self = .number(x)
            return
        }
        let shape = try container.decode(Shape.self)
        let (count, overflow) = shape.rows.multipliedReportingOverflow(by: shape.cols)
        guard shape.rows >= 0, shape.cols >= 0, !overflow, count == shape.values.count,
              shape.rowLabels.map({ $0.count == shape.rows }) ?? true, shape.colLabels.map({ $0.count == shape.cols }) ?? true else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "a matrix's values and labels must match its shape")
        }
        self = .matrix(rows: shape.rows, cols: shape.cols, values: shape.values, rowLabels: shape.rowLabels, colLabels: shape.colLabels)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let x): try container.encode(x)
        case .matrix(let rows, let cols, let values, let rowLabels, let colLabels):
            try container.encode(Shape(rows: rows, cols: cols, values: values, rowLabels: rowLabels, colLabels: colLabels))
        }
    }
}

/// A dense matrix of `Double`, stored column-major (the LAPACK layout), with optional row and column
/// labels. Labels come from data (asset names, months, factor names) and travel through the operations
/// that keep the meaning of an axis (transpose, slicing, element-wise arithmetic).
///
/// Vectors are matrices with one column (column vectors) or one row (row vectors).
public struct Matrix: Sendable, Equatable {
    /// Number of rows.
    public private(set) var rows: Int
    /// Number of columns.
    public private(set) var cols: Int
    /// The entries, column by column: entry (i, j) is `storage[i + j * rows]`.
    public var storage: [Double]
    /// One label per row, or `nil` when the rows are only positions.
    public var rowLabels: [String]? {
        didSet { if let l = rowLabels, l.count != rows { rowLabels = nil } }
    }
    /// One label per column, or `nil` when the columns are only positions.
    public var colLabels: [String]? {
        didSet { if let l = colLabels, l.count != cols { colLabels = nil } }
    }

    /// A `rows × cols` matrix filled with `value`.
    public init(rows: Int, cols: Int, repeating value: Double = 0) {
        self.rows = max(0, rows)
        self.cols = max(0, cols)
        self.storage = Array(repeating: value, count: self.rows * self.cols)
    }

    /// A matrix from column-major storage. `storage.count` must equal `rows * cols`.
    public init(rows: Int, cols: Int, columnMajor storage: [Double],
                rowLabels: [String]? = nil, colLabels: [String]? = nil) {
        precondition(storage.count == rows * cols, "Matrix storage does not match its shape")
        self.rows = rows
        self.cols = cols
        self.storage = storage
        self.rowLabels = rowLabels?.count == rows ? rowLabels : nil
        self.colLabels = colLabels?.count == cols ? colLabels : nil
    }

    /// A matrix from rows given as nested arrays; all rows must have the same length.
    public init(rowMajor nested: [[Double]]) {
        let r = nested.count
        let c = nested.first?.count ?? 0
        precondition(nested.allSatisfy { $0.count == c }, "ragged rows")
        var s = [Double](repeating: 0, count: r * c)
        for i in 0..<r { for j in 0..<c { s[i + j * r] = nested[i][j] } }
        self.init(rows: r, cols: c, columnMajor: s)
    }

    /// A column vector.
    public init(column values: [Double], labels: [String]? = nil) {
        self.init(rows: values.count, cols: 1, columnMajor: values, rowLabels: labels)
    }

    /// A row vector.
    public init(row values: [Double], labels: [String]? = nil) {
        self.init(rows: 1, cols: values.count, columnMajor: values, colLabels: labels)
    }

    /// Entry (i, j), zero-based.
    @inlinable
    public subscript(i: Int, j: Int) -> Double {
        get { storage[i + j * rows] }
        set { storage[i + j * rows] = newValue }
    }

    /// `true` for an n×1 or 1×n matrix.
    public var isVector: Bool { rows == 1 || cols == 1 }
    /// `true` for a 1×1 matrix.
    public var isScalar: Bool { rows == 1 && cols == 1 }
    /// The shape written as papers and error messages do: `48×6`.
    public var shapeDescription: String { "\(rows)×\(cols)" }
}

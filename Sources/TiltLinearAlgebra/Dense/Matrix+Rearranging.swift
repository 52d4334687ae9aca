extension Matrix {
    /// Aᵀ; row and column labels swap with the axes.
    public func transposed() -> Matrix {
        var result = [Double](repeating: 0, count: storage.count)
        for j in 0..<cols {
            for i in 0..<rows { result[j + i * cols] = storage[i + j * rows] }
        }
        return Matrix(rows: cols, cols: rows, columnMajor: result, rowLabels: colLabels, colLabels: rowLabels)
    }

    /// The submatrix at the given zero-based row and column positions (`nil` = all), in the order
    /// given (repeats allowed), with the matching subset of labels. Throws `indexOutOfRange` for a
    /// position outside the matrix.
    public func selecting(rows rowPositions: [Int]?, cols colPositions: [Int]?) throws -> Matrix {
        let rowIndex = try rowPositions.map { try Matrix.validated($0, extent: rows, axis: "row") }
            ?? Array(0..<rows)
        let colIndex = try colPositions.map { try Matrix.validated($0, extent: cols, axis: "column") }
            ?? Array(0..<cols)
        let r = rowIndex.count, count = r * colIndex.count, sourceRows = rows
        // Rows given as one ascending run (a window of months) are copied column by column in blocks.
        let firstRow = rowIndex.first ?? 0
        let contiguous = rowIndex.indices.allSatisfy { rowIndex[$0] == firstRow + $0 }
        let result = [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            storage.withUnsafeBufferPointer { source in
                // count > 0 means both index lists are non-empty and valid, so both buffers exist.
                guard count > 0, let target = buffer.baseAddress, let base = source.baseAddress else { return }
                for (k, j) in colIndex.enumerated() {
                    let column = base + j * sourceRows, out = target + k * r
                    if contiguous {
                        out.initialize(from: column + firstRow, count: r)
                    } else {
                        for (t, i) in rowIndex.enumerated() { (out + t).initialize(to: column[i]) }
                    }
                }
                initialized = count
            }
        }
        return Matrix(rows: rowIndex.count, cols: colIndex.count, columnMajor: result,
                      rowLabels: rowLabels.map { labels in rowIndex.map { labels[$0] } },
                      colLabels: colLabels.map { labels in colIndex.map { labels[$0] } })
    }

    private static func validated(_ positions: [Int], extent: Int, axis: String) throws -> [Int] {
        if let bad = positions.first(where: { !(0..<extent).contains($0) }) {
            throw LinearAlgebraError.indexOutOfRange(index: bad, extent: extent, axis: axis)
        }
        return positions
    }

    /// `[A, B, …]`: the parts side by side. Their row counts must agree; empty 0×0 parts are skipped
    /// (handy when growing a matrix in a loop). Row labels come from the first part that has them;
    /// column labels are kept only when every part has them.
    public static func horizontalConcatenation(_ parts: [Matrix]) throws -> Matrix {
        let parts = try concatenable(parts, operation: "concatenate side by side", extent: \.rows)
        guard let first = parts.first else { return Matrix(rows: 0, cols: 0) }
        let cols = parts.reduce(0) { $0 + $1.cols }
        return Matrix(rows: first.rows, cols: cols, columnMajor: parts.flatMap(\.storage),
                      rowLabels: parts.lazy.compactMap(\.rowLabels).first,
                      colLabels: concatenatedLabels(parts.map(\.colLabels)))
    }

    /// `[A; B; …]`: the parts stacked on top of each other. Their column counts must agree; empty 0×0
    /// parts are skipped. Column labels come from the first part that has them; row labels are kept
    /// only when every part has them.
    public static func verticalConcatenation(_ parts: [Matrix]) throws -> Matrix {
        let parts = try concatenable(parts, operation: "stack", extent: \.cols)
        // Stacking is side-by-side concatenation of the transposes (the shapes are already checked).
        return try horizontalConcatenation(parts.map { $0.transposed() }).transposed()
    }

    /// The non-empty parts, after checking they agree on `extent`; mismatches name both shapes.
    private static func concatenable(_ parts: [Matrix], operation: String,
                                     extent: KeyPath<Matrix, Int>) throws -> [Matrix] {
        let nonEmpty = parts.filter { $0.rows > 0 || $0.cols > 0 }
        if let first = nonEmpty.first, let bad = nonEmpty.first(where: { $0[keyPath: extent] != first[keyPath: extent] }) {
            throw LinearAlgebraError.shapeMismatch(operation: operation, lhs: first.shapeDescription,
                                                   rhs: bad.shapeDescription)
        }
        return nonEmpty
    }

    private static func concatenatedLabels(_ labels: [[String]?]) -> [String]? {
        var all = [String]()
        for part in labels {
            guard let part else { return nil }
            all += part
        }
        return all
    }
}

extension Matrix {
    /// The n×n identity matrix.
    public static func identity(_ n: Int) -> Matrix {
        var result = Matrix(rows: n, cols: n, repeating: 0)
        for i in 0..<result.rows { result[i, i] = 1 }
        return result
    }

    /// A rows×cols matrix with every entry `value` (`zeros`, `ones`, constant vectors).
    public static func filled(rows: Int, cols: Int, value: Double) -> Matrix {
        Matrix(rows: rows, cols: cols, repeating: value)
    }

    /// `diag` both ways, as in MATLAB: a vector (either orientation) becomes the square matrix with
    /// it on the diagonal, labelled on both axes by the vector's labels; any other matrix gives the
    /// column of its diagonal entries, labelled by the matching row labels.
    public static func diagonal(_ m: Matrix) -> Matrix {
        if m.isVector {
            let labels = m.cols == 1 ? m.rowLabels : m.colLabels
            var result = Matrix(rows: m.storage.count, cols: m.storage.count, repeating: 0)
            for (i, value) in m.storage.enumerated() { result[i, i] = value }
            return result.labelled(rows: labels, cols: labels)
        }
        let count = Swift.min(m.rows, m.cols)
        let labels = (m.rowLabels ?? m.colLabels).map { Array($0.prefix(count)) }
        return Matrix(column: (0..<count).map { m[$0, $0] }, labels: labels)
    }

    /// Indicator ("dummy") columns for a categorical variable: entry (i, j) is 1 when observation i
    /// falls in the j-th category. The categories are the distinct values sorted, and label the
    /// columns; e.g. sector names give the n×k asset-to-sector membership matrix.
    public static func dummies(_ categories: [String]) -> Matrix {
        let levels = Array(Set(categories)).sorted()
        let column = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, $0) })
        var result = Matrix(rows: categories.count, cols: levels.count, repeating: 0)
        for (i, category) in categories.enumerated() {
            if let j = column[category] { result[i, j] = 1 }
        }
        result.colLabels = levels
        return result
    }
}

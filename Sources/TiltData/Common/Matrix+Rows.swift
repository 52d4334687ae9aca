import TiltLinearAlgebra

extension Matrix {
    /// The rows at `indices` (in that order), keeping column labels and the picked row labels.
    func pickingRows(_ indices: [Int]) -> Matrix {
        var storage = [Double](repeating: 0, count: indices.count * cols)
        for j in 0..<cols {
            for (k, i) in indices.enumerated() { storage[k + j * indices.count] = self[i, j] }
        }
        return Matrix(rows: indices.count, cols: cols, columnMajor: storage,
                      rowLabels: rowLabels.map { labels in indices.map { labels[$0] } }, colLabels: colLabels)
    }

    /// The columns at `indices` (in that order), keeping row labels and the picked column labels.
    func pickingColumns(_ indices: [Int]) -> Matrix {
        var storage: [Double] = []
        storage.reserveCapacity(indices.count * rows)
        for j in indices { storage.append(contentsOf: self.storage[(j * rows)..<((j + 1) * rows)]) }
        return Matrix(rows: rows, cols: indices.count, columnMajor: storage,
                      rowLabels: rowLabels, colLabels: colLabels.map { labels in indices.map { labels[$0] } })
    }
}

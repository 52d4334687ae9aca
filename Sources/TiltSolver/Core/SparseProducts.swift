import TiltLinearAlgebra

/// Matrix–vector products with the CSC data of a conic problem.
extension SparseMatrixCSC {
    /// `y ← y + α·A x`.
    func multiplyAdd(_ x: [Double], into y: inout [Double], scale alpha: Double = 1) {
        for j in 0..<cols {
            let xj = alpha * x[j]
            if xj == 0 { continue }
            for p in colPointers[j]..<colPointers[j + 1] { y[rowIndices[p]] += values[p] * xj }
        }
    }

    /// `y ← y + α·Aᵀ x`.
    func transposeMultiplyAdd(_ x: [Double], into y: inout [Double], scale alpha: Double = 1) {
        for j in 0..<cols {
            var sum = 0.0
            for p in colPointers[j]..<colPointers[j + 1] { sum += values[p] * x[rowIndices[p]] }
            y[j] += alpha * sum
        }
    }

    /// `ax ← ax + A x` and `atz ← atz + Aᵀ z` in one pass over the matrix (the interior-point
    /// residuals need both every iteration).
    func multiplyAndTransposeMultiplyAdd(_ x: [Double], into ax: inout [Double], _ z: [Double],
                                         into atz: inout [Double]) {
        colPointers.withUnsafeBufferPointer { pointers in
            rowIndices.withUnsafeBufferPointer { rowIndices in
                values.withUnsafeBufferPointer { values in
                    x.withUnsafeBufferPointer { x in
                        z.withUnsafeBufferPointer { z in
                            ax.withUnsafeMutableBufferPointer { ax in
                                atz.withUnsafeMutableBufferPointer { atz in
                                    for j in 0..<cols {
                                        let xj = x[j]
                                        var sum = 0.0
                                        var p = pointers[j]
                                        let end = pointers[j + 1]
                                        while p < end {
                                            let i = rowIndices[p], v = values[p]
                                            ax[i] += v * xj
                                            sum += v * z[i]
                                            p &+= 1
                                        }
                                        atz[j] += sum
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// `y ← y + α·S x` where `S` is the symmetric matrix whose upper triangle this matrix stores
    /// (entries below the diagonal are ignored).
    func symmetricUpperMultiplyAdd(_ x: [Double], into y: inout [Double], scale alpha: Double = 1) {
        colPointers.withUnsafeBufferPointer { pointers in
            rowIndices.withUnsafeBufferPointer { rowIndices in
                values.withUnsafeBufferPointer { values in
                    x.withUnsafeBufferPointer { x in
                        y.withUnsafeMutableBufferPointer { y in
                            for j in 0..<cols {
                                var sum = 0.0
                                let xj = alpha * x[j]
                                for p in pointers[j]..<pointers[j + 1] {
                                    let i = rowIndices[p]
                                    if i > j { continue }
                                    let v = values[p]
                                    sum += v * x[i]
                                    if i != j { y[i] += v * xj }
                                }
                                y[j] += alpha * sum
                            }
                        }
                    }
                }
            }
        }
    }

    /// `A x` as a new vector.
    func times(_ x: [Double]) -> [Double] {
        var y = [Double](repeating: 0, count: rows)
        multiplyAdd(x, into: &y)
        return y
    }

    /// `Aᵀ x` as a new vector.
    func transposeTimes(_ x: [Double]) -> [Double] {
        var y = [Double](repeating: 0, count: cols)
        transposeMultiplyAdd(x, into: &y)
        return y
    }

    /// `S x` for the symmetric `S` stored as an upper triangle.
    func symmetricUpperTimes(_ x: [Double]) -> [Double] {
        var y = [Double](repeating: 0, count: cols)
        symmetricUpperMultiplyAdd(x, into: &y)
        return y
    }

    /// Only the entries on or above the diagonal, same order (so a structure can be reused).
    func upperTriangle() -> SparseMatrixCSC {
        var ptr = [0]
        var ri: [Int] = []
        var vals: [Double] = []
        for j in 0..<cols {
            for p in colPointers[j]..<colPointers[j + 1] where rowIndices[p] <= j {
                ri.append(rowIndices[p])
                vals.append(values[p])
            }
            ptr.append(ri.count)
        }
        return SparseMatrixCSC(rows: rows, cols: cols, colPointers: ptr, rowIndices: ri, values: vals)
    }
}

import TiltLinearAlgebra

/// The upper-triangle pattern of the KKT matrix (CSC, rows ascending, every column ending with its
/// diagonal) and the slot in it of every entry that `KKTSystem` writes.
///
/// Built column by column in final order, so no entry list is sorted: columns `0..<n` hold `P`'s upper
/// triangle and the diagonal for `σ`; column `n + i` holds row `i` of `A` and the cone's Hessian column;
/// each expanded second-order cone then adds its columns `v` and `u`. Duplicate entries of `P` or `A`
/// share a slot (their values are summed).
struct KKTPattern {
    var colPointers: [Int]
    var rowIndices: [Int]
    /// Slot of each entry of `P` with row ≤ column, in CSC order.
    var pSlots: [Int]
    /// Slot of each entry of `A`, in CSC order.
    var aSlots: [Int]
    /// For each cone, the slot of each value of its `writeHessian` layout (−1: not stored, lower triangle).
    var hessianSlots: [[Int]]

    init(P: SparseMatrixCSC, A: SparseMatrixCSC, cones: [any Cone], size: Int) {
        let n = A.cols, m = A.rows
        let hessianCount = cones.reduce(0) { total, cone in
            let d = cone.dimension
            switch cone.hessianShape {
            case .diagonal: return total + d
            case .dense: return total + d * (d + 1) / 2
            case .sparseExpansion: return total + 3 * d + 2
            }
        }
        var colPointers = [0], rowIndices: [Int] = []
        colPointers.reserveCapacity(size + 1)
        rowIndices.reserveCapacity(P.rowIndices.count + n + A.rowIndices.count + hessianCount)
        /// Appends `row` to the current column (the one after the last pointer) unless it repeats the
        /// column's last row; returns its slot.
        func append(_ row: Int) -> Int {
            if rowIndices.count == colPointers[colPointers.count - 1] || rowIndices[rowIndices.count - 1] != row {
                rowIndices.append(row)
            }
            return rowIndices.count - 1
        }
        var pSlots: [Int] = []
        pSlots.reserveCapacity(P.rowIndices.count)
        var aSlots = [Int](repeating: 0, count: A.rowIndices.count)
        var hessianSlots: [[Int]] = []
        hessianSlots.reserveCapacity(cones.count)

        // P's upper triangle: columns are usually in row order; one that is not is sorted through
        // `column`, pairs (row, index into pSlots).
        var column: [(row: Int, entry: Int)] = []
        for j in 0..<n {
            column.removeAll(keepingCapacity: true)
            for p in P.colPointers[j]..<P.colPointers[j + 1] where P.rowIndices[p] <= j {
                column.append((P.rowIndices[p], pSlots.count))
                pSlots.append(-1)
            }
            if !column.indices.dropFirst().allSatisfy({ column[$0 - 1].row <= column[$0].row }) { column.sort(by: <) }
            for (row, entry) in column { pSlots[entry] = append(row) }
            _ = append(j) // structural diagonal for σ
            colPointers.append(rowIndices.count)
        }

        // Aᵀ by rows of A: `aByRow[rowStart[i]..<rowStart[i + 1]]` are row i's entries, by column.
        var rowStart = [Int](repeating: 0, count: m + 1)
        for i in A.rowIndices { rowStart[i + 1] += 1 }
        for i in 0..<m { rowStart[i + 1] += rowStart[i] }
        var aByRow = [Int](repeating: 0, count: A.rowIndices.count)
        var aColumn = [Int](repeating: 0, count: A.rowIndices.count)
        var next = rowStart
        for j in 0..<n {
            for p in A.colPointers[j]..<A.colPointers[j + 1] {
                let i = A.rowIndices[p]
                aByRow[next[i]] = p
                aColumn[next[i]] = j
                next[i] += 1
            }
        }

        // Columns n..<n+m: row i of A above the cone's Hessian column, which ends on the diagonal.
        var expansions: [(cone: Int, rows: Range<Int>)] = []
        for (index, cone) in cones.enumerated() {
            let d = cone.dimension, base = cone.range.lowerBound
            var slots: [Int]
            switch cone.hessianShape {
            case .diagonal: slots = [Int](repeating: -1, count: d)
            case .dense: slots = [Int](repeating: -1, count: d * d)
            case .sparseExpansion:
                slots = [Int](repeating: -1, count: 3 * d + 2)
                expansions.append((index, cone.range))
            }
            for i in cone.range {
                for k in rowStart[i]..<rowStart[i + 1] { aSlots[aByRow[k]] = append(aColumn[k]) }
                let jj = i - base
                switch cone.hessianShape {
                case .diagonal, .sparseExpansion: slots[jj] = append(n + i)
                case .dense: for ii in 0...jj { slots[jj * d + ii] = append(n + base + ii) }
                }
                colPointers.append(rowIndices.count)
            }
            hessianSlots.append(slots)
        }

        // Expansion columns v, u of each large second-order cone: the cone's rows, then the diagonal
        // (layout: η²D, ηu, ηv, then the v and u diagonals).
        var extraColumn = n + m
        for (index, rows) in expansions {
            let d = rows.count
            for (column, offset, diagonal) in [(extraColumn, 2 * d, 3 * d), (extraColumn + 1, d, 3 * d + 1)] {
                for i in rows { hessianSlots[index][offset + i - rows.lowerBound] = append(n + i) }
                hessianSlots[index][diagonal] = append(column)
                colPointers.append(rowIndices.count)
            }
            extraColumn += 2
        }

        self.colPointers = colPointers
        self.rowIndices = rowIndices
        self.pSlots = pSlots
        self.aSlots = aSlots
        self.hessianSlots = hessianSlots
    }
}

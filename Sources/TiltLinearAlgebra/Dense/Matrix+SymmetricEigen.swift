import CLapack

extension Matrix {
    /// Eigenvalues (ascending) and orthonormal eigenvectors (as columns, in the same order) of a
    /// symmetric matrix, by divide and conquer (LAPACK dsyevd): A·V = V·diag(values). The vectors
    /// keep A's row labels.
    public func symmetricEigen() throws -> (values: [Double], vectors: Matrix) {
        let operation = "take the eigenvalues of"
        try requireSymmetric(operation)
        var vectors = Matrix(rows: rows, cols: cols, columnMajor: storage, rowLabels: rowLabels)
        var values = [Double](repeating: 0, count: rows)
        guard rows > 0 else { return (values, vectors) }
        var n = try LAPACK.integer(rows)
        var job = Int8(UInt8(ascii: "V"))
        var lower = Int8(UInt8(ascii: "L"))
        var info: Int32 = 0
        var query = 0.0
        var integerQuery: Int32 = 0
        var lwork: Int32 = -1
        var liwork: Int32 = -1
        dsyevd_(&job, &lower, &n, &vectors.storage, &n, &values, &query, &lwork, &integerQuery, &liwork, &info)
        try LAPACK.checkArguments(info, routine: "dsyevd")
        lwork = try LAPACK.workspaceSize(query)
        liwork = Swift.max(1, integerQuery)
        var work = [Double](repeating: 0, count: Int(lwork))
        var integerWork = [Int32](repeating: 0, count: Int(liwork))
        dsyevd_(&job, &lower, &n, &vectors.storage, &n, &values, &work, &lwork, &integerWork, &liwork, &info)
        try LAPACK.checkArguments(info, routine: "dsyevd")
        guard info == 0 else {
            throw LinearAlgebraError.invalidArgument(
                "cannot take the eigenvalues of \(shapeDescription): the algorithm did not converge")
        }
        return (values, vectors)
    }

    /// The eigen-decomposition of a symmetric matrix block by block. Its indices split into the connected
    /// components of its non-zero pattern (i and j joined when aᵢⱼ or aⱼᵢ is not exactly 0), each sorted,
    /// in order of their smallest index; permuted to them the matrix is block-diagonal, so its eigenvalues
    /// are the blocks' together and its eigenvectors the blocks' padded with zeros. A block of one index
    /// (every block of a diagonal matrix) is its own eigenvalue, with the vector (1) and no decomposition;
    /// a larger block goes through `symmetricEigen` divided by its largest entry (so that its eigenvalues
    /// neither overflow nor underflow, whatever the units), its values scaled back. Finding the blocks is
    /// one pass over the matrix, O(n²), against the O(n³) of decomposing it whole: a diagonal n×n matrix
    /// costs n² comparisons and no LAPACK call, a dense one a single block.
    public func symmetricEigenByBlocks() throws -> [(indices: [Int], values: [Double], vectors: Matrix)] {
        try requireSymmetric("take the eigenvalues of")
        // Union–find over the pattern (with path halving), the root of each index its component's.
        var parent = Array(0..<rows)
        func root(_ i: Int) -> Int {
            var i = i
            while parent[i] != i { parent[i] = parent[parent[i]]; i = parent[i] }
            return i
        }
        // Every entry, column by column (contiguous), so that aᵢⱼ and aⱼᵢ both count.
        storage.withUnsafeBufferPointer { a in
            for j in 0..<cols {
                for i in 0..<rows where i != j && a[i + j * rows] != 0 {
                    let (ri, rj) = (root(i), root(j))
                    if ri != rj { parent[Swift.max(ri, rj)] = Swift.min(ri, rj) }
                }
            }
        }
        var blockOfRoot: [Int: Int] = [:], blocks: [[Int]] = []
        for i in 0..<rows {
            let r = root(i)
            if let b = blockOfRoot[r] { blocks[b].append(i) } else { blockOfRoot[r] = blocks.count; blocks.append([i]) }
        }
        return try blocks.map { indices in
            guard indices.count > 1 else {
                return (indices, [self[indices[0], indices[0]]], Matrix(rows: 1, cols: 1, columnMajor: [1]))
            }
            let block = try selecting(rows: indices, cols: indices)
            let size = block.maximumAbsoluteEntry
            let (unitValues, vectors) = try block.map { $0 / size }.symmetricEigen()
            return (indices, unitValues.map { $0 * size }, vectors)
        }
    }

    /// `true` when the matrix is symmetric within `tolerance`·max(1, max|aᵢⱼ|) and its smallest
    /// eigenvalue is at least −`tolerance`·max(1, |λmax|) — e.g. to check a user-supplied covariance
    /// matrix. Non-square, non-finite or non-symmetric matrices are simply not PSD.
    public func isPositiveSemidefinite(tolerance: Double) -> Bool {
        guard rows == cols, isFinite,
              isSymmetric(absoluteTolerance: tolerance * Swift.max(1, maximumAbsoluteEntry)),
              let values = try? symmetrized().symmetricEigen().values
        else { return false }
        guard let smallest = values.first, let largest = values.last else { return true }
        return smallest >= -tolerance * Swift.max(1, abs(largest))
    }

    /// (A + Aᵀ)/2 for a square matrix, so that nearly symmetric input passes the exact symmetry check.
    func symmetrized() -> Matrix {
        var result = self
        for j in 0..<cols {
            for i in (j + 1)..<rows {
                let average = (self[i, j] + self[j, i]) / 2
                result[i, j] = average
                result[j, i] = average
            }
        }
        return result
    }
}

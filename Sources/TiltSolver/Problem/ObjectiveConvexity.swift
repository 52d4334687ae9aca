import TiltLinearAlgebra

extension ConicProblem {
    /// Whether `½xᵀPx` is visibly not convex: an LDLᵀ of `P + σI` (σ = 1e-9 of P's largest entry, approximate
    /// minimum degree ordering) meets a pivot below −1e-6 of that entry, so P has a negative eigenvalue. The
    /// solver assumes P ⪰ 0 and, without it, ends in "numerical error"; the DCP compiler only builds positive
    /// semidefinite P, but a problem file can hold any (a QPS QUADOBJ with a negative diagonal). False for
    /// a positive semidefinite P up to rounding, and for a zero P.
    public var objectiveIsVisiblyNonconvex: Bool {
        let n = variableCount
        let upper = P.upperTriangle()
        let scale = upper.values.reduce(0) { max($0, abs($1)) }
        guard scale > 0, scale.isFinite else { return false }
        // The pattern with every diagonal entry present (zeros where P has none).
        var triplets: [(row: Int, col: Int, value: Double)] = (0..<n).map { ($0, $0, 0) }
        for j in 0..<n {
            for p in upper.colPointers[j]..<upper.colPointers[j + 1] { triplets.append((upper.rowIndices[p], j, upper.values[p])) }
        }
        let pattern = SparseMatrixCSC(rows: n, cols: n, triplets: triplets)
        guard let factorization = try? QuasiDefiniteLDL(pattern: pattern) else { return false }
        do {
            try factorization.factor(values: pattern.values, signs: [Int8](repeating: 1, count: n),
                                     staticRegularization: 1e-9 * scale, dynamicRegularization: -1e-6 * scale,
                                     dynamicDelta: scale)
        } catch {
            return false  // A zero pivot: no verdict.
        }
        return factorization.regularizedPivotCount > 0
    }
}

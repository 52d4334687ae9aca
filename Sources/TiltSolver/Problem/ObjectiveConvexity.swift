import TiltLinearAlgebra

extension ConicProblem {
    /// Whether `½xᵀPx` is visibly not convex: P has an eigenvalue below −τ·‖P‖∞ (τ = `convexityTolerance`,
    /// ‖P‖∞ the largest absolute row sum, a bound on the largest eigenvalue), seen as a negative pivot of an
    /// LDLᵀ of `P + τ·‖P‖∞·I`, positive definite when P is semidefinite within τ (approximate minimum degree
    /// ordering; a positive definite matrix has only positive pivots whatever the order, so the test is
    /// stable). The solver assumes P ⪰ 0; the DCP compiler only builds positive semidefinite P, but a
    /// problem file can hold any (a QPS QUADOBJ with a negative diagonal). False for a P positive
    /// semidefinite up to the rounding of its data — the Maros–Meszaros VALUES, written to six decimals, has
    /// eigenvalues down to −1.27e-5 against a largest of 10.8 and is solved like any convex QP — and for a
    /// zero P.
    public var objectiveIsVisiblyNonconvex: Bool {
        let n = variableCount
        let upper = P.upperTriangle()
        var rowSums = [Double](repeating: 0, count: n)
        for j in 0..<n {
            for p in upper.colPointers[j]..<upper.colPointers[j + 1] {
                let i = upper.rowIndices[p], value = abs(upper.values[p])
                rowSums[i] += value
                if i != j { rowSums[j] += value }
            }
        }
        let scale = rowSums.max() ?? 0
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
                                     staticRegularization: Self.convexityTolerance * scale, dynamicRegularization: 0,
                                     dynamicDelta: scale)
        } catch {
            return false  // A zero pivot: no verdict.
        }
        return factorization.regularizedPivotCount > 0
    }

    /// How negative, relative to ‖P‖∞, an eigenvalue of P may be and P still count as positive semidefinite:
    /// data rounded to six significant digits move the eigenvalues of a P with a few hundred rows by up to
    /// about this much.
    public static let convexityTolerance = 1e-5
}

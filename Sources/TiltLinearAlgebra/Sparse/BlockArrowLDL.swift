/// LDLᵀ of a sparse symmetric quasi-definite matrix `K` with *bordered block-diagonal* ("block
/// arrow") structure: once a few densely connected rows/columns (the *border*) are set aside, the
/// graph of `K` falls apart into many small blocks. Portfolio KKT systems look like this: each
/// asset's weight, its bound row and its risk row form a block of three; the rows every asset
/// touches (the budget, the factor-exposure definitions, the two expansion columns of a large
/// second-order cone) form a border of a dozen rows.
///
/// The blocks are eliminated first, then the border's dense Schur complement. Blocks of one *shape*
/// (size, pattern, pivot signs and border neighbours) are stored together entry by entry across
/// blocks (structure of arrays), so that eliminating them is one short straight-line program run
/// over all blocks of the shape in contiguous, vectorisable loops, and their contributions to the
/// border are sums over those arrays. The arithmetic is that of sparse LDLᵀ with the blocks ordered
/// first (no pivoting, signs known in advance, static and dynamic regularisation as in
/// `QuasiDefiniteLDL`); what it saves is the index chasing of a general sparse factorisation, which
/// dominates when the blocks are tiny. The analysis (`BlockArrowStructure`) is separate and can be
/// shared by any number of factorisations.
public final class BlockArrowLDL {
    public let structure: BlockArrowStructure
    /// Number of pivots replaced by `sign · dynamicDelta` in the last `factor` call.
    public private(set) var regularizedPivotCount = 0
    private let groups: [BlockGroup]
    private let border: DenseBorder

    public init(structure: BlockArrowStructure) {
        self.structure = structure
        groups = structure.programs.map(BlockGroup.init)
        border = DenseBorder(structure: structure)
    }

    /// Analyses the pattern (`BlockArrowStructure`); nil when it lacks the structure.
    public convenience init?(pattern: SparseMatrixCSC, signs: [Int],
                             limits: BlockArrowStructure.Limits = BlockArrowStructure.Limits()) {
        guard let structure = BlockArrowStructure(pattern: pattern, signs: signs, limits: limits) else { return nil }
        self.init(structure: structure)
    }

    /// Factors `K` with the given values (CSC order of the analysed pattern) after adding
    /// `sign · staticRegularization` to every diagonal entry; a pivot with `sign · d < eps` becomes
    /// `sign · dynamicDelta`.
    /// - Throws: `SparseMatrixError` for a wrong number of values or a zero / non-finite pivot.
    public func factor(values: [Double], staticRegularization: Double, dynamicRegularization eps: Double,
                       dynamicDelta: Double) throws {
        guard values.count == structure.inputEntryCount else {
            throw SparseMatrixError.lengthMismatch(what: "values", expected: structure.inputEntryCount, actual: values.count)
        }
        var regularized = 0
        try values.withUnsafeBufferPointer { v in
            border.assemble(values: v, staticRegularization: staticRegularization)
            for group in groups {
                regularized += try group.factor(values: v, staticRegularization: staticRegularization,
                                                eps: eps, delta: dynamicDelta, schur: border)
            }
        }
        regularized += try border.factor(eps: eps, delta: dynamicDelta)
        regularizedPivotCount = regularized
    }

    /// Overwrites `b` (`structure.dimension` entries) with `K⁻¹ b` using the last factorisation.
    public func solve(_ b: UnsafeMutablePointer<Double>) {
        border.gather(from: b)
        for group in groups { group.forward(b, border: border) }
        border.solve()
        for group in groups { group.backward(b, border: border) }
        border.scatter(into: b)
    }
}

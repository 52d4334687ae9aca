import Foundation
import Testing
import TiltLinearAlgebra
import TiltModeling
import TiltSolver

/// Issue 22: an objective's `quad(F' * (w - b), S)` or `sumsq(L' * F' * (w - b))`, F n×K, is compiled with
/// the K rows of F'(w − b) lifted into new variables, so P is K×K plus the specific variances' diagonal
/// rather than n×n. Checked against the same problem written with the exposures named by hand
/// (`var f[K]`, `f == F' * (w - b)`, `quad(f, S)`) and against the dense covariance FSFᵀ + diag(E)
/// (`quad(w - b, Sigma)`, which stays n×n), on a seeded 300-asset, 4-factor model.
struct DenseRowLiftingTests {
    static let n = 300, k = 4

    /// Loadings F (n×K), factor covariance S (K×K, positive definite), residual variances E, expected
    /// returns mu and benchmark weights b (summing to 1), monthly decimals.
    struct Model {
        var loadings: Matrix, factorCovariance: Matrix, residualVariances: [Double], mu: Matrix, benchmark: Matrix

        init(seed: UInt64) {
            var random = SplitMix64(seed: seed)
            loadings = Matrix(rows: n, cols: k)
            for i in 0..<n { for j in 0..<k { loadings[i, j] = (j == 0 ? 1 : 0) + random.uniform() - 0.5 } }
            let g = Matrix(rows: k, cols: k, columnMajor: (0..<(k * k)).map { _ in (random.uniform() - 0.5) * 0.04 })
            factorCovariance = Matrix(rows: k, cols: k)
            for a in 0..<k {
                for c in 0..<k { factorCovariance[a, c] = (0..<k).reduce(0) { $0 + g[a, $1] * g[c, $1] } + (a == c ? 1e-4 : 0) }
            }
            residualVariances = (0..<n).map { _ in 0.002 + 0.004 * random.uniform() }
            mu = Matrix(row: (0..<n).map { _ in 0.01 * random.uniform() })
            let caps = (0..<n).map { _ in exp(2 * random.uniform()) }
            let total = caps.reduce(0, +)
            benchmark = Matrix(column: caps.map { $0 / total })
        }

        /// FSFᵀ + diag(E), the covariance a user could also pass whole.
        var covariance: Matrix {
            get throws {
                var sigma = try Matrix.product(Matrix.product(loadings, factorCovariance), loadings.transposed())
                for i in 0..<n { sigma[i, i] += residualVariances[i] }
                return sigma
            }
        }
    }

    let model = Model(seed: 22)
    let w = Variable(name: "w", rows: n)
    let f = Variable(name: "f", rows: k)

    var active: Expr { get throws { try v(w) - .constant(model.benchmark) } }
    var specific: Expr {
        get throws { try sumsq(.multiplyElementwise(.constant(Matrix(column: model.residualVariances.map { $0.squareRoot() })), active)) }
    }

    /// maximize mu'w − 5·risk s.t. sum(w) == 1, w >= 0, with the given risk (plus `extra` constraints).
    func problem(risk: Expr, extra: [Constraint] = []) throws -> OptimizationProblem {
        maximize(try .constant(model.mu) * v(w) - 5 * risk, [sum(v(w)) == 1, v(w) >= 0] + extra)
    }

    var written: OptimizationProblem {
        get throws { try problem(risk: quad(.constant(model.loadings.transposed()) * active, model.factorCovariance) + specific) }
    }

    var handLifted: OptimizationProblem {
        get throws {
            try problem(risk: quad(v(f), model.factorCovariance) + specific,
                        extra: [v(f) == .constant(model.loadings.transposed()) * active])
        }
    }

    func solved(_ problem: OptimizationProblem) throws -> (objective: Double, weights: [Double]) {
        let solution = try problem.solve()
        #expect(solution.status == .optimal)
        let weights = try #require(solution.values.first { $0.0 === w }?.1.storage)
        return (try #require(solution.objective), weights)
    }

    @Test func factorQuadraticSolvesAsTheHandLiftedForm() throws {
        let automatic = try solved(written)
        let byHand = try solved(handLifted)
        let dense = try solved(problem(risk: quad(active, model.covariance)))
        #expect(abs(automatic.objective - byHand.objective) <= 1e-8 * abs(byHand.objective), "\(automatic.objective) vs \(byHand.objective)")
        #expect(abs(automatic.objective - dense.objective) <= 1e-8 * abs(dense.objective), "\(automatic.objective) vs \(dense.objective)")
        #expect(zip(automatic.weights, byHand.weights).allSatisfy { abs($0 - $1) <= 1e-7 })
        // sumsq(L' * F' * (w - b)) with S = LLᵀ is the same risk.
        let lower = try model.factorCovariance.cholesky()
        let viaSquares = try solved(problem(risk: sumsq(.constant(try Matrix.product(lower.transposed(), model.loadings.transposed())) * active) + specific))
        #expect(abs(viaSquares.objective - byHand.objective) <= 1e-8 * abs(byHand.objective), "\(viaSquares.objective) vs \(byHand.objective)")
    }

    /// The specific risk written `quad(w - b, diag(E))`, as Docs/language.md has a month's strategy risk: P is
    /// checked from its diagonal and only its n diagonal entries enter the compiled P. Same optimum as
    /// `sumsq(sqrt(E) .* (w - b))` and as the dense FSFᵀ + diag(E) (1e-8 relative), in the objective and in a
    /// risk budget (where `quad` becomes a cone on diag(√E)(w − b)).
    @Test func diagonalQuadSolvesAsSumsqAndTheDenseCovariance() throws {
        let diagonal = Matrix.diagonal(Matrix(column: model.residualVariances))
        let factor = try quad(.constant(model.loadings.transposed()) * active, model.factorCovariance)
        let viaDiagonal = try problem(risk: factor + quad(active, diagonal))
        let compiled = try ConeCompiler.compile(viaDiagonal).conic
        #expect(compiled.P.nonzeroCount <= Self.k * (Self.k + 1) / 2 + Self.n, "P has \(compiled.P.nonzeroCount) entries")
        let diagonalOptimum = try solved(viaDiagonal)
        let squares = try solved(written)
        let dense = try solved(problem(risk: quad(active, model.covariance)))
        for other in [squares, dense] {
            #expect(abs(diagonalOptimum.objective - other.objective) <= 1e-8 * abs(other.objective), "\(diagonalOptimum.objective) vs \(other.objective)")
        }
        #expect(zip(diagonalOptimum.weights, squares.weights).allSatisfy { abs($0 - $1) <= 1e-7 })

        // maximize mu'w s.t. risk <= budget (a tight budget, so that it binds), the three ways.
        func budgeted(_ risk: Expr) throws -> (objective: Double, weights: [Double]) {
            try solved(maximize(try .constant(model.mu) * v(w), [sum(v(w)) == 1, v(w) >= 0, risk <= .constant(1e-5)]))
        }
        let budgetDiagonal = try budgeted(factor + quad(active, diagonal))
        let budgetSquares = try budgeted(factor + specific)
        let budgetDense = try budgeted(quad(active, model.covariance))
        let bestReturn = try #require(model.mu.storage.max())
        #expect(budgetDiagonal.objective < bestReturn - 1e-4, "the budget does not bind")
        for other in [budgetSquares, budgetDense] {
            #expect(abs(budgetDiagonal.objective - other.objective) <= 1e-8 * abs(other.objective), "\(budgetDiagonal.objective) vs \(other.objective)")
        }
    }

    /// The compiled P: K(K+1)/2 + n entries (the factor block and the specific diagonal) and K new
    /// variables, where the expanded form had n(n+1)/2. A dense Σ is genuinely n×n and stays so; the
    /// strategy's `[L'f; √E ∘ (w − b)]` and a tall least-squares argument are not lifted.
    @Test func liftedProgramHasAFactorSizedP() throws {
        for p in [try written, try problem(risk: sumsq(.constant(model.loadings.transposed()) * active) + specific)] {
            let compiled = try ConeCompiler.compile(p).conic
            #expect(compiled.variableCount == Self.n + Self.k)
            #expect(compiled.P.nonzeroCount <= Self.k * (Self.k + 1) / 2 + Self.n, "P has \(compiled.P.nonzeroCount) entries")
            #expect(compiled.cones.first == .zero(1 + Self.k))
        }
        // A bordered S (a zero row and column, as a month's `Sigma_f` has for the intercept): that row is not lifted.
        var bordered = Matrix(rows: Self.k + 1, cols: Self.k + 1)
        for a in 0..<Self.k { for c in 0..<Self.k { bordered[a + 1, c + 1] = model.factorCovariance[a, c] } }
        let withIntercept = Matrix(rows: Self.n, cols: Self.k + 1, columnMajor: [Double](repeating: 1, count: Self.n) + model.loadings.storage)
        let borderedProgram = try ConeCompiler.compile(problem(risk: quad(.constant(withIntercept.transposed()) * active, bordered) + specific)).conic
        #expect(borderedProgram.variableCount == Self.n + Self.k)
        #expect(borderedProgram.P.nonzeroCount <= Self.k * (Self.k + 1) / 2 + Self.n)

        let dense = try ConeCompiler.compile(problem(risk: quad(active, model.covariance))).conic
        #expect(dense.variableCount == Self.n)
        #expect(dense.P.nonzeroCount == Self.n * (Self.n + 1) / 2)

        let lower = try model.factorCovariance.cholesky()
        let riskVector = try Expr.concatenate([.constant(lower.transposed()) * v(f),
                                               .multiplyElementwise(.constant(Matrix(column: model.residualVariances.map { $0.squareRoot() })), active)],
                                              horizontal: false)
        let strategyShaped = try ConeCompiler.compile(problem(risk: sumsq(riskVector),
                                                              extra: [v(f) == .constant(model.loadings.transposed()) * active])).conic
        #expect(strategyShaped.variableCount == Self.n + Self.k)
        #expect(strategyShaped.P.nonzeroCount == Self.k * (Self.k + 1) / 2 + Self.n)

        var random = SplitMix64(seed: 7)
        let design = Matrix(rows: 20, cols: 5, columnMajor: (0..<100).map { _ in random.uniform() })
        let x = Variable(name: "x", rows: 5)
        let leastSquares = try ConeCompiler.compile(minimize(sumsq(.constant(design) * v(x) - .constant(Matrix(rows: 20, cols: 1, repeating: 1))))).conic
        #expect(leastSquares.variableCount == 5)
        #expect(leastSquares.P.nonzeroCount == 15)
    }
}

import Testing
import TiltLinearAlgebra
import TiltModeling

/// The DCP composition rules on their own: curvature and sign of compositions, and the broken rule in
/// words when a composition is not DCP.
struct DCPAnalysisTests {
    let x = Variable(name: "x", rows: 3)
    let y = Variable(name: "y", rows: 3)
    let a = Expr.constant(Matrix(column: [1, -2, 0.5]))
    let s = Matrix(rowMajor: [[2, 0.5, 0], [0.5, 1, 0], [0, 0, 3]])

    func analysis(_ e: Expr) -> DCPAnalysis.Result { DCPAnalysis.analyze(e) }

    @Test func convexOfAffineIsConvexAndNonNegative() throws {
        let r = analysis(try norm(v(x) - a))
        #expect(r.curvature == .convex)
        #expect(r.sign == .nonnegative)
        #expect(r.violation == nil)
        #expect(analysis(try v(x) - a).curvature == .affine)
        #expect(analysis(a).curvature == .constant)
    }

    @Test func increasingConvexOfConvexIsConvex() throws {
        #expect(analysis(try exp(norm(v(x)))).curvature == .convex)
        #expect(analysis(try maximum(norm(v(x)), abs(v(y)))).curvature == .convex)
        // sumsq grows with a non-negative argument, and pos(x) is non-negative.
        #expect(analysis(try sumsq(pos(v(x)))).curvature == .convex)
        // Increasing concave of concave is concave.
        #expect(analysis(try log(sqrt(v(x)))).curvature == .concave)
        #expect(analysis(try minimum(log(v(x)), sqrt(v(y)))).curvature == .concave)
        #expect(analysis(try logsumexp(maximum(v(x), v(y)))).curvature == .convex)
    }

    @Test func negationAndScalingFlipCurvatureAndSign() throws {
        let r = analysis(-(try sumsq(v(x))))
        #expect(r.curvature == .concave)
        #expect(r.sign == .nonpositive)
        #expect(analysis(try -2 * norm1(v(x))).curvature == .concave)
        #expect(analysis(try 0.5 * entropy(v(x))).curvature == .concave)
    }

    @Test func sqrtOfConvexIsRejectedWithTheRule() throws {
        let r = analysis(try sqrt(sumsq(v(x))))
        #expect(r.curvature == .unknown)
        #expect(r.violation?.message == "sqrt is concave and increasing, so its argument must be concave, but `sumsq(x)` is convex")
    }

    @Test func quadOfConvexIsRejected() throws {
        let r = analysis(try quad(abs(v(x)), s))
        #expect(r.curvature == .unknown)
        #expect(r.violation?.message == "quad needs an affine argument, but `abs(x)` is convex")
    }

    @Test func normOfConcaveOfUnknownSignIsRejected() throws {
        let r = analysis(try norm(log(v(x))))
        #expect(r.violation?.message == "norm is convex and not monotone for an argument of unknown sign, so its argument must be affine, but `log(x)` is concave")
        // abs is decreasing for a non-positive argument: abs(−norm(x)) is convex.
        #expect(analysis(try abs(-(try norm(v(x))))).curvature == .convex)
    }

    @Test func sumOfConvexAndConcaveIsNeitherAndSaysWhy() throws {
        let e = try norm(v(x)) + log(sum(v(y)))
        let r = analysis(e)
        #expect(r.curvature == .unknown)
        let message = try #require(r.violation?.message)
        #expect(message.contains("adds convex `norm(x)` and concave `log(a 1×1 expression)`"), "\(message)")
    }

    @Test func mixedSignConstantTimesConvexIsRejected() throws {
        let m = Matrix(rowMajor: [[1, -1, 0], [0, 1, 1]])
        let r = analysis(try .constant(m) * abs(v(x)))
        #expect(r.curvature == .unknown)
        #expect(r.violation?.message.contains("by a constant with entries of both signs") == true)
        // A non-negative matrix keeps convexity.
        #expect(analysis(try .constant(m.map { Swift.abs($0) }) * abs(v(x))).curvature == .convex)
    }

    @Test func productsOfVariablesAreRejected() throws {
        #expect(throws: ModelingError.self) { try v(x).T * v(y) }
        #expect(throws: ModelingError.self) { try Expr.multiplyElementwise(v(x), v(y)) }
        do {
            _ = try v(x).T * v(y)
        } catch let error as ModelingError {
            #expect(error.message == "cannot multiply two expressions that both depend on variables")
            #expect(error.hint?.contains("x'P x") == true)
        }
    }

    @Test func scaledQuadraticFormIsRecognised() throws {
        // `2 * x' S x` parses as ((2 * x') * S) * x and becomes 2·quad(x, S).
        let form = try 2 * v(x).T * .constant(s) * v(x)
        guard case .multiplyElementwise(let scale, let inner) = form.node, case .atom(.quad(let p), _) = inner.node else {
            Issue.record("not a scaled quad: \(form.node)")
            return
        }
        #expect(scale.storage == [2])
        #expect(p.storage == s.storage)
        #expect(analysis(form).curvature == .convex)
        let point = Matrix(column: [1, -1, 2])
        let expected = 28.0 // 2 · (2·1 + 1·1 + 3·4 + 2·0.5·(1·−1))
        #expect(abs(try #require(form.value(at: [x: point]))[0, 0] - expected) < 1e-12)
        // x'x is a sum of squares, −x'Sx concave.
        if case .atom(.sumSquares, _) = try (v(x).T * v(x)).node {} else { Issue.record("x'x is not sumsq") }
        #expect(analysis(try -1 * v(x).T * .constant(s) * v(x)).curvature == .concave)
    }

    @Test func nonPSDQuadIsRejectedWithItsSmallestEigenvalue() throws {
        let indefinite = Matrix(rowMajor: [[1, 2, 0], [2, 1, 0], [0, 0, 1]]) // eigenvalues −1, 1, 3
        do {
            _ = try quad(v(x), indefinite)
            Issue.record("an indefinite P was accepted")
        } catch let error as ModelingError {
            let prefix = "quad(x, P) needs P positive semidefinite; its smallest eigenvalue is "
            #expect(error.message.hasPrefix(prefix), "\(error.message)")
            let smallest = try #require(Double(error.message.dropFirst(prefix.count)))
            #expect(abs(smallest + 1) < 1e-12)
        }
        // A non-symmetric P is symmetrised: xᵀPx only sees (P + Pᵀ)/2, here PSD.
        let skewed = Matrix(rowMajor: [[1, 2, 0], [0, 1, 0], [0, 0, 1]])
        let form = try quad(v(x), skewed)
        let point = Matrix(column: [1, 2, 3])
        #expect(abs(try #require(form.value(at: [x: point]))[0, 0] - 18) < 1e-12) // 1 + 4 + 9 + 2·2
    }

    /// A diagonal P's eigenvalues are its entries (no decomposition): a negative one is refused with the same
    /// message, one negative within rounding (−1e-12 beside 1) is accepted as the tolerance rule has it.
    /// A nearly diagonal dense P (off-diagonal 1e-3 beside a zero diagonal entry, indefinite though its diagonal
    /// is not) still goes through the decomposition, and its smallest eigenvalue is the whole matrix's.
    @Test func diagonalAndNearlyDiagonalQuadsAreCheckedFromTheirEigenvalues() throws {
        func smallestReported(_ p: Matrix, _ z: Variable) throws -> Double? {
            do {
                _ = try quad(v(z), p)
                return nil
            } catch let error as ModelingError {
                let prefix = "quad(x, P) needs P positive semidefinite; its smallest eigenvalue is "
                #expect(error.message.hasPrefix(prefix), "\(error.message)")
                return try #require(Double(error.message.dropFirst(prefix.count)))
            }
        }
        #expect(try smallestReported(Matrix.diagonal(Matrix(column: [2, -0.5, 1])), x) == -0.5)
        #expect(try smallestReported(Matrix.diagonal(Matrix(column: [1, -1e-12, 0])), x) == nil)
        let n = 50
        let z = Variable(name: "z", rows: n)
        var nearlyDiagonal = Matrix(rows: n, cols: n, repeating: 1e-3)
        for i in 0..<n { nearlyDiagonal[i, i] = i == 0 ? 0 : 1 }
        let whole = try nearlyDiagonal.symmetricEigen().values[0]
        #expect(whole < -1e-10)
        let reported = try #require(try smallestReported(nearlyDiagonal, z))
        #expect(abs(reported - whole) <= 1e-12)
    }

    @Test func shapesAreCheckedWhereExpressionsAreBuilt() throws {
        let z = Variable(name: "z", rows: 2)
        #expect(throws: ModelingError.self) { try v(x) + v(z) }
        #expect(throws: ModelingError.self) { try Expr.constant(Matrix(rows: 2, cols: 2, repeating: 1)) * v(x) }
        #expect(throws: ModelingError.self) { try Expr.select(v(x), rows: [3], cols: nil) }
        #expect(throws: ModelingError.self) { try Expr.divide(v(x), by: Matrix(column: [1, 0, 2])) }
        #expect(throws: ModelingError.self) { try maximum(v(x), v(z)) }
        #expect(throws: ModelingError.self) { try quad(v(x), Matrix(rows: 2, cols: 2, repeating: 0)) }
    }

    /// A constant written as an expression (`c'` is `transpose(constant c)`) counts as a constant.
    @Test func transposedConstantTimesVariable() throws {
        let product = try Expr.transpose(a) * v(x)
        #expect(product.rows == 1 && product.cols == 1)
    }
}

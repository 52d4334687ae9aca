import Testing
import TiltLinearAlgebra
import TiltModeling
import TiltSolver

/// The compiled cone programs of small problems: sizes, cone lists, where quadratic terms go, and the
/// DCP checks of objectives and constraints.
struct ConeCompilerTests {
    let x = Variable(name: "x", rows: 4)
    let t = Variable(name: "t", rows: 1)
    let p = Matrix(rowMajor: [[2, 1, 0, 0], [1, 2, 0, 0], [0, 0, 1, 0], [0, 0, 0, 3]])

    func compile(_ problem: OptimizationProblem) throws -> CompiledProblem { try ConeCompiler.compile(problem) }

    func dcpError(_ problem: OptimizationProblem) -> String? {
        do {
            _ = try compile(problem)
            return nil
        } catch let error as ModelingError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    @Test func normConstraintGivesOneSecondOrderCone() throws {
        let c = try compile(minimize(v(t), [try norm(v(x)) <= v(t)]))
        // x (4), t (1) and the epigraph variable of norm(x) (1); one row t − norm ≥ 0 and one SOC (τ, x).
        #expect(c.conic.variableCount == 6)
        #expect(c.conic.cones == [.nonnegative(1), .secondOrder(5)])
        #expect(c.conic.constraintCount == 6)
        #expect(c.conic.P.values.isEmpty)
    }

    @Test func quadraticObjectiveStaysInP() throws {
        let q = Matrix(column: [1, -1, 0.5, 0])
        let c = try compile(minimize(try quad(v(x), p) + .constant(q.transposed()) * v(x), [sum(v(x)) == 1]))
        #expect(c.conic.variableCount == 4)
        #expect(c.conic.cones == [.zero(1)])
        #expect(c.conic.q == q.storage)
        // ½xᵀ(2P)x: the upper triangle of 2P.
        var upper: [Double] = []
        for j in 0..<4 { for i in 0...j where p[i, j] != 0 { upper.append(2 * p[i, j]) } }
        #expect(c.conic.P.values == upper)
        #expect(c.objectiveSign == 1)
    }

    @Test func maximisationNegatesTheObjective() throws {
        let mu = Matrix(row: [0.01, 0.02, 0.015, 0.005])
        let c = try compile(maximize(try .constant(mu) * v(x) - 3 * quad(v(x), p), [sum(v(x)) == 1, v(x) >= 0]))
        #expect(c.objectiveSign == -1)
        #expect(c.conic.q == mu.storage.map { -$0 })
        #expect(c.conic.cones == [.zero(1), .nonnegative(4)])
        #expect(c.conic.P.values.first == 12) // 2 · 3 · P₀₀
        // Duals: −1 turns Clarabel's multiplier of an equality into CVXPY's sign.
        #expect(c.constraintRows.map(\.sign) == [-1, 1])
        #expect(c.constraintRows.map(\.rows.count) == [1, 4])
    }

    /// Against a variable bound, sumsq is an epigraph variable τ with (τ + 1, τ − 1, 2x) ∈ SOC(n + 2); against
    /// a constant it is a variance budget, one cone ‖x‖ ≤ √K (no epigraph variable), whose dual is read as
    /// the budget's: minimize sum(x) s.t. sumsq(x) <= 1 is −2 at x = −½ each, where 1 + 2λxᵢ = 0 gives λ = 1.
    @Test func sumOfSquaresInAConstraintIsARotatedConeOrABudget() throws {
        let rotated = try compile(minimize(sum(v(x)), [try sumsq(v(x)) <= v(t)]))
        #expect(rotated.conic.cones == [.nonnegative(1), .secondOrder(6)])
        let budget = try compile(minimize(sum(v(x)), [try sumsq(v(x)) <= 1]))
        #expect(budget.conic.cones == [.secondOrder(5)])
        #expect(budget.conic.variableCount == 4)
        let solution = try minimize(sum(v(x)), [try sumsq(v(x)) <= 1]).solve()
        #expect(solution.status == .optimal)
        #expect(abs((solution.objective ?? 0) + 2) <= 1e-9)
        #expect(abs((solution.duals.first?[0, 0] ?? 0) - 1) <= 1e-8)
        // Weighted quad and sumsq terms with a constant on the left: 2·quad(x, P) + sumsq(x) + 1 <= 5.
        let mixed = try compile(minimize(sum(v(x)), [try .add(.add(.multiply(.constant(2), quad(v(x), p)), sumsq(v(x))), .constant(1)) <= 5]))
        #expect(mixed.conic.cones == [.secondOrder(1 + 4 + 4)])
        #expect(abs(mixed.conic.b[0] - 2) <= 1e-15)
    }

    @Test func piecewiseLinearAtomsUseNonNegativeRows() throws {
        let norm1Program = try compile(minimize(try norm1(v(x))))
        #expect(norm1Program.conic.variableCount == 4 + 1 + 4)
        #expect(norm1Program.conic.cones == [.nonnegative(2 * 4 + 1)])
        let normInfProgram = try compile(minimize(try norminf(v(x))))
        #expect(normInfProgram.conic.variableCount == 4 + 1)
        #expect(normInfProgram.conic.cones == [.nonnegative(2 * 4)])
        let maxProgram = try compile(minimize(try sum(maximum(v(x), .constant(0), -(v(x))))))
        #expect(maxProgram.conic.cones == [.nonnegative(3 * 4)])
    }

    @Test func exponentialAtomsUseOneConePerEntry() throws {
        let logSumExpProgram = try compile(minimize(try logsumexp(v(x))))
        #expect(logSumExpProgram.conic.cones == [.nonnegative(1)] + Array(repeating: ConeSpec.exponential, count: 4))
        let entropyProgram = try compile(maximize(try sum(entropy(v(x))), [sum(v(x)) == 1]))
        #expect(entropyProgram.conic.cones == [.zero(1)] + Array(repeating: ConeSpec.exponential, count: 4))
        let sqrtProgram = try compile(maximize(try sum(sqrt(v(x)))))
        #expect(sqrtProgram.conic.cones == Array(repeating: ConeSpec.secondOrder(3), count: 4))
    }

    @Test func objectiveViolationsNameTheTerm() throws {
        #expect(dcpError(maximize(try sumsq(v(x)))) == "cannot maximize convex `sumsq(x)`")
        let mu = Expr.constant(Matrix(row: [1, 2, 3, 4]))
        #expect(dcpError(minimize(try sum(log(v(x))))) == "cannot minimize concave `log(x)`")
        #expect(dcpError(maximize(try mu * v(x) - 2 * norm(v(x)) - abs(sum(v(x))) + 3)) == nil)
        #expect(dcpError(minimize(v(x))) == "the objective must be a single number, found 4×1")
    }

    /// A sum of a concave and a convex term, the usual slip (`maximize mu'w − risk + norm(…)`): the message
    /// names the convex term, not the sum.
    @Test func mixedObjectiveNamesTheConvexTerm() throws {
        let mu = Expr.constant(Matrix(row: [1, 2, 3, 4]))
        let message = dcpError(maximize(try mu * v(x) - sumsq(v(x)) + norm(v(x))))
        #expect(message == "cannot maximize convex `norm(x)`")
    }

    @Test func constraintViolationsSayWhichSideIsWrong() throws {
        var larger = try norm(v(x)) >= 1
        larger.text = "norm(x) >= 1"
        #expect(dcpError(minimize(v(t), [larger]))
                == "`norm(x) >= 1` is not DCP: the larger side must be concave, but `norm(x)` is convex")
        #expect(dcpError(minimize(v(t), [try sqrt(v(x)) <= 1]))
                == "a constraint is not DCP: the smaller side must be convex, but `sqrt(x)` is concave")
        #expect(dcpError(minimize(v(t), [try norm(v(x)) == 1]))
                == "a constraint is not DCP: both sides of `==` must be affine, but `norm(x)` is convex")
        #expect(dcpError(minimize(v(t), [v(x) <= .constant(Matrix(column: [1, 2]))])) == "cannot compare 4×1 with 2×1")
        // convex <= concave, and concave >= convex, are fine.
        #expect(dcpError(minimize(v(t), [try norm(v(x)) <= sqrt(v(t)), try log(v(t)) >= abs(sum(v(x)))])) == nil)
    }

    /// The duals of a constraint with an atom in it come from the constraint's own row only, not from the
    /// atom's epigraph cone.
    @Test func atomInsideAConstraintOwnsOnlyItsOwnRows() throws {
        let c = try compile(minimize(v(t), [try norm(v(x)) <= v(t)]))
        #expect(c.constraintRows[0].rows == [0])
    }
}

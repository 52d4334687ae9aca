import Foundation
import TiltLinearAlgebra
@testable import TiltSolver

/// A problem written by References/make_references.py with Clarabel's status and objective.
struct ReferenceProblem: Decodable {
    struct CSC: Decodable {
        let rows, cols: Int
        let colPointers, rowIndices: [Int]
        let values: [Double]
        var matrix: SparseMatrixCSC {
            SparseMatrixCSC(rows: rows, cols: cols, colPointers: colPointers, rowIndices: rowIndices, values: values)
        }
    }
    struct Cone: Decodable {
        let type: String
        let dimension: Int
        var spec: ConeSpec {
            switch type {
            case "zero": return .zero(dimension)
            case "nonnegative": return .nonnegative(dimension)
            case "secondOrder": return .secondOrder(dimension)
            default: return .exponential
            }
        }
    }
    let name: String
    let P: CSC
    let q: [Double]
    let A: CSC
    let b: [Double]
    let cones: [Cone]
    /// Clarabel's status name ("Solved", "PrimalInfeasible", "DualInfeasible").
    let status: String
    let objective: Double?

    var problem: ConicProblem {
        ConicProblem(P: P.matrix, q: q, A: A.matrix, b: b, cones: cones.map(\.spec))
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("References")

    static let names = [
        "lp_random", "qp_random", "socp_random", "exp_logsumexp", "exp_entropy", "exp_explog",
        "lp_primal_infeasible", "lp_dual_infeasible", "lp_degenerate", "qp_badly_scaled",
        "portfolio_tev_48", "portfolio_risk_aversion_48", "portfolio_tev_benchmark_48",
    ]

    static func load(_ name: String) throws -> ReferenceProblem {
        let data = try Data(contentsOf: directory.appendingPathComponent(name + ".json"))
        return try JSONDecoder().decode(ReferenceProblem.self, from: data)
    }
}

/// Independent KKT checks of a returned solution in the original data.
enum KKTCheck {
    static func normInf(_ v: [Double]) -> Double { v.reduce(0) { max($0, abs($1)) } }

    /// `‖Ax + s − b‖∞ / max(1, ‖b‖∞)`.
    static func primalResidual(_ p: ConicProblem, _ sol: SolverSolution) -> Double {
        let ax = p.A.times(sol.x)
        return normInf((0..<p.b.count).map { ax[$0] + sol.s[$0] - p.b[$0] }) / max(1, normInf(p.b))
    }

    /// `‖Px + Aᵀz + q‖∞ / max(1, ‖q‖∞)`.
    static func dualResidual(_ p: ConicProblem, _ sol: SolverSolution) -> Double {
        let px = p.P.upperTriangle().symmetricUpperTimes(sol.x), atz = p.A.transposeTimes(sol.z)
        return normInf((0..<p.q.count).map { px[$0] + atz[$0] + p.q[$0] }) / max(1, normInf(p.q))
    }

    /// `|sᵀz| / max(1, |objective|)`.
    static func complementarity(_ sol: SolverSolution) -> Double {
        abs(zip(sol.s, sol.z).reduce(0) { $0 + $1.0 * $1.1 }) / max(1, abs(sol.primalObjective))
    }

    /// Largest violation of `s ∈ K` and `z ∈ K*`.
    static func coneViolation(_ p: ConicProblem, _ sol: SolverSolution) -> Double {
        var worst = 0.0, offset = 0
        for cone in p.cones {
            let r = offset..<(offset + cone.dimension)
            let s = Array(sol.s[r]), z = Array(sol.z[r])
            switch cone {
            case .zero: worst = max(worst, normInf(s))
            case .nonnegative:
                worst = max(worst, -(s.min() ?? 0), -(z.min() ?? 0))
            case .secondOrder:
                worst = max(worst, normInf(Array(s.dropFirst())) > 0 ? hypot(s.dropFirst()) - s[0] : -s[0],
                            hypot(z.dropFirst()) - z[0])
            case .exponential:
                // s: y·exp(x/y) ≤ z;  z: −u·exp(v/u) ≤ e·w (closures, checked with a small slack).
                let primal = s[1] > 0 ? s[1] * exp(s[0] / s[1]) - s[2] : max(s[0], -s[2], -s[1])
                let dual = z[0] < 0 ? -z[0] * exp(z[1] / z[0]) - M_E * z[2] : max(z[0], -z[1], -z[2])
                worst = max(worst, primal, dual)
            }
            offset += cone.dimension
        }
        return worst
    }

    private static func hypot<S: Sequence>(_ v: S) -> Double where S.Element == Double {
        v.reduce(0) { $0 + $1 * $1 }.squareRoot()
    }
}

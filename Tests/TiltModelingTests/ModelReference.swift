import Foundation
import TiltLinearAlgebra
import TiltModeling

/// One problem of References/references.json: its data and cvxpy + Clarabel's solution.
struct ModelReference: Decodable, Sendable {
    /// A matrix as the script writes it (column-major values).
    struct Dense: Decodable, Sendable {
        let rows, cols: Int
        let values: [Double]
        var matrix: Matrix { Matrix(rows: rows, cols: cols, columnMajor: values) }
    }

    let name: String
    let data: [String: Dense]
    /// cvxpy's status: "optimal", "infeasible" or "unbounded".
    let status: String
    let uniqueValues: Bool
    let uniqueDuals: Bool
    let objective: Double?
    let values: [String: Dense]?
    let duals: [Dense]?
    /// Comparison tolerances (relative to max(1, largest entry)): 1e-5, or looser where Clarabel itself,
    /// stopped at a 1e-8 gap, is further from the tight solution (see make_references.py).
    let valueTolerance: Double
    let dualTolerance: Double

    enum CodingKeys: String, CodingKey {
        case name, data, status, objective, values, duals
        case uniqueValues = "unique_values", uniqueDuals = "unique_duals"
        case valueTolerance = "value_tolerance", dualTolerance = "dual_tolerance"
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        data = try c.decode([String: Dense].self, forKey: .data)
        status = try c.decode(String.self, forKey: .status)
        uniqueValues = try c.decode(Bool.self, forKey: .uniqueValues)
        uniqueDuals = try c.decode(Bool.self, forKey: .uniqueDuals)
        objective = try c.decodeIfPresent(Double.self, forKey: .objective)
        values = try c.decodeIfPresent([String: Dense].self, forKey: .values)
        duals = try c.decodeIfPresent([Dense].self, forKey: .duals)
        valueTolerance = try c.decodeIfPresent(Double.self, forKey: .valueTolerance) ?? 1e-5
        dualTolerance = try c.decodeIfPresent(Double.self, forKey: .dualTolerance) ?? 1e-5
    }

    private struct File: Decodable { let problems: [ModelReference] }

    static let all: [String: ModelReference] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("References/references.json")
        guard let data = try? Data(contentsOf: url),
              let file = try? JSONDecoder().decode(File.self, from: data) else { return [:] }
        return Dictionary(file.problems.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }()

    /// A data entry as a matrix (a missing key is a test-setup error, reported by the caller).
    func matrix(_ key: String) throws -> Matrix {
        guard let m = data[key] else { throw ReferenceSetupError("\(name): no data entry \(key)") }
        return m.matrix
    }

    func constant(_ key: String) throws -> Expr { .constant(try matrix(key)) }
    /// A column vector of the data as a row constant: `row("c") * x` is cvxpy's `c @ x`.
    func row(_ key: String) throws -> Expr { .constant(try matrix(key).transposed()) }
    func scalar(_ key: String) throws -> Double { try matrix(key)[0, 0] }
}

struct ReferenceSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A reference problem stated with Tilt's API, and its variables by name.
struct BuiltProblem {
    let problem: OptimizationProblem
    let variables: [Variable]
}

/// Each problem of make_references.py, written with the `ModelExpression` API (see ModelingSyntax.swift),
/// keyed by name. The statements mirror the Python ones line for line.
enum ReferenceModels {
    static let builders: [String: @Sendable (ModelReference) throws -> BuiltProblem] = [
        "lp_directions": { d in
            let x = Variable(name: "x", rows: 5)
            return BuiltProblem(problem: minimize(try d.row("c") * v(x), [
                try d.constant("A") * v(x) <= d.constant("b"), 0 <= v(x), sum(v(x)) == 1, v(x) <= 0.6,
            ]), variables: [x])
        },
        "lp_maximize_select": { d in
            let x = Variable(name: "x", rows: 3)
            let x0x2 = try Expr.select(v(x), rows: [0, 2], cols: nil)
            return BuiltProblem(problem: maximize(try d.row("c") * v(x), [
                try d.constant("b") >= d.constant("A") * v(x), v(x) >= -1, 1 >= v(x), sum(x0x2) == 0.5,
            ]), variables: [x])
        },
        "qp_quad": { d in
            let x = Variable(name: "x", rows: 4)
            let objective = try quad(v(x), d.matrix("P")) + d.row("q") * v(x)
            return BuiltProblem(problem: minimize(objective, [
                try d.constant("G") * v(x) <= d.constant("h"), sum(v(x)) == 1,
            ]), variables: [x])
        },
        "qp_quadratic_forms": { d in
            // `2 * x' S x` and `x' x` as products, recognised as quadratic forms by `multiply`.
            let x = Variable(name: "x", rows: 4)
            let scaledForm = try 2 * v(x).T * d.constant("S") * v(x)
            let squares = try v(x).T * v(x)
            let objective = try scaledForm + squares - d.row("r") * v(x) + 3
            return BuiltProblem(problem: minimize(objective, [sum(v(x)) == 0]), variables: [x])
        },
        "sumsq_nonnegative_least_squares": { d in
            let x = Variable(name: "x", rows: 4)
            return BuiltProblem(problem: minimize(try sumsq(d.constant("A") * v(x) - d.constant("b")), [v(x) >= 0]),
                                variables: [x])
        },
        "norm_lasso": { d in
            let x = Variable(name: "x", rows: 4)
            let objective = try norm(d.constant("A") * v(x) - d.constant("b")) + 0.2 * norm1(v(x))
            return BuiltProblem(problem: minimize(objective), variables: [x])
        },
        "norm_ball_constraint": { d in
            let x = Variable(name: "x", rows: 3)
            return BuiltProblem(problem: minimize(try d.row("c") * v(x), [try norm(v(x)) <= 1]), variables: [x])
        },
        "norminf_chebyshev": { d in
            let x = Variable(name: "x", rows: 3)
            return BuiltProblem(problem: minimize(try norminf(d.constant("A") * v(x) - d.constant("b"))), variables: [x])
        },
        "abs_pos": { d in
            let x = Variable(name: "x", rows: 5)
            let deviations = try sum(abs(v(x) - d.constant("a"))) + sum(pos(d.constant("b") - v(x)))
            let objective = try deviations + 0.5 * sumsq(v(x))
            return BuiltProblem(problem: minimize(objective, [1 <= sum(v(x))]), variables: [x])
        },
        "min_entries_game": { d in
            let x = Variable(name: "x", rows: 5)
            return BuiltProblem(problem: maximize(try minEntries(d.constant("A") * v(x)), [sum(v(x)) == 1, v(x) >= 0]),
                                variables: [x])
        },
        "max_entries_minimax": { d in
            let x = Variable(name: "x", rows: 3)
            let objective = try maxEntries(d.constant("A") * v(x) - d.constant("b")) + 0.5 * sumsq(v(x))
            return BuiltProblem(problem: minimize(objective), variables: [x])
        },
        "elementwise_maximum": { d in
            let x = Variable(name: "x", rows: 4)
            let a = try d.constant("a")
            let objective = try sum(maximum(v(x) - a, a - v(x), .constant(0.1))) + sumsq(v(x) - d.constant("c"))
            return BuiltProblem(problem: minimize(objective), variables: [x])
        },
        "elementwise_minimum": { d in
            let x = Variable(name: "x", rows: 3)
            let objective = try sum(minimum(d.constant("A") * v(x), d.constant("b"), .constant(1))) - sumsq(v(x))
            return BuiltProblem(problem: maximize(objective), variables: [x])
        },
        "sqrt_budget": { d in
            let x = Variable(name: "x", rows: 4)
            return BuiltProblem(problem: maximize(try sum(sqrt(v(x))), [try d.row("p") * v(x) <= 1]), variables: [x])
        },
        "logsumexp_fit": { d in
            let x = Variable(name: "x", rows: 3)
            let objective = try logsumexp(d.constant("A") * v(x) - d.constant("b")) + 0.1 * sumsq(v(x))
            return BuiltProblem(problem: minimize(objective), variables: [x])
        },
        "exp_log": { d in
            let x = Variable(name: "x", rows: 3), y = Variable(name: "y", rows: 3)
            let objective = try sum(exp(v(x))) - d.row("c") * v(x) - sum(log(v(y)))
            return BuiltProblem(problem: minimize(objective, [sum(v(y)) <= 2]), variables: [x, y])
        },
        "entropy_softmax": { d in
            let x = Variable(name: "x", rows: 4)
            let objective = try sum(entropy(v(x))) + d.row("c") * v(x)
            return BuiltProblem(problem: maximize(objective, [sum(v(x)) == 1]), variables: [x])
        },
        "matrix_products": { d in
            let x = Variable(name: "X", rows: 3, cols: 2)
            let fit = try sumsq(d.constant("A") * v(x) * d.constant("B") - d.constant("C"))
            let objective = try fit + sumsq(v(x).T * d.constant("d"))
            let firstColumn = try Expr.select(v(x), rows: nil, cols: [0])
            return BuiltProblem(problem: minimize(objective, [firstColumn >= 0, sum(v(x)) == 1]), variables: [x])
        },
        "concatenation_selection": { d in
            let x = Variable(name: "x", rows: 3), y = Variable(name: "y", rows: 2)
            let stacked = try Expr.concatenate([v(x), v(y)], horizontal: false)
            let sideBySide = try Expr.concatenate([Expr.select(v(x), rows: [0, 1], cols: nil), v(y)], horizontal: true)
            let fit = try norm1(stacked - d.constant("a")) + sumsq(sideBySide * d.constant("e") - d.constant("g"))
            let objective = try fit + 0.1 * sumsq(v(x))
            let y1 = try Expr.select(v(y), rows: [1], cols: nil)
            return BuiltProblem(problem: minimize(objective, [try sum(v(x)) == y1 + 1]), variables: [x, y])
        },
        "elementwise_scaling": { d in
            let x = Variable(name: "x", rows: 4)
            let objective = try sumsq(Expr.divide(v(x), by: d.matrix("s")) - d.constant("t"))
            let ones = Expr.constant(Matrix(rows: 4, cols: 1, repeating: 1))
            return BuiltProblem(problem: minimize(objective, [
                try Expr.multiplyElementwise(d.constant("w"), v(x)) <= 1, try v(x).T * ones >= -1,
            ]), variables: [x])
        },
        "infeasible": { _ in
            let x = Variable(name: "x", rows: 3)
            return BuiltProblem(problem: minimize(sum(v(x)), [v(x) >= 1, sum(v(x)) <= 2]), variables: [x])
        },
        "unbounded": { d in
            let x = Variable(name: "x", rows: 3)
            return BuiltProblem(problem: minimize(try d.row("c") * v(x), [v(x) <= 1]), variables: [x])
        },
        "portfolio_mean_variance": { d in
            let w = Variable(name: "w", rows: 8)
            let objective = try d.row("mu") * v(w) - d.scalar("gamma") * quad(v(w), d.matrix("Sigma"))
            return BuiltProblem(problem: maximize(objective, [sum(v(w)) == 1, v(w) >= 0]), variables: [w])
        },
        "portfolio_factor_min_variance": { d in
            // Factor exposures as variables: f = Bᵀw, written (wᵀB)ᵀ.
            let w = Variable(name: "w", rows: 8), f = Variable(name: "f", rows: 3)
            let specific = try sumsq(Expr.multiplyElementwise(d.constant("sqrtD"), v(w)))
            let objective = try quad(v(f), d.matrix("F")) + specific
            return BuiltProblem(problem: minimize(objective, [
                try v(f) == (v(w).T * d.constant("B")).T, sum(v(w)) == 1, v(w) >= 0,
            ]), variables: [w, f])
        },
        "portfolio_tev_cap": { d in
            let w = Variable(name: "w", rows: 8)
            let active = try v(w) - d.constant("bench")
            return BuiltProblem(problem: maximize(try d.row("mu") * active, [
                try norm(d.constant("Lt") * active) <= d.scalar("te"), sum(v(w)) == 1, v(w) >= 0,
            ]), variables: [w])
        },
        "portfolio_max_entropy": { d in
            let w = Variable(name: "w", rows: 8)
            return BuiltProblem(problem: maximize(try sum(entropy(v(w))), [
                sum(v(w)) == 1, try d.row("mu") * v(w) >= d.scalar("target"), v(w) >= 0,
            ]), variables: [w])
        },
        "portfolio_long_only_band": { d in
            let w = Variable(name: "w", rows: 8)
            let objective = try d.row("mu") * v(w) - 4 * quad(v(w), d.matrix("Sigma"))
            return BuiltProblem(problem: maximize(objective, [
                sum(v(w)) == 1, v(w) >= 0, try abs(v(w) - d.constant("bench")) <= 0.02,
            ]), variables: [w])
        },
        "badly_scaled": { d in
            let x = Variable(name: "x", rows: 5)
            let objective = try quad(v(x), d.matrix("P")) + d.row("q") * v(x)
            return BuiltProblem(problem: minimize(objective, [try d.constant("A") * v(x) <= d.constant("b")]), variables: [x])
        },
    ]
}

import TiltData
import TiltLinearAlgebra

/// Maximises the concave `PolicyObjective` by Newton's method with the analytic gradient and Hessian
/// and a backtracking (Armijo) line search that also backs off any step leaving the domain W > 0. From a
/// feasible start this converges globally, and quadratically near the maximum.
enum PolicyMaximizer {
    struct Outcome {
        var theta: [Double]
        var value: Double
        var gradient: [Double]
        /// Hessian at the maximum, K × K row-major.
        var hessian: [Double]
        var iterations: Int
    }

    static let maximumIterations = 200
    /// Stop when the Newton decrement λ² = gᵀ(−H)⁻¹g falls below this (the objective is then within λ²/2
    /// of its maximum, far below double precision of typical utilities).
    static let decrementTolerance = 1e-30
    /// |θ| beyond which the maximum is declared not to exist (the policy would be all leverage).
    static let divergenceBound = 1e8
    /// Below this Newton decrement the iteration takes full steps without a line search.
    static let quadraticRegion = 1e-12

    /// Newton's method from `start` (θ = 0, the benchmark, when `start` leaves the domain). Throws
    /// `.nonPositiveWealth` when even the benchmark has W ≤ 0 in a month, `.noMaximum` when θ diverges,
    /// `.invalidInput` when the Hessian is singular (collinear characteristics).
    static func maximize(_ objective: PolicyObjective, start: [Double], months: [Month]) throws -> Outcome {
        let k = objective.dimension
        var theta = start
        var current: (value: Double, gradient: [Double], hessian: [Double])
        switch objective.evaluate(theta, derivatives: true) {
        case .value(let v, let g, let h): current = (v, g, h)
        case .outsideDomain:
            theta = [Double](repeating: 0, count: k)
            switch objective.evaluate(theta, derivatives: true) {
            case .value(let v, let g, let h): current = (v, g, h)
            case .outsideDomain(let t):
                throw PolicyError(.nonPositiveWealth, month: months[t],
                                  "the benchmark loses everything in the following month (1 + r ≤ 0): CRRA utility is undefined there")
            }
        }
        var previousDecrement = Double.infinity
        for iteration in 0..<maximumIterations {
            // Newton direction d = (−H)⁻¹ g.
            let negativeHessian = Matrix(rows: k, cols: k, columnMajor: current.hessian.map { -$0 })
            let direction: [Double]
            do {
                direction = try Matrix.solve(negativeHessian, Matrix(column: current.gradient)).storage
            } catch {
                throw PolicyError(.invalidInput, month: months.last,
                                  "the average utility is flat along some combination of θ: the characteristics are collinear over the estimation months")
            }
            let decrement = zip(current.gradient, direction).reduce(0) { $0 + $1.0 * $1.1 }
            guard decrement.isFinite, decrement >= 0 else {
                throw PolicyError(.invalidInput, month: months.last, "the Hessian of the average utility is not negative definite")
            }
            // At the noise floor of the gradient the decrement stops falling quadratically: θ is as good
            // as double precision allows. But a tiny decrement also comes from an objective that flattens
            // towards a supremum it never reaches (every month's return rising along θ, CRRA utility
            // tending to 0): there the Newton step stays as large as θ itself, so a maximum is declared
            // only when the step is small against θ.
            let settled = zip(direction, theta).allSatisfy { abs($0) <= 1e-6 * (1 + abs($1)) }
            if settled && (decrement <= decrementTolerance || (decrement <= quadraticRegion && decrement > previousDecrement / 4)) {
                return Outcome(theta: theta, value: current.value, gradient: current.gradient, hessian: current.hessian,
                               iterations: iteration)
            }
            previousDecrement = decrement
            if decrement <= quadraticRegion {
                // Close to the maximum the gain λ²/2 is below the resolution of the objective's value, so
                // a line search cannot judge the step: take full Newton steps (quadratic convergence)
                // until they stop moving θ.
                let trial = zip(theta, direction).map { $0 + $1 }
                guard case .value(let v, let g, let h) = objective.evaluate(trial, derivatives: true) else {
                    return Outcome(theta: theta, value: current.value, gradient: current.gradient, hessian: current.hessian,
                                   iterations: iteration)
                }
                theta = trial
                current = (v, g, h)
                if theta.contains(where: { !(abs($0) < divergenceBound) }) { break }
                continue
            }
            var step = 1.0
            var accepted = false
            while step > 1e-16 {
                let trial = zip(theta, direction).map { $0 + step * $1 }
                if case .value(let v, let g, let h) = objective.evaluate(trial, derivatives: true),
                   v >= current.value + 1e-4 * step * decrement {
                    theta = trial
                    current = (v, g, h)
                    accepted = true
                    break
                }
                step /= 2
            }
            // Far from the maximum (λ² above `quadraticRegion`) an Armijo step always exists for a smooth
            // concave objective; failing to find one means the values are no longer informative.
            guard accepted else {
                throw PolicyError(.noMaximum, month: months.last,
                                  "Newton's method stalled at θ = \(theta) with the average utility still rising (decrement \(decrement)): the returns are too extreme to resolve the maximum in double precision")
            }
            if theta.contains(where: { !(abs($0) < divergenceBound) }) { break }
        }
        throw PolicyError(.noMaximum, month: months.last,
                          "the average utility has no maximum over these months: some combination of the characteristics earns a positive return in every month, so θ grows without bound")
    }
}

import TiltData
import TiltLinearAlgebra

/// θ estimated over a range of decision months, with its asymptotic standard errors.
///
/// Standard errors follow Brandt, Santa-Clara & Valkanov (2009, eq. 12–13), the M-estimator sandwich:
/// Σ_θ = (1/T) G⁻¹ V G⁻¹ with G = (1/T) Σ u″(Wₜ) zₜzₜᵀ (the Hessian of the mean utility) and
/// V = (1/T) Σ hₜhₜᵀ, hₜ = u′(Wₜ) zₜ (the per-month scores, whose mean is 0 at θ̂).
public struct PolicyFit: Sendable {
    /// Characteristic names, in θ's order.
    public let characteristicNames: [String]
    /// The estimated coefficients θ̂ (one per characteristic).
    public let theta: [Double]
    /// √diag(Σ_θ).
    public let standardErrors: [Double]
    /// Σ_θ, K × K, labelled by characteristic.
    public let covariance: Matrix
    /// The maximised mean monthly utility.
    public let averageUtility: Double
    /// The gradient of the mean utility at θ̂ (≈ 0).
    public let gradient: [Double]
    /// The decision months of the estimation (their returns are earned the month after each).
    public let decisionMonths: ClosedRange<Month>
    /// Number of decision months T in the estimation.
    public let monthCount: Int
    /// Newton iterations taken.
    public let iterations: Int

    /// θ̂ / SE.
    public var tStatistics: [Double] { zip(theta, standardErrors).map { $0 / $1 } }

    init(names: [String], outcome: PolicyMaximizer.Outcome, objective: PolicyObjective, months: ClosedRange<Month>,
         standardErrors wanted: Bool) throws {
        characteristicNames = names
        theta = outcome.theta
        averageUtility = outcome.value
        gradient = outcome.gradient
        decisionMonths = months
        iterations = outcome.iterations
        monthCount = objective.monthCount
        let k = objective.dimension
        guard wanted else {
            standardErrors = [Double](repeating: .nan, count: k)
            covariance = Matrix(rows: k, cols: k, repeating: .nan)
            return
        }
        let count = objective.monthCount
        let scores = objective.scores(at: outcome.theta)
        var v = Matrix(rows: k, cols: k)
        for t in 0..<count {
            for a in 0..<k { for b in 0..<k { v[a, b] += scores[t * k + a] * scores[t * k + b] } }
        }
        let g = Matrix(rows: k, cols: k, columnMajor: outcome.hessian)
        let gInverse: Matrix
        do { gInverse = try g.inverse() } catch {
            throw PolicyError(.invalidInput, month: months.upperBound, "the Hessian at θ̂ is singular: no standard errors")
        }
        var sigma = Matrix(rows: k, cols: k)
        for a in 0..<k {
            for b in 0..<k {
                var sum = 0.0
                for i in 0..<k { for j in 0..<k { sum += gInverse[a, i] * v[i, j] * gInverse[j, b] } }
                sigma[a, b] = sum / Double(count) / Double(count)
            }
        }
        sigma.rowLabels = names
        sigma.colLabels = names
        covariance = sigma
        standardErrors = (0..<k).map { sigma[$0, $0].squareRoot() }
    }
}

/// The objective of a parametric portfolio policy (Brandt, Santa-Clara & Valkanov 2009, eq. 3–4): the
/// mean over the estimation's decision months of u(1 + r_p), where the untruncated policy earns
/// r_p = r̄ + θᵀz (benchmark return r̄ and tilt z = (1/N) Σ x̂ᵢ rᵢ of the month after each decision).
///
/// Concave in θ: the gradient is mean(u′(W) z) and the Hessian mean(u″(W) z zᵀ), negative definite
/// whenever the tilts span ℝᴷ. Outside the domain (W ≤ 0 in some month) CRRA utility is undefined and the
/// objective reports the first such month instead of a value.
struct PolicyObjective {
    let utility: CRRAUtility
    /// Number of characteristics K.
    let dimension: Int
    /// r̄ of each month.
    let benchmarkReturns: [Double]
    /// z of each month, months × K row-major.
    let tilts: [Double]

    init(_ sections: some Collection<PolicyCrossSections.Section>, utility: CRRAUtility, dimension: Int) {
        self.utility = utility
        self.dimension = dimension
        benchmarkReturns = sections.map(\.benchmarkReturn)
        tilts = sections.flatMap(\.tilt)
    }

    var monthCount: Int { benchmarkReturns.count }

    enum Evaluation {
        /// Mean utility, its gradient and Hessian (K × K row-major; empty unless asked for).
        case value(Double, gradient: [Double], hessian: [Double])
        /// Wealth 1 + r_p ≤ 0 (or not finite) in the month at this position.
        case outsideDomain(month: Int)
    }

    /// The mean utility at θ, with its gradient and Hessian when `derivatives` is set.
    func evaluate(_ theta: [Double], derivatives: Bool) -> Evaluation {
        let k = dimension
        var value = 0.0
        var gradient = [Double](repeating: 0, count: derivatives ? k : 0)
        var hessian = [Double](repeating: 0, count: derivatives ? k * k : 0)
        for t in 0..<monthCount {
            let base = t * k
            var wealth = 1 + benchmarkReturns[t]
            for c in 0..<k { wealth += theta[c] * tilts[base + c] }
            guard wealth > 0, wealth.isFinite else { return .outsideDomain(month: t) }
            let u = utility.derivatives(atWealth: wealth)
            value += u.value
            guard derivatives else { continue }
            for a in 0..<k {
                let za = tilts[base + a]
                gradient[a] += u.first * za
                for b in 0...a { hessian[a * k + b] += u.second * za * tilts[base + b] }
            }
        }
        let scale = 1 / Double(monthCount)
        for a in 0..<gradient.count { gradient[a] *= scale }
        for a in 0..<(derivatives ? k : 0) {
            for b in 0...a {
                hessian[a * k + b] *= scale
                hessian[b * k + a] = hessian[a * k + b]
            }
        }
        return .value(value * scale, gradient: gradient, hessian: hessian)
    }

    /// The per-month scores hₜ = u′(Wₜ) zₜ (months × K row-major) at a θ inside the domain, for the
    /// asymptotic covariance.
    func scores(at theta: [Double]) -> [Double] {
        let k = dimension
        var scores = [Double](repeating: 0, count: monthCount * k)
        for t in 0..<monthCount {
            var wealth = 1 + benchmarkReturns[t]
            for c in 0..<k { wealth += theta[c] * tilts[t * k + c] }
            let marginal = utility.derivatives(atWealth: wealth).first
            for c in 0..<k { scores[t * k + c] = marginal * tilts[t * k + c] }
        }
        return scores
    }
}

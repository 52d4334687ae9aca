import TiltData
import TiltLinearAlgebra
import TiltSolver

extension PortfolioContext {
    /// The solver benchmark's synthetic market (`FactorBenchmarkData`: n assets, k factors, monthly decimals)
    /// as a strategy sees it at one rebalance: the alphas as the intercept exposure with `mu = (1, 0, …, 0)`,
    /// so `mu'f` is the expected active return `αᵀ(w − b)`; the diagonal factor covariance; the equal-weight
    /// benchmark; nothing held before. `tilt bench solver` and the tests pose their problems on it.
    public init(benchmarkMarket data: FactorBenchmarkData) {
        let n = data.alphas.count, k = data.factorVariances.count
        var loadings = Matrix(rows: k + 1, cols: n, repeating: 0)
        for i in 0..<n {
            loadings[0, i] = data.alphas[i]
            for j in 0..<k { loadings[j + 1, i] = data.loadings[i][j] }
        }
        var factorCovariance = Matrix(rows: k, cols: k, repeating: 0)
        for j in 0..<k { factorCovariance[j, j] = data.factorVariances[j] }
        self.init(month: Month(2024, 12), units: (0..<n).map { "asset\($0 + 1)" }, loadings: loadings,
                  mu: [1] + [Double](repeating: 0, count: k), factorCovariance: factorCovariance,
                  residualVariances: data.residualVariances, benchmark: data.benchmark,
                  previousWeights: [Double](repeating: 0, count: n), sectors: nil,
                  exposureNames: ["alpha"] + (0..<k).map { "factor\($0 + 1)" })
    }
}

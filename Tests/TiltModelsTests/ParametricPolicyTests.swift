import Foundation
import Testing
import TiltTestSupport
import TiltData
import TiltLinearAlgebra
@testable import TiltModels

/// Parametric portfolio policies on the 48 industries against References/ppp_reference.py (numpy/scipy,
/// its own CSV parsing, characteristics and optimiser), plus properties checked without a reference.
@Suite struct ParametricPolicyTests {
    struct Reference: Decodable {
        struct Stats: Decodable { let mean, volatility, sharpe: Double }
        struct Weights: Decodable {
            let average_max, average_min, average_gross, average_short_fraction: Double
        }
        struct InSample: Decodable {
            let first, last: String
            let theta, standard_errors: [Double]
            let average_utility: Double
            let policy, benchmark: Stats
            let weights: Weights
            let returns_head: [Double]
        }
        struct LogFit: Decodable { let theta, standard_errors: [Double]; let average_utility: Double }
        struct LongOnly: Decodable { let policy: Stats; let weights: Weights; let average_turnover: Double }
        struct OutOfSample: Decodable {
            let first, last: String
            let theta_path: [[Double]]
            let policy, benchmark: Stats
            let weights: Weights
            let average_turnover: Double
            let long_only: LongOnly
            let returns_head: [Double]
        }
        let gamma: Double
        let in_sample: InSample
        let in_sample_log: LogFit
        let out_of_sample: OutOfSample
    }

    static let reference: Reference? = {
        guard let data = FileManager.default.contents(atPath: referencePath("ppp_reference.json")) else { return nil }
        return try? JSONDecoder().decode(Reference.self, from: data)
    }()

    static func industryData(benchmark: PolicyCrossSections.Benchmark = .marketCap) throws -> (IndustryPortfolios, PolicyCrossSections) {
        let industries = try IndustryPortfolios.load(path: sharedDataPath("48_Industry_Portfolios.CSV"))
        let data = try PolicyCrossSections(
            months: industries.months, assetNames: industries.industries, returns: industries.valueWeightedReturns,
            marketCaps: industries.marketCap,
            characteristics: [.size(industries), .value(industries), .momentum(returns: industries.valueWeightedReturns)],
            benchmark: benchmark)
        return (industries, data)
    }

    static func month(_ text: String) throws -> Month { try #require(Month(parsing: text)) }

    @Test(.enabled(if: SharedData.isAvailable, SharedData.missing)) func inSampleFitMatchesTheReference() throws {
        let ref = try #require(Self.reference)
        let (_, data) = try Self.industryData()
        let policy = ParametricPolicy(utility: try CRRAUtility(riskAversion: ref.gamma))
        let months = try Self.month(ref.in_sample.first)...Self.month(ref.in_sample.last)
        let fit = try policy.fit(data, decisionMonths: months)
        #expect(maxRelativeDifference(fit.theta, ref.in_sample.theta) < 1e-6)
        #expect(maxRelativeDifference(fit.standardErrors, ref.in_sample.standard_errors) < 1e-6)
        #expect(maxRelativeDifference([fit.averageUtility], [ref.in_sample.average_utility]) < 1e-10)
        #expect(fit.gradient.allSatisfy { abs($0) < 1e-12 })
        let holdings = try policy.holdings(theta: fit.theta, over: months, in: data)
        #expect(holdings.count == 558)
        #expect(maxRelativeDifference(holdings.prefix(5).map(\.portfolioReturn), ref.in_sample.returns_head) < 1e-6)
        let w = PolicyWeightStatistics(holdings)
        let expected = ref.in_sample.weights
        #expect(maxRelativeDifference([w.averageMaximumWeight, w.averageMinimumWeight, w.averageGrossExposure, w.averageShortFraction],
                                      [expected.average_max, expected.average_min, expected.average_gross, expected.average_short_fraction]) < 1e-6)
        // Every policy is fully invested: the tilts θᵀx̂/N sum to zero.
        #expect(holdings.allSatisfy { abs($0.weights.reduce(0, +) - 1) < 1e-12 })
    }

    @Test(.enabled(if: SharedData.isAvailable, SharedData.missing)) func logUtilityFitMatchesTheReference() throws {
        let ref = try #require(Self.reference)
        let (_, data) = try Self.industryData()
        let fit = try ParametricPolicy(utility: .log)
            .fit(data, decisionMonths: Self.month(ref.in_sample.first)...Self.month(ref.in_sample.last))
        #expect(maxRelativeDifference(fit.theta, ref.in_sample_log.theta) < 1e-6)
        #expect(maxRelativeDifference(fit.standardErrors, ref.in_sample_log.standard_errors) < 1e-6)
        #expect(maxRelativeDifference([fit.averageUtility], [ref.in_sample_log.average_utility]) < 1e-10)
    }

    @Test(.enabled(if: SharedData.isAvailable, SharedData.missing)) func rollingOutOfSampleThetaPathMatchesTheReference() throws {
        let ref = try #require(Self.reference)
        let (_, data) = try Self.industryData()
        let first = try Self.month(ref.out_of_sample.first), last = try Self.month(ref.out_of_sample.last)
        let schedule = (first.ordinal...last.ordinal).map(Month.init(ordinal:))
        let policy = ParametricPolicy(utility: try CRRAUtility(riskAversion: ref.gamma))
        let decisions = try policy.outOfSample(data, schedule: schedule, window: .rolling(months: 120))
        #expect(decisions.count == 612)
        #expect(decisions.first?.estimationMonths == (first - 120)...(first - 1))
        let worst = zip(decisions, ref.out_of_sample.theta_path).map { maxRelativeDifference($0.theta, $1) }.max() ?? .infinity
        #expect(worst < 1e-6)
        #expect(maxRelativeDifference(decisions.prefix(5).map(\.holding.portfolioReturn), ref.out_of_sample.returns_head) < 1e-6)
        let w = PolicyWeightStatistics(decisions.map(\.holding))
        let e = ref.out_of_sample.weights
        #expect(maxRelativeDifference([w.averageMaximumWeight, w.averageMinimumWeight, w.averageGrossExposure, w.averageShortFraction],
                                      [e.average_max, e.average_min, e.average_gross, e.average_short_fraction]) < 1e-6)

        // Long-only truncation (eq. 16) changes the weights held, not θ.
        var longOnly = policy
        longOnly.longOnly = true
        let truncated = try longOnly.outOfSample(data, schedule: schedule, window: .rolling(months: 120))
        #expect(zip(truncated, decisions).allSatisfy { $0.theta == $1.theta })
        #expect(truncated.allSatisfy { h in h.holding.weights.allSatisfy { $0 >= 0 } && abs(h.holding.weights.reduce(0, +) - 1) < 1e-12 })
        let lw = PolicyWeightStatistics(truncated.map(\.holding))
        let le = ref.out_of_sample.long_only.weights
        #expect(maxRelativeDifference([lw.averageMaximumWeight, lw.averageMinimumWeight, lw.averageGrossExposure],
                                      [le.average_max, le.average_min, le.average_gross]) < 1e-6)
        #expect(lw.averageShortFraction == 0)
    }

    @Test(.enabled(if: SharedData.isAvailable, SharedData.missing)) func warmStartDoesNotChangeTheEstimate() throws {
        let (_, data) = try Self.industryData()
        let policy = ParametricPolicy(utility: try CRRAUtility(riskAversion: 5))
        let months = try Self.month("1990-01")...Self.month("1999-12")
        let cold = try policy.fit(data, decisionMonths: months)
        let warm = try policy.fit(data, decisionMonths: months, start: [3, -2, 1])
        #expect(maxRelativeDifference(warm.theta, cold.theta) < 1e-10)
    }

    @Test(.enabled(if: SharedData.isAvailable, SharedData.missing)) func characteristicsFollowKenFrenchTiming() throws {
        let (industries, data) = try Self.industryData()
        let value = CharacteristicPanel.value(industries).values
        let t = try #require(industries.months.firstIndex(of: Self.month("1930-06")))
        let agric = 0
        // June 1930 uses the row of 1929 (formed June 1929); July 1930 the row of 1930.
        #expect(value[t, agric] == industries.bookToMarketAnnual[3, agric])   // rows 1926, 1927, 1928, 1929
        #expect(value[t + 1, agric] == industries.bookToMarketAnnual[4, agric])
        let momentum = CharacteristicPanel.momentum(returns: industries.valueWeightedReturns).values
        let r = industries.valueWeightedReturns
        #expect(abs(momentum[t, agric] - (0..<12).reduce(0) { $0 + r[t - $1, agric] } / 12) < 1e-15)
        #expect(momentum[10, agric].isNaN && momentum[11, agric].isFinite)
        // Standardised cross-sections: mean 0 and sample sd 1 in every month, for every characteristic.
        for section in data.sections.compactMap({ $0 }) {
            let n = section.assets.count
            for c in 0..<3 {
                let x = (0..<n).map { section.characteristics[$0 * 3 + c] }
                let mean = x.reduce(0, +) / Double(n)
                let sd = (x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)).squareRoot()
                #expect(abs(mean) < 1e-12 && abs(sd - 1) < 1e-12)
            }
        }
    }

    @Test(.enabled(if: SharedData.isAvailable, SharedData.missing)) func userPanelWorksLikeABuiltInCharacteristic() throws {
        let (industries, builtIn) = try Self.industryData()
        // The size panel, given as a user's file would be: shuffled columns, a subset of months.
        let keep = Array(industries.months.indices.dropFirst(5))
        let order = Array(industries.industries.indices.reversed())
        var values = Matrix(rows: keep.count, cols: order.count)
        for (i, t) in keep.enumerated() { for (j, c) in order.enumerated() { values[i, j] = industries.marketCap[t, c] } }
        let user = try CharacteristicPanel.aligned(name: "mycap", months: keep.map { industries.months[$0] },
                                                   assets: order.map { industries.industries[$0] }, values: values,
                                                   toMonths: industries.months, assets: industries.industries)
        let data = try PolicyCrossSections(
            months: industries.months, assetNames: industries.industries, returns: industries.valueWeightedReturns,
            marketCaps: industries.marketCap,
            characteristics: [user, .value(industries), .momentum(returns: industries.valueWeightedReturns)], benchmark: .marketCap)
        let policy = ParametricPolicy(utility: try CRRAUtility(riskAversion: 5))
        let months = try Self.month("1950-01")...Self.month("1970-12")
        #expect(maxRelativeDifference(try policy.fit(data, decisionMonths: months).theta,
                                      try policy.fit(builtIn, decisionMonths: months).theta) < 1e-12)
        #expect(data.characteristicNames == ["mycap", "value", "momentum"])
        #expect(throws: PolicyError.self) {
            try CharacteristicPanel.aligned(name: "bad", months: [industries.months[0]], assets: ["Nope"],
                                            values: Matrix(rows: 1, cols: 1), toMonths: industries.months, assets: industries.industries)
        }
    }

    // MARK: Objective and optimiser on small synthetic cross-sections

    /// Sections with given benchmark returns and tilts (the objective needs only those).
    static func sections(_ benchmark: [Double], _ tilts: [[Double]]) -> [PolicyCrossSections.Section] {
        zip(benchmark, tilts).enumerated().map { t, pair in
            PolicyCrossSections.Section(month: Month(2000, 1) + t, assets: [], benchmarkWeights: [], characteristics: [],
                                        nextReturns: [], benchmarkReturn: pair.0, tilt: pair.1)
        }
    }

    static func syntheticObjective(gamma: Double) throws -> PolicyObjective {
        var random = SplitMix64(seed: 7)
        let count = 60
        let benchmark = (0..<count).map { _ in 0.01 + 0.05 * (random.uniform() - 0.5) }
        let tilts = (0..<count).map { _ in (0..<3).map { _ in 0.02 * (random.uniform() - 0.5) } }
        return PolicyObjective(sections(benchmark, tilts), utility: try CRRAUtility(riskAversion: gamma), dimension: 3)
    }

    @Test(arguments: [1.0, 0.5, 5.0])
    func gradientAndHessianMatchFiniteDifferences(gamma: Double) throws {
        let objective = try Self.syntheticObjective(gamma: gamma)
        let theta = [0.3, -0.5, 0.8]
        func evaluate(_ x: [Double]) throws -> (Double, [Double], [Double]) {
            guard case .value(let v, let g, let h) = objective.evaluate(x, derivatives: true) else { throw PolicyError(.invalidInput, "outside") }
            return (v, g, h)
        }
        let (_, g, h) = try evaluate(theta)
        let step = 1e-5
        for a in 0..<3 {
            var up = theta, down = theta
            up[a] += step
            down[a] -= step
            let (vu, gu, _) = try evaluate(up), (vd, gd, _) = try evaluate(down)
            #expect(abs((vu - vd) / (2 * step) - g[a]) <= 1e-7 * max(1, abs(g[a])))
            for b in 0..<3 {
                #expect(abs((gu[b] - gd[b]) / (2 * step) - h[b * 3 + a]) <= 1e-6 * max(1, abs(h[b * 3 + a])))
            }
        }
    }

    @Test func logUtilityIsTheLimitOfCRRA() throws {
        let log = CRRAUtility.log.value(atWealth: 1.05)
        let gamma = 1 + 1e-7
        let near = try CRRAUtility(riskAversion: gamma).value(atWealth: 1.05)
        // W^(1−γ)/(1−γ) = 1/(1−γ) + log W + O(1−γ): equal up to the constant 1/(1−γ).
        #expect(abs(near - 1 / (1 - gamma) - log) < 1e-6)
        #expect(throws: PolicyError.self) { try CRRAUtility(riskAversion: 0) }
    }

    @Test func wealthAtOrBelowZeroIsAnErrorNotANaN() throws {
        let crra = try CRRAUtility(riskAversion: 5)
        // A start that leaves the domain is replaced by θ = 0 and the maximum is still found.
        let objective = try Self.syntheticObjective(gamma: 5)
        let outcome = try PolicyMaximizer.maximize(objective, start: [1e4, 0, 0], months: (0..<60).map { Month(2000, 1) + $0 })
        #expect(outcome.theta.allSatisfy { $0.isFinite })
        #expect(outcome.gradient.allSatisfy { abs($0) < 1e-12 })
        if case .outsideDomain(let t) = objective.evaluate([1e4, 0, 0], derivatives: false) { #expect(t >= 0) } else { Issue.record("expected outside") }
        // The benchmark itself losing everything is an error naming the month.
        let ruined = PolicyObjective(Self.sections([0.01, -1.0, 0.02, 0.0], [[0.01], [0.02], [-0.01], [0.005]]), utility: crra, dimension: 1)
        let months = (0..<4).map { Month(2000, 1) + $0 }
        #expect {
            try PolicyMaximizer.maximize(ruined, start: [0], months: months)
        } throws: { error in
            (error as? PolicyError)?.kind == .nonPositiveWealth && (error as? PolicyError)?.month == Month(2000, 2)
        }
    }

    @Test func anArbitrageInSampleHasNoMaximum() throws {
        // The tilt earns a positive return every month: log utility grows without bound in θ.
        let objective = PolicyObjective(Self.sections([0.01, -0.02, 0.0], [[0.01], [0.02], [0.005]]), utility: .log, dimension: 1)
        #expect {
            try PolicyMaximizer.maximize(objective, start: [0], months: (0..<3).map { Month(2000, 1) + $0 })
        } throws: { ($0 as? PolicyError)?.kind == .noMaximum }
        // With CRRA (γ > 1) the utility rises towards 0 and flattens: the Newton decrement becomes tiny while
        // the step stays as large as θ. That is no maximum either (θ ≈ 8e5 was returned as one).
        for gamma in [2.0, 5.0] {
            let flattening = PolicyObjective(Self.sections([0.01, -0.02, 0.0], [[0.01], [0.02], [0.005]]),
                                             utility: try CRRAUtility(riskAversion: gamma), dimension: 1)
            #expect {
                try PolicyMaximizer.maximize(flattening, start: [0], months: (0..<3).map { Month(2000, 1) + $0 })
            } throws: { ($0 as? PolicyError)?.kind == .noMaximum }
        }
    }
}

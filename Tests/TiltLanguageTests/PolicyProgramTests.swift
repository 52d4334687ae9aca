import Foundation
import Testing
import TiltBacktest
import TiltData
import TiltLanguage
import TiltModels
import TiltSyntax
import TiltTestSupport

// Parametric portfolio policies through the language: Examples/ppp.tilt's program compared with
// Tests/TiltModelsTests/References/ppp_reference.py (numpy/scipy, independent parsing and optimiser), and
// the errors of malformed policy programs.

private let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
private let dataDirectory = SharedData.path("")

private struct Reference: Decodable {
    struct Stats: Decodable { let mean, volatility, sharpe: Double }
    struct InSample: Decodable { let theta, standard_errors: [Double]; let policy, benchmark: Stats }
    struct LogFit: Decodable { let theta, standard_errors: [Double] }
    struct LongOnly: Decodable { let policy: Stats; let average_turnover: Double }
    struct OutOfSample: Decodable {
        let theta_path: [[Double]]
        let policy, benchmark: Stats
        let average_turnover: Double
        let long_only: LongOnly
    }
    let in_sample: InSample
    let in_sample_log: LogFit
    let out_of_sample: OutOfSample

    static func load() throws -> Reference {
        let url = here.deletingLastPathComponent().appendingPathComponent("TiltModelsTests/References/ppp_reference.json")
        return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }
}

/// What a program produced: the policy's report, its backtests and the rendered diagnostics.
private struct PolicyRun {
    var report: PolicyReport?
    var results: [BacktestResult] = []
    var errors = ""
}

private func runPolicy(_ text: String, directory: String = NSTemporaryDirectory()) -> PolicyRun {
    final class Sink: @unchecked Sendable { var run = PolicyRun() }
    let sink = Sink()
    let session = Session(locations: DataLocations(programDirectory: directory, dataDirectory: dataDirectory), output: { _ in })
    session.policyResults = { sink.run.report = $0 }
    session.strategyResults = { sink.run.results += $0 }
    let file = SourceFile(name: "ppp.tilt", text: text)
    let diagnostics = session.run(file)
    sink.run.errors = DiagnosticList(file: file, diagnostics: diagnostics).rendered()
    return sink.run
}

private func relative(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(b), 1e-300) }

private func expectStats(_ s: ReturnStatistics, _ r: Reference.Stats, _ what: String) {
    #expect(relative(s.annualArithmeticReturn, r.mean) < 1e-6, "\(what) mean")
    #expect(relative(s.annualVolatility, r.volatility) < 1e-6, "\(what) volatility")
    #expect(relative(s.sharpeRatio, r.sharpe) < 1e-6, "\(what) Sharpe")
}

private let program = """
universe kenfrench("48_Industry_Portfolios.CSV")
benchmark mktcap
policy parametric(size, value, momentum, window: 120, fit: 1927-06 to 1973-11) utility crra(5)
rebalance monthly from 1973-12 to 2024-11
"""

@Suite(.serialized, .enabled(if: SharedData.isAvailable, SharedData.missing)) struct PolicyProgramTests {
    @Test func examplePolicyMatchesTheReference() throws {
        let reference = try Reference.load()
        let run = runPolicy(program)
        #expect(run.errors.isEmpty, "\(run.errors)")
        let report = try #require(run.report)
        #expect(report.characteristics == ["size", "value", "momentum"])
        #expect(zip(report.inSample.theta, reference.in_sample.theta).allSatisfy { relative($0, $1) < 1e-6 })
        #expect(zip(report.inSample.standardErrors, reference.in_sample.standard_errors).allSatisfy { relative($0, $1) < 1e-6 })
        expectStats(report.inSamplePolicy, reference.in_sample.policy, "in-sample policy")
        expectStats(report.inSampleBenchmark, reference.in_sample.benchmark, "in-sample benchmark")
        #expect(report.thetaPath.count == 612)
        let worst = zip(report.thetaPath, reference.out_of_sample.theta_path)
            .flatMap { zip($0, $1).map { relative($0, $1) } }.max() ?? .infinity
        #expect(worst < 1e-6)

        let result = try #require(run.results.first)
        #expect(result.months.first == Month(1974, 1) && result.months.last == Month(2024, 12))
        let metrics = try PerformanceMetrics(result)
        expectStats(metrics.portfolio, reference.out_of_sample.policy, "out-of-sample policy")
        expectStats(metrics.benchmark, reference.out_of_sample.benchmark, "out-of-sample benchmark")
        #expect(relative(metrics.trading.turnoverPerRebalance, reference.out_of_sample.average_turnover) < 1e-6)
        #expect(result.rebalances.allSatisfy { abs($0.weights.reduce(0, +) - 1) < 1e-12 })
    }

    @Test func longOnlyTruncationMatchesTheReference() throws {
        let reference = try Reference.load()
        let run = runPolicy(program.replacingOccurrences(of: "fit: 1927-06 to 1973-11)", with: "fit: 1927-06 to 1973-11, longonly: true)"))
        #expect(run.errors.isEmpty, "\(run.errors)")
        let result = try #require(run.results.first)
        #expect(result.rebalances.allSatisfy { $0.weights.allSatisfy { $0 >= 0 } })
        let metrics = try PerformanceMetrics(result)
        expectStats(metrics.portfolio, reference.out_of_sample.long_only.policy, "long-only policy")
        #expect(relative(metrics.trading.turnoverPerRebalance, reference.out_of_sample.long_only.average_turnover) < 1e-6)
    }

    @Test func logUtilityProgramMatchesTheReference() throws {
        let reference = try Reference.load().in_sample_log
        let run = runPolicy("""
        universe kenfrench("48_Industry_Portfolios.CSV")
        policy parametric(size, value, momentum) utility log
        rebalance monthly from 1973-12 to 1974-12
        """)
        #expect(run.errors.isEmpty, "\(run.errors)")
        let report = try #require(run.report)
        #expect(report.utility.riskAversion == 1)
        #expect(zip(report.inSample.theta, reference.theta).allSatisfy { relative($0, $1) < 1e-6 })
        #expect(zip(report.inSample.standardErrors, reference.standard_errors).allSatisfy { relative($0, $1) < 1e-6 })
    }

    @Test func userCSVCharacteristicWorksLikeABuiltInOne() throws {
        // Size written to a wide CSV (in a shuffled column order) must give the same θ as `size`.
        let industries = try IndustryPortfolios.load(path: dataDirectory + "/48_Industry_Portfolios.CSV")
        let folder = try scratchFolder()
        let columns = Array(industries.industries.indices.reversed())
        var lines = ["month," + columns.map { industries.industries[$0] }.joined(separator: ",")]
        for (t, month) in industries.months.enumerated() where month.year >= 1960 && month.year <= 1980 {
            lines.append("\(month)," + columns.map { c in
                let cap = industries.marketCap[t, c]
                return cap.isFinite ? "\(cap)" : ""
            }.joined(separator: ","))
        }
        try lines.joined(separator: "\n").write(to: folder.appendingPathComponent("mycap.csv"), atomically: true, encoding: .utf8)
        func text(_ size: String) -> String {
            """
            universe kenfrench("48_Industry_Portfolios.CSV")
            policy parametric(\(size), value, momentum, window: 60, fit: 1965-01 to 1974-12) utility crra(3)
            rebalance monthly from 1975-01 to 1979-12
            """
        }
        let user = runPolicy(text("\"mycap.csv\""), directory: folder.path)
        let builtIn = runPolicy(text("size"))
        #expect(user.errors.isEmpty, "\(user.errors)")
        let userReport = try #require(user.report), builtInReport = try #require(builtIn.report)
        #expect(userReport.characteristics == ["mycap", "value", "momentum"])
        #expect(zip(userReport.inSample.theta, builtInReport.inSample.theta).allSatisfy { relative($0, $1) < 1e-12 })
        #expect(zip(userReport.thetaPath.joined(), builtInReport.thetaPath.joined()).allSatisfy { relative($0, $1) < 1e-10 })
        // Outside the file's months the characteristic is missing: a fit there is an error at `fit:`.
        let outside = runPolicy(text("\"mycap.csv\"").replacingOccurrences(of: "1965-01 to 1974-12", with: "1950-01 to 1974-12"),
                                directory: folder.path)
        #expect(outside.errors.contains("at 1950-01: no cross-section"), "\(outside.errors)")
        #expect(outside.errors.contains("fit: 1950-01 to 1974-12"))
    }

    @Test(arguments: [
        // An objective and a policy: an error at the second.
        ("universe kenfrench(\"48_Industry_Portfolios.CSV\")\nmaximize mu'f\npolicy parametric(size)\nrebalance monthly",
         "a strategy has either an objective or a policy, not both"),
        ("universe kenfrench(\"48_Industry_Portfolios.CSV\")\npolicy parametric(size)\nminimize risk\nrebalance monthly",
         "a strategy has either an objective or a policy, not both"),
        // Words the checker does not know.
        ("universe kenfrench(\"48_Industry_Portfolios.CSV\")\npolicy parametric(size, colour)\nrebalance monthly",
         "unknown option value `colour`"),
        ("universe kenfrench(\"48_Industry_Portfolios.CSV\")\npolicy parametric(size, windw: 60)\nrebalance monthly",
         "`parametric` has no option `windw`"),
        ("universe kenfrench(\"48_Industry_Portfolios.CSV\")\npolicy parametric(size) utility quadratic(2)\nrebalance monthly",
         "unknown utility `quadratic`"),
        // Values the run refuses.
        ("universe kenfrench(\"48_Industry_Portfolios.CSV\")\npolicy parametric(size) utility crra(-1)\nrebalance monthly",
         "CRRA risk aversion is a positive number"),
        ("universe kenfrench(\"48_Industry_Portfolios.CSV\")\npolicy parametric(size)\nrebalance quarterly",
         "a parametric policy is re-estimated and rebalanced monthly"),
        ("universe kenfrench(\"48_Industry_Portfolios.CSV\")\nmodel ols(window: rolling 60)\npolicy parametric(size)\nrebalance monthly",
         "a parametric policy does not use a `model` statement"),
        ("universe synthetic(stocks: 50, seed: 1)\npolicy parametric(momentum)\nrebalance monthly",
         "a parametric policy runs on Ken French's industry portfolios"),
        ("universe kenfrench(\"48_Industry_Portfolios.CSV\")\npolicy parametric(size, window: 1.5)\nrebalance monthly",
         "a rolling window is a whole number of months"),
        ("universe kenfrench(\"48_Industry_Portfolios.CSV\")\npolicy parametric(momentum, fit: 1926-07 to 1940-12)\nrebalance monthly",
         "at 1926-07: no cross-section"),
    ])
    func malformedProgramsAreErrorsWithTheirPlace(program: String, message: String) {
        let run = runPolicy(program)
        #expect(run.errors.contains(message), "\(run.errors)")
        #expect(run.results.isEmpty)
    }
}

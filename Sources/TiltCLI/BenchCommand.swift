import ArgumentParser
import Foundation
import TiltBacktest
import TiltData
import TiltLinearAlgebra
import TiltModeling
import TiltModels
import TiltPortfolio
import TiltReport
import TiltSolver

/// `tilt bench`: performance measurements, meant for release builds. Not a test: nothing is asserted
/// about time, only that every problem is solved to optimality.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks (build with `swift build -c release --product tilt` first).",
        subcommands: [BenchSolver.self, BenchStrategy.self, BenchPolicy.self, BenchMonteCarlo.self, BenchLoad.self])
}

/// `tilt bench solver`: the factor-model portfolio problems of Docs/performance.md, timed through the
/// whole modelling pipeline and through the interior-point solver alone.
struct BenchSolver: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solver",
        abstract: "Time factor-model tracking-error SOCPs and risk-aversion QPs at several sizes.",
        discussion: """
        Each size n is a synthetic market of n assets and \(BenchmarkFactorModel.factorCount) factors (the
        splitmix64 data of Tests/TiltSolverTests/References/make_references.py).
        The problems are long-only and fully invested:
          tev            maximize expected active return
                         s.t. tracking error <= \(BenchmarkProblemKind.monthlyTrackingErrorBudget) (monthly)
          risk-aversion  maximize expected active return
                         - \(ValueFormat.number(BenchmarkProblemKind.riskAversionCoefficient, decimals: 0)) x active variance (monthly)
          tev-quad       the tev problem with the budget written out:
                         quad(f, S) + sumsq(sqrt(E) .* (w - b)) <= tev^2/12,
                         S the factor covariance bordered by a zero row and
                         column for the intercept (not the canonical form:
                         the interior-point path solves it)
        Times, medians of --repeats runs after one warm-up:
          pipeline      build the problem as a strategy does (exposures f as
                        variables, f == B'(w - b)) and solve it: these
                        canonical problems take the factor-portfolio
                        active-set method (iter: its iterations)
          ipm pipeline  the same through the cone compiler and the
                        interior-point solver (structured method off)
          solve         the interior-point solver alone on the compiled
                        cone program (setup + solve)
        Exit status 1 when a problem is not solved to optimality.

        Examples:
          tilt bench solver
          tilt bench solver --sizes 48,500 --repeats 3 --json
        """)

    @Option(help: "Comma-separated numbers of assets.")
    var sizes = "48,500,2000,5000"

    @Option(parsing: .unconditional, help: "Timed runs per problem (the median is reported), after one warm-up run.")
    var repeats = 5

    @Flag(help: "Print one JSON object per problem instead of a table.")
    var json = false

    @Option(help: "Write each compiled cone program as JSON into this existing folder (read by bench_python.py).")
    var export: String?

    func validate() throws {
        _ = try assetCounts()
        guard (1...1000).contains(repeats) else { throw ValidationError("--repeats must be from 1 to 1000") }
        if let export {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: export, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--export needs an existing folder; `\(export)` is not one")
            }
            for n in try assetCounts() {
                for kind in BenchmarkProblemKind.allCases { try validateFileDestination(exportPath(export, kind, n), option: "--export") }
            }
        }
    }

    /// The sizes from `--sizes`, checked.
    private func assetCounts() throws -> [Int] {
        let fields = sizes.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        return try fields.map { field in
            guard let n = Int(field), (2...1_000_000).contains(n) else {
                throw ValidationError("--sizes takes numbers of assets from 2 to 1000000 separated by commas; `\(field)` is not one")
            }
            return n
        }
    }

    func run() throws {
        if !json { print(BenchmarkResult.tableHeader) }
        var allOptimal = true
        for n in try assetCounts() {
            let model = BenchmarkFactorModel(assets: n)
            for kind in BenchmarkProblemKind.allCases {
                let result: BenchmarkResult
                do {
                    result = try BenchmarkResult.measure(kind, model: model, repeats: repeats)
                    if let export { try result.compiled.conic.writeJSON(to: exportPath(export, kind, n), objectiveSign: result.compiled.objectiveSign) }
                } catch {
                    printError("tilt bench solver: \(kind.rawValue), n = \(n): \(error)\n")
                    throw userErrorExit
                }
                print(json ? result.jsonLine : result.tableRow)
                if result.status != .optimal {
                    printError("tilt bench solver: \(kind.rawValue), n = \(n) was not solved: \(result.status.description)\n")
                    allOptimal = false
                }
            }
        }
        if !allOptimal { throw userErrorExit }
    }

    private func exportPath(_ folder: String, _ kind: BenchmarkProblemKind, _ n: Int) -> String {
        (folder as NSString).appendingPathComponent("\(kind.rawValue)_\(n).json")
    }
}

/// `tilt bench ppp`: the rolling out-of-sample run of Examples/ppp.tilt (parametric portfolio policy on the
/// 48 industries, 612 monthly re-estimations of θ on 120 months), timed apart from loading the data.
struct BenchPolicy: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ppp",
        abstract: "Time the parametric portfolio policy's rolling out-of-sample re-estimation.",
        discussion: """
        Loads 48_Industry_Portfolios.CSV, builds the monthly cross-sections of size, value and momentum,
        then times, as medians of --repeats runs after one warm-up:
          fit  the in-sample fit (decisions 1927-06…1973-11, CRRA(5), with standard errors)
          oos  the 612 re-estimations 1973-12…2024-11 on rolling 120-month windows,
               each warm-started from the previous θ
        Examples:
          tilt bench ppp --data ../shared/data
        """)

    @Option(help: "Folder holding 48_Industry_Portfolios.CSV (default: $TILT_DATA, else ../shared/data).")
    var data: String?

    @Option(parsing: .unconditional, help: "Timed runs (the median is reported), after one warm-up run.")
    var repeats = 5

    func validate() throws {
        guard (1...1000).contains(repeats) else { throw ValidationError("--repeats must be from 1 to 1000") }
    }

    func run() throws {
        let folder = data ?? ProcessInfo.processInfo.environment["TILT_DATA"] ?? "../shared/data"
        let path = (folder as NSString).appendingPathComponent("48_Industry_Portfolios.CSV")
        let clock = ContinuousClock()
        do {
            var industries: IndustryPortfolios?
            var sections: PolicyCrossSections?
            let setup = try clock.measure {
                let loaded = try IndustryPortfolios.load(path: path)
                industries = loaded
                sections = try PolicyCrossSections(
                    months: loaded.months, assetNames: loaded.industries, returns: loaded.valueWeightedReturns,
                    marketCaps: loaded.marketCap,
                    characteristics: [.size(loaded), .value(loaded), .momentum(returns: loaded.valueWeightedReturns)],
                    benchmark: .marketCap)
            }
            guard industries != nil, let sections else { throw BenchmarkError("the data did not load") }
            let policy = ParametricPolicy(utility: try CRRAUtility(riskAversion: 5))
            let schedule = (Month(1973, 12).ordinal...Month(2024, 11).ordinal).map(Month.init(ordinal:))
            var decisions: [ParametricPolicy.Decision] = []
            let oos = { decisions = try policy.outOfSample(sections, schedule: schedule, window: .rolling(months: 120)) }
            let fit = { _ = try policy.fit(sections, decisionMonths: Month(1927, 6)...Month(1973, 11)) }
            try oos()
            try fit()
            let fitSeconds = try BenchmarkResult.medianSeconds(repeats, fit)
            let oosSeconds = try BenchmarkResult.medianSeconds(repeats, oos)
            let setupSeconds = Double(setup.components.seconds) + Double(setup.components.attoseconds) * 1e-18
            let iterations = decisions.reduce(0) { $0 + $1.iterations }
            print(String(format: "load + cross-sections  %8.2f ms (once)", setupSeconds * 1000))
            print(String(format: "in-sample fit          %8.3f ms", fitSeconds * 1000))
            print(String(format: "out of sample          %8.2f ms  (%d re-estimations, %d Newton iterations, %.1f µs each)",
                         oosSeconds * 1000, decisions.count, iterations, oosSeconds / Double(max(decisions.count, 1)) * 1e6))
        } catch {
            printError("tilt bench ppp: \(error)\n")
            throw userErrorExit
        }
    }
}

// MARK: - Data

/// The synthetic factor model of the solver benchmark, `FactorBenchmarkData` (TiltSolver's, which
/// `factorTEVProblem(n:k:seed:)` and make_references.py's `benchmark_tev_data` draw identically).
struct BenchmarkFactorModel {
    static let factorCount = 6
    static let seed: UInt64 = 42

    let assets: Int
    let data: FactorBenchmarkData

    init(assets n: Int) {
        assets = n
        data = FactorBenchmarkData(n: n, k: Self.factorCount, seed: Self.seed)
    }

    var alphas: [Double] { data.alphas }

    /// The decision context a strategy would see (`PortfolioContext(benchmarkMarket:)`).
    func context() -> PortfolioContext { PortfolioContext(benchmarkMarket: data) }
}


// MARK: - Problems

/// The two benchmark problems, stated with the modelling API as a strategy states them.
enum BenchmarkProblemKind: String, CaseIterable {
    case trackingError = "tev"
    case riskAversion = "risk-aversion"
    /// The tracking-error budget written as a user writes it, with the variance terms spelt out.
    case quadraticTrackingError = "tev-quad"

    /// Ex-ante tracking-error budget, monthly decimal (2% monthly ≈ 6.9% annualised), as in `factorTEVProblem`.
    static let monthlyTrackingErrorBudget = 0.02
    /// γ in `maximize mu'f − γ·risk`, with `risk` the monthly active variance in decimals².
    static let riskAversionCoefficient = 100.0

    /// The parameter JSON reports for the problem (budget or γ), so bench_python.py states the same problem.
    var parameter: Double { self == .riskAversion ? Self.riskAversionCoefficient : Self.monthlyTrackingErrorBudget }

    /// The strategy's problem, as a program states it: `maximize mu'f s.t. tev <= budget` or
    /// `maximize mu'f - γ * risk`, long-only and fully invested by default. Nil for `tev-quad`, which a
    /// program states with `solve` (see `lowered(in:)`).
    var portfolioProblem: PortfolioProblem? {
        switch self {
        case .trackingError:
            // `tev` is annualised: tev <= √12·budget ⇔ monthly ‖·‖ <= budget.
            let annualBudget = Self.monthlyTrackingErrorBudget * 12.0.squareRoot()
            return PortfolioProblem(sense: .maximize, objective: [ObjectiveTerm(.expectedActiveReturn)],
                                    constraints: [PortfolioConstraint(.trackingErrorAtMost(limit: annualBudget), text: "tev <= budget")],
                                    defaults: [.fullyInvested, .longOnly])
        case .riskAversion:
            return PortfolioProblem(sense: .maximize,
                                    objective: [ObjectiveTerm(.expectedActiveReturn), ObjectiveTerm(.minus, scale: Self.riskAversionCoefficient, .risk)],
                                    constraints: [], defaults: [.fullyInvested, .longOnly])
        case .quadraticTrackingError:
            return nil
        }
    }

    /// The problem as an `OptimizationProblem` for the interior-point path.
    func lowered(in context: PortfolioContext) throws -> OptimizationProblem {
        if let portfolioProblem { return try portfolioProblem.lowered(in: context) }
        // quad(f, S) + sumsq(√E ∘ (w − b)) <= tev²/12, tev = √12·budget annualised: the monthly variance
        // budget². S is Σ_f bordered by a zero row and column for the intercept (f's first entry).
        let k = context.factorCovariance.rows
        var bordered = Matrix(rows: k + 1, cols: k + 1, repeating: 0)
        for i in 0..<k { for j in 0..<k { bordered[i + 1, j + 1] = context.factorCovariance[i, j] } }
        let factorVariance = try ModelExpression.quad(context.f, bordered)
        let residualScale = Matrix(column: context.residualVariances.map { max(0, $0).squareRoot() })
        let specificVariance = try ModelExpression.apply(.sumSquares, [
            try .multiplyElementwise(.constant(residualScale), context.activeWeights),
        ])
        let monthlyVarianceBudget = Self.monthlyTrackingErrorBudget * Self.monthlyTrackingErrorBudget
        let expectedActiveReturn = try ModelExpression.multiply(.transpose(context.muExpression), context.f)
        return OptimizationProblem(sense: .maximize, objective: expectedActiveReturn, constraints: [
            try context.exposureDefinition,
            .init(lhs: .sum(context.w), relation: .equal, rhs: .constant(1), text: "sum(w) == 1"),
            .init(lhs: context.w, relation: .greaterEqual, rhs: .constant(0), text: "w >= 0"),
            .init(lhs: try .add(factorVariance, specificVariance), relation: .lessEqual,
                  rhs: .constant(monthlyVarianceBudget), text: "quad(f, S) + sumsq(sqrt(E) .* (w - b)) <= tev^2/12"),
        ])
    }

    /// Solved as a strategy solves it: the portfolio layer (its structured method first), or for
    /// `tev-quad` the interior-point path.
    func solve(in context: PortfolioContext) throws -> ProblemSolution {
        if let portfolioProblem { return try portfolioProblem.solve(in: context) }
        return try lowered(in: context).solve()
    }
}

// MARK: - Measurement

/// One problem's timings (seconds, medians over the repeats) and solution.
struct BenchmarkResult {
    let kind: BenchmarkProblemKind
    let assets: Int
    let compiled: CompiledProblem
    let status: ProblemSolution.Status
    /// The objective as stated (expected active return, minus the risk penalty for `risk-aversion`), monthly.
    let objective: Double?
    /// The method the strategy path took (the factor-portfolio active set for these canonical problems).
    let method: ProblemSolution.Method
    let iterations: Int
    /// Build, solve and read back as a strategy does at a rebalance (`PortfolioProblem.solve(in:)`, which
    /// takes `FactorPortfolioSolver` for these problems and would fall back to the interior-point path).
    let pipelineSeconds: Double
    /// The same with the structured method switched off: lower to an `OptimizationProblem`, compile to a cone
    /// program, interior-point solve, polish, read back.
    let interiorPointPipelineSeconds: Double
    let interiorPointIterations: Int
    /// `InteriorPointSolver(problem:)` + `solve()` on the compiled cone program, wall clock.
    let solveSeconds: Double
    /// The solver's own setup and iteration times within `solveSeconds`.
    let solverSetupSeconds: Double
    let solverIterationSeconds: Double

    static func measure(_ kind: BenchmarkProblemKind, model: BenchmarkFactorModel, repeats: Int) throws -> BenchmarkResult {
        func pipeline() throws -> ProblemSolution { try kind.solve(in: model.context()) }
        func interiorPointPipeline() throws -> ProblemSolution { try kind.lowered(in: model.context()).solve() }
        let compiled = try ConeCompiler.compile(kind.lowered(in: model.context()))
        func solve() throws -> SolverSolution { try InteriorPointSolver(problem: compiled.conic).solve() }

        let solution = try pipeline()
        let pipelineSeconds = try medianSeconds(repeats) { _ = try pipeline() }
        let interiorPoint = try interiorPointPipeline()
        let interiorPointPipelineSeconds = try medianSeconds(repeats) { _ = try interiorPointPipeline() }
        if let a = solution.objective, let b = interiorPoint.objective, abs(a - b) > 1e-6 * abs(b) {
            throw BenchmarkError("\(kind.rawValue), n = \(model.assets): the \(solution.method.rawValue) optimum \(a) differs from the interior-point path's \(b)")
        }
        var solverRuns: [SolverSolution] = [try solve()]
        let solveSeconds = try medianSeconds(repeats) { solverRuns.append(try solve()) }
        let timed = solverRuns.dropFirst()
        if kind == .trackingError, let objective = solution.objective { try checkGenerator(model, objective: objective) }
        return BenchmarkResult(
            kind: kind, assets: model.assets, compiled: compiled, status: solution.status, objective: solution.objective,
            method: solution.method, iterations: solution.iterations, pipelineSeconds: pipelineSeconds,
            interiorPointPipelineSeconds: interiorPointPipelineSeconds, interiorPointIterations: interiorPoint.iterations,
            solveSeconds: solveSeconds,
            solverSetupSeconds: median(timed.map(\.info.setupTime)), solverIterationSeconds: median(timed.map(\.info.solveTime)))
    }

    /// The tracking-error optimum must match TiltSolver's own hand-built cone form of the same problem
    /// (`factorTEVProblem`, which minimises −αᵀw), or this file's generator has drifted from the library's.
    /// That reference is the interior-point solution at default tolerances, unpolished: for objectives
    /// below 1 its gap is 1e-8 absolute, hence the absolute part of the tolerance (1e-6 relative alone
    /// failed at n = 64, where the optimum is 0.0089 and the reference 1.3e-8 below it).
    private static func checkGenerator(_ model: BenchmarkFactorModel, objective: Double) throws {
        let reference = try benchmarkFactorTEV(n: model.assets, k: BenchmarkFactorModel.factorCount)
        guard reference.status == .optimal else {
            throw BenchmarkError("TiltSolver's factorTEVProblem(n: \(model.assets)) was not solved (\(reference.status)), so the data cannot be cross-checked")
        }
        let benchmarkAlpha = model.alphas.reduce(0, +) / Double(model.assets)
        let expected = -reference.primalObjective - benchmarkAlpha
        guard abs(objective - expected) <= 1e-7 + 1e-6 * abs(expected) else {
            throw BenchmarkError("the tracking-error optimum \(objective) differs from factorTEVProblem's \(expected): the benchmark data no longer match TiltSolver's generator")
        }
    }

    static func medianSeconds(_ repeats: Int, _ body: () throws -> Void) throws -> Double {
        let clock = ContinuousClock()
        var seconds: [Double] = []
        for _ in 0..<repeats {
            let elapsed = try clock.measure(body)
            seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        }
        return median(seconds)
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    static let tableHeader = [
        pad("n", 6), pad("problem", 14), pad("status", 9), pad("objective", 16), pad("iter", 5),
        pad("pipeline ms", 12), pad("ipm pipeline ms", 16), pad("ipm iter", 9), pad("solve ms", 10), pad("setup ms", 10),
        pad("vars", 7), pad("rows", 7),
    ].joined(separator: " ")

    var tableRow: String {
        [
            Self.pad("\(assets)", 6), Self.pad(kind.rawValue, 14), Self.pad(status.rawValue, 9),
            Self.pad(objective.map { String(format: "%.10e", $0) } ?? "—", 16), Self.pad("\(iterations)", 5),
            Self.pad(String(format: "%.2f", pipelineSeconds * 1000), 12),
            Self.pad(String(format: "%.2f", interiorPointPipelineSeconds * 1000), 16), Self.pad("\(interiorPointIterations)", 9),
            Self.pad(String(format: "%.2f", solveSeconds * 1000), 10),
            Self.pad(String(format: "%.2f", solverSetupSeconds * 1000), 10),
            Self.pad("\(compiled.conic.variableCount)", 7), Self.pad("\(compiled.conic.constraintCount)", 7),
        ].joined(separator: " ")
    }

    var jsonLine: String {
        let fields: [(String, String)] = [
            ("kind", jsonString(kind.rawValue)), ("n", "\(assets)"), ("factors", "\(BenchmarkFactorModel.factorCount)"),
            ("seed", "\(BenchmarkFactorModel.seed)"), ("parameter", "\(kind.parameter)"),
            ("status", jsonString(status.rawValue)), ("objective", objective.map { "\($0)" } ?? "null"),
            ("method", jsonString(method.rawValue)), ("iterations", "\(iterations)"), ("pipeline_seconds", "\(pipelineSeconds)"),
            ("interior_point_pipeline_seconds", "\(interiorPointPipelineSeconds)"),
            ("interior_point_iterations", "\(interiorPointIterations)"), ("solve_seconds", "\(solveSeconds)"),
            ("solver_setup_seconds", "\(solverSetupSeconds)"), ("solver_iteration_seconds", "\(solverIterationSeconds)"),
            ("variables", "\(compiled.conic.variableCount)"), ("constraints", "\(compiled.conic.constraintCount)"),
        ]
        return "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}

/// A benchmark that cannot be trusted, in words.
struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

// MARK: - Export

extension ConicProblem {
    /// Writes the cone program as JSON in the layout of Tests/TiltSolverTests/References (P upper triangle
    /// and A in CSC, q, b, cones), plus `objectiveConstant` and `objectiveSign` (−1 when the stated problem
    /// maximises), so another solver can be given exactly the program Tilt solves.
    func writeJSON(to path: String, objectiveSign: Double) throws {
        func numbers<T>(_ values: [T]) -> String { "[" + values.map { "\($0)" }.joined(separator: ",") + "]" }
        func csc(_ m: SparseMatrixCSC) -> String {
            "{\"rows\": \(m.rows), \"cols\": \(m.cols), \"colPointers\": \(numbers(m.colPointers)), "
                + "\"rowIndices\": \(numbers(m.rowIndices)), \"values\": \(numbers(m.values))}"
        }
        let coneList = cones.map { cone -> String in
            switch cone {
            case .zero(let d): return "{\"type\": \"zero\", \"dimension\": \(d)}"
            case .nonnegative(let d): return "{\"type\": \"nonnegative\", \"dimension\": \(d)}"
            case .secondOrder(let d): return "{\"type\": \"secondOrder\", \"dimension\": \(d)}"
            case .exponential: return "{\"type\": \"exponential\", \"dimension\": 3}"
            }
        }
        let text = "{\"P\": \(csc(P)), \"q\": \(numbers(q)), \"A\": \(csc(A)), \"b\": \(numbers(b)), "
            + "\"cones\": [\(coneList.joined(separator: ", "))], \"objectiveConstant\": \(objectiveConstant), "
            + "\"objectiveSign\": \(objectiveSign)}\n"
        try AtomicFile.write(text, to: URL(fileURLWithPath: path))
    }
}

/// `tilt bench montecarlo`: the full regime study (`RegimeStudy`) on all cores, timed.
struct BenchMonteCarlo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "montecarlo",
        abstract: "Time the Monte Carlo regime study (regime-aware vs single-regime portfolios).",
        discussion: """
        Runs RegimeStudy with the given size on all cores: per trial and phi, one regime-aware
        (exponential-cone) and one mean-variance (QP) solve. Prints the side-by-side table and the time.
        --design paper is the published design: the optimiser leaves the idiosyncratic variance out and
        the baseline takes its factor mean and covariance from ff6_monthly.csv over 1963-07..2024-12
        (read from --data); the simulation is the same in both designs. Exit status 1 when a problem is
        not solved or the data cannot be read.

        Examples:
          tilt bench montecarlo
          tilt bench montecarlo --trials 200 --stocks 100
          tilt bench montecarlo --design paper --data ../shared/data
        """)

    /// `--design`: the names of `RegimeStudy.Design`.
    enum DesignName: String, ExpressibleByArgument, CaseIterable {
        case consistent, paper
    }

    @Option(parsing: .unconditional, help: "Number of trials.")
    var trials = 5_000

    @Option(parsing: .unconditional, help: "Stocks per trial.")
    var stocks = 500

    @Option(help: "Comma-separated risk aversions phi.")
    var phis = "1,5,25,50"

    @Option(parsing: .unconditional, help: "Seed of the first trial's generator.")
    var seed: UInt64 = 7

    @Option(parsing: .unconditional, help: "Months of factor history behind each forecast.")
    var history = 120

    @Option(help: "What the optimiser sees: consistent (Tilt's design) or paper (the published design).")
    var design: DesignName = .consistent

    @Option(help: "Folder holding ff6_monthly.csv, for --design paper (default: $TILT_DATA, else ../shared/data).")
    var data: String?

    @Option(parsing: .unconditional, help: "For --design paper: ridge·I added to every covariance as the tie-break (monthly decimal²; default 0, the interior-point method's central solution; 1e-7 is the alternative checked in Docs/regime_study.md).")
    var ridge: Double?

    func validate() throws {
        if let ridge {
            guard design == .paper else { throw ValidationError("--ridge is the paper design's tie-break; add --design paper") }
            guard ridge >= 0, ridge.isFinite else { throw ValidationError("--ridge must be a number from 0 (the default), e.g. 1e-6") }
        }
    }

    func run() throws {
        let values = try phis.split(separator: ",").map { field -> Double in
            guard let x = Double(field.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--phis takes numbers separated by commas; `\(field)` is not one")
            }
            return x
        }
        let settings = RegimeStudy.Settings(trials: trials, stocks: stocks, phis: values, seed: seed, historyMonths: history,
                                            design: try studyDesign())
        let result: RegimeStudyResult
        do {
            result = try RegimeStudy.run(settings)
        } catch let error as RegimeStudyError {
            printError("error: \(error.description)\n")
            throw ExitCode(1)
        } catch {
            // The paper design's factor file that does not read: the data error, located in the file.
            printError("\(error)\n")
            throw ExitCode(1)
        }
        print(Table.regimeStudy(result).text(width: 140), terminator: "")
        print(result.designSummary)
        let solves = trials * values.count * 2
        print(String(format: "time %.1f s on %d cores: %d solves, %.2f ms per solve per core", result.seconds,
                     ProcessInfo.processInfo.activeProcessorCount, solves,
                     result.seconds * 1000 * Double(ProcessInfo.processInfo.activeProcessorCount) / Double(solves)))
    }

    /// The design of `--design`; for `paper`, the factor file in the data folder (read when the study runs).
    private func studyDesign() throws -> RegimeStudy.Design {
        switch design {
        case .consistent:
            return .consistent
        case .paper:
            let folder = data ?? ProcessInfo.processInfo.environment["TILT_DATA"] ?? "../shared/data"
            let path = (folder as NSString).appendingPathComponent(HistoricalFactorMoments.studyFile)
            guard FileManager.default.fileExists(atPath: path) else {
                printError("error: --design paper takes the baseline's factor moments from \(HistoricalFactorMoments.studyFile), and there is no \(path)\n"
                           + "hint: pass --data DIR (or set TILT_DATA) for the folder holding it; --design consistent needs no data\n")
                throw ExitCode(1)
            }
            return .paper(factorFile: path, ridge: ridge ?? 0)
        }
    }
}

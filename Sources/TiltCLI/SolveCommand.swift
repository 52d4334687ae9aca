import ArgumentParser
import Foundation
import TiltEditorSupport
import TiltSolver

/// `tilt solve FILE`: an optimisation problem in a standard file format, solved by Tilt's solver.
struct Solve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Solve a problem file: MPS (free or fixed), QPS or CBF.",
        discussion: """
        Prints the status, the objective (10 significant digits, in the file's own sense), iterations and
        time (after a run on the equilibrated data that failed and a second on the data as given, both
        counts; in --json `equilibrated_iterations`, the first run's share of `iterations`). Exit status 0
        when solved, 1 when the file is malformed or the problem is infeasible, unbounded or not solved.

        "optimal" means Clarabel's criteria hold on the file's own data: primal and dual residuals within
        --tol-feas (relative to the data and the solution) and the duality gap within --tol-gap-abs or
        --tol-gap-rel. "almost optimal" means the reduced tolerances hold (1e-4 feasibility, 5e-5 gap) but
        not the full ones; such a solution, or one that stopped without further progress, is then polished
        (Newton's method on its active set, kept only if every multiplier there has the right sign) and
        reported optimal when the polished point meets the full criteria; so is an optimal one whose
        bounded variables' stationarity is off by more than 1e-3 of their own terms once their bounds'
        multipliers take up what they can (a sign of a wrong vertex; Docs/solver.md). Infeasibility and
        unboundedness are certificates checked to --tol-infeas.

        Examples:
          tilt solve afiro.mps
          tilt solve --json hs21.qps
          tilt solve --format free-mps problem.txt
          tilt solve --tol-feas 1e-10 --tol-gap 1e-10 qafiro.qps
        """)

    @Argument(help: "The problem file (.mps, .qps, .freemps, .cbf).")
    var file: String

    @Option(help: "The file's format when its extension does not say: mps, free-mps, fixed-mps, qps or cbf.")
    var format: String?

    @Flag(help: "Print the result as JSON.")
    var json = false

    @Flag(help: "Print one line per interior-point iteration (objectives, gap, residuals, κ/τ, μ, step).")
    var verbose = false

    // Unconditional parsing takes the next word as the value even when it starts with `-`, so that
    // `--max-iterations -1` reaches `validate` instead of reading as a missing value.
    @Option(name: [.customLong("max-iterations"), .customLong("max-iter")], parsing: .unconditional,
            help: Solve.help(.maxIterations))
    var maxIterations: Int = 200

    @Option(name: .customLong("tol-feas"), parsing: .unconditional,
            help: Solve.help(.feasibility))
    var feasibilityTolerance: Double?

    @Option(name: .customLong("tol-gap"), parsing: .unconditional,
            help: Solve.help(.gap))
    var gapTolerance: Double?

    @Option(name: .customLong("tol-gap-abs"), parsing: .unconditional,
            help: Solve.help(.gapAbsolute))
    var gapAbsoluteTolerance: Double?

    @Option(name: .customLong("tol-gap-rel"), parsing: .unconditional,
            help: Solve.help(.gapRelative))
    var gapRelativeTolerance: Double?

    @Option(name: .customLong("tol-infeas"), parsing: .unconditional,
            help: Solve.help(.infeasibility))
    var infeasibilityTolerance: Double?

    @Option(parsing: .unconditional, help: "Time limit in seconds (more than 0).")
    var timeLimit: Double?

    func validate() throws {
        if let format, Solve.formats[format] == nil {
            throw ValidationError("unknown format `\(format)`; expected one of: \(Solve.formats.keys.sorted().joined(separator: ", "))")
        }
        do {
            _ = try SolverSettings(options: options)
        } catch {
            let value = error.option.isWholeNumber ? String(maxIterations) : "\(error.value)"
            throw ValidationError("\(error.option.flag) must be \(error.requirement), not \(value)")
        }
        if let timeLimit, !(timeLimit > 0) {
            throw ValidationError("--time-limit must be more than 0 seconds, not \(timeLimit)")
        }
    }

    /// The solver options given, by `SolverOption` (the table the language's `solve(…)` reads too).
    private var options: [SolverOption: Double] {
        let given: [SolverOption: Double?] = [
            .feasibility: feasibilityTolerance, .gap: gapTolerance, .gapAbsolute: gapAbsoluteTolerance,
            .gapRelative: gapRelativeTolerance, .infeasibility: infeasibilityTolerance, .maxIterations: Double(maxIterations),
        ]
        return given.compactMapValues { $0 }
    }

    /// An option's help: its meaning, what it accepts and its default (a program's `solve(…)` takes the same).
    static func help(_ option: SolverOption) -> ArgumentHelp {
        let limits = SolverOption.iterationLimits
        let accepts = option.isWholeNumber ? "from \(limits.lowerBound) to \(limits.upperBound)" : "between 0 and 1"
        let meaning = option.summary.prefix(1).uppercased() + option.summary.dropFirst()
        let defaultValue = option.text(option.value(in: SolverSettings()))
        return ArgumentHelp("\(meaning) (\(accepts); default \(defaultValue); `\(option.name):` in a program's solve).")
    }

    static let formats: [String: ProblemFileFormat] = [
        "mps": .mps(.automatic), "qps": .mps(.automatic), "free-mps": .mps(.free), "fixed-mps": .mps(.fixed), "cbf": .cbf,
    ]

    func run() throws {
        let parsed: ParsedProblem
        do {
            parsed = try ProblemFileReader.read(path: file, format: format.flatMap { Solve.formats[$0] })
        } catch {
            printError("\(error)\n")
            throw userErrorExit
        }
        if parsed.problem.objectiveIsVisiblyNonconvex {
            printError("\(file): error: the quadratic objective is not convex (its matrix has a negative eigenvalue); Tilt solves convex problems\n")
            throw userErrorExit
        }
        // Validated in `validate`.
        var settings = (try? SolverSettings(options: options)) ?? SolverSettings()
        settings.verbose = verbose
        if let timeLimit { settings.timeLimit = timeLimit }
        let solution: SolverSolution
        do {
            // Short of the full tolerances, stopped without progress, or optimal with a bound shortfall: the
            // optimum of the solution's active set, if it verifies (QSHARE1B: the interior-point method stalls
            // 1.7e-7 above the optimum, with a dual residual it cannot reduce; a linear program with costs over
            // eleven decades stopped at a wrong vertex).
            solution = try SolutionPolisher.interiorPointSolve(parsed.problem, settings: settings)
        } catch {
            printError("\(file): error: \(error)\n")
            throw userErrorExit
        }
        let objective = solution.status.isSolved ? parsed.userObjective(solution.primalObjective) : nil
        let time = solution.info.setupTime + solution.info.solveTime
        if json {
            var fields: [String] = [
                "\"file\": \(jsonString(file))",
                "\"name\": \(jsonString(parsed.name))",
                "\"status\": \(jsonString(Solve.statusName(solution.status)))",
                "\"objective\": \(objective.map { String(format: "%.10g", $0) } ?? "null")",
                "\"iterations\": \(solution.info.iterations)",
                "\"primal_residual\": \(jsonNumber(solution.info.primalResidual))",
                "\"dual_residual\": \(jsonNumber(solution.info.dualResidual))",
                "\"gap_relative\": \(jsonNumber(solution.info.gapRelative))",
                "\"solve_time_seconds\": \(String(format: "%.6g", time))",
                "\"variables\": \(parsed.problem.variableCount)",
                "\"constraints\": \(parsed.problem.constraintCount)",
            ]
            if let first = solution.info.equilibratedIterations { fields.append("\"equilibrated_iterations\": \(first)") }
            if !solution.status.isSolved { fields.append("\"message\": \(jsonString(solution.status.description))") }
            print("{" + fields.joined(separator: ", ") + "}")
        } else {
            print("problem:    \(parsed.name.isEmpty ? file : parsed.name) (\(parsed.problem.variableCount) variables, \(parsed.problem.constraintCount) constraint rows)")
            print("status:     \(Solve.statusName(solution.status))\(solution.status.isSolved ? "" : " — \(solution.status.description)")")
            if let objective { print("objective:  \(String(format: "%.10g", objective))") }
            print("iterations: \(solution.info.iterations)\(solution.info.iterationSplit.map { " (\($0))" } ?? "")")
            print("time:       \(String(format: "%.3f", time * 1000)) ms")
        }
        if !solution.status.isSolved { throw userErrorExit }
    }

    static func statusName(_ status: SolverStatus) -> String {
        switch status {
        case .optimal: return "optimal"
        case .almostOptimal: return "almost optimal"
        case .primalInfeasible: return "primal infeasible"
        case .dualInfeasible: return "dual infeasible"
        case .almostPrimalInfeasible: return "almost primal infeasible"
        case .almostDualInfeasible: return "almost dual infeasible"
        case .maxIterations: return "max iterations"
        case .timeLimit: return "time limit"
        case .numericalError: return "numerical error"
        case .insufficientProgress: return "insufficient progress"
        }
    }
}

/// A JSON number with 6 significant digits, or `null` when not finite.
private func jsonNumber(_ value: Double) -> String {
    value.isFinite ? String(format: "%.6g", value) : "null"
}

/// A JSON string literal.
func jsonString(_ s: String) -> String { JSONValue.string(s).serialized }

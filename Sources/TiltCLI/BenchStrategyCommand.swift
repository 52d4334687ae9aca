import ArgumentParser
import Foundation
import TiltBacktest
import TiltData
import TiltLanguage
import TiltLinearAlgebra
import TiltModeling
import TiltModels
import TiltPortfolio
import TiltSyntax

/// `tilt bench strategy FILE`: a strategy's rebalances, each solved the way the backtest solves it and
/// timed next to the canonical problem of the same month (the strategy's own objective and risk limit
/// without its sector, exposure and turnover limits and trading costs) and to the interior-point path.
struct BenchStrategy: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "strategy",
        abstract: "Time a strategy's rebalances: which method solves each, against the canonical problem.",
        discussion: """
        Runs the strategy's rebalances in order, each month holding the previous month's weights (not
        drifted: the problems are the backtest's but for the few basis points of drift; a regime model's
        fit starts from the previous month's, as in the backtest), and reports per
        variant, as medians of --repeats solves after one warm-up:
          structured    PortfolioProblem.solve(in:), as the backtest solves it; `method` counts the months
                        the factor-portfolio active-set method answered (the rest: interior point)
          canonical     the same month's problem without sector, exposure and turnover limits or trading
                        costs (when that is a problem the active-set method takes)
          ratio         structured ÷ canonical, month by month: median, 95th percentile, largest
          ipm           the interior-point path on the same problem (one solve a month)
        Nothing is asserted about time. Exit status 1 when a rebalance is not solved.

        Examples:
          tilt bench strategy Examples/sector_rotation.tilt --data ../shared/data
          tilt bench strategy Examples/exposure_limits.tilt --data ../shared/data --repeats 5 --months
        """)

    @Argument(help: "The strategy program (.tilt).")
    var file: String

    @Option(help: "Folder holding the data files (default: $TILT_DATA, else ../shared/data).")
    var data: String?

    @Option(parsing: .unconditional, help: "Timed solves per month (the median is reported), after one warm-up.")
    var repeats = 3

    @Flag(name: .customLong("months"), help: "Also print one line per rebalance.")
    var printMonths = false

    @Flag(name: .customLong("solve-only"), help: "Time only the strategy's own solve (no canonical or interior-point comparison).")
    var solveOnly = false

    func validate() throws {
        guard (1...1000).contains(repeats) else { throw ValidationError("--repeats must be from 1 to 1000") }
    }

    func run() throws {
        let source = try loadProgram(file)
        let session = makeSession(for: source, data: data)
        final class Plans { var all: [Plan] = [] }
        let plans = Plans()
        session.output = { _ in }
        session.planned = { plans.all.append($0) }
        try reportAndExitOnErrors(session.run(source), in: source)
        guard let plan = plans.all.compactMap(\.strategy).first else {
            printError("tilt bench strategy: \(source.name) has no strategy\n")
            throw userErrorExit
        }
        let loaded: LoadedStrategy
        do { loaded = try plan.load() } catch {
            printError("tilt bench strategy: \(error.message)\n")
            throw userErrorExit
        }
        for (index, variant) in plan.variants.enumerated() {
            let months = loaded.specifications[index].rebalanceMonths
            var rows: [MonthTiming] = []
            var held: [String: Double] = [:]
            // As the backtest: each month's regime fit starts from the previous month's.
            var previousHMM: GaussianHMM?
            for month in months {
                do {
                    let view = try loaded.view(variant: index, at: month, held: held, previousHMM: previousHMM)
                    previousHMM = view.regimeModel?.hmm
                    // As the backtest: the book starts in cash, so no turnover limit at the first rebalance.
                    let problem = held.isEmpty ? variant.problem.withoutTurnoverLimits : variant.problem
                    let timing = try MonthTiming.measure(problem, in: view.portfolio, month: month, repeats: repeats,
                                                            compare: !solveOnly)
                    rows.append(timing)
                    if printMonths { print(timing.line) }
                    held = view.stockWeights(timing.weights, panel: loaded.data.panel)
                } catch let error as PlanError {
                    printError("tilt bench strategy: \(month): \(error.message)\n")
                    throw userErrorExit
                } catch {
                    printError("tilt bench strategy: \(month): \(error)\n")
                    throw userErrorExit
                }
            }
            print(MonthTiming.summary(rows, label: variant.label.isEmpty ? plan.variants.count == 1 ? source.name : "variant \(index + 1)" : variant.label))
        }
    }
}

/// One rebalance's solves: the method and time of the strategy's problem, the canonical problem's time,
/// the interior-point path's.
private struct MonthTiming {
    let month: Month
    let method: ProblemSolution.Method
    let weights: [Double]
    /// Seconds (medians).
    let structured: Double
    let canonical: Double?
    /// nil when not compared (`--solve-only`).
    let interiorPoint: Double?

    static func measure(_ problem: PortfolioProblem, in context: PortfolioContext, month: Month, repeats: Int,
                        compare: Bool) throws -> MonthTiming {
        let solution = try problem.solve(in: context)
        guard solution.status == .optimal || solution.status == .almostOptimal,
              let w = solution.values.first(where: { $0.0 === context.weightVariable })?.1.storage else {
            throw BenchmarkError("the problem is \(solution.status.description)")
        }
        let structured = try BenchmarkResult.medianSeconds(repeats) { _ = try problem.solve(in: context) }
        guard compare else {
            return MonthTiming(month: month, method: solution.method, weights: w, structured: structured, canonical: nil,
                               interiorPoint: nil)
        }
        let stripped = problem.canonicalCore
        var canonical: Double?
        if stripped.canonicalForm(in: context) != nil {
            _ = try stripped.solve(in: context)
            canonical = try BenchmarkResult.medianSeconds(repeats) { _ = try stripped.solve(in: context) }
        }
        let lowered = try problem.lowered(in: context)
        let interiorPoint = try BenchmarkResult.medianSeconds(1) { _ = try lowered.solve() }
        return MonthTiming(month: month, method: solution.method, weights: w, structured: structured, canonical: canonical,
                           interiorPoint: interiorPoint)
    }

    var line: String {
        String(format: "%@  %-28@ %9.3f ms  canonical %@  ipm %@", month.description, method.rawValue as NSString,
               structured * 1000, canonical.map { String(format: "%9.3f ms", $0 * 1000) } ?? "        —",
               interiorPoint.map { String(format: "%9.3f ms", $0 * 1000) } ?? "        —")
    }

    static func summary(_ rows: [MonthTiming], label: String) -> String {
        func quantile(_ values: [Double], _ q: Double) -> Double {
            let sorted = values.sorted()
            guard !sorted.isEmpty else { return .nan }
            return sorted[Int(clamping: q * Double(sorted.count - 1), rounding: .toNearestOrAwayFromZero, to: 0...(sorted.count - 1))]
        }
        let structuredCount = rows.filter { $0.method == .factorPortfolio }.count
        let ratios = rows.compactMap { row in row.canonical.map { row.structured / $0 } }
        var text = "\(label): \(rows.count) rebalances, \(structuredCount) by the active-set method ("
            + String(format: "%.1f%%", 100 * Double(structuredCount) / Double(max(rows.count, 1))) + ")\n"
        text += String(format: "  structured  median %8.3f ms  total %9.1f ms\n", quantile(rows.map(\.structured), 0.5) * 1000,
                       rows.reduce(0) { $0 + $1.structured } * 1000)
        let canonical = rows.compactMap(\.canonical)
        if !canonical.isEmpty {
            text += String(format: "  canonical   median %8.3f ms  total %9.1f ms\n", quantile(canonical, 0.5) * 1000,
                           canonical.reduce(0, +) * 1000)
            text += String(format: "  ratio       median %8.2f  95th percentile %6.2f  largest %6.2f\n", quantile(ratios, 0.5),
                           quantile(ratios, 0.95), ratios.max() ?? .nan)
        }
        let interiorPoint = rows.compactMap(\.interiorPoint)
        if !interiorPoint.isEmpty {
            text += String(format: "  ipm         median %8.3f ms  total %9.1f ms", quantile(interiorPoint, 0.5) * 1000,
                           interiorPoint.reduce(0, +) * 1000)
        }
        return text
    }
}

extension PortfolioProblem {
    /// The problem without what the canonical problem lacks: its objective's `mu'f` and `risk` terms, its
    /// `tev`/`risk` limit, budget and bounds, none of its sector, exposure or turnover limits, trading
    /// costs or other terms.
    var canonicalCore: PortfolioProblem {
        var core = self
        core.objective = objective.filter {
            switch $0.quantity {
            case .expectedActiveReturn, .risk, .regimeUtility: return true
            default: return false
            }
        }
        core.constraints = constraints.filter {
            switch $0.kind {
            case .trackingErrorAtMost, .riskAtMost, .budget, .weightsAtLeast, .weightsAtMost, .weightsWithin: return true
            default: return false
            }
        }
        return core
    }
}

extension RebalanceView {
    /// Unit weights as stock weights by asset id (a sector's weight split over its members by their shares).
    func stockWeights(_ weights: [Double], panel: AssetPanel) -> [String: Double] {
        var held: [String: Double] = [:]
        for (unit, members) in membership.enumerated() {
            for (stock, share) in members { held[panel.assetIDs[stockColumns[stock]], default: 0] += weights[unit] * share }
        }
        return held
    }
}

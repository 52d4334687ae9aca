import Foundation
import TiltBacktest
import TiltModeling
import TiltReport
import TiltSyntax

extension Interpreter {
    /// Runs `experiment regime_study(trials: …, stocks: …, phi: […], seed: …, history: …)` now: the
    /// Monte Carlo study of `RegimeStudy` on all cores (progress through `progress`), then prints the
    /// side-by-side table. Defaults are the full study: 5000 trials, 500 stocks, φ ∈ {1, 5, 25, 50}, seed 7,
    /// 120 months of history.
    func runExperiment(_ e: Expr) throws {
        guard case .call(let name, let arguments) = e.kind, name.name == "regime_study" else {
            throw Diagnostic("unknown experiment", at: e.range,
                             hint: "write `experiment regime_study(trials: 200, stocks: 100, phi: [1, 5, 25, 50], seed: 7)`")
        }
        var settings = RegimeStudy.Settings()
        for argument in arguments {
            let value = try evaluate(argument.value)
            let label = argument.label?.name ?? ""
            func whole(_ range: ClosedRange<Int>) throws -> Int {
                guard case .number(let x) = value, let n = Int(whole: x, in: range) else {
                    throw Diagnostic("`\(label):` takes a whole number from \(range.lowerBound) to \(range.upperBound)",
                                     at: argument.value.range)
                }
                return n
            }
            switch label {
            case "trials": settings.trials = try whole(RegimeStudy.trialCounts)
            case "stocks": settings.stocks = try whole(RegimeStudy.stockCounts)
            case "seed": settings.seed = UInt64(clamping: try whole(0...9_000_000_000_000_000))
            case "history": settings.historyMonths = try whole(RegimeStudy.historyLengths)
            case "phi":
                let phis: [Double]
                switch value {
                case .number(let x): phis = [x]
                case .matrix(let m) where m.rows == 1 || m.cols == 1: phis = m.storage
                default: phis = []
                }
                guard !phis.isEmpty else {
                    throw Diagnostic("`phi:` takes a positive number or a list of them, e.g. `phi: [1, 5, 25, 50]`",
                                     at: argument.value.range)
                }
                if let problem = RegimeStudy.phiProblem(phis) {
                    throw Diagnostic(problem.message, at: entryRange(argument.value, problem.index, of: phis.count),
                                     hint: "`phi:` takes risk aversions \(RegimeObjectives.reliablePhisText), each once, as `regime_utility` does")
                }
                settings.phis = phis
            default:
                throw Diagnostic("`regime_study` has no option `\(label)`", at: argument.label?.range ?? argument.value.range,
                                 hint: "options: trials, stocks, phi, seed, history")
            }
        }
        let result: RegimeStudyResult
        do {
            result = try RegimeStudy.run(settings, progress: progress)
        } catch let error as RegimeStudyError {
            throw Diagnostic(error.description, at: e.range)
        }
        output(Table.regimeStudy(result).text(width: 140))
    }

    /// Where the `index`-th of `count` entries of a list literal such as `[1, 5, 25]` is written, so that
    /// an error about one φ points at it; the whole expression when the list is not written entry by entry.
    private func entryRange(_ list: Expr, _ index: Int, of count: Int) -> SourceRange {
        guard case .matrix(let rows) = list.kind else { return list.range }
        let entries = rows.flatMap { $0 }
        return entries.count == count ? entries[index].range : list.range
    }
}

import Foundation
import TiltBacktest
import TiltData
import TiltModeling
import TiltReport
import TiltSyntax

extension Interpreter {
    /// Runs `experiment regime_study(trials: …, stocks: …, phi: […], seed: …, history: …, design: …)` now:
    /// the Monte Carlo study of `RegimeStudy` on all cores (progress through `progress`), then prints the
    /// side-by-side table and the design's line. Defaults are the full study: 5000 trials, 500 stocks,
    /// φ ∈ {1, 5, 25, 50}, seed 7, 120 months of history, `design: consistent`.
    func runExperiment(_ e: Expr) throws {
        guard case .call(let name, let arguments) = e.kind, name.name == "regime_study" else {
            throw Diagnostic("unknown experiment", at: e.range,
                             hint: "write `experiment regime_study(trials: 200, stocks: 100, phi: [1, 5, 25, 50], seed: 7)`")
        }
        var settings = RegimeStudy.Settings()
        for argument in arguments {
            if argument.label?.name == "design" {
                settings.design = try regimeStudyDesign(argument.value)
                continue
            }
            let value = try evaluate(argument.value)
            let label = argument.label?.name ?? ""
            func whole(_ range: ClosedRange<Double>) throws -> Int {
                guard case .number(let x) = value, range.contains(x), x == x.rounded() else {
                    throw Diagnostic("`\(label):` takes a whole number from \(Int(range.lowerBound)) to \(Int(range.upperBound))",
                                     at: argument.value.range)
                }
                return Int(x)
            }
            switch label {
            case "trials": settings.trials = try whole(2...10_000_000)
            case "stocks": settings.stocks = try whole(2...100_000)
            case "seed": settings.seed = UInt64(try whole(0...9e15))
            case "history": settings.historyMonths = try whole(1...10_000)
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
                                 hint: "options: trials, stocks, phi, seed, history, design")
            }
        }
        let result: RegimeStudyResult
        do {
            result = try RegimeStudy.run(settings, progress: progress)
        } catch let error as RegimeStudyError {
            throw Diagnostic(error.description, at: e.range)
        }
        output(Table.regimeStudy(result).text(width: 140))
        output(result.designSummary + "\n")
    }

    /// `design: consistent` (Tilt's design, no data) or `design: paper` (the published design), whose
    /// baseline moments come from `ff6_monthly.csv` in the program's folder or the data directory.
    private func regimeStudyDesign(_ value: Expr) throws -> RegimeStudy.Design {
        switch value.kind {
        case .name("consistent"):
            return .consistent
        case .name("paper"):
            let file = HistoricalFactorMoments.studyFile
            let path = Interpreter.resolve(path: file, programDirectory: programDirectory, dataDirectory: dataDirectory)
            guard FileManager.default.fileExists(atPath: path) else {
                throw Diagnostic("`design: paper` takes the baseline's factor moments from \(file) (the study's six factors, \(RegimeCalibration.studySample.lowerBound)..\(RegimeCalibration.studySample.upperBound)), and there is none in \(dataPlaces.joined(separator: " or "))",
                                 at: value.range,
                                 hint: "give --data DIR (or set TILT_DATA) for the folder holding \(file); `design: consistent` needs no data")
            }
            do {
                return .paper(history: try HistoricalFactorMoments.study(path: path))
            } catch {
                throw Diagnostic.data(error, at: value.range)
            }
        default:
            throw Diagnostic("`design:` is `consistent` (Tilt's design, the default) or `paper` (the published design)", at: value.range)
        }
    }

    /// Where the `index`-th of `count` entries of a list literal such as `[1, 5, 25]` is written, so that
    /// an error about one φ points at it; the whole expression when the list is not written entry by entry.
    private func entryRange(_ list: Expr, _ index: Int, of count: Int) -> SourceRange {
        guard case .matrix(let rows) = list.kind else { return list.range }
        let entries = rows.flatMap { $0 }
        return entries.count == count ? entries[index].range : list.range
    }
}

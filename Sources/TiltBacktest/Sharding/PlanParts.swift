import Foundation

/// The results of some parts of a plan (`Shard.range(ofParts:)`): what one shard computes and writes, and
/// what `Plan.merge` puts together. Codable without loss: every number is a `Double` written so that it
/// reads back to the same bits.
public struct PlanPart: Sendable, Codable {
    /// The parts covered, `first ..< end` (0-based; empty for a shard with no part of this plan).
    public var first: Int
    public var end: Int
    /// A strategy's backtests of those variants, in order.
    public var strategy: [BacktestResult]?
    /// A regime study's outcomes of those trials, in order.
    public var regimeStudy: RegimeStudyPart?
    /// Wall-clock time of the parts, seconds.
    public var seconds: Double

    public var parts: Range<Int> { first..<max(first, end) }
}

/// A regime study's outcomes of consecutive trials (trial i keeps its own seed, so they are the outcomes of
/// the same trials in one run, bit for bit).
public struct RegimeStudyPart: Sendable, Codable {
    /// The first trial (0-based).
    public var first: Int
    var outcomes: [TrialOutcome]

    /// How many trials the part holds.
    public var count: Int { outcomes.count }
}

extension Plan {
    /// How many parts a sharded run splits the plan into: a strategy's variants (a sweep's values or its
    /// models), a regime study's trials; a parametric policy is one part.
    public var partCount: Int {
        if let strategy { return strategy.variants.count }
        if let regimeStudy { return max(0, regimeStudy.trials) }
        return 1
    }

    /// Why the plan cannot be run in shards, or nil: a parametric policy is one estimation and one
    /// backtest, with nothing to split.
    public var shardingProblem: String? {
        policy == nil ? nil : "a parametric policy is one estimation and one backtest, with nothing to split into shards: run it with `tilt run`"
    }

    /// Parts `range` in words: "backtests 6–10 of 19 (tev = 3.5% … tev = 5.5%)", "trials 2501–3750 of 5000",
    /// "no trial of 5000".
    public func describeParts(_ range: Range<Int>) -> String {
        let total = partCount
        if let strategy {
            guard !range.isEmpty else { return "no backtest of \(total)" }
            let labels = strategy.variants[range].map(\.label)
            let names = labels.count == 1 ? labels[0] : "\(labels.first ?? "") … \(labels.last ?? "")"
            let span = range.count == 1 ? "backtest \(range.lowerBound + 1)" : "backtests \(range.lowerBound + 1)–\(range.upperBound)"
            return "\(span) of \(total)" + (names.isEmpty || labels.allSatisfy(\.isEmpty) ? "" : " (\(names))")
        }
        if regimeStudy != nil {
            guard !range.isEmpty else { return "no trial of \(total)" }
            return (range.count == 1 ? "trial \(range.lowerBound + 1)" : "trials \(range.lowerBound + 1)–\(range.upperBound)") + " of \(total)"
        }
        return range.isEmpty ? "not the policy" : "the policy"
    }

    /// Runs parts `range` of the plan: those variants of a strategy (each backtest as in a run of the whole
    /// plan: data, window and schedule are the plan's, estimates are deterministic), those trials of a
    /// regime study. An error names its variant as numbered in the whole plan. A policy throws
    /// (`shardingProblem`). `passwords` are those the program wrote for its database; `notes` gets the
    /// strategy's notes on its data, as a run of the whole gives them.
    public func runPart(_ range: Range<Int>, suggest: NameSuggestion = { _, _ in nil }, passwords: DatabasePasswords = [:],
                        notes: ([String]) -> Void = { _ in },
                        progress: (@Sendable (Int, Int) -> Void)? = nil) throws(PlanError) -> PlanPart {
        let start = Date()
        guard range.lowerBound >= 0, range.upperBound <= partCount else {
            throw PlanError("parts \(range.lowerBound + 1)…\(range.upperBound) are not among the plan's \(partCount)", at: .experiment)
        }
        var part = PlanPart(first: range.lowerBound, end: range.upperBound, seconds: 0)
        if let strategy {
            var some = strategy
            some.variants = Array(strategy.variants[range])
            do {
                if range.isEmpty {
                    part.strategy = []
                } else {
                    let loaded = try some.load(suggest: suggest, passwords: passwords)
                    notes(loaded.notes)
                    part.strategy = try loaded.run(progress: progress)
                }
            } catch let error as PlanError {
                throw error.offsettingVariants(by: range.lowerBound)
            } catch {
                // Only a `Cancelled` is left, and a part is run without a cancellation.
                throw PlanError(String(describing: error), at: .experiment)
            }
        } else if let settings = regimeStudy {
            do {
                part.regimeStudy = try RegimeStudy.runPart(settings, trials: range, progress: progress)
            } catch {
                throw PlanError(study: error)
            }
        } else if let shardingProblem {
            throw PlanError(shardingProblem, at: .policy)
        }
        part.seconds = Date().timeIntervalSince(start)
        return part
    }

    /// The plan's results from `parts`, which must cover it exactly once in order (each shard's part, by
    /// shard); the same as running the whole plan, number for number: a strategy's backtests in variant
    /// order, a study's outcomes in trial order (so its means add up in the same order). Throws naming the
    /// first part that does not fit: a gap, an overlap, results of another size or another variant.
    public func merge(_ parts: [PlanPart]) throws(ShardError) -> PlanResults {
        var next = 0
        for part in parts {
            guard part.first == next, part.end >= part.first else {
                throw ShardError(part.first > next ? "no shard holds \(describeParts(next..<min(part.first, partCount)))"
                                                   : "\(describeParts(part.parts)) overlap parts already merged")
            }
            next = part.end
        }
        guard next == partCount else { throw ShardError("no shard holds \(describeParts(next..<partCount))") }
        let seconds = parts.reduce(0) { $0 + $1.seconds }
        if let strategy {
            var results: [BacktestResult] = []
            for part in parts {
                let some = part.strategy ?? []
                guard some.count == part.parts.count else {
                    throw ShardError("the part with \(describeParts(part.parts)) holds \(some.count) backtests")
                }
                for (offset, result) in some.enumerated() {
                    let label = strategy.variants[part.first + offset].label
                    guard result.name == (label.isEmpty ? "strategy" : label) else {
                        throw ShardError("backtest \(part.first + offset + 1) is `\(result.name)`, the plan's is `\(label)`")
                    }
                }
                results += some
            }
            return .strategy(results)
        }
        if let settings = regimeStudy {
            var outcomes: [TrialOutcome] = []
            outcomes.reserveCapacity(partCount)
            for part in parts where !part.parts.isEmpty {
                guard let study = part.regimeStudy, study.first == part.first, study.count == part.parts.count else {
                    throw ShardError("the part with \(describeParts(part.parts)) does not hold their outcomes")
                }
                for (offset, outcome) in study.outcomes.enumerated() where !outcome.fits(phis: settings.phis.count) {
                    throw ShardError("trial \(part.first + offset + 1)'s outcome does not have one value per phi")
                }
                outcomes += study.outcomes
            }
            return .regimeStudy(RegimeStudyResult(settings: settings, calibration: .study, outcomes: outcomes, seconds: seconds))
        }
        throw ShardError(shardingProblem ?? "the plan holds nothing to merge")
    }
}

extension RegimeStudy {
    /// Runs the trials `trials` (0-based) of the study, in parallel, as `run` runs them all: trial i draws
    /// from its own generator seeded by (seed, i), so the outcomes are those of the same trials in one run.
    public static func runPart(_ settings: Settings, trials: Range<Int>,
                               progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> RegimeStudyPart {
        try validateSettings(settings)
        let history = try settings.design.history()
        let outcomes = trials.isEmpty ? [] : try outcomes(settings, calibration: .study, history: history, trials: trials, progress: progress)
        return RegimeStudyPart(first: trials.lowerBound, outcomes: outcomes)
    }
}

extension TrialOutcome {
    /// Whether every record has one value per φ (a part read back from a file is checked before use).
    func fits(phis: Int) -> Bool {
        [regimeReturn, regimeEntropy, baselineReturn, baselineEntropy, regimeTail, baselineTail].allSatisfy { $0.count == phis }
    }
}

extension PlanError {
    /// The error with its variant numbered in a plan whose variants `offset…` were run on their own.
    func offsettingVariants(by offset: Int) -> PlanError {
        var error = self
        switch part {
        case .objective(let variant): error.part = .objective(variant: variant + offset)
        case .constraint(let variant, let index): error.part = .constraint(variant: variant + offset, index: index)
        default: break
        }
        return error
    }
}

import TiltBacktest
import TiltData
import TiltLinearAlgebra
import TiltPortfolio
import TiltSolver

/// The one table of Tilt's statements and the words they understand: each statement with its syntax and
/// meaning, the forms its argument takes (`synthetic(stocks: 500, …)`, `mktcap`) with their options — type,
/// unit, allowed range, default, meaning — and the quantities and functions a strategy's objective may use.
/// It drives the checker and the lowering (`FormReader` reads and checks options by it), the REPL's
/// completion and `:help`, and the statement table of Docs/language.md (a test keeps the two equal).
/// To add an option or a form, add a row here, then read it where the statement is lowered.
public enum Vocabulary {
    // MARK: Statements

    public static let statements: [VocabularyStatement] = matrixStatements + strategyStatements + [experiment, at]

    /// The matrix and optimisation layer, evaluated as they come.
    static let matrixStatements: [VocabularyStatement] = [
        VocabularyStatement("let", syntax: "let x = EXPR", summary: "bind a name"),
        VocabularyStatement("print", syntax: "print EXPR", summary: "print a value (a string as it is, without quotes; a bare `EXPR` prints `EXPR = value`)"),
        VocabularyStatement("var", syntax: "var w[n] >= 0", summary: "an optimisation variable, n or r×c entries (at most 1,000,000), optionally bounded; the bound joins every problem that uses it"),
        VocabularyStatement("solve", syntax: "solve[(OPTIONS)] minimize EXPR s.t. C1, C2", summary: "solve one convex problem now (`maximize` too; British `minimise`/`maximise` as well); constraints compare with `==`, `<=`, `>=` and may be labelled `budget: sum(w) == 1`; options set the solver's tolerances and iteration limit, e.g. `solve(tol_feas: 1e-10, tol_gap: 1e-10) minimize …`",
                            forms: [solveOptions]),
    ]

    /// The options of `solve(…)`: `SolverOption`'s table (the one `tilt solve`'s flags read), with the
    /// solver's defaults.
    public static let solveOptions = VocabularyForm(
        "solve", summary: "the solver's options, written after `solve`",
        options: SolverOption.allCases.map { option in
            let defaultValue = option.value(in: SolverSettings())
            if option.isWholeNumber {
                return VocabularyOption(option.name, .wholeNumber(SolverOption.iterationLimits), defaultValue: .number(defaultValue),
                                        example: "solve(\(option.name): 500) minimize …", summary: option.summary)
            }
            return VocabularyOption(option.name, .number(SolverOption.tolerances, open: true), defaultValue: .number(defaultValue),
                                    example: "solve(\(option.name): 1e-10) minimize …", summary: option.summary)
        })

    /// A strategy's statements, gathered until it is complete (a universe, an objective or a policy, a schedule).
    static let strategyStatements: [VocabularyStatement] = [universe, factors, benchmark, model, objective, policy, allocate, rebalance, costs, crisis, sweep]

    public static let universe = VocabularyStatement(
        "universe", syntax: "universe FORM", summary: "the assets: their monthly returns, market caps and sectors",
        forms: [
            VocabularyForm("kenfrench", summary: "Ken French's industry portfolios file (value-weighted returns; caps = firms × size; SIC-division sectors)",
                           options: [VocabularyOption("", .path, summary: "the file, e.g. \"48_Industry_Portfolios.CSV\"")]),
            VocabularyForm("crsp", summary: "CRSP single names as researchers have them: a WRDS extract (CSV, monthly or daily, any column case) or WRDS's PostgreSQL tables; delisting returns, codes as of each month",
                           options: [
                            VocabularyOption("", .path, summary: "the extract, e.g. \"crsp_msf.csv\"; without it and without `database:`, crsp.csv, else the one CSV file whose header has the CRSP columns, in the program's folder or the data directory"),
                            VocabularyOption("database", .connection, summary: "read WRDS's tables from PostgreSQL instead, e.g. \"postgresql://user@wrds-pgdata.wharton.upenn.edu:9737/wrds\" or \"service=wrds\"; the password from ~/.pgpass or PGPASSWORD"),
                            VocabularyOption("sectors", .words(SectorScheme.allCases.map(\.rawValue)), defaultValue: .word(SectorScheme.sicDivisions.rawValue),
                                             summary: "sectors from each month's SIC code: SIC divisions, or Fama–French 12 or 48 industries"),
                            VocabularyOption("shares", .words(["common", "all"]), defaultValue: .word("common"),
                                             summary: "common shares (SHRCD 10, 11) on NYSE, AMEX or NASDAQ (EXCHCD 1–3) in the months they are, when the data has those codes; or every security"),
                            VocabularyOption("from", .month, summary: "the first month kept (default: the data's first)"),
                            VocabularyOption("to", .month, summary: "the last month kept (default: the data's last)"),
                            VocabularyOption("tables", .words(CRSPTables.allCases.map(\.rawValue)),
                                             summary: "with `database:`: the legacy tables (crsp.msf, msenames, msedelist) or the CIZ tables of 2024 (crsp.msf_v2, stksecurityinfohist, stkdelists); default: CIZ when crsp.msf_v2 exists"),
                            VocabularyOption("frequency", .words(["monthly", "daily"]), defaultValue: .word("monthly"),
                                             summary: "with `database:`: the monthly stock file, or the daily one compounded into months (legacy tables)"),
                           ]),
            VocabularyForm("returns", summary: "your own returns: a long panel (`asset, month, ret[, cap, sector]`) or wide returns (`month,<asset>,…`) with companion caps and sectors files",
                           options: [
                            VocabularyOption("", .path, summary: "the returns file, e.g. \"returns.csv\" (monthly decimals)"),
                            VocabularyOption("caps", .path, summary: "wide returns' market caps at each month's end, laid out as the returns (for `benchmark mktcap` and sector weights)"),
                            VocabularyOption("sectors", .path, summary: "wide returns' sectors: `asset,sector` rows (for `sector(\"…\")` and `allocate by sector`)"),
                           ]),
            VocabularyForm("synthetic", summary: "the built-in synthetic market (two-regime factors, its own factor file, SIC-division sectors)",
                           options: [
                            VocabularyOption("stocks", .wholeNumber(2...100_000), meaning: "the number of stocks", defaultValue: .number(500), summary: "how many stocks"),
                            VocabularyOption("seed", .wholeNumber(0...9_000_000_000_000_000), meaning: "the seed", defaultValue: .number(42), summary: "the random seed"),
                            VocabularyOption("from", .month, defaultValue: .month(Month(1970, 1)), summary: "the first month"),
                            VocabularyOption("to", .month, defaultValue: .month(Month(2024, 12)), summary: "the last month"),
                           ]),
        ],
        string: "a CSV of monthly returns, long (`asset, month, ret[, cap, sector]`) or wide (`month,<asset>,…`): `returns(\"…\")` without companion files")

    public static let factors = VocabularyStatement(
        "factors", syntax: "factors \"FILE\"",
        summary: "the factor returns: a Ken French file as downloaded, or tidy (`month, factors…, rf`); without it, the synthetic market's own, or beside the data factors.csv, else Ken French's five factors (joined with momentum when there), else his three, else the one factor file (a note says which)",
        string: "the factor file")

    public static let benchmark = VocabularyStatement(
        "benchmark", syntax: "benchmark FORM", summary: "the benchmark's weights at each rebalance (default `mktcap`; `equal`, with a note, for a universe without market caps, where `benchmark mktcap` is an error)",
        forms: [
            VocabularyForm("mktcap", summary: "market caps at T over the eligible assets"),
            VocabularyForm("equal", summary: "1/n over the eligible assets"),
            VocabularyForm("none", summary: "no benchmark: active means absolute"),
            VocabularyForm("read", summary: "fixed weights from `asset,weight` rows, renormalised over the eligible assets",
                           options: [VocabularyOption("", .path, summary: "the weights file")]),
        ])

    /// The estimation window of a factor model: `expanding` or `rolling N`.
    static let modelWindow = VocabularyOption("window", .window(2...1200, example: "rolling 120", plainNumber: false), meaning: "a rolling window", unit: "months",
                                              defaultValue: .word("expanding"), summary: "expanding (all data from `from:`) or rolling N months")
    static let modelStart = VocabularyOption("from", .month, summary: "first month of an expanding window (default: the data's first)")
    /// The fewest months of returns an asset needs in its window.
    static let modelMinimum = VocabularyOption("min", .wholeNumber(2...1200), meaning: "the fewest months of returns an asset needs in its window", unit: "months",
                                               summary: "months of the window an asset needs a return in, missing months allowed (default: all of them; CRSP: 36, or all when the window is shorter)")

    public static let model = VocabularyStatement(
        "model", syntax: "model FORM | model in [FORM, …]", summary: "the factor model estimated at each rebalance on data ≤ T (default `ols`; for CRSP `ols(window: rolling 60, min: 36)`); `model in […]` runs one backtest per model",
        forms: [
            VocabularyForm("ols", summary: "time-series OLS of each asset's excess return on the factors", options: [modelWindow, modelStart, modelMinimum]),
            VocabularyForm("regime", summary: "a Gaussian HMM on the factors, regime-weighted least squares, forecast regime mixture",
                           options: [
                            VocabularyOption("states", .wholeNumber(1...8), meaning: "the number of regimes", defaultValue: .number(2), summary: "regimes S"),
                            VocabularyOption("covariance", .words(["diag", "full"]), defaultValue: .word("diag"), summary: "the regimes' factor covariances"),
                            VocabularyOption("horizon", .wholeNumber(1...120), meaning: "the forecast horizon in months", defaultValue: .number(1), summary: "months ahead the regime probabilities are forecast"),
                            modelWindow, modelStart, modelMinimum,
                           ]),
        ])

    public static let objective = VocabularyStatement(
        "maximize", syntax: "maximize EXPR s.t. C1, C2 (or minimize)",
        summary: "the strategy's objective and constraints, solved at every rebalance over the quantities below (British `maximise`/`minimise` as well)")

    public static let policy = VocabularyStatement(
        "policy", syntax: "policy FORM utility FORM", summary: "a parametric portfolio policy in place of an objective (Brandt, Santa-Clara & Valkanov 2009)",
        forms: [
            VocabularyForm("parametric", summary: "benchmark plus θᵀx̂/N, θ estimated by maximising average utility",
                           options: [
                            VocabularyOption("", .characteristics(["size", "value", "momentum"]), summary: "characteristics: size, value, momentum or a wide CSV \"file.csv\""),
                            VocabularyOption("window", .window(2...1200, example: "window: 120", plainNumber: true), meaning: "a rolling window", unit: "months",
                                             defaultValue: .rolling(120), summary: "out-of-sample re-estimation: N, rolling N or expanding"),
                            VocabularyOption("fit", .monthRange, defaultValue: .monthRange(Month(1927, 6), Month(1973, 11)), summary: "in-sample decision months"),
                            VocabularyOption("longonly", .words(["true", "false"]), defaultValue: .word("false"), summary: "truncate weights at zero and renormalise"),
                           ]),
        ],
        secondary: ("utility", [
            VocabularyForm("crra", summary: "CRRA utility W^(1−γ)/(1−γ)",
                           options: [VocabularyOption("", .number(0...Double.greatestFiniteMagnitude, open: true), meaning: "CRRA risk aversion",
                                                      defaultValue: .number(5), example: "utility crra(5)", summary: "γ > 0")]),
            VocabularyForm("log", summary: "log utility (γ = 1)"),
        ]))

    public static let allocate = VocabularyStatement(
        "allocate", syntax: "allocate by sector", summary: "decide sector weights; inside a sector, assets are held in proportion to their caps",
        forms: [VocabularyForm("sector", summary: "the universe's sectors")])

    public static let rebalance = VocabularyStatement(
        "rebalance", syntax: "rebalance FREQUENCY [from M to M]",
        summary: "when the portfolio trades: at the end of each rebalance month T (default from five years into the estimation window to the data's second-to-last month)",
        forms: [
            VocabularyForm("monthly", summary: "every month"),
            VocabularyForm("quarterly", summary: "every three months"),
            VocabularyForm("annually", summary: "every twelve months"),
        ])

    public static let costs = VocabularyStatement(
        "costs", syntax: "costs 10bps", summary: "trading costs as a proportion of turnover, charged in the month after a rebalance (from 0 up to 100%)")

    public static let crisis = VocabularyStatement(
        "crisis", syntax: "crisis \"NAME\" M to M", summary: "a crisis window of the report (one named like a built-in window replaces it)")

    public static let sweep = VocabularyStatement(
        "in", syntax: "NAME in VALUES", summary: "one backtest per value: a bound (`tev in 1% to 10% by 0.5%`) or a parameter of the objective (`gamma in [1, 5]`), or `model in […]`")

    public static let experiment = VocabularyStatement(
        "experiment", syntax: "experiment FORM", summary: "a Monte Carlo study, run now on all cores",
        forms: [
            VocabularyForm("regime_study", summary: "regime-aware against single-regime portfolios on markets drawn from the study's HMM calibration",
                           options: [
                            VocabularyOption("trials", .wholeNumber(RegimeStudy.trialCounts), meaning: "the number of trials", defaultValue: .number(5000), summary: "Monte Carlo trials"),
                            VocabularyOption("stocks", .wholeNumber(RegimeStudy.stockCounts), meaning: "the number of stocks", defaultValue: .number(500), summary: "stocks per trial"),
                            VocabularyOption("phi", .numbers(0.01...100), meaning: "the risk aversion phi", defaultValue: .numbers([1, 5, 25, 50]), summary: "risk aversions φ, each once"),
                            VocabularyOption("seed", .wholeNumber(0...9_000_000_000_000_000), meaning: "the seed", defaultValue: .number(7), summary: "the random seed (trial i uses its own)"),
                            VocabularyOption("history", .wholeNumber(RegimeStudy.historyLengths), meaning: "the months of history", unit: nil, defaultValue: .number(120), summary: "months of factor history behind the forecast"),
                            VocabularyOption("design", .words(["consistent", "paper"]), defaultValue: .word("consistent"),
                                             summary: "what the optimiser sees: `consistent` (the simulation's covariances) or `paper` (the published design; reads ff6_monthly.csv)"),
                           ]),
        ])

    public static let at = VocabularyStatement(
        "at", syntax: "at M",
        summary: "look at month M of the strategy's data as it is known at the end of M: binds the names below (with an objective, its solution `optimum`; with a regime model, `hmm`)")

    /// What a strategy writes for the month's risk model (`Sigma_f`, `E`) and sectors (`M`, `sector`).
    private static let riskInStrategy = "`risk` for the monthly active variance fᵀΣ_f f + (w − b)ᵀE(w − b), or `tev` for the annualised tracking error √(12·risk)"
    private static let sectorInStrategy = "`sector(\"NAME\")` for a sector's total weight"

    /// The names `at M` binds: the month's values, labelled by asset, sector and factor, known at the end
    /// of M. Stock level: with `allocate by sector` too, these are the assets (the solution's `w` is by sector).
    public static let monthNames: [VocabularyMonthName] = [
        VocabularyMonthName("assets", "the eligible assets at M (a return and a positive cap at M, no delisting in M, enough returns in the estimation window)", "names"),
        VocabularyMonthName("c", "market caps at M, by asset", "the data's units ($m for Ken French's and CRSP's)"),
        VocabularyMonthName("sector", "each asset's sector", "names", inStrategy: sectorInStrategy),
        VocabularyMonthName("M", "sector dummies, assets × sectors (sorted), a 1 where the asset belongs", "0 or 1", inStrategy: sectorInStrategy),
        VocabularyMonthName("F", "the factor model's loadings at M, (K+1) × assets, the intercept row `alpha` first (the strategy's B)", "per unit of factor",
                            inStrategy: "`f` for the active factor exposures F(w − b), as in `maximize mu'f`"),
        VocabularyMonthName("mu", "[1, mean factor returns] over the window, so that mu'F(w − b) is the expected active return", "monthly"),
        VocabularyMonthName("Sigma_f", "factor covariance over the window, (K+1) × (K+1) with the intercept's row and column zero, so that f'Σ_f f is the factor risk of f = F(w − b)", "monthly decimal²",
                            inStrategy: riskInStrategy),
        VocabularyMonthName("E", "residual variances, by asset", "monthly decimal²", inStrategy: riskInStrategy),
        VocabularyMonthName("b", "benchmark weights, by asset", "fractions"),
        VocabularyMonthName("w_before", "the weights held just before the rebalance (the last backtest's, drifted; 0 without one)", "fractions",
                            inStrategy: "`turnover` for Σ|w − w_before|"),
        VocabularyMonthName("R", "excess returns of the assets over the estimation window, months × assets (the last row is M)", "monthly decimals"),
        VocabularyMonthName("X", "factor returns over the estimation window, months × factors", "monthly decimals"),
        VocabularyMonthName("hmm", "with a regime model: the HMM fitted at M (means, covariances, transition, filtered and forecast probabilities, log-likelihood, BIC)", "record"),
        VocabularyMonthName("optimum", "with an objective: the strategy's problem solved at M (w, f, duals, the tracking-error budget's dual, risk decomposition, method; the last backtest's weights beside)", "record"),
    ]

    /// The name a session binds to a strategy's result once it ran (REPL and notebooks).
    public static let result = VocabularyMonthName(
        "backtest", "once a strategy ran in the session, its result (a sweep's: one per value, `backtest[\"tev = 3%\"]` or by position): returns, weights, benchmark_weights, exposures, risk, tev, turnover, metrics, regimes; `backtest[weights][2008-09]`",
        "record")

    /// The statement whose keyword is `keyword` (`maximize` or `minimize` for an objective).
    public static func statement(_ keyword: String) -> VocabularyStatement? {
        let word = keyword == "minimize" ? "maximize" : keyword
        return statements.first { $0.keyword == word }
    }

    /// The keywords that are parts of statements rather than statements: how they are written and what
    /// they mean.
    public static let connectives: [(word: String, syntax: String, summary: String)] = [
        ("s.t.", "… s.t. C1, label: C2", "starts the constraints, compared with ==, <= or >=; a label names one for `dual(label)`"),
        ("utility", "policy … utility crra(γ) | log", "the investor's utility for a parametric policy (default crra(5))"),
        ("to", "a to b by step", "a range, ends included: numbers or months"),
        ("by", "a to b by step", "the step of a range"),
        ("from", "rebalance monthly from M to M", "the first month of a schedule"),
    ]

    // MARK: Inside a strategy's objective and constraints

    /// The quantities of a rebalance, with their units and the largest plausible bound (a larger one is a
    /// forgotten `%`).
    public static let quantities: [VocabularyQuantity] = [
        VocabularyQuantity(.weights, summary: "portfolio weights (the decision)", unit: "fractions of the portfolio"),
        VocabularyQuantity(.benchmark, summary: "benchmark weights", unit: "fractions of the portfolio"),
        VocabularyQuantity(.expectedFactorReturns, summary: "expected factor returns [1, mean factor returns]", unit: "monthly"),
        VocabularyQuantity(.exposures, summary: "active factor exposures B(w − b), intercept first; `f[hml]` by name", unit: "per unit of factor"),
        VocabularyQuantity(.risk, summary: "ex-ante active variance fᵀΣ_f f + (w − b)ᵀE(w − b)", unit: "monthly variance (decimal²)",
                           plausible: PlausibleBound(largest: 1, what: "monthly active variance") { _ in
                               "`risk` is a monthly variance in decimal²: a 6% annual tracking error is `risk <= 0.0003`, or write `tev <= 6%`"
                           }),
        VocabularyQuantity(.trackingError, summary: "annualised ex-ante tracking error √(12·risk); `tev <= 6%` means risk ≤ 0.06²/12", unit: "annualised decimal, 6% = 0.06",
                           plausible: PlausibleBound(largest: 1, what: "annualised tracking error") { "did you mean \($0)%?" }),
        VocabularyQuantity(.turnover, summary: "Σ|w − w_before| at the rebalance; the book starts in cash, so `turnover <= x` applies from the second rebalance", unit: "fraction of the portfolio traded",
                           plausible: PlausibleBound(largest: 2, what: "turnover") { "did you mean \($0)%?" }),
    ]

    /// The quantity named `name` (`tev`), if any.
    public static func quantity(_ name: String) -> VocabularyQuantity? { quantities.first { $0.name == name } }

    /// Functions a strategy's objective and constraints may call beyond the built-ins.
    public static let strategyFunctions: [VocabularyForm] = [
        VocabularyForm("sector", summary: "a sector's total weight, e.g. `sector(\"Finance\") <= 25%`",
                       options: [VocabularyOption("", .text, summary: "the sector's name")]),
        VocabularyForm("regime_utility", summary: "certainty equivalent of next month's return under the regime mixture (concave; maximize)",
                       options: [VocabularyOption("phi", .number(0.01...100), meaning: "the risk aversion phi", summary: "φ per unit of monthly return")]),
        VocabularyForm("evar", summary: "entropic value at risk of next month's loss under the regime mixture (convex; minimize)",
                       options: [VocabularyOption("", .number(0...1, open: true), meaning: "the confidence level", summary: "e.g. 95%")]),
    ]

    /// Names visible inside a strategy's objective and constraints.
    public static var strategyNames: [String] { quantities.map(\.name) }

    // MARK: Derived views

    /// Words the REPL completes: every statement keyword, form, option word and strategy name.
    public static var words: [String] {
        var words = statements.map(\.keyword) + ["minimize", "maximize", "minimise", "maximise", "s.t.", "utility", "by", "from", "to"]
        for statement in statements {
            for form in statement.forms + (statement.secondary?.forms ?? []) {
                words.append(form.name)
                for option in form.options ?? [] {
                    if !option.label.isEmpty { words.append(option.label) }
                    words += option.value.words
                }
            }
        }
        words += strategyNames + strategyFunctions.map(\.name)
        return Array(Set(words)).sorted()
    }

    /// Lines for `:help`: each statement with its syntax and meaning, then the strategy quantities.
    public static var help: [String] {
        var lines = statements.flatMap { helpColumns($0.syntax, $0.summary, width: 38) }
        lines.append("Bound by `at M` (the month's values, known at the end of M):")
        for m in monthNames { lines += helpColumns(m.name, "\(m.summary) (\(m.unit))", width: 36, indent: "  ") }
        lines.append("Bound once a strategy ran:")
        lines += helpColumns(result.name, "\(result.summary) (\(result.unit))", width: 36, indent: "  ")
        lines.append("Inside a strategy's objective and constraints:")
        for q in quantities { lines += helpColumns(q.name, "\(q.summary) (\(q.unit))", width: 36, indent: "  ") }
        for f in strategyFunctions { lines += helpColumns(f.signature, f.summary, width: 36, indent: "  ") }
        return lines
    }

    /// The statement tables of Docs/language.md, generated: each statement with its forms (defaults shown)
    /// and meaning; each option with what it takes (type, range, unit), its default and meaning; the
    /// quantities and functions of an objective with their units.
    public static var markdownTable: String {
        /// A table cell: `|` would end it.
        func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
        var rows = ["| statement | forms | meaning |", "| --- | --- | --- |"]
        var options = ["| form | option | takes | default | meaning |", "| --- | --- | --- | --- | --- |"]
        for statement in statements {
            var forms = statement.forms.map { "`\($0.signature)`" }
            if let string = statement.string { forms.append("`\"…\"`: \(string)") }
            if let (word, secondary) = statement.secondary { forms.append("`\(word)` " + secondary.map { "`\($0.signature)`" }.joined(separator: ", ")) }
            rows.append("| \(cell("`\(statement.syntax)`")) | \(cell(forms.joined(separator: ", "))) | \(cell(statement.summary)) |")
            for form in statement.forms + (statement.secondary?.forms ?? []) {
                for option in form.options ?? [] {
                    let label = option.label.isEmpty ? "(positional)" : "`\(option.label):`"
                    options.append("| `\(form.name)` | \(label) | \(cell(option.takes)) | \(cell(option.defaultValue.map { "`\($0.text)`" } ?? "")) | \(cell(option.summary)) |")
                }
            }
        }
        var month = ["| bound by `at M` | unit | meaning |", "| --- | --- | --- |"]
        for m in monthNames { month.append("| `\(m.name)` | \(cell(m.unit)) | \(cell(m.summary)) |") }
        var inside = ["| inside an objective | unit | meaning |", "| --- | --- | --- |"]
        for q in quantities { inside.append("| `\(q.name)` | \(cell(q.unit)) | \(cell(q.summary)) |") }
        for f in strategyFunctions { inside.append("| `\(f.signature)` | | \(cell(f.summary)) |") }
        return [rows, options, month, inside].map { $0.joined(separator: "\n") }.joined(separator: "\n\n") + "\n"
    }
}

/// One statement of the language.
public struct VocabularyStatement: Sendable {
    public let keyword: String
    /// How it is written, e.g. `rebalance FREQUENCY [from M to M]`.
    public let syntax: String
    public let summary: String
    /// The forms its argument takes (empty for a statement that takes an expression).
    public let forms: [VocabularyForm]
    /// What a string in place of a form means (`universe "returns.csv"`), when one is accepted.
    public let string: String?
    /// A second keyword with its own forms (`policy … utility crra(5)`).
    public let secondary: (keyword: String, forms: [VocabularyForm])?

    init(_ keyword: String, syntax: String, summary: String, forms: [VocabularyForm] = [], string: String? = nil,
         secondary: (String, [VocabularyForm])? = nil) {
        self.keyword = keyword
        self.syntax = syntax
        self.summary = summary
        self.forms = forms
        self.string = string
        self.secondary = secondary.map { (keyword: $0.0, forms: $0.1) }
    }

    public func form(_ name: String) -> VocabularyForm? { forms.first { $0.name == name } }
    public var formNames: [String] { forms.map(\.name) }
}

/// A form of a statement's argument: a bare word (`mktcap`) or a call with options (`ols(window: …)`).
public struct VocabularyForm: Sendable {
    public let name: String
    public let summary: String
    /// nil for a bare word; otherwise the options it accepts (label "" for positional).
    public let options: [VocabularyOption]?

    init(_ name: String, summary: String, options: [VocabularyOption]? = nil) {
        self.name = name
        self.summary = summary
        self.options = options
    }

    public func option(_ label: String) -> VocabularyOption? { options?.first { $0.label == label } }

    /// How it is written with its defaults: `synthetic(stocks: 500, seed: 42, from: 1970-01, to: 2024-12)`.
    public var signature: String {
        guard let options else { return name }
        let parts = options.map { option -> String in
            let value = option.defaultValue?.text ?? option.value.placeholder
            return option.label.isEmpty ? value : "\(option.label): \(value)"
        }
        return "\(name)(\(parts.joined(separator: ", ")))"
    }
}

/// One option of a form: its label ("" when positional), what it takes, its unit, default and meaning.
public struct VocabularyOption: Sendable {
    /// What an option's value may be.
    public enum Value: Sendable {
        case wholeNumber(ClosedRange<Int>)
        /// A number in the range (`open`: the ends excluded).
        case number(ClosedRange<Double>, open: Bool = false)
        /// A number or a list of numbers, each in the range and listed once.
        case numbers(ClosedRange<Double>)
        case month
        /// `M to M`.
        case monthRange
        /// One of these words.
        case words([String])
        /// `expanding` or `rolling N` (N months in the range); with `plainNumber`, N alone is rolling too.
        case window(ClosedRange<Int>, example: String, plainNumber: Bool)
        /// A data file's name in quotes.
        case path
        /// A string in quotes (not a file).
        case text
        /// A database connection string in quotes (libpq's: a URL, `key=value` pairs, `service=NAME`), or
        /// the word `environment` for the `PG*` variables.
        case connection
        /// Positional, repeated: one of these words or a data file in quotes.
        case characteristics([String])

        /// The words it accepts.
        var words: [String] {
            switch self {
            case .words(let w), .characteristics(let w): return w
            case .window: return ["expanding", "rolling"]
            case .connection: return ["environment"]
            default: return []
            }
        }

        /// How the docs show a value of it without a default.
        var placeholder: String {
            switch self {
            case .wholeNumber, .number, .numbers: return "N"
            case .month: return "M"
            case .monthRange: return "M to M"
            case .words(let w): return w.joined(separator: " | ")
            case .window(_, let example, _): return "expanding | \(example)"
            case .path: return "\"FILE\""
            case .text: return "\"NAME\""
            case .connection: return "\"postgresql://…\" | environment"
            case .characteristics(let w): return (w + ["\"file.csv\""]).joined(separator: ", ")
            }
        }
    }

    /// A default, typed.
    public enum Default: Sendable {
        case number(Double)
        case numbers([Double])
        case month(Month)
        case monthRange(Month, Month)
        case word(String)
        /// A rolling window of this many months.
        case rolling(Int)

        var text: String {
            switch self {
            case .number(let x): return formatNumber(x)
            case .numbers(let xs): return "[" + xs.map { formatNumber($0) }.joined(separator: ", ") + "]"
            case .month(let m): return m.description
            case .monthRange(let a, let b): return "\(a) to \(b)"
            case .word(let w): return w
            case .rolling(let n): return "rolling \(n)"
            }
        }
    }

    public let label: String
    public let value: Value
    /// What the value is, for messages: "the number of regimes" (… is a whole number from 1 to 8).
    public let meaning: String?
    /// The unit of a number, for messages and docs ("months").
    public let unit: String?
    public let defaultValue: Default?
    /// How it is written, for the hint of an error (`utility crra(5)`).
    public let example: String?
    public let summary: String

    /// What the option takes, in words: "a whole number from 1 to 8", "`diag` or `full`".
    public var takes: String {
        let unitText = unit.map { " \($0)" } ?? ""
        func list(_ words: [String]) -> String {
            let quoted = words.map { "`\($0)`" }
            return quoted.count <= 1 ? quoted.joined() : quoted.dropLast().joined(separator: ", ") + " or " + quoted[quoted.count - 1]
        }
        switch value {
        case .wholeNumber(let range): return "a whole number from \(range.lowerBound) to \(range.upperBound)\(unitText)"
        case .number(let range, let open): return FormReader.describe(range, open: open) + unitText
        case .numbers(let range): return "numbers from \(formatNumber(range.lowerBound)) to \(formatNumber(range.upperBound)), each once"
        case .month: return "a month"
        case .monthRange: return "months `M to M`"
        case .words(let words): return list(words)
        case .window(let range, _, let plainNumber):
            return "`expanding` or `rolling N`\(plainNumber ? " (or N)" : ""), N from \(range.lowerBound) to \(range.upperBound)\(unitText)"
        case .path: return "a file name in quotes"
        case .text: return "a name in quotes"
        case .connection: return "a connection string in quotes (a URL, `key=value` pairs or `service=NAME`), or `environment` (the `PG*` variables)"
        case .characteristics(let words): return list(words + ["\"file.csv\""])
        }
    }

    init(_ label: String, _ value: Value, meaning: String? = nil, unit: String? = nil, defaultValue: Default? = nil,
         example: String? = nil, summary: String) {
        self.label = label
        self.value = value
        self.meaning = meaning
        self.unit = unit
        self.defaultValue = defaultValue
        self.example = example
        self.summary = summary
    }
}

/// A name `at M` binds, what it holds and its unit.
public struct VocabularyMonthName: Sendable {
    public let name: String
    public let summary: String
    public let unit: String
    /// What a strategy's objective and constraints write for it, where the month's names do not exist
    /// (`f` for `F(w − b)`), as the checker's hint says it; nil when the strategy has no such word.
    public let inStrategy: String?

    init(_ name: String, _ summary: String, _ unit: String, inStrategy: String? = nil) {
        self.name = name
        self.summary = summary
        self.unit = unit
        self.inStrategy = inStrategy
    }
}

/// A quantity of a rebalance as a program names it, with its unit and the largest value a bound on it can
/// plausibly take.
public struct VocabularyQuantity: Sendable {
    public let quantity: PortfolioQuantity
    public let summary: String
    public let unit: String
    public let plausible: PlausibleBound?
    public var name: String { quantity.rawValue }

    init(_ quantity: PortfolioQuantity, summary: String, unit: String, plausible: PlausibleBound? = nil) {
        self.quantity = quantity
        self.summary = summary
        self.unit = unit
        self.plausible = plausible
    }
}

/// The largest plausible bound on a quantity: a bound above it, written without `%`, is a forgotten `%`
/// (`tev <= 4` is a 400% tracking error), an error with a hint at `check`.
public struct PlausibleBound: Sendable {
    public let largest: Double
    /// What the quantity is, after a percentage ("annualised tracking error").
    public let what: String
    /// The hint, given the bound as written ("did you mean 4%?").
    public let hint: @Sendable (String) -> String

    init(largest: Double, what: String, hint: @escaping @Sendable (String) -> String) {
        self.largest = largest
        self.what = what
        self.hint = hint
    }
}

/// One `:help` entry in two columns: `key` padded to `width`, then `text`. A key as wide as the column or
/// wider is never cut: it takes its own line and the text starts the next, in the text's column.
func helpColumns(_ key: String, _ text: String, width: Int, indent: String = "") -> [String] {
    if key.count < width { return [indent + key.padding(toLength: width, withPad: " ", startingAt: 0) + " " + text] }
    return [indent + key, indent + String(repeating: " ", count: width) + " " + text]
}

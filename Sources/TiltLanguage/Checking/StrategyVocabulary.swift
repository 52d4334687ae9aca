/// The words a strategy statement understands, so that `tilt check` can validate a strategy without
/// loading data or solving. Each entry is a bare word (`mktcap`) or a call with its argument labels.
struct StrategyVocabulary {
    struct Form {
        let name: String
        /// `nil` for a bare word; otherwise the argument labels a call accepts (`""` for positional).
        let labels: [String]?
        /// Words accepted as option values (`window: expanding`, `covariance: diag`).
        var optionWords: [String: [String]] = [:]
    }

    let statement: String
    let forms: [Form]

    func form(_ name: String) -> Form? { forms.first { $0.name == name } }
    var words: [String] { forms.map(\.name) }

    static let universe = StrategyVocabulary(statement: "universe", forms: [
        Form(name: "crsp", labels: ["", "database", "sectors", "shares", "from", "to", "tables", "frequency"],
             optionWords: ["database": ["environment"], "sectors": ["sic", "ff12", "ff48"], "shares": ["common", "all"],
                           "tables": ["legacy", "ciz"], "frequency": ["monthly", "daily"]]),
        Form(name: "returns", labels: ["", "caps", "sectors"]),
        Form(name: "synthetic", labels: ["stocks", "seed", "from", "to", "sectors"]),
        Form(name: "kenfrench", labels: [""]),
    ])
    static let benchmark = StrategyVocabulary(statement: "benchmark", forms: [
        Form(name: "mktcap", labels: nil), Form(name: "equal", labels: nil), Form(name: "none", labels: nil),
        Form(name: "read", labels: [""]),
    ])
    static let model = StrategyVocabulary(statement: "model", forms: [
        Form(name: "ols", labels: ["window", "from", "min"], optionWords: ["window": ["expanding", "rolling"]]),
        Form(name: "regime", labels: ["states", "covariance", "horizon", "window", "from", "min"],
             optionWords: ["window": ["expanding", "rolling"], "covariance": ["diag", "full"]]),
    ])
    static let policy = StrategyVocabulary(statement: "policy", forms: [
        Form(name: "parametric", labels: ["", "window", "fit", "longonly"],
             optionWords: ["": ["size", "value", "momentum"], "window": ["rolling", "expanding"], "longonly": ["true", "false"]]),
    ])
    static let utility = StrategyVocabulary(statement: "utility", forms: [
        Form(name: "crra", labels: [""]), Form(name: "log", labels: nil),
    ])
    /// `experiment …`: the Monte Carlo studies.
    static let experiment = StrategyVocabulary(statement: "experiment", forms: [
        Form(name: "regime_study", labels: ["trials", "stocks", "phi", "seed", "history"]),
    ])
    static let rebalanceFrequencies = ["monthly", "quarterly", "annually"]
    static let allocationKeys = ["sector"]

    /// Names an objective or constraint of a strategy may use, with what they mean (for `:help`).
    static let objectiveNames: [(String, String)] = [
        ("w", "portfolio weights (decision variable)"),
        ("b", "benchmark weights"),
        ("mu", "expected factor returns [1, mean factor returns] (monthly)"),
        ("f", "active factor exposures Bᵀ(w − b), intercept first"),
        ("risk", "monthly active variance fᵀΣ_f f + (w − b)ᵀE(w − b)"),
        ("tev", "annualised ex-ante tracking error; `tev <= x` means risk <= x²/12"),
        ("turnover", "Σ|w − w_previous| at the rebalance"),
        ("regime_utility(phi: φ)", "certainty equivalent of next month's return under the regime mixture (maximize)"),
        ("evar(95%)", "entropic value at risk of next month's loss under the regime mixture (minimize)"),
    ]
    /// Functions an objective or constraint of a strategy may call beyond the built-ins.
    static let objectiveFunctions = ["sector", "regime_utility", "evar"]
}

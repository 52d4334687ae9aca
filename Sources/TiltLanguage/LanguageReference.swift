import TiltSyntax

/// The words of the language with a one-line doc each, for editors and notebooks (completion, hover,
/// `inspect`): keywords, built-in functions, the names a strategy's objective may use, and the words a
/// strategy statement understands. Read from the registries the checker uses (`Keyword`, `Builtins`,
/// `StrategyVocabulary`), so it cannot drift from them; statement docs are to come from the strategy
/// vocabulary table once there is one, here and nowhere else.
public enum LanguageReference {
    public enum Kind: String, Sendable {
        /// A reserved word (`let`, `universe`, `s.t.`, …).
        case keyword
        /// A built-in function (`inv`, `quad`, …).
        case builtin
        /// A name an objective or constraint of a strategy may use (`tev`, `mu`, `w`, …).
        case strategyName
        /// A function only a strategy's objective or constraints may call (`sector`, `evar`, …).
        case strategyFunction
        /// A word or call a strategy statement takes (`mktcap`, `ols(…)`, `monthly`, …).
        case statementWord
    }

    public struct Entry: Sendable, Equatable {
        public let name: String
        public let kind: Kind
        /// How it is written: `inv(A)`, `tev <= x`, `model ols(window:, from:)`.
        public let signature: String
        /// What it means, with units where it has them.
        public let summary: String
    }

    /// Every word, in a stable order (keywords, built-ins, strategy names, statement words). A word may
    /// appear more than once (`model` is a keyword and a sweep's name; `log` a built-in and a utility).
    public static let entries: [Entry] = keywordEntries + builtinEntries + strategyEntries + statementEntries

    /// The entries for a word as written.
    public static func entries(named name: String) -> [Entry] {
        entries.filter { $0.name == name }
    }

    /// The words a strategy's objective and constraints may use beyond the program's own names.
    public static var strategyNames: Set<String> {
        Set(entries.filter { $0.kind == .strategyName || $0.kind == .strategyFunction }.map(\.name))
    }

    private static let keywordEntries: [Entry] = Keyword.allCases.map { k in
        Entry(name: k.rawValue, kind: .keyword, signature: keywordSignature(k), summary: keywordSummary(k))
    }

    private static func keywordSignature(_ k: Keyword) -> String {
        switch k {
        case .let: return "let NAME = EXPR"
        case .var: return "var NAME[n] | var NAME[r, c] | var NAME[n] >= 0"
        case .solve: return "solve minimize|maximize EXPR s.t. C1, C2"
        case .minimize, .maximize: return "\(k.rawValue) EXPR s.t. C1, C2"
        case .subjectTo: return "… s.t. C1, label: C2"
        case .universe: return "universe crsp | kenfrench(\"file\") | synthetic(…) | \"returns.csv\""
        case .factors: return "factors \"file.csv\""
        case .benchmark: return "benchmark mktcap | equal | none | read(\"weights.csv\")"
        case .model: return "model ols(…) | regime(…); model in [regime(states: 2), ols]"
        case .allocate: return "allocate by sector"
        case .rebalance: return "rebalance monthly|quarterly|annually from M to M"
        case .costs: return "costs 10bps"
        case .crisis: return "crisis \"name\" M to M"
        case .policy: return "policy parametric(…) utility crra(γ)"
        case .utility: return "policy … utility crra(γ) | log"
        case .in: return "NAME in VALUES"
        case .to, .by: return "a to b by step"
        case .from: return "rebalance monthly from M to M"
        case .print: return "print EXPR"
        case .experiment: return "experiment regime_study(…)"
        }
    }

    private static func keywordSummary(_ k: Keyword) -> String {
        switch k {
        case .let: return "binds a name to a value"
        case .var: return "declares an optimisation variable (at most 1,000,000 entries); a bound joins every problem that uses it"
        case .solve: return "solves one convex problem now; then each variable reads as its value, `status`, `optval` and `dual(label)` are set"
        case .minimize: return "a strategy's objective, solved at every rebalance (after `solve`: a problem solved now)"
        case .maximize: return "a strategy's objective, solved at every rebalance (after `solve`: a problem solved now)"
        case .subjectTo: return "starts the constraints, compared with ==, <= or >=; a label names one for `dual(label)`"
        case .universe: return "the assets a strategy may hold and their monthly returns"
        case .factors: return "the factor returns file (Ken French or tidy: month, factors…, rf; monthly decimals)"
        case .benchmark: return "the benchmark weights b at each rebalance"
        case .model: return "the factor model estimated at each rebalance from data up to that month"
        case .allocate: return "optimise sector weights, cap-weighted inside each sector"
        case .rebalance: return "how often and over which months the strategy rebalances (weights set at the end of T earn T+1)"
        case .costs: return "transaction costs per unit of turnover (10bps = 0.001)"
        case .crisis: return "a named window of months whose returns the report shows apart"
        case .policy: return "a parametric portfolio policy (Brandt, Santa-Clara & Valkanov 2009)"
        case .utility: return "the investor's utility for a parametric policy (default crra(5))"
        case .in: return "a sweep: one backtest per value, side by side"
        case .to: return "a range, ends included: numbers or months"
        case .by: return "the step of a range"
        case .from: return "the first month of a schedule"
        case .print: return "prints a value"
        case .experiment: return "runs a Monte Carlo study now and prints its table"
        }
    }

    private static let builtinEntries: [Entry] = Builtins.all.sorted { $0.name < $1.name }.map {
        Entry(name: $0.name, kind: .builtin, signature: $0.signature, summary: $0.summary)
    } + [Entry(name: "dual", kind: .builtin, signature: "dual(label)",
               summary: "the multiplier of the constraint labelled `label` in the last solve (CVXPY's signs)")]

    private static let strategyEntries: [Entry] = StrategyVocabulary.objectiveNames.map { written, meaning in
        let name = String(written.prefix { $0 != "(" })
        let isFunction = StrategyVocabulary.objectiveFunctions.contains(name)
        return Entry(name: name, kind: isFunction ? .strategyFunction : .strategyName, signature: written, summary: meaning)
    } + StrategyVocabulary.objectiveFunctions.filter { f in !StrategyVocabulary.objectiveNames.contains { $0.0.hasPrefix(f) } }.map {
        Entry(name: $0, kind: .strategyFunction, signature: "\($0)(\"name\")", summary: "the portfolio's total weight in a sector (objective and constraints)")
    }

    private static let statementEntries: [Entry] = {
        let vocabularies: [StrategyVocabulary] = [.universe, .benchmark, .model, .policy, .utility, .experiment]
        var entries: [Entry] = vocabularies.flatMap { vocabulary in
            vocabulary.forms.map { form in
                let call = form.labels.map { labels in
                    "(" + labels.map { $0.isEmpty ? "…" : "\($0):" }.joined(separator: ", ") + ")"
                } ?? ""
                let options = form.optionWords.sorted { $0.key < $1.key }.map { label, words in
                    "\(label.isEmpty ? "values" : label): \(words.joined(separator: " | "))"
                }
                return Entry(name: form.name, kind: .statementWord, signature: "\(vocabulary.statement) \(form.name)\(call)",
                             summary: "a form of `\(vocabulary.statement)`" + (options.isEmpty ? "" : "; " + options.joined(separator: "; ")))
            }
        }
        entries += StrategyVocabulary.rebalanceFrequencies.map {
            Entry(name: $0, kind: .statementWord, signature: "rebalance \($0)", summary: "a rebalancing frequency")
        }
        entries += StrategyVocabulary.allocationKeys.map {
            Entry(name: $0, kind: .statementWord, signature: "allocate by \($0)", summary: "an allocation key")
        }
        return entries
    }()
}

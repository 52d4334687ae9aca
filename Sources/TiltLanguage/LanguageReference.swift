import TiltSyntax

/// The words of the language with a one-line doc each, for editors and notebooks (completion, hover,
/// `inspect`): keywords, built-in functions, the names a strategy's objective may use, and the words a
/// strategy statement understands. Read from the registries the checker and the lowering use (`Keyword`,
/// `Builtins`, `Vocabulary`), so it cannot drift from them.
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

    /// Each keyword with its statement's syntax and meaning from the vocabulary (or, for a keyword that is
    /// part of a statement, its own row there).
    private static let keywordEntries: [Entry] = Keyword.allCases.map { k in
        if let statement = Vocabulary.statement(k.rawValue) {
            return Entry(name: k.rawValue, kind: .keyword, signature: statement.syntax, summary: statement.summary)
        }
        let connective = Vocabulary.connectives.first { $0.word == k.rawValue }
        return Entry(name: k.rawValue, kind: .keyword, signature: connective?.syntax ?? k.rawValue, summary: connective?.summary ?? "")
    }

    private static let builtinEntries: [Entry] = Builtins.all.sorted { $0.name < $1.name }.map {
        Entry(name: $0.name, kind: .builtin, signature: $0.signature, summary: $0.summary)
    } + [Entry(name: "dual", kind: .builtin, signature: "dual(label)",
               summary: "the multiplier of the constraint labelled `label` in the last solve (CVXPY's signs)")]

    private static let strategyEntries: [Entry] = Vocabulary.quantities.map {
        Entry(name: $0.name, kind: .strategyName, signature: $0.name, summary: "\($0.summary) (\($0.unit))")
    } + Vocabulary.strategyFunctions.map {
        Entry(name: $0.name, kind: .strategyFunction, signature: $0.signature, summary: $0.summary)
    }

    /// The forms strategy statements take (`mktcap`, `ols(…)`, `monthly`, …), each with its options.
    private static let statementEntries: [Entry] = Vocabulary.strategyStatements.flatMap { statement in
        (statement.forms + (statement.secondary?.forms ?? [])).map { form in
            let options = (form.options ?? []).map { "\($0.label.isEmpty ? "values" : $0.label): \($0.takes)" }
            return Entry(name: form.name, kind: .statementWord, signature: "\(statement.keyword) \(form.signature)",
                         summary: form.summary + (options.isEmpty ? "" : "; " + options.joined(separator: "; ")))
        }
    } + Vocabulary.experiment.forms.map {
        Entry(name: $0.name, kind: .statementWord, signature: "experiment \($0.signature)", summary: $0.summary)
    }
}

import TiltLanguage

/// What an editor or a notebook offers about a word: completion candidates and the word's documentation,
/// from `LanguageReference` (the language's own registries) and the names a program or session binds.
public enum WordHelp {
    public struct Candidate: Sendable, Equatable {
        public enum Kind: String, Sendable { case keyword, function, variable, strategyName, statementWord, command }
        public let name: String
        public let kind: Kind
        /// A short line shown beside the name: a signature or a type.
        public let detail: String
        public let documentation: String
    }

    /// The candidates starting with `prefix`: the session's or document's names (with their detail), then
    /// the language's words, each name once, sorted.
    public static func candidates(prefix: String, names: [(name: String, detail: String)]) -> [Candidate] {
        var seen: Set<String> = []
        var result: [Candidate] = []
        for (name, detail) in names where name.hasPrefix(prefix) && seen.insert(name).inserted {
            result.append(Candidate(name: name, kind: .variable, detail: detail, documentation: ""))
        }
        for entry in LanguageReference.entries where entry.name.hasPrefix(prefix) && seen.insert(entry.name).inserted {
            result.append(Candidate(name: entry.name, kind: kind(of: entry.kind), detail: entry.signature, documentation: entry.summary))
        }
        return result.sorted { $0.name < $1.name }
    }

    private static func kind(of kind: LanguageReference.Kind) -> Candidate.Kind {
        switch kind {
        case .keyword: return .keyword
        case .builtin, .strategyFunction: return .function
        case .strategyName: return .strategyName
        case .statementWord: return .statementWord
        }
    }

    /// Markdown documenting a language word (every meaning it has), or nil for a word the language does
    /// not define.
    public static func documentation(for word: String) -> String? {
        let entries = LanguageReference.entries(named: word)
        guard !entries.isEmpty else { return nil }
        return entries.map { entry in
            "`\(entry.signature)` — \(entry.summary) *(\(description(of: entry.kind)))*"
        }.joined(separator: "\n\n")
    }

    /// The same as plain text (a notebook's inspector, a terminal).
    public static func plainDocumentation(for word: String) -> String? {
        let entries = LanguageReference.entries(named: word)
        guard !entries.isEmpty else { return nil }
        return entries.map { "\($0.signature)\n    \($0.summary) (\(description(of: $0.kind)))" }.joined(separator: "\n")
    }

    private static func description(of kind: LanguageReference.Kind) -> String {
        switch kind {
        case .keyword: return "keyword"
        case .builtin: return "built-in function"
        case .strategyName: return "strategy objective and constraints"
        case .strategyFunction: return "function of a strategy's objective and constraints"
        case .statementWord: return "strategy statement"
        }
    }
}

import Foundation
import Testing
@testable import TiltLanguage
import TiltPortfolio
import TiltSyntax

/// Docs/language.md's statement table is the vocabulary's, generated (`Vocabulary.markdownTable`): the two
/// are kept equal. To update the doc after changing the table, run the tests with TILT_UPDATE_DOCS=1.
@Test func theLanguageDocumentsTheVocabularyTable() throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Docs/language.md")
    let text = try String(contentsOf: url, encoding: .utf8)
    let open = "<!-- vocabulary: generated from Vocabulary.markdownTable -->\n", close = "<!-- /vocabulary -->"
    let start = try #require(text.range(of: open), "Docs/language.md has no vocabulary table")
    let end = try #require(text.range(of: close, range: start.upperBound..<text.endIndex))
    let documented = String(text[start.upperBound..<end.lowerBound])
    if ProcessInfo.processInfo.environment["TILT_UPDATE_DOCS"] == "1", documented != Vocabulary.markdownTable {
        try (text[..<start.upperBound] + Vocabulary.markdownTable + text[end.lowerBound...]).write(to: url, atomically: true, encoding: .utf8)
    }
    #expect(documented == Vocabulary.markdownTable, "Docs/language.md's table differs from Vocabulary.markdownTable")
}

/// The parser tells a swept bound from a swept parameter in its hint for a sweep written inside a constraint
/// (`Parser.sweptBounds`): its bounds are the quantities the lowering bounds when swept, those with a
/// plausible bound.
@Test func theParsersSweptBoundsAreTheQuantitiesASweepBounds() {
    #expect(Parser.sweptBounds == Set(Vocabulary.quantities.filter { $0.plausible != nil }.map(\.name)))
}

/// Every strategy statement of the parser is in the table, every quantity of the portfolio layer too, and
/// every word the table lists is completed by the REPL.
@Test func theVocabularyCoversTheLanguage() {
    let keywords = Set(Vocabulary.statements.map(\.keyword))
    for keyword in ["universe", "factors", "benchmark", "model", "policy", "allocate", "rebalance", "costs", "crisis", "experiment",
                    "let", "var", "solve", "print", "maximize", "in"] {
        #expect(keywords.contains(keyword), "\(keyword)")
    }
    #expect(Set(Vocabulary.quantities.map(\.quantity)) == Set(PortfolioQuantity.allCases))
    let words = Set(Session(output: { _ in }).completionWords)
    for word in ["kenfrench", "synthetic", "mktcap", "regime", "covariance", "expanding", "rolling", "parametric", "crra",
                 "quarterly", "regime_study", "tev", "turnover", "sector", "evar", "maximise"] {
        #expect(words.contains(word), "\(word)")
    }
    // Defaults shown in the docs are the ones the lowering uses.
    #expect(Vocabulary.universe.form("synthetic")?.signature == "synthetic(stocks: 500, seed: 42, from: 1970-01, to: 2024-12)")
    #expect(Vocabulary.experiment.form("regime_study")?.signature == "regime_study(trials: 5000, stocks: 500, phi: [1, 5, 25, 50], seed: 7, history: 120, design: consistent)")
}

/// The help lines name every statement.
@Test func helpListsEveryStatement() {
    let help = Vocabulary.help.joined(separator: "\n")
    for statement in Vocabulary.statements { #expect(help.contains(statement.summary), "\(statement.keyword)") }
}

/// `:help` shows every statement's syntax and every function's signature whole: one wider than its column
/// (`solve[(OPTIONS)] minimize EXPR s.t. C1, C2`, `format(x) | format(x, digits: n)`) takes its own line
/// rather than being cut and run into its meaning.
@Test func helpShowsEverySignatureWhole() {
    let help = Vocabulary.help
    for statement in Vocabulary.statements {
        #expect(help.contains { $0 == statement.syntax || $0.hasPrefix(statement.syntax + " ") }, "\(statement.syntax)")
    }
    #expect(help.contains("solve[(OPTIONS)] minimize EXPR s.t. C1, C2"))
    let builtins = Builtins.help
    for builtin in Builtins.all {
        #expect(builtins.contains { $0 == builtin.signature || $0.hasPrefix(builtin.signature + " ") }, "\(builtin.signature)")
        #expect(builtins.contains { $0.hasSuffix(" " + builtin.summary) }, "\(builtin.name)")
    }
}

import Foundation
import TiltLinearAlgebra
@testable import TiltSyntax

/// The programs the grammar and fuzz tests start from: every Examples/*.tilt file (read at run time) and
/// small inline programs that, together, use every construct of the language.
enum GrammarCorpus {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let grammarText: String = {
        (try? String(contentsOf: repositoryRoot.appendingPathComponent("Grammar/tilt.ebnf"), encoding: .utf8)) ?? ""
    }()

    /// The texts a quoted terminal of the grammar may have: keywords and punctuation.
    static let tokenTexts: Set<String> =
        Set(Keyword.allCases.map(\.rawValue)).union(TokenKind.punctuationText.values)

    static func loadGrammar() throws -> EBNFGrammar {
        try EBNFGrammar(text: grammarText, knownTokens: tokenTexts)
    }

    static func recognizer() throws -> GrammarRecognizer {
        GrammarRecognizer(grammar: try loadGrammar(), sideConditions: ["matrix": matrixRowsHaveEqualLength])
    }

    /// `Examples/*.tilt`, sorted by name; empty when the folder does not exist yet.
    static func examples() -> [(name: String, text: String)] {
        let folder = repositoryRoot.appendingPathComponent("Examples")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".tilt") }.sorted().compactMap { name in
            let text = try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            return text.map { ("Examples/" + name, $0) }
        }
    }

    /// Examples and inline programs, named for failure messages.
    static func all() -> [(name: String, text: String)] {
        examples() + inline.enumerated().map { ("inline #\($0.offset)", $0.element) }
    }

    static let inline: [String] = [
        // A strategy: every strategy statement, labelled arguments, applied names, ranges of months.
        """
        # Factor-tilted portfolio under a tracking-error budget
        universe synthetic(stocks: 500, seed: 42, from: 1970-01, to: 2024-12)
        factors "ff6_monthly.csv"
        benchmark read("w.csv")
        model ols(window: rolling 120, from: 1963-07)
        allocate by sector
        costs 10bps
        crisis "GFC" 2007-10 to 2009-03
        gamma in 10 to 100 by 10
        maximize mu'f - gamma * risk s.t. tev <= 6%, w >= 0, |w - b| <= 2%, sector("Finance") <= 25%, |f[hml]| <= 0.2
        rebalance monthly from 1993-12 to 2024-11
        policy parametric(size, value, momentum) utility crra(5)
        """,
        // Solving now: variables, bounds, labels, continuation after operators, `s.t.`, `,` and `:`.
        """
        var w[3] >= 0
        var z[2, n] <= 1
        var t
        solve minimize x'S x +
            0.5 * sumsq(w) s.t.
            budget:
                sum(w) == 1,
            w >= 0
        solve maximize
            mu'w s.t. cap: w <= 10%
        solve(tol_feas: 1e-10, tol_gap: 1e-10,
              max_iter: 500) minimize sumsq(w)
        minimize risk
        print w
        """,
        // Expressions: every operator, literal, index form, matrices, absolute value, transposes.
        """
        let M = dummies(sector); let W = diag(c) * M * inv(diag(c' * M))
        let m = [1, 2; 3, 4]
        let e = []
        m[1, :]
        m[1:2, 2]
        F[hml]
        let r = 1% to
            10% by
            0.5%
        let d = 2024-12-31
        print -x^2 ./ y .* z .^ 2 / 3 != 1
        let q = 2^-1 + +1 - (2 + 3)
        let c = a < b; let c2 = a > b; let c3 = a >= b; let c4 = a == b
        let v = (c' * M)' / sum(c)
        let s = x' [1, 2] + x' (y) + x'2 + (x')y + x''
        let g = f(a: 1, b: rolling (2), c: window [3], d: (h) 4, to: 5)
        """,
        // Calls and indexing without spaces, nested; an indexed call; an empty call; strings with escapes.
        """
        let p = f(g(h[1])[2])'
        let k = today()
        let sweep = "text with \\"escapes\\"\\n"
        lag(x, 1) ./ |y - z|
        """,
        // Comments everywhere, including inside brackets and multi-line statements.
        """
        # heading

        let weights = [0.5, # first
            0.5]  # trailing
        maximize mu'w s.t. # constraints follow
            w >= 0, # long only
            sum(w) == 1
        let half = (0.5 # inside parentheses
        )
        """,
    ]
}

/// The project's SplitMix64, so random tests are reproducible.
typealias SeededGenerator = SplitMix64

/// Random token-level edits of a program: a token deleted, duplicated, swapped, replaced or inserted, or
/// the whitespace before it added or removed. The text between tokens (spaces, comments) is kept.
enum TokenMutator {
    /// Token texts used for replacements and insertions, spanning every token kind.
    static let vocabulary: [String] =
        Keyword.allCases.map(\.rawValue) + TokenKind.punctuationText.values.sorted()
        + ["x", "w", "f", "mu", "1", "2.5", "6%", "25bps", "1994-01", "2024-12-31", "\"s\"", "\n"]

    /// One to three random edits of `text`.
    static func mutate(_ text: [UInt8], using rng: inout SeededGenerator) -> [UInt8] {
        let tokens = Lexer.tokenize(SourceFile(name: "m", bytes: text)).tokens
        // Pieces: (whitespace/comments before the token, the token's text); the end-of-file token keeps
        // the trailing text.
        var pieces: [(gap: [UInt8], body: [UInt8])] = []
        var previousEnd = 0
        for token in tokens {
            let range = token.range
            pieces.append((Array(text[previousEnd..<range.start]), Array(text[range.start..<range.end])))
            previousEnd = token.range.end
        }
        let trailing = pieces.removeLast()
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            let i = pieces.isEmpty ? 0 : Int.random(in: 0..<pieces.count, using: &rng)
            let word = Array(vocabulary.randomElement(using: &rng)!.utf8)
            let gap: [UInt8] = [[], [UInt8(ascii: " ")], [UInt8(ascii: "\n")]].randomElement(using: &rng)!
            switch (pieces.isEmpty, Int.random(in: 0..<6, using: &rng)) {
            case (true, _), (false, 0): pieces.insert((gap, word), at: i)
            case (false, 1): pieces.remove(at: i)
            case (false, 2): pieces.insert(pieces[i], at: i)
            case (false, 3):
                let j = Bool.random(using: &rng)
                    ? min(i + 1, pieces.count - 1) : Int.random(in: 0..<pieces.count, using: &rng)
                (pieces[i].body, pieces[j].body) = (pieces[j].body, pieces[i].body)
            case (false, 4): pieces[i].body = word
            default: pieces[i].gap = pieces[i].gap.isEmpty ? [UInt8(ascii: " ")] : []
            }
        }
        return pieces.flatMap { $0.gap + $0.body } + trailing.gap
    }
}

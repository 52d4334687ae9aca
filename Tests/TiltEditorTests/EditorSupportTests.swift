import Foundation
import Testing
import TiltEditorSupport
import TiltLanguage
import TiltSyntax

struct TextPositionsTests {
    /// "a🎉b" (🎉 is 4 bytes, 2 UTF-16 units, 1 code point), "価" (3 bytes, 1 unit), "é" as e + U+0301
    /// (1 + 2 bytes, 2 units, 2 code points), then a CRLF and a lone CR as line ends.
    let text = "a🎉b価e\u{301}x\r\nsecond\rthird"

    @Test func utf16PositionsOfBytes() {
        let p = TextPositions(text)
        #expect(p.lineCount == 3)
        let bytes = Array(text.utf8)
        // Byte offsets of each character start on line 0, with the UTF-16 column expected there.
        let expected: [(Int, Int)] = [(0, 0), (1, 1), (5, 3), (6, 4), (9, 5), (10, 6), (12, 7), (13, 8)]
        for (byte, column) in expected {
            #expect(p.utf16Position(ofByte: byte) == (0, column), "byte \(byte)")
            #expect(p.byteOffset(line: 0, utf16Character: column) == byte, "column \(column)")
        }
        #expect(bytes[13] == UInt8(ascii: "\r"))
        #expect(p.utf16Position(ofByte: 15) == (1, 0))
        #expect(p.byteOffset(line: 2, utf16Character: 2) == Array("a🎉b価e\u{301}x\r\nsecond\rth".utf8).count)
        #expect(p.utf16Length(ofLine: 0) == 8)
        #expect(p.utf16Length(ofLine: 1) == 6)
    }

    @Test func clampsAndRoundsDown() {
        let p = TextPositions(text)
        // Inside 🎉's surrogate pair: the start of 🎉.
        #expect(p.byteOffset(line: 0, utf16Character: 2) == 1)
        // Past the line's end: its end (before the CRLF); past the text: its end.
        #expect(p.byteOffset(line: 0, utf16Character: 1000) == 13)
        #expect(p.byteOffset(line: 99, utf16Character: 0) == Array(text.utf8).count)
        #expect(p.byteOffset(line: -1, utf16Character: 5) == 0)
        #expect(p.utf16Position(ofByte: -5) == (0, 0))
        #expect(p.utf16Position(ofByte: 1 << 40) == (2, 5))
    }

    @Test func codePoints() {
        let p = TextPositions(text)
        #expect(p.codePointOffset(ofByte: 5) == 2)   // after "a🎉"
        #expect(p.codePointOffset(ofByte: 12) == 6)  // after "a🎉b価e◌́"
        #expect(p.byteOffset(ofCodePoint: 2) == 5)
        #expect(p.byteOffset(ofCodePoint: 6) == 12)
        #expect(p.byteOffset(ofCodePoint: 10_000) == Array(text.utf8).count)
        // Foundation's own count of code points agrees.
        #expect(p.codePointOffset(ofByte: Array(text.utf8).count) == text.unicodeScalars.count)
    }
}

struct JSONValueTests {
    @Test func roundTripsAndEscapes() throws {
        let value: JSONValue = ["a": [1, 2.5, -3e-7, true, nil], "s": "quote \" back \\ tab \t nl \n ctl \u{1} 🎉 \u{2028}", "n": 1e300]
        let text = value.serialized
        #expect(!text.contains("\u{1}") && !text.contains("\u{2028}"))
        #expect(JSONValue.parse(Array(text.utf8)) == value)
        #expect(JSONValue.int(3).serialized == "3")
        #expect(JSONValue.number(.nan).serialized == "null")
    }

    @Test func rejectsNonJSONAndTrapsOnNothing() {
        for bad in ["", "{", "[1 2]", "{\"a\" 1}", String(repeating: "[", count: 100_000), "\u{FFFF}"] {
            #expect(JSONValue.parse(Array(bad.utf8)) == nil, "\(bad.prefix(20))")
        }
        #expect(JSONValue.number(1e300).int == nil)
        #expect(JSONValue.number(0.5).int == nil)
        #expect(JSONValue.number(-4).int == -4)
    }
}

struct EditorSupportTests {
    @Test func entryCompleteness() {
        #expect(EntryCompleteness.of("let x = [1, 2") == .incomplete)
        #expect(EntryCompleteness.of("maximize mu'f s.t.") == .incomplete)
        #expect(EntryCompleteness.of("let y = 1 +") == .incomplete)
        #expect(EntryCompleteness.of("let y = 1") == .complete)
        #expect(EntryCompleteness.of("let = 2") == .invalid)
        #expect(EntryCompleteness.of("") == .complete)
    }

    @Test func completionOffersNamesAndWords() {
        let candidates = WordHelp.candidates(prefix: "t", names: [(name: "total", detail: "let total")])
        #expect(candidates.map(\.name).contains("total"))
        #expect(candidates.first { $0.name == "tev" }?.kind == .strategyName)
        #expect(candidates.first { $0.name == "to" }?.kind == .keyword)
        #expect(candidates.first { $0.name == "transpose" }?.kind == .function)
        #expect(Set(candidates.map(\.name)).count == candidates.count)
    }

    @Test func staticValuesStayCheap() {
        let analysis = DocumentAnalysis(name: "t", text: """
        let n = 3
        let A = eye(n)
        let B = eye(3) * 2
        let C = ones(100000, 100000)
        let D = read("x.csv")
        let E = B + 1
        let F = 1 to 1e9
        """)
        let values = StaticValues(analysis)
        #expect(values.known == ["n", "B", "E"])
        if case .matrix(let m)? = values.value(of: "E") { #expect(m.storage == [3, 1, 1, 1, 3, 1, 1, 1, 3]) } else { Issue.record("E") }
    }

    /// A name `at M` binds shows, on hover, what it holds and its unit from the vocabulary.
    @Test func hoverOnAMonthViewNameShowsItsMeaningAndUnit() throws {
        let text = "at 2008-09\nlet s = Sigma_f\n"
        let analysis = DocumentAnalysis(name: "t.tilt", text: text)
        let offset = try #require(Array(text.utf8).firstRange(of: Array("Sigma_f".utf8))).lowerBound + 2
        let sigma = try #require(Vocabulary.monthNames.first { $0.name == "Sigma_f" })
        let hover = try #require(analysis.hover(at: offset))
        #expect(hover.markdown.contains(sigma.summary) && hover.markdown.contains(sigma.unit), "\(hover.markdown)")
    }

    /// `solve(tol_feas: …)`: the options are coloured as labels, the keyword stays a keyword, a hover on it
    /// is still about the objective, and a misspelt option is a diagnostic at its label, as `tilt check` says.
    @Test func solveOptionsAreLabelsToTheEditor() throws {
        let text = "var w[2] >= 0\nsolve(tol_feas: 1e-10, max_iter: 50) minimize sumsq(w) s.t. sum(w) == 1\n"
        let analysis = DocumentAnalysis(name: "t.tilt", text: text)
        #expect(analysis.diagnostics.isEmpty, "\(analysis.diagnostics)")
        let bytes = Array(text.utf8)
        func token(_ word: String) throws -> SemanticToken {
            let start = try #require(bytes.firstRange(of: Array(word.utf8))).lowerBound
            return try #require(analysis.semanticTokens.first { $0.range.start == start }, "\(word)")
        }
        #expect(try token("tol_feas").kind == .parameter)
        #expect(try token("max_iter").kind == .parameter)
        #expect(try token("solve").kind == .keyword)
        #expect(try token("1e-10").kind == .number)
        let solve = try #require(bytes.firstRange(of: Array("solve".utf8))).lowerBound
        let hover = try #require(analysis.hover(at: solve + 1))
        #expect(hover.markdown.hasPrefix("`sumsq(w)`"), "\(hover.markdown)")
        let misspelt = DocumentAnalysis(name: "t.tilt", text: text.replacingOccurrences(of: "tol_feas", with: "tol_fes"))
        try #require(misspelt.diagnostics.count == 1)
        #expect(misspelt.diagnostics[0].message == "`solve` has no option `tol_fes`")
        #expect(misspelt.diagnostics[0].hint == "did you mean `tol_feas`?")
        #expect(misspelt.diagnostics[0].range == SourceRange(start: solve + 6, end: solve + 13))
    }

    /// The TextMate grammar's word lists are the language's: its keywords, built-ins and strategy words.
    @Test func textMateGrammarKnowsTheVocabulary() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Grammar/tilt.tmLanguage.json")
        let grammar = try #require(JSONValue.parse(try Data(contentsOf: url)))
        func words(_ rule: String) throws -> Set<String> {
            let match = try #require(grammar["repository"]?[rule]?["match"]?.string, "rule \(rule)")
            let start = try #require(match.range(of: "(?:"))
            let end = try #require(match[start.upperBound...].firstIndex(of: ")"))
            return Set(match[start.upperBound..<end].split(separator: "|").map(String.init))
        }
        let entries = LanguageReference.entries
        func names(_ kind: LanguageReference.Kind) -> Set<String> { Set(entries.filter { $0.kind == kind }.map(\.name)) }
        let keywords = Set(Keyword.allCases.map(\.rawValue) + Keyword.alternativeSpellings.keys).subtracting([Keyword.subjectTo.rawValue])
        #expect(try words("keywords").union(try words("strategy-keywords")) == keywords)
        #expect(try words("keywords").isDisjoint(with: try words("strategy-keywords")))
        #expect(grammar["repository"]?["subject-to"]?["match"]?.string == "\\bs\\.t\\.")
        #expect(try words("builtins") == names(.builtin))
        #expect(try words("strategy-names") == names(.strategyName))
        #expect(try words("strategy-functions") == names(.strategyFunction))
        let statementWords = try words("statement-words")
        #expect(statementWords.isSubset(of: names(.statementWord)))
        #expect(names(.statementWord).subtracting(statementWords).isSubset(of: names(.builtin).union(names(.strategyFunction))))
    }
}

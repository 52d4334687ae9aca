import Testing
@testable import TiltSyntax

private func kinds(_ text: String) -> [TokenKind] {
    Lexer.tokenize(SourceFile(name: "t", text: text)).tokens.map(\.kind)
}

@Test func literalsDecodeToDecimalUnits() {
    #expect(kinds("6% 25bps 0.5% 1e-3 42") ==
        [.percent(0.06), .basisPoints(0.0025), .percent(0.005), .number(0.001), .number(42), .endOfFile])
}

@Test func monthsAndDates() {
    #expect(kinds("1994-01 2024-12-31") == [.month(year: 1994, month: 1), .date(year: 2024, month: 12, day: 31), .endOfFile])
    #expect(kinds("2000 - 12") == [.number(2000), .minus, .number(12), .endOfFile])
}

@Test func badMonthIsReportedWithAHint() {
    let out = Lexer.tokenize(SourceFile(name: "t", text: "let m = 2000-13"))
    #expect(out.diagnostics.count == 1)
    #expect(out.diagnostics[0].message == "month 13 does not exist")
    #expect(out.diagnostics[0].hint?.contains("2000 - 13") == true)
}

@Test func subjectToAndTranspose() {
    #expect(kinds("mu'f s.t. x") == [.identifier("mu"), .apostrophe, .identifier("f"), .keyword(.subjectTo), .identifier("x"), .endOfFile])
}

@Test func newlinesInsideBracketsAreDropped() {
    #expect(kinds("[1,\n2]\nx") == [.leftBracket, .number(1), .comma, .number(2), .rightBracket, .newline, .identifier("x"), .endOfFile])
}

@Test func commentsAreKeptAside() {
    let out = Lexer.tokenize(SourceFile(name: "t", text: "# head\nx = 1 # tail\n"))
    #expect(out.comments.map(\.text) == ["# head", "# tail"])
    #expect(out.comments.map(\.isTrailing) == [false, true])
}

@Test func stringsUseDoubleQuotesWithEscapes() {
    #expect(kinds(#""a\"b\n""#) == [.string("a\"b\n"), .endOfFile])
    let out = Lexer.tokenize(SourceFile(name: "t", text: "\"open"))
    #expect(out.diagnostics.first?.message == "unterminated string")
}

@Test func greekLettersAreNames() {
    #expect(kinds("θ γ_2") == [.identifier("θ"), .identifier("γ_2"), .endOfFile])
}

@Test func invalidBytesNeverStopTheLexer() {
    let file = SourceFile(name: "t", bytes: [0xFF, 0x41, 0xC3, 0x28, 0x00, 0x7E])
    let out = Lexer.tokenize(file)
    #expect(out.tokens.last?.kind == .endOfFile)
    #expect(!out.diagnostics.isEmpty)
    for d in out.diagnostics { #expect(d.range.end <= file.bytes.count) }
}

@Test func leadingByteOrderMarkIsSkippedAndColumnsCountWithoutIt() {
    let file = SourceFile(name: "t", bytes: SourceFile.byteOrderMark + Array("let x = @".utf8))
    let out = Lexer.tokenize(file)
    #expect(out.tokens.first?.kind == .keyword(.let))
    #expect(out.diagnostics.map(\.message) == ["unexpected character `@`"])
    #expect(out.diagnostics.map { file.location(of: $0.range.start) } == [SourceLocation(line: 1, column: 9)])
    #expect(file.bytes == Array("let x = @".utf8))
    // Only a leading mark is a byte-order mark; elsewhere U+FEFF is a character like any other.
    #expect(!Lexer.tokenize(SourceFile(name: "t", text: "let x = 1 \u{FEFF}")).diagnostics.isEmpty)
}

@Test func eachInvalidByteIsReportedOnceAtItsOwnColumn() {
    // `yB`, a stray continuation byte, a truncated 4-byte lead, `!`: the name ends before the bad byte (it
    // was blamed on `B`, and the next two bytes shared column 3).
    let file = SourceFile(name: "t", bytes: [0x79, 0x42, 0xBD, 0xF2, 0x21, 0x0A, 0xCE, 0xB8, 0xFF])
    let out = Lexer.tokenize(file)
    #expect(out.tokens.first?.kind == .identifier("yB"))
    #expect(out.diagnostics.map(\.message) == ["invalid UTF-8 byte", "invalid UTF-8 byte", "unexpected `!`", "invalid UTF-8 byte"])
    // θ (two bytes) is one column, so the byte after it is column 2.
    #expect(out.diagnostics.map { file.location(of: $0.range.start).description } == ["1:3", "1:4", "1:5", "2:2"])
}

/// A combining mark continues a name: `é` written decomposed (`e` and U+0301) lexes as one name, equal to
/// the precomposed `é`; a name cannot start with one.
@Test func combiningMarksContinueANameButDoNotStartOne() {
    #expect(kinds("let e\u{301}x = 1") == [.keyword(.let), .identifier("\u{e9}x"), .assign, .number(1), .endOfFile])
    let out = Lexer.tokenize(SourceFile(name: "t", text: "let \u{301}x = 1"))
    #expect(out.diagnostics.count == 1)
    #expect(out.diagnostics.first?.message == "unexpected character `\u{301}`")
}

/// A `%` apart from a number (`5 % 2`, as a remainder) is an error whose hint says what `%` means.
@Test func aPercentSignApartFromItsNumberIsExplained() {
    let out = Lexer.tokenize(SourceFile(name: "t", text: "print 5 % 2"))
    #expect(out.diagnostics.map(\.message) == ["unexpected character `%`"])
    #expect(out.diagnostics.first?.hint?.contains("follows its number directly (`5%` is 0.05)") == true)
    #expect(kinds("5%") == [.percent(0.05), .endOfFile])
}

/// Operators a paper writes in Unicode (`≤`, `−`, `’`) are errors whose hint gives the ASCII spelling.
@Test func unicodeOperatorsAreAnsweredWithTheirASCIISpelling() {
    for (written, ascii) in [("≤", "<="), ("≥", ">="), ("≠", "!="), ("−", "-"), ("×", "*"), ("’", "'")] {
        let out = Lexer.tokenize(SourceFile(name: "t", text: "tev \(written) 6%"))
        #expect(out.diagnostics.map(\.message) == ["unexpected character `\(written)`"])
        #expect(out.diagnostics.first?.hint == "write `\(ascii)` (operators are ASCII)")
    }
    // A Greek letter is still a name.
    #expect(kinds("μ") == [.identifier("μ"), .endOfFile])
}

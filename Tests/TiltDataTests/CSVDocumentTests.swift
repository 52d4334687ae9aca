import Testing
@testable import TiltData

private func fieldTexts(_ text: String) throws -> [[String]] {
    let document = try CSVDocument(path: "t.csv", bytes: Array(text.utf8))
    return try document.records().map { $0.fields.map(document.text) }
}

@Test func quotedFieldsFollowRFC4180() throws {
    #expect(try fieldTexts("a,\"b,c\",\"say \"\"hi\"\"\"\r\n1,\"x\ny\",3\r\n")
            == [["a", "b,c", "say \"hi\""], ["1", "x\ny", "3"]])
}

@Test func lineEndingsBOMAndTrailingBlankLines() throws {
    #expect(try fieldTexts("\u{FEFF}a,b\r\n1,2\n3,4\r5,6\n\n\r\n") == [["a", "b"], ["1", "2"], ["3", "4"], ["5", "6"]])
    #expect(try fieldTexts("") == [])
}

@Test func fieldsKeepLineAndColumn() throws {
    let document = try CSVDocument(path: "t.csv", bytes: Array("\u{FEFF}h1,h2\n\"a\nb\",é,z\n".utf8))
    let records = try document.records()
    #expect(records.map(\.line) == [1, 2])
    let f = records[1].fields
    #expect(f.map(\.line) == [2, 3, 3])
    #expect(f.map(\.column) == [1, 4, 6])   // é counts as one column
    #expect(records[0].fields.map(\.column) == [1, 4])   // the BOM takes no column
}

@Test func unterminatedQuoteAndTextAfterQuote() throws {
    let open = try #require(dataError { try CSVDocument(path: "t.csv", bytes: Array("a,b\n1,\"2\n".utf8)).records() })
    #expect(open.line == 2 && open.column == 3)
    let after = try #require(dataError { try CSVDocument(path: "t.csv", bytes: Array("a,\"b\"x\n".utf8)).records() })
    #expect(after.line == 1 && after.column == 6)
    #expect(after.description == "t.csv:1:6: error: unexpected text after a closing quote (expected ',' or the end of the line)")
    #expect(after.caretExcerpt == "a,\"b\"x\n     ^")
}

@Test func invalidUTF8IsAnErrorAtItsByte() throws {
    let bytes: [UInt8] = Array("a,b\n1,".utf8) + [0xC3, 0x28] + Array("\n".utf8)
    let error = try #require(dataError { try CSVDocument(path: "bad.csv", bytes: bytes) })
    #expect(error.line == 2 && error.column == 3)
    #expect(error.message.contains("UTF-8"))
    for bad: [UInt8] in [[0xFF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]] {
        #expect(dataError { try CSVDocument(path: "x", bytes: bad) }?.line == 1)
    }
    #expect(throws: Never.self) { try CSVDocument(path: "x", bytes: Array("€𝄞".utf8)) }
}

@Test func arbitraryBytesNeverCrash() {
    var generator = SystemRandomNumberGenerator()
    let alphabet: [UInt8] = Array("\",\r\n a1.-".utf8) + [0xC3, 0xA9, 0xFF, 0xEF, 0xBB, 0xBF]
    for _ in 0..<2000 {
        let count = Int.random(in: 0..<24, using: &generator)
        let bytes = (0..<count).map { _ in alphabet.randomElement(using: &generator) ?? 0 }
        _ = try? readNumericCSV(CSVDocument(path: "fuzz", bytes: bytes))
        _ = try? KenFrenchFile(document: CSVDocument(path: "fuzz", bytes: bytes))
    }
}

@Test func cellsReadAsNumbersMissingOrText() throws {
    let document = try CSVDocument(path: "t.csv", bytes: Array(" 2.5 ,,NA,nan,n/a,-1e-3,abc,1.2.3,inf,0x10,+4\n".utf8))
    let cells = try document.records()[0].fields.map(document.cell)
    #expect(cells == [.number(2.5), .missing, .missing, .missing, .missing, .number(-0.001),
                      .text, .text, .text, .text, .number(4)])
    // SAS's and Stata's missing values are missing; other dots are not ('.5' is a number).
    let dots = try CSVDocument(path: "d.csv", bytes: Array(".,.B, .c ,._,..,.AB,.?,A.,.5\n".utf8))
    #expect(try dots.records()[0].fields.map(dots.cell) == [.missing, .missing, .missing, .missing, .text, .text, .text, .text, .number(0.5)])
}

/// A number beyond a double's range would read as an infinity (kept as a value by `read()`, taken for a
/// missing return by the loaders): every loader refuses it at its cell instead.
@Test func numbersOutOfRangeAreErrorsAtTheCell() throws {
    let document = try CSVDocument(path: "t.csv", bytes: Array("1.7e308, -1e400\n".utf8))
    let fields = try document.records()[0].fields
    #expect(try document.cell(fields[0]) == .number(1.7e308))
    let cell = try #require(dataError { try document.cell(fields[1]) })
    #expect(cell.line == 1 && cell.column == 9 && cell.message == "'-1e400' is out of range (numbers must lie within ±1.8e308)")
    let loaders: [(String, (String) throws -> Any)] = [
        ("month,a,b\n2000-01,1,1e400\n", { try readNumericCSV(path: $0) }),
        ("month,mktrf,smb\n2000-01,1,1e400\n", { try FactorFile.loadTidy(path: $0) }),
        ("month,AAA,BBB\n2000-01,1,1e400\n", { try AssetPanel.loadWide(returns: $0) }),
        ("Title\n\n  Returns -- Monthly\n,A,B\n200001,1,1e400\n", { try KenFrenchFile.load(path: $0) }),
        ("permno,date,ret,prc,shrout,siccd\n1,2000-01,1e400,5,10,100\n", { try CRSPExtract.load(path: $0) }),
        ("permno,date,ret,prc,shrout,siccd\n1e400,2000-01,0.1,5,10,100\n", { try CRSPExtract.load(path: $0) }),
    ]
    for (text, load) in loaders {
        let path = try temporaryFile("o.csv", text)
        let error = try #require(dataError { try load(path) }, "\(text)")
        let lines = text.components(separatedBy: "\n")
        let line = try #require(lines.firstIndex { $0.contains("1e400") })
        let column = try #require(lines[line].range(of: "1e400")).lowerBound.utf16Offset(in: lines[line]) + 1
        #expect(error.line == line + 1 && error.column == column && error.message.hasPrefix("'1e400' is out of range"), "\(text)")
    }
}

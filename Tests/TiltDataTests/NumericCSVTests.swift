import Foundation
import Testing
import TiltLinearAlgebra
@testable import TiltData

private func read(_ text: String) throws -> Matrix {
    try readNumericCSV(path: temporaryFile("x.csv", text))
}

@Test func headerAndMonthLabelsBecomeLabels() throws {
    let m = try read("month,x,y\r\n199401,0.1,\r\n199402,NA,-2e-1\r\n")
    #expect(m.shapeDescription == "2×2")
    #expect(m.colLabels == ["x", "y"])
    #expect(m.rowLabels == ["1994-01", "1994-02"])
    #expect(m[0, 0] == 0.1 && m[1, 1] == -0.2)
    #expect(m[0, 1].isNaN && m[1, 0].isNaN)
}

@Test func headerlessNamesAndPlainNumbers() throws {
    let named = try read("AAPL,1,2\nMSFT,3,4\n")
    #expect(named.rowLabels == ["AAPL", "MSFT"] && named.colLabels == nil)
    #expect(named.storage == [1, 3, 2, 4])
    let plain = try read("1,2\n3,4\n\n")
    #expect(plain.rowLabels == nil && plain.colLabels == nil && plain.storage == [1, 3, 2, 4])
}

@Test func numericColumnNamesWithMonthLabels() throws {
    let m = try read("month,10001,10002\n1994-01,0.1,0.2\n1994-02,0.3,0.4\n")
    #expect(m.colLabels == ["10001", "10002"] && m.rowLabels == ["1994-01", "1994-02"])
    let kenFrenchStyle = try read(",A,B\n1926,1,2\n1927,3,4\n")
    #expect(kenFrenchStyle.rowLabels == ["1926", "1927"] && kenFrenchStyle.colLabels == ["A", "B"])
}

@Test func singleColumnIsAVector() throws {
    let v = try read("r\n0.5\n0.25\n")
    #expect(v.shapeDescription == "2×1" && v.colLabels == ["r"] && v.storage == [0.5, 0.25])
}

@Test func raggedRowsNameExpectedAndFound() throws {
    let long = try #require(dataError { try read("a,b,c\n1,2,3\n4,5,6,7\n") })
    #expect(long.line == 3 && long.column == 7)
    #expect(long.message == "expected 3 fields (as in the header on line 1), found 4")
    #expect(long.lineText == "4,5,6,7")
    let short = try #require(dataError { try read("a,b,c\n1,2\n") })
    #expect(short.line == 2 && short.column == 4)
    #expect(short.message == "expected 3 fields (as in the header on line 1), found 2")
}

@Test func textInANumericCellPointsAtTheCell() throws {
    let path = try temporaryFile("t.csv", "month,x,y\n1994-01,0.1,0.2\n1994-02,0.3,abc\n")
    let error = try #require(dataError { try readNumericCSV(path: path) })
    #expect(error.line == 3 && error.column == 13)
    #expect(error.description == "\(path):3:13: error: 'abc' in column 'y' is not a number")
    #expect(error.caretExcerpt == "1994-02,0.3,abc\n            ^")
    let typoInFirstColumn = try #require(dataError { try read("1,2\nx,3\n4,5\n") })
    #expect(typoInFirstColumn.line == 2 && typoInFirstColumn.column == 1)
}

/// A label picks one column or one row: `F[a]` must never be ambiguous.
@Test func repeatedHeaderNamesAndRowLabelsAreErrorsAtTheSecond() throws {
    let columns = try #require(dataError { try read("month,a,b,a\n2000-01,1,2,3\n") })
    #expect(columns.line == 1 && columns.column == 11 && columns.message == "header name 'a' appears twice (also at column 7)")
    let months = try #require(dataError { try read("1994-01,1,2\n1994-02,3,4\n1994-01,5,6\n") })
    #expect(months.line == 3 && months.column == 1 && months.message == "row label '1994-01' appears twice (also on line 1)")
    let monthWrittenTwoWays = try #require(dataError { try read("month,x\n199401,1\n1994-01,2\n") })
    #expect(monthWrittenTwoWays.line == 3 && monthWrittenTwoWays.message == "row label '1994-01' appears twice (also on line 2)")
    let names = try #require(dataError { try read("AAPL,1\nMSFT,2\n AAPL ,3\n") })
    #expect(names.line == 3 && names.column == 1 && names.message == "row label 'AAPL' appears twice (also on line 1)")
    #expect(try read("month,x\n1994-02,1\n1994-01,2\n").rowLabels == ["1994-02", "1994-01"])
}

@Test func emptyHeaderOnlyAndBadUTF8Files() throws {
    let empty = try #require(dataError { try read("") })
    #expect(empty.line == 1 && empty.column == nil && empty.message == "the file is empty")
    let blank = try #require(dataError { try read("\n\n") })
    #expect(blank.message == "the file is empty")
    let headerOnly = try #require(dataError { try read("a,b\n") })
    #expect(headerOnly.line == 1 && headerOnly.column == nil)
    #expect(headerOnly.message == "the file has a header but no data rows")
    let path = try temporaryFile("bad.csv", bytes: Array("a,b\n1,".utf8) + [0xFF] + Array("\n".utf8))
    let bad = try #require(dataError { try readNumericCSV(path: path) })
    #expect(bad.line == 2 && bad.column == 3 && bad.message.contains("UTF-8"))
    let missing = try #require(dataError { try readNumericCSV(path: "/nonexistent/x.csv") })
    #expect(missing.line == 0 && missing.description == "/nonexistent/x.csv: error: cannot read the file (there is no such file)")
}

/// A folder named where a file is expected says so, without Foundation's error codes.
@Test func aFolderIsNotAFile() throws {
    let folder = FileManager.default.temporaryDirectory.path
    let error = try #require(dataError { try readNumericCSV(path: folder) })
    #expect(error.line == 0 && error.description == "\(folder): error: is a folder, not a file")
}

/// A header cell left empty made a column called "" (an asset, a factor, `F[""]`): it is an error at the
/// cell in every loader of named columns. Only the cell above `read()`'s row labels may be empty.
@Test func emptyHeaderNamesAreErrorsAtTheirCell() throws {
    let message = "a header name is empty: every value column needs a name"
    let place = { (e: DataError?) in e.map { "\($0.line):\($0.column ?? 0) \($0.message)" } }
    #expect(place(dataError { try read(",a,\n2000-01,1,2\n") }) == "1:4 \(message)")
    #expect(place(dataError { try read("a, ,b\n1,2,3\n") }) == "1:3 \(message)")
    #expect(try read(",a,b\n2000-01,1,2\n").colLabels == ["a", "b"])
    let wide = try temporaryFile("r.csv", "month,A,,C\n2000-01,0.1,0.2,0.3\n")
    #expect(place(dataError { try AssetPanel.loadWide(returns: wide) }) == "1:9 \(message)")
    let tidy = try temporaryFile("f.csv", "month,mktrf,,rf\n2000-01,0.1,0.2,0.3\n")
    #expect(place(dataError { try FactorFile.loadTidy(path: tidy) }) == "1:13 \(message)")
    let kenFrench = try temporaryFile("kf.csv", "  Returns -- Monthly\n,Agric,,Food\n202001,1,2,3\n")
    #expect(place(dataError { try KenFrenchFile.load(path: kenFrench) }) == "2:8 \(message)")
}

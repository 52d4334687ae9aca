import Testing
@testable import TiltData

private let universe = ["Agric", "Food", "Soda"]

private func load(_ text: String) throws -> [String: Double] {
    try BenchmarkWeights.load(path: temporaryFile("w.csv", text), assets: universe) { "near \($0)" }
}

@Test func benchmarkWeightsWithOrWithoutHeader() throws {
    #expect(try load("asset,weight\nAgric,1\n") == ["Agric": 1])
    #expect(try load("Food,0.25\n Soda ,0.75\n\n") == ["Food": 0.25, "Soda": 0.75])
}

/// Each slip that would change the benchmark silently is an error where it is written.
@Test func benchmarkWeightsErrorsPointAtTheCell() throws {
    let twice = try #require(dataError { try load("asset,weight\nAgric,0.5\nFood,0.2\nAgric,0.5\n") })
    #expect(twice.line == 4 && twice.column == 1 && twice.message == "asset 'Agric' appears twice (also on line 2)")
    let unknown = try #require(dataError { try load("asset,weight\nAgric,1\nFodo,1\n") })
    #expect(unknown.line == 3 && unknown.column == 1 && unknown.message == "'Fodo' is not an asset of the universe")
    #expect(unknown.hint == "near Fodo")
    let firstRowUnknown = try #require(dataError { try load("Agirc,1\n") })
    #expect(firstRowUnknown.line == 1 && firstRowUnknown.message == "'Agirc' is not an asset of the universe")
    let missing = try #require(dataError { try load("asset,weight\nAgric,nan\nFood,1\n") })
    #expect(missing.line == 2 && missing.column == 7)
    #expect(missing.message == "the weight of 'Agric' is missing (a benchmark file gives each asset it lists a number)")
    let empty = try #require(dataError { try load("asset,weight\nAgric,\n") })
    #expect(empty.line == 2 && empty.column == 7)
    let text = try #require(dataError { try load("asset,weight\nAgric,abc\n") })
    #expect(text.line == 2 && text.column == 7 && text.message == "'abc' in column 'weight' is not a number")
    let oneColumn = try #require(dataError { try load("Agric\n") })
    #expect(oneColumn.line == 1 && oneColumn.message == "expected 2 fields (as in an asset,weight file), found 1")
    let headerOnly = try #require(dataError { try load("asset,weight\n") })
    #expect(headerOnly.line == 1 && headerOnly.message == "the file has a header but no data rows")
    #expect(dataError { try load("") }?.message == "the file is empty")
}

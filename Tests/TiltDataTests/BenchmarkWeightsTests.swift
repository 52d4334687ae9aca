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

/// A benchmark is long-only and holds something: a negative weight is an error at its cell; the weights
/// must add up to a positive number (an error about the file) that a double can hold (an error at the row
/// where the sum overflows). Zero weights beside a positive one are kept. All three were accepted.
@Test func benchmarkWeightsAreNonNegativeWithAPositiveFiniteSum() throws {
    #expect(try load("Agric,0\nFood,2\n") == ["Agric": 0, "Food": 2])
    let negative = try #require(dataError { try load("asset,weight\nAgric,-1\nFood,1\n") })
    #expect(negative.line == 2 && negative.column == 7)
    #expect(negative.message == "the weight of 'Agric' is negative: a benchmark is long-only, so its weights are 0 or more")
    let zero = try #require(dataError { try load("asset,weight\nAgric,0\nFood,0\n") })
    #expect(zero.line == 0 && zero.message == "every weight is 0, so the benchmark would hold nothing")
    let huge = try #require(dataError { try load("Agric,1e308\nFood,1e308\nSoda,1\n") })
    #expect(huge.line == 2 && huge.column == 6)
    #expect(huge.message == "the weights add up to more than 1.8e308 by this row, beyond a double's range")
}

/// Fixed benchmark weights read from an `asset,weight` file (`benchmark read("weights.csv")`): one row per
/// asset, with an optional header (a first row whose weight is not a number and whose first cell is not
/// an asset of the universe). Weights are taken as written, in any scale (they need not add up to 1): a
/// backtest renormalises them over the eligible assets at each rebalance.
///
/// Each row is checked where it is written, because every slip would otherwise change the benchmark
/// silently: a row has two fields, names an asset of the universe (an unknown name would be ignored),
/// names it once (a repeated asset would be summed), and gives it a number (a missing weight would turn
/// the whole benchmark into NaN) that is not negative (a benchmark is long-only). The weights must add up
/// to a positive, finite number: all zeros would be a benchmark of nothing, and a sum beyond a double's
/// range would turn every renormalised weight into zero or NaN.
public enum BenchmarkWeights {
    /// The weights of the file at `path` by asset name. `assets` are the universe's asset names;
    /// `hint` gives the hint for an unknown name (the language proposes a near name).
    public static func load(path: String, assets: [String], hint: (String) -> String? = { _ in nil }) throws -> [String: Double] {
        let document = try CSVDocument(path: path)
        let records = try document.records().filter { !$0.isBlank }
        guard let first = records.first else {
            throw document.error(line: 1, column: nil, message: "the file is empty")
        }
        let known = Set(assets)
        let hasHeader = try first.fields.count == 2 && !known.contains(document.trimmedText(of: first.fields[0]))
            && document.cell(first.fields[1]) == .text
        let rows = records.dropFirst(hasHeader ? 1 : 0)
        guard !rows.isEmpty else {
            throw document.error(line: first.line, column: nil, message: "the file has a header but no data rows")
        }
        let reader = NumericRows(document: document, fieldCount: 2, firstValueField: 1,
                                 countSource: "an asset,weight file",
                                 columnNames: hasHeader ? [document.trimmedText(of: first.fields[1])] : nil)
        var weights: [(asset: String, weight: Double)] = []
        var total = 0.0
        for record in rows {
            try reader.checkFieldCount(record)
            let asset = document.trimmedText(of: record.fields[0])
            guard known.contains(asset) else {
                throw document.error(at: record.fields[0], "'\(asset)' is not an asset of the universe", hint: hint(asset))
            }
            let weight = try reader.value(record, field: 1) { $0 }
            try checkWeight(weight, of: asset, at: record.fields[1], in: document)
            total += weight
            guard total.isFinite else {
                throw document.error(at: record.fields[1], "the weights add up to more than 1.8e308 by this row, beyond a double's range",
                                     hint: "write the weights in a smaller scale: they are renormalised at every rebalance")
            }
            weights.append((asset, weight))
        }
        try document.checkDistinct(labels: weights.map(\.asset), of: rows.map { $0.fields[0] }, what: "asset")
        guard total > 0 else {
            throw DataError(path: path, line: 0, message: "every weight is 0, so the benchmark would hold nothing",
                            hint: "give at least one asset a positive weight")
        }
        return Dictionary(uniqueKeysWithValues: weights.map { ($0.asset, $0.weight) })
    }

    /// Throws at `field` unless `weight`, the weight of `asset` read from it, is a number of at least 0.
    private static func checkWeight(_ weight: Double, of asset: String, at field: CSVField, in document: CSVDocument) throws {
        guard !weight.isNaN else {
            throw document.error(at: field, "the weight of '\(asset)' is missing (a benchmark file gives each asset it lists a number)")
        }
        guard weight >= 0 else {
            throw document.error(at: field, "the weight of '\(asset)' is negative: a benchmark is long-only, so its weights are 0 or more")
        }
    }
}

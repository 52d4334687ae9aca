import Foundation
import TiltData
import TiltLinearAlgebra

/// One characteristic of every asset, month by month: months × assets, aligned with the universe's
/// months and assets, NaN where unknown. Values are raw (not standardised): the policy standardises
/// them cross-sectionally at each decision month (`CrossSectionalStandardization`).
public struct CharacteristicPanel: Sendable {
    /// The characteristic's name, as written in the program (`size`, `value`, `momentum`, a file's stem).
    public let name: String
    /// months × assets, aligned with the universe.
    public let values: Matrix

    public init(name: String, values: Matrix) {
        self.name = name
        self.values = values
    }

    /// Momentum: the trailing mean of the `length` monthly returns labelled t − length + 1 … t (so the
    /// value at t is known at the end of t). NaN when any of them is missing or before `length` months.
    public static func momentum(returns: Matrix, length: Int = 12, name: String = "momentum") -> CharacteristicPanel {
        var values = Matrix(rows: returns.rows, cols: returns.cols, repeating: .nan)
        if length >= 1 {
            for j in 0..<returns.cols {
                for t in (length - 1)..<max(length - 1, returns.rows) {
                    var sum = 0.0
                    for s in (t - length + 1)...t { sum += returns[s, j] }
                    values[t, j] = sum / Double(length)
                }
            }
        }
        values.rowLabels = returns.rowLabels
        values.colLabels = returns.colLabels
        return CharacteristicPanel(name: name, values: values)
    }

    /// A user's panel (`months` × `assets`, e.g. read from a wide CSV) put on the universe's months and
    /// assets: months or assets the file lacks are NaN. Throws when the file names an asset the universe
    /// does not have, or when it shares no month with the universe.
    public static func aligned(name: String, months: [Month], assets: [String], values: Matrix,
                               toMonths universeMonths: [Month], assets universeAssets: [String]) throws -> CharacteristicPanel {
        let column = Dictionary(universeAssets.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        if let unknown = assets.first(where: { column[$0] == nil }) {
            throw PolicyError(.invalidInput, "characteristic `\(name)` has a column `\(unknown)` that is not an asset of the universe")
        }
        let row = Dictionary(universeMonths.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        guard months.contains(where: { row[$0] != nil }) else {
            throw PolicyError(.invalidInput, "characteristic `\(name)` shares no month with the universe")
        }
        var aligned = Matrix(rows: universeMonths.count, cols: universeAssets.count, repeating: .nan)
        for (i, month) in months.enumerated() {
            guard let t = row[month] else { continue }
            for (j, asset) in assets.enumerated() {
                if let c = column[asset] { aligned[t, c] = values[i, j] }
            }
        }
        aligned.rowLabels = universeMonths.map(\.description)
        aligned.colLabels = universeAssets
        return CharacteristicPanel(name: name, values: aligned)
    }
}

extension CharacteristicPanel {
    /// Size: the industry's total market capitalisation at t, number of firms × average firm size
    /// ($ millions); NaN when not positive.
    public static func size(_ industries: IndustryPortfolios) -> CharacteristicPanel {
        var values = industries.marketCap
        for k in values.storage.indices where !(values.storage[k] > 0) { values.storage[k] = .nan }
        return CharacteristicPanel(name: "size", values: values)
    }

    /// Value: the annual "Sum of BE / Sum of ME" row of year y, held from July y to June y + 1.
    ///
    /// Ken French forms the portfolios at the end of June of year y; the ratio for year y is the book
    /// equity of the fiscal year ending in y − 1 over the market equity at the end of December y − 1,
    /// so it is public by the end of June y and applies to the portfolio's months July y … June y + 1.
    /// A month labelled t in January–June uses the row of year(t) − 1; in July–December, year(t).
    public static func value(_ industries: IndustryPortfolios) -> CharacteristicPanel {
        let annual = industries.bookToMarketAnnual
        var rowOfYear: [Int: Int] = [:]
        for (i, label) in (annual.rowLabels ?? []).enumerated() {
            if let year = Int(label.trimmingCharacters(in: .whitespaces)) { rowOfYear[year] = i }
        }
        var values = Matrix(rows: industries.months.count, cols: industries.industries.count, repeating: .nan)
        for (t, month) in industries.months.enumerated() {
            guard let row = rowOfYear[month.month >= 7 ? month.year : month.year - 1] else { continue }
            for j in 0..<values.cols { values[t, j] = annual[row, j] }
        }
        values.rowLabels = industries.valueWeightedReturns.rowLabels
        values.colLabels = industries.industries
        return CharacteristicPanel(name: "value", values: values)
    }
}

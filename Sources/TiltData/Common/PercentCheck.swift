import Foundation
import TiltLinearAlgebra

/// Whether an asset returns file (a wide file, a long panel) as a whole looks like percent: more than half
/// of its returns, and at least `minimumReturns` of them, lie beyond ±100% (|r| > 1), that is, its median
/// absolute return is above 1. Monthly decimal returns of industries and stocks have a median |r| near
/// 0.05 and rarely exceed 1 in magnitude, so no real file comes near; the same returns in percent have a
/// median |r| near 5. Single extreme cells (a penny stock's +300% month) move no median and stay legal. A
/// percent file of very quiet assets (most |r| below 1%) is not caught; one with losses beyond 100% is
/// (its first large cell is the example, and the percent error comes before the below −100% one).
struct PercentCheck {
    /// Fewer returns than this are never said to look like percent (a file of a few extreme months).
    static let minimumReturns = 12

    /// Returns read (NaN, missing, aside).
    private(set) var count = 0
    /// Returns beyond ±100%.
    private(set) var large = 0
    /// The first return beyond ±100%: an error at its cell (message to come), its quoted text, its value.
    private var example: (at: DataError, quote: String, text: String, value: Double)?
    /// The first return refused on its own (below −100%), kept until the file is read: a loss written in
    /// percent is below −100% too, and the error about the whole file comes first.
    private var refused: Error?

    /// Counts `value`, read from `field` of `document`; `quote` is how a message names the cell
    /// (`'7.7` in column 'T01'`).
    mutating func add(_ value: Double, at field: CSVField, in document: CSVDocument, quote: @autoclosure () -> String) {
        guard !value.isNaN else { return }
        count += 1
        guard abs(value) > 1 else { return }
        large += 1
        if example == nil {
            example = (document.error(at: field, ""), quote(), document.trimmedText(of: field), value)
        }
    }

    /// Counts `value` as `add(_:at:in:quote:)` does and runs the return's own test (`check`: not below
    /// −100%), keeping its first failure for `finish()`.
    mutating func add(_ value: Double, at field: CSVField, in document: CSVDocument, quote: @autoclosure () -> String,
                      check: () throws -> Void) {
        add(value, at: field, in: document, quote: quote())
        if refused == nil { do { try check() } catch { refused = error } }
    }

    /// What to throw when reading the file stopped on `error` (a bad cell): a return refused before it.
    func stopped(by error: Error) -> Error { refused ?? error }

    /// Once the file is read: throws the percent error when the returns look like percent, else the first
    /// return refused on its own.
    func finish() throws {
        if let error = error() { throw error }
        if let refused { throw refused }
    }

    /// Whether the returns counted look like percent.
    var looksLikePercent: Bool { count >= PercentCheck.minimumReturns && 2 * large > count }

    /// The error at the example cell when the returns look like percent, else `nil`.
    private func error() -> DataError? {
        guard looksLikePercent, let example else { return nil }
        var error = example.at
        let share = Int(clamping: Double(large) / Double(count) * 100, rounding: .toNearestOrAwayFromZero, to: 0...100)
        error.message = "\(example.quote) would be a return of \(example.value < 0 ? "" : "+")\(PercentCheck.timesHundred(example.text, example.value))% in one month, and \(large) of the file's \(count) returns (\(share)%) lie beyond ±100%: the file looks like percent, but a returns file holds decimals (0.0123 for 1.23%)"
        error.hint = "divide the returns by 100 (real monthly returns have a median size near 0.05; this file's is above 1)"
        return error
    }

    /// `text` (the number written, `value` read from it) times 100, exactly as written in decimal.
    static func timesHundred(_ text: String, _ value: Double) -> String {
        guard let decimal = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else { return "\(value * 100)" }
        return "\(decimal * 100)"
    }
}

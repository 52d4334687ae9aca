import Foundation
import TiltLinearAlgebra

/// Path of a file in the shared read-only data folder (`<repo>/../shared/data`).
func sharedDataPath(_ name: String, file: String = #filePath) -> String {
    repositoryRoot(file).deletingLastPathComponent().appendingPathComponent("shared/data/\(name)").path
}

/// Path of a file in this test target's `References` folder.
func referencePath(_ name: String, file: String = #filePath) -> String {
    URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("References/\(name)").path
}

private func repositoryRoot(_ file: String) -> URL {
    URL(fileURLWithPath: file)
        .deletingLastPathComponent()   // TiltModelsTests
        .deletingLastPathComponent()   // Tests
        .deletingLastPathComponent()   // repo root
}

/// The largest |a − b| / max(|b|, floor) over two equally long sequences (∞ when the lengths differ
/// or a NaN appears where the other has none).
func maxRelativeDifference(_ a: [Double], _ b: [Double], floor: Double = 1e-300) -> Double {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).reduce(0) { worst, pair in
        if pair.0.isNaN && pair.1.isNaN { return worst }
        let difference = abs(pair.0 - pair.1) / max(abs(pair.1), floor)
        return difference.isNaN ? .infinity : max(worst, difference)
    }
}

extension Matrix {
    /// Rows as nested arrays (for comparing with row-major JSON references).
    var nestedRows: [[Double]] { (0..<rows).map { i in (0..<cols).map { self[i, $0] } } }
}

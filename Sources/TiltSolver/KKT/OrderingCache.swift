import Foundation
import TiltLinearAlgebra

/// Fill-reducing orderings of KKT patterns already seen in this process, so that a backtest, which builds
/// the same problem structure at every rebalance (and for every value of a sweep), pays for the approximate
/// minimum degree ordering once. The ordering depends on the pattern only, so a cached one is exactly what
/// a fresh analysis would compute. Thread-safe; bounded (the oldest half is dropped when full).
enum OrderingCache {
    private struct Key: Hashable {
        let colPointers: [Int]
        let rowIndices: [Int]
    }

    private static let capacity = 64
    private nonisolated(unsafe) static var orderings: [Key: [Int]] = [:]
    private nonisolated(unsafe) static var insertionOrder: [Key] = []
    private static let lock = NSLock()

    /// The approximate minimum degree ordering of the upper-triangle `pattern`, computed once per pattern.
    static func ordering(of pattern: SparseMatrixCSC) throws -> [Int] {
        let key = Key(colPointers: pattern.colPointers, rowIndices: pattern.rowIndices)
        if let cached = lock.withLock({ orderings[key] }) { return cached }
        let ordering = try ApproximateMinimumDegree.ordering(pattern)
        lock.withLock {
            if orderings[key] == nil {
                if insertionOrder.count >= capacity {
                    for old in insertionOrder.prefix(capacity / 2) { orderings[old] = nil }
                    insertionOrder.removeFirst(capacity / 2)
                }
                orderings[key] = ordering
                insertionOrder.append(key)
            }
        }
        return ordering
    }
}

import Foundation
import TiltLinearAlgebra

/// Symbolic analyses of KKT patterns already seen in this process, so that a backtest, which builds the
/// same problem structure at every rebalance (and for every value of a sweep), pays for them once: the
/// approximate minimum degree ordering of the sparse LDLᵀ and the block-arrow analysis. Both depend on
/// the pattern (and the pivot signs) only, so a cached analysis is exactly what a fresh one would compute.
enum KKTAnalysisCache {
    static let orderings = PatternCache<[Int]>()
    /// Nil entries record patterns without the block-arrow structure.
    static let blockArrow = PatternCache<BlockArrowStructure?>()

    /// The approximate minimum degree ordering of the upper-triangle `pattern`.
    static func ordering(of pattern: SparseMatrixCSC) throws -> [Int] {
        try orderings.value(for: pattern, signs: []) { try ApproximateMinimumDegree.ordering(pattern) }
    }

    /// The block-arrow analysis of the upper-triangle `pattern` with these pivot signs, or nil
    /// when it lacks that structure.
    static func blockArrowStructure(of pattern: SparseMatrixCSC, signs: [Int]) -> BlockArrowStructure? {
        blockArrow.value(for: pattern, signs: signs) { BlockArrowStructure(pattern: pattern, signs: signs) }
    }
}

/// A bounded, thread-safe map from a sparsity pattern (and pivot signs) to what was computed from it;
/// the oldest half is dropped when full.
final class PatternCache<Value: Sendable>: @unchecked Sendable {
    private struct Key: Hashable {
        let colPointers: [Int]
        let rowIndices: [Int]
        let signs: [Int]
    }

    private let capacity: Int
    private var values: [Key: Value] = [:]
    private var insertionOrder: [Key] = []
    private let lock = NSLock()

    init(capacity: Int = 64) {
        self.capacity = capacity
    }

    /// The cached value for this pattern, or `compute()`'s, stored for next time.
    func value(for pattern: SparseMatrixCSC, signs: [Int], compute: () throws -> Value) rethrows -> Value {
        let key = Key(colPointers: pattern.colPointers, rowIndices: pattern.rowIndices, signs: signs)
        if let cached = lock.withLock({ values[key] }) { return cached }
        let value = try compute()
        lock.withLock {
            if values[key] == nil {
                if insertionOrder.count >= capacity {
                    for old in insertionOrder.prefix(capacity / 2) { values[old] = nil }
                    insertionOrder.removeFirst(capacity / 2)
                }
                values[key] = value
                insertionOrder.append(key)
            }
        }
        return value
    }
}

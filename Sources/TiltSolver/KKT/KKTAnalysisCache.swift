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
    /// The pattern itself (compared in full on a hit) and a fingerprint of it taken in one pass, which is
    /// all that is hashed: hashing the arrays element by element cost a large part of a setup.
    private struct Key: Hashable {
        let colPointers: [Int]
        let rowIndices: [Int]
        let signs: [Int]
        let fingerprint: UInt64

        init(colPointers: [Int], rowIndices: [Int], signs: [Int]) {
            self.colPointers = colPointers
            self.rowIndices = rowIndices
            self.signs = signs
            var h: UInt64 = 0x9E37_79B9_7F4A_7C15
            for array in [colPointers, rowIndices, signs] {
                h = (h ^ UInt64(array.count)) &* 0xBF58_476D_1CE4_E5B9
                array.withUnsafeBufferPointer { values in
                    for value in values { h = (h ^ UInt64(bitPattern: Int64(value))) &* 0x94D0_49BB_1331_11EB }
                }
            }
            fingerprint = h ^ (h >> 31)
        }

        func hash(into hasher: inout Hasher) { hasher.combine(fingerprint) }

        static func == (a: Key, b: Key) -> Bool {
            a.fingerprint == b.fingerprint && a.colPointers == b.colPointers && a.rowIndices == b.rowIndices
                && a.signs == b.signs
        }
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

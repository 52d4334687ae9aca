import Foundation

/// One of the parts a run is split into to spread it over machines (`tilt run FILE --shard i/N`): shard
/// `index` of `count`, numbered from 1 like a Slurm job array's `$SLURM_ARRAY_TASK_ID` with `--array=1-N`.
///
/// Each plan of the run is split on its own: its P parts (a strategy's variants, a regime study's trials;
/// `Plan.partCount`) are dealt out in N contiguous blocks whose sizes differ by at most one, shard i taking
/// parts ⌊(i−1)P/N⌋ ..< ⌊iP/N⌋. Which shard runs which part depends on (P, N) alone, never on the machine,
/// so a shard rerun anywhere covers the same parts; with N > P some shards are empty.
public struct Shard: Sendable, Hashable, Codable, CustomStringConvertible {
    /// 1 … count.
    public let index: Int
    public let count: Int

    /// The most shards a run is split into: far beyond any cluster's array limit (Slurm's `MaxArraySize`
    /// is at most 4,000,001), and small enough that the block arithmetic cannot overflow.
    public static let maximumCount = 10_000_000

    /// Shard `index` of `count`; throws a `ShardError` unless 1 ≤ index ≤ count ≤ `maximumCount`.
    public init(index: Int, count: Int) throws(ShardError) {
        guard (1...Shard.maximumCount).contains(count) else {
            throw ShardError("the number of shards must be from 1 to \(Shard.maximumCount), got \(count)")
        }
        guard (1...count).contains(index) else {
            throw ShardError("shard \(index) of \(count) does not exist: shards are numbered from 1 to \(count)")
        }
        self.index = index
        self.count = count
    }

    /// Reads `i/N` (`--shard 3/8`, `--shard $SLURM_ARRAY_TASK_ID/8`).
    public init(parsing text: String) throws(ShardError) {
        let pieces = text.split(separator: "/", omittingEmptySubsequences: false)
        guard pieces.count == 2, let index = Int(pieces[0].trimmingCharacters(in: .whitespaces)),
              let count = Int(pieces[1].trimmingCharacters(in: .whitespaces)) else {
            throw ShardError("`\(text)` is not a shard: write i/N, the i-th of N shards (1 ≤ i ≤ N), e.g. 3/8 or $SLURM_ARRAY_TASK_ID/8")
        }
        try self.init(index: index, count: count)
    }

    /// The parts of a plan with `parts` parts that this shard runs (0-based; empty when there are fewer
    /// parts than shards and this one gets none).
    public func range(ofParts parts: Int) -> Range<Int> {
        guard parts > 0 else { return 0..<0 }
        return Self.boundary(index - 1, of: count, parts: parts)..<Self.boundary(index, of: count, parts: parts)
    }

    /// ⌊k·parts/count⌋, in double width so that no product overflows.
    private static func boundary(_ k: Int, of count: Int, parts: Int) -> Int {
        count.dividingFullWidth(k.multipliedFullWidth(by: parts)).quotient
    }

    /// "3/8".
    public var description: String { "\(index)/\(count)" }
}

/// A shard that cannot be made, run or merged, in words that name it.
public struct ShardError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

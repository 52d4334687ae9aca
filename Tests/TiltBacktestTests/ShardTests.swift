import Foundation
import Testing
@testable import TiltBacktest

/// Every (parts, shards): the shards' ranges are contiguous, in order, cover every part exactly once, and
/// differ in size by at most one — so a run split any way is the whole run, once.
@Test func shardRangesCoverEveryPartOnce() throws {
    for parts in 0...40 {
        for count in 1...45 {
            var next = 0
            var sizes: [Int] = []
            for index in 1...count {
                let range = try Shard(index: index, count: count).range(ofParts: parts)
                #expect(range.lowerBound == next, "parts \(parts), shard \(index)/\(count)")
                next = range.upperBound
                sizes.append(range.count)
            }
            #expect(next == parts)
            #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) <= 1)
            #expect(sizes.filter { $0 == 0 }.count == max(0, count - parts))
        }
    }
}

/// The block arithmetic is done in double width: no trap for the largest counts.
@Test func shardRangesOfHugeRunsDoNotOverflow() throws {
    let last = try Shard(index: Shard.maximumCount, count: Shard.maximumCount)
    #expect(last.range(ofParts: Int.max).upperBound == Int.max)
    #expect(try Shard(index: 1, count: 3).range(ofParts: Int.max) == 0..<(Int.max / 3))
}

/// `i/N` as Slurm's 1-based array index gives it; anything else is an error saying what to write.
@Test func shardParsing() throws {
    #expect(try Shard(parsing: "3/8") == Shard(index: 3, count: 8))
    #expect(try Shard(parsing: "1/1").description == "1/1")
    for bad in ["0/4", "5/4", "x", "3/", "/3", "1/0", "-1/4", "3/8/2", "1/99999999999", "1.5/4", ""] {
        #expect(throws: ShardError.self, "\(bad)") { try Shard(parsing: bad) }
    }
    #expect(throws: ShardError.self) { try Shard(index: 2, count: Shard.maximumCount + 1) }
}

private let study = RegimeStudy.Settings(trials: 7, stocks: 30, phis: [5, 25], seed: 11, historyMonths: 24)

/// A study run in parts and merged is the study run at once, bit for bit, however it is split (trial i
/// keeps its seed; outcomes are added up in trial order): means, standard errors and tie counts.
@Test func studyMergedFromPartsIsBitIdentical() throws {
    let whole = try RegimeStudy.run(study)
    let plan = Plan(regimeStudy: study)
    #expect(plan.partCount == 7)
    for count in [1, 2, 3, 7, 10] {
        let parts = try (1...count).map { try plan.runPart(Shard(index: $0, count: count).range(ofParts: plan.partCount)) }
        guard case .regimeStudy(let merged) = try plan.merge(parts) else {
            Issue.record("a study merged into something else")
            return
        }
        for (a, b) in zip(whole.rows, merged.rows) {
            for (x, y) in [(a.regimeReturn, b.regimeReturn), (a.baselineReturn, b.baselineReturn), (a.returnDifference, b.returnDifference),
                           (a.regimeEntropy, b.regimeEntropy), (a.baselineEntropy, b.baselineEntropy), (a.entropyDifference, b.entropyDifference)] {
                #expect(x.mean.bitPattern == y.mean.bitPattern, "\(count) shards, phi \(a.phi)")
                #expect(x.standardError.bitPattern == y.standardError.bitPattern, "\(count) shards, phi \(a.phi)")
            }
            #expect((a.regimeTies, a.baselineTies) == (b.regimeTies, b.baselineTies))
        }
    }
}

/// Parts that do not cover the plan exactly once, in order, or hold the wrong results, are refused with
/// the parts named.
@Test func mergeRefusesPartsThatDoNotCoverThePlanOnce() throws {
    let plan = Plan(regimeStudy: study)
    let first = try plan.runPart(0..<3), second = try plan.runPart(3..<7), overlapping = try plan.runPart(2..<5)
    _ = try plan.merge([first, second])
    #expect(throws: ShardError.self) { try plan.merge([first]) }
    #expect(throws: ShardError.self) { try plan.merge([second, first]) }
    #expect(throws: ShardError.self) { try plan.merge([first, overlapping, second]) }
    var short = second
    short.regimeStudy?.outcomes.removeLast()
    #expect(throws: ShardError.self) { try plan.merge([first, short]) }
    var wrongPhis = second
    wrongPhis.regimeStudy?.outcomes[0].regimeReturn.removeLast()
    #expect(throws: ShardError.self) { try plan.merge([first, wrongPhis]) }
    do {
        _ = try plan.merge([second])
        Issue.record("a missing first part was merged")
    } catch {
        #expect(error.description == "no shard holds trials 1–3 of 7")
    }
    #expect(throws: PlanError.self) { try plan.runPart(5..<9) }
}

import Foundation
import Testing
@testable import TiltBacktest
import TiltData
@testable import TiltLanguage
import TiltReport
import TiltSyntax
import TiltTestSupport

/// A program with a sweep (5 backtests), a Monte Carlo study (6 trials) and output before, between and
/// after them.
private let programText = """
universe synthetic(stocks: 25, seed: 4, from: 2000-01, to: 2006-12)
benchmark mktcap
let budget = 0.03
print budget
tev in [1%, 2%, 3%, 4%, 5%]
maximize mu'f s.t. tev <= budget, |w - b| <= 5%
rebalance quarterly from 2005-01 to 2006-10
experiment regime_study(trials: 6, stocks: 20, phi: [5, 25], seed: 2, history: 24)
print "end"
"""
private let program = SourceFile(name: "p.tilt", text: programText)

/// What a session printed and presented.
private final class Presented: @unchecked Sendable {
    var output = ""
    var strategies: [[BacktestResult]] = []
    var studies: [RegimeStudyResult] = []

    /// Attaches to `session`'s output and result callbacks.
    func attach(to session: Session) {
        session.output = { self.output += $0 }
        session.strategyResults = { self.strategies.append($0) }
        session.studyResults = { self.studies.append($0) }
    }

    /// The backtests as the shards' JSON writes them: equal text means equal numbers, bit for bit (each
    /// double is written in the shortest digits that read back to it).
    var strategyJSON: Data { (try? ShardFiles.encoder(pretty: false).encode(strategies)) ?? Data() }
}

/// Runs shard `index` of `count` of `file` and writes its folder under `root`; the folder.
@discardableResult
private func runShard(_ index: Int, of count: Int, file: SourceFile = program, into root: URL) throws -> String {
    let session = Session(output: { _ in })
    let run = ShardRun(shard: try Shard(index: index, count: count), session: session)
    let diagnostics = session.run(file)
    let error = diagnostics.isEmpty ? nil : DiagnosticList(file: file, diagnostics: diagnostics).rendered()
    let manifest = try run.manifest(program: .init(path: file.name, text: String(decoding: file.bytes, as: UTF8.self)),
                                    tilt: .init(version: "test", commit: nil, modified: nil),
                                    dataFiles: error == nil ? run.dataFiles(of: session) : [], error: error)
    let folder = root.appendingPathComponent("\(index)")
    try ShardFiles.write(manifest: manifest, results: error == nil ? run.results : nil, to: folder)
    return folder.path
}

/// A program's sharded run, merged, prints and presents what the run in one process does — the same text,
/// the same backtests and the same study, bit for bit — whatever the number of shards (more shards than
/// parts included: the empty ones may be left out).
@Test func shardedRunsMergeIntoTheSingleRun() throws {
    let single = Presented()
    let session = Session(output: { _ in })
    single.attach(to: session)
    #expect(session.run(program).isEmpty)
    #expect(single.strategies.first?.count == 5 && single.studies.count == 1)
    for count in [1, 3, 8] {
        let root = try scratchFolder()
        var folders = try (1...count).map { try runShard($0, of: count, into: root) }
        if count == 8 {
            // Shard 1 of 8 has neither a trial (6 < 8) nor a backtest (5 < 8); shard 3 has a trial only.
            let manifest = try ShardFiles.manifest(in: folders[0])
            #expect(manifest.covers.map(\.description) == ["no trial of 6", "no backtest of 5"])
            #expect(manifest.isEmpty)
            #expect(try ShardFiles.manifest(in: folders[2]).covers.map(\.description) == ["trial 2 of 6", "no backtest of 5"])
            folders.remove(at: 0)
        }
        let merged = try ShardMerge.merge(folders: folders.reversed())
        let presented = Presented()
        let presenter = Session(output: { _ in })
        presented.attach(to: presenter)
        for step in merged.steps {
            if let text = step.output { presenter.output(text) }
            if let plan = step.plan { try presenter.present(merged.results[plan]) }
        }
        #expect(presented.output == single.output, "\(count) shards")
        #expect(presented.strategyJSON == single.strategyJSON, "\(count) shards")
        for (a, b) in zip(presented.studies[0].rows, single.studies[0].rows) {
            #expect(a.regimeReturn.mean.bitPattern == b.regimeReturn.mean.bitPattern)
            #expect(a.entropyDifference.standardError.bitPattern == b.entropyDifference.standardError.bitPattern)
        }
        #expect(merged.provenance().shards?.map(\.index) == merged.members.map(\.manifest.shard.index))
        #expect(merged.provenance().shardSummary == "merged from \(folders.count) shard" + (count == 1 ? "" : "s"))
    }
}

/// Doubles go through the shard files to the same bits: negative zero, subnormals, the extremes, NaN and
/// infinities, and values whose shortest decimal form is long.
@Test func shardFilesKeepEveryDoubleExactly() throws {
    let values: [Double] = [0.1 + 0.2, -0.0, 5e-324, 2.2250738585072014e-308, .greatestFiniteMagnitude, -1 / 3, 1e22, 1e23,
                            .nan, .infinity, -.infinity, 123456789.12345679, 9007199254740993]
    var random = SystemRandomNumberGenerator()
    let noise = (0..<2000).map { _ in Double(bitPattern: random.next()) }.filter(\.isFinite)
    let all = values + noise
    let months = (0..<all.count).map { Month(2000, 1) + $0 }
    let result = BacktestResult(name: "strategy", months: months, portfolioReturns: all, benchmarkReturns: all.reversed(),
                                costs: all, riskFree: all, rebalances: [], crises: [])
    let part = PlanPart(first: 0, end: 1, strategy: [result], seconds: 0.25)
    let text = try ShardFiles.json(ShardResults(steps: [], plans: [], parts: [part]))
    let back = try ShardFiles.decoder.decode(ShardResults.self, from: Data(text.utf8))
    let read = try #require(back.parts.first?.strategy?.first)
    for (a, b) in [(result.portfolioReturns, read.portfolioReturns), (result.benchmarkReturns, read.benchmarkReturns),
                   (result.riskFree ?? [], read.riskFree ?? [])] {
        #expect(a.count == b.count)
        #expect(zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) })
    }
}

/// A merge that cannot be made says why, naming each shard: missing, given twice, failed, of another
/// program, damaged, not there — and merges nothing.
@Test func mergeNamesEveryShardThatIsWrong() throws {
    let root = try scratchFolder()
    let folders = try (1...3).map { try runShard($0, of: 3, into: root) }
    func problems(_ folders: [String]) -> [String] {
        do {
            _ = try ShardMerge.merge(folders: folders)
            return []
        } catch {
            return error.problems.map(\.message)
        }
    }
    #expect(problems([folders[0], folders[2]]) == ["shard 2/3 is missing: no folder given holds it; it runs trials 3–4 of 6; backtests 2–3 of 5 (tev = 2% … tev = 3%)"])
    #expect(problems(folders + [folders[1]]) == ["shard 2/3 is given twice: \(folders[1]) and \(folders[1])"])

    // A failed shard (its program now refers to a name it does not define), its error in the manifest.
    let broken = SourceFile(name: "p.tilt", text: programText.replacingOccurrences(of: "tev <= budget", with: "tev <= budgets"))
    let failedRoot = try scratchFolder()
    let failed = try runShard(2, of: 3, file: broken, into: failedRoot)
    let failure = problems([folders[0], failed, folders[2]])
    #expect(failure.count == 1 && failure[0].hasPrefix("shard 2/3 (\(failed)) failed: p.tilt:6:27: error: unknown name `budgets`"), "\(failure)")

    // Another program's shard.
    let other = SourceFile(name: "q.tilt", text: programText.replacingOccurrences(of: "print \"end\"", with: "print \"fin\""))
    let foreign = try runShard(2, of: 3, file: other, into: try scratchFolder())
    let foreignProblems = problems([folders[0], foreign, folders[2]])
    #expect(foreignProblems.count == 2)
    #expect(foreignProblems.first?.hasPrefix("shard 2/3 (\(foreign)) is not of the run of shard 1/3 (\(folders[0])): it ran another program (q.tilt") == true)
    #expect(foreignProblems.last?.hasPrefix("shard 2/3 is missing") == true)

    // Results changed after the manifest was written.
    let damagedRoot = try scratchFolder()
    let damaged = try runShard(3, of: 3, into: damagedRoot)
    let resultsPath = damaged + "/" + ShardResults.fileName
    try (try String(contentsOfFile: resultsPath, encoding: .utf8)).replacingOccurrences(of: "0.0", with: "0.1")
        .write(toFile: resultsPath, atomically: true, encoding: .utf8)
    #expect(problems([folders[0], folders[1], damaged]).first?.contains("its SHA-256 differs") == true)

    let nowhere = root.appendingPathComponent("nowhere").path
    #expect(problems([nowhere]) == ["\(nowhere): no such folder: its shard did not start, or wrote elsewhere",
                                    "none of the 1 folder holds a finished shard"])
}

/// An error in a shard's part is the error the run in one process reports, at the same place in the
/// program (the failing backtest is the second of its shard's two).
@Test func anErrorInAShardIsLocatedAsInTheSingleRun() throws {
    let file = SourceFile(name: "cap.tilt", text: """
    universe synthetic(stocks: 25, seed: 4, from: 2000-01, to: 2006-12)
    benchmark mktcap
    cap in [50%, 40%, 1%]
    maximize mu'f s.t. tev <= 4%, w <= cap
    rebalance quarterly from 2005-01 to 2006-10
    """)
    let single = Session(output: { _ in }).run(file)
    let session = Session(output: { _ in })
    let run = ShardRun(shard: try Shard(index: 2, count: 2), session: session)
    let sharded = session.run(file)
    #expect(single.count == 1)
    #expect(run.plans.isEmpty)
    #expect(sharded.map(\.message) == single.map(\.message))
    #expect(sharded.map(\.range) == single.map(\.range))
    #expect(single.first?.message.hasPrefix("with cap = 1%, at the rebalance of 2005-01: the problem is infeasible") == true)
}

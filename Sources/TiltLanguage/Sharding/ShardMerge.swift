import Foundation
import TiltBacktest
import TiltReport

/// The shards of one run put back together (`tilt merge`): read from their folders, checked to be of one
/// run — the same program, plans, data files, Tilt build and number of shards — and to cover each plan
/// exactly once, then merged in shard order, which is variant and trial order, so that every number is
/// the one a run in one process gives, bit for bit.
public struct ShardMerge {
    /// A shard that merged: its folder and manifest.
    public struct Member {
        public let folder: String
        public let manifest: ShardManifest
        let results: ShardResults
    }

    /// A reason the shards cannot be merged, naming the shard (when known) or the folder.
    public struct Problem: Sendable, Equatable {
        public var message: String
        /// The shard's number (1-based) when the problem is about one shard, to find its log.
        public var shard: Int?
        /// Whether the problem is that no folder holds this shard (a long run of these can be summarised).
        public var isMissing = false
    }

    /// Every problem found; nothing is merged while there is one.
    public struct Failure: Error {
        public var problems: [Problem]
    }

    /// The shards merged, in shard order (empty shards included when given).
    public let members: [Member]
    /// The run's steps (output and plans, in order) and plans, as every shard recorded them.
    public let steps: [ShardResults.Step]
    public let plans: [Plan]
    /// Each plan's merged results, in the order of `plans`.
    public let results: [PlanResults]

    /// The first shard's manifest: the run's program, data files and build.
    public var manifest: ShardManifest { members[0].manifest }

    /// Reads and checks the shards in `folders` (each a shard's `--out` folder) and merges them. Throws
    /// `Failure` with every problem found: a folder without a finished shard, a failed shard with its
    /// error, a shard of another run and what differs, a shard given twice, a missing shard and the parts
    /// it holds, damaged files.
    public static func merge(folders: [String]) throws(Failure) -> ShardMerge {
        var problems: [Problem] = []
        var read: [Member] = []
        /// Shards whose problem has been said (not reported again as missing).
        var named = Set<Int>()
        for folder in folders {
            do {
                let manifest = try ShardFiles.manifest(in: folder)
                guard manifest.status == .complete else {
                    let error = manifest.error.map { ": " + $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
                    problems.append(Problem(message: "shard \(manifest.shard) (\(folder)) failed\(error)", shard: manifest.shard.index))
                    named.insert(manifest.shard.index)
                    continue
                }
                read.append(Member(folder: folder, manifest: manifest, results: try ShardFiles.results(in: folder, manifest: manifest)))
            } catch {
                problems.append(Problem(message: error.description, shard: nil))
            }
        }
        guard let reference = read.first else {
            problems.append(Problem(message: "none of the \(folders.count) folder\(folders.count == 1 ? "" : "s") holds a finished shard", shard: nil))
            throw Failure(problems: problems)
        }
        let count = reference.manifest.shard.count
        let plans = reference.results.plans
        var members: [Int: Member] = [:]
        for member in read {
            let shard = member.manifest.shard
            let differences = Self.differences(member, from: reference)
            if !differences.isEmpty {
                problems.append(Problem(message: "shard \(shard) (\(member.folder)) is not of the run of shard \(reference.manifest.shard) (\(reference.folder)): "
                                        + differences.joined(separator: "; "), shard: nil))
                continue
            }
            if let earlier = members[shard.index] {
                problems.append(Problem(message: "shard \(shard) is given twice: \(earlier.folder) and \(member.folder)", shard: shard.index))
                named.insert(shard.index)
                continue
            }
            let expected = plans.map { shard.range(ofParts: $0.partCount) }
            guard member.manifest.covers.map({ $0.first..<max($0.first, $0.end) }) == expected,
                  member.results.parts.map(\.parts) == expected else {
                problems.append(Problem(message: "\(member.folder): its files do not hold the parts of shard \(shard): damaged; run the shard again",
                                        shard: shard.index))
                named.insert(shard.index)
                continue
            }
            members[shard.index] = member
        }
        for index in 1...count where members[index] == nil && !named.contains(index) {
            // Shards with no part (more shards than parts) need not be given.
            guard let shard = try? Shard(index: index, count: count) else { continue }
            let covers = plans.map { $0.describeParts(shard.range(ofParts: $0.partCount)) }
            guard plans.contains(where: { !shard.range(ofParts: $0.partCount).isEmpty }) else { continue }
            problems.append(Problem(message: "shard \(shard) is missing: no folder given holds it; it runs \(covers.joined(separator: "; "))",
                                    shard: index, isMissing: true))
        }
        guard problems.isEmpty else { throw Failure(problems: problems) }
        let ordered = members.keys.sorted().compactMap { members[$0] }
        var results: [PlanResults] = []
        for (j, plan) in plans.enumerated() {
            do {
                results.append(try plan.merge(ordered.map { $0.results.parts[j] }))
            } catch {
                throw Failure(problems: [Problem(message: error.description, shard: nil)])
            }
        }
        return ShardMerge(members: ordered, steps: reference.results.steps, plans: plans, results: results)
    }

    /// What makes `member` a shard of another run than `reference`, in words (empty when it is of the same).
    static func differences(_ member: Member, from reference: Member) -> [String] {
        let a = member.manifest, b = reference.manifest
        var differences: [String] = []
        if a.programSHA256 != b.programSHA256 {
            differences.append("it ran another program (\(a.program.path), SHA-256 \(a.programSHA256.prefix(12))…, not \(b.program.path), \(b.programSHA256.prefix(12))…)")
        } else if a.planSHA256 != b.planSHA256 || member.results.plans != reference.results.plans {
            differences.append("the program compiled to other plans (other data, data folder or constants)")
        }
        if a.shard.count != b.shard.count { differences.append("it is one of \(a.shard.count) shards, not \(b.shard.count)") }
        if a.tilt.version != b.tilt.version || a.tilt.commit != b.tilt.commit {
            differences.append("it ran another Tilt build (\(describe(a.tilt)), not \(describe(b.tilt)))")
        }
        let theirs = a.dataFiles.map { "\($0.path) \($0.sha256)" }, ours = b.dataFiles.map { "\($0.path) \($0.sha256)" }
        if theirs != ours {
            let changed = a.dataFiles.filter { file in !b.dataFiles.contains { $0.path == file.path && $0.sha256 == file.sha256 } }
            differences.append("it read other data (" + (changed.isEmpty ? "other files" : changed.map { "\($0.path) with SHA-256 \($0.sha256.prefix(12))…" }.joined(separator: ", ")) + ")")
        }
        return differences
    }

    private static func describe(_ build: Provenance.Build) -> String {
        "Tilt \(build.version)" + (build.commit.map { " \($0.prefix(12))" } ?? "")
    }

    /// The provenance of the merged run for its run.json and report: the shards' program, data files and
    /// build, started when the first shard started, and the shards themselves.
    public func provenance(merged: Date = Date()) -> Provenance {
        let m = manifest
        let starts = members.map(\.manifest.started).sorted()
        let first = starts.first ?? m.started
        let startDate = ISO8601DateFormatter().date(from: first) ?? merged
        return Provenance(program: m.program, tilt: m.tilt, dataFiles: m.dataFiles, runDate: first,
                          wallTimeSeconds: merged.timeIntervalSince(startDate), shards: members.map(\.manifest.record))
    }
}

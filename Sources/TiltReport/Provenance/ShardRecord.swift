import Foundation
import TiltData

/// One shard of a run spread over machines (`tilt run --shard i/N`, merged by `tilt merge`): which parts it
/// ran, where and when. run.json of a merged run lists them under `shards`.
public struct ShardRecord: Codable, Sendable, Equatable {
    /// 1 … count.
    public var index: Int
    public var count: Int
    /// The parts it ran, one entry per plan of the program ("trials 1–1250 of 5000").
    public var covers: [String]
    /// The machine it ran on.
    public var host: String?
    /// The Slurm job that ran it (`1234_3`: array job 1234, task 3), when it ran under Slurm.
    public var slurmJob: String?
    /// When it started (UTC, ISO 8601 to the second) and its wall time from then until its files were
    /// written, seconds.
    public var started: String
    public var wallTimeSeconds: Double

    public init(index: Int, count: Int, covers: [String], host: String?, slurmJob: String?, started: String, wallTimeSeconds: Double) {
        self.index = index
        self.count = count
        self.covers = covers
        self.host = host
        self.slurmJob = slurmJob
        self.started = started
        self.wallTimeSeconds = wallTimeSeconds
    }
}

extension Provenance {
    /// "merged from 4 shards (Slurm jobs 1234_1 … 1234_4)" for a merged run; nil for a run in one process.
    public var shardSummary: String? {
        guard let shards, !shards.isEmpty else { return nil }
        let jobs = shards.compactMap(\.slurmJob)
        let jobText = jobs.isEmpty ? "" : jobs.count == 1 ? " (Slurm job \(jobs[0]))" : " (Slurm jobs \(jobs[0]) … \(jobs[jobs.count - 1]))"
        return "merged from \(shards.count) shard\(shards.count == 1 ? "" : "s")\(jobText)"
    }

    /// The lowercase hexadecimal SHA-256 of `bytes` (a program's text, a plan's JSON, a results file).
    public static func sha256(_ bytes: some DataProtocol) -> String {
        SHA256Digest.hex(of: Data(bytes))
    }
}

import Foundation
import TiltBacktest
import TiltLanguage
import TiltReport

/// A run spread over a Slurm cluster by `tilt slurm` (Docs/distributed.md): its folder holds the job array's
/// batch script (`tilt-shards.sbatch`, one task per shard), the merge job's (`tilt-merge.sbatch`), this
/// record (`job.json`), the shards' folders (`shards/<i>`), their logs (`logs/shard-<i>.out`, the merges'
/// `logs/merge-<jobid>.out`) and the merged report (`report/`).
struct SlurmJob: Codable {
    static let recordName = "job.json"
    static let shardScriptName = "tilt-shards.sbatch"
    static let mergeScriptName = "tilt-merge.sbatch"
    static let currentFormat = 1

    /// The resources asked of Slurm for each task (nil: the cluster's default).
    struct Resources: Codable, Equatable {
        var partition: String?
        var account: String?
        var qos: String?
        var time: String?
        var cpusPerTask: Int?
        var mem: String?
    }

    /// One submission: the array (all shards, or those resubmitted) and its merge job.
    struct Submission: Codable {
        var date: String
        /// The array's indices (`1-8`, `3,5`).
        var shards: String
        var arrayJob: String
        var mergeJob: String
    }

    var format: Int
    /// Absolute paths: the job folder, the `tilt` that runs the shards, the program and the data folder,
    /// and the folder `tilt slurm` ran in, where the tasks run (a plan file's relative paths are from there).
    var folder: String
    var directory: String
    var tilt: String
    var program: String
    var data: String?
    var programSHA256: String
    /// SHA-256 of the program's plans as compiled when the job was made (`ShardResults.planSHA256`).
    var planSHA256: String
    /// Each plan's number of parts.
    var parts: [Int]
    var shards: Int
    var maxRunning: Int?
    var resources: Resources
    /// The name of the array's tasks; the merge job's is this with `-merge`. Unique to the folder, so that
    /// `squeue --name` finds the job's tasks however they were submitted.
    var jobName: String
    var created: String
    var submissions: [Submission]

    var mergeJobName: String { jobName + "-merge" }
    func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }
    var shardsFolder: String { path("shards") }
    var logsFolder: String { path("logs") }
    var reportFolder: String { path("report") }
    func shardFolder(_ index: Int) -> String { (shardsFolder as NSString).appendingPathComponent("\(index)") }

    /// Whether shard `index` has any part to run (with more shards than parts, some have none).
    func hasParts(_ index: Int) -> Bool {
        guard let shard = try? Shard(index: index, count: shards) else { return false }
        return parts.contains { !shard.range(ofParts: $0).isEmpty }
    }

    /// The shards with a part to run, in order: all N, unless there are more shards than parts.
    var shardsWithParts: [Int] { (1...shards).filter(hasParts) }

    // MARK: Scripts

    /// `#SBATCH` lines for the resources asked.
    private var resourceDirectives: [String] {
        var lines: [String] = []
        if let p = resources.partition { lines.append("--partition=\(p)") }
        if let a = resources.account { lines.append("--account=\(a)") }
        if let q = resources.qos { lines.append("--qos=\(q)") }
        if let t = resources.time { lines.append("--time=\(t)") }
        if let m = resources.mem { lines.append("--mem=\(m)") }
        return lines
    }

    /// The job array: task i runs shard i of N (`--array=1-N%K`; shards with nothing to run are left out),
    /// its log appended to `logs/shard-<i>.out` (a requeued or resubmitted task adds to it), requeued when
    /// preempted or its node fails.
    var shardScript: String {
        let array = Self.indices(shardsWithParts) + (maxRunning.map { "%\($0)" } ?? "")
        let directives = ["--job-name=\(jobName)", "--array=\(array)", "--output=\(Self.pattern(logsFolder))/shard-%a.out",
                          "--open-mode=append", "--requeue", "--ntasks=1"]
            + (resources.cpusPerTask.map { ["--cpus-per-task=\($0)"] } ?? []) + resourceDirectives
        let command = [tilt, "run", program] + (data.map { ["--data", $0] } ?? [])
        return """
        #!/bin/bash
        # Tilt: the shards of \(Self.comment(program)), one array task each (written by `tilt slurm`; Docs/distributed.md).
        # Task i runs shard i of \(shards) into shards/i; tilt-merge.sbatch merges them. Rerun the failed or
        # missing ones with: tilt slurm --resubmit \(Self.comment(folder))
        \(directives.map { "#SBATCH \($0)" }.joined(separator: "\n"))
        cd \(Self.quote(directory)) || exit 1
        echo "== tilt shard ${SLURM_ARRAY_TASK_ID}/\(shards): job ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID} on $(hostname), attempt $(( ${SLURM_RESTART_COUNT:-0} + 1 )), $(date -u +%Y-%m-%dT%H:%M:%SZ)"
        exec \(command.map(Self.quote).joined(separator: " ")) --shard "${SLURM_ARRAY_TASK_ID}/\(shards)" --out \(Self.quote(shardsFolder))/"${SLURM_ARRAY_TASK_ID}"

        """
    }

    /// The merge job, submitted to start once the array has ended however it ended (`afterany`): it merges
    /// the shard folders there are, and fails naming the shards that failed or are missing.
    var mergeScript: String {
        let directives = ["--job-name=\(mergeJobName)", "--output=\(Self.pattern(logsFolder))/merge-%j.out", "--ntasks=1"]
            + resourceDirectives
        return """
        #!/bin/bash
        # Tilt: merges the shards of \(Self.comment(program)) into report/ (written by `tilt slurm`; Docs/distributed.md).
        # Submitted with --dependency=afterany:<the array's job id>.
        \(directives.map { "#SBATCH \($0)" }.joined(separator: "\n"))
        cd \(Self.quote(directory)) || exit 1
        echo "== tilt merge: job ${SLURM_JOB_ID} on $(hostname), $(date -u +%Y-%m-%dT%H:%M:%SZ)"
        \(Self.quote(tilt)) merge --out \(Self.quote(reportFolder)) --logs \(Self.quote(logsFolder)) \(Self.quote(shardsFolder))/* && exit 0
        status=$?
        echo "rerun the shards that failed or are missing, and merge again, with: tilt slurm --resubmit \(Self.quote(folder))"
        exit $status

        """
    }

    /// `text` in single quotes for the shell.
    static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// A path as a Slurm file name pattern (`%` doubled).
    private static func pattern(_ path: String) -> String { path.replacingOccurrences(of: "%", with: "%%") }

    /// A path on one comment line.
    private static func comment(_ path: String) -> String { path.replacingOccurrences(of: "\n", with: " ") }

    /// Why `path` cannot stand in an `#SBATCH` line (which Slurm splits at white space and does not
    /// unquote), or nil.
    static func directiveProblem(_ path: String) -> String? {
        let bad = path.unicodeScalars.first { CharacterSet.whitespacesAndNewlines.contains($0) || "\"'\\$`".unicodeScalars.contains($0) }
        return bad.map { "it holds `\($0.escaped(asASCII: true))`, which an #SBATCH line cannot hold: choose a folder whose path has no spaces, quotes, `$` or backslashes" }
    }

    // MARK: Record

    func write() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(String(decoding: try encoder.encode(self), as: UTF8.self) + "\n", to: URL(fileURLWithPath: path(Self.recordName)))
    }

    /// The job recorded in `folder`; throws a message when there is none.
    static func read(folder: String) throws -> SlurmJob {
        let path = (folder as NSString).appendingPathComponent(recordName)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SlurmError("\(folder) is not the folder of a job of `tilt slurm`: it has no \(recordName)")
        }
        let job: SlurmJob
        do { job = try JSONDecoder().decode(SlurmJob.self, from: data) } catch {
            throw SlurmError("\(path) cannot be read: \(error)")
        }
        guard job.format == currentFormat else { throw SlurmError("\(path) is of format \(job.format); this Tilt reads format \(currentFormat)") }
        return job
    }

    /// `[3, 5, 6, 7]` as Slurm's array indices: `3,5-7`.
    static func indices(_ values: [Int]) -> String {
        var pieces: [String] = []
        var i = 0
        let sorted = values.sorted()
        while i < sorted.count {
            var j = i
            while j + 1 < sorted.count, sorted[j + 1] == sorted[j] + 1 { j += 1 }
            pieces.append(j == i ? "\(sorted[i])" : "\(sorted[i])-\(sorted[j])")
            i = j + 1
        }
        return pieces.joined(separator: ",")
    }
}

/// A problem with a Slurm job or with Slurm itself, in words.
struct SlurmError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

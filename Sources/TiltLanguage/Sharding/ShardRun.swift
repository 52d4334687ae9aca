import Foundation
import TiltBacktest
import TiltReport
import TiltSyntax

/// One shard of a run (`tilt run FILE --shard i/N`) in a `Session`: the program runs as usual — its
/// matrix layer, `print`s and lowering — but what it prints is recorded rather than shown, and each plan it
/// makes runs only this shard's parts (`Shard.range(ofParts:)`). An error in a part is located in the
/// program by the session, as in a run of the whole. Afterwards `files` gives the shard's manifest and
/// results.
public final class ShardRun {
    public let shard: Shard
    public let started: Date
    public private(set) var steps: [ShardResults.Step] = []
    public private(set) var plans: [Plan] = []
    public private(set) var parts: [PlanPart] = []

    /// Attaches to `session` (its `output` and `planned`); `progress(done, total)` reports each part's
    /// rebalances or trials.
    public init(shard: Shard, session: Session, started: Date = Date(), progress: (@Sendable (Int, Int) -> Void)? = nil) {
        self.shard = shard
        self.started = started
        // The session keeps this run; the run refers back to it weakly (for the program's database passwords and notes).
        session.output = { text in self.record(output: text) }
        session.planned = { [weak session] plan in
            if let problem = plan.shardingProblem { throw PlanError(problem, at: .policy) }
            let part = try plan.runPart(shard.range(ofParts: plan.partCount), suggest: { closestName(to: $0, among: $1) },
                                        passwords: session?.databasePasswords ?? [:], notes: { $0.forEach { session?.notes($0) } },
                                        progress: progress)
            self.steps.append(ShardResults.Step(plan: self.plans.count))
            self.plans.append(plan)
            self.parts.append(part)
        }
    }

    private func record(output text: String) {
        if let last = steps.last?.output {
            steps[steps.count - 1].output = last + text
        } else {
            steps.append(ShardResults.Step(output: text))
        }
    }

    /// What the shard covers of each plan, in words and as part ranges.
    public var covers: [ShardManifest.Coverage] {
        zip(plans, parts).map { plan, part in
            ShardManifest.Coverage(first: part.first, end: part.end, total: plan.partCount, description: plan.describeParts(part.parts))
        }
    }

    /// The data files of the run: those `session` read (`read("…")`) and then each plan's, as a run of the
    /// whole lists them in its run.json.
    public func dataFiles(of session: Session) -> [String] {
        var files = session.dataFilesRead
        for plan in plans {
            for file in plan.dataFiles where !files.contains(file) && FileManager.default.fileExists(atPath: file) { files.append(file) }
        }
        return files
    }

    /// The manifest of the shard as it stands: complete when `error` is nil, failed with it otherwise.
    /// `dataFiles` are described (size, SHA-256) now; throws when one cannot be read.
    public func manifest(program: Provenance.Program, tilt: Provenance.Build, dataFiles: [String], error: String?) throws -> ShardManifest {
        ShardManifest(format: ShardManifest.currentFormat, shard: shard, status: error == nil ? .complete : .failed, error: error,
                      program: program, programSHA256: Provenance.sha256(Data(program.text.utf8)),
                      planSHA256: plans.isEmpty && error != nil ? nil : try ShardResults.planSHA256(plans),
                      dataFiles: try dataFiles.map { path throws(ReportError) in try Provenance.DataFile.describe(path: path) },
                      tilt: tilt, covers: error == nil ? covers : [], host: ShardRun.host, slurmJob: ShardRun.slurmJob,
                      started: Provenance.timestamp(started), wallTimeSeconds: Date().timeIntervalSince(started),
                      cpuTimeSeconds: ShardRun.processorSeconds, resultsSHA256: nil)
    }

    /// The results the shard computed.
    public var results: ShardResults { ShardResults(steps: steps, plans: plans, parts: parts) }

    /// The processor time this process has used so far (user + system, every thread), seconds.
    static var processorSeconds: Double? {
        var usage = rusage()
        #if canImport(Glibc)
        let who = __rusage_who_t(RUSAGE_SELF.rawValue)
        #else
        let who = RUSAGE_SELF
        #endif
        guard getrusage(who, &usage) == 0 else { return nil }
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// This machine's name.
    static var host: String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The Slurm job running this process: `ARRAYJOB_TASK` for a job array's task, the job id otherwise.
    static var slurmJob: String? {
        let environment = ProcessInfo.processInfo.environment
        if let array = environment["SLURM_ARRAY_JOB_ID"], let task = environment["SLURM_ARRAY_TASK_ID"] { return "\(array)_\(task)" }
        return environment["SLURM_JOB_ID"]
    }
}

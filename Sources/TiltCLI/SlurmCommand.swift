import ArgumentParser
import Foundation
import TiltBacktest
import TiltLanguage
import TiltReport
import TiltSyntax

struct Slurm: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a program's sweeps and Monte Carlo studies as a Slurm job array, merged by a job of its own.",
        discussion: """
        Writes a job folder (--out, default slurm-<program>): tilt-shards.sbatch, a job array whose task i \
        runs `tilt run FILE --shard i/N` (--array=1-N%K, --requeue, one log per shard in logs/), and \
        tilt-merge.sbatch, which runs after the array however it ended (afterany), merges the shards into \
        report/ and fails naming the shards that failed or are missing. --submit submits both with sbatch. \
        --resubmit DIR reruns only the shards that are neither finished nor queued or running (from the \
        shard folders and squeue; no accounting database needed) and submits a new merge. Docs/distributed.md.

        Examples:
          tilt slurm sweep.tilt --shards 8 --data ../shared/data --partition short --time 1:00:00 --submit
          tilt slurm study.tilt --shards 200 --max-running 50 --mem 4G --out /scratch/$USER/study --submit
          tilt slurm --resubmit /scratch/$USER/study
        """)

    @Argument(help: "The program file (not with --resubmit).")
    var file: String?

    @Option(help: "Split the run into this many shards, one array task each.")
    var shards: Int?

    @Option(help: "Folder searched for data files after the program's own folder (default: $TILT_DATA).")
    var data: String?

    @Option(help: "The job folder: scripts, shard folders, logs and the merged report (default: slurm-<program name>).")
    var out: String?

    @Option(help: "Slurm partition (sbatch --partition).") var partition: String?
    @Option(help: "Account to charge (sbatch --account).") var account: String?
    @Option(help: "Quality of service (sbatch --qos).") var qos: String?
    @Option(help: "Time limit of each task and of the merge (sbatch --time: minutes, H:MM:SS, D-HH:MM, …).") var time: String?
    @Option(name: .customLong("cpus-per-task"), help: "Cores for each shard (sbatch --cpus-per-task); a shard uses the cores it is given.")
    var cpusPerTask: Int?
    @Option(help: "Memory of each task and of the merge (sbatch --mem: 4000, 4G, …).") var mem: String?
    @Option(name: .customLong("max-running"), help: "Run at most this many shards at once (--array=1-N%K).")
    var maxRunning: Int?

    @Flag(help: "Submit the array and the merge job with sbatch and print their job ids.")
    var submit = false

    @Option(help: ArgumentHelp("Rerun the shards of the job in this folder that failed or are missing, and merge again.", valueName: "job folder"))
    var resubmit: String?

    func validate() throws {
        if let resubmit {
            guard file == nil, shards == nil, out == nil, data == nil, !submit,
                  [partition, account, qos, time, mem].allSatisfy({ $0 == nil }), cpusPerTask == nil, maxRunning == nil else {
                throw ValidationError("--resubmit \(resubmit) reruns the job as it was made: it takes no program or other options")
            }
            return
        }
        guard let file else { throw ValidationError("give the program to run (or --resubmit JOBFOLDER)") }
        guard let shards else { throw ValidationError("give the number of shards with --shards N") }
        guard (1...Shard.maximumCount).contains(shards) else { throw ValidationError("--shards must be from 1 to \(Shard.maximumCount), got \(shards)") }
        if let maxRunning, maxRunning < 1 { throw ValidationError("--max-running must be at least 1, got \(maxRunning)") }
        if let cpusPerTask, cpusPerTask < 1 { throw ValidationError("--cpus-per-task must be at least 1, got \(cpusPerTask)") }
        for (option, value) in [("--partition", partition), ("--account", account), ("--qos", qos)] {
            if let value, value.isEmpty || value.contains(where: { !($0.isLetter || $0.isNumber || "_-.,+".contains($0)) }) {
                throw ValidationError("\(option) `\(value)` is not a Slurm name (letters, digits, _ - . , +)")
            }
        }
        if let time, time.range(of: #"^([0-9]+(-[0-9]+(:[0-9]{1,2}(:[0-9]{1,2})?)?)?|[0-9]+:[0-9]{1,2}(:[0-9]{1,2})?|UNLIMITED|INFINITE|unlimited|infinite)$"#,
                                options: .regularExpression) == nil {
            throw ValidationError("--time `\(time)` is not a Slurm time limit: minutes, MM:SS, H:MM:SS, D-H, D-H:MM or D-H:MM:SS")
        }
        if let mem, mem.range(of: #"^[0-9]+[KMGTkmgt]?$"#, options: .regularExpression) == nil {
            throw ValidationError("--mem `\(mem)` is not a Slurm memory size: a number of megabytes, or with K, M, G or T")
        }
        let folder = out ?? Slurm.defaultFolder(for: file)
        if let problem = SlurmJob.directiveProblem(resolvedPath(folder)) { throw ValidationError("--out `\(folder)`: \(problem)") }
        if FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent(SlurmJob.recordName)) {
            throw ValidationError("--out `\(folder)` already holds a job: rerun its missing shards with `tilt slurm --resubmit \(folder)`, or give another folder")
        }
        try validateFolderDestination(folder, option: "--out", files: [SlurmJob.recordName, SlurmJob.shardScriptName, SlurmJob.mergeScriptName])
    }

    /// `slurm-<program name without extension>` in the current folder.
    static func defaultFolder(for file: String) -> String {
        "slurm-" + ((file as NSString).lastPathComponent as NSString).deletingPathExtension
    }

    func run() throws {
        do {
            if let resubmit { return try SlurmResubmission(folder: resubmit).run() }
            try makeJob()
        } catch let error as SlurmError {
            printError("tilt slurm: error: \(error)\n")
            throw userErrorExit
        }
    }

    /// Compiles the program (a broken program fails now, not in N tasks), writes the job folder and,
    /// with --submit, submits the array and its merge.
    private func makeJob() throws {
        guard let file, let shards else { return }
        let folder = resolvedPath(out ?? Slurm.defaultFolder(for: file))
        let program = resolvedPath(file)
        let dataFolder = dataDirectory(data).map(resolvedPath)
        let compiled = try SlurmProgram.compile(program, data: dataFolder)
        let largest = compiled.parts.max() ?? 0
        guard let tilt = Slurm.executablePath else { throw SlurmError("cannot find the path of this tilt executable for the batch scripts") }
        var job = SlurmJob(format: SlurmJob.currentFormat, folder: folder, directory: resolvedPath(FileManager.default.currentDirectoryPath), tilt: tilt, program: program, data: dataFolder,
                           programSHA256: compiled.programSHA256, planSHA256: compiled.planSHA256, parts: compiled.parts,
                           shards: shards, maxRunning: maxRunning,
                           resources: .init(partition: partition, account: account, qos: qos, time: time, cpusPerTask: cpusPerTask, mem: mem),
                           jobName: "tilt-" + Slurm.jobWord((program as NSString).lastPathComponent) + "-" + Provenance.sha256(Data(folder.utf8)).prefix(8),
                           created: Provenance.timestamp(Date()), submissions: [])
        do {
            for sub in [folder, job.shardsFolder, job.logsFolder] {
                try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
            }
        } catch {
            throw SlurmError("cannot create the job folder \(folder): \(AtomicFile.reason(error))")
        }
        try AtomicFile.write(job.shardScript, to: URL(fileURLWithPath: job.path(SlurmJob.shardScriptName)))
        try AtomicFile.write(job.mergeScript, to: URL(fileURLWithPath: job.path(SlurmJob.mergeScriptName)))
        try job.write()
        printOutput("\((program as NSString).lastPathComponent): \(compiled.summary) in \(shards) shard\(shards == 1 ? "" : "s")\n")
        let tasks = job.shardsWithParts
        if tasks.count < shards {
            printOutput("note: \(shards - tasks.count) of the \(shards) shards would have nothing to run (the largest plan has \(largest) part\(largest == 1 ? "" : "s")): the array runs the other \(tasks.count)\n")
        }
        printOutput("wrote \(job.path(SlurmJob.shardScriptName)), \(job.path(SlurmJob.mergeScriptName)), \(job.path(SlurmJob.recordName))\n")
        guard submit else {
            printOutput("""
            submit them with `tilt slurm --resubmit \(folder)`, or by hand:
              jobid=$(sbatch --parsable \(SlurmJob.quote(job.path(SlurmJob.shardScriptName))))
              sbatch --dependency=afterany:${jobid%%;*} \(SlurmJob.quote(job.path(SlurmJob.mergeScriptName)))

            """)
            return
        }
        try SlurmCLI.checkArraySize(shards)
        let array = try SlurmCLI.submit(script: job.path(SlurmJob.shardScriptName), arguments: [])
        let merge = try SlurmCLI.submit(script: job.path(SlurmJob.mergeScriptName), arguments: ["--dependency=afterany:\(array)"])
        job.submissions.append(.init(date: Provenance.timestamp(Date()), shards: SlurmJob.indices(tasks), arrayJob: array, mergeJob: merge))
        try job.write()
        let covered = tasks.count == shards ? "shards 1-\(shards)" : "the \(tasks.count) shards with parts"
        printOutput("submitted job array \(array) (\(covered)\(maxRunning.map { ", at most \($0) at once" } ?? "")) and merge job \(merge)\n"
                    + "logs: \(job.logsFolder); report: \(job.reportFolder); rerun failed shards: tilt slurm --resubmit \(folder)\n")
    }

    /// The path of the running executable (the shards run the same build).
    static var executablePath: String? {
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? Bundle.main.executablePath
        return path.map(resolvedPath)
    }

    /// A program's name as a job name's word: letters, digits, `_` and `-` kept, the rest `_`.
    static func jobWord(_ name: String) -> String {
        String((name as NSString).deletingPathExtension.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "_" }.prefix(40))
    }
}

/// A program compiled as its shards compile it (absolute paths), to check it and count its parts.
struct SlurmProgram {
    let programSHA256: String
    let planSHA256: String
    let parts: [Int]
    /// "2 plans: 19 backtests, 5000 trials".
    let summary: String

    static func compile(_ program: String, data: String?) throws -> SlurmProgram {
        final class Plans { var all: [Plan] = [] }
        let plans = Plans()
        let bytes: [UInt8]
        if program.hasSuffix(".json") {
            let (plan, text) = try readPlan(program)
            if let problem = plan.shardingProblem { throw SlurmError("\(program): \(problem)") }
            (plans.all, bytes) = ([plan], text)
        } else {
            let source = try loadProgram(program)
            let session = Session(mode: .program, locations: DataLocations(programDirectory: URL(fileURLWithPath: program).deletingLastPathComponent().path,
                                                                           dataDirectory: data), output: { _ in })
            session.planned = { plan in
                if let problem = plan.shardingProblem { throw PlanError(problem, at: .policy) }
                plans.all.append(plan)
            }
            try reportAndExitOnErrors(session.run(source), in: source)
            bytes = source.bytes
        }
        guard !plans.all.isEmpty else { throw SlurmError("\(program) has no strategy or experiment to run in shards") }
        let parts = plans.all.map(\.partCount)
        let words = plans.all.map { plan in
            plan.strategy != nil ? "\(plan.partCount) backtest\(plan.partCount == 1 ? "" : "s")" : "\(plan.partCount) trials"
        }
        return SlurmProgram(programSHA256: Provenance.sha256(Data(bytes)),
                            planSHA256: try ShardResults.planSHA256(plans.all), parts: parts, summary: words.joined(separator: " and "))
    }
}

/// Slurm's own commands (sbatch, squeue, scancel, scontrol), run as a user would.
enum SlurmCLI {
    /// Runs `tool arguments`; its status and outputs. Throws when it cannot be started.
    static func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { throw SlurmError("cannot run \(tool): \(AtomicFile.reason(error))") }
        // Read both pipes while the tool runs, so that a full pipe cannot stall it.
        nonisolated(unsafe) var errorData = Data()
        let reader = Thread { errorData = error.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        let errorText = String(decoding: errorData, as: UTF8.self)
        if process.terminationStatus == 127, errorText.contains("No such file") {
            throw SlurmError("\(tool) is not installed or not on PATH: Slurm's commands are needed (on a cluster, `module load slurm` or ask its administrators)")
        }
        return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), errorText)
    }

    /// Submits `script` with `sbatch --parsable arguments`; the job id.
    static func submit(script: String, arguments: [String]) throws -> String {
        let (status, output, error) = try run("sbatch", ["--parsable"] + arguments + [script])
        guard status == 0 else {
            throw SlurmError("sbatch refused \(script): \(error.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        // `--parsable` prints "jobid" or "jobid;cluster".
        let id = output.split(whereSeparator: \.isNewline).first.map { String($0.split(separator: ";").first ?? "") } ?? ""
        guard !id.isEmpty, id.allSatisfy(\.isNumber) else { throw SlurmError("sbatch printed no job id for \(script): `\(output)`") }
        return id
    }

    /// Refuses more shards than the cluster's `MaxArraySize` allows (indices go up to MaxArraySize − 1);
    /// says nothing when scontrol cannot tell.
    static func checkArraySize(_ shards: Int) throws {
        guard let (status, output, _) = try? run("scontrol", ["show", "config"]), status == 0 else { return }
        for line in output.split(whereSeparator: \.isNewline) where line.hasPrefix("MaxArraySize") {
            guard let value = line.split(separator: "=").last.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) else { continue }
            if shards > value - 1 {
                throw SlurmError("this cluster's MaxArraySize is \(value), so a job array has at most \(value - 1) tasks, and \(shards) shards were asked for: use --shards \(value - 1) or fewer")
            }
        }
    }

    /// A task or job squeue lists: array job id, task (nil for a job that is not an array), name, state.
    struct QueuedTask {
        var job: String
        var task: Int?
        var name: String
        var state: String

        /// Whether Slurm may still run it or is running it (finished jobs stay listed for a while).
        var isActive: Bool {
            !["COMPLETED", "CANCELLED", "FAILED", "TIMEOUT", "NODE_FAIL", "PREEMPTED", "BOOT_FAIL", "DEADLINE", "OUT_OF_MEMORY"].contains(state)
        }
    }

    /// The queued and running tasks of jobs named `names` (one line per array task).
    static func queue(names: [String]) throws -> [QueuedTask] {
        let (status, output, error) = try run("squeue", ["--noheader", "--array", "--name=" + names.joined(separator: ","), "--format=%F|%K|%j|%T"])
        guard status == 0 else {
            throw SlurmError("squeue failed, so which shards are still queued or running is not known: \(error.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return output.split(whereSeparator: \.isNewline).compactMap { line in
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == 4 else { return nil }
            return QueuedTask(job: fields[0], task: Int(fields[1]), name: fields[2], state: fields[3])
        }
    }
}

/// `tilt slurm --resubmit DIR`: what each shard of the job is — finished, queued or running (squeue), or
/// failed or missing (neither) — then a new array of the failed and missing ones and a new merge after it.
struct SlurmResubmission {
    let folder: String

    func run() throws {
        var job = try SlurmJob.read(folder: folder)
        // The program must still compile to the plans the finished shards ran, or the merge would refuse them.
        let compiled = try SlurmProgram.compile(job.program, data: job.data)
        guard compiled.planSHA256 == job.planSHA256 else {
            throw SlurmError("\(job.program) has changed since the job was made (it compiles to other plans), so new shards would not merge with the old: start a new job with `tilt slurm`")
        }
        // Ask Slurm first and read the folders second: a task that ends in between is then seen as running, never as failed.
        let queued = try SlurmCLI.queue(names: [job.jobName, job.mergeJobName]).filter(\.isActive)
        let runningShards = Set(queued.filter { $0.name == job.jobName }.compactMap(\.task))
        var rerun: [Int] = []
        var lines: [String] = []
        for index in 1...job.shards where job.hasParts(index) {
            if let manifest = try? ShardFiles.manifest(in: job.shardFolder(index)), manifest.status == .complete,
               manifest.planSHA256 == job.planSHA256, manifest.shard.count == job.shards,
               FileManager.default.fileExists(atPath: (job.shardFolder(index) as NSString).appendingPathComponent(ShardResults.fileName)) {
                continue
            }
            if runningShards.contains(index) {
                lines.append("shard \(index)/\(job.shards): queued or running")
                continue
            }
            rerun.append(index)
            let why: String
            do {
                let manifest = try ShardFiles.manifest(in: job.shardFolder(index))
                why = manifest.status == .failed ? "failed: " + (manifest.error?.split(whereSeparator: \.isNewline).first.map(String.init) ?? "")
                    : "finished with another plan or number of shards"
            } catch {
                why = "did not finish"
            }
            lines.append("shard \(index)/\(job.shards): \(why) (log: \(job.logsFolder)/shard-\(index).out)")
        }
        for line in lines { printOutput(line + "\n") }
        let activeMerges = queued.filter { $0.name == job.mergeJobName }
        if rerun.isEmpty {
            if !activeMerges.isEmpty {
                printOutput("nothing to resubmit: merge job \(activeMerges.map(\.job).joined(separator: ", ")) is queued or running\n")
                return
            }
            if runningShards.isEmpty, FileManager.default.fileExists(atPath: (job.reportFolder as NSString).appendingPathComponent(ReportWriter.runFileName)) {
                printOutput("nothing to resubmit: every shard has finished and \(job.reportFolder) holds the merged report\n")
                return
            }
        }
        // A merge still waiting on the old array would run before the new shards finish: it is replaced.
        for merge in activeMerges where merge.state == "PENDING" {
            let (status, _, error) = try SlurmCLI.run("scancel", [merge.job])
            if status != 0 { printError("tilt slurm: could not cancel the old merge job \(merge.job): \(error)") }
        }
        var dependencies = Set(queued.filter { $0.name == job.jobName }.map(\.job))
        var array = "-"
        if !rerun.isEmpty {
            let indices = SlurmJob.indices(rerun) + (job.maxRunning.map { "%\($0)" } ?? "")
            try SlurmCLI.checkArraySize(rerun.max() ?? 0)
            array = try SlurmCLI.submit(script: job.path(SlurmJob.shardScriptName), arguments: ["--array=\(indices)"])
            dependencies.insert(array)
            printOutput("resubmitted shards \(SlurmJob.indices(rerun)) as job array \(array)\n")
        }
        let merge = try SlurmCLI.submit(script: job.path(SlurmJob.mergeScriptName),
                                        arguments: dependencies.isEmpty ? [] : ["--dependency=afterany:" + dependencies.sorted().joined(separator: ":")])
        printOutput("submitted merge job \(merge)\(dependencies.isEmpty ? "" : " (after \(dependencies.sorted().joined(separator: ", ")))")\n")
        job.submissions.append(.init(date: Provenance.timestamp(Date()), shards: rerun.isEmpty ? "" : SlurmJob.indices(rerun), arrayJob: array, mergeJob: merge))
        try job.write()
    }
}

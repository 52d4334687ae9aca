import ArgumentParser
import Foundation
import TiltBacktest
import TiltLanguage
import TiltReport
import TiltSyntax

// A run spread over machines (Docs/distributed.md): `tilt run FILE --shard i/N --out DIR` runs shard i's
// part of each plan and writes its results and manifest; `tilt merge DIR… --out REPORT` checks that the
// shards are of one run and cover it exactly once, and presents and writes what one run would.

extension Run {
    /// `--shard` needs `--out` (the shard's folder) and plans that run.
    func validateShard() throws {
        guard let shard else { return }
        do { _ = try Shard(parsing: shard) } catch { throw ValidationError("--shard: \(error)") }
        guard let out else { throw ValidationError("--shard writes the shard's results into a folder: give it with --out") }
        if planJSON { throw ValidationError("--plan-json prints the plan without running it: it takes no --shard") }
        try validateFolderDestination(out, option: "--out", files: ShardFiles.fileNames)
    }

    /// Runs shard `text` (`i/N`) of the program or plan and writes its folder: its results and a complete
    /// manifest, or a failed manifest saying why (and exit 1).
    func runShard(_ text: String, started: Date) throws {
        let shard = try Shard(parsing: text)
        let folder = URL(fileURLWithPath: out ?? ".")
        let bar = ShardProgress()
        let session: Session
        let program: Provenance.Program
        var failure: String?
        // Paths resolved to absolute ones, so that shards started from other folders compile the same plans.
        if file.hasSuffix(".json") {
            let (plan, bytes) = try readPlan(file)
            program = Provenance.Program(path: file, text: String(decoding: bytes, as: UTF8.self))
            session = Session(mode: .program)
            let run = ShardRun(shard: shard, session: session, started: started, progress: { bar.update($0, $1) })
            do { try session.execute(plan) } catch let error as PlanError {
                bar.finish()
                failure = planErrorText(error, plan: file)
                printError(failure ?? "")
            }
            try finishShard(run, session: session, program: program, failure: failure, folder: folder, bar: bar)
        } else {
            let source = try loadProgram(file)
            program = Provenance.Program(path: source.name, text: String(decoding: source.bytes, as: UTF8.self))
            session = Session(mode: .program, locations: DataLocations(programDirectory: resolvedPath(directory(of: source)),
                                                                       dataDirectory: dataDirectory(data).map(resolvedPath)))
            let run = ShardRun(shard: shard, session: session, started: started, progress: { bar.update($0, $1) })
            let diagnostics = session.run(source)
            if !diagnostics.isEmpty {
                let list = DiagnosticList(file: source, diagnostics: diagnostics)
                bar.finish()
                printError(list.rendered(color: stderrWantsColor) + list.summary + "\n")
                failure = list.rendered(color: false) + list.summary
            }
            try finishShard(run, session: session, program: program, failure: failure, folder: folder, bar: bar)
        }
    }

    /// Writes the shard's files and says what it covered; a failed shard's manifest says why (exit 1).
    private func finishShard(_ run: ShardRun, session: Session, program: Provenance.Program, failure: String?,
                             folder: URL, bar: ShardProgress) throws {
        bar.finish()
        let tree = SourceTree.state
        let build = Provenance.Build(version: Tilt.version, commit: tree?.commit, modified: tree?.modified)
        var failure = failure
        if failure == nil, run.plans.isEmpty {
            failure = "tilt: \(program.path) has no strategy, policy or experiment to run in shards\n"
            printError(failure ?? "")
        }
        do {
            if let failure {
                let manifest = try run.manifest(program: program, tilt: build, dataFiles: [], error: failure)
                try ShardFiles.write(manifest: manifest, results: nil, to: folder)
                printError("tilt: shard \(run.shard) of \(program.path) failed; \(folder.path)/\(ShardManifest.fileName) says why\n")
                throw userErrorExit
            }
            let manifest = try run.manifest(program: program, tilt: build, dataFiles: run.dataFiles(of: session), error: nil)
            let written = try ShardFiles.write(manifest: manifest, results: run.results, to: folder)
            let covered = manifest.covers.map(\.description).joined(separator: "; ")
            let seconds = ValueFormat.number(manifest.wallTimeSeconds, decimals: 1)
            printOutput(manifest.isEmpty
                ? "shard \(run.shard) of \(program.path) is empty: the run has fewer parts than shards (\(covered))\n"
                : "shard \(run.shard) of \(program.path): \(covered), \(seconds) s\n")
            printOutput("wrote " + written.map(\.path).joined(separator: ", ") + "\n")
        } catch let error as ExitCode {
            throw error
        } catch {
            printError("tilt: \(error)\n")
            throw userErrorExit
        }
    }
}

/// The progress bar of a shard's parts (on a terminal only; a Slurm log gets none).
private final class ShardProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var bar: ProgressBar?

    func update(_ done: Int, _ total: Int) {
        lock.withLock {
            if bar == nil { bar = ProgressBar(total: total, label: "shard") }
            bar?.update(completed: done)
            if done >= total { bar?.finish(); bar = nil }
        }
    }

    func finish() {
        lock.withLock {
            bar?.finish()
            bar = nil
        }
    }
}

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Merge the shards of a run (tilt run --shard i/N) into the report one run would write.",
        discussion: """
        Checks that the shards belong to one run (the same program, plans, data files, Tilt build and number \
        of shards) and cover it exactly once — a missing, failed, duplicated or foreign shard is an error \
        naming it, and nothing is written — then prints the tables and writes the report, CSV files and \
        run.json (with the shards recorded) as `tilt run` would, with the same numbers bit for bit: results \
        are combined in variant and trial order. Shards with no part (more shards than parts) may be left out.

        Examples:
          tilt merge shards/1 shards/2 shards/3 shards/4 --out report
          tilt merge job/shards/* --out job/report --logs job/logs
        """)

    @Argument(help: "The shards' folders (each the --out of a `tilt run --shard i/N`).")
    var folders: [String] = []

    @Option(help: "Write the merged report to this folder (as `tilt run --out`; Docs/outputs.md).")
    var out: String?

    @Option(help: "The folder of the shards' logs (shard-<i>.out, as `tilt slurm` writes them): the end of a failed or missing shard's log is shown.")
    var logs: String?

    @Flag(help: "Print every result's tables; a sweep otherwise prints one row per value.")
    var verbose = false

    /// How many missing shards are described in full (with their parts and logs) before the rest are listed.
    static let missingShownInFull = 10

    func validate() throws {
        guard !folders.isEmpty else { throw ValidationError("give the folders of the shards to merge") }
        guard let out else { return }
        try validateFolderDestination(out, option: "--out", files: ReportFolder.fileNames)
        if let shard = folders.first(where: { resolvedPath($0) == resolvedPath(out) }) {
            throw ValidationError("--out `\(out)` is the shard folder `\(shard)`: give the merged report a folder of its own")
        }
    }

    func run() throws {
        let merged: ShardMerge
        do {
            merged = try ShardMerge.merge(folders: folders)
        } catch {
            // Every problem, but of a long run of missing shards (an array cancelled or never started) only
            // the first few in full, then their numbers.
            let missing = error.problems.filter(\.isMissing)
            for problem in error.problems where !problem.isMissing || missing.prefix(Self.missingShownInFull).contains(problem) {
                printError("tilt merge: error: \(problem.message)\n" + (problem.shard.map(logExcerpt) ?? ""))
            }
            let unshown = missing.dropFirst(Self.missingShownInFull).compactMap(\.shard)
            if !unshown.isEmpty {
                printError("tilt merge: error: \(unshown.count) more shard\(unshown.count == 1 ? " is" : "s are") missing: \(SlurmJob.indices(unshown))\n")
            }
            printError("tilt merge: nothing was merged\(out.map { " (`\($0)` is untouched)" } ?? ""): run the failed or missing shards again, then merge\n")
            throw userErrorExit
        }
        let session = Session(mode: .program, output: { printOutput($0) })
        let reportFolder = out.map(ReportFolder.init(path:))
        presentStrategies(on: session, title: merged.manifest.program.path, reportFolder: reportFolder, verbose: verbose,
                          run: MergedRun(merge: merged))
        do {
            for step in merged.steps {
                if let text = step.output { session.output(text) }
                if let plan = step.plan, merged.results.indices.contains(plan) { try session.present(merged.results[plan]) }
            }
        } catch {
            reportFolder?.finish(programSucceeded: false)
            printError("tilt merge: error: \(error)\n")
            throw userErrorExit
        }
        reportFolder?.finish(programSucceeded: true)
        let count = merged.manifest.shard.count
        fflush(stdout)  // the tables go first when both outputs go to one log
        printError("merged \(merged.members.count) of \(count) shard\(count == 1 ? "" : "s") of \(merged.manifest.program.path)"
                   + (merged.members.count < count ? " (the others are empty)" : "") + "\n")
        if reportFolder?.writeFailed == true { throw userErrorExit }
    }

    /// Where shard `index`'s log is and its last lines, when `--logs` is given and the log exists.
    private func logExcerpt(_ index: Int) -> String {
        guard let logs else { return "" }
        let path = (logs as NSString).appendingPathComponent("shard-\(index).out")
        guard let data = FileManager.default.contents(atPath: path) else { return "  (no log at \(path))\n" }
        let lines = String(decoding: data.suffix(4096), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true).suffix(5)
        return "  the end of \(path):\n" + lines.map { "    \($0)\n" }.joined()
    }
}

/// The provenance of a merged run: the shards' own (program, data files and their hashes as the shards
/// read them, build), whatever `session` has read (nothing: the merge reads no data).
struct MergedRun: RunDescription {
    let merge: ShardMerge

    func provenance(dataFiles: [String]) throws(ReportError) -> Provenance { merge.provenance() }
}

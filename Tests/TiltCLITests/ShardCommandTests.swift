import Foundation
import Testing
import TiltTestSupport

/// `tilt run --shard i/N`, `tilt merge` and `tilt slurm`, run as a user runs them. (A real Slurm cluster
/// runs them in .ci/slurm; here Slurm's commands are stand-ins that record what they are asked.)
@Suite struct ShardCommandTests {
    /// A sweep of four budgets and a small study, with output around them.
    let program = """
    universe synthetic(stocks: 30, seed: 5, from: 2000-01, to: 2006-12)
    benchmark mktcap
    print "start"
    tev in [1%, 2%, 3%, 4%]
    maximize mu'f s.t. tev <= 4%, |w - b| <= 3%
    rebalance quarterly from 2005-01 to 2006-09
    experiment regime_study(trials: 5, stocks: 20, phi: [5], seed: 9, history: 24)
    """

    private func write(_ text: String, to url: URL) throws -> String {
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    private func contents(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    /// The output without the line naming the files written (their folder differs).
    private func tables(_ output: String) -> String {
        output.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("wrote ") }.joined(separator: "\n")
    }

    @Test func shardsMergeIntoTheSingleRunsOutputAndFiles() throws {
        let folder = try scratchFolder()
        let file = try write(program, to: folder.appendingPathComponent("p.tilt"))
        let single = try TiltBinary.run(["run", file, "--out", folder.appendingPathComponent("single").path])
        #expect(single.status == 0, "\(single.stderr)")
        var shards: [String] = []
        for i in 1...3 {
            let out = folder.appendingPathComponent("shards/\(i)").path
            let shard = try TiltBinary.run(["run", file, "--shard", "\(i)/3", "--out", out])
            #expect(shard.status == 0, "\(shard.stderr)")
            #expect(shard.stdout.hasPrefix("shard \(i)/3 of \(file): "), "\(shard.stdout)")
            shards.append(out)
        }
        #expect(try contents(folder.appendingPathComponent("shards/1/manifest.json")).contains("\"description\" : \"backtest 1 of 4 (tev = 1%)\""))
        let merged = try TiltBinary.run(["merge"] + shards + ["--out", folder.appendingPathComponent("merged").path])
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(tables(merged.stdout) == tables(single.stdout))
        #expect(merged.stderr == "merged 3 of 3 shards of \(file)\n")
        for name in ["returns.csv", "weights.csv", "exposures.csv", "contributions.csv", "attribution.csv", "regime_study.csv"] {
            #expect(try contents(folder.appendingPathComponent("merged/\(name)")) == contents(folder.appendingPathComponent("single/\(name)")), "\(name)")
        }
        let run = try contents(folder.appendingPathComponent("merged/run.json"))
        #expect(run.contains("\"shards\" : [") && run.contains("\"covers\" : ["))
        #expect(try contents(folder.appendingPathComponent("merged/report.md")).contains("merged from 3 shards"))

        // More shards than backtests: the empty ones say so and need not be merged.
        let empty = try TiltBinary.run(["run", file, "--shard", "1/7", "--out", folder.appendingPathComponent("seven/1").path])
        #expect(empty.stdout.hasPrefix("shard 1/7 of \(file) is empty: the run has fewer parts than shards (no trial of 5; no backtest of 4)"), "\(empty.stdout)")
    }

    @Test func aPlanFileRunsInShardsToo() throws {
        let folder = try scratchFolder()
        let file = try write(program.replacingOccurrences(of: "experiment regime_study(trials: 5, stocks: 20, phi: [5], seed: 9, history: 24)\n", with: "")
                                .replacingOccurrences(of: "experiment regime_study(trials: 5, stocks: 20, phi: [5], seed: 9, history: 24)", with: ""),
                             to: folder.appendingPathComponent("p.tilt"))
        let planned = try TiltBinary.run(["run", file, "--plan-json"])
        let plan = try write(planned.stdout, to: folder.appendingPathComponent("plan.json"))
        let single = try TiltBinary.run(["run", plan, "--out", folder.appendingPathComponent("single").path])
        for i in 1...2 {
            let shard = try TiltBinary.run(["run", plan, "--shard", "\(i)/2", "--out", folder.appendingPathComponent("s\(i)").path])
            #expect(shard.status == 0, "\(shard.stderr)")
        }
        let merged = try TiltBinary.run(["merge", folder.appendingPathComponent("s1").path, folder.appendingPathComponent("s2").path,
                                         "--out", folder.appendingPathComponent("merged").path])
        #expect(merged.status == 0 && single.status == 0, "\(merged.stderr)\(single.stderr)")
        #expect(try contents(folder.appendingPathComponent("merged/weights.csv")) == contents(folder.appendingPathComponent("single/weights.csv")))
    }

    @Test func badShardOptionsAreUsageErrors() throws {
        let folder = try scratchFolder()
        let file = try write(program, to: folder.appendingPathComponent("p.tilt"))
        let out = folder.appendingPathComponent("out").path
        for (arguments, message) in [(["--shard", "0/3", "--out", out], "shard 0 of 3 does not exist"),
                                     (["--shard", "2"], "is not a shard: write i/N"),
                                     (["--shard", "1/3"], "--shard writes the shard's results into a folder: give it with --out"),
                                     (["--shard", "1/3", "--out", out, "--plan-json"], "it takes no --shard")] {
            let result = try TiltBinary.run(["run", file] + arguments)
            #expect(result.status == 2 && result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        #expect(try TiltBinary.run(["merge"]).status == 2)
        let shard = try TiltBinary.run(["run", file, "--shard", "1/1", "--out", out])
        #expect(shard.status == 0)
        let same = try TiltBinary.run(["merge", out, "--out", out])
        #expect(same.status == 2 && same.stderr.contains("is the shard folder"), "\(same.stderr)")
    }

    @Test func aMergeWithAMissingShardNamesItAndWritesNothing() throws {
        let folder = try scratchFolder()
        let file = try write(program, to: folder.appendingPathComponent("p.tilt"))
        for i in [1, 3] {
            _ = try TiltBinary.run(["run", file, "--shard", "\(i)/3", "--out", folder.appendingPathComponent("shards/\(i)").path])
        }
        let logs = folder.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        _ = try write("== tilt shard 2/3\nKilled: out of memory\n", to: logs.appendingPathComponent("shard-2.out"))
        let out = folder.appendingPathComponent("merged")
        let merged = try TiltBinary.run(["merge", folder.appendingPathComponent("shards/1").path, folder.appendingPathComponent("shards/3").path,
                                         "--out", out.path, "--logs", logs.path])
        #expect(merged.status == 1 && !merged.crashed)
        #expect(merged.stderr.hasPrefix("tilt merge: error: shard 2/3 is missing: no folder given holds it; it runs trials 2–3 of 5; backtest 2 of 4 (tev = 2%)\n"),
                "\(merged.stderr)")
        #expect(merged.stderr.contains("Killed: out of memory"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
        #expect(merged.stdout.isEmpty)
    }

    @Test func mergeListsALongRunOfMissingShardsByNumber() throws {
        let folder = try scratchFolder()
        let file = try write("experiment regime_study(trials: 24, stocks: 10, phi: [5], seed: 4, history: 24)\n", to: folder.appendingPathComponent("s.tilt"))
        let one = folder.appendingPathComponent("shards/5")
        let shard = try TiltBinary.run(["run", file, "--shard", "5/24", "--out", one.path])
        #expect(shard.status == 0, "\(shard.stderr)")
        let merged = try TiltBinary.run(["merge", one.path, "--out", folder.appendingPathComponent("report").path])
        #expect(merged.status == 1 && !merged.crashed)
        let errors = merged.stderr.split(separator: "\n").filter { $0.hasPrefix("tilt merge: error: ") }
        // Ten missing shards in full, then the other thirteen by number (Slurm's array notation).
        #expect(errors.count == 11, "\(merged.stderr)")
        #expect(errors.first == "tilt merge: error: shard 1/24 is missing: no folder given holds it; it runs trial 1 of 24")
        #expect(errors.last == "tilt merge: error: 13 more shards are missing: 12-24", "\(merged.stderr)")
    }

    // MARK: Slurm

    /// Stand-ins for Slurm's commands in a folder to put first on PATH: `sbatch` records its arguments and
    /// prints job ids from 100 up (`--parsable`: "id;cluster"), `squeue` prints the file `squeue.txt`,
    /// `scontrol show config` states MaxArraySize from the file `max-array-size`, `scancel` records.
    private func fakeSlurm(in folder: URL) throws -> [String: String] {
        let bin = folder.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let scripts = [
            "sbatch": """
            #!/bin/sh
            echo "$*" >> "\(folder.path)/sbatch.log"
            n=$(cat "\(folder.path)/next" 2>/dev/null || echo 100)
            echo $((n + 1)) > "\(folder.path)/next"
            echo "$n;testcluster"
            """,
            "squeue": "#!/bin/sh\necho \"$*\" >> \"\(folder.path)/squeue.log\"\ncat \"\(folder.path)/squeue.txt\" 2>/dev/null\nexit 0\n",
            "scontrol": "#!/bin/sh\necho \"MaxArraySize            = $(cat \"\(folder.path)/max-array-size\" 2>/dev/null || echo 1001)\"\n",
            "scancel": "#!/bin/sh\necho \"$*\" >> \"\(folder.path)/scancel.log\"\n",
        ]
        for (name, text) in scripts {
            let url = bin.appendingPathComponent(name)
            try text.write(to: url, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        }
        return ["PATH": bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")]
    }

    private func lines(_ url: URL) -> [String] {
        ((try? String(contentsOf: url, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    @Test func slurmWritesAJobArrayAndAMergeJob() throws {
        let folder = try scratchFolder()
        let programFolder = folder.appendingPathComponent("my study's")
        try FileManager.default.createDirectory(at: programFolder, withIntermediateDirectories: true)
        let file = try write(program, to: programFolder.appendingPathComponent("p.tilt"))
        let job = folder.appendingPathComponent("job")
        let made = try TiltBinary.run(["slurm", file, "--shards", "4", "--max-running", "2", "--partition", "short", "--account", "lab-1",
                                       "--qos", "normal", "--time", "1-02:00", "--cpus-per-task", "2", "--mem", "4G", "--out", job.path,
                                       "--data", folder.path])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.hasPrefix("p.tilt: 5 trials and 4 backtests in 4 shards\n"), "\(made.stdout)")
        let shards = try contents(job.appendingPathComponent("tilt-shards.sbatch"))
        for line in ["#SBATCH --array=1-4%2", "#SBATCH --requeue", "#SBATCH --open-mode=append", "#SBATCH --output=\(job.path)/logs/shard-%a.out",
                     "#SBATCH --partition=short", "#SBATCH --account=lab-1", "#SBATCH --qos=normal", "#SBATCH --time=1-02:00",
                     "#SBATCH --cpus-per-task=2", "#SBATCH --mem=4G"] {
            #expect(shards.contains(line + "\n"), "\(line)")
        }
        #expect(!shards.contains("--chdir") && shards.contains("\ncd '\(TiltBinary.repositoryRoot.path)' || exit 1\n"))
        // The program's path, with a space and a quote, is one word to the shell.
        #expect(shards.contains(" 'run' '\(programFolder.path.replacingOccurrences(of: "'", with: "'\\''"))/p.tilt' '--data' '\(folder.path)' --shard \"${SLURM_ARRAY_TASK_ID}/4\" --out '\(job.path)/shards'/\"${SLURM_ARRAY_TASK_ID}\"\n"), "\(shards)")
        let merge = try contents(job.appendingPathComponent("tilt-merge.sbatch"))
        #expect(merge.contains(" merge --out '\(job.path)/report' --logs '\(job.path)/logs' '\(job.path)/shards'/* && exit 0\n"), "\(merge)")
        for script in ["tilt-shards.sbatch", "tilt-merge.sbatch"] {
            let check = Process()
            check.executableURL = URL(fileURLWithPath: "/bin/bash")
            check.arguments = ["-n", job.appendingPathComponent(script).path]
            try check.run()
            check.waitUntilExit()
            #expect(check.terminationStatus == 0, "\(script) is not valid bash")
        }
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: job.appendingPathComponent("job.json"))) as? [String: Any]
        #expect(record?["parts"] as? [Int] == [5, 4])
        #expect(record?["shards"] as? Int == 4)

        let again = try TiltBinary.run(["slurm", file, "--shards", "4", "--out", job.path])
        #expect(again.status == 2 && again.stderr.contains("already holds a job"), "\(again.stderr)")
        for (option, value, message) in [("--time", "2 hours", "is not a Slurm time limit"), ("--mem", "4GB", "is not a Slurm memory size"),
                                         ("--partition", "a b", "is not a Slurm name"), ("--shards", "0", "--shards must be from 1")] {
            let bad = try TiltBinary.run(["slurm", file, "--shards", "2", option, value, "--out", folder.appendingPathComponent("other").path])
            #expect(bad.status == 2 && bad.stderr.contains(message), "\(option): \(bad.stderr)")
        }
        let spaced = try TiltBinary.run(["slurm", file, "--shards", "2", "--out", folder.appendingPathComponent("a job").path])
        #expect(spaced.status == 2 && spaced.stderr.contains("which an #SBATCH line cannot hold"), "\(spaced.stderr)")
        let broken = try write("universe synthetic(stocks: 5, seed: 1)\nmaximize mu'f s.t. tev <= 4%\n", to: folder.appendingPathComponent("b.tilt"))
        let refused = try TiltBinary.run(["slurm", broken, "--shards", "2", "--out", folder.appendingPathComponent("broken").path])
        #expect(refused.status == 1 && refused.stderr.contains("error"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("broken").path))
    }

    @Test func slurmSubmitsAndResubmitsOnlyWhatFailed() throws {
        let folder = try scratchFolder()
        let environment = try fakeSlurm(in: folder)
        let file = try write(program, to: folder.appendingPathComponent("p.tilt"))
        let job = folder.appendingPathComponent("job")
        let submitted = try TiltBinary.run(["slurm", file, "--shards", "4", "--out", job.path, "--submit"], environment: environment)
        #expect(submitted.status == 0, "\(submitted.stderr)")
        #expect(submitted.stdout.contains("submitted job array 100 (shards 1-4) and merge job 101\n"), "\(submitted.stdout)")
        let shardScript = job.appendingPathComponent("tilt-shards.sbatch").path, mergeScript = job.appendingPathComponent("tilt-merge.sbatch").path
        #expect(lines(folder.appendingPathComponent("sbatch.log")) == ["--parsable \(shardScript)", "--parsable --dependency=afterany:100 \(mergeScript)"])

        // Shards 1, 2 and 4 finish; 3 never ran.
        for i in [1, 2, 4] {
            let shard = try TiltBinary.run(["run", file, "--shard", "\(i)/4", "--out", job.appendingPathComponent("shards/\(i)").path])
            #expect(shard.status == 0, "\(shard.stderr)")
        }
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: job.appendingPathComponent("job.json"))) as? [String: Any]
        let name = try #require(record?["jobName"] as? String)
        let resubmitted = try TiltBinary.run(["slurm", "--resubmit", job.path], environment: environment)
        #expect(resubmitted.status == 0, "\(resubmitted.stderr)")
        #expect(resubmitted.stdout.contains("shard 3/4: did not finish"), "\(resubmitted.stdout)")
        #expect(resubmitted.stdout.contains("resubmitted shards 3 as job array 102\nsubmitted merge job 103 (after 102)\n"), "\(resubmitted.stdout)")
        #expect(lines(folder.appendingPathComponent("sbatch.log")).suffix(2) == ["--parsable --array=3 \(shardScript)",
                                                                                 "--parsable --dependency=afterany:102 \(mergeScript)"])
        #expect(lines(folder.appendingPathComponent("squeue.log")).last == "--noheader --array --name=\(name),\(name)-merge --format=%F|%K|%j|%T")

        // While shard 3 runs and its merge waits, nothing is submitted again.
        _ = try write("102|3|\(name)|RUNNING\n103|N/A|\(name)-merge|PENDING\n", to: folder.appendingPathComponent("squeue.txt"))
        let waiting = try TiltBinary.run(["slurm", "--resubmit", job.path], environment: environment)
        #expect(waiting.stdout.contains("shard 3/4: queued or running\nnothing to resubmit: merge job 103 is queued or running\n"), "\(waiting.stdout)")
        #expect(lines(folder.appendingPathComponent("sbatch.log")).count == 4)

        // Shard 3 was preempted and its merge cancelled: shard 3 again, and a merge.
        _ = try write("", to: folder.appendingPathComponent("squeue.txt"))
        _ = try TiltBinary.run(["run", file, "--shard", "3/4", "--out", job.appendingPathComponent("shards/3").path])
        let mergeOnly = try TiltBinary.run(["slurm", "--resubmit", job.path], environment: environment)
        #expect(mergeOnly.stdout == "submitted merge job 104\n", "\(mergeOnly.stdout)")
        let merged = try TiltBinary.run(["merge"] + (1...4).map { job.appendingPathComponent("shards/\($0)").path } + ["--out", job.appendingPathComponent("report").path])
        #expect(merged.status == 0, "\(merged.stderr)")
        let done = try TiltBinary.run(["slurm", "--resubmit", job.path], environment: environment)
        #expect(done.stdout.hasPrefix("nothing to resubmit: every shard has finished"), "\(done.stdout)")

        // An array larger than the cluster allows is refused before anything is submitted.
        _ = try write("3\n", to: folder.appendingPathComponent("max-array-size"))
        let large = try TiltBinary.run(["slurm", file, "--shards", "4", "--out", folder.appendingPathComponent("large").path, "--submit"], environment: environment)
        #expect(large.status == 1 && large.stderr.contains("this cluster's MaxArraySize is 3, so a job array has at most 2 tasks"), "\(large.stderr)")
        #expect(lines(folder.appendingPathComponent("sbatch.log")).count == 5)
    }

    @Test func slurmLeavesShardsWithNothingToRunOutOfTheArray() throws {
        let folder = try scratchFolder()
        let environment = try fakeSlurm(in: folder)
        let file = try write(program, to: folder.appendingPathComponent("p.tilt"))
        let job = folder.appendingPathComponent("job")
        // 5 trials and 4 backtests in 8 shards: shards 1 and 3 have no part of either (Shard.range(ofParts:)).
        let submitted = try TiltBinary.run(["slurm", file, "--shards", "8", "--max-running", "3", "--out", job.path, "--submit"], environment: environment)
        #expect(submitted.status == 0, "\(submitted.stderr)")
        #expect(submitted.stdout.contains("note: 2 of the 8 shards would have nothing to run (the largest plan has 5 parts): the array runs the other 6\n"),
                "\(submitted.stdout)")
        #expect(submitted.stdout.contains("submitted job array 100 (the 6 shards with parts, at most 3 at once) and merge job 101\n"), "\(submitted.stdout)")
        #expect(try contents(job.appendingPathComponent("tilt-shards.sbatch")).contains("\n#SBATCH --array=2,4-8%3\n"))
    }
}

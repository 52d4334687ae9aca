import Foundation
import Testing
import TiltLinearAlgebra
import TiltTestSupport

@Suite struct CommandLineTests {
    let designCard = "universe crsp; benchmark mktcap; maximize mu'f s.t. tev <= 6%; rebalance monthly"

    @Test func versionAndHelp() throws {
        let version = try TiltBinary.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
        for sub in ["run", "check", "fmt", "repl"] {
            let help = try TiltBinary.run([sub, "--help"])
            #expect(help.status == 0)
            #expect(help.stdout.contains("Examples:"), "\(sub) --help has examples")
        }
    }

    @Test func badUsageExitsWithTwo() throws {
        #expect(try TiltBinary.run(["frobnicate"]).status == 2)
        #expect(try TiltBinary.run(["run"]).status == 2)
        #expect(try TiltBinary.run(["check", "a", "b"]).status == 2)
        // Negative numbers reach the options' own checks (not "Missing value").
        for arguments in [["synth", "--crsp", "x.csv", "--stocks", "-1"], ["bench", "solver", "--repeats", "-3"]] {
            let result = try TiltBinary.run(arguments)
            #expect(result.status == 2 && result.stderr.contains("must be from"), "\(arguments): \(result.stderr)")
        }
    }

    @Test func designCardPassesCheck() throws {
        let result = try TiltBinary.run(["check", "-"], input: Data(designCard.utf8))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
    }

    @Test func typoIsLocatedWithAHint() throws {
        let text = designCard.replacingOccurrences(of: "tev", with: "tve")
        let result = try TiltBinary.run(["check", "-"], input: Data(text.utf8))
        #expect(result.status == 1)
        #expect(result.stderr == """
        <stdin>:1:53: error: unknown name `tve`
          \(text)
                                                              ^~~
        hint: did you mean `tev`?
        1 error

        """)
    }

    @Test func severalErrorsAreReportedTogether() throws {
        let text = "let a = [1, 2; 3, 4]\nlet b = inv(aa)\nlet c = sqr(a)\nprint d\n"
        let result = try TiltBinary.run(["check", "-"], input: Data(text.utf8))
        #expect(result.status == 1)
        #expect(result.stderr.contains("<stdin>:2:13: error: unknown name `aa`"))
        #expect(result.stderr.contains("<stdin>:3:9: error: unknown function `sqr`"))
        #expect(result.stderr.contains("hint: did you mean `sqrt`?"))
        #expect(result.stderr.contains("<stdin>:4:7: error: unknown name `d`"))
        #expect(result.stderr.hasSuffix("3 errors\n"))
    }

    /// The parser stops once 50 errors are known: the report says so and the count is a lower bound, while a
    /// file with exactly 50 is counted exactly.
    @Test func aParserThatStopsSaysSoInTheCount() throws {
        let sixty = try TiltBinary.run(["check", "-"], input: Data(String(repeating: "let x = 1 +\n", count: 60).utf8))
        #expect(sixty.status == 1)
        #expect(sixty.stderr.components(separatedBy: ": error: ").count - 1 == 50)
        #expect(sixty.stderr.hasSuffix("\n… stopped after 50 errors (there may be more)\nat least 50 errors\n"), "\(sixty.stderr.suffix(200))")
        let fifty = try TiltBinary.run(["check", "-"], input: Data(String(repeating: "let x = 1 +\n", count: 50).utf8))
        #expect(fifty.stderr.hasSuffix("remove it\n50 errors\n"), "\(fifty.stderr.suffix(200))")
    }

    @Test func shapeErrorNamesBothShapesAtTheOperator() throws {
        let text = "let F = ones(48, 6)\nlet x = ones(5)\nlet y = F * x\n"
        let result = try TiltBinary.run(["run", "-"], input: Data(text.utf8))
        #expect(result.status == 1)
        #expect(result.stderr.contains("<stdin>:3:11: error: cannot multiply 48×6 by 5×1\n  let y = F * x\n            ^\n"))
    }

    @Test func missingFileIsAUserError() throws {
        let result = try TiltBinary.run(["run", "no/such/file.tilt"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot open `no/such/file.tilt`: no such file"))
        let folder = try TiltBinary.run(["run", "Examples"])
        #expect(folder.status == 1)
        #expect(folder.stderr == "tilt: cannot open `Examples`: it is a directory\n")
    }

    @Test func devicesAndPipesAreReadLikeFiles() throws {
        let empty = try TiltBinary.run(["run", "/dev/null"])
        #expect(empty.status == 0, "\(empty.stderr)")
        #expect(empty.stdout.isEmpty && empty.stderr.isEmpty)
        // `/dev/stdin` is the pipe the test writes to, as `<(…)` would be.
        let piped = try TiltBinary.run(["run", "/dev/stdin"], input: Data("print 1 + 1\n".utf8))
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(piped.stdout == "2\n")
        let endless = try TiltBinary.run(["check", "/dev/zero"])
        #expect(endless.status == 1)
        #expect(endless.stderr == "tilt: cannot open `/dev/zero`: it is larger than 64 MB, too large for a program\n")
    }

    @Test func quickstartRunsAndPrintsTheSeedNotebookMatrices() throws {
        let result = try TiltBinary.run(["run", "Examples/quickstart.tilt"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("M =\n6×3 matrix"))
        #expect(result.stdout.contains("Energy"))
        // sum(W) is a row of ones: cap weights inside each sector add up to 1.
        #expect(result.stdout.contains("sum(W) =\n1×3 matrix"))
        // …then a backtest on the built-in synthetic market.
        #expect(result.stdout.contains("Metrics (annualised unless stated)"))
    }

    @Test func formattingExamplesIsIdempotent() throws {
        let examples = try FileManager.default.contentsOfDirectory(atPath: TiltBinary.repositoryRoot.appendingPathComponent("Examples").path)
            .filter { $0.hasSuffix(".tilt") }
        #expect(!examples.isEmpty)
        for example in examples {
            let once = try TiltBinary.run(["fmt", "Examples/\(example)"])
            #expect(once.status == 0, "\(example): \(once.stderr)")
            let twice = try TiltBinary.run(["fmt", "-"], input: Data(once.stdout.utf8))
            #expect(twice.stdout == once.stdout, "\(example) formats idempotently")
            let check = try TiltBinary.run(["check", "Examples/\(example)"])
            #expect(check.status == 0, "\(example): \(check.stderr)")
        }
    }

    @Test func programWithAByteOrderMarkRuns() throws {
        let program = Data([0xEF, 0xBB, 0xBF]) + Data("let x = 1\nprint x + 1\n".utf8)
        let run = try TiltBinary.run(["run", "-"], input: program)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "2\n")
        let fmt = try TiltBinary.run(["fmt", "-"], input: program)
        #expect(fmt.stdout == "let x = 1\nprint x + 1\n")
    }

    @Test func synthChecksBothDestinationsBeforeWritingAnything() throws {
        let dir = try scratchFolder()
        let market = ["--stocks", "2", "--from", "2000-01", "--to", "2000-03"]
        func synth(_ arguments: [String]) throws -> TiltBinary.Result {
            try TiltBinary.run(["synth"] + arguments + market, directory: dir)
        }
        let refused: [([String], String)] = [
            (["--crsp", "a.csv", "--factors", "./a.csv"], "the CRSP file and the factors would both be written to `./a.csv`"),
            (["--crsp", "factors.csv"], "the CRSP file and the factors would both be written to `factors.csv`"),
            (["--crsp", "b.csv", "--factors", "missing_dir/f.csv"], "--factors `missing_dir/f.csv`: the folder `missing_dir` does not exist"),
            (["--crsp", ""], "--crsp is empty: it names the file to write"),
            (["--crsp", "c.csv", "--factors", ""], "--factors is empty"),
            (["--crsp", "."], "--crsp `.` is a folder"),
        ]
        for (arguments, message) in refused {
            let result = try synth(arguments)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("Domain="))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty, "nothing is written")
        let written = try synth(["--crsp", "crsp.csv"])
        #expect(written.status == 0, "\(written.stderr)")
        let crsp = try String(contentsOf: dir.appendingPathComponent("crsp.csv"), encoding: .utf8)
        let factors = try String(contentsOf: dir.appendingPathComponent("factors.csv"), encoding: .utf8)
        #expect(crsp.hasPrefix("permno,date,ret,prc,shrout,siccd\n") && factors.hasPrefix("month,mktrf,"))
    }

    /// Wide returns without caps cannot give a cap-weighted benchmark: `benchmark mktcap` is an error at the
    /// statement with a hint, and a program without a `benchmark` statement (default mktcap) runs against the
    /// equal-weighted benchmark — the same numbers as `benchmark equal` — with a note on standard error saying
    /// so. Before, both equal-weighted in silence.
    @Test func aBenchmarkByCapWithoutCapsIsAnErrorOrANote() throws {
        let dir = try scratchFolder()
        let months = (1...12).map { "2000-\($0 < 10 ? "0" : "")\($0)" }
        let returns = "month,A,B,C\n" + months.enumerated().map { t, m in "\(m),\(0.01 * Double(t % 3)),\(-0.005 * Double(t % 4)),\(0.002 * Double(t))\n" }.joined()
        let factors = "month,mktrf,rf\n" + months.enumerated().map { t, m in "\(m),\(0.01 * Double(t % 5) - 0.02),0.001\n" }.joined()
        try returns.write(to: dir.appendingPathComponent("r.csv"), atomically: true, encoding: .utf8)
        try factors.write(to: dir.appendingPathComponent("f.csv"), atomically: true, encoding: .utf8)
        func program(_ benchmark: String) -> String {
            "universe \"r.csv\"\nfactors \"f.csv\"\n\(benchmark)maximize mu'f s.t. tev <= 6%\nrebalance monthly from 2000-06 to 2000-11\n"
        }
        for (name, benchmark) in [("mktcap.tilt", "benchmark mktcap\n"), ("default.tilt", ""), ("equal.tilt", "benchmark equal\n")] {
            try program(benchmark).write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let explicit = try TiltBinary.run(["run", "mktcap.tilt"], directory: dir)
        #expect(explicit.status == 1 && explicit.stdout.isEmpty)
        #expect(explicit.stderr.hasPrefix("mktcap.tilt:3:11: error: `benchmark mktcap` weights by market cap, and the universe (./r.csv) has no market caps\n"), "\(explicit.stderr)")
        #expect(explicit.stderr.contains("hint: give caps (`universe returns(\"returns.csv\", caps: \"caps.csv\")`, or a `cap` column in a long panel), or write `benchmark equal` for 1/n weights"))
        let implicit = try TiltBinary.run(["run", "default.tilt"], directory: dir)
        let equal = try TiltBinary.run(["run", "equal.tilt"], directory: dir)
        #expect(implicit.status == 0 && equal.status == 0, "\(implicit.stderr)\(equal.stderr)")
        #expect(implicit.stderr == "note: ./r.csv has no market caps, so the benchmark is equal-weighted (1/n over the eligible assets), not cap-weighted: write `benchmark equal` to say so, or give caps (`universe returns(\"returns.csv\", caps: \"caps.csv\")`, or a `cap` column in a long panel)\n")
        #expect(equal.stderr.isEmpty, "\(equal.stderr)")
        #expect(!implicit.stdout.isEmpty && implicit.stdout == equal.stdout)
    }

    @Test func reportFolderIsCheckedBeforeTheProgramRuns() throws {
        let dir = try scratchFolder()
        let program = """
        universe synthetic(stocks: 5, seed: 1, from: 2000-01, to: 2004-12)
        benchmark mktcap
        maximize mu'f s.t. tev <= 4%
        rebalance monthly from 2003-01 to 2004-11

        """
        try program.write(to: dir.appendingPathComponent("p.tilt"), atomically: true, encoding: .utf8)
        try Data().write(to: dir.appendingPathComponent("existing"))
        let refused: [(String, String)] = [
            ("existing", "--out `existing` is a file: it names the folder to write to"),
            ("existing/report", "--out `existing/report`: `existing` is a file, not a folder"),
            ("", "--out is empty"),
        ]
        for (out, message) in refused {
            let result = try TiltBinary.run(["run", "p.tilt", "--out", out], directory: dir)
            #expect(result.status == 2, "--out \(out): \(result.stderr)")
            #expect(result.stderr.contains(message), "--out \(out): \(result.stderr)")
            #expect(result.stdout.isEmpty, "the program does not run")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["existing", "p.tilt"])
        // A report file in the way that is not a regular file is refused before the program runs.
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("report/report.html/inside"),
                                                withIntermediateDirectories: true)
        let blocked = try TiltBinary.run(["run", "p.tilt", "--out", "report"], directory: dir)
        #expect(blocked.status == 2 && blocked.stdout.isEmpty)
        #expect(blocked.stderr.contains("--out `report`: cannot write `report.html` in it: it is a folder, not a regular file"),
                "\(blocked.stderr)")
        // A file that cannot be written all the same (a write the system refuses, as on a full disk) is a clean
        // message without a program location, exit 1.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("report/report.html"))
        let late = try TiltBinary.run(["run", "p.tilt", "--out", "report"], directory: dir, fileSizeLimit: 8)
        #expect(late.status == 1)
        #expect(late.stderr.hasPrefix("tilt: ") && late.stderr.contains(": error: cannot write: \(String(cString: strerror(EFBIG)))"),
                "\(late.stderr)")
        #expect(!late.stderr.contains("p.tilt:") && !late.stderr.contains("Domain="))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("report").path).allSatisfy { !$0.hasPrefix(".") },
                "no temporary file is left")
    }

    /// Every command that writes files (`synth`, `run --out`, `fmt --write`) refuses, before any work, a
    /// destination that is a device, a FIFO or a socket (replacing it would destroy it; as root, /dev/full
    /// itself), and follows a symbolic link: the file it points to is replaced, the link stays a link.
    @Test func writersReplaceOnlyRegularFilesAndFollowLinks() throws {
        let dir = try scratchFolder()
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("report"), withIntermediateDirectories: true)
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        func type(_ name: String) -> mode_t {
            var info = stat()
            return lstat(path(name), &info) == 0 ? info.st_mode & S_IFMT : 0
        }
        #expect(mkfifo(path("fifo.csv"), 0o644) == 0 && mkfifo(path("report/returns.csv"), 0o644) == 0)
        try "let x=1\nx\n".write(toFile: path("p.tilt"), atomically: false, encoding: .utf8)
        var blocked = ["fifo.csv": "it is a FIFO (named pipe), not a regular file"]
        // A device node of its own (the null device's numbers, in the scratch folder), when running as root.
        if getuid() == 0, mknod(path("device.csv"), S_IFCHR | 0o666, dev_t(0x103)) == 0 {
            blocked["device.csv"] = "it is a character device, not a regular file"
        }
        let market = ["--stocks", "2", "--from", "2000-01", "--to", "2000-03"]
        for (name, message) in blocked {
            for arguments in [["--crsp", name, "--factors", "f.csv"], ["--crsp", "c.csv", "--factors", name]] {
                let result = try TiltBinary.run(["synth"] + arguments + market, directory: dir)
                #expect(result.status == 2, "\(arguments): \(result.stderr)")
                #expect(result.stderr.contains("`\(name)`: \(message)"), "\(arguments): \(result.stderr)")
            }
            let fmt = try TiltBinary.run(["fmt", name, "--write"], directory: dir)
            #expect(fmt.status == 2 && fmt.stderr.contains("--write `\(name)`: \(message)"), "\(fmt.stderr)")
        }
        let run = try TiltBinary.run(["run", "p.tilt", "--out", "report"], directory: dir)
        #expect(run.status == 2 && run.stdout.isEmpty)
        #expect(run.stderr.contains("--out `report`: cannot write `returns.csv` in it: it is a FIFO (named pipe), not a regular file"))
        #expect(type("fifo.csv") == S_IFIFO && type("report/returns.csv") == S_IFIFO)
        #expect(blocked["device.csv"] == nil || type("device.csv") == S_IFCHR)
        #expect(!FileManager.default.fileExists(atPath: path("c.csv")) && !FileManager.default.fileExists(atPath: path("f.csv")))

        try FileManager.default.createSymbolicLink(atPath: path("link.csv"), withDestinationPath: "real.csv")
        try FileManager.default.createSymbolicLink(atPath: path("link.tilt"), withDestinationPath: "p.tilt")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path("p.tilt"))
        let synth = try TiltBinary.run(["synth", "--crsp", "link.csv", "--factors", "f.csv"] + market, directory: dir)
        #expect(synth.status == 0, "\(synth.stderr)")
        let fmt = try TiltBinary.run(["fmt", "link.tilt", "--write"], directory: dir)
        #expect(fmt.status == 0, "\(fmt.stderr)")
        #expect(type("link.csv") == S_IFLNK && type("link.tilt") == S_IFLNK)
        #expect(try String(contentsOfFile: path("real.csv"), encoding: .utf8).hasPrefix("permno,date,ret,prc,shrout,siccd\n"))
        #expect(try String(contentsOfFile: path("p.tilt"), encoding: .utf8) == "let x = 1\nx\n")
        #expect(try FileManager.default.attributesOfItem(atPath: path("p.tilt"))[.posixPermissions] as? Int == 0o600)
    }

    /// A write the system refuses half way (a file-size limit here: EFBIG, as a full disk gives ENOSPC) is
    /// an error naming the file, exit 1; the old file stays as it was and no temporary file is left.
    /// Standard output that cannot be written (here a file past `ulimit -f`, as a full disk) ends the
    /// command with a message and exit 1, not Foundation's trap (SIGILL) in `FileHandle.write`.
    @Test func unwritableStandardOutputIsAnErrorNotACrash() throws {
        let dir = try scratchFolder()
        // The interpreter's output (run) and a command's own (fmt), each well past the 512-byte limit.
        for (command, program) in [("run", "Examples/quickstart.tilt"), ("fmt", "Examples/quickstart.tilt")] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "trap '' XFSZ; ulimit -f 1; exec \"$0\" \"$1\" \"$2\" > \"$3\"", TiltBinary.path, command,
                                 program, dir.appendingPathComponent("out.txt").path]
            process.currentDirectoryURL = TiltBinary.repositoryRoot
            let stderr = Pipe()
            process.standardError = stderr
            try process.run()
            let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationReason == .exit && process.terminationStatus == 1, "\(program): \(message)")
            #expect(message.hasPrefix("tilt: cannot write the output: "), "\(program): \(message)")
        }
    }

    @Test func aFailedWriteIsReportedAndKeepsTheOldFile() throws {
        let dir = try scratchFolder()
        try "old\n".write(to: dir.appendingPathComponent("crsp.csv"), atomically: false, encoding: .utf8)
        let result = try TiltBinary.run(["synth", "--crsp", "crsp.csv", "--stocks", "50", "--from", "2000-01", "--to", "2009-12"],
                                        directory: dir, fileSizeLimit: 8)
        #expect(result.status == 1 && result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("tilt: ") && result.stderr.hasSuffix("crsp.csv: error: cannot write: \(String(cString: strerror(EFBIG)))\n"),
                "\(result.stderr)")
        #expect(try String(contentsOf: dir.appendingPathComponent("crsp.csv"), encoding: .utf8) == "old\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["crsp.csv"])
    }

    @Test func binaryInputGivesABoundedListOfErrors() throws {
        var rng = SplitMix64(seed: 15)
        let bytes = (0..<3000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let result = try TiltBinary.run(["run", "-"], input: Data(bytes))
        #expect(result.status == 1 && !result.crashed)
        let places = result.stderr.split(separator: "\n").filter { $0.hasPrefix("<stdin>:") }.map { $0.prefix { $0 != " " } }
        #expect(places.count == 50)
        #expect(Set(places).count == places.count, "no two errors at one place")
        let lines = result.stderr.split(separator: "\n")
        // The lexer's errors are all counted; the parser did not look further, so the count is a lower bound.
        #expect(lines.dropLast().last?.hasPrefix("… and ") == true
                && lines.dropLast().last?.hasSuffix(" more errors, then stopped (there may be more)") == true)
        #expect(lines.last?.hasPrefix("at least ") == true && lines.last?.hasSuffix(" errors") == true)
        #expect(lines.allSatisfy { $0.count <= 2 * 60 + 4 || $0.hasPrefix("<stdin>:") }, "long lines are shown as windows")
        #expect(!result.stderr.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "no raw control bytes")
        #expect(result.stderr.utf8.count < 40_000)
    }

    @Test func randomBytesNeverCrashTheTool() throws {
        var rng = SplitMix64(seed: 7)
        for trial in 0..<150 {
            let length = Int(rng.next() % 200)
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let result = try TiltBinary.run([trial % 2 == 0 ? "check" : "run", "-"], input: Data(bytes))
            #expect(!result.crashed, "crash on \(bytes)")
            #expect(result.status == 0 || result.status == 1, "exit \(result.status) on \(bytes)")
        }
    }
}


@Suite struct SolveCommandTests {
    let fixtures = "Tests/TiltSolverTests/FormatFixtures/"

    @Test func solvesAQPSFileToItsKnownOptimum() throws {
        // HS21: minimum −99.96 (Hock & Schittkowski).
        let result = try TiltBinary.run(["solve", fixtures + "hs21.qps"])
        #expect(result.status == 0, "\(result.stderr)")
        let line = result.stdout.split(separator: "\n").first { $0.hasPrefix("objective:") }
        let objective = Double(line?.split(separator: " ").last ?? "") ?? .nan
        #expect(abs(objective + 99.96) <= 1e-6 * 99.96)
    }

    @Test func jsonOutputParses() throws {
        let result = try TiltBinary.run(["solve", "--json", fixtures + "hs35.qps"])
        #expect(result.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(object?["status"] as? String == "optimal")
        #expect(abs(((object?["objective"] as? Double) ?? 0) - 1.0 / 9) < 1e-8)
    }

    @Test func infeasibleAndMalformedFilesExitWithOne() throws {
        let infeasible = try TiltBinary.run(["solve", fixtures + "lp_infeasible.mps"])
        #expect(infeasible.status == 1)
        #expect(infeasible.stdout.contains("status:     primal infeasible"))
        let malformed = try TiltBinary.run(["solve", "-"], input: Data())
        #expect(malformed.status == 1)
        let dir = try scratchFolder()
        let bad = dir.appendingPathComponent("bad.mps")
        try "NAME x\nROWS\n N obj\n L c1\nCOLUMNS\n    x obj 1 c1 zz\n".write(to: bad, atomically: true, encoding: .utf8)
        let result = try TiltBinary.run(["solve", bad.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("bad.mps:6:16: error: 'zz' is not a number"))
        // hs21 with the sign of one QUADOBJ diagonal flipped: not convex, said so (not "numerical error").
        let hs21 = try String(contentsOf: TiltBinary.repositoryRoot.appendingPathComponent(fixtures + "hs21.qps"), encoding: .utf8)
        let nonconvex = dir.appendingPathComponent("nonconvex.qps")
        try hs21.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix("0.02") ? String($0.dropLast(4)) + "-0.02" : String($0) }.joined(separator: "\n")
            .write(to: nonconvex, atomically: true, encoding: .utf8)
        let notConvex = try TiltBinary.run(["solve", nonconvex.path])
        #expect(notConvex.status == 1 && notConvex.stderr.contains("the quadratic objective is not convex"), "\(notConvex.stderr)")
    }

    /// Objectives far from unit size are solved scaled (`ObjectiveScaling`): maximize c·x₁ − c·x₂ on the box
    /// [−5, 5]² is 10c for any c (at 1e8 it was called unbounded, at 1e-10 it came back 100× off).
    @Test func objectivesOfAnySizeAreSolvedFromFiles() throws {
        let dir = try scratchFolder()
        for c in [1e-10, 1e-8, 1.0, 1e8] {
            let file = dir.appendingPathComponent("box.mps")
            try """
            NAME          BOX
            OBJSENSE
                MAX
            ROWS
             N  COST
            COLUMNS
                X1        COST      \(c)
                X2        COST      \(-c)
            RHS
            BOUNDS
             LO BND       X1        -5
             UP BND       X1        5
             LO BND       X2        -5
             UP BND       X2        5
            ENDATA

            """.write(to: file, atomically: true, encoding: .utf8)
            let result = try TiltBinary.run(["solve", "--json", file.path])
            let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            let objective = json?["objective"] as? Double ?? .nan
            #expect(result.status == 0 && abs(objective - 10 * c) <= 1e-7 * 10 * c, "\(c): \(result.stdout)")
        }
    }

    @Test func limitsAreValidatedWithClearMessages() throws {
        let cases: [([String], String)] = [
            (["--max-iterations", "-1"], "Error: --max-iterations must be at least 1, not -1\n"),
            (["--max-iterations", "0"], "Error: --max-iterations must be at least 1, not 0\n"),
            (["--time-limit", "-1"], "Error: --time-limit must be more than 0 seconds, not -1.0\n"),
            (["--tol-feas", "0"], "Error: --tol-feas must be a number between 0 and 1 (e.g. 1e-8), not 0.0\n"),
            (["--tol-gap", "2"], "Error: --tol-gap must be a number between 0 and 1 (e.g. 1e-8), not 2.0\n"),
            (["--tol-gap-rel", "-1e-9"], "Error: --tol-gap-rel must be a number between 0 and 1 (e.g. 1e-8), not -1e-09\n"),
            (["--max-iter", "0"], "Error: --max-iterations must be at least 1, not 0\n"),
            (["--max-iterations", "2000000"], "Error: --max-iterations must be at most 1000000, not 2000000\n"),
            (["--tol-infeas", "1"], "Error: --tol-infeas must be a number between 0 and 1 (e.g. 1e-8), not 1.0\n"),
        ]
        for (arguments, message) in cases {
            let result = try TiltBinary.run(["solve", fixtures + "hs21.qps"] + arguments)
            #expect(result.status == 2)
            #expect(result.stderr.hasPrefix(message), "\(arguments): \(result.stderr)")
        }
        #expect(try TiltBinary.run(["solve", fixtures + "hs21.qps", "--max-iterations", "50", "--time-limit", "5"]).status == 0)
    }

    /// The tolerances reach the solver: at 1e-10 the reported residuals and gap are below 1e-10; --verbose
    /// prints the iteration log; --help documents the options.
    @Test func tolerancesAreTheSolversAndDocumented() throws {
        let tight = try TiltBinary.run(["solve", "--json", "--tol-feas", "1e-10", "--tol-gap", "1e-10", fixtures + "hs21.qps"])
        #expect(tight.status == 0, "\(tight.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(tight.stdout.utf8)) as? [String: Any])
        #expect(json["status"] as? String == "optimal")
        for key in ["primal_residual", "dual_residual", "gap_relative"] {
            #expect(((json[key] as? Double) ?? 1) < 1e-10, "\(key): \(String(describing: json[key]))")
        }
        let verbose = try TiltBinary.run(["solve", "--verbose", fixtures + "hs21.qps"])
        #expect(verbose.status == 0 && verbose.stdout.contains("iter    pcost"))
        let help = try TiltBinary.run(["solve", "--help"])
        for option in ["--tol-feas", "--tol-gap", "--tol-gap-abs", "--tol-gap-rel", "--tol-infeas", "--max-iterations", "--verbose"] {
            #expect(help.stdout.contains(option), "--help does not mention \(option)")
        }
        // Each solver option's help names its spelling in a program's `solve(…)`.
        for name in ["tol_feas", "tol_gap", "tol_gap_abs", "tol_gap_rel", "tol_infeas", "max_iter"] {
            #expect(help.stdout.contains("`\(name):`"), "--help does not mention \(name)")
        }
    }

    @Test func explainPrintsTheConeProgram() throws {
        let text = "var w[3] >= 0\nsolve minimize sumsq(w) s.t. sum(w) == 1\n"
        let result = try TiltBinary.run(["explain", "-"], input: Data(text.utf8))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("cone program: 3 variables, 4 rows (zero 1, nonnegative 3)"))
    }

    @Test func explainFailsWhenAProblemDoesNotCompile() throws {
        let text = "var w[3]\nsolve maximize sumsq(w) s.t. sum(w) == 1\n"
        let result = try TiltBinary.run(["explain", "-"], input: Data(text.utf8))
        #expect(result.status == 1)
        #expect(result.stdout.contains("objective (maximize): convex — not DCP"))
        #expect(result.stdout.contains("not compiled: cannot maximize convex `sumsq(w)`"))
        #expect(result.stderr.hasPrefix("<stdin>:2:16: error: cannot maximize convex `sumsq(w)`\n"))
        #expect(result.stderr.hasSuffix("1 error\n"))
    }

    @Test func explainSaysWhatItDoesNotCover() throws {
        let noSolve = try TiltBinary.run(["explain", "-"], input: Data("let x = 1\n".utf8))
        #expect(noSolve.status == 0)
        #expect(noSolve.stdout == "nothing to explain: explain covers `solve` statements and a strategy's problem, and there is neither here\n")
        let month = try TiltBinary.run(["explain", "-", "--month", "2008-09"], input: Data("let x = 1\n".utf8))
        #expect(month.status == 1 && month.stderr.contains("error: `--month` and `--json` explain a strategy's problem, and this program states none"), "\(month.stderr)")
        let badMonth = try TiltBinary.run(["explain", "-", "--month", "2008-13"], input: Data("let x = 1\n".utf8))
        #expect(badMonth.status == 2 && badMonth.stderr.contains("--month takes a month YYYY-MM"), "\(badMonth.stderr)")
        let policy = "universe kenfrench(\"48_Industry_Portfolios.CSV\")\npolicy parametric(size, momentum)\nrebalance monthly\n"
        let policyResult = try TiltBinary.run(["explain", "-"], input: Data(policy.utf8))
        #expect(policyResult.status == 0 && policyResult.stdout.hasPrefix("nothing to explain: a parametric policy solves no problem at a month"),
                "\(policyResult.stdout)\(policyResult.stderr)")
        let data = "universe synthetic(stocks: 30, seed: 4, from: 1995-01, to: 2012-12)\nmaximize mu'f s.t. tev <= 4%\nrebalance monthly\n"
        let outside = try TiltBinary.run(["explain", "-", "--month", "2030-01"], input: Data(data.utf8))
        #expect(outside.status == 1 && outside.stderr.contains("error: `--month 2030-01`: 2030-01 is not in the data (1995-01…2012-12)"), "\(outside.stderr)")
    }

    /// A strategy's problem at a month: sizes, each term's and constraint's form and curvature, the method
    /// and why; JSON with --json. The canonical problem goes to the structured active set, with a sector
    /// limit too (a linear row of the active-set method); an EVaR limit keeps a problem off it, and the
    /// reason names that constraint.
    @Test func explainShowsAStrategysProblemAtAMonth() throws {
        let data = "universe synthetic(stocks: 30, seed: 4, from: 1995-01, to: 2012-12)\nbenchmark mktcap\n"
        let canonical = try TiltBinary.run(["explain", "-", "--month", "2006-03"], input: Data((data + "maximize mu'f s.t. tev <= 4%\nrebalance monthly\n").utf8))
        #expect(canonical.status == 0, "\(canonical.stderr)")
        #expect(canonical.stdout.hasPrefix("the strategy's problem at 2006-03:\n"), "\(canonical.stdout)")
        #expect(canonical.stdout.contains("√12·‖[L_fᵀ f_factors; √E ∘ (w − b)]‖ ≤ 0.04: one second-order cone of dimension"))
        #expect(canonical.stdout.contains("method: structured active set — the problem is the canonical factor-portfolio problem"))
        let limited = try TiltBinary.run(["explain", "-", "--json"],
                                         input: Data((data + "maximize mu'f s.t. tev <= 4%, sector(\"Finance\") <= 10%\nrebalance monthly from 2001-12 to 2010-12\n").utf8))
        #expect(limited.status == 0, "\(limited.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(limited.stdout.utf8)) as? [String: Any])
        #expect(json["month"] as? String == "2010-12")
        #expect(json["method"] as? String == "structured active set")
        #expect((json["reason"] as? String)?.hasPrefix("the problem is the canonical factor-portfolio problem") == true)
        let constraints = try #require(json["constraints"] as? [[String: Any]])
        #expect(constraints.map { $0["text"] as? String } == ["tev <= 4%", "sector(\"Finance\") <= 10%", "f == B(w - b)", "sum(w) == 1 (default)", "w >= 0 (default)"])
        #expect(constraints.first?["curvature"] as? String == "convex <= constant")
        let terms = try #require(json["objective"] as? [[String: Any]])
        #expect(terms.first?["text"] as? String == "+ mu'f" && terms.first?["curvature"] as? String == "affine")
        let cones = try #require(json["coneProgram"] as? [String: Any])
        #expect(cones["secondOrderCones"] as? Int == 1)
        let evarLimited = try TiltBinary.run(["explain", "-", "--json"],
                                             input: Data((data + "maximize mu'f s.t. tev <= 4%, evar(95%) <= 20%\nrebalance monthly from 2001-12 to 2010-12\n").utf8))
        #expect(evarLimited.status == 0, "\(evarLimited.stderr)")
        let offPath = try #require(try JSONSerialization.jsonObject(with: Data(evarLimited.stdout.utf8)) as? [String: Any])
        #expect(offPath["method"] as? String == "interior point")
        #expect((offPath["reason"] as? String)?.hasPrefix("`evar(95%) <= 20%` (an EVaR limit) is not one of the structured method's constraints") == true,
                "\(offPath["reason"] ?? "")")
    }
}

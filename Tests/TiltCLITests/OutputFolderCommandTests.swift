import Foundation
import Testing
import TiltLinearAlgebra
import TiltTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `tilt run --out D` replaces Tilt's files in D as a set, never a file the run read, and leaves nothing
/// half-written when it is stopped (Docs/reliability.md).
@Suite(.serialized) struct OutputFolderCommandTests {
    /// A small backtest with a large weights.csv (400 stocks × 23 rebalances), so that writing is a phase
    /// one can stop the command in; `seed` makes different reports.
    static func program(seed: Int) -> String {
        """
        universe synthetic(stocks: 400, seed: \(seed), from: 1995-01, to: 2004-12)
        benchmark mktcap
        maximize mu'f s.t. tev <= 3%
        rebalance monthly from 2003-01 to 2004-11

        """
    }

    static let reportNames = ["attribution.csv", "contributions.csv", "exposures.csv", "report.html", "report.md", "returns.csv",
                              "run.json", "weights.csv"]

    /// When a run started and how long it took, as its provenance records them (run.json, the reports'
    /// headers): blanked, so that two runs of one program write the same set.
    static let runTime = try! NSRegularExpression(pattern: #"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z(, [0-9.]+ s)?|"wallTimeSeconds" : [-0-9.e+]+"#)

    /// The folder's entries and their contents (a digest, the run's time left out), for comparing whole sets.
    static func contents(of folder: URL) throws -> [String: String] {
        var result: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            var data = (try? Data(contentsOf: folder.appendingPathComponent(name))) ?? Data()
            if name == "run.json" || name.hasPrefix("report."), let text = String(data: data, encoding: .utf8) {
                let range = NSRange(text.startIndex..., in: text)
                data = Data(runTime.stringByReplacingMatches(in: text, range: range, withTemplate: "").utf8)
            }
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in data { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            result[name] = "\(data.count):\(String(hash, radix: 16))"
        }
        return result
    }

    /// `tilt run DIR/PROGRAM --out DIR/OUT`: absolute paths, as `interrupt` gives them, since the report's
    /// title is the program's path.
    static func run(_ program: String, out: String, in dir: URL, fileSizeLimit: Int? = nil) throws -> TiltBinary.Result {
        try TiltBinary.run(["run", dir.appendingPathComponent(program).path, "--out", dir.appendingPathComponent(out).path],
                           directory: dir, fileSizeLimit: fileSizeLimit)
    }

    /// A folder with the report of `seed` in it (and a file of the user's), and the program of `newSeed`.
    func prepare(oldSeed: Int = 11, newSeed: Int = 12) throws -> (dir: URL, old: [String: String], new: [String: String]) {
        let dir = try scratchFolder()
        try Self.program(seed: oldSeed).write(to: dir.appendingPathComponent("old.tilt"), atomically: true, encoding: .utf8)
        try Self.program(seed: newSeed).write(to: dir.appendingPathComponent("new.tilt"), atomically: true, encoding: .utf8)
        for (program, out) in [("new.tilt", "expected"), ("old.tilt", "D")] {
            let result = try Self.run(program, out: out, in: dir)
            #expect(result.status == 0, "\(result.stderr)")
        }
        try "mine\n".write(to: dir.appendingPathComponent("D/notes.txt"), atomically: true, encoding: .utf8)
        let old = try Self.contents(of: dir.appendingPathComponent("D"))
        var new = try Self.contents(of: dir.appendingPathComponent("expected"))
        new["notes.txt"] = old["notes.txt"]
        #expect(Set(old.keys) == Set(Self.reportNames + [".tilt-files", "notes.txt"]))
        #expect(old["returns.csv"] != new["returns.csv"])
        return (dir, old, new)
    }

    /// Starts `tilt run new.tilt --out D`, waits until it stages its first file (the write phase has begun),
    /// then `delay` seconds more, and sends `signal`. Returns the exit status (-1 when a signal ended it)
    /// and its standard output (a file: buffered output reaches it only if the command flushes it).
    func interrupt(in dir: URL, signal: Int32, delay: Double) throws -> (status: Int32, stdout: String) {
        let outputPath = dir.appendingPathComponent("stdout.txt").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let pid = try TiltBinary.spawn(["run", dir.appendingPathComponent("new.tilt").path, "--out", dir.appendingPathComponent("D").path],
                                       environment: ProcessInfo.processInfo.environment, actions: &actions)
        let folder = dir.appendingPathComponent("D").path
        let deadline = Date().addingTimeInterval(120)
        var status: Int32 = 0
        var ended = false
        while Date() < deadline {
            if waitpid(pid, &status, WNOHANG) == pid { ended = true; break }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            if names.contains(where: { $0.hasPrefix(".tilt-staging-") }) { break }
            usleep(500)
        }
        if !ended {
            usleep(useconds_t(delay * 1_000_000))
            kill(pid, signal)
            waitpid(pid, &status, 0)
        }
        let printed = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return ((status & 0x7f) == 0 ? (status >> 8) & 0xff : -1, printed)
    }

    /// SIGINT and SIGTERM at random points of the write phase: the folder holds the whole old set or the
    /// whole new one, the user's own file as it was, and no temporary file or staging folder; the command
    /// exits 130 or 143 (or 0 when it finished first), and what it printed before is not lost.
    @Test func aStoppedRunLeavesTheOldSetOrTheNewOne() throws {
        let (dir, old, new) = try prepare()
        var rng = SplitMix64(seed: 0x51_6E)
        var outcomes: [String: Int] = [:]
        for trial in 0..<16 {
            let signal = trial % 2 == 0 ? SIGINT : SIGTERM
            // Staging starts once every file's text is built; writing and committing take from a few to a
            // few hundred milliseconds, with the machine's load: delays from 0.1 to 300 ms, log-uniform.
            let delay = 0.0001 * pow(3000, Double(rng.next() % 1000) / 1000)
            let (status, stdout) = try interrupt(in: dir, signal: signal, delay: delay)
            let now = try Self.contents(of: dir.appendingPathComponent("D"))
            let which = now == old ? "old" : now == new ? "new" : "mixed"
            #expect(which != "mixed", "trial \(trial) (signal \(signal) after \(delay) s): \(now.keys.sorted())")
            #expect(status == 128 + signal || (status == 0 && which == "new"), "trial \(trial): status \(status)")
            // The tables are printed before the report is written: a stopped command still shows them.
            #expect(stdout.contains("Tracking error"), "trial \(trial): standard output was lost: \(stdout.suffix(200))")
            outcomes["\(which) \(status)", default: 0] += 1
            print("stopped run \(trial): \(signal) after \(Int(delay * 1e6)) µs: \(which) set, exit \(status)")
            if which == "new" {
                // Back to the old set for the next trial.
                let result = try Self.run("old.tilt", out: "D", in: dir)
                #expect(result.status == 0)
            }
        }
        // Signals land before the commit (the old set stays) or during or after it (the new set); enough
        // before it that the write phase is what is tested.
        #expect(outcomes.filter { $0.key.hasPrefix("old") }.values.reduce(0, +) >= 3, "\(outcomes)")
    }

    /// SIGKILL cannot be handled: a run killed in the write phase may leave its staging folder or an
    /// unfinished replacement, which the next run writing to the folder removes or completes.
    @Test func theNextRunFinishesWhatAKilledOneLeft() throws {
        let (dir, old, new) = try prepare()
        var rng = SplitMix64(seed: 0x9_1)
        for trial in 0..<6 {
            let (status, _) = try interrupt(in: dir, signal: SIGKILL, delay: Double(rng.next() % 25_000) / 1_000_000)
            let folder = dir.appendingPathComponent("D")
            let now = try Self.contents(of: folder)
            let leftovers = now.keys.filter { $0.hasPrefix(".tilt-") && $0 != ".tilt-files" }
            // Without a journal, Tilt's files are the old set or the new one.
            if !now.keys.contains(".tilt-replace") {
                let own = now.filter { !leftovers.contains($0.key) }
                #expect(own == old || own == new, "trial \(trial): \(now.keys.sorted())")
            }
            #expect(status == -1 || status == 0)
            let again = try Self.run("new.tilt", out: "D", in: dir)
            #expect(again.status == 0, "\(again.stderr)")
            #expect(try Self.contents(of: folder) == new, "trial \(trial)")
            let restore = try Self.run("old.tilt", out: "D", in: dir)
            #expect(restore.status == 0)
        }
    }

    /// A disk that fills up while the report is written: an error, exit 1, and the old set untouched with
    /// nothing left behind. On a small tmpfs when the tests run as root (a real ENOSPC), else under a
    /// file-size limit (EFBIG).
    @Test func aFullDiskLeavesTheOldSet() throws {
        let (dir, old, _) = try prepare()
        let folder = dir.appendingPathComponent("D")
        let mount = dir.appendingPathComponent("small")
        try FileManager.default.createDirectory(at: mount, withIntermediateDirectories: true)
        var mounted = false
        if getuid() == 0 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/mount")
            process.arguments = ["-t", "tmpfs", "-o", "size=900k", "tmpfs", mount.path]
            process.standardError = FileHandle.nullDevice
            try? process.run()
            process.waitUntilExit()
            mounted = process.terminationReason == .exit && process.terminationStatus == 0
        }
        defer {
            if mounted {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/bin/umount")
                process.arguments = [mount.path]
                try? process.run()
                process.waitUntilExit()
            }
        }
        let result: TiltBinary.Result
        let target: URL
        if mounted {
            // The old set (about 630 kB) fits; the new one does not fit beside it.
            target = mount.appendingPathComponent("D")
            try FileManager.default.copyItem(at: folder, to: target)
            result = try TiltBinary.run(["run", dir.appendingPathComponent("new.tilt").path, "--out", target.path], directory: dir)
        } else {
            target = folder
            result = try Self.run("new.tilt", out: "D", in: dir, fileSizeLimit: 300)
        }
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains(mounted ? String(cString: strerror(ENOSPC)) : String(cString: strerror(EFBIG))), "\(result.stderr)")
        #expect(result.stderr.contains("the report is not written"), "\(result.stderr)")
        #expect(try Self.contents(of: target) == old)
    }

    /// The issue's case, through `read`: `tilt run D/strategy.tilt --out D` with the program reading
    /// D/returns.csv by `read("…")`, whose path may be computed and is checked when it reads. An error at
    /// the argument, naming both; nothing is written. Also through a link, and the program file itself (a
    /// usage error before anything runs).
    @Test func aFileTheRunReadsIsNeverReplaced() throws {
        let dir = try scratchFolder()
        let folder = dir.appendingPathComponent("D")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "1,2\n3,4\n".write(to: folder.appendingPathComponent("returns.csv"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("linked.csv").path,
                                                   withDestinationPath: "D/returns.csv")
        for (reading, column) in [("\"returns.csv\"", 14), ("\"../linked.csv\"", 14)] {
            let program = "let r = read(\(reading))\n" + Self.program(seed: 1)
            try program.write(to: folder.appendingPathComponent("strategy.tilt"), atomically: true, encoding: .utf8)
            let before = try Self.contents(of: folder)
            let result = try TiltBinary.run(["run", "D/strategy.tilt", "--out", "D"], directory: dir)
            #expect(result.status == 1)
            #expect(result.stderr.contains("D/strategy.tilt:1:\(column): error: --out `D`: the run reads `"), "\(result.stderr)")
            #expect(result.stderr.contains("which writing `returns.csv` here would replace"), "\(result.stderr)")
            #expect(try Self.contents(of: folder) == before)
        }
        // The program itself named like a report file.
        try "let x = 1\n".write(to: folder.appendingPathComponent("report.md"), atomically: true, encoding: .utf8)
        let itself = try TiltBinary.run(["run", "D/report.md", "--out", "D"], directory: dir)
        #expect(itself.status == 2 && itself.stderr.contains("--out `D`: the run reads `D/report.md`"), "\(itself.stderr)")
    }

    /// Runs `program` as D/NAME with `--out D` (and `arguments`), D holding `inputs`, a folder `data` beside
    /// it: the program must print nothing, fail with each clash of `refused` (its location in the program,
    /// the input as named in the message, the report file it would be) as an error naming both, and leave D
    /// as it was. Returns the scratch folder for more checks.
    func expectRefusedBeforeAnyWork(_ program: String, name: String, inputs: [String], arguments: [String] = [],
                                    refused: [(location: String, input: String, output: String)],
                                    sourceLocation: SourceLocation = #_sourceLocation) throws {
        let dir = try scratchFolder()
        let folder = dir.appendingPathComponent("D"), data = dir.appendingPathComponent("data")
        for made in [folder, data] { try FileManager.default.createDirectory(at: made, withIntermediateDirectories: true) }
        for input in inputs {
            try "not read\n".write(to: folder.appendingPathComponent(input), atomically: true, encoding: .utf8)
        }
        try FileManager.default.createSymbolicLink(atPath: data.appendingPathComponent("ff6_monthly.csv").path,
                                                   withDestinationPath: "../D/regimes.csv")
        try program.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        let before = try Self.contents(of: folder)
        let result = try TiltBinary.run(["run", "D/\(name)"] + arguments + ["--out", "D"], directory: dir)
        #expect(result.status == 1, sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, "the program ran: \(result.stdout)", sourceLocation: sourceLocation)
        for (location, input, output) in refused {
            #expect(result.stderr.contains("D/\(name):\(location): error: --out `D`: the run reads `"), "\(location): \(result.stderr)",
                    sourceLocation: sourceLocation)
            #expect(result.stderr.contains("\(input)`, which writing `\(output)` here would replace"), "\(input): \(result.stderr)",
                    sourceLocation: sourceLocation)
        }
        #expect(try Self.contents(of: folder) == before, sourceLocation: sourceLocation)
    }

    /// The files a strategy and an experiment name are refused before anything runs: the program prints
    /// nothing, each clash is an error at the statement naming the file (both files named), and the folder
    /// is as it was. Through a link too (the paper design's factor file, data/ff6_monthly.csv, a link to
    /// D/regimes.csv).
    @Test func filesTheProgramNamesAreRefusedBeforeAnyWork() throws {
        try expectRefusedBeforeAnyWork("""
            print "started"
            universe "returns.csv"
            factors "ff.csv"
            benchmark read("weights.csv")
            maximize mu'f s.t. tev <= 3%
            rebalance monthly
            experiment regime_study(trials: 2, design: paper)

            """, name: "strategy.tilt", inputs: ["returns.csv", "weights.csv", "ff.csv", "regimes.csv"], arguments: ["--data", "data"],
            refused: [("2:10", "D/returns.csv", "returns.csv"), ("4:16", "D/weights.csv", "weights.csv"),
                      ("7:44", "data/ff6_monthly.csv", "regimes.csv")])
    }

    /// A parametric policy's files — the industries file and a characteristic's — are refused the same way.
    @Test func aPolicysFilesAreRefusedBeforeAnyWork() throws {
        try expectRefusedBeforeAnyWork("""
            print "started"
            universe kenfrench("weights.csv")
            benchmark mktcap
            policy parametric(size, "returns.csv", window: 12, fit: 2000-01 to 2001-12) utility crra(5)
            rebalance monthly from 2002-01 to 2003-12

            """, name: "policy.tilt", inputs: ["returns.csv", "weights.csv"],
            refused: [("2:20", "D/weights.csv", "weights.csv"), ("4:25", "D/returns.csv", "returns.csv")])
    }

    /// A file named by a value the program computes is known only when the strategy is lowered: refused
    /// then, before its data is loaded, at the statement naming it. A plan run from JSON is checked the
    /// same way before it loads anything.
    @Test func computedPathsAndPlansAreRefusedBeforeLoading() throws {
        let dir = try scratchFolder()
        let folder = dir.appendingPathComponent("D")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "not read\n".write(to: folder.appendingPathComponent("weights.csv"), atomically: true, encoding: .utf8)
        let program = """
            let file = "weights.csv"
            universe synthetic(stocks: 20, seed: 1, from: 1995-01, to: 2004-12)
            benchmark read(file)
            maximize mu'f s.t. tev <= 3%
            rebalance monthly from 2003-01 to 2004-11

            """
        try program.write(to: folder.appendingPathComponent("strategy.tilt"), atomically: true, encoding: .utf8)
        let before = try Self.contents(of: folder)
        let run = try TiltBinary.run(["run", "D/strategy.tilt", "--out", "D"], directory: dir)
        #expect(run.status == 1)
        #expect(run.stderr.contains("D/strategy.tilt:3:16: error: --out `D`: the run reads `"), "\(run.stderr)")
        #expect(run.stderr.contains("D/weights.csv`, which writing `weights.csv` here would replace"), "\(run.stderr)")
        #expect(try Self.contents(of: folder) == before)

        let planned = try TiltBinary.run(["run", "D/strategy.tilt", "--plan-json"], directory: dir)
        #expect(planned.status == 0, "\(planned.stderr)")
        try planned.stdout.write(to: dir.appendingPathComponent("plan.json"), atomically: true, encoding: .utf8)
        let fromPlan = try TiltBinary.run(["run", "plan.json", "--out", "D"], directory: dir)
        #expect(fromPlan.status == 1)
        #expect(fromPlan.stderr.contains("tilt: plan.json: error: --out `D`: the run reads `"), "\(fromPlan.stderr)")
        #expect(fromPlan.stderr.contains("D/weights.csv`, which writing `weights.csv` here would replace"), "\(fromPlan.stderr)")
        #expect(try Self.contents(of: folder) == before)
    }

    /// A program that fails leaves the folder as it was.
    @Test func aFailingProgramLeavesTheFolderAsItWas() throws {
        let (dir, old, _) = try prepare()
        // A run-time error (the checker does not know shapes), after the backtest has run.
        try (Self.program(seed: 12) + "print [1, 2] * [3, 4]\n").write(to: dir.appendingPathComponent("bad.tilt"),
                                                                      atomically: true, encoding: .utf8)
        let result = try Self.run("bad.tilt", out: "D", in: dir)
        #expect(result.status == 1)
        #expect(try Self.contents(of: dir.appendingPathComponent("D")) == old)
    }

    /// One-character paths: Foundation's `NSString.deletingLastPathComponent` traps on them (SIGILL), and
    /// `--out o`, a program named `p` and `synth --crsp c` all reached it.
    @Test func oneCharacterPathsWork() throws {
        let dir = try scratchFolder()
        try Self.program(seed: 1).write(to: dir.appendingPathComponent("p"), atomically: true, encoding: .utf8)
        let run = try TiltBinary.run(["run", "p", "--out", "o"], directory: dir)
        #expect(run.status == 0 && !run.crashed, "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("o/weights.csv").path))
        let synth = try TiltBinary.run(["synth", "--crsp", "c", "--stocks", "2", "--from", "2000-01", "--to", "2000-03"], directory: dir)
        #expect(synth.status == 0 && !synth.crashed, "\(synth.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("factors.csv").path))
    }

    /// `tilt synth --crsp X --factors link-to-X` would write both files to X: refused before anything is
    /// written, whether X exists or not (the link dangles until X is made).
    @Test func synthResolvesLinksBeforeTheClashCheck() throws {
        let dir = try scratchFolder()
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("link-to-X").path, withDestinationPath: "X")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("sub/up").path, withDestinationPath: "../X")
        let market = ["--stocks", "2", "--from", "2000-01", "--to", "2000-03"]
        for factors in ["link-to-X", "sub/up", "./sub/../X"] {
            for existing in [false, true] {
                if existing { try "mine\n".write(to: dir.appendingPathComponent("X"), atomically: true, encoding: .utf8) }
                let result = try TiltBinary.run(["synth", "--crsp", "X", "--factors", factors] + market, directory: dir)
                #expect(result.status == 2, "\(factors): \(result.stderr)")
                #expect(result.stderr.contains("the CRSP file and the factors would both be written to"), "\(result.stderr)")
                let x = try? String(contentsOf: dir.appendingPathComponent("X"), encoding: .utf8)
                #expect(x == (existing ? "mine\n" : nil))
            }
            try? FileManager.default.removeItem(at: dir.appendingPathComponent("X"))
        }
    }
}

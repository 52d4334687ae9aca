// tilt-fuzz: black-box fuzzing of the built `tilt` binary, as a user's files and keystrokes would reach it.
//
// Each case is a seed input mutated at random — a program, REPL input, a numeric CSV, a Ken French
// industry or factor file, a tidy factor file, a CRSP extract, an MPS/QPS or CBF file — written into a fresh
// folder and given to the commands that read it (`run`, `check`, `fmt`, `repl`, `solve`). Every command must
//   - end by exiting, with status 0 or 1 (never a signal: a trap, a crash, an abort);
//   - end within the timeout (never a hang);
//   - locate every error: each line of standard error with `error:` starts with the input's name and its
//     line (`input.tilt:3:7: error:`, `input.mps:12: error:`), or names the file as a whole (`input.mps:
//     error:`) — a data file's errors appear after the program location that read it;
//   - for `fmt`: format its own output to itself.
// A case that breaks one is a finding: its folder is kept, with the command and its output. Cases are
// reproducible: case i of seed s is the same input on every machine (SplitMix64), whatever the parallelism.
//
// Docs/reliability.md says how CI runs it (briefly, fixed seed) and how to run a campaign before a release.

import Foundation
import TiltLinearAlgebra

// MARK: Options

struct Options: Sendable {
    var tilt = ".build/release/tilt"
    var seed: UInt64 = 1
    var count = 500
    var seconds = 120.0
    var timeout = 30.0
    var jobs = 2
    var findings = "fuzz-findings"
    var kinds = Kind.allCases
    var repository = "."
    /// The most edits per mutation; 0 runs the seeds as they are (to check the harness: all should pass).
    var edits = 4
    /// Keep every case's folder (with each command's output), not only findings: to look at what runs.
    var keepAll = false

    static let usage = """
        usage: tilt-fuzz [--tilt PATH] [--seed N] [--count N] [--seconds S] [--timeout S] [--jobs N]
                         [--findings DIR] [--kinds program,repl,csv,kenfrench,factors,crsp,mps,cbf] [--repository DIR]
          --count     cases at most (default 500); --seconds: stop starting new ones after S seconds (120)
          --timeout   seconds one command may take before it counts as a hang (30)
          --findings  where failing cases are kept (default fuzz-findings)
          --edits     the most edits per mutated input (4); 0 gives the seeds unchanged
          --keep-all  keep every case in the findings folder, with each command's output
        """

    init(arguments: [String]) throws {
        var rest = arguments[...]
        func value(_ name: String) throws -> String {
            guard let v = rest.popFirst() else { throw FuzzError("\(name) needs a value\n\(Options.usage)") }
            return v
        }
        func number<T: LosslessStringConvertible>(_ name: String) throws -> T {
            let text = try value(name)
            guard let n = T(text) else { throw FuzzError("\(name): `\(text)` is not a number") }
            return n
        }
        while let option = rest.popFirst() {
            switch option {
            case "--tilt": tilt = try value(option)
            case "--seed": seed = try number(option)
            case "--count": count = try number(option)
            case "--seconds": seconds = try number(option)
            case "--timeout": timeout = try number(option)
            case "--jobs": jobs = max(1, try number(option) as Int)
            case "--findings": findings = try value(option)
            case "--repository": repository = try value(option)
            case "--edits": edits = max(0, try number(option) as Int)
            case "--keep-all": keepAll = true
            case "--kinds":
                kinds = try value(option).split(separator: ",").map { name in
                    guard let kind = Kind(rawValue: String(name)) else { throw FuzzError("unknown kind `\(name)`") }
                    return kind
                }
            case "--help", "-h": print(Options.usage); exit(0)
            default: throw FuzzError("unknown option `\(option)`\n\(Options.usage)")
            }
        }
    }
}

struct FuzzError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

// MARK: Cases

/// What a case fuzzes: the file that is mutated and the commands that read it.
enum Kind: String, CaseIterable, Sendable {
    case program, repl, csv, kenfrench, factors, crsp, mps, cbf
}

/// One input: files written into a fresh folder, the commands run there, and REPL input.
struct Case {
    var kind: Kind
    /// The mutated file's name (errors must name it).
    var input: String
    var files: [String: [UInt8]]
    var commands: [[String]]
    var stdin: [UInt8] = []
}

/// Seed inputs, made once: the repository's examples and solver fixtures, and small data files written here
/// (a fresh clone has no ../shared data), and a CRSP extract made by `tilt synth`.
struct Seeds: Sendable {
    var programs: [[UInt8]] = []
    var mps: [(name: String, bytes: [UInt8])] = []
    var cbf: [[UInt8]] = []
    var crsp: [UInt8] = []
    var crspFactors: [UInt8] = []

    /// Examples that run for minutes by design (a 200-trial Monte Carlo study) are left out: a mutation
    /// that makes them longer would read as a hang.
    static let slowExamples: Set<String> = ["montecarlo.tilt", "ppp.tilt"]

    static let inlinePrograms = [
        "let x = [1, 2; 3, 4]\nprint inv(x) * x\nprint format(inv(x)[1, 1], digits: 17)\n",
        "let r = 1994-01 to 1995-06 by 3\nprint r\nlet m = 2000-12 + 14\nprint m\n",
        "var w[3] >= 0\nsolve minimize sumsq(w - [0.2; 0.5; 0.3]) s.t. budget: sum(w) == 1\nprint optval\nprint dual(budget)\n",
        "let v = [3; 1; 2]\nprint |v - 2|\nprint ||v| - 1|\nprint max(v)\nprint sum([])\nprint cumsum(v)'\n",
        "let e = zeros(0, 3)\nprint sum(e)\nlet s = \"text\"\nprint s\nprint v[2:3]\n",
        "universe synthetic(stocks: 8, seed: 3, from: 2000-01, to: 2003-12)\nbenchmark mktcap\nmaximize mu'f s.t. tev <= 4%\nrebalance monthly from 2002-01 to 2003-11\n",
        "universe synthetic(stocks: 6, seed: 5, from: 2000-01, to: 2002-12)\nbenchmark equal\nmodel ols(window: rolling 12)\ngamma in [1, 10]\nmaximize mu'f - gamma * risk s.t. w >= 0\nrebalance quarterly from 2001-06 to 2002-09\ncrisis \"x\" 2001-09 to 2001-12\n",
    ]

    init(options: Options) throws {
        let examples = URL(fileURLWithPath: options.repository).appendingPathComponent("Examples")
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: examples.path)) ?? []).sorted()
        where name.hasSuffix(".tilt") && !Seeds.slowExamples.contains(name) {
            programs.append(Array(try Data(contentsOf: examples.appendingPathComponent(name))))
        }
        programs += Seeds.inlinePrograms.map { Array($0.utf8) }
        let fixtures = URL(fileURLWithPath: options.repository).appendingPathComponent("Tests/TiltSolverTests/FormatFixtures")
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: fixtures.path)) ?? []).sorted() {
            let bytes = Array(try Data(contentsOf: fixtures.appendingPathComponent(name)))
            if name.hasSuffix(".cbf") { cbf.append(bytes) }
            if name.hasSuffix(".mps") || name.hasSuffix(".qps") { mps.append((name, bytes)) }
        }
        guard !mps.isEmpty, !cbf.isEmpty else { throw FuzzError("no solver fixtures under \(fixtures.path): give --repository") }
        // A small CRSP extract with its factors, from the tool itself.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tilt-fuzz-seed-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let synth = Runner.run(options.tilt, ["synth", "--crsp", "crsp.csv", "--stocks", "6", "--seed", "3",
                                              "--from", "2000-01", "--to", "2002-12"], in: folder, timeout: 120)
        guard synth.status == 0 else { throw FuzzError("`tilt synth` failed (\(synth.describeEnd)): \(synth.stderr)") }
        crsp = Array(try Data(contentsOf: folder.appendingPathComponent("crsp.csv")))
        crspFactors = Array(try Data(contentsOf: folder.appendingPathComponent("factors.csv")))
    }

    /// A numeric CSV for `read`: a header, a label column of months, numbers with a missing cell.
    static func numericCSV(_ rng: inout SplitMix64) -> [UInt8] {
        var text = "month,a,b,c\n"
        for t in 0..<12 {
            let cells = (0..<3).map { _ in String(format: "%.4f", rng.uniform() * 0.2 - 0.1) }
            text += "\(2001 + t / 12)-\(String(format: "%02d", t % 12 + 1)),\(cells.joined(separator: ","))\n"
        }
        return Array(text.utf8)
    }

    /// A Ken French industry file in the downloaded layout: four industries, 36 months, the monthly
    /// sections the loader needs and the annual book-to-market section.
    static func kenFrenchIndustries(_ rng: inout SplitMix64) -> [UInt8] {
        let industries = ["Agric", "Food ", "Soda ", "Beer "]
        var text = "This file was created by CMPT_IND_RETS using the 202412 CRSP database.\n\nMissing data are indicated by -99.99 or -999.\n\n"
        func monthly(_ title: String, _ value: () -> String) {
            text += "  \(title) -- Monthly\n," + industries.joined(separator: ",") + "\n"
            for t in 0..<36 {
                text += "\(2000 + t / 12)\(String(format: "%02d", t % 12 + 1))," + industries.map { _ in value() }.joined(separator: ",") + "\n"
            }
            text += "\n"
        }
        monthly("Average Value Weighted Returns") { String(format: "%7.2f", rng.uniform() * 10 - 5) }
        monthly("Average Equal Weighted Returns") { String(format: "%7.2f", rng.uniform() * 10 - 5) }
        monthly("Number of Firms in Portfolios") { String(10 + Int(clamping: rng.uniform() * 50, rounding: .down, to: 0...50)) }
        monthly("Average Firm Size") { String(format: "%9.2f", 100 + rng.uniform() * 1000) }
        text += "  Sum of BE / Sum of ME\n," + industries.joined(separator: ",") + "\n"
        for year in 1999...2002 {
            text += "\(year)," + industries.map { _ in String(format: "%6.2f", 0.3 + rng.uniform()) }.joined(separator: ",") + "\n"
        }
        return Array(text.utf8)
    }

    /// Factor returns in Ken French's layout (percent), 36 months.
    static func kenFrenchFactors(_ rng: inout SplitMix64) -> [UInt8] {
        var text = "This file was created by CMPT_ME_BEME_OP_INV_RETS using the 202412 CRSP database.,,,,,,\n,,,,,,\n,Mkt-RF,SMB,HML,RMW,CMA,RF\n"
        for t in 0..<36 {
            let cells = (0..<5).map { _ in String(format: "%8.2f", rng.uniform() * 8 - 4) } + [String(format: "%8.2f", 0.2)]
            text += "\(2000 + t / 12)\(String(format: "%02d", t % 12 + 1)),\(cells.joined(separator: ","))\n"
        }
        return Array(text.utf8)
    }
}

/// Builds case `index`: its own generator (the run's seed and the index), a kind, a mutated seed.
func makeCase(_ index: Int, seeds: Seeds, options: Options) -> Case {
    var rng = SplitMix64(seed: options.seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(index))
    let kind = options.kinds[index % options.kinds.count]
    func pick<T>(_ items: [T]) -> T { items[Int(clamping: rng.uniform() * Double(items.count), rounding: .down, to: 0...items.count - 1)] }
    let strategy = "benchmark mktcap\nmaximize mu'f s.t. tev <= 5%\nrebalance monthly from 2001-06 to 2002-11\n"
    switch kind {
    case .program:
        let text = Mutator.mutate(pick(seeds.programs), rng: &rng, tokens: Mutator.programTokens, edits: options.edits)
        return Case(kind: kind, input: "input.tilt",
                    files: ["input.tilt": text, "w.csv": Seeds.numericCSV(&rng), "crsp.csv": seeds.crsp, "factors.csv": seeds.crspFactors],
                    commands: [["check", "input.tilt"], ["fmt", "input.tilt"], ["run", "input.tilt", "--data", ".", "--out", "report"]])
    case .repl:
        var lines = String(decoding: Mutator.mutate(pick(seeds.programs), rng: &rng, tokens: Mutator.programTokens, edits: options.edits), as: UTF8.self)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for command in [":type x", ":load input.tilt", ":explain solve minimize sumsq(x)", ":reset", ":help", ":t [1, 2]'"]
        where rng.uniform() < 0.15 {
            lines.insert(command, at: Int(clamping: rng.uniform() * Double(lines.count + 1), rounding: .down, to: 0...lines.count))
        }
        return Case(kind: kind, input: "<repl", files: ["input.tilt": pick(seeds.programs)], commands: [["repl"]],
                    stdin: Array(lines.joined(separator: "\n").utf8))
    case .csv:
        let data = Mutator.mutate(Seeds.numericCSV(&rng), rng: &rng, tokens: Mutator.dataTokens, edits: options.edits)
        return Case(kind: kind, input: "input.csv",
                    files: ["input.csv": data, "p.tilt": Array("let m = read(\"input.csv\")\nprint m\nprint sum(m)\nprint mean(m)\nprint m[1, :]\n".utf8)],
                    commands: [["run", "p.tilt"]])
    case .kenfrench:
        let data = Mutator.mutate(Seeds.kenFrenchIndustries(&rng), rng: &rng, tokens: Mutator.dataTokens, edits: options.edits)
        let program = "universe kenfrench(\"input.csv\")\nfactors \"ff.csv\"\n" + strategy
        return Case(kind: kind, input: "input.csv",
                    files: ["input.csv": data, "ff.csv": Seeds.kenFrenchFactors(&rng), "p.tilt": Array(program.utf8)],
                    commands: [["run", "p.tilt"]])
    case .factors:
        let seed = rng.uniform() < 0.5 ? Seeds.kenFrenchFactors(&rng) : seeds.crspFactors
        let data = Mutator.mutate(seed, rng: &rng, tokens: Mutator.dataTokens, edits: options.edits)
        let program = "universe synthetic(stocks: 5, seed: 2, from: 2000-01, to: 2002-12)\nfactors \"input.csv\"\n" + strategy
        return Case(kind: kind, input: "input.csv", files: ["input.csv": data, "p.tilt": Array(program.utf8)], commands: [["run", "p.tilt"]])
    case .crsp:
        let data = Mutator.mutate(seeds.crsp, rng: &rng, tokens: Mutator.dataTokens, edits: options.edits)
        return Case(kind: kind, input: "crsp.csv",
                    files: ["crsp.csv": data, "factors.csv": seeds.crspFactors, "p.tilt": Array(("universe crsp\n" + strategy).utf8)],
                    commands: [["run", "p.tilt"]])
    case .mps:
        let seed = pick(seeds.mps)
        let name = "input." + (seed.name.hasSuffix(".qps") ? "qps" : "mps")
        return Case(kind: kind, input: name, files: [name: Mutator.mutate(seed.bytes, rng: &rng, tokens: Mutator.solverTokens, edits: options.edits)],
                    commands: [["solve", name], ["solve", "--format", "free-mps", name], ["solve", "--json", name]])
    case .cbf:
        return Case(kind: kind, input: "input.cbf", files: ["input.cbf": Mutator.mutate(pick(seeds.cbf), rng: &rng, tokens: Mutator.solverTokens, edits: options.edits)],
                    commands: [["solve", "input.cbf"]])
    }
}

// MARK: Mutations

enum Mutator {
    static let programTokens = [
        "1e300", "-1e300", "1e-320", "0", "-0", "9.3e18", "1e6", "NaN", "2.5", "-1", "100%", "1e308 * 10", "0/0",
        "1994-01", "9999-12", "0000-01", "2024-02-29", " to ", " by ", "[]", "zeros(0, 3)", "|", "||", "(", ")", "[", "]",
        ";", ",", "'", "\n", "\"", "\\", "#", "\u{FEFF}", "é", "\u{1F600}", "x", "w", "mu'f", "tev", "sum(", "max(",
        "format(", "digits: ", "read(\"w.csv\")", "universe crsp\n", "rebalance monthly\n", "let ", "var ", "solve ",
        "maximize ", "minimize ", "s.t. ", " <= ", " == ", "dual(", "optval", "rolling ", "window: ", "from: ",
    ]
    static let dataTokens = [
        ",", "\n", "\r\n", "\"", "\"\"", "-99.99", "-999", "NaN", "nan", "inf", "-inf", "1e300", "-1e300", "1e-320", "0",
        "-0", "", " ", "\t", "9999-12-31", "1000-01-31", "0000-00-00", "2024-02-30", "202413", "999912", "100001",
        "C", "B", ".", "-", "e", "1.5e", "12345678901234567890", "-1", "abc", "\u{FEFF}", "\u{FF}", "permno", "date",
        "ret", "Mkt-RF", "RF", "  Average Value Weighted Returns -- Monthly\n",
    ]
    static let solverTokens = [
        " ", "\t", "\n", "*", "NAME", "ROWS", "COLUMNS", "RHS", "RANGES", "BOUNDS", "QUADOBJ", "QMATRIX", "ENDATA",
        " N ", " L ", " E ", " G ", " UP ", " LO ", " FX ", " FR ", " MI ", " PL ", " BV ", " LI ", " UI ",
        "MARKER", "'INTORG'", "1e300", "-1e300", "1e-320", "NaN", "inf", "-1", "0", "2147483648", "99999999999",
        "VER", "OBJSENSE", "MIN", "MAX", "VAR", "CON", "OBJACOORD", "ACOORD", "BCOORD", "L+", "L-", "Q", "EXP", "F",
    ]

    /// One to four edits of `bytes`: byte flips, token insertions or replacements, lines deleted, repeated
    /// or swapped, a cut, a number field replaced, a stretch duplicated.
    static func mutate(_ bytes: [UInt8], rng: inout SplitMix64, tokens: [String], edits: Int) -> [UInt8] {
        var data = bytes
        func position(_ count: Int) -> Int { Int(clamping: rng.uniform() * Double(count + 1), rounding: .down, to: 0...count) }
        for _ in 0..<(edits == 0 ? 0 : 1 + position(edits - 1)) {
            switch position(8) {
            case 0 where !data.isEmpty:
                data[min(position(data.count), data.count - 1)] = UInt8(truncatingIfNeeded: rng.next())
            case 1, 2:
                let token = Array(tokens[min(position(tokens.count), tokens.count - 1)].utf8)
                data.insert(contentsOf: token, at: position(data.count))
            case 3:
                // A token replacing the run of non-separator bytes at a random place (a number, a name).
                let token = Array(tokens[min(position(tokens.count), tokens.count - 1)].utf8)
                let at = position(data.count)
                var end = at
                while end < data.count, !" ,\n\t;()[]".utf8.contains(data[end]) { end += 1 }
                data.replaceSubrange(at..<end, with: token)
            case 4, 5:
                var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
                guard lines.count > 1 else { continue }
                let i = min(position(lines.count), lines.count - 1), j = min(position(lines.count), lines.count - 1)
                switch position(2) {
                case 0: lines.remove(at: i)
                case 1: lines.insert(lines[i], at: j)
                default: lines.swapAt(i, j)
                }
                data = Array(lines.joined(separator: [UInt8(ascii: "\n")]))
            case 6:
                data = Array(data.prefix(position(data.count)))
            default:
                guard !data.isEmpty else { continue }
                let start = position(data.count - 1), length = min(position(64), data.count - start)
                data.insert(contentsOf: data[start..<(start + length)], at: position(data.count))
            }
        }
        return data
    }
}

// MARK: Running

struct Outcome {
    var status: Int32
    /// The signal that ended the process, or nil when it exited.
    var signal: Int32?
    var timedOut: Bool
    var stdout: String
    var stderr: String

    var describeEnd: String {
        timedOut ? "timed out" : signal.map { "killed by signal \($0)" } ?? "exit \(status)"
    }
}

enum Runner {
    /// Runs `tilt ARGS` in `folder` with `stdin`, its output to files (no pipe to fill), stopped after
    /// `timeout` seconds.
    static func run(_ tilt: String, _ arguments: [String], in folder: URL, stdin: [UInt8] = [], timeout: Double,
                    home: String? = nil) -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tilt)
        process.arguments = arguments
        process.currentDirectoryURL = folder
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment["HOME"] = home ?? folder.path
        environment.removeValue(forKey: "TILT_DATA")
        process.environment = environment
        let out = folder.appendingPathComponent(".stdout"), err = folder.appendingPathComponent(".stderr")
        let input = folder.appendingPathComponent(".stdin")
        let files = FileManager.default
        guard files.createFile(atPath: out.path, contents: nil), files.createFile(atPath: err.path, contents: nil),
              files.createFile(atPath: input.path, contents: Data(stdin)),
              let outHandle = FileHandle(forWritingAtPath: out.path), let errHandle = FileHandle(forWritingAtPath: err.path),
              let inHandle = FileHandle(forReadingAtPath: input.path) else {
            return Outcome(status: -1, signal: nil, timedOut: false, stdout: "", stderr: "tilt-fuzz: cannot open files in \(folder.path)")
        }
        defer { try? outHandle.close(); try? errHandle.close(); try? inHandle.close() }
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = inHandle
        do { try process.run() } catch {
            return Outcome(status: -1, signal: nil, timedOut: false, stdout: "", stderr: "tilt-fuzz: cannot start \(tilt): \(error)")
        }
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        while process.isRunning {
            if Date() > deadline {
                timedOut = true
                kill(process.processIdentifier, SIGKILL)
                break
            }
            usleep(2_000)
        }
        process.waitUntilExit()
        let read = { (url: URL) in String(decoding: (try? Data(contentsOf: url)) ?? Data(), as: UTF8.self) }
        let bySignal = process.terminationReason == .uncaughtSignal
        return Outcome(status: bySignal ? -1 : process.terminationStatus, signal: bySignal ? process.terminationStatus : nil,
                       timedOut: timedOut, stdout: read(out), stderr: read(err))
    }
}

/// What is wrong with a command's outcome, or nil.
func problem(_ outcome: Outcome, command: [String], input: String, folder: URL, options: Options) -> String? {
    if outcome.timedOut { return "hang: no end within \(options.timeout) s" }
    if let signal = outcome.signal { return "killed by signal \(signal)" }
    if outcome.status != 0 && outcome.status != 1 { return "exit status \(outcome.status) (expected 0 or 1)" }
    for marker in ["Fatal error", "Program crashed", "Backtrace", "Assertion failed", "Illegal instruction"]
    where outcome.stderr.contains(marker) {
        return "crash report on standard error (\(marker))"
    }
    // Errors name where they are. The program's name for `run`/`check`/`fmt`; the mutated file's for `solve`;
    // an entry's for the REPL.
    let names = command.first == "repl" ? ["<repl:", "<type>", "<explain>", "input.tilt"] : Array(Set([input, command.last ?? input, "p.tilt", "input.tilt"]))
    // Readline rings the terminal's bell (BEL) at a tab it cannot complete: not part of a message.
    let lines = outcome.stderr.split(separator: "\n").map { $0.drop { $0.asciiValue.map { $0 < 0x20 } ?? false } }
    for line in lines where line.contains("error:") && !line.hasPrefix(" ") {
        guard let name = names.first(where: { line.hasPrefix($0) }) else { return "unlocated error: \(line)" }
        // After the name: `:LINE:COL: error:` (`<repl:3>` has its entry number first), or for `solve` also
        // `:LINE: error:` and `: error:` (a problem with the file as a whole: truncated, empty).
        let rest = String(line.dropFirst(name.count))
        let pattern = command.first == "solve" ? #"^(:\d+(:\d+)?)?: error:"# : #"^(\d+>)?:\d+:\d+: error:"#
        if rest.range(of: pattern, options: .regularExpression) == nil { return "unlocated error: \(line)" }
    }
    if command.first == "fmt", outcome.status == 0 {
        // Formatting is idempotent: the formatted program formats to itself.
        let formatted = folder.appendingPathComponent("formatted.tilt")
        try? Data(outcome.stdout.utf8).write(to: formatted)
        let again = Runner.run(options.tilt, ["fmt", "formatted.tilt"], in: folder, timeout: options.timeout)
        if again.status != 0 { return "the formatted program does not format: \(again.stderr.prefix(300))" }
        if again.stdout != outcome.stdout { return "formatting is not idempotent" }
    }
    return nil
}

// MARK: Main

func main() throws -> Int32 {
    let options = try Options(arguments: Array(CommandLine.arguments.dropFirst()))
    guard FileManager.default.isExecutableFile(atPath: options.tilt) else {
        throw FuzzError("no tilt binary at \(options.tilt): build it (swift build -c release --product tilt) or give --tilt")
    }
    let seeds = try Seeds(options: options)
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("tilt-fuzz-\(getpid())")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: work) }
    let start = Date()

    final class Tally: @unchecked Sendable {
        let lock = NSLock()
        var next = 0
        var ran: [Kind: Int] = [:]
        var commands = 0
        var findings: [String] = []
        var ends: [String: Int] = [:]
    }
    let tally = Tally()
    let group = DispatchGroup()
    for job in 0..<options.jobs {
        group.enter()
        Thread.detachNewThread {
            defer { group.leave() }
            while true {
                let index: Int? = tally.lock.withLock {
                    guard tally.next < options.count, Date().timeIntervalSince(start) < options.seconds else { return nil }
                    tally.next += 1
                    return tally.next - 1
                }
                guard let index else { return }
                let fuzzCase = makeCase(index, seeds: seeds, options: options)
                let folder = work.appendingPathComponent("case-\(job)")
                try? FileManager.default.removeItem(at: folder)
                try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                for (name, bytes) in fuzzCase.files { try? Data(bytes).write(to: folder.appendingPathComponent(name)) }
                let kept = URL(fileURLWithPath: options.findings).appendingPathComponent("seed\(options.seed)-case\(index)-\(fuzzCase.kind.rawValue)")
                /// Copies the case's folder, with a note, to the findings folder.
                func keep(_ note: String) {
                    try? FileManager.default.createDirectory(at: kept.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try? FileManager.default.removeItem(at: kept)
                    try? FileManager.default.copyItem(at: folder, to: kept)
                    try? Data(note.utf8).write(to: kept.appendingPathComponent(note.hasPrefix("OK") ? "RUN.txt" : "FINDING.txt"))
                }
                var log = "OK\n"
                for command in fuzzCase.commands {
                    let outcome = Runner.run(options.tilt, command, in: folder, stdin: fuzzCase.stdin, timeout: options.timeout)
                    let found = problem(outcome, command: command, input: fuzzCase.input, folder: folder, options: options)
                    tally.lock.withLock {
                        tally.commands += 1
                        tally.ends["\(command[0]) \(outcome.describeEnd)", default: 0] += 1
                    }
                    log += "tilt \(command.joined(separator: " ")): \(outcome.describeEnd)\n--- stdout\n\(outcome.stdout)--- stderr\n\(outcome.stderr)\n"
                    guard let found else { continue }
                    keep("tilt \(command.joined(separator: " "))\n\(found)\n\(outcome.describeEnd)\n--- stderr\n\(outcome.stderr)")
                    tally.lock.withLock { tally.findings.append("case \(index) (\(fuzzCase.kind.rawValue)): tilt \(command.joined(separator: " ")): \(found)\n  kept in \(kept.path)") }
                    log = ""
                    break
                }
                if options.keepAll, !log.isEmpty { keep(log) }
                tally.lock.withLock { tally.ran[fuzzCase.kind, default: 0] += 1 }
            }
        }
    }
    group.wait()
    let seconds = Date().timeIntervalSince(start)
    print(String(format: "tilt-fuzz: seed %llu, %d cases, %d commands in %.0f s (%@)", options.seed, tally.ran.values.reduce(0, +),
                 tally.commands, seconds, Kind.allCases.compactMap { k in tally.ran[k].map { "\(k.rawValue) \($0)" } }.joined(separator: ", ")))
    for (end, count) in tally.ends.sorted(by: { $0.key < $1.key }) { print("  \(end): \(count)") }
    if tally.findings.isEmpty {
        print("no findings")
        return 0
    }
    print("\(tally.findings.count) finding\(tally.findings.count == 1 ? "" : "s"):")
    for finding in tally.findings { print("  " + finding) }
    return 1
}

do {
    exit(try main())
} catch {
    FileHandle.standardError.write(Data("tilt-fuzz: \(error)\n".utf8))
    exit(2)
}

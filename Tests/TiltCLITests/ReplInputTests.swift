import Foundation
import Testing
import TiltTestSupport

/// The REPL treats its input as `tilt run` treats a file: invalid UTF-8 in a string is an error at its
/// place (it was silently U+FFFD), and an error of any kind — a month range stepping by 1e300 trapped and
/// ended the session — leaves the session going.
@Suite struct ReplInputTests {
    @Test func invalidUTF8IsAnErrorAsInRun() throws {
        let home = try scratchFolder()
        let entry: [UInt8] = Array("let s = \"a".utf8) + [0xFF] + Array(" b\"\nprint 1 + 1\n".utf8)
        let repl = try TiltBinary.run(["repl"], input: Data(entry), environment: ["HOME": home.path])
        #expect(repl.status == 0 && !repl.crashed)
        #expect(repl.stderr.contains("<repl:1>:1:9: error: string is not valid UTF-8"), "\(repl.stderr)")
        #expect(repl.stdout.contains("2\n"))
        let run = try TiltBinary.run(["run", "-"], input: Data(entry))
        #expect(run.status == 1 && run.stderr.contains("<stdin>:1:9: error: string is not valid UTF-8"), "\(run.stderr)")
    }

    @Test func aHugeMonthStepIsAnErrorAndTheSessionGoesOn() throws {
        let home = try scratchFolder()
        let input = "let r = 1994-01 to 2000-12 by 1e300\nlet k = 1e300\nlet q = 1994-01 to 2000-12 by k\nprint 40 + 2\n"
        let repl = try TiltBinary.run(["repl"], input: Data(input.utf8), environment: ["HOME": home.path])
        #expect(repl.status == 0 && !repl.crashed, "\(repl.stderr)")
        #expect(repl.stderr.contains("<repl:1>:1:31: error: a month range steps by a whole number of months from 1 to 999999"))
        #expect(repl.stderr.contains("<repl:3>:1:31: error: a month range steps by a whole number of months from 1 to 999999"))
        #expect(repl.stdout.contains("42\n"))
        // `tilt check` refuses the literal step without running anything; `tilt run` stops with exit 1.
        let check = try TiltBinary.run(["check", "-"], input: Data("let r = 1994-01 to 2000-12 by 1e300\n".utf8))
        #expect(check.status == 1 && check.stderr.contains("<stdin>:1:31: error: a month range steps"), "\(check.stderr)")
        let run = try TiltBinary.run(["run", "-"], input: Data("let k = 1e300\nlet q = 1994-01 to 2000-12 by k\n".utf8))
        #expect(run.status == 1 && !run.crashed && run.stderr.contains("<stdin>:2:31: error:"), "\(run.stderr)")
    }
}

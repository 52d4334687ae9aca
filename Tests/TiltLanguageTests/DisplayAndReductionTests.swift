import Foundation
import Testing
@testable import TiltLanguage
import TiltSyntax

/// What `print`, the REPL and `format` show, and reductions of nothing.
@Suite struct DisplayAndReductionTests {
    /// Runs `text`; its printed output and its first error message.
    func run(_ text: String) -> (output: String, error: String?) {
        final class Sink: @unchecked Sendable { var text = "" }
        let sink = Sink()
        let diagnostics = Session(output: { sink.text += $0 }).run(SourceFile(name: "t", text: text))
        return (sink.text, diagnostics.first?.message)
    }

    /// A number on its own shows 10 significant digits, as the solve line; `format` shows every digit
    /// needed to read the number back exactly, or the digits asked for; `print` shows a string as it is.
    @Test func numbersShowTheSolveLinesDigitsAndFormatShowsThemAll() {
        let (output, error) = run("""
            print 123456789
            print 1/3
            print format(1/3)
            print format(1/3, digits: 17)
            print format(2/3, 3)
            print format(0.1 + 0.2)
            print format(1e-20)
            print format([0.1, 1/3])
            print format("text")
            format(0.5)
            """)
        #expect(error == nil)
        #expect(output == """
            123456789
            0.3333333333
            0.3333333333333333
            0.33333333333333331
            0.667
            0.30000000000000004
            1e-20
            1×2 matrix
                 1                   2
            1  0.1  0.3333333333333333
            text
            format(0.5) = "0.5"

            """)
        // Every digit `format` shows reads back as exactly the number.
        for x in [1.0 / 3, 0.1 + 0.2, 1e-300, 123456789.123, -2.5e17, Double.pi] {
            let (text, _) = run("print format(\(x.description))")
            #expect(Double(text.trimmingCharacters(in: .newlines)) == x, "\(x): \(text)")
        }
    }

    /// `optval` prints as many digits as the solve line shows (it printed `1.5` where the line showed ten).
    @Test func optvalPrintsLikeTheSolveLine() throws {
        let (output, error) = run("""
            var x
            solve minimize sumsq(x - 1) + 1.2345678912
            print optval
            print format(optval, digits: 10)
            """)
        #expect(error == nil)
        let lines = output.split(separator: "\n").map(String.init)
        let solveLine = try #require(lines.first { $0.hasPrefix("minimize:") })
        let shown = try #require(solveLine.split(separator: " ").drop { $0 != "=" }.dropFirst().first)
        #expect(lines.dropFirst().first == String(shown))
        #expect(lines.last == String(shown))
    }

    @Test func labelsAreCheckedByPosition() {
        #expect(run("print format(1, dgits: 3)").error == "`format` takes `digits:` as argument 2, not `dgits:` here")
        #expect(run("print format(digits: 3, 1)").error == "`digits:` names argument 2 of `format`, not argument 1")
        #expect(Session.check(SourceFile(name: "t", text: "print sum([1], digits: 3)\n")).diagnostics.map(\.message)
                .contains("`sum` takes no labelled arguments"))
    }

    /// `sum` of nothing is 0 whatever the empty shape; the other reductions of nothing are errors at the
    /// argument, for every empty shape (`max([])` printed an empty matrix, `max(zeros(0, 3))` was an error).
    @Test(arguments: ["[]", "zeros(0)", "zeros(0, 3)", "zeros(3, 0)", "ones(1, 0)", "e", "e'"])
    func emptyReductionsAreConsistent(argument: String) {
        let setup = "let e = zeros(0, 1)\n"
        for name in ["mean", "min", "max", "std", "variance"] {
            let (_, error) = run(setup + "print \(name)(\(argument))")
            #expect(error?.hasPrefix("`\(name)` of nothing: the argument is empty") == true, "\(name)(\(argument)): \(error ?? "no error")")
        }
        let (output, error) = run(setup + "print sum(\(argument))")
        #expect(error == nil)
        switch argument {
        case "zeros(0, 3)": #expect(output == "1×3 matrix\n   1  2  3\n1  0  0  0\n")
        case "zeros(3, 0)": #expect(output == "1×0 matrix\n")
        default: #expect(output == "0\n", "sum(\(argument))")
        }
    }

    @Test func reductionsOfNumbersAreUnchanged() {
        #expect(run("print sum([1, 2, 3])").output == "6\n")
        #expect(run("print max([1, 5, 3])").output == "5\n")
        #expect(run("print mean([1; 2; 3; 4])").output == "2.5\n")
        #expect(run("print std([1; 2; 3; 4])").output == "\(formatNumberForTest(((2.25 + 0.25 + 0.25 + 2.25) / 3).squareRoot()))\n")
    }

    func formatNumberForTest(_ x: Double) -> String { String(format: "%.10g", x) }
}

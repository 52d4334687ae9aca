import Foundation
import Testing
@testable import TiltLanguage
import TiltSyntax

/// Numbers a program writes reach integer conversions (steps, positions, sizes, windows, seeds): any
/// value — 1e300, −1, 2.5, a NaN from data — is a located error, never a trap. Each case traps or was
/// silently wrong before the checked conversions of WholeNumbers.swift.
@Suite struct NoTrapTests {
    /// Runs `text`; the first diagnostic's message and the text it points at.
    func error(_ text: String) -> (message: String, at: String)? {
        let file = SourceFile(name: "t.tilt", text: text)
        guard let d = Session(output: { _ in }).run(file).first else { return nil }
        return (d.message, String(decoding: file.bytes[d.range.start..<d.range.end], as: UTF8.self))
    }

    @Test(arguments: [
        ("let r = 1994-01 to 2000-12 by 1e300", "a month range steps by a whole number of months from 1 to 999999", "1e300"),
        ("let r = 1994-01 to 2000-12 by 9.3e18", "a month range steps by a whole number of months from 1 to 999999", "9.3e18"),
        ("let r = 1994-01 to 2000-12 by -3", "a month range steps by a whole number of months from 1 to 999999", "-3"),
        ("let k = 1e300\nlet r = 1994-01 to 2000-12 by k", "a month range steps by a whole number of months from 1 to 999999", "k"),
        ("let r = 1 to 1e300 by 1e-300", "the range has more values than 10000000", "1 to 1e300 by 1e-300"),
        ("let x = [1, 2, 3]\nprint x[1e300]", "positions are whole numbers from 1, found 1e+300", "1e300"),
        ("let x = [1, 2, 3]\nprint x[2.5]", "positions are whole numbers from 1, found 2.5", "2.5"),
        ("print ones(1e300)", "expected a whole number from 0 to 100000000 as the number of rows, found 1e+300", "1e300"),
        ("var w[1e300]", "a variable's size is a whole number from 1 to 1,000,000", "1e300"),
        ("print [1, 2; 3, 4]^1e300", "a matrix power needs a whole exponent, found 1e+300", "^"),
        ("print 1994-01 + 1e300", "cannot apply `+` to a month", "+"),
        ("print format(1, digits: 1e300)", "expected the number of significant digits, a whole number from 1 to 17, found 1e+300", "1e300"),
    ])
    func aNumberOutOfRangeIsALocatedError(text: String, message: String, at: String) {
        let found = error(text)
        #expect(found?.message == message, "\(text)")
        #expect(found?.at == at, "\(text)")
    }

    /// `tilt check` refuses a month range's literal step before anything runs (it accepted `by 1e300`).
    @Test(arguments: ["1e300", "0", "-2", "1.5", "1e6"])
    func theCheckerRefusesALiteralMonthStepOutOfRange(step: String) {
        let diagnostics = Session.check(SourceFile(name: "t", text: "let r = 1994-01 to 2000-12 by \(step)\n")).diagnostics
        #expect(diagnostics.map(\.message) == ["a month range steps by a whole number of months from 1 to 999999"])
    }

    @Test func aMonthStepInRangeStillWorks() {
        let session = Session(output: { _ in })
        let interpreter = session.interpreter
        #expect(session.run(SourceFile(name: "t", text: "let r = 1994-01 to 2000-12 by 999999\nlet q = 1994-01 to 1994-12 by 3\n")).isEmpty)
        if case .list(let months) = interpreter.bindings["r"] { #expect(months.count == 1) } else { Issue.record("r is not a list") }
        if case .list(let months) = interpreter.bindings["q"] { #expect(months.map { $0.rendered() } == ["1994-01", "1994-04", "1994-07", "1994-10"]) }
    }

    /// Strategy and experiment options that become integers: windows, states, synthetic sizes, seeds.
    @Test(arguments: [
        ("universe synthetic(stocks: 1e300)", "stocks"),
        ("universe synthetic(seed: -1)", "seed"),
        ("universe synthetic(stocks: 100000, from: 1000-01, to: 9999-12)", "stock-months"),
        ("experiment regime_study(trials: 1e300)", "the number of trials is a whole number from 2 to 10000000"),
        ("experiment regime_study(seed: 1e300)", "the seed is a whole number from 0 to 9000000000000000"),
    ])
    func strategyOptionsOutOfRangeAreErrors(text: String, fragment: String) {
        let program = text.hasPrefix("universe")
            ? text + "\nbenchmark equal\nmaximize mu'f s.t. tev <= 4%\nrebalance monthly from 2000-01 to 2000-06\n" : text + "\n"
        let found = error(program)
        #expect(found != nil, "\(text)")
        #expect(found?.message.contains(fragment) == true, "\(text): \(found?.message ?? "no error")")
    }
}

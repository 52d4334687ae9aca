import Testing
@testable import TiltSolver

/// The table `tilt solve`'s flags and a program's `solve(…)` share: names, flags, what each accepts, and the
/// fields it sets.
@Test func solverOptionsSetTheirFieldsAndRefuseWhatTheyDoNotAccept() throws {
    #expect(SolverOption.allCases.map(\.name) == ["tol_feas", "tol_gap", "tol_gap_abs", "tol_gap_rel", "tol_infeas", "max_iter"])
    #expect(SolverOption.allCases.map(\.flag) == ["--tol-feas", "--tol-gap", "--tol-gap-abs", "--tol-gap-rel", "--tol-infeas", "--max-iterations"])
    let none = try SolverSettings(options: [:])
    #expect(none == SolverSettings())
    let set = try SolverSettings(options: [.feasibility: 1e-10, .infeasibility: 1e-9, .maxIterations: 80])
    #expect(set.feasibilityTolerance == 1e-10 && set.infeasibilityRelativeTolerance == 1e-9 && set.maxIterations == 80)
    #expect(set.gapAbsoluteTolerance == 1e-8 && set.gapRelativeTolerance == 1e-8)
    // `tol_gap` sets both gap tolerances; a specific one beside it wins, whatever the order given.
    let gap = try SolverSettings(options: [.gapRelative: 1e-6, .gap: 1e-10])
    #expect(gap.gapAbsoluteTolerance == 1e-10 && gap.gapRelativeTolerance == 1e-6)
    for (option, value) in [(SolverOption.feasibility, 0.0), (.gap, 1), (.gapAbsolute, -1e-9), (.infeasibility, .nan),
                            (.gapRelative, .infinity), (.maxIterations, 0), (.maxIterations, 2.5), (.maxIterations, 1e6 + 1), (.maxIterations, 1e300)] {
        #expect(throws: SolverOption.Refusal.self, "\(option) \(value)") { try SolverSettings(options: [option: value]) }
    }
    #expect(SolverOption.maxIterations.requirement(refusing: 0) == "at least 1")
    #expect(SolverOption.maxIterations.requirement(refusing: 2e6) == "at most 1000000")
    #expect(SolverOption.maxIterations.requirement(refusing: 2.5) == "a whole number from 1 to 1000000")
    #expect(SolverOption.feasibility.requirement(refusing: 2) == "a number between 0 and 1 (e.g. 1e-8)")
    #expect(SolverOption.feasibility.requirement(refusing: 0.5) == nil)
    #expect(SolverSettings().optionSummary == "tol_feas 1e-8, tol_gap_abs 1e-8, tol_gap_rel 1e-8, tol_infeas 1e-8, max_iter 200")
}

import Foundation
import Testing
import TiltTestSupport

/// `tilt run FILE --plan-json` prints the compiled plan; `tilt run PLAN.json` runs it with no program, to
/// the same report.
@Suite struct PlanCommandTests {
    let program = """
    universe synthetic(stocks: 30, seed: 5, from: 2000-01, to: 2006-12)
    benchmark mktcap
    let budget = 4%
    tev in [2%, 3%]
    maximize mu'f s.t. tev <= budget, |w - b| <= 2%, sector("Finance") <= 30%
    rebalance monthly from 2006-01 to 2006-06
    print budget
    """

    @Test func aPlanWrittenAsJSONRunsToTheSameReport() throws {
        let folder = try scratchFolder()
        let programURL = folder.appendingPathComponent("s.tilt"), planURL = folder.appendingPathComponent("plan.json")
        try program.write(to: programURL, atomically: true, encoding: .utf8)
        let planned = try TiltBinary.run(["run", programURL.path, "--plan-json"])
        #expect(planned.status == 0, "\(planned.stderr)")
        // Only the plan on standard output: the program's own printing is not.
        #expect(planned.stdout.hasPrefix("{\n") && planned.stdout.contains("\"schemaVersion\" : 1"))
        #expect(planned.stdout.contains("\"label\" : \"tev = 3%\""))
        try planned.stdout.write(to: planURL, atomically: true, encoding: .utf8)

        let direct = try TiltBinary.run(["run", programURL.path, "--out", folder.appendingPathComponent("direct").path])
        let fromPlan = try TiltBinary.run(["run", planURL.path, "--out", folder.appendingPathComponent("plan").path])
        #expect(direct.status == 0 && fromPlan.status == 0, "\(direct.stderr)\(fromPlan.stderr)")
        for name in ["returns.csv", "weights.csv", "contributions.csv"] {
            let a = try String(contentsOf: folder.appendingPathComponent("direct/\(name)"), encoding: .utf8)
            let b = try String(contentsOf: folder.appendingPathComponent("plan/\(name)"), encoding: .utf8)
            #expect(a == b, "\(name)")
        }
    }

    /// The plan holds its data files' absolute paths (the program's messages show them as it found them,
    /// relative to the folder it ran in): it runs from any folder, to the program's numbers; a data file gone
    /// since is named without a line.
    @Test func aPlanRunsFromAnotherFolder() throws {
        let folder = try scratchFolder(), elsewhere = try scratchFolder()
        let synth = try TiltBinary.run(["synth", "--crsp", "crsp.csv", "--stocks", "20", "--from", "2000-01", "--to", "2004-12"],
                                       directory: folder)
        #expect(synth.status == 0, "\(synth.stderr)")
        try """
        universe crsp("crsp.csv")
        factors "factors.csv"
        benchmark mktcap
        maximize mu'f s.t. tev <= 4%
        rebalance monthly from 2004-01 to 2004-06
        """.write(to: folder.appendingPathComponent("s.tilt"), atomically: true, encoding: .utf8)
        let planned = try TiltBinary.run(["run", "s.tilt", "--plan-json"], directory: folder)
        #expect(planned.status == 0, "\(planned.stderr)")
        let crsp = folder.appendingPathComponent("crsp.csv").standardizedFileURL.path
        #expect(planned.stdout.contains("\"path\" : \"\(crsp)\""), "\(planned.stdout)")
        let planURL = elsewhere.appendingPathComponent("plan.json")
        try planned.stdout.write(to: planURL, atomically: true, encoding: .utf8)

        let direct = try TiltBinary.run(["run", "s.tilt", "--out", "direct"], directory: folder)
        let fromPlan = try TiltBinary.run(["run", "plan.json", "--out", "plan"], directory: elsewhere)
        #expect(direct.status == 0 && fromPlan.status == 0, "\(direct.stderr)\(fromPlan.stderr)")
        for name in ["returns.csv", "weights.csv"] {
            let a = try String(contentsOf: folder.appendingPathComponent("direct/\(name)"), encoding: .utf8)
            let b = try String(contentsOf: elsewhere.appendingPathComponent("plan/\(name)"), encoding: .utf8)
            #expect(a == b, "\(name)")
        }

        try FileManager.default.removeItem(atPath: crsp)
        let gone = try TiltBinary.run(["run", "plan.json"], directory: elsewhere)
        #expect(gone.status == 1 && !gone.crashed)
        #expect(gone.stderr.hasPrefix("tilt: plan.json: error: \(crsp): cannot read the file"), "\(gone.stderr)")
    }

    @Test func aBrokenPlanIsAnErrorNamingWhere() throws {
        let folder = try scratchFolder()
        let planURL = folder.appendingPathComponent("bad.json")
        try "{\"schemaVersion\": 1, \"strategy\": {\"universe\": 3}}".write(to: planURL, atomically: true, encoding: .utf8)
        let result = try TiltBinary.run(["run", planURL.path])
        #expect(result.status == 1 && !result.crashed)
        #expect(result.stderr.hasPrefix("tilt: \(planURL.path) is not a plan: "), "\(result.stderr)")
        let nothing = try TiltBinary.run(["run", "-", "--plan-json"], input: Data("let x = 1\n".utf8))
        #expect(nothing.status == 1 && nothing.stderr.contains("has no strategy, policy or experiment to plan"))
        #expect(try TiltBinary.run(["run", planURL.path, "--plan-json"]).status == 2)
    }
}

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

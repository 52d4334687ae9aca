import Foundation
import Testing
@testable import TiltSolver
import TiltLinearAlgebra

/// Fixtures written by FormatFixtures/make_fixtures.py, with the expected conic form and clarabel's
/// optimal objective recorded in FormatFixtures/expected.json.
enum FormatFixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("FormatFixtures")

    /// expected.json, keyed by file name.
    static func expectations() throws -> [String: [String: Any]] {
        let data = try Data(contentsOf: directory.appendingPathComponent("expected.json"))
        return try #require(JSONSerialization.jsonObject(with: data) as? [String: [String: Any]])
    }

    static func path(_ file: String) -> String { directory.appendingPathComponent(file).path }

    /// The fixture files (MPS, QPS, CBF), sorted.
    static func files() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { ProblemFileReader.format(forPath: $0) != nil }.sorted()
    }

    /// The format to read `file` with, honouring the recorded MPS layout.
    static func format(_ expectation: [String: Any]) -> ProblemFileFormat {
        switch expectation["layout"] as? String {
        case "fixed": .mps(.fixed)
        case "free": .mps(.free)
        default: .cbf
        }
    }
}

/// Dense copy of a CSC matrix (fixtures are tiny).
func denseRows(_ m: SparseMatrixCSC) -> [[Double]] {
    var rows = Array(repeating: Array(repeating: 0.0, count: m.cols), count: m.rows)
    for j in 0..<m.cols {
        for p in m.colPointers[j]..<m.colPointers[j + 1] { rows[m.rowIndices[p]][j] += m.values[p] }
    }
    return rows
}

/// Dense matrix from JSON triplets `[row, col, value]`.
func denseRows(triplets: [[Double]], rows: Int, cols: Int) -> [[Double]] {
    var dense = Array(repeating: Array(repeating: 0.0, count: cols), count: rows)
    for t in triplets { dense[Int(t[0])][Int(t[1])] += t[2] }
    return dense
}

func coneList(_ cones: [ConeSpec]) -> [String] {
    cones.map { cone in
        switch cone {
        case .zero(let n): "zero \(n)"
        case .nonnegative(let n): "nonnegative \(n)"
        case .secondOrder(let n): "secondOrder \(n)"
        case .exponential: "exponential 3"
        }
    }
}

func close(_ a: [Double], _ b: [Double], tolerance: Double = 1e-12) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
}

@Test func fixturesParseToTheExpectedConicForm() throws {
    let expectations = try FormatFixtures.expectations()
    #expect(try FormatFixtures.files().count == expectations.count)
    for (file, expected) in expectations {
        let parsed = try ProblemFileReader.read(path: FormatFixtures.path(file), format: FormatFixtures.format(expected))
        let problem = parsed.problem
        let n = try #require(expected["variables"] as? Int)
        let m = try #require(expected["rows"] as? Int)
        #expect(problem.variableCount == n, "\(file)")
        #expect(problem.constraintCount == m, "\(file)")
        #expect(parsed.name == expected["name"] as? String, "\(file)")
        #expect(parsed.objectiveSense.rawValue == expected["sense"] as? String, "\(file)")
        #expect(parsed.variableNames == expected["variableNames"] as? [String], "\(file)")
        #expect(parsed.constraintNames == expected["constraintNames"] as? [String], "\(file)")
        #expect(parsed.objectiveName == expected["objectiveName"] as? String, "\(file)")
        #expect(parsed.objectiveConstant == expected["objectiveConstant"] as? Double, "\(file)")
        #expect(problem.objectiveConstant == expected["conicObjectiveConstant"] as? Double, "\(file)")
        let coneEntries = try #require(expected["cones"] as? [[Any]])
        let cones: [String] = coneEntries.map { entry in entry.map { "\($0)" }.joined(separator: " ") }
        #expect(coneList(problem.cones) == cones, "\(file)")
        #expect(close(problem.q, try #require(expected["q"] as? [Double])), "\(file)")
        #expect(close(problem.b, try #require(expected["b"] as? [Double])), "\(file)")
        let a = denseRows(triplets: try #require(expected["A"] as? [[Double]]), rows: m, cols: n)
        #expect(zip(denseRows(problem.A), a).allSatisfy { close($0, $1) }, "\(file): A")
        let p = denseRows(triplets: try #require(expected["P"] as? [[Double]]), rows: n, cols: n)
        #expect(zip(denseRows(problem.P), p).allSatisfy { close($0, $1) }, "\(file): P")
        #expect(parsed.rowOrigins.count == m, "\(file)")
    }
}

@Test func automaticLayoutReadsFixedAndFreeFixturesAlike() throws {
    for (fixed, free) in [("lp_kinds_fixed.mps", "lp_kinds_free.mps"), ("lp_max_fixed.mps", "lp_max_free.mps")] {
        let fromFixed = try ProblemFileReader.read(path: FormatFixtures.path(fixed))
        let fromFree = try ProblemFileReader.read(path: FormatFixtures.path(free))
        #expect(fromFixed.problem == fromFree.problem)
        #expect(fromFixed == (try ProblemFileReader.read(path: FormatFixtures.path(fixed), format: .mps(.fixed))))
    }
    // Names with spaces only survive the fixed layout, which automatic detection must pick.
    let spaced = try ProblemFileReader.read(path: FormatFixtures.path("spaced_names_fixed.mps"))
    #expect(spaced.variableNames == ["MY X", "MY Y"])
    #expect(spaced.objectiveName == "OBJ FN")
}

/// Solves every fixture with `solve` and compares status and objective (in the file's terms) with
/// clarabel's results in expected.json, to 1e-6 relative. `solve` returns nil to skip a problem;
/// its status must be clarabel's spelling ("Solved", "PrimalInfeasible", …).
func checkFixtureSolutions(solve: (ConicProblem) -> (status: String, objective: Double)?) throws {
    for (file, expected) in try FormatFixtures.expectations() {
        let parsed = try ProblemFileReader.read(path: FormatFixtures.path(file), format: FormatFixtures.format(expected))
        guard let result = solve(parsed.problem) else { continue }
        #expect(result.status == expected["status"] as? String, "\(file)")
        if let objective = expected["objective"] as? Double {
            let user = parsed.userObjective(result.objective)
            #expect(abs(user - objective) <= 1e-6 * max(1, abs(objective)), "\(file): \(user) vs \(objective)")
        }
    }
}

/// Every fixture read from its file and solved by Tilt's solver matches Clarabel's status and objective.
@Test func fixtureObjectivesMatchClarabel() throws {
    try checkFixtureSolutions { problem in
        guard let solution = try? InteriorPointSolver(problem: problem).solve() else { return nil }
        let status: String
        switch solution.status {
        case .optimal: status = "Solved"
        case .almostOptimal: status = "AlmostSolved"
        case .primalInfeasible: status = "PrimalInfeasible"
        case .dualInfeasible: status = "DualInfeasible"
        default: status = "\(solution.status)"
        }
        return (status, solution.primalObjective)
    }
}

import Foundation
import Testing
@testable import TiltSolver
import TiltLinearAlgebra

private func parseCBF(_ text: String) throws -> ParsedProblem {
    try ProblemFileReader.parse(text: text, fileName: "test.cbf", format: .cbf)
}

private func cbfError(_ text: String) -> FormatError? {
    do {
        _ = try parseCBF(text)
        return nil
    } catch let error as FormatError {
        return error
    } catch {
        return nil
    }
}

/// Three variables in one cone of the given kind, no constraints.
private func oneCone(_ cone: String) -> String {
    "VER\n3\nOBJSENSE\nMIN\nVAR\n3 1\n\(cone) 3\nOBJACOORD\n1\n0 1.0\n"
}

/// Slack s = b − A x for the sole cone of a variable-cone problem, as a linear map of x.
private func slackMap(_ parsed: ParsedProblem) -> [[Double]] {
    denseRows(parsed.problem.A).map { $0.map { -$0 } }
}

@Test func exponentialConesMapToClarabelsConvention() throws {
    // CBF EXP (x1, x2, x3): x1 ≥ x2·exp(x3/x2) → Clarabel (x, y, z) = (x3, x2, x1).
    let primal = try parseCBF(oneCone("EXP"))
    #expect(primal.problem.cones == [.exponential])
    #expect(slackMap(primal) == [[0, 0, 1], [0, 1, 0], [1, 0, 0]])
    // EXP* → (−x2, −x3, e·x1).
    let dual = try parseCBF(oneCone("EXP*"))
    #expect(dual.problem.cones == [.exponential])
    #expect(slackMap(dual) == [[0, -1, 0], [0, 0, -1], [2.718281828459045, 0, 0]])
    // A point of CBF EXP* maps into Clarabel's cone: (x1, x2, x3) = (1, 0.5, −1) satisfies
    // 1 ≥ e⁻¹·exp(−0.5); its image must satisfy y·exp(x/y) ≤ z.
    let point = [1.0, 0.5, -1.0]
    let image = slackMap(dual).map { row in zip(row, point).reduce(0) { $0 + $1.0 * $1.1 } }
    #expect(image[1] > 0 && image[1] * exp(image[0] / image[1]) <= image[2])
}

@Test func rotatedConeMapsToSecondOrderCone() throws {
    let parsed = try parseCBF(oneCone("QR"))
    #expect(parsed.problem.cones == [.secondOrder(3)])
    let map = slackMap(parsed)
    // For (u, v, w) with 2uv = w²: t² − y² = 2uv, so the image lies on the SOC boundary.
    let (u, v, w) = (2.0, 0.25, 1.0)
    let s = map.map { $0[0] * u + $0[1] * v + $0[2] * w }
    #expect(abs(s[0] * s[0] - s[1] * s[1] - s[2] * s[2]) < 1e-12)
    #expect(s[0] > 0)
}

@Test func linearConesAndConstraintOffsets() throws {
    let text = """
    VER
    2
    OBJSENSE
    MAX
    VAR
    3 3
    L+ 1
    L- 1
    L= 1
    CON
    2 2
    L- 1
    Q 1
    OBJACOORD
    1
    0 2
    OBJBCOORD
    1.5
    ACOORD
    2
    0 0 1
    1 1 3
    BCOORD
    1
    0 -4
    """
    let parsed = try parseCBF(text)
    let problem = parsed.problem
    #expect(parsed.objectiveSense == .maximize)
    #expect(problem.q == [-2, 0, 0])
    #expect(problem.objectiveConstant == -1.5)
    #expect(parsed.objectiveConstant == 1.5)
    #expect(problem.cones == [.zero(1), .nonnegative(3), .secondOrder(1)])
    // Zero: x3 = 0. Nonnegative: x1 ≥ 0, −x2 ≥ 0, −(x1 − 4) ≥ 0. SOC: 3·x2 ≥ 0.
    #expect(denseRows(problem.A) == [[0, 0, -1], [-1, 0, 0], [0, 1, 0], [1, 0, 0], [0, -3, 0]])
    #expect(problem.b == [0, 0, 0, 4, 0])
    #expect(parsed.rowOrigins[3] == .constraint(index: 0, side: .upper))
    #expect(parsed.rowOrigins[4] == .constraintCone(index: 1))
}

@Test func malformedCBFInputThrowsWithLocation() {
    let base = oneCone("F")
    let cases: [(String, String, Int?)] = [
        ("OBJSENSE\nMIN\n", "must start with VER", 1),
        ("VER\n4\n", "unsupported CBF version", 2),
        ("VER\n3\nVAR\n3 1\nF 2\n", "add up to 2", 4),
        ("VER\n3\nVAR\n3 1\nF 4\n", "exceed", 5),
        ("VER\n3\nVAR\n3 1\nEXP 2\n", "wrong dimension", 5),
        ("VER\n3\nVAR\n3 1\nBOX 3\n", "unknown cone", 5),
        ("VER\n3\nVAR\n3 1\n@0:POW 3\n", "power cones", 5),
        ("VER\n3\nPSDVAR\n1\n2\n", "semidefinite cones are not supported", 3),
        ("VER\n3\nVAR\n3 1\nF 3\nINT\n1\n0\n", "integer variables", 6),
        (base + "ACOORD\n1\n0 0 1\n", "must come after CON", 11),
        (base.replacingOccurrences(of: "0 1.0", with: "3 1.0"), "not in 0..<3", 10),
        (base.replacingOccurrences(of: "0 1.0", with: "0 x"), "not a finite number", 10),
        (base.replacingOccurrences(of: "0 1.0", with: "0 nan"), "not a finite number", 10),
        (base.replacingOccurrences(of: "1\n0 1.0", with: "2\n0 1.0\n0 2.0"), "duplicate objective", 11),
        (base.replacingOccurrences(of: "1\n0 1.0", with: "2\n0 1.0"), "file ends inside", 10),
        (base.replacingOccurrences(of: "0 1.0", with: "0 1.0 7"), "expected 2 fields", 10),
        (base + "FOO\n", "unknown CBF keyword", 11),
        (base + "VAR\n", "appears twice", 11),
        ("VER\n3\nVAR\n99999999999 1\nF 99999999999\n", "exceeds the supported size", 4),
        ("VER\n3\nVAR\n3 1\nF 3\nCON\n1 1\nL+ 1\nACOORD\n2\n0 0 1\n0 0 2\n", "duplicate ACOORD", 12),
        ("", "empty file", nil),
    ]
    for (text, message, line) in cases {
        let error = cbfError(text)
        #expect(error?.message.contains(message) == true, "expected '\(message)', got \(String(describing: error))")
        if let line { #expect(error?.line == line, "\(message): \(String(describing: error))") }
    }
    #expect(cbfError(base) == nil)
}

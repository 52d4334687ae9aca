import Foundation
import Testing
@testable import TiltSolver
import TiltLinearAlgebra

private func parseMPS(_ text: String, layout: MPSLayout = .free) throws -> ParsedProblem {
    try ProblemFileReader.parse(text: text, fileName: "test.mps", format: .mps(layout))
}

/// The error thrown for `text`, or nil when it parses.
private func mpsError(_ text: String, layout: MPSLayout = .free) -> FormatError? {
    do {
        _ = try parseMPS(text, layout: layout)
        return nil
    } catch let error as FormatError {
        return error
    } catch {
        return nil
    }
}

/// One row `R` over one column `X` (objective coefficient 1) with the given extra sections.
private func oneRow(_ kind: String, rhs: String, range: String? = nil, bounds: String = "") -> String {
    """
    NAME T
    ROWS
     N obj
     \(kind) R
    COLUMNS
        X obj 1 R 1
    RHS
        rhs R \(rhs)
    \(range.map { "RANGES\n    rng R \($0)" } ?? "")
    BOUNDS
     FR bnd X
    \(bounds)
    ENDATA
    """
}

/// The interval [lower, upper] the single row of `oneRow` enforces, read back from the conic rows.
private func rowInterval(_ parsed: ParsedProblem) -> (Double, Double) {
    let a = denseRows(parsed.problem.A)
    var lower = -Double.infinity, upper = Double.infinity
    var k = 0
    for cone in parsed.problem.cones {
        for _ in 0..<cone.dimension {
            // Row k: a·x + s = b with a = ±1 for the single variable.
            let coefficient = a[k][0], b = parsed.problem.b[k]
            if case .zero = cone { (lower, upper) = (b / coefficient, b / coefficient) }
            else if coefficient > 0 { upper = b / coefficient } else { lower = b / coefficient }
            k += 1
        }
    }
    return (lower, upper)
}

@Test func rangesFollowTheSignTable() throws {
    let cases: [(String, String, String?, Double, Double)] = [
        ("E", "2", "3", 2, 5), ("E", "2", "-3", -1, 2), ("E", "2", "0", 2, 2),
        ("L", "2", "3", -1, 2), ("L", "2", "-3", -1, 2), ("G", "2", "3", 2, 5), ("G", "2", "-3", 2, 5),
        ("L", "2", nil, -.infinity, 2), ("G", "2", nil, 2, .infinity), ("E", "2", nil, 2, 2),
    ]
    for (kind, rhs, range, lower, upper) in cases {
        let interval = rowInterval(try parseMPS(oneRow(kind, rhs: rhs, range: range)))
        #expect(interval.0 == lower && interval.1 == upper, "\(kind) rhs \(rhs) range \(range ?? "none")")
    }
}

@Test func boundKindsAndTheNegativeUpperBoundRule() throws {
    func bounds(_ lines: String) throws -> (Double, Double) {
        let text = """
        ROWS
         N obj
        COLUMNS
            X obj 1
        BOUNDS
        \(lines)
        ENDATA
        """
        return rowInterval(try parseMPS(text))
    }
    #expect(try bounds("") == (0, .infinity))
    #expect(try bounds(" UP b X 4") == (0, 4))
    #expect(try bounds(" UP b X -4") == (-.infinity, -4))
    #expect(try bounds(" UP b X 0") == (0, 0))
    #expect(try bounds(" MI b X") == (-.infinity, .infinity))
    #expect(try bounds(" MI b X\n UP b X 3") == (-.infinity, 3))
    #expect(try bounds(" LO b X -2\n PL b X") == (-2, .infinity))
    #expect(try bounds(" FX b X 7") == (7, 7))
    #expect(try bounds(" UP b X 1e30") == (0, .infinity))
    #expect(try bounds(" LO X -inf") == (-.infinity, .infinity))
    #expect(try bounds(" FR X") == (-.infinity, .infinity))
}

@Test func objectiveConstantSenseAndSolutionMapping() throws {
    let text = """
    NAME demo
    OBJSENSE
        MAX
    ROWS
     N profit
     L cap
    COLUMNS
        a profit 3 cap 1
        b profit 2 cap 1
    RHS
        rhs cap 4 profit 10
    ENDATA
    """
    let parsed = try parseMPS(text)
    #expect(parsed.name == "demo")
    #expect(parsed.objectiveSense == .maximize)
    #expect(parsed.objectiveConstant == -10)
    // The conic problem minimises −(3a + 2b − 10).
    #expect(parsed.problem.q == [-3, -2])
    #expect(parsed.problem.objectiveConstant == 10)
    let solution = try #require(parsed.userSolution(x: [4, 0], conicObjective: -2))
    #expect(solution.objective == 2)
    #expect(solution.value(of: "a") == 4)
    #expect(parsed.userSolution(x: [1], conicObjective: 0) == nil)
    // The one-line form and minimisation.
    let oneLine = try parseMPS(text.replacingOccurrences(of: "OBJSENSE\n    MAX", with: "OBJSENSE MIN"))
    #expect(oneLine.objectiveSense == .minimize)
    #expect(oneLine.problem.q == [3, 2])
    #expect(oneLine.problem.objectiveConstant == -10)
}

@Test func quadraticSectionsUseTheHalfConvention() throws {
    func hessian(_ section: String) throws -> [[Double]] {
        let text = """
        ROWS
         N obj
        COLUMNS
            x obj 1
            y obj 1
        \(section)
        ENDATA
        """
        return denseRows(try parseMPS(text).problem.P)
    }
    let upper: [[Double]] = [[2, 1], [0, 4]]
    #expect(try hessian("QUADOBJ\n    x x 2\n    x y 1\n    y y 4") == upper)
    #expect(try hessian("QUADOBJ\n    x x 2\n    y x 1\n    y y 4") == upper)
    #expect(try hessian("QSECTION obj\n    x x 2\n    y x 1\n    y y 4") == upper)
    #expect(try hessian("QMATRIX\n    x x 2\n    x y 1\n    y x 1\n    y y 4") == upper)
}

@Test func malformedMPSInputThrowsWithLocation() {
    let base = oneRow("L", rhs: "2")
    let cases: [(String, String, Int?)] = [
        (base.replacingOccurrences(of: "X obj 1 R 1", with: "X obj 1 Q 1"), "unknown row 'Q'", 6),
        (base.replacingOccurrences(of: "X obj 1 R 1", with: "X obj 1 R 1x"), "'1x' is not a number", 6),
        (base.replacingOccurrences(of: "X obj 1 R 1", with: "X obj 1 R"), "wrong number of fields", 6),
        (base.replacingOccurrences(of: "X obj 1 R 1", with: "X obj 1 obj 2"), "duplicate entry", 6),
        (base.replacingOccurrences(of: "rhs R 2", with: "rhs R 2 R 3"), "duplicate RHS", 8),
        (base.replacingOccurrences(of: "FR bnd X", with: "UP bnd Y 3"), "unknown column 'Y'", 11),
        (base.replacingOccurrences(of: "FR bnd X", with: "BV bnd X"), "integer", 11),
        (base.replacingOccurrences(of: "FR bnd X", with: "LI bnd X 2"), "integer", 11),
        (base.replacingOccurrences(of: "FR bnd X", with: "XX bnd X 2"), "unknown bound type", 11),
        (base.replacingOccurrences(of: "FR bnd X", with: "FR bnd X\n MI bnd X"), "duplicate bound", 12),
        // Contradictory bounds are reported at the second of the two, whichever comes first (issue 17: they
        // were solved and reported as "primal infeasible").
        (base.replacingOccurrences(of: "FR bnd X", with: "LO bnd X 1\n UP bnd X -4"),
         "the bounds on column 'X' contradict each other: lower bound 1 is above upper bound -4", 12),
        (base.replacingOccurrences(of: "FR bnd X", with: "UP bnd X 2\n LO bnd X 2.5"),
         "lower bound 2.5 is above upper bound 2", 12),
        (base.replacingOccurrences(of: " L R", with: " Z R"), "unknown row type", 4),
        (base.replacingOccurrences(of: " L R", with: " L obj"), "duplicate row", 4),
        (base.replacingOccurrences(of: "ENDATA", with: ""), "missing ENDATA", nil),
        (base.replacingOccurrences(of: "BOUNDS", with: "BOUNDZ"), "unknown section", 10),
        (base.replacingOccurrences(of: "COLUMNS\n    X obj 1 R 1", with: "COLUMNS\n    M 'MARKER' 'INTORG'"), "integer variables", 6),
        (base.replacingOccurrences(of: "RHS\n    rhs R 2", with: "RHS\n    rhs obj 2\nRANGES\n    rng obj 1"), "objective (N) row", 10),
        (base.replacingOccurrences(of: "ENDATA", with: "QCMATRIX R\nENDATA"), "quadratic constraints", 13),
        ("ROWS\n N obj\nCOLUMNS\n    x obj 1\n    y obj 1\nQMATRIX\n    x y 1\nENDATA", "not symmetric", 7),
        ("ROWS\n N obj\nCOLUMNS\n    x obj 1\n    y obj 1\nQUADOBJ\n    x y 1\n    y x 1\nENDATA", "duplicate quadratic", 8),
        ("ROWS\n N obj\n L c\nCOLUMNS\n    x obj 1\nQSECTION c\n    x x 1\nENDATA", "not the objective", 6),
        ("ROWS\n N obj\nCOLUMNS\n    x obj 1\n    y obj 1\n    x obj 2\nENDATA", "appears again", 6),
        ("COLUMNS\n    x obj 1\nROWS\n N obj\nENDATA", "unknown row 'obj'", 2),
        ("ROWS\n N obj\nCOLUMNS\nENDATA", "no variables", nil),
        ("", "missing ENDATA", nil),
        ("OBJSENSE\nROWS\n N obj\nENDATA", "missing value after OBJSENSE", 2),
        ("OBJSENSE\n    BEST\nROWS\n N obj\nENDATA", "must be MAX or MIN", 2),
    ]
    for (text, message, line) in cases {
        let error = mpsError(text)
        #expect(error?.message.contains(message) == true, "expected '\(message)', got \(String(describing: error))")
        if let line { #expect(error?.line == line, "\(message): \(String(describing: error))") }
    }
    #expect(mpsError(base) == nil)
}

@Test func errorsReadLikeCompilerDiagnostics() {
    let error = FormatError(file: "p.mps", line: 12, column: 5, message: "unknown row 'Q'")
    #expect(error.description == "p.mps:12:5: error: unknown row 'Q'")
    #expect(FormatError(file: "p.mps", line: 3, message: "m").description == "p.mps:3: error: m")
    #expect(FormatError(file: "p.mps", line: nil, message: "m").description == "p.mps: error: m")
    let parsed = mpsError("ROWS\n N obj\nCOLUMNS\n    x zz 1\nENDATA")
    #expect(parsed?.description == "test.mps:4:7: error: unknown row 'zz'")
}

@Test func fixedLayoutUsesColumnPositions() throws {
    let text = """
    NAME          FIXED
    ROWS
     N  COST
     G  ROW 1
    COLUMNS
        VAR A     COST               1.5   ROW 1                2
    RHS
        RHS       ROW 1                4
    ENDATA
    """
    let parsed = try parseMPS(text, layout: .fixed)
    #expect(parsed.variableNames == ["VAR A"])
    #expect(parsed.constraintNames == ["ROW 1"])
    #expect(try parseMPS(text, layout: .automatic) == parsed)
    #expect(parsed.problem.b == [-4, 0])
    // Text spilling out of a field is an error in fixed layout, with its column.
    let spilled = mpsError(text.replacingOccurrences(of: "    VAR A     COST", with: "    VARIABLE  COST"), layout: .fixed)
    #expect(spilled == nil)
    let outside = mpsError(text.replacingOccurrences(of: "    VAR A     COST", with: "    VARIABLEA COST"), layout: .fixed)
    #expect(outside?.line == 6 && outside?.column == 13)
}

@Test func integerMarkersAreRecognisedWhereverTheirFieldsFall() {
    let text = """
    NAME          MARKED
    ROWS
     N  COST
     G  ROW
    COLUMNS
    MARKERLINE
        X         COST                 1   ROW                  1
    ENDATA
    """
    // (marker line, column of 'MARKER'): as CPLEX writes it (MIPLIB), in the columns of field 4; and in field 3.
    let markers = [("    MARKER                 'MARKER'                 'INTORG'", 28),
                   ("    MARKER    'MARKER'                 'INTORG'", 15)]
    for (marker, column) in markers {
        for layout in [MPSLayout.fixed, .automatic, .free] {
            let error = mpsError(text.replacingOccurrences(of: "MARKERLINE", with: marker), layout: layout)
            #expect(error?.message == "integer variables (MARKER 'INTORG') are not supported: Tilt solves continuous problems",
                    "\(layout): \(String(describing: error))")
            #expect(error?.line == 6 && error?.column == column, "\(layout): \(String(describing: error))")
        }
    }
    let unknown = mpsError(text.replacingOccurrences(of: "MARKERLINE", with: "    M 'MARKER' 'SOSORG'"))
    #expect(unknown?.message == "unknown MARKER kind (expected 'INTORG' or 'INTEND')")
}

@Test func numbersAcceptFortranExponentsAndRejectNaN() {
    #expect(parseReal("1.5D+02") == 150)
    #expect(parseReal("-2e-1") == -0.2)
    #expect(parseReal("nan") == nil)
    #expect(parseReal("0x10") == nil)
    #expect(parseReal("-inf") == -.infinity)
}

import TiltLinearAlgebra

/// Whether the file asks to minimise or maximise its objective.
public enum ObjectiveSense: String, Sendable, Equatable {
    case minimize
    case maximize
}

/// The file formats `tilt solve` reads.
public enum ProblemFileFormat: Sendable, Equatable {
    /// MPS / QPS. `fixed` uses the classic column positions (names may contain spaces), `free`
    /// splits on whitespace, `automatic` picks fixed when every data line fits the fixed grid.
    case mps(MPSLayout)
    /// Conic Benchmark Format, versions 1–3.
    case cbf
}

/// Field layout of an MPS file.
public enum MPSLayout: Sendable, Equatable {
    case fixed
    case free
    case automatic
}

/// Where one row of the conic constraint matrix came from, so that slacks and duals can be reported
/// against the user's names.
public enum ConicRowOrigin: Sendable, Equatable {
    /// Row `index` of the file's constraints (in `ParsedProblem.constraintNames`).
    case constraint(index: Int, side: BoundSide)
    /// Bound of variable `index` (in `ParsedProblem.variableNames`).
    case variableBound(index: Int, side: BoundSide)
    /// A coordinate of a variable-domain cone (CBF `VAR` cones), for variable `index`.
    case variableCone(index: Int)
    /// A coordinate of a constraint cone (CBF `CON` cones), built from constraint row `index`.
    case constraintCone(index: Int)
}

/// Which side of an interval a linear row enforces.
public enum BoundSide: Sendable, Equatable {
    case lower
    case upper
    /// Both sides at once (an equality or a fixed variable).
    case equal
}

/// A problem read from a file: the conic program in Clarabel's standard form plus everything needed
/// to talk about it in the user's terms (names, sense, objective constant).
///
/// For a maximisation the conic problem minimises the negated objective (`q`, `P` and the constant
/// are negated); `userObjective(_:)` restores the sign.
public struct ParsedProblem: Sendable, Equatable {
    /// Problem name (MPS `NAME`, else the file's base name).
    public var name: String
    public var problem: ConicProblem
    /// Variable names in file order; `problem`'s variable j is `variableNames[j]`.
    public var variableNames: [String]
    /// Names of the file's constraints (MPS rows except the objective, CBF `c0`, `c1`, …).
    public var constraintNames: [String]
    /// Name of the objective row (MPS `N` row; `obj` for CBF).
    public var objectiveName: String
    public var objectiveSense: ObjectiveSense
    /// The objective's constant term as written in the file (not negated for maximisation).
    public var objectiveConstant: Double
    /// One entry per row of `problem.A`.
    public var rowOrigins: [ConicRowOrigin]

    public init(name: String, problem: ConicProblem, variableNames: [String], constraintNames: [String],
                objectiveName: String, objectiveSense: ObjectiveSense, objectiveConstant: Double,
                rowOrigins: [ConicRowOrigin]) {
        self.name = name
        self.problem = problem
        self.variableNames = variableNames
        self.constraintNames = constraintNames
        self.objectiveName = objectiveName
        self.objectiveSense = objectiveSense
        self.objectiveConstant = objectiveConstant
        self.rowOrigins = rowOrigins
    }

    /// The objective value in the file's terms, from the conic problem's (minimised) objective.
    public func userObjective(_ conicObjective: Double) -> Double {
        objectiveSense == .maximize ? -conicObjective : conicObjective
    }

    /// Maps a solution of `problem` back to the file's variables and objective sense.
    /// Returns nil when `x` does not have one entry per variable.
    public func userSolution(x: [Double], conicObjective: Double) -> UserSolution? {
        guard x.count == variableNames.count else { return nil }
        return UserSolution(variableNames: variableNames, values: x, objective: userObjective(conicObjective))
    }
}

/// A solution in the file's terms: values in the original variable order and the objective with the
/// file's sign.
public struct UserSolution: Sendable, Equatable {
    public var variableNames: [String]
    public var values: [Double]
    public var objective: Double

    /// The value of the variable called `name`, nil when there is none.
    public func value(of name: String) -> Double? {
        variableNames.firstIndex(of: name).map { values[$0] }
    }
}

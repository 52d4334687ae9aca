import TiltData
import TiltLinearAlgebra
import TiltModeling

/// A run-time value of the Tilt language.
///
/// Numbers are decimals (`6%` is 0.06). Vectors and matrices are `Matrix` values (a vector is n×1 or 1×n);
/// a 1×1 result of matrix arithmetic becomes a number, as in papers and MATLAB.
public enum Value: Sendable {
    case number(Double)
    case matrix(Matrix)
    case string(String)
    case month(Month)
    case date(year: Int, month: Int, day: Int)
    /// A list of non-numeric values (strings, months) or of mixed values: `["Finance", "Utilities"]`.
    case list([Value])
    /// An optimisation expression over variables declared with `var` (before they are solved for).
    case expression(ModelExpression)
    /// Named values read by label or position: a month's solution, a backtest's result, a fitted HMM.
    case record(Record)

    /// A matrix result, turned into a number when it is 1×1.
    static func normalized(_ m: Matrix) -> Value {
        m.isScalar ? .number(m[0, 0]) : .matrix(m)
    }

    /// The type and shape as `:type` prints it: `number`, `48×6 matrix`, `48-vector`, `string`, …
    public var typeDescription: String {
        switch self {
        case .number: return "number"
        case .matrix(let m):
            if m.cols == 1 { return "\(m.rows)-vector (\(m.shapeDescription) column)" }
            if m.rows == 1 { return "\(m.cols)-vector (\(m.shapeDescription) row)" }
            return "\(m.shapeDescription) matrix"
        case .string: return "string"
        case .month: return "month"
        case .date: return "date"
        case .list(let items): return "list of \(items.count)"
        case .expression(let e):
            let curvature = DCPAnalysis.analyze(e).curvature
            if case .variable = e.node { return "optimisation variable \(e.shapeDescription)" }
            return "\(curvature.rawValue) expression \(e.shapeDescription)"
        case .record(let r): return "record of \(r.fields.count): " + r.fields.map(\.name).joined(separator: ", ")
        }
    }

    /// Numbers of a number or a matrix, nil for any other kind of value.
    var numbers: [Double]? {
        switch self {
        case .number(let x): return [x]
        case .matrix(let m): return m.storage
        default: return nil
        }
    }

    /// A short name of the kind of value, for error messages ("expected a matrix, found a string").
    public var kindName: String {
        switch self {
        case .number: return "a number"
        case .matrix(let m): return m.isVector ? "a \(m.shapeDescription) vector" : "a \(m.shapeDescription) matrix"
        case .string: return "a string"
        case .month: return "a month"
        case .date: return "a date"
        case .list: return "a list"
        case .expression(let e): return "an optimisation expression (\(e.shapeDescription))"
        case .record: return "a record"
        }
    }

    /// Significant digits of a number shown on its own (`print x`, `x` in the REPL, `optval`): the same
    /// as the `solve` line's objective, so that the two agree. A matrix's entries keep 6 in its table;
    /// `format(x, digits: n)` shows any value with up to 17 (every digit a Double has).
    public static let numberDigits = 10

    /// The value as the REPL shows it after `EXPR =` (a string in quotes). Matrices print as aligned tables
    /// with their labels, large ones elided in the middle.
    public func rendered() -> String {
        switch self {
        case .number(let x): return formatNumber(x, significantDigits: Value.numberDigits)
        case .matrix(let m): return m.formatted()
        case .string(let s): return "\"\(s)\""
        case .month(let m): return m.description
        case .date(let y, let m, let d):
            return "\(y)-\(m < 10 ? "0" : "")\(m)-\(d < 10 ? "0" : "")\(d)"
        case .list(let items): return "[" + items.map { $0.rendered() }.joined(separator: ", ") + "]"
        case .expression: return "\(typeDescription) (no value yet: solve a problem that uses it)"
        case .record(let r): return r.rendered()
        }
    }

    /// The value as `print` shows it: as `rendered()`, except that a string is printed as it is, without
    /// quotes (`print format(x, digits: 17)`).
    public func printed() -> String {
        if case .string(let s) = self { return s }
        return rendered()
    }

    /// The text used when a value labels a row or column (strings as they are, months as `YYYY-MM`).
    var labelText: String? {
        switch self {
        case .string(let s): return s
        case .month(let m): return m.description
        case .number(let x): return formatNumber(x)
        default: return nil
        }
    }
}

/// Named values in order, each with a line saying what it is (units included): what a session hands out
/// as one value — a month's solution of the strategy's problem, a backtest's result, a fitted HMM. A field
/// is read by its name as a label, `backtest[weights]` or `backtest["weights"]`, or by position. Fields
/// are computed when read, so that a large result costs nothing until it is looked at.
public struct Record: Sendable {
    public struct Field: Sendable {
        public let name: String
        /// What the value is, with its units.
        public let summary: String
        private let make: @Sendable () -> Value
        public var value: Value { make() }

        public init(_ name: String, _ summary: String, _ value: @escaping @Sendable () -> Value) {
            self.name = name
            self.summary = summary
            self.make = value
        }

        /// A field whose value is already at hand.
        public init(_ name: String, _ summary: String, value: Value) {
            self.init(name, summary) { value }
        }
    }

    /// What the record is, shown above its fields ("optimum at 2008-09").
    public let title: String
    public let fields: [Field]

    public init(title: String, fields: [Field]) {
        self.title = title
        self.fields = fields
    }

    public func field(_ name: String) -> Field? { fields.first { $0.name == name } }

    /// The title, then one line per field: its name, type and shape, and summary.
    func rendered() -> String {
        let width = min(24, fields.map(\.name.count).max() ?? 0)
        let lines = fields.map { field -> String in
            let value = field.value
            let shown: String
            switch value {
            case .number, .string, .month: shown = value.rendered()
            default: shown = value.typeDescription
            }
            return "  " + field.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + shown + "  — " + field.summary
        }
        return ([title + ":"] + lines).joined(separator: "\n")
    }
}

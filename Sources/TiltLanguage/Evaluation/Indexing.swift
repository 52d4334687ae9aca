import TiltData
import TiltLinearAlgebra
import TiltModeling
import TiltSyntax

/// `x[…]`: selection by 1-based position, by label (a string, a bare name that is not bound, a month),
/// by a list or range of either, and slices `a:b` (inclusive). One index on a vector runs along it; one
/// label on a matrix picks the column (or else the row) with that label; two indices pick rows and columns.
enum Indexing {
    /// One resolved index item: which positions (0-based) it selects, `nil` for all.
    enum Selector {
        case all
        case positions([Int])
        /// A single label, resolved later against whichever axis has it.
        case labels([String], SourceRange)
    }

    /// `monthView`: the base is a value `at M` bound (`R`, `X`), so a month after its last is the future of
    /// the view, and the hint says so; any other month-labelled value (a backtest's returns, a CSV) only
    /// ends there.
    static func select(_ base: Value, _ selectors: [(Selector, SourceRange)], at range: SourceRange, monthView: Bool = false) throws -> Value {
        if case .number(let x) = base {
            return try select(.matrix(Matrix(rows: 1, cols: 1, columnMajor: [x])), selectors, at: range, monthView: monthView)
        }
        guard case .matrix(let m) = base else {
            if case .record(let record) = base { return try field(of: record, selectors, at: range) }
            if case .list(let items) = base, selectors.count == 1 {
                let positions = try resolve(selectors[0], extent: items.count, labels: nil, axis: "item")
                let picked = (positions ?? Array(items.indices)).map { items[$0] }
                return picked.count == 1 ? picked[0] : .list(picked)
            }
            throw Diagnostic("cannot index \(base.kindName)", at: range)
        }
        do {
            switch selectors.count {
            case 1:
                let (selector, itemRange) = selectors[0]
                if m.cols == 1 || m.rows == 1 {
                    let alongRows = m.cols == 1
                    let positions = try resolve(selectors[0], extent: alongRows ? m.rows : m.cols,
                                                labels: alongRows ? m.rowLabels : m.colLabels,
                                                axis: alongRows ? "row" : "column", monthView: monthView)
                    return Value.normalized(try m.selecting(rows: alongRows ? positions : nil,
                                                            cols: alongRows ? nil : positions))
                }
                guard case .labels(let names, _) = selector else {
                    throw Diagnostic("one index selects from a vector; \(m.shapeDescription) matrix needs two", at: itemRange,
                                     hint: "write M[i, j], M[i, :] for a row or M[:, j] for a column")
                }
                if let colLabels = m.colLabels, names.allSatisfy(colLabels.contains) {
                    return Value.normalized(try m.selecting(rows: nil, cols: names.compactMap { colLabels.firstIndex(of: $0) }))
                }
                if let rowLabels = m.rowLabels, names.allSatisfy(rowLabels.contains) {
                    return Value.normalized(try m.selecting(rows: names.compactMap { rowLabels.firstIndex(of: $0) }, cols: nil))
                }
                _ = try resolve(selectors[0], extent: m.cols, labels: m.colLabels, axis: "column", monthView: monthView)
                return base
            case 2:
                let rows = try resolve(selectors[0], extent: m.rows, labels: m.rowLabels, axis: "row", monthView: monthView)
                let cols = try resolve(selectors[1], extent: m.cols, labels: m.colLabels, axis: "column", monthView: monthView)
                return Value.normalized(try m.selecting(rows: rows, cols: cols))
            default:
                throw Diagnostic("a matrix takes at most two indices, found \(selectors.count)", at: range)
            }
        } catch let d as Diagnostic {
            throw d
        } catch {
            throw Diagnostic(String(describing: error), at: range)
        }
    }

    /// A record's field, named by one label (`backtest[weights]`) or position.
    private static func field(of record: Record, _ selectors: [(Selector, SourceRange)], at range: SourceRange) throws -> Value {
        let names = record.fields.map(\.name)
        guard selectors.count == 1 else {
            throw Diagnostic("a record takes one index, the name of a field", at: range,
                             hint: "its fields: \(names.joined(separator: ", ")); index the field's value next, e.g. `x[weights][2008-09]`")
        }
        switch selectors[0].0 {
        case .labels(let labels, let labelRange) where labels.count == 1:
            guard let field = record.field(labels[0]) else {
                throw Diagnostic("no field `\(labels[0])` in \(record.title)", at: labelRange,
                                 hint: closestName(to: labels[0], among: names).map { "did you mean `\($0)`?" } ?? "its fields: \(names.joined(separator: ", "))")
            }
            return field.value
        case .positions(let positions) where positions.count == 1:
            guard record.fields.indices.contains(positions[0]) else {
                throw Diagnostic("there is no field \(positions[0] + 1): positions run from 1 to \(names.count)", at: selectors[0].1,
                                 hint: "its fields: \(names.joined(separator: ", "))")
            }
            return record.fields[positions[0]].value
        default:
            throw Diagnostic("a record's field is named by one label or position", at: selectors[0].1,
                             hint: "its fields: \(names.joined(separator: ", "))")
        }
    }

    /// Positions (0-based) a selector picks on one axis, `nil` for all.
    private static func resolve(_ item: (Selector, SourceRange), extent: Int, labels: [String]?, axis: String, monthView: Bool = false) throws -> [Int]? {
        let (selector, range) = item
        switch selector {
        case .all: return nil
        case .positions(let ps):
            for p in ps where p < 0 || p >= extent {
                throw Diagnostic("\(axis) \(p + 1) is out of range: there \(extent == 1 ? "is 1 \(axis)" : "are \(extent) \(axis)s")",
                                 at: range)
            }
            return ps
        case .labels(let names, _):
            guard let labels else {
                throw Diagnostic("the \(axis)s have no labels to look up `\(names.first ?? "")` in", at: range,
                                 hint: "index by position (1-based) instead")
            }
            return try names.map { name in
                guard let p = labels.firstIndex(of: name) else {
                    if let late = Self.afterLastMonth(name, labels) {
                        throw Diagnostic("\(name) is after \(late), the last \(axis) here: this data ends at \(late)", at: range,
                                         hint: monthView
                                            ? "a month view (`at \(late)`) holds only what is known at the end of its month: no later return, cap or estimate"
                                            : "its \(axis)s run from \(labels[0]) to \(late)")
                    }
                    let shown = labels.count <= 12 ? labels.joined(separator: ", ") : labels.prefix(12).joined(separator: ", ") + ", …"
                    throw Diagnostic("no \(axis) labelled `\(name)` (\(axis)s: \(shown))", at: range,
                                     hint: closestName(to: name, among: labels).map { "did you mean `\($0)`?" })
                }
                return p
            }
        }
    }

    /// The last of `labels` when they are months in order and `name` is a month after it (an index reaching
    /// beyond the data, such as month T+1 of a month view), else nil.
    private static func afterLastMonth(_ name: String, _ labels: [String]) -> String? {
        guard let last = labels.last, let month = Month(parsing: name), let lastMonth = Month(parsing: last), month > lastMonth else { return nil }
        return last
    }

    /// Selection from an optimisation expression: positions only (expressions carry no labels).
    static func select(_ x: ModelExpression, _ selectors: [(Selector, SourceRange)], at range: SourceRange) throws -> ModelExpression {
        func positions(_ item: (Selector, SourceRange)) throws -> [Int]? {
            switch item.0 {
            case .all: return nil
            case .positions(let ps): return ps
            case .labels(let names, _):
                // Labels are known for variables declared with them, such as the active exposures `f`.
                if case .variable(let v) = x.node, let labels = v.rowLabels {
                    return try names.map { name in
                        guard let p = labels.firstIndex(of: name) else {
                            throw Diagnostic("`\(v.name)` has no entry labelled `\(name)` (entries: \(labels.joined(separator: ", ")))",
                                             at: item.1, hint: closestName(to: name, among: labels).map { "did you mean `\($0)`?" })
                        }
                        return p
                    }
                }
                throw Diagnostic("optimisation expressions have no labels to look up `\(names.first ?? "")` in", at: item.1,
                                 hint: "index by position (1-based)")
            }
        }
        switch selectors.count {
        case 1:
            let p = try positions(selectors[0])
            return x.cols == 1 ? try .select(x, rows: p, cols: nil) : try .select(x, rows: x.rows == 1 ? nil : p, cols: x.rows == 1 ? p : nil)
        case 2:
            return try .select(x, rows: positions(selectors[0]), cols: positions(selectors[1]))
        default:
            throw Diagnostic("an expression takes at most two indices, found \(selectors.count)", at: range)
        }
    }
}

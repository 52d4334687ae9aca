/// Reads MPS (fixed or free) and QPS files into a `ParsedProblem`.
///
/// Conventions (those of CPLEX, Gurobi and the Maros–Meszaros collection):
/// - The first `N` row (or the one named by `OBJNAME`) is the objective; other `N` rows are ignored.
/// - An RHS on the objective row is the negated objective constant.
/// - RANGES R: `E` row with R > 0 → [rhs, rhs+|R|], R < 0 → [rhs−|R|, rhs]; `L` → [rhs−|R|, rhs];
///   `G` → [rhs, rhs+|R|].
/// - Default bounds [0, +∞); `UP` with a negative value and no lower bound makes the lower bound −∞;
///   bound values with magnitude ≥ 1e20 (or `inf`) are infinite.
/// - Only the first RHS, RANGES and BOUNDS vector is used; later vectors are ignored.
/// - Quadratic objective ½xᵀQx: `QUADOBJ`/`QSECTION` list one triangle, `QMATRIX` the full matrix.
/// - Duplicate entries (same row and column, same RHS, range or bound side) are errors, as are
///   integer markers, integer bound kinds and a column's lower bound above its upper bound (at the line
///   of the second of the two).
struct MPSReader {
    private let file: String
    private let lines: [SourceLine]
    private let fixed: Bool

    private var problemName: String?
    private var sense = ObjectiveSense.minimize
    private var objectiveRowName: String?
    private var rowNames: [String] = []
    private var rowIndex: [String: Int] = [:]
    private var rowKinds: [UInt8] = []
    private var objectiveRow: Int?
    /// Constraint number of each row (-1 for `N` rows).
    private var constraintOfRow: [Int] = []
    private var constraintRows: [Int] = []
    private var columnNames: [String] = []
    private var columnIndex: [String: Int] = [:]
    private var entries: [(row: Int, col: Int, value: Double)] = []
    private var lastColumnInRow: [Int] = []
    private var linear: [Double] = []
    private var linearGiven: [Bool] = []
    private var objectiveRHS: Double?
    private var rhs: [Double?] = []
    private var ranges: [Double?] = []
    private var lower: [Double?] = []
    private var upper: [Double?] = []
    private var vectorNames: [MPSSection: String] = [:]
    private var quadratic: [(row: Int, col: Int, value: Double)] = []
    private var quadraticSeen: [QuadraticKey: Int] = [:]
    private var fullMatrixEntries: [QuadraticKey: (value: Double, line: Int)] = [:]
    private var quadraticIsFullMatrix = false

    private struct QuadraticKey: Hashable {
        let i: Int
        let j: Int
    }

    init(file: String, lines: [SourceLine], layout: MPSLayout) {
        self.file = file
        self.lines = lines
        switch layout {
        case .fixed: fixed = true
        case .free: fixed = false
        case .automatic: fixed = MPSReader.fitsFixedGrid(lines)
        }
    }

    /// True when every data line keeps to the fixed-format field positions.
    private static func fitsFixedGrid(_ lines: [SourceLine]) -> Bool {
        lines.allSatisfy { line in
            guard let first = line.firstByte, isWhitespace(first), !line.isBlank else { return true }
            return firstByteOutsideFixedGrid(line) == nil
        }
    }

    private func error(_ line: SourceLine?, _ column: Int? = nil, _ message: String) -> FormatError {
        FormatError(file: file, line: line?.number, column: column, message: message)
    }

    private func error(_ token: Token, on line: SourceLine, _ message: String) -> FormatError {
        FormatError(file: file, line: line.number, column: token.column, message: message)
    }

    // MARK: Sections

    mutating func read() throws -> ParsedProblem {
        var section = MPSSection.name
        var seen: Set<MPSSection> = []
        var awaitingValueFor: MPSSection?
        for line in lines {
            guard let first = line.firstByte, first != UInt8(ascii: "*"), !line.isBlank else { continue }
            let tokens = line.tokens()
            if !isWhitespace(first), let header = try sectionHeader(tokens, line: line) {
                if let pending = awaitingValueFor {
                    throw error(line, 1, "missing value after \(pending == .objectiveSense ? "OBJSENSE" : "OBJNAME")")
                }
                if header == .end { return try finish() }
                if header != .quadratic || !seen.contains(.quadratic) {
                    guard !seen.contains(header) else {
                        throw error(line, 1, "section \(tokens[0].text) appears twice")
                    }
                    guard header >= section else {
                        throw error(line, 1, "section \(tokens[0].text) is out of order")
                    }
                }
                seen.insert(header)
                section = header
                awaitingValueFor = try readHeaderValue(header, tokens: tokens, line: line)
                continue
            }
            if let pending = awaitingValueFor {
                try readSectionValue(pending, tokens: tokens, line: line)
                awaitingValueFor = nil
                continue
            }
            try readData(line, section: section)
        }
        throw error(lines.last, nil, "missing ENDATA: the file is truncated or not an MPS file")
    }

    /// Recognises a section header line; nil when a free-format data line merely starts in column 1.
    private func sectionHeader(_ tokens: [Token], line: SourceLine) throws -> MPSSection? {
        guard let keyword = tokens.first?.text.uppercased() else { return nil }
        switch keyword {
        case "NAME": return .name
        case "OBJSENSE", "OBJSENCE": return .objectiveSense
        case "OBJNAME": return .objectiveName
        case "ROWS": return .rows
        case "COLUMNS": return .columns
        case "RHS": return .rhs
        case "RANGES": return .ranges
        case "BOUNDS": return .bounds
        case "QUADOBJ", "QSECTION", "QMATRIX": return .quadratic
        case "ENDATA": return .end
        case "QCMATRIX":
            throw error(line, 1, "quadratic constraints (QCMATRIX) are not supported")
        case "CSECTION":
            throw error(line, 1, "MOSEK conic sections (CSECTION) are not supported; write the problem as CBF")
        case "SOS":
            throw error(line, 1, "special ordered sets (SOS) are not supported")
        default:
            // Free MPS may start data lines in column 1; a lone word there is a section name.
            if !fixed, !rowNames.isEmpty, tokens.count > 1 { return nil }
            throw error(line, 1, "unknown section '\(tokens[0].text)'")
        }
    }

    /// Handles what follows a section keyword on its own line; returns the section when its value
    /// comes on the next line instead (OBJSENSE, OBJNAME).
    private mutating func readHeaderValue(_ header: MPSSection, tokens: [Token],
                                          line: SourceLine) throws -> MPSSection? {
        let keyword = tokens[0].text.uppercased()
        switch header {
        case .name:
            let rest = line.text.drop { $0 == " " || $0 == "\t" }.dropFirst(4)
            let name = rest.trimmingWhitespace()
            problemName = name.isEmpty ? nil : name
            return nil
        case .objectiveSense, .objectiveName:
            guard tokens.count > 1 else { return header }
            guard tokens.count == 2 else { throw error(tokens[2], on: line, "unexpected text after \(keyword)") }
            try readSectionValue(header, tokens: Array(tokens.dropFirst()), line: line)
            return nil
        case .quadratic:
            if keyword == "QMATRIX" { quadraticIsFullMatrix = true }
            if keyword == "QSECTION", tokens.count > 1 {
                let target = tokens[1].text
                let objective = objectiveRow.map { rowNames[$0] }
                guard target == objective else {
                    throw error(tokens[1], on: line,
                                "QSECTION \(target) is not the objective: quadratic constraints are not supported")
                }
            }
            if !quadratic.isEmpty || !fullMatrixEntries.isEmpty {
                throw error(line, 1, "more than one quadratic objective section")
            }
            return nil
        default:
            if tokens.count > 1 { throw error(tokens[1], on: line, "unexpected text after \(keyword)") }
            return nil
        }
    }

    private mutating func readSectionValue(_ section: MPSSection, tokens: [Token], line: SourceLine) throws {
        guard tokens.count == 1 else {
            throw error(line, tokens.first?.column, "expected a single value in the \(section == .objectiveSense ? "OBJSENSE" : "OBJNAME") section")
        }
        let value = tokens[0]
        if section == .objectiveName {
            guard rowNames.isEmpty else { throw error(value, on: line, "OBJNAME must come before ROWS") }
            objectiveRowName = value.text
            return
        }
        switch value.text.uppercased() {
        case "MAX", "MAXIMIZE", "MAXIMISE": sense = .maximize
        case "MIN", "MINIMIZE", "MINIMISE": sense = .minimize
        default: throw error(value, on: line, "objective sense must be MAX or MIN, not '\(value.text)'")
        }
    }

    private mutating func readData(_ line: SourceLine, section: MPSSection) throws {
        switch section {
        case .name, .objectiveSense, .objectiveName, .end:
            throw error(line, nil, "data line outside a data section (expected ROWS, COLUMNS, …)")
        default: break
        }
        if section == .columns { try rejectMarker(line) }
        let record: MPSRecord
        if fixed {
            if let column = firstByteOutsideFixedGrid(line) {
                throw error(line, column, "text outside the fixed MPS fields (read the file as free MPS)")
            }
            record = fixedRecord(line)
        } else {
            guard let free = freeRecord(line, section: section) else {
                throw error(line, nil, "wrong number of fields for a \(sectionName(section)) line")
            }
            record = free
        }
        switch section {
        case .rows: try readRow(record)
        case .columns: try readColumn(record)
        case .rhs: try readVector(record, section: .rhs)
        case .ranges: try readVector(record, section: .ranges)
        case .bounds: try readBound(record)
        case .quadratic: try readQuadratic(record)
        default: break
        }
    }

    private func sectionName(_ section: MPSSection) -> String {
        switch section {
        case .rows: "ROWS"
        case .columns: "COLUMNS"
        case .rhs: "RHS"
        case .ranges: "RANGES"
        case .bounds: "BOUNDS"
        case .quadratic: "quadratic objective"
        default: "header"
        }
    }

    // MARK: Records

    private func required(_ record: MPSRecord, _ field: Int, _ what: String) throws -> Token {
        guard let token = record[field] else {
            throw error(record.line, fixed ? fixedFieldColumns[field - 1].lowerBound : nil, "missing \(what)")
        }
        return token
    }

    private func number(_ token: Token, on line: SourceLine, allowInfinite: Bool = false) throws -> Double {
        guard let value = parseReal(token.text) else {
            throw error(token, on: line, "'\(token.text)' is not a number")
        }
        guard allowInfinite || value.isFinite else {
            throw error(token, on: line, "value '\(token.text)' must be finite")
        }
        return value
    }

    private func row(_ token: Token, on line: SourceLine) throws -> Int {
        guard let index = rowIndex[token.text] else {
            throw error(token, on: line, "unknown row '\(token.text)'")
        }
        return index
    }

    private func column(_ token: Token, on line: SourceLine) throws -> Int {
        guard let index = columnIndex[token.text] else {
            throw error(token, on: line, "unknown column '\(token.text)'")
        }
        return index
    }

    private mutating func readRow(_ record: MPSRecord) throws {
        let kindToken = try required(record, 1, "row type (N, E, L or G)")
        let name = try required(record, 2, "row name")
        let kind = kindToken.text.uppercased()
        guard ["N", "E", "L", "G"].contains(kind) else {
            throw error(kindToken, on: record.line, "unknown row type '\(kindToken.text)' (expected N, E, L or G)")
        }
        guard rowIndex[name.text] == nil else {
            throw error(name, on: record.line, "duplicate row '\(name.text)'")
        }
        let index = rowNames.count
        rowIndex[name.text] = index
        rowNames.append(name.text)
        rowKinds.append(kind.utf8.first ?? 0)
        lastColumnInRow.append(-1)
        if kind == "N" {
            constraintOfRow.append(-1)
            if objectiveRow == nil, objectiveRowName == nil || objectiveRowName == name.text { objectiveRow = index }
        } else {
            constraintOfRow.append(constraintRows.count)
            constraintRows.append(index)
            rhs.append(nil)
            ranges.append(nil)
        }
    }

    /// A COLUMNS line `name 'MARKER' 'INTORG'` (or `'INTEND'`) brackets integer columns; it is recognised by
    /// its words, not by fixed fields, since writers put 'MARKER' in field 3 or, as CPLEX and many MIPLIB
    /// files do, in the columns of field 4, where the fields would read it as a line missing its row name.
    private func rejectMarker(_ line: SourceLine) throws {
        let tokens = line.tokens()
        guard tokens.count >= 2, tokens[1].text.uppercased() == "'MARKER'" else { return }
        let kind = tokens.count > 2 ? tokens[2].text.uppercased() : ""
        guard kind == "'INTORG'" || kind == "'INTEND'" else {
            throw error(tokens[1], on: line, "unknown MARKER kind (expected 'INTORG' or 'INTEND')")
        }
        throw error(tokens[1], on: line, "integer variables (MARKER \(tokens[2].text)) are not supported: Tilt solves continuous problems")
    }

    private mutating func readColumn(_ record: MPSRecord) throws {
        let line = record.line
        let name = try required(record, 2, "column name")
        let col: Int
        if let existing = columnIndex[name.text] {
            guard existing == columnNames.count - 1 else {
                throw error(name, on: line, "column '\(name.text)' appears again after other columns")
            }
            col = existing
        } else {
            col = columnNames.count
            columnIndex[name.text] = col
            columnNames.append(name.text)
            linear.append(0)
            linearGiven.append(false)
            lower.append(nil)
            upper.append(nil)
        }
        for (rowToken, valueToken) in try pairs(record) {
            let r = try row(rowToken, on: line)
            let value = try number(valueToken, on: line)
            if r == objectiveRow {
                guard !linearGiven[col] else {
                    throw error(rowToken, on: line, "duplicate entry for column '\(name.text)' in row '\(rowToken.text)'")
                }
                linearGiven[col] = true
                linear[col] = value
            } else if constraintOfRow[r] >= 0 {
                guard lastColumnInRow[r] != col else {
                    throw error(rowToken, on: line, "duplicate entry for column '\(name.text)' in row '\(rowToken.text)'")
                }
                lastColumnInRow[r] = col
                entries.append((constraintOfRow[r], col, value))
            }
        }
    }

    /// The (name, value) pairs in fields 3–4 and 5–6; the first pair is required.
    private func pairs(_ record: MPSRecord) throws -> [(name: Token, value: Token)] {
        let name = try required(record, 3, "row name")
        var result = [(name, try required(record, 4, "value"))]
        if let secondName = record[5] {
            result.append((secondName, try required(record, 6, "value")))
        } else if let stray = record[6] {
            throw error(stray, on: record.line, "value without a row name")
        }
        return result
    }

    /// Whether a data line belongs to the first vector of its section (RHS, RANGES, BOUNDS).
    private mutating func isFirstVector(_ record: MPSRecord, section: MPSSection) -> Bool {
        let name = record[2]?.text ?? ""
        if let chosen = vectorNames[section] { return chosen == name }
        vectorNames[section] = name
        return true
    }

    private mutating func readVector(_ record: MPSRecord, section: MPSSection) throws {
        guard isFirstVector(record, section: section) else { return }
        let line = record.line
        for (rowToken, valueToken) in try pairs(record) {
            let r = try row(rowToken, on: line)
            let value = try number(valueToken, on: line)
            let constraint = constraintOfRow[r]
            if section == .rhs {
                if r == objectiveRow {
                    guard objectiveRHS == nil else { throw error(rowToken, on: line, "duplicate RHS for row '\(rowToken.text)'") }
                    objectiveRHS = value
                } else if constraint >= 0 {
                    guard rhs[constraint] == nil else { throw error(rowToken, on: line, "duplicate RHS for row '\(rowToken.text)'") }
                    rhs[constraint] = value
                }
            } else {
                guard constraint >= 0 else { throw error(rowToken, on: line, "RANGES on objective (N) row '\(rowToken.text)'") }
                guard ranges[constraint] == nil else { throw error(rowToken, on: line, "duplicate RANGES entry for row '\(rowToken.text)'") }
                ranges[constraint] = value
            }
        }
    }

    private mutating func readBound(_ record: MPSRecord) throws {
        let line = record.line
        let kindToken = try required(record, 1, "bound type")
        let kind = kindToken.text.uppercased()
        let columnToken = try required(record, 3, "column name")
        switch kind {
        case "UP", "LO", "FX", "FR", "MI", "PL": break
        case "BV", "LI", "UI", "SC":
            throw error(kindToken, on: line, "bound type \(kind) on '\(columnToken.text)': integer and semi-continuous variables are not supported")
        default:
            throw error(kindToken, on: line, "unknown bound type '\(kindToken.text)'")
        }
        guard isFirstVector(record, section: .bounds) else { return }
        let col = try column(columnToken, on: line)
        var value = 0.0
        if ["UP", "LO", "FX"].contains(kind) {
            let valueToken = try required(record, 4, "bound value")
            value = try number(valueToken, on: line, allowInfinite: true)
            if abs(value) >= 1e20 { value = value > 0 ? .infinity : -.infinity }
            let wrongInfinity = (kind == "FX" && !value.isFinite) || (kind == "LO" && value == .infinity)
                || (kind == "UP" && value == -.infinity)
            if wrongInfinity { throw error(valueToken, on: line, "infinite \(kind) bound on '\(columnToken.text)'") }
        }
        let setsLower = ["LO", "FX", "FR", "MI"].contains(kind)
        let setsUpper = ["UP", "FX", "FR", "PL"].contains(kind)
        if (setsLower && lower[col] != nil) || (setsUpper && upper[col] != nil) {
            throw error(kindToken, on: line, "duplicate bound on column '\(columnToken.text)'")
        }
        switch kind {
        case "UP": upper[col] = value
        case "LO": lower[col] = value
        case "FX": (lower[col], upper[col]) = (value, value)
        case "FR": (lower[col], upper[col]) = (-.infinity, .infinity)
        case "MI": lower[col] = -.infinity
        default: upper[col] = .infinity
        }
        // Contradictory bounds are a mistake in the file, not an infeasible problem to solve.
        if let low = lower[col], let high = upper[col], low > high {
            throw error(kindToken, on: line, "the bounds on column '\(columnToken.text)' contradict each other: lower bound \(formatBound(low)) is above upper bound \(formatBound(high))")
        }
    }

    /// A bound as written in messages: integral values without a fraction, others in full precision.
    private func formatBound(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }

    private mutating func readQuadratic(_ record: MPSRecord) throws {
        let line = record.line
        let firstToken = try required(record, 2, "column name")
        let secondToken = try required(record, 3, "column name")
        let valueToken = try required(record, 4, "value")
        let i = try column(firstToken, on: line)
        let j = try column(secondToken, on: line)
        let value = try number(valueToken, on: line)
        if quadraticIsFullMatrix {
            let key = QuadraticKey(i: i, j: j)
            guard fullMatrixEntries[key] == nil else {
                throw error(firstToken, on: line, "duplicate QMATRIX entry (\(firstToken.text), \(secondToken.text))")
            }
            fullMatrixEntries[key] = (value, line.number)
            if i <= j { quadratic.append((i, j, value)) }
            return
        }
        let key = QuadraticKey(i: min(i, j), j: max(i, j))
        guard quadraticSeen[key] == nil else {
            throw error(firstToken, on: line, "duplicate quadratic entry (\(firstToken.text), \(secondToken.text)): give each pair once")
        }
        quadraticSeen[key] = line.number
        quadratic.append((key.i, key.j, value))
    }

    /// QMATRIX lists both triangles: every off-diagonal entry needs an equal mirror entry.
    private func checkFullMatrixSymmetry() throws {
        for (key, entry) in fullMatrixEntries where key.i != key.j {
            let mirror = fullMatrixEntries[QuadraticKey(i: key.j, j: key.i)]
            let tolerance = 1e-12 * max(1, abs(entry.value))
            guard let mirror, abs(mirror.value - entry.value) <= tolerance else {
                throw FormatError(file: file, line: entry.line, message:
                    "QMATRIX is not symmetric: entry (\(columnNames[key.i]), \(columnNames[key.j])) has no equal (\(columnNames[key.j]), \(columnNames[key.i])) entry")
            }
        }
    }

    // MARK: Conversion

    private func finish() throws -> ParsedProblem {
        guard !columnNames.isEmpty else {
            throw FormatError(file: file, line: nil, message: "the problem has no variables (empty COLUMNS section)")
        }
        if let objectiveRowName, objectiveRow == nil {
            throw FormatError(file: file, line: nil, message: "OBJNAME names '\(objectiveRowName)', which is not an N row")
        }
        try checkFullMatrixSymmetry()
        let constraintCount = constraintRows.count
        let expressions = ExpressionRows(rowCount: constraintCount, entries: entries,
                                         constants: Array(repeating: 0, count: constraintCount))
        var assembler = ConicAssembler(variableCount: columnNames.count, expressions: expressions)
        for k in 0..<constraintCount {
            let (low, high) = rowInterval(kind: rowKinds[constraintRows[k]], rhs: rhs[k] ?? 0, range: ranges[k])
            assembler.addInterval(.expression(k), lower: low, upper: high) { .constraint(index: k, side: $0) }
        }
        for j in 0..<columnNames.count {
            let up = upper[j] ?? .infinity
            let low = lower[j] ?? ((upper[j] ?? 0) < 0 ? -.infinity : 0)
            assembler.addInterval(.variable(j), lower: low, upper: up) { .variableBound(index: j, side: $0) }
        }
        let constant = -(objectiveRHS ?? 0)
        let sign: Double = sense == .maximize ? -1 : 1
        let built = assembler.build(quadratic: quadratic.map { ($0.row, $0.col, sign * $0.value) },
                                    linear: linear.map { sign * $0 }, constant: sign * constant)
        return ParsedProblem(
            name: problemName ?? baseName(file), problem: built.problem, variableNames: columnNames,
            constraintNames: constraintRows.map { rowNames[$0] },
            objectiveName: objectiveRow.map { rowNames[$0] } ?? "", objectiveSense: sense,
            objectiveConstant: constant, rowOrigins: built.origins)
    }

    /// The interval [lower, upper] a row's activity must lie in, from its type, RHS and range.
    private func rowInterval(kind: UInt8, rhs: Double, range: Double?) -> (Double, Double) {
        switch (kind, range) {
        case (UInt8(ascii: "E"), nil): return (rhs, rhs)
        case (UInt8(ascii: "E"), let r?): return r >= 0 ? (rhs, rhs + r) : (rhs + r, rhs)
        case (UInt8(ascii: "L"), let r): return (r.map { rhs - abs($0) } ?? -.infinity, rhs)
        default: return (rhs, range.map { rhs + abs($0) } ?? .infinity)
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and carriage returns.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}

/// The file name without directories and extension, used as a default problem name.
func baseName(_ path: String) -> String {
    let file = path.split(separator: "/").last.map(String.init) ?? path
    guard let dot = file.firstIndex(of: "."), dot != file.startIndex else { return file }
    return String(file[..<dot])
}

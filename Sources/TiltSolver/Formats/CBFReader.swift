/// Reads Conic Benchmark Format files (versions 1–3) into a `ParsedProblem`.
///
/// The CBF problem `min/max cᵀx + c₀  s.t.  x ∈ K_var, Ax + b ∈ K_con` becomes Clarabel's form with
/// one slack per cone coordinate (see `CBFCone`); variable cones come before constraint cones within
/// each cone kind. Variables are named `x0, x1, …` and constraints `c0, c1, …` (CBF has no names).
/// Integer variables, power cones and semidefinite parts are reported as unsupported.
struct CBFReader {
    /// Largest number of variables or constraints accepted (guards memory against absurd headers).
    static let maximumCount = 50_000_000

    private let file: String
    private let lines: [SourceLine]
    private var cursor = 0

    private var sense = ObjectiveSense.minimize
    private var variableCount: Int?
    private var variableCones: [(cone: CBFCone, dimension: Int)] = []
    private var constraintCount: Int?
    private var constraintCones: [(cone: CBFCone, dimension: Int)] = []
    private var linear: [Double] = []
    private var objectiveConstant = 0.0
    private var entries: [(row: Int, col: Int, value: Double)] = []
    private var constants: [Double] = []

    init(file: String, lines: [SourceLine]) {
        self.file = file
        self.lines = lines.filter { line in
            guard let first = line.bytes.first(where: { !isWhitespace($0) }) else { return false }
            return first != UInt8(ascii: "#")
        }
    }

    private func error(_ line: SourceLine?, _ column: Int?, _ message: String) -> FormatError {
        FormatError(file: file, line: line?.number, column: column, message: message)
    }

    /// The next non-comment line's tokens, which must number `count`.
    private mutating func nextRecord(_ count: Int, for keyword: String) throws -> (SourceLine, [Token]) {
        guard cursor < lines.count else {
            throw error(lines.last, nil, "file ends inside the \(keyword) section (truncated?)")
        }
        let line = lines[cursor]
        cursor += 1
        let tokens = line.tokens()
        guard tokens.count == count else {
            throw error(line, tokens.first?.column, "expected \(count) field\(count == 1 ? "" : "s") in the \(keyword) section, found \(tokens.count)")
        }
        return (line, tokens)
    }

    private func count(_ token: Token, on line: SourceLine) throws -> Int {
        guard let value = parseCount(token.text) else {
            throw error(line, token.column, "'\(token.text)' is not a nonnegative integer")
        }
        guard value <= CBFReader.maximumCount else {
            throw error(line, token.column, "\(value) exceeds the supported size (\(CBFReader.maximumCount))")
        }
        return value
    }

    private func index(_ token: Token, on line: SourceLine, below limit: Int, _ what: String) throws -> Int {
        guard let value = parseCount(token.text), value < limit else {
            throw error(line, token.column, "\(what) index '\(token.text)' is not in 0..<\(limit)")
        }
        return value
    }

    private func number(_ token: Token, on line: SourceLine) throws -> Double {
        guard let value = parseReal(token.text), value.isFinite else {
            throw error(line, token.column, "'\(token.text)' is not a finite number")
        }
        return value
    }

    // MARK: Sections

    mutating func read() throws -> ParsedProblem {
        var seen: Set<String> = []
        while cursor < lines.count {
            let line = lines[cursor]
            cursor += 1
            let tokens = line.tokens()
            guard tokens.count == 1, let keywordToken = tokens.first else {
                throw error(line, tokens.first?.column, "expected a CBF keyword on its own line")
            }
            let keyword = keywordToken.text
            guard !seen.contains(keyword) else { throw error(line, 1, "keyword \(keyword) appears twice") }
            if seen.isEmpty, keyword != "VER" { throw error(line, keywordToken.column, "a CBF file must start with VER") }
            seen.insert(keyword)
            try readSection(keyword, line: line, column: keywordToken.column)
        }
        guard seen.contains("VER") else { throw error(nil, nil, "empty file: a CBF file must start with VER") }
        return try finish()
    }

    private mutating func readSection(_ keyword: String, line: SourceLine, column: Int) throws {
        switch keyword {
        case "VER":
            let (valueLine, tokens) = try nextRecord(1, for: keyword)
            guard let version = parseCount(tokens[0].text), (1...3).contains(version) else {
                throw error(valueLine, tokens[0].column, "unsupported CBF version '\(tokens[0].text)' (versions 1–3 are supported)")
            }
        case "OBJSENSE":
            let (valueLine, tokens) = try nextRecord(1, for: keyword)
            switch tokens[0].text {
            case "MIN": sense = .minimize
            case "MAX": sense = .maximize
            default: throw error(valueLine, tokens[0].column, "objective sense must be MIN or MAX, not '\(tokens[0].text)'")
            }
        case "VAR":
            let (total, cones) = try readConeList(keyword)
            variableCount = total
            variableCones = cones
            linear = Array(repeating: 0, count: total)
        case "CON":
            try requireVariables(before: keyword, line: line, column: column)
            let (total, cones) = try readConeList(keyword)
            constraintCount = total
            constraintCones = cones
            constants = Array(repeating: 0, count: total)
        case "INT":
            try requireVariables(before: keyword, line: line, column: column)
            let (countLine, tokens) = try nextRecord(1, for: keyword)
            if try count(tokens[0], on: countLine) > 0 {
                throw error(line, column, "integer variables (INT) are not supported")
            }
        case "OBJACOORD":
            let n = try requireVariables(before: keyword, line: line, column: column)
            var given = Set<Int>()
            for (entryLine, tokens) in try readEntries(keyword, fields: 2) {
                let j = try index(tokens[0], on: entryLine, below: n, "variable")
                guard given.insert(j).inserted else { throw error(entryLine, tokens[0].column, "duplicate objective entry for variable \(j)") }
                linear[j] = try number(tokens[1], on: entryLine)
            }
        case "OBJBCOORD":
            let (valueLine, tokens) = try nextRecord(1, for: keyword)
            objectiveConstant = try number(tokens[0], on: valueLine)
        case "ACOORD":
            let n = try requireVariables(before: keyword, line: line, column: column)
            let m = try requireConstraints(before: keyword, line: line, column: column)
            var given = Set<Int>()
            for (entryLine, tokens) in try readEntries(keyword, fields: 3) {
                let i = try index(tokens[0], on: entryLine, below: m, "constraint")
                let j = try index(tokens[1], on: entryLine, below: n, "variable")
                guard given.insert(i * n + j).inserted else {
                    throw error(entryLine, tokens[0].column, "duplicate ACOORD entry (\(i), \(j))")
                }
                entries.append((i, j, try number(tokens[2], on: entryLine)))
            }
        case "BCOORD":
            let m = try requireConstraints(before: keyword, line: line, column: column)
            var given = Set<Int>()
            for (entryLine, tokens) in try readEntries(keyword, fields: 2) {
                let i = try index(tokens[0], on: entryLine, below: m, "constraint")
                guard given.insert(i).inserted else { throw error(entryLine, tokens[0].column, "duplicate BCOORD entry for constraint \(i)") }
                constants[i] = try number(tokens[1], on: entryLine)
            }
        case "PSDVAR", "PSDCON", "OBJFCOORD", "FCOORD", "HCOORD", "DCOORD":
            throw error(line, column, "semidefinite cones are not supported (\(keyword))")
        case "POWCONES", "POW*CONES":
            throw error(line, column, "power cones are not supported (\(keyword))")
        default:
            throw error(line, column, "unknown CBF keyword '\(keyword)'")
        }
    }

    @discardableResult
    private func requireVariables(before keyword: String, line: SourceLine, column: Int) throws -> Int {
        guard let variableCount else { throw error(line, column, "\(keyword) must come after VAR") }
        return variableCount
    }

    private func requireConstraints(before keyword: String, line: SourceLine, column: Int) throws -> Int {
        guard let constraintCount else { throw error(line, column, "\(keyword) must come after CON") }
        return constraintCount
    }

    /// Reads `total count` then `count` lines of `CONE dimension`, checking the dimensions add up.
    private mutating func readConeList(_ keyword: String) throws -> (Int, [(cone: CBFCone, dimension: Int)]) {
        let (headerLine, header) = try nextRecord(2, for: keyword)
        let total = try count(header[0], on: headerLine)
        let coneCount = try count(header[1], on: headerLine)
        var cones: [(cone: CBFCone, dimension: Int)] = []
        var covered = 0
        for _ in 0..<coneCount {
            let (coneLine, tokens) = try nextRecord(2, for: keyword)
            let name = tokens[0].text
            if let reason = CBFCone.unsupportedReason(name) { throw error(coneLine, tokens[0].column, reason) }
            guard let cone = CBFCone(name: name) else {
                throw error(coneLine, tokens[0].column, "unknown cone '\(name)' (expected F, L+, L-, L=, Q, QR, EXP or EXP*)")
            }
            let dimension = try count(tokens[1], on: coneLine)
            let rule = cone.dimensionRule
            guard dimension >= rule.minimum, rule.exact.map({ $0 == dimension }) ?? true else {
                throw error(coneLine, tokens[1].column, "wrong dimension \(dimension) for cone \(name)")
            }
            guard dimension <= total - covered else {
                throw error(coneLine, tokens[1].column, "cone dimensions exceed the \(total) declared in \(keyword)")
            }
            covered += dimension
            cones.append((cone, dimension))
        }
        guard covered == total else {
            throw error(headerLine, header[0].column, "cone dimensions add up to \(covered), not the \(total) declared in \(keyword)")
        }
        return (total, cones)
    }

    /// Reads `count` then `count` entry lines of `fields` tokens each.
    private mutating func readEntries(_ keyword: String, fields: Int) throws -> [(SourceLine, [Token])] {
        let (countLine, header) = try nextRecord(1, for: keyword)
        let entryCount = try count(header[0], on: countLine)
        var records: [(SourceLine, [Token])] = []
        for _ in 0..<entryCount { records.append(try nextRecord(fields, for: keyword)) }
        return records
    }

    // MARK: Conversion

    private func finish() throws -> ParsedProblem {
        guard let n = variableCount, n > 0 else {
            throw error(nil, nil, "the problem has no variables (missing or empty VAR section)")
        }
        let m = constraintCount ?? 0
        var assembler = ConicAssembler(
            variableCount: n, expressions: ExpressionRows(rowCount: m, entries: entries, constants: constants))
        var offset = 0
        for (cone, dimension) in variableCones {
            let start = offset
            cone.addRows(dimension: dimension, to: &assembler, source: { .variable(start + $0) },
                         linearOrigin: { .variableBound(index: start + $0, side: $1) },
                         coneOrigin: { .variableCone(index: start + $0) })
            offset += dimension
        }
        offset = 0
        for (cone, dimension) in constraintCones {
            let start = offset
            cone.addRows(dimension: dimension, to: &assembler, source: { .expression(start + $0) },
                         linearOrigin: { .constraint(index: start + $0, side: $1) },
                         coneOrigin: { .constraintCone(index: start + $0) })
            offset += dimension
        }
        let sign: Double = sense == .maximize ? -1 : 1
        let built = assembler.build(quadratic: [], linear: linear.map { sign * $0 }, constant: sign * objectiveConstant)
        return ParsedProblem(
            name: baseName(file), problem: built.problem, variableNames: (0..<n).map { "x\($0)" },
            constraintNames: (0..<m).map { "c\($0)" }, objectiveName: "obj", objectiveSense: sense,
            objectiveConstant: objectiveConstant, rowOrigins: built.origins)
    }
}

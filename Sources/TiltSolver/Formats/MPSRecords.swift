/// The six fields of an MPS data line (`fields[0]` is field 1). Absent fields are nil.
struct MPSRecord {
    var fields: [Token?] = Array(repeating: nil, count: 6)
    let line: SourceLine

    subscript(field: Int) -> Token? { fields[field - 1] }
}

/// The sections of an MPS/QPS file, in the order they must appear.
enum MPSSection: Int, Comparable {
    case name, objectiveSense, objectiveName, rows, columns, rhs, ranges, bounds, quadratic, end

    static func < (lhs: MPSSection, rhs: MPSSection) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Fixed-format field positions (1-based, inclusive): 2–3, 5–12, 15–22, 25–36, 40–47, 50–61.
let fixedFieldColumns: [ClosedRange<Int>] = [2...3, 5...12, 15...22, 25...36, 40...47, 50...61]

/// The first column past the last fixed field; anything from here on is outside the grid.
private let fixedLineWidth = 61

/// Whether byte column `column` (1-based) lies inside one of the fixed fields.
private func isInsideFixedField(_ column: Int) -> Bool {
    fixedFieldColumns.contains { $0.contains(column) }
}

/// The 1-based column of the first non-blank byte outside the fixed-format fields, or of a tab.
func firstByteOutsideFixedGrid(_ line: SourceLine) -> Int? {
    for (offset, byte) in line.bytes.enumerated() {
        let column = offset + 1
        if byte == UInt8(ascii: "\t") { return column }
        if isWhitespace(byte) { continue }
        if column > fixedLineWidth || !isInsideFixedField(column) { return column }
    }
    return nil
}

/// Cuts a fixed-format data line into its six fields (blank fields are nil; names keep inner spaces).
func fixedRecord(_ line: SourceLine) -> MPSRecord {
    var record = MPSRecord(line: line)
    let bytes = line.bytes
    for (index, range) in fixedFieldColumns.enumerated() {
        let start = bytes.startIndex + range.lowerBound - 1
        guard start < bytes.endIndex else { break }
        let end = min(bytes.endIndex, bytes.startIndex + range.upperBound)
        var first = start
        var last = end
        while first < last, isWhitespace(bytes[first]) { first += 1 }
        while last > first, isWhitespace(bytes[last - 1]) { last -= 1 }
        if first < last {
            record.fields[index] = Token(text: String(decoding: bytes[first..<last], as: UTF8.self),
                                         column: first - bytes.startIndex + 1)
        }
    }
    return record
}

/// Places the whitespace-separated tokens of a free-format data line into the fields the fixed
/// layout would use for `section`, so both layouts share one interpretation. Returns nil when the
/// token count does not fit the section.
func freeRecord(_ line: SourceLine, section: MPSSection) -> MPSRecord? {
    let tokens = line.tokens()
    var record = MPSRecord(line: line)
    func place(_ fieldNumbers: [Int]) {
        for (token, field) in zip(tokens, fieldNumbers) { record.fields[field - 1] = token }
    }
    switch section {
    case .rows:
        guard tokens.count == 2 else { return nil }
        place([1, 2])
    case .columns:
        guard tokens.count == 3 || tokens.count == 5 else { return nil }
        place([2, 3, 4, 5, 6])
    case .rhs, .ranges:
        // The vector name is optional in free format: an odd count means it is present.
        switch tokens.count {
        case 3, 5: place([2, 3, 4, 5, 6])
        case 2, 4: place([3, 4, 5, 6])
        default: return nil
        }
    case .bounds:
        guard let kind = tokens.first?.text.uppercased() else { return nil }
        let takesValue = !["FR", "MI", "PL", "BV"].contains(kind)
        switch (takesValue, tokens.count) {
        case (true, 4), (false, 3), (false, 4): place([1, 2, 3, 4])
        case (true, 3), (false, 2): place([1, 3, 4])
        default: return nil
        }
    case .quadratic:
        guard tokens.count == 3 else { return nil }
        place([2, 3, 4])
    case .name, .objectiveSense, .objectiveName, .end:
        return nil
    }
    return record
}

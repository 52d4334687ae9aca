import Foundation
import Testing
import TiltLinearAlgebra

// The rule: no conversion in Sources/ can trap.
//
// Swift's integer initialisers `Int(x)`, `Int32(x)`, `UInt64(x)` … trap when `x` is a Double that is NaN,
// infinite or out of range (and an integer that does not fit). So, outside
// Sources/TiltLinearAlgebra/Numbers/WholeNumbers.swift, every call of an integer type's initialiser
// (`Int`, `Int8` … `UInt64`, also spelled `.init` or passed as `Int.init`) must be
//   - labelled with a label that cannot trap on a Double: `whole:`, `rounding:`, `clamping:` (the helpers of
//     WholeNumbers.swift, and the standard library's integer clamping), `bitPattern:`, `truncatingIfNeeded:`,
//     `ascii:`;
//   - of an integer literal or of another integer type's `max`/`min`;
//   - or listed below, with the reason its argument is an integer (or a String, parsed) in range.
// `exactly:` (Double → integer without the helper), `numericCast` and the C library's `lround`/`lrint`
// family are held to the same rule. Comments are skipped; string interpolations are code and are checked.
// A listed conversion that is no longer in the file is an error too, so the list stays exact.

/// Conversions whose argument is already an integer (or a String): (file under Sources/, call text as
/// written with spaces collapsed, why it cannot trap). One line per occurrence.
private let integerArguments: [(file: String, call: String, reason: String)] = [
    ("TiltReport/Files/AtomicFile.swift", "Int32(exactly: underlying.code)", "Int error code; exactly: is nil when it does not fit"),
    ("TiltReport/Files/AtomicFile.swift", "Int32(exactly: ns.code)", "Int error code; exactly: is nil when it does not fit"),
    ("TiltReport/Files/AtomicFile.swift", "Int(PATH_MAX)", "Int32 constant widened"),
    ("TiltModels/Estimation/ObservationGroups.swift", "UInt64(position & 63)", "Int in 0…63"),
    ("TiltModels/Estimation/ObservationGroups.swift", "UInt64($0 & 63)", "Int in 0…63"),
    ("TiltModels/Regime/GaussianHMM+Fitting.swift", "UInt64(r)", "restart index, 0 or more"),
    ("TiltModels/Regime/HMMInitialisation.swift", "Int(rng.next() % UInt64(t))", "UInt64 below t, an Int count"),
    ("TiltModels/Regime/HMMInitialisation.swift", "UInt64(t)", "observation count, 1 or more"),
    ("TiltModels/Regime/HMMInitialisation.swift", "Int(rng.next() % UInt64(t))", "UInt64 below t, an Int count"),
    ("TiltModels/Regime/HMMInitialisation.swift", "UInt64(t)", "observation count, 1 or more"),
    ("TiltModels/Policies/CharacteristicPanel.swift", "Int(label.trimmingCharacters(in: .whitespaces))", "String parsed; nil when not a number"),
    ("TiltBacktest/Experiments/RegimeStudyTrial.swift", "UInt64(index)", "trial index, 0 or more"),
    ("TiltSolver/Polishing.swift", "Int32(order)", "LAPACK order, checked against Int32.max by KKTSystem"),
    ("TiltSolver/Formats/TextLines.swift", "Int(text)", "String parsed; nil when not a number"),
    ("TiltSolver/KKT/DenseKKTSolver.swift", "Int32(n)", "KKT order, checked against Int32.max by KKTSystem"),
    ("TiltSolver/KKT/DenseKKTSolver.swift", "Int32(workspace.count)", "workspace size from LAPACK.workspaceSize, an Int32"),
    ("TiltSolver/KKT/DenseKKTSolver.swift", "Int32(n)", "KKT order, checked against Int32.max by KKTSystem"),
    ("TiltSolver/KKT/DenseKKTSolver.swift", "Int32(pattern.cols)", "KKT order, checked against Int32.max by KKTSystem"),
    ("TiltSolver/KKT/KKTSystem.swift", "Int(rows[p])", "Int32 row index widened"),
    ("TiltSolver/KKT/KKTSystem.swift", "Int(rows[p])", "Int32 row index widened"),
    ("TiltSolver/KKT/SparseKKTSolver.swift", "Int8($0)", "a sign, ±1"),
    ("TiltSolver/KKT/KKTAnalysisCache.swift", "UInt64(array.count)", "a count, 0 or more"),
    ("TiltSyntax/Lexer.swift", "Int($1 - UInt8(ascii: \"0\"))", "a digit, 0…9"),
    ("TiltCLI/BenchCommand.swift", "Int(field)", "String parsed; nil when not a number"),
    ("TiltLinearAlgebra/Sparse/NumericLDLFactor.swift", "Int(upperRowIndices[p])", "Int32 index widened"),
    ("TiltLinearAlgebra/Sparse/NumericLDLFactor.swift", "Int(patternColumn[e])", "Int32 index widened"),
    ("TiltLinearAlgebra/Sparse/NumericLDLFactor.swift", "Int(lRowIndices[t])", "Int32 index widened"),
    ("TiltLinearAlgebra/Sparse/NumericLDLFactor.swift", "Int(lRowIndices[t])", "Int32 index widened"),
    ("TiltLinearAlgebra/Sparse/NumericLDLFactor.swift", "Int(lRowIndices[t])", "Int32 index widened"),
    ("TiltLinearAlgebra/Sparse/NumericLDLFactor.swift", "Int(lRowIndices[t])", "Int32 index widened"),
    ("TiltLinearAlgebra/Sparse/NumericLDLFactor.swift", "Int(lRowIndices[t])", "Int32 index widened"),
    ("TiltLinearAlgebra/Dense/Matrix+SymmetricEigen.swift", "Int(lwork)", "Int32 from LAPACK.workspaceSize widened"),
    ("TiltLinearAlgebra/Dense/Matrix+SymmetricEigen.swift", "Int(liwork)", "Int32 workspace size widened"),
    ("TiltLinearAlgebra/Dense/Matrix+LinearSystems.swift", "Int(lwork)", "Int32 from LAPACK.workspaceSize widened"),
    ("TiltLinearAlgebra/Dense/Matrix+LinearSystems.swift", "Int(lwork)", "Int32 from LAPACK.workspaceSize widened"),
    ("TiltLinearAlgebra/Dense/Matrix+LinearSystems.swift", "Int(lwork)", "Int32 from LAPACK.workspaceSize widened"),
    ("TiltLinearAlgebra/Dense/LAPACKSupport.swift", "Int32(exactly: n)", "Int dimension; exactly: is nil when it does not fit"),
    ("TiltLinearAlgebra/Sparse/BlockArrowKernels.swift", "Int32(t)", "block or border size, at most the KKT order (< Int32.max)"),
    ("TiltLinearAlgebra/Sparse/BlockArrowKernels.swift", "Int32(t)", "block or border size, at most the KKT order (< Int32.max)"),
    ("TiltLinearAlgebra/Sparse/BlockArrowKernels.swift", "Int32(b)", "block or border size, at most the KKT order (< Int32.max)"),
    ("TiltLinearAlgebra/Sparse/BlockArrowKernels.swift", "Int32(b)", "block or border size, at most the KKT order (< Int32.max)"),
    ("TiltLinearAlgebra/Sparse/BlockArrowKernels.swift", "Int32(b)", "block or border size, at most the KKT order (< Int32.max)"),
    ("TiltLinearAlgebra/Sparse/BlockArrowKernels.swift", "Int32(t)", "block or border size, at most the KKT order (< Int32.max)"),
    ("TiltLinearAlgebra/Sparse/BlockArrowKernels.swift", "Int32(t)", "block or border size, at most the KKT order (< Int32.max)"),
    ("TiltLinearAlgebra/Sparse/BlockArrowKernels.swift", "Int32(b)", "block or border size, at most the KKT order (< Int32.max)"),
    ("TiltLinearAlgebra/Sparse/BlockArrowKernels.swift", "Int32(b)", "block or border size, at most the KKT order (< Int32.max)"),
    ("TiltLinearAlgebra/Sparse/BlockArrowKernels.swift", "Int32(t)", "block or border size, at most the KKT order (< Int32.max)"),
    ("TiltLinearAlgebra/Sparse/BlockArrowKernels.swift", "Int32(b)", "block or border size, at most the KKT order (< Int32.max)"),
    ("TiltLinearAlgebra/Sparse/BlockArrowKernels.swift", "Int32(b)", "block or border size, at most the KKT order (< Int32.max)"),
    ("TiltSolver/KKT/KKTAnalysisCache.swift", "Int64(value)", "Int widened (Int is 64 bits)"),
    ("TiltData/KenFrench/KenFrenchFile.swift", "Int(text)", "String parsed; nil when not a number"),
    ("TiltData/Month.swift", "Int(byte - zero)", "a digit, 0…9"),
    ("TiltKernel/KernelLogo.swift", "UInt32(width)", "logo width in pixels"),
    ("TiltKernel/KernelLogo.swift", "UInt32(height)", "logo height in pixels"),
    ("TiltKernel/KernelLogo.swift", "UInt8(v >> 24)", "a byte of a UInt32"),
    ("TiltKernel/KernelLogo.swift", "UInt8((v >> 16) & 0xFF)", "a byte of a UInt32"),
    ("TiltKernel/KernelLogo.swift", "UInt8((v >> 8) & 0xFF)", "a byte of a UInt32"),
    ("TiltKernel/KernelLogo.swift", "UInt8(v & 0xFF)", "a byte of a UInt32"),
    ("TiltKernel/KernelLogo.swift", "UInt32(data.count)", "PNG chunk of the small logo"),
    ("TiltKernel/KernelLogo.swift", "UInt8(length & 0xFF)", "a byte of a stored block length (at most 65,535)"),
    ("TiltKernel/KernelLogo.swift", "UInt8(length >> 8)", "a byte of a stored block length (at most 65,535)"),
    ("TiltKernel/KernelLogo.swift", "UInt8(~length & 0xFF)", "a byte of a stored block length (at most 65,535)"),
    ("TiltKernel/KernelLogo.swift", "UInt8((~length >> 8) & 0xFF)", "a byte of a stored block length (at most 65,535)"),
    ("TiltKernel/KernelLogo.swift", "UInt32(byte)", "UInt8 widened"),
    ("TiltKernel/KernelLogo.swift", "UInt32(byte)", "UInt8 widened"),
    ("TiltKernel/MessageSigner.swift", "Int(EVP_MAX_MD_SIZE)", "OpenSSL constant (64)"),
    ("TiltKernel/MessageSigner.swift", "Int(length)", "UInt32 digest length (32) widened"),
    ("TiltKernel/MessageSigner.swift", "Int(b >> 4)", "a hex digit, 0…15"),
    ("TiltKernel/MessageSigner.swift", "Int(b & 0xF)", "a hex digit, 0…15"),
    ("TiltKernel/ZeroMQ.swift", "Int16(ZMQ_POLLIN)", "libzmq constant (1)"),
    ("TiltKernel/ZeroMQ.swift", "Int16(ZMQ_POLLIN)", "libzmq constant (1)"),
    ("TiltLanguageServer/MessageFraming.swift", "Int(parts[1].trimmingCharacters(in: .whitespaces))", "String parsed; nil when not a number"),
    ("TiltReport/Files/Interruption.swift", "Int32(number)", "a signal number read as a UInt8, widened"),
    ("TiltReport/Files/Interruption.swift", "Int32(number)", "a signal number read as a UInt8, widened"),    ("TiltData/CRSP/CRSPPanelBuilder.swift", "Int32($0.month.ordinal)", "month of a date that add checked to lie in 1900…8999"),
    ("TiltData/CRSP/CRSPPanelBuilder.swift", "Int(cell.siccd)", "Int16 code widened"),
    ("TiltData/CRSP/CRSPPanelBuilder.swift", "Int32(storage.sectorNames.count)", "sectors of a SectorScheme, at most its fixed names (about 50)"),
    ("TiltData/CRSP/CRSPPanelBuilder.swift", "Int(cell.month - first)", "difference of Int32 months in 1900…8999, widened"),
    ("TiltData/CRSP/CRSPPanelBuilder.swift", "Int(first)", "Int32 month widened"),
    ("TiltData/CRSP/CRSPPanelBuilder.swift", "Int(cell.month)", "Int32 month widened"),
    ("TiltData/CRSP/CRSPPanelBuilder.swift", "Int($0.cell.month)", "Int32 month widened"),
    ("TiltData/CRSP/CRSPPanelBuilder.swift", "Int(cell.rows)", "Int32 count of a stock-month's rows widened"),
    ("TiltData/CRSP/CRSPPanelBuilder.swift", "Int(cell.rows)", "Int32 count of a stock-month's rows widened"),
    ("TiltData/Panel/AssetPanel+Long.swift", "Int(exactly: sic)", "exactly: is nil for a fraction, NaN or a number out of range"),
    ("TiltData/Panel/AssetPanel+Long.swift", "Int(exactly: sic)", "exactly: is nil for a fraction, NaN or a number out of range"),
    ("TiltData/CRSP/CRSPPanelBuilder.swift", "Int16(exactly: $0)", "Int code; exactly: is nil when it does not fit"),
    ("TiltData/CRSP/CRSPPanelBuilder.swift", "Int32(row.month.ordinal)", "month of a date that add checked to lie in 1900…8999"),
    ("TiltData/CRSP/CRSPPanelBuilder.swift", "UInt32(day)", "day clamped to 0…31"),
    ("TiltData/CRSP/CRSPPanelBuilder.swift", "Int8(day)", "day clamped to 0…31"),
    ("TiltData/CRSP/CRSPPanelBuilder.swift", "Int(cells[k].latestDay)", "Int8 day widened"),
    ("TiltData/CRSP/CRSPPanelBuilder.swift", "Int8(day)", "day clamped to 0…31"),
    ("TiltData/CRSP/CRSPPanelBuilder.swift", "Int32(delisting.month.ordinal)", "month of a date that add checked to lie in 1900…8999"),
    ("TiltData/CRSP/SectorScheme.swift", "Int($0)", "String parsed; nil when not a number"),
    ("TiltData/CSV/CSVCell.swift", "Int(c - UInt8(ascii: \"0\"))", "a digit, 0…9"),
    ("TiltData/CSV/CSVFileReader.swift", "Int((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)??.int64Value ?? 0)", "Int64 file size widened (Int is 64 bits)"),
    ("TiltData/CSV/SHA256Digest.swift", "Int(EVP_MAX_MD_SIZE)", "OpenSSL constant (64)"),
    ("TiltData/CSV/SHA256Digest.swift", "Int(length)", "UInt32 digest length (32) widened"),
    ("TiltData/Panel/AssetPanel+Long.swift", "Int32(sectorNames.count)", "checked below Int32.max just before"),
    ("TiltData/Panel/AssetPanel.swift", "Int32($0)", "index of a sector name, their count checked to be at most Int32.max"),
    ("TiltData/Panel/AssetPanel.swift", "Int(code)", "Int32 sector code widened"),
    ("TiltData/Panel/AssetPanel.swift", "Int(code)", "Int32 sector code widened"),
    ("TiltData/Synthetic/SyntheticCRSPExtract.swift", "Int(row.permno)", "String parsed; nil when not a number"),
    ("TiltWRDS/CRSPDatabase.swift", "Int(try connection.scalar(\"SELECT count(*) FROM \\(stockFile) WHERE \\(dateColumn) >= '\\(from)' AND \\(dateColumn) < '\\(to)'\") ?? \"0\")", "String parsed; nil when not a number"),
    ("TiltWRDS/PostgresConnection.swift", "Int32(piece.count)", "a COPY piece of at most a mebibyte"),
    ("TiltWRDS/PostgresConnection.swift", "Int(PQnfields(result))", "Int32 field count widened"),
    ("TiltWRDS/PostgresConnection.swift", "Int32(k)", "field index of the query's columns (0…10)"),
    ("TiltWRDS/PostgresConnection.swift", "Int32(k)", "field index of the query's columns (0…10)"),
    ("TiltBacktest/Sharding/Shard.swift", "Int(pieces[0].trimmingCharacters(in: .whitespaces))", "String parsed; nil when not a number"),
    ("TiltBacktest/Sharding/Shard.swift", "Int(pieces[1].trimmingCharacters(in: .whitespaces))", "String parsed; nil when not a number"),
    ("TiltCLI/SlurmCommand.swift", "Int($0.trimmingCharacters(in: .whitespaces))", "String parsed; nil when not a number"),
    ("TiltCLI/SlurmCommand.swift", "Int(fields[1])", "String parsed; nil when not a number"),
    ("TiltSolver/Formats/MPSReader.swift", "Int64(value)", "a whole number checked to be below 1e15 in magnitude (NaN and ±∞ fail the checks)"),
]

/// Integer types whose initialisers the rule covers.
private let integerTypes = ["Int", "Int8", "Int16", "Int32", "Int64", "UInt", "UInt8", "UInt16", "UInt32", "UInt64"]
/// Labels whose initialisers cannot trap on a Double argument.
private let safeLabels = ["whole", "rounding", "clamping", "bitPattern", "truncatingIfNeeded", "ascii"]
/// Functions that convert to an integer without the helper.
private let otherConversions = ["numericCast", "lround", "llround", "lrint", "llrint"]
/// The helper's own file, where the conversions the rule forbids elsewhere are written once.
private let helperFile = "TiltLinearAlgebra/Numbers/WholeNumbers.swift"

/// A conversion found in the sources: where, and its call text with spaces collapsed.
struct IntegerConversion: Hashable, CustomStringConvertible {
    var file: String
    var line: Int
    var call: String
    var description: String { "Sources/\(file):\(line): \(call)" }
}

enum IntegerConversionScanner {
    /// Swift source with comments and the literal text of strings blanked out (replaced by spaces, line breaks
    /// kept), so that only code is searched; the code inside a string's `\( … )` interpolations is kept.
    static func code(of source: String) -> [Character] {
        let text = Array(source)
        var out = text
        var i = 0
        // Each open string: whether it is multi-line, and the parenthesis depth of each interpolation inside it.
        var strings: [(multiline: Bool, hashes: Int)] = []
        var interpolationDepths: [Int] = []
        func blank(_ k: Int) { if out[k] != "\n" { out[k] = " " } }
        func starts(_ s: String, at k: Int) -> Bool {
            let chars = Array(s)
            return k + chars.count <= text.count && Array(text[k..<k + chars.count]) == chars
        }
        while i < text.count {
            let inString = !strings.isEmpty && interpolationDepths.count < strings.count
            if inString {
                let current = strings[strings.count - 1]
                let closing = (current.multiline ? "\"\"\"" : "\"") + String(repeating: "#", count: current.hashes)
                if text[i] == "\\", current.hashes == 0 || starts("\\" + String(repeating: "#", count: current.hashes), at: i) {
                    let escapeLength = 1 + current.hashes
                    if i + escapeLength < text.count, text[i + escapeLength] == "(" {
                        for k in i...(i + escapeLength) { blank(k) }
                        interpolationDepths.append(0)
                        i += escapeLength + 1
                        continue
                    }
                    for k in i..<min(text.count, i + escapeLength + 1) { blank(k) }
                    i += escapeLength + 1
                    continue
                }
                if starts(closing, at: i) {
                    for k in i..<(i + closing.count) { blank(k) }
                    strings.removeLast()
                    i += closing.count
                    continue
                }
                blank(i)
                i += 1
                continue
            }
            // Code (the top level, or inside an interpolation).
            if starts("//", at: i) {
                while i < text.count, text[i] != "\n" { blank(i); i += 1 }
                continue
            }
            if starts("/*", at: i) {
                var depth = 0
                repeat {
                    if starts("/*", at: i) { depth += 1; blank(i); blank(i + 1); i += 2 }
                    else if starts("*/", at: i) { depth -= 1; blank(i); blank(i + 1); i += 2 }
                    else { blank(i); i += 1 }
                } while depth > 0 && i < text.count
                continue
            }
            var hashes = 0
            while i + hashes < text.count, text[i + hashes] == "#" { hashes += 1 }
            if i + hashes < text.count, text[i + hashes] == "\"" {
                let multiline = starts("\"\"\"", at: i + hashes)
                let opening = hashes + (multiline ? 3 : 1)
                for k in i..<(i + opening) { blank(k) }
                strings.append((multiline, hashes))
                i += opening
                continue
            }
            if !interpolationDepths.isEmpty {
                if text[i] == "(" { interpolationDepths[interpolationDepths.count - 1] += 1 }
                if text[i] == ")" {
                    if interpolationDepths[interpolationDepths.count - 1] == 0 {
                        blank(i)
                        interpolationDepths.removeLast()
                        i += 1
                        continue
                    }
                    interpolationDepths[interpolationDepths.count - 1] -= 1
                }
            }
            i += 1
        }
        return out
    }

    /// Every conversion the rule covers in one file's text (`file` is the path under Sources/).
    static func conversions(in source: String, file: String) -> [IntegerConversion] {
        let code = code(of: source), sourceCharacters = Array(source)
        let names = integerTypes + otherConversions
        var found: [IntegerConversion] = []
        var line = 1
        var i = 0
        func isIdentifier(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }
        while i < code.count {
            if code[i] == "\n" { line += 1; i += 1; continue }
            guard isIdentifier(code[i]), i == 0 || (!isIdentifier(code[i - 1]) && code[i - 1] != ".") else { i += 1; continue }
            var end = i
            while end < code.count, isIdentifier(code[end]) { end += 1 }
            let word = String(code[i..<end])
            guard names.contains(word) else { i = end; continue }
            var open = end
            if String(code[open..<min(code.count, open + 5)]) == ".init" { open += 5 }
            guard open < code.count, code[open] == "(" else {
                // `Int.init` passed as a function converts whatever it is given.
                if open > end { found.append(IntegerConversion(file: file, line: line, call: word + ".init")) }
                i = end
                continue
            }
            var depth = 0, close = open
            repeat {
                if code[close] == "(" { depth += 1 }
                if code[close] == ")" { depth -= 1 }
                close += 1
            } while depth > 0 && close < code.count
            // The argument as written (blanking kept every position), so that a character literal reads as written.
            let argument = String(sourceCharacters[(open + 1)..<(close - 1)]).split(whereSeparator: \.isWhitespace).joined(separator: " ")
            if !isAllowedForm(word: word, argument: argument) {
                let call = String(sourceCharacters[i..<close]).split(whereSeparator: \.isWhitespace).joined(separator: " ")
                found.append(IntegerConversion(file: file, line: line, call: call))
            }
            i = end
        }
        return found
    }

    /// Whether a conversion cannot trap whatever its argument: a safe label, an integer literal, an integer
    /// type's bound.
    static func isAllowedForm(word: String, argument: String) -> Bool {
        guard integerTypes.contains(word) else { return false }
        if let colon = argument.firstIndex(of: ":") {
            let label = argument[..<colon].trimmingCharacters(in: .whitespaces)
            if safeLabels.contains(label) { return true }
        }
        if !argument.isEmpty, argument.allSatisfy({ $0.isNumber || $0 == "_" }) { return true }
        // An ASCII character's code (a LAPACK option such as `Int8(UInt8(ascii: "L"))`) fits every integer type.
        if argument.hasPrefix("UInt8(ascii: \""), argument.hasSuffix("\")"), argument.count == 17, argument.unicodeScalars.allSatisfy(\.isASCII) {
            return true
        }
        return integerTypes.contains { argument == "\($0).max" || argument == "\($0).min" }
    }

    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    /// Every conversion in Sources/ outside the helper's file.
    static func scanSources() throws -> [IntegerConversion] {
        let files = FileManager.default.enumerator(atPath: sources.path)?.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") && $0 != helperFile }.sorted() ?? []
        return try files.flatMap { file in
            conversions(in: try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8), file: file)
        }
    }
}

@Suite struct IntegerConversionRuleTests {
    /// The rule holds on Sources/: every conversion outside the helper is of a listed integer argument.
    @Test func everyConversionToAnIntegerIsCheckedOrListed() throws {
        let found = try IntegerConversionScanner.scanSources()
        #expect(!found.isEmpty || !FileManager.default.fileExists(atPath: IntegerConversionScanner.sources.path))
        var listed: [String: Int] = [:]
        for entry in integerArguments { listed["\(entry.file)\t\(entry.call)", default: 0] += 1 }
        var unlisted: [IntegerConversion] = []
        for conversion in found {
            let key = "\(conversion.file)\t\(conversion.call)"
            if let count = listed[key], count > 0 { listed[key] = count - 1 } else { unlisted.append(conversion) }
        }
        for conversion in unlisted {
            Issue.record("""
                \(conversion): a conversion to an integer that can trap. Convert a Double with \
                Int(whole:in:), Int(rounding:_:in:) or Int(clamping:rounding:to:) (\(helperFile)); when its \
                argument is already an integer in range, or a String, list it in IntegerConversionRuleTests with why.
                """)
        }
        for (key, count) in listed where count > 0 {
            Issue.record("listed but not found (\(count) more than in the sources): \(key.replacingOccurrences(of: "\t", with: ": "))")
        }
    }

    /// The scanner finds what the rule covers and only that: conversions of Doubles in code and in string
    /// interpolations, `exactly:`, `numericCast`, `Int.init`; not comments, not string text, not safe labels.
    @Test func theScannerSeesCodeOnly() {
        let source = ##"""
            let a = Int(x)                       // Int(y) in a comment
            let b = "Int(z) in a string \(Int32(w.rounded()))"
            /* Int(block) /* nested Int(n) */ */
            let c = Int(exactly: d) ?? UInt64(clamping: e) + Int(whole: f)! + UInt8(ascii: "a")
            let g = numericCast(h) + Int(42) + Int(Int32.max) + Int.init(k)
            let m = xs.map(Int.init)
            let s = """
                Int(multi) \(Int(p)) "quoted"
                """
            let r = #"Int(raw) \(Int(raw2)) \#(Int(q))"#
            """##
        let found = IntegerConversionScanner.conversions(in: source, file: "f").map { "\($0.line): \($0.call)" }
        #expect(found == ["1: Int(x)", "2: Int32(w.rounded())", "4: Int(exactly: d)", "5: numericCast(h)",
                          "5: Int.init(k)", "6: Int.init", "8: Int(p)", "10: Int(q)"])
    }

    @Test func wholeNumbersConvertOnlyWhenTheyFit() {
        #expect(Int(whole: 3.0) == 3)
        #expect(Int(whole: -0.0) == 0)
        #expect(Int(whole: 2.5) == nil)
        #expect(Int(whole: .nan) == nil)
        #expect(Int(whole: .infinity) == nil)
        #expect(Int(whole: 1e300) == nil)
        #expect(Int(whole: 9.3e18) == nil)                       // beyond Int.max (about 9.22e18)
        #expect(Int(whole: -9_223_372_036_854_775_808.0) == Int.min)
        #expect(Int(whole: 12, in: 1...10) == nil)
        #expect(Int32(whole: 3e9) == nil)
        #expect(UInt64(whole: -1) == nil)
        #expect(Int(rounding: 2.5, .down) == 2)
        #expect(Int(rounding: -2.5, .up) == -2)
        #expect(Int(rounding: 1e19, .down) == nil)
        #expect(Int(rounding: .nan, .toNearestOrAwayFromZero) == nil)
        #expect(Int(rounding: 9.6, .down, in: 0...9) == 9)
        #expect(Int(rounding: 10.2, .down, in: 0...9) == nil)
    }

    @Test func clampingMovesEverythingIntoTheRange() {
        #expect(Int(clamping: 3.7, rounding: .down, to: -307...308) == 3)
        #expect(Int(clamping: -1e300, rounding: .down, to: -307...308) == -307)
        #expect(Int(clamping: 1e300, rounding: .up, to: -307...308) == 308)
        #expect(Int(clamping: .infinity, rounding: .up, to: 0...9) == 9)
        #expect(Int(clamping: -.infinity, rounding: .up, to: 0...9) == 0)
        #expect(Int(clamping: .nan, rounding: .up, to: 0...9) == 0)
        #expect(Int(clamping: 9.9999, rounding: .down, to: 0...9) == 9)
        #expect(Int(clamping: 1e19, rounding: .down, to: Int.min...Int.max) == Int.max)
        #expect(Int(clamping: -1e19, rounding: .down, to: Int.min...Int.max) == Int.min)
    }
}

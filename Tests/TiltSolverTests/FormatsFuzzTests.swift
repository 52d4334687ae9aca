import Testing
import TiltLinearAlgebra
@testable import TiltSolver

/// The project's SplitMix64, so fuzz failures reproduce.
private typealias SeededGenerator = SplitMix64

/// One random corruption of a file: line deletion, duplication or swap, byte flips, or truncation.
private func mutate(_ bytes: [UInt8], using rng: inout SeededGenerator) -> [UInt8] {
    var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
    switch Int.random(in: 0..<6, using: &rng) {
    case 0 where lines.count > 1:
        lines.remove(at: Int.random(in: 0..<lines.count, using: &rng))
    case 1:
        let i = Int.random(in: 0..<lines.count, using: &rng)
        lines.insert(lines[i], at: Int.random(in: 0...lines.count, using: &rng))
    case 2:
        lines.swapAt(Int.random(in: 0..<lines.count, using: &rng), Int.random(in: 0..<lines.count, using: &rng))
    case 3:
        var flipped = bytes
        for _ in 0..<Int.random(in: 1...4, using: &rng) where !flipped.isEmpty {
            flipped[Int.random(in: 0..<flipped.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
        }
        return flipped
    case 4:
        // Replace one byte with a character that matters to the formats.
        var changed = bytes
        let interesting = Array(" \t\n-.e0123456789*#'".utf8)
        if !changed.isEmpty {
            changed[Int.random(in: 0..<changed.count, using: &rng)] = interesting.randomElement(using: &rng) ?? 32
        }
        return changed
    default:
        return Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng)))
    }
    return Array(lines.joined(separator: [UInt8(ascii: "\n")]))
}

/// Internal consistency of any problem a reader accepts.
private func isConsistent(_ parsed: ParsedProblem) -> Bool {
    let p = parsed.problem
    return p.A.rows == p.b.count && p.A.cols == p.q.count && p.P.rows == p.q.count && p.P.cols == p.q.count
        && p.cones.reduce(0) { $0 + $1.dimension } == p.b.count && parsed.rowOrigins.count == p.b.count
        && parsed.variableNames.count == p.q.count && p.A.colPointers.count == p.A.cols + 1
        && p.A.rowIndices.allSatisfy { $0 >= 0 && $0 < p.A.rows }
}

@Test func corruptedFixturesNeverCrashAndReportLinesInsideTheFile() throws {
    var rng = SeededGenerator(seed: 20_241_122)
    let files = try FormatFixtures.files()
    let layouts: [MPSLayout] = [.automatic, .fixed, .free]
    var rejected = 0, accepted = 0
    for file in files {
        let original = Array(try String(contentsOfFile: FormatFixtures.path(file), encoding: .utf8).utf8)
        for iteration in 0..<300 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...3, using: &rng) { bytes = mutate(bytes, using: &rng) }
            let format: ProblemFileFormat = file.hasSuffix(".cbf") ? .cbf : .mps(layouts[iteration % 3])
            let lineCount = max(1, splitLines(bytes).count)
            do {
                let parsed = try ProblemFileReader.parse(bytes: bytes, fileName: file, format: format)
                #expect(isConsistent(parsed), "\(file) iteration \(iteration)")
                accepted += 1
            } catch let error as FormatError {
                if let line = error.line {
                    #expect((1...lineCount).contains(line), "\(file) iteration \(iteration): \(error)")
                }
                #expect(!error.message.isEmpty)
                rejected += 1
            }
        }
    }
    // Both outcomes must occur, or the mutations are not exercising the readers.
    #expect(rejected > 1000 && accepted > 100, "rejected \(rejected), accepted \(accepted)")
}

@Test func randomBytesAreRejectedCleanly() {
    var rng = SeededGenerator(seed: 7)
    for iteration in 0..<500 {
        let bytes = (0..<Int.random(in: 0..<400, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        for format in [ProblemFileFormat.cbf, .mps(.automatic), .mps(.fixed)] {
            #expect(throws: FormatError.self, "iteration \(iteration)") {
                _ = try ProblemFileReader.parse(bytes: bytes, fileName: "noise", format: format)
            }
        }
    }
}

import Foundation
import Testing
import TiltLinearAlgebra
@testable import TiltLanguage
import TiltSyntax

/// Thousands of random mutations of the Examples (tokens deleted, duplicated and swapped, random bytes,
/// truncation) through the checker — `tilt check` — and, for programs without data or strategies,
/// through the interpreter: no crash, and every error located inside the input.
@Suite struct LanguageFuzzTests {
    static let examples: [(String, String)] = {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Examples")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".tilt") }.sorted().compactMap { name in
            (try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)).map { (name, $0) }
        }
    }()

    typealias Generator = SplitMix64

    static func mutate(_ text: String, _ rng: inout Generator) -> [UInt8] {
        var tokens = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        var bytes: [UInt8]
        switch Int.random(in: 0..<5, using: &rng) {
        case 0 where !tokens.isEmpty:
            tokens.remove(at: Int.random(in: 0..<tokens.count, using: &rng))
            bytes = Array(tokens.joined(separator: " ").utf8)
        case 1 where !tokens.isEmpty:
            let i = Int.random(in: 0..<tokens.count, using: &rng)
            tokens.insert(tokens[i], at: Int.random(in: 0...tokens.count, using: &rng))
            bytes = Array(tokens.joined(separator: " ").utf8)
        case 2 where tokens.count > 1:
            tokens.swapAt(Int.random(in: 0..<tokens.count, using: &rng), Int.random(in: 0..<tokens.count, using: &rng))
            bytes = Array(tokens.joined(separator: " ").utf8)
        case 3:
            bytes = Array(text.utf8)
            for _ in 0..<Int.random(in: 1...4, using: &rng) where !bytes.isEmpty {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
        default:
            bytes = Array(Array(text.utf8).prefix(Int.random(in: 0...text.utf8.count, using: &rng)))
        }
        return bytes
    }

    @Test func mutatedExamplesNeverCrashTheChecker() {
        #expect(!Self.examples.isEmpty)
        var rng = Generator(seed: 42)
        for (name, text) in Self.examples {
            for _ in 0..<800 {
                let bytes = Self.mutate(text, &rng)
                let file = SourceFile(name: name, bytes: bytes)
                for d in Session.check(file).diagnostics {
                    #expect(d.range.start >= 0 && d.range.end <= bytes.count, "\(name): \(d.message)")
                }
            }
        }
    }

    @Test func mutatedSelfContainedExamplesNeverCrashTheInterpreter() {
        var rng = Generator(seed: 7)
        // Strategies and experiments run for seconds each (minutes in debug): not 300 times here.
        let selfContained = Self.examples.filter {
            !$0.1.contains("universe") && !$0.1.contains("read(") && !$0.1.contains("experiment ")
        }
        #expect(!selfContained.isEmpty)
        for (name, text) in selfContained {
            for _ in 0..<300 {
                let bytes = Self.mutate(text, &rng)
                let file = SourceFile(name: name, bytes: bytes)
                for d in Session(output: { _ in }).run(file) {
                    #expect(d.range.start >= 0 && d.range.end <= bytes.count, "\(name): \(d.message)")
                }
            }
        }
    }
}

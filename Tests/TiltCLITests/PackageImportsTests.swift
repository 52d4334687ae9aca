import Foundation
import Testing

/// Package.swift declares every import each target makes, and nothing it does not import: the layers of
/// Docs/architecture.md are what the compiler sees. (SwiftPM would let a target import a module it reaches
/// only through another target; this test does not.)
@Suite struct PackageImportsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Modules of the toolchain and system, not targets of the package.
    static let system: Set<String> = ["Foundation", "Testing", "Dispatch", "Glibc", "Darwin", "XCTest", "FoundationEssentials", "FoundationNetworking", "Synchronization"]
    /// Products of package dependencies, by the module name they are imported as.
    static let products: [String: String] = ["ArgumentParser": "ArgumentParser"]

    /// Each target of Package.swift: its name, folder, declared dependencies (targets and products) and
    /// whether it is an executable (a test target may depend on one only to have it built).
    static func declaredTargets() throws -> [(name: String, path: String, dependencies: Set<String>, executable: Bool)] {
        let manifest = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
        var targets: [(String, String, Set<String>, Bool)] = []
        // `.target(name: "X", …)`, `.testTarget(…)`, `.executableTarget(…)`, up to the next target.
        let pattern = try NSRegularExpression(pattern: #"\.(target|testTarget|executableTarget|systemLibrary)\(name: "([A-Za-z]+)""#)
        let ns = manifest as NSString
        let matches = pattern.matches(in: manifest, range: NSRange(location: 0, length: ns.length))
        for (i, match) in matches.enumerated() {
            let kind = ns.substring(with: match.range(at: 1)), name = ns.substring(with: match.range(at: 2))
            guard kind != "systemLibrary" else { continue }
            let end = i + 1 < matches.count ? matches[i + 1].range.location : ns.length
            let body = ns.substring(with: NSRange(location: match.range.location, length: end - match.range.location))
            var dependencies: Set<String> = []
            if let open = body.range(of: "dependencies: [") {
                var depth = 1, index = open.upperBound
                while depth > 0 && index < body.endIndex {
                    if body[index] == "[" { depth += 1 } else if body[index] == "]" { depth -= 1 }
                    index = body.index(after: index)
                }
                let list = String(body[open.upperBound..<body.index(before: index)])
                let quoted = try NSRegularExpression(pattern: #""([A-Za-z]+)""#)
                let products = try NSRegularExpression(pattern: #"\.product\(name: "([A-Za-z]+)""#)
                let listNS = list as NSString
                let productNames = Set(products.matches(in: list, range: NSRange(location: 0, length: listNS.length)).map { listNS.substring(with: $0.range(at: 1)) })
                for m in quoted.matches(in: list, range: NSRange(location: 0, length: listNS.length)) {
                    let word = listNS.substring(with: m.range(at: 1))
                    // `.product(name: "P", package: "p")`: the product's module, not its package.
                    if list.contains("package: \"\(word)\"") && !productNames.contains(word) { continue }
                    dependencies.insert(word)
                }
            }
            let pathPattern = try NSRegularExpression(pattern: #"path: "([^"]+)""#)
            let bodyNS = body as NSString
            let path = pathPattern.firstMatch(in: body, range: NSRange(location: 0, length: bodyNS.length))
                .map { bodyNS.substring(with: $0.range(at: 1)) } ?? (kind == "testTarget" ? "Tests/\(name)" : "Sources/\(name)")
            targets.append((name, path, dependencies, kind == "executableTarget"))
        }
        return targets
    }

    /// The modules a target's Swift files import (`import X`, `@testable import X`).
    static func imports(under path: String) throws -> Set<String> {
        let folder = root.appendingPathComponent(path)
        guard let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { return [] }
        var modules: Set<String> = []
        for case let url as URL in files where url.pathExtension == "swift" {
            for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") {
                let words = line.split(separator: " ").map(String.init)
                guard let at = words.firstIndex(of: "import"), at + 1 < words.count,
                      words[..<at].allSatisfy({ $0.hasPrefix("@") || $0 == "public" || $0 == "internal" }) else { continue }
                modules.insert(words[at + 1])
            }
        }
        return modules.subtracting(system)
    }

    @Test func everyImportIsDeclaredAndEveryDeclarationImported() throws {
        let targets = try Self.declaredTargets()
        #expect(targets.count >= 20, "found \(targets.count) targets in Package.swift")
        let executables = Set(targets.filter(\.executable).map(\.name))
        for target in targets {
            let imported = try Self.imports(under: target.path)
            let undeclared = imported.subtracting(target.dependencies)
            let unused = target.dependencies.subtracting(imported).subtracting(executables)
            #expect(undeclared.isEmpty, "\(target.name) imports \(undeclared.sorted()) without declaring them in Package.swift")
            #expect(unused.isEmpty, "\(target.name) declares \(unused.sorted()) in Package.swift but does not import them")
        }
    }
}

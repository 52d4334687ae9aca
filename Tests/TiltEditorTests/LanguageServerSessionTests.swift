import Foundation
import Testing
import TiltEditorSupport
import TiltLanguageServer

/// Recorded LSP sessions (Sessions/*.json), replayed against the server: each step sends a message as an
/// editor would (framed with Content-Length, through the same reader `tilt lsp` uses) or raw bytes (malformed
/// framing), or expects the messages the server sent since the last expectation — each expected object a
/// subset of the one sent, in order (`"<any>"` matches any value).
struct LanguageServerSessionTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Sessions")

    static var sessionNames: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
    }

    @Test(arguments: sessionNames)
    func session(_ name: String) throws {
        let data = try Data(contentsOf: LanguageServerSessionTests.folder.appendingPathComponent(name))
        let session = try #require(JSONValue.parse(data), "\(name) is not JSON")
        var sent: [JSONValue] = []
        let server = LanguageServer(send: { sent.append(JSONValue.parse(Array($0.utf8)) ?? .string($0)) })
        for (index, step) in (session["steps"]?.array ?? []).enumerated() {
            if let message = step["send"] {
                feed(Array(message.serialized.utf8), framed: true, to: server)
            } else if let raw = step["raw"]?.string {
                feed(Array(raw.utf8), framed: false, to: server)
            } else if let expected = step["expect"]?.array {
                #expect(sent.count == expected.count, "\(name) step \(index): \(sent.count) messages sent, \(expected.count) expected: \(sent.map(\.serialized))")
                for (actual, wanted) in zip(sent, expected) {
                    #expect(LanguageServerSessionTests.matches(actual, wanted), "\(name) step \(index):\n  sent     \(actual.serialized)\n  expected \(wanted.serialized)")
                }
                sent = []
            }
        }
        #expect(sent.isEmpty, "\(name): messages sent after the last expectation: \(sent.map(\.serialized))")
        if let code = session["exitCode"]?.int { #expect(server.exitCode == Int32(code)) }
    }

    /// Feeds bytes (framed as a message, or as they are) through the reader `tilt lsp` uses.
    private func feed(_ bytes: [UInt8], framed: Bool, to server: LanguageServer) {
        var pending = framed ? Array("Content-Length: \(bytes.count)\r\n\r\n".utf8) + bytes : bytes
        var reader = MessageReader { buffer in
            guard !pending.isEmpty else { return false }
            buffer += pending
            pending = []
            return true
        }
        while let item = reader.next() { server.receive(item) }
    }

    /// Whether `expected` is a subset of `actual`.
    static func matches(_ actual: JSONValue, _ expected: JSONValue) -> Bool {
        if expected == .string("<any>") { return true }
        switch (actual, expected) {
        case (.object(let a), .object(let e)):
            return e.allSatisfy { key, value in a[key].map { matches($0, value) } ?? false }
        case (.array(let a), .array(let e)):
            return a.count == e.count && zip(a, e).allSatisfy { matches($0, $1) }
        default:
            return actual == expected
        }
    }
}

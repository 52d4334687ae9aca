import Foundation
import TiltEditorSupport
import TiltLanguage
import TiltSyntax

/// A Language Server Protocol server for Tilt (LSP 3.17, JSON-RPC 2.0): diagnostics from the parser and the
/// checker as the user types, hover, completion, go to definition, formatting and semantic tokens. Positions
/// are UTF-16 code units, as the protocol defines them. It holds no state but the open documents, answers
/// every request — with an error for what it cannot do — and never stops on a message: only `exit` ends it.
public final class LanguageServer {
    /// JSON-RPC and LSP error codes.
    public enum ErrorCode: Int, Sendable {
        case parseError = -32700, invalidRequest = -32600, methodNotFound = -32601, invalidParams = -32602
        case internalError = -32603, serverNotInitialized = -32002, requestFailed = -32803
    }

    /// The largest document analysed (as `tilt run` reads at most 64 MB of program).
    public static let maximumDocumentSize = 64 << 20

    private struct Document {
        var text: [UInt8]
        var version: Int
        /// Built on first use after each change.
        var analysis: DocumentAnalysis?
    }

    private var documents: [String: Document] = [:]
    private var initialized = false
    private var shutdownRequested = false
    /// Set by `exit`: the process ends with 0 after `shutdown`, 1 otherwise (as the LSP asks).
    public private(set) var exitCode: Int32?
    /// Where messages to the client go (responses and notifications), as JSON text.
    private let send: (String) -> Void
    /// Where the server's own log goes (standard error for `tilt lsp`).
    private let log: (String) -> Void

    public init(send: @escaping (String) -> Void, log: @escaping (String) -> Void = { _ in }) {
        self.send = send
        self.log = log
    }

    /// Serves framed messages from `reader` until `exit` or the end of input; the exit code.
    public static func serve(reader: inout MessageReader, writer: MessageWriter, log: @escaping (String) -> Void) -> Int32 {
        var outputClosed = false
        let server = LanguageServer(send: { if !writer.send($0) { outputClosed = true } }, log: log)
        while !outputClosed, server.exitCode == nil, let item = reader.next() {
            server.receive(item)
        }
        return server.exitCode ?? 1
    }

    /// Handles what the reader read: a message, or a framing error, answered with an error (id null).
    public func receive(_ item: MessageReader.Item) {
        switch item {
        case .message(let body): receive(body)
        case .malformed(let reason):
            log("tilt lsp: skipped malformed input: \(reason)")
            respond(id: .null, error: .invalidRequest, message: "malformed message: \(reason)")
        }
    }

    // MARK: Messages

    /// Handles one message body (JSON text).
    public func receive(_ body: [UInt8]) {
        guard let message = JSONValue.parse(body) else {
            respond(id: .null, error: .parseError, message: "the message is not valid JSON")
            return
        }
        guard case .object = message, let method = message["method"]?.string else {
            if message["id"] != nil, message["result"] != nil || message["error"] != nil { return } // a response: we send no requests
            respond(id: validID(message["id"]) ?? .null, error: .invalidRequest, message: "expected a JSON-RPC request or notification (an object with a `method`)")
            return
        }
        let params = message["params"] ?? .null
        guard let rawID = message["id"] else {
            notification(method, params)
            return
        }
        guard let id = validID(rawID) else {
            respond(id: .null, error: .invalidRequest, message: "a request id must be a number or a string")
            return
        }
        do {
            let result = try request(method, params)
            send(JSONValue.object(["jsonrpc": "2.0", "id": id, "result": result]).serialized)
        } catch let failure as RequestFailure {
            respond(id: id, error: failure.code, message: failure.message)
        } catch {
            respond(id: id, error: .internalError, message: String(describing: error))
        }
    }

    private func validID(_ id: JSONValue?) -> JSONValue? {
        switch id {
        case .string?: return id
        case .number(let x)? where x == x.rounded(): return id
        default: return nil
        }
    }

    private func respond(id: JSONValue, error: ErrorCode, message: String) {
        send(JSONValue.object(["jsonrpc": "2.0", "id": id,
                               "error": ["code": .int(error.rawValue), "message": .string(message)]]).serialized)
    }

    private func notify(_ method: String, _ params: JSONValue) {
        send(JSONValue.object(["jsonrpc": "2.0", "method": .string(method), "params": params]).serialized)
    }

    struct RequestFailure: Error {
        let code: ErrorCode
        let message: String
        init(_ code: ErrorCode, _ message: String) {
            self.code = code
            self.message = message
        }
    }

    private func request(_ method: String, _ params: JSONValue) throws -> JSONValue {
        if method == "initialize" {
            guard !initialized else { throw RequestFailure(.invalidRequest, "the server is already initialized") }
            initialized = true
            return LanguageServer.initializeResult
        }
        guard initialized else { throw RequestFailure(.serverNotInitialized, "send `initialize` first") }
        guard !shutdownRequested else { throw RequestFailure(.invalidRequest, "the server is shutting down; send `exit`") }
        switch method {
        case "shutdown":
            shutdownRequested = true
            return .null
        case "textDocument/hover": return try hover(params)
        case "textDocument/completion": return try completion(params)
        case "textDocument/definition": return try definition(params)
        case "textDocument/formatting": return try formatting(params)
        case "textDocument/semanticTokens/full": return try semanticTokens(params)
        default: throw RequestFailure(.methodNotFound, "unknown method `\(method)`")
        }
    }

    private func notification(_ method: String, _ params: JSONValue) {
        if method == "exit" {
            exitCode = shutdownRequested ? 0 : 1
            return
        }
        guard initialized, !shutdownRequested else { return }
        do {
            switch method {
            case "textDocument/didOpen":
                let document = try field(params, "textDocument")
                let uri = try string(document, "uri")
                documents[uri] = Document(text: Array(try string(document, "text").utf8), version: document["version"]?.int ?? 0)
                publishDiagnostics(uri)
            case "textDocument/didChange":
                let uri = try string(try field(params, "textDocument"), "uri")
                guard var document = documents[uri] else { throw RequestFailure(.invalidParams, "`\(uri)` is not open") }
                guard let changes = params["contentChanges"]?.array else { throw RequestFailure(.invalidParams, "missing `contentChanges`") }
                for change in changes { try apply(change, to: &document.text) }
                document.version = params["textDocument"]?["version"]?.int ?? document.version + 1
                document.analysis = nil
                documents[uri] = document
                publishDiagnostics(uri)
            case "textDocument/didClose":
                let uri = try string(try field(params, "textDocument"), "uri")
                documents[uri] = nil
                notify("textDocument/publishDiagnostics", ["uri": .string(uri), "diagnostics": []])
            default:
                break // `initialized`, `$/…`, `didSave`, settings: nothing to do
            }
        } catch let failure as RequestFailure {
            log("tilt lsp: \(method): \(failure.message)")
        } catch {
            log("tilt lsp: \(method): \(error)")
        }
    }

    static let initializeResult: JSONValue = [
        "capabilities": [
            "positionEncoding": "utf-16",
            "textDocumentSync": ["openClose": true, "change": 2, "save": false],
            "hoverProvider": true,
            "completionProvider": ["triggerCharacters": [], "resolveProvider": false],
            "definitionProvider": true,
            "documentFormattingProvider": true,
            "semanticTokensProvider": [
                "legend": [
                    "tokenTypes": .array(SemanticToken.Kind.allCases.map { .string($0.legendName) }),
                    "tokenModifiers": .array(SemanticToken.Modifiers.legendNames.map { .string($0) }),
                ],
                "full": true,
            ],
        ],
        "serverInfo": ["name": "tilt", "version": "0.1.0"],
    ]

    // MARK: Parameters

    private func field(_ value: JSONValue, _ key: String) throws -> JSONValue {
        guard let v = value[key], v != .null else { throw RequestFailure(.invalidParams, "missing `\(key)`") }
        return v
    }

    private func string(_ value: JSONValue, _ key: String) throws -> String {
        guard let s = value[key]?.string else { throw RequestFailure(.invalidParams, "`\(key)` must be a string") }
        return s
    }

    /// The open document and the byte offset a `TextDocumentPositionParams` names.
    private func documentPosition(_ params: JSONValue) throws -> (uri: String, analysis: DocumentAnalysis, offset: Int) {
        let uri = try string(try field(params, "textDocument"), "uri")
        let analysis = try self.analysis(uri)
        let position = try field(params, "position")
        guard let line = position["line"]?.int, let character = position["character"]?.int, line >= 0, character >= 0 else {
            throw RequestFailure(.invalidParams, "`position` needs a `line` and a `character`, whole numbers from 0")
        }
        return (uri, analysis, analysis.positions.byteOffset(line: line, utf16Character: character))
    }

    private func analysis(_ uri: String) throws -> DocumentAnalysis {
        guard var document = documents[uri] else { throw RequestFailure(.invalidParams, "`\(uri)` is not open") }
        if let analysis = document.analysis { return analysis }
        let analysis = DocumentAnalysis(name: LanguageServer.displayName(uri),
                                        text: String(decoding: document.text.prefix(LanguageServer.maximumDocumentSize), as: UTF8.self))
        document.analysis = analysis
        documents[uri] = document
        return analysis
    }

    /// A document's name in messages: the file name of a `file:` URI.
    static func displayName(_ uri: String) -> String {
        URL(string: uri).map { $0.lastPathComponent.isEmpty ? uri : $0.lastPathComponent } ?? uri
    }

    /// Applies one `TextDocumentContentChangeEvent`: a range and its new text, or the whole text.
    private func apply(_ change: JSONValue, to text: inout [UInt8]) throws {
        guard let newText = change["text"]?.string else { throw RequestFailure(.invalidParams, "a content change needs `text`") }
        guard let range = change["range"], range != .null else {
            text = Array(newText.utf8)
            return
        }
        let positions = TextPositions(bytes: text)
        func offset(_ key: String) throws -> Int {
            guard let p = range[key], let line = p["line"]?.int, let character = p["character"]?.int, line >= 0, character >= 0 else {
                throw RequestFailure(.invalidParams, "a change's range needs `\(key)` with a `line` and a `character`")
            }
            return positions.byteOffset(line: line, utf16Character: character)
        }
        let start = try offset("start"), end = max(start, try offset("end"))
        text.replaceSubrange(start..<end, with: Array(newText.utf8))
    }

    // MARK: Features

    private func lspRange(_ range: SourceRange, in analysis: DocumentAnalysis) -> JSONValue {
        func position(_ offset: Int) -> JSONValue {
            let p = analysis.positions.utf16Position(ofByte: analysis.documentOffset(offset))
            return ["line": .int(p.line), "character": .int(p.character)]
        }
        return ["start": position(range.start), "end": position(range.end)]
    }

    private func publishDiagnostics(_ uri: String) {
        guard let document = documents[uri] else { return }
        let diagnostics: [JSONValue]
        if document.text.count > LanguageServer.maximumDocumentSize {
            diagnostics = [["range": ["start": ["line": 0, "character": 0], "end": ["line": 0, "character": 0]],
                            "severity": 1, "source": "tilt",
                            "message": .string("the document is larger than \(LanguageServer.maximumDocumentSize >> 20) MB, too large for a program; it is not analysed")]]
        } else if let analysis = try? analysis(uri) {
            diagnostics = analysis.diagnostics.prefix(DiagnosticList.maximumShown).map { d in
                var message = d.message
                if let note = d.note { message += "\n" + note }
                if let hint = d.hint { message += "\nhint: " + hint }
                let severity: Int
                switch d.severity {
                case .error: severity = 1
                case .warning: severity = 2
                case .note: severity = 3
                }
                return ["range": lspRange(d.range, in: analysis), "severity": .int(severity), "source": "tilt", "message": .string(message)]
            }
        } else {
            diagnostics = []
        }
        notify("textDocument/publishDiagnostics", ["uri": .string(uri), "version": .int(document.version), "diagnostics": .array(diagnostics)])
    }

    private func hover(_ params: JSONValue) throws -> JSONValue {
        let (_, analysis, offset) = try documentPosition(params)
        guard let hover = analysis.hover(at: offset) else { return .null }
        return ["contents": ["kind": "markdown", "value": .string(hover.markdown)], "range": lspRange(hover.range, in: analysis)]
    }

    private func completion(_ params: JSONValue) throws -> JSONValue {
        let (_, analysis, offset) = try documentPosition(params)
        let (prefix, _) = analysis.wordPrefix(before: offset)
        let names = analysis.bindings.map { (name: $0.name, detail: "\($0.kind.rawValue) \($0.name)") }
        let items: [JSONValue] = WordHelp.candidates(prefix: prefix, names: names).map { c in
            let kind: Int
            switch c.kind {
            case .keyword: kind = 14
            case .function: kind = 3
            case .variable: kind = 6
            case .strategyName: kind = 21
            case .statementWord: kind = 20
            case .command: kind = 1
            }
            var item: [String: JSONValue] = ["label": .string(c.name), "kind": .int(kind), "detail": .string(c.detail)]
            if !c.documentation.isEmpty { item["documentation"] = ["kind": "markdown", "value": .string(c.documentation)] }
            return .object(item)
        }
        return ["isIncomplete": false, "items": .array(items)]
    }

    private func definition(_ params: JSONValue) throws -> JSONValue {
        let (uri, analysis, offset) = try documentPosition(params)
        guard let token = analysis.token(at: offset), case .identifier(let name) = token.kind,
              let binding = analysis.binding(of: name, at: offset) else { return .null }
        return ["uri": .string(uri), "range": lspRange(binding.nameRange, in: analysis)]
    }

    private func formatting(_ params: JSONValue) throws -> JSONValue {
        let uri = try string(try field(params, "textDocument"), "uri")
        let analysis = try self.analysis(uri)
        guard !analysis.program.file.bytes.isEmpty else { return [] }
        let syntaxErrors = Parser.parse(analysis.file).diagnostics
        guard syntaxErrors.isEmpty else {
            throw RequestFailure(.requestFailed, "cannot format: the document has \(syntaxErrors.count) syntax error\(syntaxErrors.count == 1 ? "" : "s")")
        }
        let formatted = Formatter.format(analysis.program)
        if formatted == String(decoding: analysis.positions.bytes, as: UTF8.self) { return [] }
        let end = analysis.positions.utf16Position(ofByte: analysis.positions.bytes.count)
        return [["range": ["start": ["line": 0, "character": 0], "end": ["line": .int(end.line), "character": .int(end.character)]],
                 "newText": .string(formatted)]]
    }

    /// The LSP's relative encoding: per token, the line delta, the start delta (on the same line), the
    /// length, the type and the modifier bits, all in UTF-16 units. A token that spans lines is cut at each
    /// line end (comments and strings do not, but the encoding must not depend on that).
    private func semanticTokens(_ params: JSONValue) throws -> JSONValue {
        let uri = try string(try field(params, "textDocument"), "uri")
        let analysis = try self.analysis(uri)
        var data: [JSONValue] = []
        var previousLine = 0, previousStart = 0
        for token in analysis.semanticTokens {
            let start = analysis.positions.utf16Position(ofByte: analysis.documentOffset(token.range.start))
            let end = analysis.positions.utf16Position(ofByte: analysis.documentOffset(token.range.end))
            for line in start.line...max(start.line, end.line) {
                let from = line == start.line ? start.character : 0
                let to = line == end.line ? end.character : analysis.positions.utf16Length(ofLine: line)
                guard to > from else { continue }
                data += [.int(line - previousLine), .int(line == previousLine ? from - previousStart : from), .int(to - from),
                         .int(token.kind.rawValue), .int(token.modifiers.rawValue)]
                previousLine = line
                previousStart = from
            }
        }
        return ["data": .array(data)]
    }
}

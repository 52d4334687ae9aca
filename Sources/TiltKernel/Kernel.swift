import CZeroMQ
import Foundation
import TiltEditorSupport
import TiltSyntax

/// Set by the SIGINT handler (a C signal handler can do no more than store a flag); the control thread
/// turns it into an interrupt request.
nonisolated(unsafe) private var interruptSignalled: sig_atomic_t = 0

/// A Jupyter kernel for Tilt (messaging protocol 5.3). Five ZeroMQ sockets, as the connection file says:
/// shell (requests, on the main thread, where cells run one after another in one session), control
/// (shutdown, interrupt, kernel info; on its own thread, so that it is answered while a cell runs), IOPub
/// (published outputs and busy/idle, behind a lock), stdin (bound; Tilt asks for no input) and heartbeat
/// (an echo on its own thread). No message stops it: an unsigned, forged, replayed or malformed message is
/// logged and dropped, a malformed or unknown request is answered with an error, and only a
/// `shutdown_request` ends it.
public final class JupyterKernel: @unchecked Sendable {
    private let connection: ConnectionFile
    private let signer: MessageSigner
    private let sessionID = UUID().uuidString.lowercased()
    private let context: ZeroMQContext
    private let shell, control, stdin, iopub, heartbeat: ZeroMQSocket
    private let iopubLock = NSLock()
    private let stateLock = NSLock()
    private var stopping = false
    private var executing = false
    private let runner: CellRunner
    private var executionCount = 0
    /// This session's inputs, for `history_request`: (line number, code).
    private var history: [(line: Int, input: String)] = []
    private let signatures = SignatureHistory()
    private let log: @Sendable (String) -> Void

    /// The interrupt raised by `interrupt_request` and SIGINT.
    public let interrupt = ExecutionInterrupt()

    public init(connection: ConnectionFile, dataDirectory: String?, log: @escaping @Sendable (String) -> Void) throws {
        self.connection = connection
        self.log = log
        signer = MessageSigner(key: connection.key)
        context = try ZeroMQContext()
        shell = try ZeroMQSocket(context, type: ZMQ_ROUTER)
        control = try ZeroMQSocket(context, type: ZMQ_ROUTER)
        stdin = try ZeroMQSocket(context, type: ZMQ_ROUTER)
        iopub = try ZeroMQSocket(context, type: ZMQ_PUB)
        heartbeat = try ZeroMQSocket(context, type: ZMQ_REP)
        try shell.bind(connection.endpoint(connection.shellPort))
        try control.bind(connection.endpoint(connection.controlPort))
        try stdin.bind(connection.endpoint(connection.stdinPort))
        try iopub.bind(connection.endpoint(connection.iopubPort))
        try heartbeat.bind(connection.endpoint(connection.heartbeatPort))
        runner = CellRunner(dataDirectory: dataDirectory)
    }

    private var isStopping: Bool { stateLock.withLock { stopping } }

    /// Serves until a `shutdown_request`; the exit status.
    public func run() -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        signal(SIGINT) { _ in interruptSignalled = 1 }
        let done = DispatchGroup()
        for loop in [heartbeatLoop, controlLoop] {
            done.enter()
            Thread { loop(); done.leave() }.start()
        }
        publish("status", ["execution_state": "starting"], parent: [:])
        while !isStopping {
            guard shell.waitForMessage(milliseconds: 200) else { continue }
            guard let frames = receive(shell) else { continue }
            handle(frames, on: shell, channel: "shell")
        }
        done.wait()
        for socket in [shell, control, stdin, iopub, heartbeat] { socket.close() }
        context.terminate()
        return 0
    }

    private func receive(_ socket: ZeroMQSocket) -> [[UInt8]]? {
        do {
            return try socket.receive()
        } catch {
            log("tilt kernel: \(error)")
            return nil
        }
    }

    private func heartbeatLoop() {
        while !isStopping {
            guard heartbeat.waitForMessage(milliseconds: 200), let frames = receive(heartbeat) else { continue }
            do { try heartbeat.send(frames) } catch { log("tilt kernel: heartbeat: \(error)") }
        }
    }

    private func controlLoop() {
        while !isStopping {
            if interruptSignalled != 0 {
                interruptSignalled = 0
                interrupt.request()
            }
            guard control.waitForMessage(milliseconds: 100), let frames = receive(control) else { continue }
            handle(frames, on: control, channel: "control")
        }
    }

    // MARK: Messages

    private func handle(_ frames: [[UInt8]], on socket: ZeroMQSocket, channel: String) {
        let message: WireMessage
        switch WireMessage.decode(frames, signer: signer) {
        case .success(let m):
            let signature = frames[(frames.firstIndex(of: WireMessage.delimiter) ?? 0) + 1]
            guard !signer.isSigning || signatures.insert(signature) else {
                log("tilt kernel: dropped \(WireMessage.Rejection.replayed) on \(channel)")
                return
            }
            message = m
        case .failure(.malformedJSON(let header?)):
            // The header could be read: a request is answered with an error rather than left waiting.
            log("tilt kernel: \(WireMessage.Rejection.malformedJSON(header: header)) on \(channel)")
            let identities = Array(frames[..<(frames.firstIndex(of: WireMessage.delimiter) ?? 0)])
            let request = WireMessage(identities: identities, header: header, parentHeader: [:], metadata: [:], content: [:], buffers: [])
            answerWithError(request, on: socket, name: "MalformedMessage", value: "the message's parent header, metadata or content is not a JSON object")
            return
        case .failure(let rejection):
            log("tilt kernel: dropped \(rejection) on \(channel)")
            return
        }
        publish("status", ["execution_state": "busy"], parent: message.header)
        defer { publish("status", ["execution_state": "idle"], parent: message.header) }
        switch message.type {
        case "kernel_info_request": reply(message, on: socket, JupyterKernel.kernelInfo)
        case "shutdown_request": shutdown(message, on: socket)
        case "interrupt_request":
            interrupt.request()
            reply(message, on: socket, ["status": "ok"])
        case _ where channel == "control":
            answerUnknown(message, on: socket)
        case "execute_request": execute(message)
        case "complete_request": complete(message)
        case "inspect_request": inspect(message)
        case "is_complete_request": isComplete(message)
        case "history_request": historyReply(message)
        case "comm_info_request": reply(message, on: shell, ["status": "ok", "comms": [:]])
        case "comm_open":
            // No comm targets: the protocol asks for the comm to be closed.
            publish("comm_close", ["comm_id": message.content["comm_id"] ?? "", "data": [:]], parent: message.header)
        case "comm_msg", "comm_close":
            break
        default:
            answerUnknown(message, on: socket)
        }
    }

    /// A request the kernel does not know gets an error reply; any other message is dropped.
    private func answerUnknown(_ message: WireMessage, on socket: ZeroMQSocket) {
        log("tilt kernel: unknown message type `\(message.type)`")
        answerWithError(message, on: socket, name: "UnknownMessageType", value: "the Tilt kernel does not handle `\(message.type)`")
    }

    private func answerWithError(_ message: WireMessage, on socket: ZeroMQSocket, name: String, value: String) {
        guard message.type.hasSuffix("_request") else { return }
        reply(message, on: socket, ["status": "error", "ename": .string(name), "evalue": .string(value), "traceback": [.string("\(name): \(value)")]])
    }

    private func reply(_ request: WireMessage, on socket: ZeroMQSocket, _ content: JSONValue) {
        let type = String(request.type.dropLast("_request".count)) + "_reply"
        let message = WireMessage(identities: request.identities, header: WireMessage.header(type: type, session: sessionID),
                                  parentHeader: request.header, metadata: [:], content: content, buffers: [])
        do { try socket.send(message.encode(signer: signer)) } catch { log("tilt kernel: cannot reply: \(error)") }
    }

    private func publish(_ type: String, _ content: JSONValue, parent: JSONValue) {
        let message = WireMessage(identities: [Array("kernel.\(sessionID).\(type)".utf8)],
                                  header: WireMessage.header(type: type, session: sessionID),
                                  parentHeader: parent, metadata: [:], content: content, buffers: [])
        iopubLock.withLock {
            do { try iopub.send(message.encode(signer: signer)) } catch { log("tilt kernel: cannot publish: \(error)") }
        }
    }

    static let kernelInfo: JSONValue = [
        "status": "ok",
        "protocol_version": .string(WireMessage.protocolVersion),
        "implementation": "tilt",
        "implementation_version": "0.1.0",
        "language_info": [
            "name": "tilt",
            "version": "0.1.0",
            "mimetype": "text/x-tilt",
            "file_extension": ".tilt",
            // The nearest existing modes: Julia's `#` comments, `'` transpose, `[1, 2; 3, 4]` literals and
            // `.*` operators read like Tilt's (Editors/pygments holds a Tilt lexer of its own).
            "pygments_lexer": "julia",
            "codemirror_mode": "julia",
        ],
        "banner": "Tilt 0.1.0 — a language for constrained portfolio optimisation and backtesting. :help for help.",
        "help_links": [],
        "debugger": false,
    ]

    private func shutdown(_ message: WireMessage, on socket: ZeroMQSocket) {
        let restart = message.content["restart"]?.bool ?? false
        reply(message, on: socket, ["status": "ok", "restart": .bool(restart)])
        publish("shutdown_reply", ["status": "ok", "restart": .bool(restart)], parent: message.header)
        stateLock.withLock { stopping = true }
        // A cell still running is asked to stop; if it does not within two seconds, the process ends anyway.
        guard stateLock.withLock({ executing }) else { return }
        interrupt.request()
        Thread {
            Thread.sleep(forTimeInterval: 2)
            Foundation.exit(0)
        }.start()
    }

    // MARK: Shell requests

    private func execute(_ message: WireMessage) {
        guard let code = message.content["code"]?.string else {
            answerWithError(message, on: shell, name: "MalformedMessage", value: "an execute_request needs `code`, a string")
            return
        }
        let silent = message.content["silent"]?.bool ?? false
        let storeHistory = message.content["store_history"]?.bool ?? !silent
        let stopOnError = message.content["stop_on_error"]?.bool ?? true
        if storeHistory && !silent { executionCount += 1 }
        let count = executionCount
        if !silent { publish("execute_input", ["code": .string(code), "execution_count": .int(count)], parent: message.header) }
        if storeHistory { history.append((executionCount, code)) }
        interrupt.clear()
        stateLock.withLock { executing = true }
        defer { stateLock.withLock { executing = false } }
        let outputs = CellRunner.Outputs(
            stream: { [self] name, text in
                if !silent { publish("stream", ["name": .string(name), "text": .string(text)], parent: message.header) }
            },
            display: { [self] bundle, isResult in
                guard !silent else { return }
                if isResult {
                    publish("execute_result", ["execution_count": .int(count), "data": bundle, "metadata": [:]], parent: message.header)
                } else {
                    publish("display_data", ["data": bundle, "metadata": [:], "transient": [:]], parent: message.header)
                }
            })
        do {
            try runner.run(code, cellNumber: count, outputs: outputs)
            reply(message, on: shell, ["status": "ok", "execution_count": .int(count), "payload": [], "user_expressions": [:]])
        } catch {
            let traceback = JSONValue.array(error.traceback.map { .string($0) })
            if !silent {
                publish("error", ["ename": .string(error.name), "evalue": .string(error.value), "traceback": traceback], parent: message.header)
            }
            // The requests queued behind the failed cell are taken before its reply goes out, so that only
            // those sent before the client learnt of the failure are aborted.
            let queued = stopOnError ? takeQueuedRequests() : []
            reply(message, on: shell, ["status": "error", "execution_count": .int(count), "ename": .string(error.name),
                                       "evalue": .string(error.value), "traceback": traceback])
            abortExecutions(in: queued)
        }
    }

    /// The messages waiting on the shell socket.
    private func takeQueuedRequests() -> [[[UInt8]]] {
        var queued: [[[UInt8]]] = []
        while shell.waitForMessage(milliseconds: 0), let frames = receive(shell) { queued.append(frames) }
        return queued
    }

    /// After a cell fails, the cells queued behind it are not run (they were written expecting it to
    /// succeed): each is answered `aborted`, as the protocol describes; other requests are handled as usual.
    private func abortExecutions(in queued: [[[UInt8]]]) {
        for frames in queued {
            guard case .success(let message) = WireMessage.decode(frames, signer: signer), message.type == "execute_request" else {
                handle(frames, on: shell, channel: "shell")
                continue
            }
            publish("status", ["execution_state": "busy"], parent: message.header)
            reply(message, on: shell, ["status": "aborted", "execution_count": .int(executionCount)])
            publish("status", ["execution_state": "idle"], parent: message.header)
        }
    }

    private func codeAndCursor(_ message: WireMessage) -> (String, Int)? {
        guard let code = message.content["code"]?.string else { return nil }
        // `cursor_pos` counts Unicode code points (protocol 5.2 and later); absent means the end.
        let cursor = message.content["cursor_pos"]?.int ?? code.unicodeScalars.count
        return (code, max(0, min(cursor, code.unicodeScalars.count)))
    }

    private func complete(_ message: WireMessage) {
        guard let (code, cursor) = codeAndCursor(message) else {
            answerWithError(message, on: shell, name: "MalformedMessage", value: "a complete_request needs `code`, a string")
            return
        }
        let (matches, start, end) = runner.complete(code, cursor: cursor)
        reply(message, on: shell, ["status": "ok", "matches": .array(matches.map { .string($0) }), "cursor_start": .int(start),
                                   "cursor_end": .int(end), "metadata": [:]])
    }

    private func inspect(_ message: WireMessage) {
        guard let (code, cursor) = codeAndCursor(message) else {
            answerWithError(message, on: shell, name: "MalformedMessage", value: "an inspect_request needs `code`, a string")
            return
        }
        if let text = runner.inspect(code, cursor: cursor) {
            reply(message, on: shell, ["status": "ok", "found": true, "data": ["text/plain": .string(text)], "metadata": [:]])
        } else {
            reply(message, on: shell, ["status": "ok", "found": false, "data": [:], "metadata": [:]])
        }
    }

    private func isComplete(_ message: WireMessage) {
        guard let code = message.content["code"]?.string else {
            answerWithError(message, on: shell, name: "MalformedMessage", value: "an is_complete_request needs `code`, a string")
            return
        }
        if code.trimmingCharacters(in: .whitespaces).hasPrefix(":") {
            reply(message, on: shell, ["status": "complete"])
            return
        }
        switch EntryCompleteness.of(code) {
        case .complete: reply(message, on: shell, ["status": "complete"])
        case .incomplete: reply(message, on: shell, ["status": "incomplete", "indent": "    "])
        case .invalid: reply(message, on: shell, ["status": "invalid"])
        }
    }

    /// This kernel's inputs as session 1 (the current one; 0 and negative session numbers name it too).
    private func historyReply(_ message: WireMessage) {
        let content = message.content
        let withOutput = content["output"]?.bool ?? false
        var entries = history
        switch content["hist_access_type"]?.string ?? "tail" {
        case "range":
            let session = content["session"]?.int ?? 0
            let start = content["start"]?.int ?? 1, stop = content["stop"]?.int
            entries = session <= 1 ? entries.filter { entry in entry.line >= start && (stop.map { entry.line < $0 } ?? true) } : []
        case "search":
            let pattern = content["pattern"]?.string ?? "*"
            entries = entries.filter { JupyterKernel.glob(pattern, matches: $0.input) }
            if content["unique"]?.bool == true {
                var seen: Set<String> = []
                entries = entries.reversed().filter { seen.insert($0.input).inserted }.reversed()
            }
            if let n = content["n"]?.int, n >= 0 { entries = Array(entries.suffix(n)) }
        default:
            if let n = content["n"]?.int, n >= 0 { entries = Array(entries.suffix(n)) }
        }
        let items: [JSONValue] = entries.map { entry in
            [1, .int(entry.line), withOutput ? [.string(entry.input), .null] : .string(entry.input)]
        }
        reply(message, on: shell, ["status": "ok", "history": .array(items)])
    }

    /// Shell-style matching (`*` any run, `?` one character), as IPython's history search.
    static func glob(_ pattern: String, matches text: String) -> Bool {
        let p = Array(pattern), t = Array(text)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "?" || p[pi] == t[ti] {
                pi += 1
                ti += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi
                mark = ti
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}

/// Signatures of the messages received, to drop a replayed one (as Jupyter's own sessions do); the oldest
/// are forgotten past `capacity`.
final class SignatureHistory: @unchecked Sendable {
    private var seen: Set<[UInt8]> = []
    private var order: [[UInt8]] = []
    private var next = 0
    private let lock = NSLock()
    static let capacity = 1 << 16

    /// False when the signature was seen before.
    func insert(_ signature: [UInt8]) -> Bool {
        lock.withLock {
            guard seen.insert(signature).inserted else { return false }
            if order.count < SignatureHistory.capacity {
                order.append(signature)
            } else {
                seen.remove(order[next])
                order[next] = signature
                next = (next + 1) % SignatureHistory.capacity
            }
            return true
        }
    }
}

/// What an `interrupt_request` (or SIGINT) raises: a flag a running computation can poll, and the hook it
/// calls. The REPL's cancellation of a running backtest (Ctrl-C) is to be connected here: set `onRequest`
/// to cancel it, and the kernel's interrupt stops it too. Until then a running cell finishes normally.
public final class ExecutionInterrupt: @unchecked Sendable {
    private let lock = NSLock()
    private var requested = false
    private var handler: (@Sendable () -> Void)?

    public init() {}

    /// Called on each request (from the control thread).
    public var onRequest: (@Sendable () -> Void)? {
        get { lock.withLock { handler } }
        set { lock.withLock { handler = newValue } }
    }

    public var isRequested: Bool { lock.withLock { requested } }

    public func request() {
        let handler = lock.withLock { requested = true; return self.handler }
        handler?()
    }

    public func clear() {
        lock.withLock { requested = false }
    }
}

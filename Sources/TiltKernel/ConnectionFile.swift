import Foundation
import TiltEditorSupport

/// The connection file Jupyter writes for a kernel it starts: where the five channels listen and the key
/// that signs messages.
public struct ConnectionFile: Sendable, Equatable {
    public var transport: String
    public var ip: String
    public var shellPort: Int
    public var iopubPort: Int
    public var stdinPort: Int
    public var controlPort: Int
    public var heartbeatPort: Int
    public var key: String

    /// A connection file problem, said in words (a missing field, an unsupported signature scheme).
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    public init(json: JSONValue) throws(Problem) {
        func port(_ name: String) throws(Problem) -> Int {
            guard let p = json[name]?.int, (1...65535).contains(p) else {
                throw Problem(description: "`\(name)` must be a port number from 1 to 65535")
            }
            return p
        }
        transport = json["transport"]?.string ?? "tcp"
        guard transport == "tcp" || transport == "ipc" else { throw Problem(description: "unknown transport `\(transport)` (tcp or ipc)") }
        guard let ip = json["ip"]?.string, !ip.isEmpty else { throw Problem(description: "`ip` must be an address") }
        self.ip = ip
        shellPort = try port("shell_port")
        iopubPort = try port("iopub_port")
        stdinPort = try port("stdin_port")
        controlPort = try port("control_port")
        heartbeatPort = try port("hb_port")
        key = json["key"]?.string ?? ""
        let scheme = json["signature_scheme"]?.string ?? "hmac-sha256"
        guard scheme == "hmac-sha256" || key.isEmpty else {
            throw Problem(description: "signature scheme `\(scheme)` is not supported (Tilt signs with hmac-sha256)")
        }
    }

    /// Reads a connection file (at most 1 MB: it is a few hundred bytes).
    public static func read(path: String) throws(Problem) -> ConnectionFile {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw Problem(description: "cannot open `\(path)`") }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: 1 << 20)) ?? nil
        guard let data, let json = JSONValue.parse(data) else { throw Problem(description: "`\(path)` is not a JSON connection file") }
        do {
            return try ConnectionFile(json: json)
        } catch {
            throw Problem(description: "`\(path)`: \(error.description)")
        }
    }

    /// The ZeroMQ endpoint of a port: `tcp://IP:PORT`, or for the ipc transport the file `IP-PORT`.
    public func endpoint(_ port: Int) -> String {
        transport == "ipc" ? "ipc://\(ip)-\(port)" : "tcp://\(ip):\(port)"
    }
}

import Foundation
import Testing
import TiltTestSupport

/// A small HTTP server on 127.0.0.1 (a port the system picks) answering `GET /PATH` with `files[PATH]` or
/// 404, for testing downloads without the network. It answers until `stop()`.
private final class LocalHTTPServer: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let files: [String: Data]
    private let finished = DispatchSemaphore(value: 0)

    init(files: [String: Data]) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 8) == 0 else { close(descriptor); throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        listener = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
        self.files = files
        Thread { [self] in serve() }.start()
    }

    private func serve() {
        defer { finished.signal() }
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            var request: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !request.suffix(4).elementsEqual(Array("\r\n\r\n".utf8)), request.count < 65_536 {
                let count = read(client, &buffer, buffer.count)
                guard count > 0 else { break }
                request += buffer[0..<count]
            }
            let line = String(decoding: request.prefix { $0 != 13 }, as: UTF8.self).split(separator: " ")
            let path = line.count > 1 ? String(line[1]) : ""
            let body = files[path]
            var response = Data("HTTP/1.1 \(body == nil ? "404 Not Found" : "200 OK")\r\nContent-Length: \(body?.count ?? 0)\r\nConnection: close\r\n\r\n".utf8)
            response += body ?? Data()
            response.withUnsafeBytes { raw in
                var sent = 0
                while sent < raw.count {
                    let n = write(client, raw.baseAddress! + sent, raw.count - sent)
                    if n <= 0 { break }
                    sent += n
                }
            }
            close(client)
        }
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        finished.wait()
    }
}

private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/kenfrench")

/// `tilt data fetch kenfrench` downloads a zip (served here from 127.0.0.1), unpacks its CSV as it is, and
/// records the source, time and SHA-256 (of the file and the zip, as Fixtures/kenfrench/make_fixtures.py
/// printed them) in SOURCES.json; an HTTP error is a clear error.
@Test func fetchUnpacksAsDownloadedAndRecordsTheSource() throws {
    let zip = try Data(contentsOf: fixtures.appendingPathComponent("F-F_Momentum_Factor_CSV.zip"))
    let server = try LocalHTTPServer(files: ["/ftp/F-F_Momentum_Factor_CSV.zip": zip])
    defer { server.stop() }
    let folder = try scratchFolder().appendingPathComponent("data")
    let base = "http://127.0.0.1:\(server.port)/ftp"
    let result = try TiltBinary.run(["data", "fetch", "kenfrench", "momentum", "--to", folder.path, "--base-url", base])
    #expect(result.status == 0, "\(result.stderr)")
    let csv = try Data(contentsOf: folder.appendingPathComponent("F-F_Momentum_Factor.CSV"))
    #expect(String(decoding: csv, as: UTF8.self).hasPrefix("This file was created by CMPT_ME_PRIOR_RETS") && csv.count == 255)
    let sources = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("SOURCES.json"))) as? [String: Any]
    let record = try #require((sources?["files"] as? [[String: String]])?.first)
    #expect(record["file"] == "F-F_Momentum_Factor.CSV" && record["source"] == base + "/F-F_Momentum_Factor_CSV.zip")
    #expect(record["sha256"] == "e79882c794d6f863e46e109c117ffe6128c6af5b4701438d927c543e37573f0a")
    #expect(record["zipSHA256"] == "3ac27ff1bff76620e35e8dff53168c6db2ebaad4602a7dff69df2e46163e957c")
    #expect(record["downloaded"].map { $0.hasSuffix("Z") && $0.count == 20 } == true)
    // The address may come from TILT_KENFRENCH_URL; a file the server does not have is an HTTP error.
    let missing = try TiltBinary.run(["data", "fetch", "kenfrench", "ff5", "--to", folder.path], environment: ["TILT_KENFRENCH_URL": base])
    #expect(missing.status == 1 && missing.stderr.contains("F-F_Research_Data_5_Factors_2x3_CSV.zip: the server answered HTTP 404"), "\(missing.stderr)")
    let unknown = try TiltBinary.run(["data", "fetch", "kenfrench", "ff7", "--to", folder.path])
    #expect(unknown.status == 2 && unknown.stderr.contains("unknown file `ff7`"))
}

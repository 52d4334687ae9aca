import Foundation
import Testing
@testable import TiltKernel
import TiltEditorSupport

struct KernelProtocolTests {
    /// RFC 4231 test cases 1, 2 and 6 (a key longer than the block).
    @Test func hmacSHA256MatchesRFC4231() {
        let cases: [([UInt8], [UInt8], String)] = [
            ([UInt8](repeating: 0x0B, count: 20), Array("Hi There".utf8),
             "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
            (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
             "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
            ([UInt8](repeating: 0xAA, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
             "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        ]
        for (key, message, digest) in cases {
            #expect(MessageSigner.hex(MessageSigner.hmacSHA256(key: key, message: message)) == digest)
        }
    }

    private func frames(_ signer: MessageSigner, content: String = "{}", header: String = #"{"msg_type":"kernel_info_request","msg_id":"1"}"#) -> [[UInt8]] {
        let parts = [header, "{}", "{}", content].map { Array($0.utf8) }
        return [Array("client-id".utf8), WireMessage.delimiter, signer.signature(parts)] + parts
    }

    @Test func decodesChecksSignaturesAndReencodes() throws {
        let signer = MessageSigner(key: "secret")
        guard case .success(let message) = WireMessage.decode(frames(signer), signer: signer) else {
            Issue.record("a well-signed message is refused")
            return
        }
        #expect(message.type == "kernel_info_request" && message.identities == [Array("client-id".utf8)])
        var forged = frames(signer)
        forged[2][0] ^= 1
        #expect(WireMessage.decode(forged, signer: signer).failureValue == .badSignature)
        #expect(WireMessage.decode(frames(MessageSigner(key: "other")), signer: signer).failureValue == .badSignature)
        #expect(WireMessage.decode([[1, 2, 3]], signer: signer).failureValue == .malformedFrames)
        #expect(WireMessage.decode(Array(frames(signer).prefix(5)), signer: signer).failureValue == .malformedFrames)
        if case .malformedJSON(let header)? = WireMessage.decode(frames(signer, content: "{nope"), signer: signer).failureValue {
            #expect(header?["msg_type"]?.string == "kernel_info_request")
        } else {
            Issue.record("malformed content not reported with its header")
        }
        #expect(WireMessage.decode(frames(signer, content: "[1]"), signer: signer).failureValue == .malformedJSON(header: ["msg_type": "kernel_info_request", "msg_id": "1"]))
        // What the kernel sends is decoded by the same rules.
        let reply = WireMessage(identities: message.identities, header: WireMessage.header(type: "kernel_info_reply", session: "s"),
                                parentHeader: message.header, metadata: [:], content: ["status": "ok"], buffers: [])
        guard case .success(let back) = WireMessage.decode(reply.encode(signer: signer), signer: signer) else {
            Issue.record("the kernel's own message does not decode")
            return
        }
        #expect(back.content == ["status": "ok"] && back.parentHeader == message.header)
        let date = try #require(back.header["date"]?.string)
        #expect(date.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$"#, options: .regularExpression) != nil, "\(date)")
    }

    @Test func unsignedWhenTheKeyIsEmpty() {
        let signer = MessageSigner(key: "")
        #expect(!signer.isSigning && signer.signature([[1]]).isEmpty)
        if case .failure = WireMessage.decode(frames(signer), signer: signer) { Issue.record("unsigned message refused with an empty key") }
    }

    @Test func replayedSignaturesAreRefused() {
        let history = SignatureHistory()
        #expect(history.insert([1, 2]))
        #expect(!history.insert([1, 2]))
        #expect(history.insert([1, 3]))
    }

    @Test func connectionFiles() throws {
        let good: JSONValue = ["shell_port": 5001, "iopub_port": 5002, "stdin_port": 5003, "control_port": 5004, "hb_port": 5005,
                               "ip": "127.0.0.1", "key": "k", "transport": "tcp", "signature_scheme": "hmac-sha256"]
        let connection = try ConnectionFile(json: good)
        #expect(connection.endpoint(connection.shellPort) == "tcp://127.0.0.1:5001")
        var ipc = good.object!
        ipc["transport"] = "ipc"
        ipc["ip"] = "/tmp/kernel"
        #expect(try ConnectionFile(json: .object(ipc)).endpoint(5002) == "ipc:///tmp/kernel-5002")
        for (key, value) in [("shell_port", JSONValue.number(70_000)), ("hb_port", "x"), ("signature_scheme", "hmac-md5"), ("transport", "udp"), ("ip", "")] {
            var bad = good.object!
            bad[key] = value
            #expect(throws: ConnectionFile.Problem.self) { try ConnectionFile(json: .object(bad)) }
        }
        #expect(throws: ConnectionFile.Problem.self) { try ConnectionFile.read(path: "/nonexistent/connection.json") }
    }

    @Test func historySearchGlobs() {
        #expect(JupyterKernel.glob("let *", matches: "let x = 1"))
        #expect(JupyterKernel.glob("*x?1", matches: "let x = 1") == false)
        #expect(JupyterKernel.glob("*x ? 1", matches: "let x = 1"))
        #expect(JupyterKernel.glob("*", matches: ""))
        #expect(!JupyterKernel.glob("a*b", matches: "acd"))
    }

    /// CRC-32 and Adler-32 check values (the ISO 3309 / zlib test strings), and a logo's structure.
    @Test func pngChecksumsAndLogo() {
        #expect(PNG.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        let stored = PNG.zlibStored(Array("Wikipedia".utf8))
        #expect(Array(stored.suffix(4)) == [0x11, 0xE6, 0x03, 0x98])
        let logo = KernelLogo.png(size: 32)
        #expect(Array(logo.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(Array(logo[12..<16]) == Array("IHDR".utf8) && Array(logo[16..<24]) == [0, 0, 0, 32, 0, 0, 0, 32])
    }

    @Test func kernelJSONStartsTheGivenTilt() throws {
        let spec = try #require(JSONValue.parse(Array(KernelSpec.kernelJSON(executable: "/opt/tilt/bin/tilt", dataDirectory: "/srv/data").utf8)))
        #expect(spec["argv"] == ["/opt/tilt/bin/tilt", "kernel", "--connection-file", "{connection_file}"])
        #expect(spec["language"] == "tilt" && spec["interrupt_mode"] == "message" && spec["env"]?["TILT_DATA"] == "/srv/data")
        #expect(try KernelSpec.directory(.user, environment: ["HOME": "/home/u"]) == "/home/u/.local/share/jupyter/kernels/tilt")
        #expect(try KernelSpec.directory(.user, environment: ["JUPYTER_DATA_DIR": "/j"]) == "/j/kernels/tilt")
        #expect(try KernelSpec.directory(.prefix("/p"), name: "tilt-2") == "/p/share/jupyter/kernels/tilt-2")
        #expect(try KernelSpec.directory(.system) == "/usr/local/share/jupyter/kernels/tilt")
    }
}

extension Result {
    var failureValue: Failure? {
        if case .failure(let f) = self { return f }
        return nil
    }
}

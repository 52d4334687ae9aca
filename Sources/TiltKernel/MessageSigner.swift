import COpenSSLCrypto

/// Signs and checks Jupyter messages: the signature is the HMAC-SHA256, in lowercase hexadecimal, of the
/// header, parent header, metadata and content frames, keyed with the connection file's `key`. An empty
/// key means messages are not signed (the protocol allows it; Jupyter always sets one). The HMAC comes from
/// the system's libcrypto, and signatures are compared in constant time.
public struct MessageSigner: Sendable {
    private let key: [UInt8]

    public init(key: String) {
        self.key = Array(key.utf8)
    }

    public var isSigning: Bool { !key.isEmpty }

    /// The signature of the four signed frames.
    public func signature(_ parts: [[UInt8]]) -> [UInt8] {
        guard isSigning else { return [] }
        return Array(MessageSigner.hex(MessageSigner.hmacSHA256(key: key, message: parts.flatMap { $0 })).utf8)
    }

    /// Whether `signature` is the signature of `parts`.
    public func verify(_ signature: [UInt8], _ parts: [[UInt8]]) -> Bool {
        guard isSigning else { return true }
        let expected = self.signature(parts)
        guard signature.count == expected.count else { return false }
        return signature.withUnsafeBytes { a in expected.withUnsafeBytes { b in CRYPTO_memcmp(a.baseAddress, b.baseAddress, a.count) == 0 } }
    }

    /// HMAC-SHA256 of `message` (RFC 2104, FIPS 180-4), 32 bytes.
    public static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        key.withUnsafeBytes { k in
            message.withUnsafeBytes { m in
                // A null data pointer is what OpenSSL expects for an empty message or key.
                _ = HMAC(EVP_sha256(), k.baseAddress, Int32(clamping: k.count), m.baseAddress?.assumingMemoryBound(to: UInt8.self), m.count,
                         &digest, &length)
            }
        }
        return Array(digest.prefix(Int(length)))
    }

    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

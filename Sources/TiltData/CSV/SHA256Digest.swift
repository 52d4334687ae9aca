import COpenSSLCrypto
import Foundation

/// SHA-256 (FIPS 180-4) of bytes or of a file, in lower-case hexadecimal, computed by the system's
/// libcrypto (OpenSSL's EVP interface). The one implementation behind a run's provenance (each data file's
/// checksum in run.json) and `tilt data fetch` (SOURCES.json), fed piece by piece so that a file of any
/// size is hashed without being held in memory.
public final class SHA256Digest {
    private let context: OpaquePointer

    public init() {
        // EVP_MD_CTX_new fails only when memory is exhausted; there is nothing sensible to go on with then.
        guard let context = EVP_MD_CTX_new() else { fatalError("libcrypto could not allocate a digest context") }
        self.context = context
        EVP_DigestInit_ex(context, EVP_sha256(), nil)
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Adds `bytes` to the message.
    public func update<Bytes: ContiguousBytes>(_ bytes: Bytes) {
        bytes.withUnsafeBytes { buffer in
            _ = EVP_DigestUpdate(context, buffer.baseAddress, buffer.count)
        }
    }

    /// The digest of everything added, as 64 lower-case hexadecimal digits. Call once.
    public func finish() -> String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &digest, &length)
        return digest.prefix(Int(length)).map { String(format: "%02x", $0) }.joined()
    }

    /// The SHA-256 of `bytes`, hexadecimal.
    public static func hex<Bytes: ContiguousBytes>(of bytes: Bytes) -> String {
        let digest = SHA256Digest()
        digest.update(bytes)
        return digest.finish()
    }
}

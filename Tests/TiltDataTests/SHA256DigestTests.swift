import Foundation
import Testing
import TiltData

/// SHA-256 against the known answers of FIPS 180-2's examples (appendix B: one block, two blocks, a
/// million `a`s), the last fed in uneven pieces as a file is, so that hashing piece by piece is checked too.
@Test func sha256MatchesTheStandardsExamples() {
    #expect(SHA256Digest.hex(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(SHA256Digest.hex(of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    #expect(SHA256Digest.hex(of: [UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    let digest = SHA256Digest()
    var left = 1_000_000, piece = 1
    while left > 0 {
        let count = min(piece, left)
        digest.update([UInt8](repeating: UInt8(ascii: "a"), count: count))
        left -= count
        piece = piece * 3 + 7
    }
    #expect(digest.finish() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
}

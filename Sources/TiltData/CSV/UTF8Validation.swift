/// Finds the first byte that makes `bytes` invalid UTF-8 (RFC 3629: no overlong forms, no
/// surrogates, nothing above U+10FFFF), or `nil` when the whole buffer is valid.
func firstInvalidUTF8Offset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    var i = 0
    let n = bytes.count
    while i < n {
        let lead = bytes[i]
        if lead < 0x80 { i += 1; continue }
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        default: return i
        }
        guard i + 1 < n, secondRange.contains(bytes[i + 1]) else { return i }
        for k in 2..<length {
            guard i + k < n, (0x80...0xBF).contains(bytes[i + k]) else { return i }
        }
        i += length
    }
    return nil
}

import Foundation

/// The base protocol of the LSP: each message is a header (`Content-Length: N`, optionally `Content-Type`,
/// lines ended by `\r\n`), an empty line, then N bytes of UTF-8 JSON. The reader never trusts the peer: a
/// header without a length, a length beyond `maximumMessageSize` or a header that never ends is reported
/// and skipped, and reading goes on with the next header.
public struct MessageReader {
    /// The largest message body accepted (a document of 64 MB, with room for JSON escapes).
    public static let maximumMessageSize = 192 << 20
    /// The longest header accepted before its empty line.
    static let maximumHeaderSize = 8 << 10

    public enum Item: Equatable {
        /// A message body.
        case message([UInt8])
        /// A framing error; the bytes in question were skipped.
        case malformed(String)
    }

    private let read: (inout [UInt8]) -> Bool
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false

    /// `read` appends the next bytes to its argument and returns false at the end of input.
    public init(read: @escaping (inout [UInt8]) -> Bool) {
        self.read = read
    }

    /// Reads from a file descriptor (standard input for `tilt lsp`).
    public init(fileDescriptor: Int32) {
        self.init { buffer in
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = chunk.withUnsafeMutableBytes { Foundation.read(fileDescriptor, $0.baseAddress, $0.count) }
                if n > 0 {
                    buffer += chunk[0..<n]
                    return true
                }
                if n < 0, errno == EINTR { continue }
                return false
            }
        }
    }

    private var available: Int { buffer.count - start }

    /// Makes at least `count` bytes available; false when the input ends first.
    private mutating func fill(_ count: Int) -> Bool {
        while available < count {
            if atEnd { return false }
            if start > 0, start >= buffer.count / 2 {
                buffer.removeFirst(start)
                start = 0
            }
            if !read(&buffer) { atEnd = true }
        }
        return true
    }

    /// The position of the header's end (`\r\n\r\n`, or a bare `\n\n`) after `start`, reading as needed.
    private mutating func headerEnd() -> (end: Int, separator: Int)? {
        // Counted from `start`, which `fill` may move when it compacts the buffer.
        var scanned = 0
        while true {
            while start + scanned < buffer.count {
                let i = start + scanned
                if buffer[i] == UInt8(ascii: "\n") {
                    if scanned >= 1, buffer[i - 1] == UInt8(ascii: "\n") { return (i - 1, 2) }
                    if scanned >= 3, buffer[i - 1] == UInt8(ascii: "\r"), buffer[i - 2] == UInt8(ascii: "\n"),
                       buffer[i - 3] == UInt8(ascii: "\r") { return (i - 3, 4) }
                }
                scanned += 1
                if scanned > MessageReader.maximumHeaderSize { return nil }
            }
            if !fill(available + 1) { return nil }
        }
    }

    /// The next message or framing error; nil at the end of input.
    public mutating func next() -> Item? {
        // Blank lines between messages are tolerated.
        while true {
            guard fill(1) else { return nil }
            guard buffer[start] == UInt8(ascii: "\r") || buffer[start] == UInt8(ascii: "\n") else { break }
            start += 1
        }
        guard let (end, separator) = headerEnd() else {
            if available > MessageReader.maximumHeaderSize {
                // Not a header: skip to the next line that could start one.
                skipLine()
                return .malformed("a header longer than \(MessageReader.maximumHeaderSize) bytes without an empty line after it")
            }
            start = buffer.count
            return available == 0 && atEnd ? .malformed("the input ended inside a header") : nil
        }
        let header = String(decoding: buffer[start..<end], as: UTF8.self)
        start = end + separator
        var length: Int?
        for line in header.split(whereSeparator: { $0 == "\r\n" || $0 == "\n" || $0 == "\r" }) {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            // `hasSuffix`: bytes left from a message that could not be framed may precede the next header.
            if parts[0].trimmingCharacters(in: .whitespaces).lowercased().hasSuffix("content-length") {
                length = Int(parts[1].trimmingCharacters(in: .whitespaces))
            }
        }
        guard let length, length >= 0 else {
            return .malformed("a header without a valid Content-Length: \(header.prefix(200).debugDescription)")
        }
        guard length <= MessageReader.maximumMessageSize else {
            skip(length)
            return .malformed("a message of \(length) bytes, more than the \(MessageReader.maximumMessageSize >> 20) MB accepted")
        }
        guard fill(length) else {
            start = buffer.count
            return .malformed("the input ended inside a message (\(length) bytes announced, \(available) sent)")
        }
        let body = Array(buffer[start..<(start + length)])
        start += length
        return .message(body)
    }

    /// Skips `count` bytes (or to the end of input) without keeping them.
    private mutating func skip(_ count: Int) {
        var left = count
        while left > 0 {
            if available == 0, !fill(1) { return }
            let n = min(left, available)
            start += n
            left -= n
        }
    }

    private mutating func skipLine() {
        while fill(1) {
            let b = buffer[start]
            start += 1
            if b == UInt8(ascii: "\n") { return }
        }
    }
}

/// Writes framed messages to a file descriptor (standard output for `tilt lsp`).
public struct MessageWriter {
    private let write: ([UInt8]) -> Bool

    public init(write: @escaping ([UInt8]) -> Bool) {
        self.write = write
    }

    public init(fileDescriptor: Int32) {
        self.init { bytes in
            var sent = 0
            while sent < bytes.count {
                let n = bytes[sent...].withUnsafeBytes { Foundation.write(fileDescriptor, $0.baseAddress, $0.count) }
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { return false }
                sent += n
            }
            return true
        }
    }

    /// Sends one message; false when the output is closed.
    @discardableResult
    public func send(_ body: String) -> Bool {
        let payload = Array(body.utf8)
        return write(Array("Content-Length: \(payload.count)\r\n\r\n".utf8) + payload)
    }
}

import Foundation

/// Reads a CSV file of any size in pieces of whole records, each handed over as a `CSVDocument` whose line
/// numbers are the file's, so that a loader sees every record with its location while at most about two
/// pieces (`pieceSize` each, more only for a single longer record) are in memory: a file is streamed,
/// never held whole (the loaders' bound is 1.5 × the file's size + 300 MB; see Docs/performance.md).
///
/// A piece ends after a line break that ends a record (a line break inside a quoted field does not), found
/// with the same rules as `CSVDocument`'s parser; a UTF-8 byte-order mark at the start of the file is
/// skipped. Any byte string either reads or throws a `DataError`, never crashes.
public struct CSVFileReader: Sendable {
    /// The file, as the caller named it (used in messages).
    public let path: String
    /// Bytes read at a time.
    let pieceSize: Int

    public init(path: String, pieceSize: Int = 8 << 20) {
        self.path = path
        self.pieceSize = max(pieceSize, 1)
    }

    /// Calls `body` with each piece of whole records, in file order; `progress` (if given) with the bytes
    /// read so far and the file's size after each piece.
    public func forEachPiece(progress: ((Int, Int) -> Void)? = nil, _ body: (CSVDocument) throws -> Void) throws {
        try DataFile.checkReadable(path)
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw DataError(path: path, line: 0, message: "cannot read the file (\(String(cString: strerror(errno))))") }
        defer { close(descriptor) }
        let size = Int((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)??.int64Value ?? 0)
        var pending: [UInt8] = []
        var line = 1, readSoFar = 0, atStart = true
        var buffer = [UInt8](repeating: 0, count: pieceSize)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, pieceSize) }
            guard count >= 0 else {
                throw DataError(path: path, line: line, message: "reading the file failed (\(String(cString: strerror(errno))))")
            }
            let atEnd = count == 0
            pending.append(contentsOf: buffer[0..<count])
            readSoFar += count
            if atStart, pending.count >= 3 || atEnd {
                if pending.starts(with: [0xEF, 0xBB, 0xBF]) { pending.removeFirst(3) }
                atStart = false
            }
            if atStart { continue }
            let end = atEnd ? pending.count : CSVFileReader.lastRecordEnd(in: pending)
            if end > 0 {
                let piece = Array(pending[0..<end])
                pending.removeFirst(end)
                let document = try CSVDocument(path: path, piece: piece, firstLine: line)
                try body(document)
                line += CSVFileReader.lineBreaks(in: piece)
            }
            progress?(readSoFar, max(size, readSoFar))
            if atEnd { return }
        }
    }

    /// The text of the file's line `target` (without its line ending), read again from the file: for a
    /// message about a row the loader has long passed. `nil` past the end of the file.
    public func lineText(_ target: Int) -> String? {
        var found: String?
        try? forEachPiece { piece in
            guard found == nil else { return }
            found = piece.lineText(target)
        }
        return found
    }

    /// The trimmed texts of the file's first non-blank record, read from at most its first `limit` bytes;
    /// `nil` when the file cannot be read, is not UTF-8 there or has no record in them. For recognising a
    /// file by its header without reading it.
    public func firstRecordTexts(limit: Int = 1 << 16) -> [String]? {
        firstRecordTexts(count: 1, limit: limit)?.first
    }

    /// The trimmed texts of the file's first `count` non-blank records (fewer when the first `limit` bytes
    /// hold fewer), `nil` when the file cannot be read or is not UTF-8 there.
    public func firstRecordTexts(count: Int, limit: Int = 1 << 16) -> [[String]]? {
        guard (try? DataFile.checkReadable(path)) != nil, let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard var bytes = try? handle.read(upToCount: limit).map({ [UInt8]($0) }) else { return nil }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        let end = bytes.count < limit ? bytes.count : CSVFileReader.lastRecordEnd(in: bytes)
        guard let document = try? CSVDocument(path: path, piece: Array(bytes[0..<end]), firstLine: 1),
              let records = try? document.records() else { return nil }
        let texts = records.filter { !$0.isBlank }.prefix(count).map { $0.fields.map { document.trimmedText(of: $0) } }
        return texts.isEmpty ? nil : Array(texts)
    }

    /// The offset just after the last line break in `bytes` that ends a record (0 when there is none),
    /// reading fields as `CSVDocument` does: a quote opens a quoted field only at the start of a field,
    /// and inside it a doubled quote stands for one. A CR at the very end is not taken (an LF may follow
    /// in the next read, and CRLF is one line break).
    static func lastRecordEnd(in bytes: [UInt8]) -> Int {
        let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        return bytes.withUnsafeBufferPointer { b in
            var end = 0, i = 0, fieldStart = true, quoted = false
            let n = b.count
            while i < n {
                let c = b[i]
                if quoted {
                    if c == quote {
                        if i + 1 < n, b[i + 1] == quote { i += 2; continue }
                        if i + 1 == n { return end }   // the quote may be the first of a pair
                        quoted = false
                    }
                    i += 1
                    continue
                }
                if c == quote, fieldStart {
                    quoted = true
                    fieldStart = false
                } else if c == comma {
                    fieldStart = true
                } else if c == lf {
                    end = i + 1
                    fieldStart = true
                } else if c == cr {
                    guard i + 1 < n else { return end }
                    end = b[i + 1] == lf ? i + 2 : i + 1
                    if b[i + 1] == lf { i += 1 }
                    fieldStart = true
                } else {
                    fieldStart = false
                }
                i += 1
            }
            return end
        }
    }

    /// The number of line breaks in `bytes` (CRLF, LF and CR each count once), as `CSVDocument` counts lines.
    static func lineBreaks(in bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { b in
            var count = 0, i = 0
            let n = b.count
            while i < n {
                if b[i] == UInt8(ascii: "\n") {
                    count += 1
                } else if b[i] == UInt8(ascii: "\r") {
                    count += 1
                    if i + 1 < n, b[i + 1] == UInt8(ascii: "\n") { i += 1 }
                }
                i += 1
            }
            return count
        }
    }
}

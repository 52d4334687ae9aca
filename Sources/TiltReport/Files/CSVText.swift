/// Builds CSV text (RFC 4180: comma-separated, fields with commas, quotes or line breaks quoted).
struct CSVText {
    private(set) var text = ""

    init(header: [String]) { append(header) }

    mutating func append(_ fields: [String]) {
        for (i, field) in fields.enumerated() {
            if i > 0 { text += "," }
            text += Self.quote(field)
        }
        text += "\n"
    }

    static func quote(_ field: String) -> String {
        guard field.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return field }   // , " LF CR
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

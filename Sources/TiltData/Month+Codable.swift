/// A month is written `YYYY-MM` in JSON (a plan, a manifest), as everywhere else.
extension Month: Codable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let month = Month(parsing: Substring(text)) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "`\(text)` is not a month (YYYY-MM)")
        }
        self = month
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
